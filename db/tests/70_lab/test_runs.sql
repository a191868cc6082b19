-- Runs (worksheets) with QC: built by analysts at the instrument's site,
-- analyses of the run's test only while open; QC evaluated when recorded
-- (blank, control, duplicate RPD); a failing QC sample fails the run at once,
-- invalidating its results and sending each analysis back for retest; a
-- reviewer accepts a completed run; portal users and other tenants see nothing.
BEGIN;
SELECT plan(43);

SELECT tests.remember('lab', tests.create_lab_tenant());
SELECT tests.remember('instrument', tests.create_runs_world());
SELECT tests.remember('b', tests.create_tenant());
SELECT tests.remember('other_site', tests.create_site(tests.recall('lab')));
SELECT tests.remember('cond', tests.create_lab_test(tests.recall('lab'), 'cond', 'uS/cm'));
SELECT tests.remember('a_cond', tests.create_received_analysis(tests.recall('lab'), tests.recall('water'), tests.recall('cond'), tests.recall('lab_site')));
SELECT tests.remember('a3', tests.create_received_analysis(tests.recall('lab'), tests.recall('water'), tests.recall('ph'), tests.recall('lab_site')));
SELECT tests.remember('a4', tests.create_received_analysis(tests.recall('lab'), tests.recall('water'), tests.recall('ph'), tests.recall('lab_site')));
SELECT tests.remember('manager', tests.create_member(tests.recall('lab'), 'lab_manager'));
SELECT tests.remember('tech', tests.create_member(tests.recall('lab'), 'lab_tech', tests.recall('lab_site')));
SELECT tests.remember('tech_elsewhere', tests.create_member(tests.recall('lab'), 'lab_tech', tests.recall('other_site')));
SELECT tests.remember('reviewer', tests.create_member(tests.recall('lab'), 'lab_reviewer'));
SELECT tests.remember('portal', tests.create_member(tests.recall('lab'), 'customer_portal', NULL, tests.recall('customer')));
SELECT tests.remember('b_admin', tests.create_member(tests.recall('b'), 'admin'));

-- Building a run: result.enter at the instrument's site.
SELECT tests.act_as(tests.recall('reviewer'), tests.recall('lab'));
SELECT is(tests.refusal(format($$INSERT INTO app.runs (test_code, equipment_id) VALUES ('ph', %L)$$, tests.recall('instrument'))),
  'PT403 permission.missing', 'a reviewer (no result.enter) cannot build runs');
SELECT tests.act_as(tests.recall('tech_elsewhere'), tests.recall('lab'));
SELECT is(tests.refusal(format($$INSERT INTO app.runs (test_code, equipment_id) VALUES ('ph', %L)$$, tests.recall('instrument'))),
  'PT404 equipment.not_found', 'a technician of another site cannot build a run on this site''s instrument');
SELECT tests.act_as(tests.recall('tech'), tests.recall('lab'));
SELECT is(tests.refusal(format($$INSERT INTO app.runs (test_code, equipment_id) VALUES ('tds', %L)$$, tests.recall('instrument'))),
  'PT422 run.test_unknown', 'a run is of a published test');
INSERT INTO app.runs (test_code, equipment_id, notes) VALUES ('ph', tests.recall('instrument'), 'Passing run');
SELECT tests.remember('r1', (SELECT id FROM app.runs WHERE notes = 'Passing run'));
SELECT is((SELECT jsonb_build_object('number', run_number, 'site', site_id, 'status', status, 'by', created_by) FROM app.runs WHERE id = tests.recall('r1')),
  jsonb_build_object('number', 'RUN-000001', 'site', tests.recall('lab_site'), 'status', 'open', 'by', tests.recall('tech')),
  'a run gets the next human id, the instrument''s site, starts open, and records its creator');
SELECT is(tests.refusal(format($$UPDATE app.runs SET status = 'accepted' WHERE id = %L$$, tests.recall('r1'))), '42501',
  'a run''s status is not written directly');

-- The worksheet.
INSERT INTO app.run_analyses (run_id, analysis_id) VALUES (tests.recall('r1'), tests.recall('a1')), (tests.recall('r1'), tests.recall('a2'));
SELECT is((SELECT array_agg(position ORDER BY position) FROM app.run_analyses WHERE run_id = tests.recall('r1')), ARRAY[1, 2],
  'analyses take the next positions on the worksheet');
SELECT is(tests.refusal(format($$INSERT INTO app.run_analyses (run_id, analysis_id) VALUES (%L, %L)$$, tests.recall('r1'), tests.recall('a_cond'))),
  'PT422 run.test_mismatch', 'an analysis of another test does not go on the run');
SELECT is(tests.refusal(format($$INSERT INTO app.run_analyses (run_id, analysis_id) VALUES (%L, %L)$$, tests.recall('r1'), tests.recall('a1'))),
  '23505', 'an analysis is on one run at most');
SELECT is(tests.refusal(format($$INSERT INTO app.run_qc_samples (run_id, kind, label, expected_value, max_value) VALUES (%L, 'blank', 'Blank', 0, 0.01)$$,
                               tests.recall('r1'))), '23514', 'a blank has a maximum and nothing else');
INSERT INTO app.run_qc_samples (run_id, kind, label, expected_value, tolerance) VALUES (tests.recall('r1'), 'control', 'pH 7.00 buffer', 7.00, 0.05);
INSERT INTO app.run_qc_samples (run_id, kind, label, max_value) VALUES (tests.recall('r1'), 'blank', 'Method blank', 0.01);
INSERT INTO app.run_qc_samples (run_id, kind, label, duplicate_of_id, max_rpd) VALUES (tests.recall('r1'), 'duplicate', 'Duplicate of 1', tests.recall('a1'), 5);
SELECT is(tests.refusal(format($$INSERT INTO app.run_qc_samples (run_id, kind, label, duplicate_of_id, max_rpd) VALUES (%L, 'duplicate', 'Dup', %L, 5)$$,
                               tests.recall('r1'), tests.recall('a3'))), 'PT422 qc.duplicate_not_in_run', 'a duplicate repeats an analysis of its own run');
SELECT is(tests.refusal(format($$SELECT app.record_qc_value(id, 7.01) FROM app.run_qc_samples WHERE run_id = %L AND kind = 'control'$$, tests.recall('r1'))),
  'PT409 run.status', 'QC values are recorded while the run is in progress');
SELECT tests.act_as_owner();
SELECT is(tests.refusal(format($$INSERT INTO app.results (organization_id, analysis_id, value, numeric_value) VALUES (%L, %L, '{"value": 7}', 7)$$,
                               tests.recall('lab'), tests.recall('a1'))), 'PT409 run.status', 'a result of a run''s analysis waits until the run is started');

-- Starting.
SELECT tests.act_as(tests.recall('tech'), tests.recall('lab'));
INSERT INTO app.runs (test_code, equipment_id, notes) VALUES ('ph', tests.recall('instrument'), 'Empty run');
SELECT is(tests.refusal(format($$SELECT app.start_run(id) FROM app.runs WHERE notes = 'Empty run'$$)), 'PT409 run.empty', 'an empty run does not start');
SELECT is((app.start_run(tests.recall('r1'))).status::text, 'in_progress', 'open -> in_progress');
SELECT is((SELECT array_agg(DISTINCT a.status::text) || array_agg(DISTINCT s.status::text) FROM app.analyses AS a JOIN app.samples AS s ON s.id = a.sample_id
            WHERE a.id IN (tests.recall('a1'), tests.recall('a2'))), ARRAY['in_progress', 'in_progress'],
  'starting a run puts its analyses and their samples in progress');
SELECT is(tests.refusal(format($$INSERT INTO app.run_analyses (run_id, analysis_id) VALUES (%L, %L)$$, tests.recall('r1'), tests.recall('a3'))),
  'PT409 run.status', 'the worksheet is fixed once the run started');

-- QC evaluated when recorded.
SELECT is((SELECT (app.record_qc_value(id, 7.02)).passed FROM app.run_qc_samples WHERE run_id = tests.recall('r1') AND kind = 'control'), true,
  'a control within expected ± tolerance passes');
SELECT is(tests.refusal(format($$SELECT app.record_qc_value(id, 7.1) FROM app.run_qc_samples WHERE run_id = %L AND kind = 'duplicate'$$, tests.recall('r1'))),
  'PT409 qc.original_missing', 'a duplicate waits for its original''s result');
SELECT tests.act_as_owner();
INSERT INTO app.results (organization_id, analysis_id, value, numeric_value) VALUES (tests.recall('lab'), tests.recall('a1'), '{"value": 7.10}', 7.10);
INSERT INTO app.results (organization_id, analysis_id, value, numeric_value) VALUES (tests.recall('lab'), tests.recall('a2'), '{"value": 7.30}', 7.30);
SELECT is((SELECT count(*)::int FROM app.results WHERE run_id = tests.recall('r1')), 2, 'a result of a run''s analysis gets the run');
SELECT tests.act_as(tests.recall('tech'), tests.recall('lab'));
SELECT is((SELECT jsonb_build_object('passed', q.passed, 'rpd', q.rpd) FROM app.run_qc_samples AS r, app.record_qc_value(r.id, 7.12) AS q
            WHERE r.run_id = tests.recall('r1') AND r.kind = 'duplicate'),
  jsonb_build_object('passed', true, 'rpd', 0.2813), 'a duplicate is judged by its relative percent difference to the original');
SELECT is(tests.refusal(format($$UPDATE app.run_qc_samples SET label = 'x' WHERE run_id = %L AND kind = 'control'$$, tests.recall('r1'))),
  'PT409 qc.recorded', 'a measured QC sample is frozen');
SELECT is(tests.refusal(format($$SELECT app.record_qc_value(id, 7.0) FROM app.run_qc_samples WHERE run_id = %L AND kind = 'control'$$, tests.recall('r1'))),
  'PT409 qc.recorded', 'a QC value is recorded once');
SELECT is(tests.refusal(format($$SELECT app.complete_run(%L)$$, tests.recall('r1'))), 'PT409 run.qc_unrecorded',
  'a run with an unmeasured QC sample does not complete');
SELECT is((SELECT (app.record_qc_value(id, 0.004)).passed FROM app.run_qc_samples WHERE run_id = tests.recall('r1') AND kind = 'blank'), true,
  'a blank below its maximum passes');
SELECT is((app.complete_run(tests.recall('r1'))).status::text, 'completed', 'in_progress -> completed once every QC sample passed');

-- Accepting: result.review.
SELECT is(tests.refusal(format($$SELECT app.accept_run(%L)$$, tests.recall('r1'))), 'PT403 permission.missing', 'a technician cannot accept a run');
SELECT tests.act_as(tests.recall('reviewer'), tests.recall('lab'));
SELECT is((app.accept_run(tests.recall('r1'))).status::text, 'accepted', 'a reviewer accepts a completed run');
SELECT tests.act_as_owner();
SELECT is((SELECT payload ->> 'accepted_by' FROM app_private.events WHERE event_type = 'run.accepted' AND entity_id = tests.recall('r1')),
  tests.recall('reviewer')::text, 'run.accepted is published with the reviewer');
SELECT is((SELECT array_agg(status::text) FROM app.results WHERE run_id = tests.recall('r1')), ARRAY['entered', 'entered'],
  'an accepted run leaves its results to review');

-- A failing control fails the run at once: results invalidated, analyses back for retest, one transaction.
SELECT tests.act_as(tests.recall('tech'), tests.recall('lab'));
INSERT INTO app.runs (test_code, equipment_id, notes) VALUES ('ph', tests.recall('instrument'), 'Failing run');
SELECT tests.remember('r2', (SELECT id FROM app.runs WHERE notes = 'Failing run'));
INSERT INTO app.run_analyses (run_id, analysis_id) VALUES (tests.recall('r2'), tests.recall('a3')), (tests.recall('r2'), tests.recall('a4'));
INSERT INTO app.run_qc_samples (run_id, kind, label, min_value, max_value) VALUES (tests.recall('r2'), 'reference_material', 'CRM pH 4.01', 3.98, 4.04);
INSERT INTO app.run_qc_samples (run_id, kind, label, expected_value, tolerance) VALUES (tests.recall('r2'), 'control', 'pH 7.00 buffer', 7.00, 0.05);
SELECT app.start_run(tests.recall('r2'));
SELECT tests.act_as_owner();
INSERT INTO app.results (organization_id, analysis_id, value, numeric_value) VALUES (tests.recall('lab'), tests.recall('a3'), '{"value": 6.9}', 6.9);
INSERT INTO app.results (organization_id, analysis_id, value, numeric_value) VALUES (tests.recall('lab'), tests.recall('a4'), '{"value": 7.4}', 7.4);
SELECT tests.act_as(tests.recall('tech'), tests.recall('lab'));
SELECT is((SELECT (app.record_qc_value(id, 4.02)).passed FROM app.run_qc_samples WHERE run_id = tests.recall('r2') AND kind = 'reference_material'), true,
  'a reference material within its range passes');
SELECT is((SELECT (app.record_qc_value(id, 7.31)).evaluation FROM app.run_qc_samples WHERE run_id = tests.recall('r2') AND kind = 'control'),
  '7.31 is outside 7.00 ± 0.05', 'a control outside expected ± tolerance fails, and says why');
SELECT is((SELECT jsonb_build_object('status', status, 'reason', failure_reason) FROM app.runs WHERE id = tests.recall('r2')),
  jsonb_build_object('status', 'failed', 'reason', 'control pH 7.00 buffer failed: 7.31 is outside 7.00 ± 0.05'), 'the failed control fails the run');
SELECT is((SELECT array_agg(status::text) FROM app.results WHERE run_id = tests.recall('r2')), ARRAY['invalidated', 'invalidated'],
  'every result of the failed run is invalidated');
SELECT is((SELECT array_agg(status::text ORDER BY status) FROM app.analyses WHERE id IN (tests.recall('a3'), tests.recall('a4'))), ARRAY['invalidated', 'invalidated'],
  'the run''s analyses are invalidated');
SELECT is((SELECT count(*)::int FROM app.analyses WHERE retest_of_id IN (tests.recall('a3'), tests.recall('a4')) AND status = 'pending'), 2,
  'each analysis goes back for retest as a new pending analysis');
SELECT is((SELECT array_agg(DISTINCT s.status::text) FROM app.analyses AS a JOIN app.samples AS s ON s.id = a.sample_id
            WHERE a.id IN (tests.recall('a3'), tests.recall('a4'))), ARRAY['retest'], 'their samples are back to retest');
SELECT tests.act_as_owner();
SELECT is((SELECT jsonb_build_object('results', jsonb_array_length(payload -> 'invalidated_result_ids'), 'retests', jsonb_array_length(payload -> 'retests'),
                                     'qc', payload -> 'failed_qc' -> 0 ->> 'label')
             FROM app_private.events WHERE event_type = 'run.failed' AND entity_id = tests.recall('r2')),
  jsonb_build_object('results', 2, 'retests', 2, 'qc', 'pH 7.00 buffer'), 'run.failed names the failed QC sample, the invalidated results and the retests');

-- Failing by hand: result.review and a reason.
SELECT tests.act_as(tests.recall('manager'), tests.recall('lab'));
SELECT is(tests.refusal(format($$SELECT app.fail_run(%L, ' ')$$, tests.recall('r1'))), 'PT409 run.status', 'an accepted run stays accepted');
INSERT INTO app.runs (test_code, equipment_id, notes) VALUES ('ph', tests.recall('instrument'), 'Lamp drift');
INSERT INTO app.run_analyses (run_id, analysis_id) SELECT r.id, a.id FROM app.runs AS r, app.analyses AS a
 WHERE r.notes = 'Lamp drift' AND a.retest_of_id = tests.recall('a3');
SELECT app.start_run(id) FROM app.runs WHERE notes = 'Lamp drift';
SELECT is(tests.refusal($$SELECT app.fail_run(id, ' ') FROM app.runs WHERE notes = 'Lamp drift'$$), 'PT422 run.reason_missing', 'failing a run needs a reason');
SELECT is((SELECT (app.fail_run(id, 'Electrode drift during the sequence')).status::text FROM app.runs WHERE notes = 'Lamp drift'), 'failed',
  'a manager fails a run by hand with a reason');

-- Who sees runs.
SELECT tests.act_as(tests.recall('tech_elsewhere'), tests.recall('lab'));
SELECT is((SELECT count(*)::int FROM app.runs) + (SELECT count(*)::int FROM app.run_qc_samples), 0, 'a technician of another site sees none of this site''s runs');
SELECT tests.act_as(tests.recall('portal'), tests.recall('lab'));
SELECT is((SELECT count(*)::int FROM app.runs) + (SELECT count(*)::int FROM app.run_analyses) + (SELECT count(*)::int FROM app.run_qc_samples), 0,
  'portal users see no runs');
SELECT tests.act_as(tests.recall('b_admin'), tests.recall('b'));
SELECT is(tests.refusal(format($$SELECT app.start_run(%L)$$, tests.recall('r1'))), 'PT404 run.not_found', 'another tenant''s admin cannot reach the run');

SELECT * FROM finish();
ROLLBACK;
