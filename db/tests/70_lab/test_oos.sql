-- OOS investigations: a product result out of specification opens Phase I
-- by itself (a warning does not; no CAPA is opened by itself); an assignable
-- cause invalidates the result and orders a retest; none goes to Phase II; a
-- CAPA only when the investigators decide so; closing needs a conclusion and,
-- under GLP, a signature; events; who may investigate.
BEGIN;
SELECT plan(21);

SELECT tests.remember('lab', tests.create_lab_tenant());
SELECT tests.remember('b', tests.create_tenant());
SELECT tests.remember('tech', tests.create_member(tests.recall('lab'), 'lab_tech'));
SELECT tests.remember('manager', tests.create_member(tests.recall('lab'), 'lab_manager'));
SELECT tests.remember('qa', tests.create_member(tests.recall('lab'), 'qa'));
SELECT tests.remember('portal', tests.create_member(tests.recall('lab'), 'customer_portal', NULL, tests.recall('customer')));
SELECT tests.remember('b_admin', tests.create_member(tests.recall('b'), 'admin'));
SELECT tests.remember('spec', tests.create_specification(tests.recall('lab'), 'ph', p_sample_type_id => tests.recall('water'), p_unit => 'pH',
  p_action_low => 6.5, p_warning_low => 6.8, p_warning_high => 8.2, p_action_high => 8.5));
SELECT tests.remember('s1', tests.create_sample(tests.recall('lab'), tests.recall('water'), p_partner_id => tests.recall('customer')));
SELECT tests.set_sample_status(tests.recall('lab'), tests.recall('s1'), 'received');
SELECT tests.remember('a1', tests.create_analysis(tests.recall('lab'), tests.recall('s1'), tests.recall('ph')));
SELECT tests.remember('a2', tests.create_analysis(tests.recall('lab'), tests.recall('s1'), tests.recall('ph')));
SELECT tests.remember('a3', tests.create_analysis(tests.recall('lab'), tests.recall('s1'), tests.recall('ph')));

SELECT tests.act_as(tests.recall('tech'), tests.recall('lab'));
SELECT tests.remember('r_warn', (app.record_result(tests.recall('a3'), '{"value": 8.3}', 'pH')).id);
SELECT tests.remember('r1', (app.record_result(tests.recall('a1'), '{"value": 9.1}', 'pH')).id);
SELECT tests.remember('r2', (app.record_result(tests.recall('a2'), '{"value": 5.2}', 'pH')).id);
SELECT tests.act_as(tests.recall('manager'), tests.recall('lab'));
SELECT tests.remember('oos1', (SELECT id FROM app.oos_investigations WHERE result_id = tests.recall('r1')));
SELECT tests.remember('oos2', (SELECT id FROM app.oos_investigations WHERE result_id = tests.recall('r2')));

SELECT is((SELECT jsonb_build_object('status', status, 'phase', phase, 'number', investigation_number ~ '^OOS-[0-9]{6}$', 'sample', sample_id)
             FROM app.oos_investigations WHERE id = tests.recall('oos1')),
  jsonb_build_object('status', 'open', 'phase', 'phase_1', 'number', true, 'sample', tests.recall('s1')),
  'an out-of-specification product result opens a Phase I investigation');
SELECT is((SELECT count(*)::int FROM app.oos_investigations WHERE result_id = tests.recall('r_warn')), 0, 'a warning opens none');
SELECT is((SELECT jsonb_array_length(e) FROM tests.lab_event_payloads(tests.recall('lab'), 'oos.opened') AS e), 2, 'oos.opened is published');
SELECT is((SELECT count(*)::int FROM app.capas), 0, 'no CAPA is opened by itself');

-- Who may investigate.
SELECT tests.act_as(tests.recall('tech'), tests.recall('lab'));
SELECT is(tests.refusal(format($$SELECT app.decide_oos_phase_1(%L, true, 'pipette error')$$, tests.recall('oos1'))), 'PT403 permission.missing',
  'a technician does not decide an investigation');
SELECT tests.act_as(tests.recall('portal'), tests.recall('lab'));
SELECT is((SELECT count(*)::int FROM app.oos_investigations), 0, 'a portal user does not see investigations');
SELECT tests.act_as(tests.recall('b_admin'), tests.recall('b'));
SELECT is(tests.refusal(format($$SELECT app.close_oos_investigation(%L, 'done')$$, tests.recall('oos1'))), 'PT404 oos.not_found',
  'another tenant cannot touch the investigation');

-- Phase I with an assignable cause: invalidate and retest.
SELECT tests.act_as(tests.recall('manager'), tests.recall('lab'));
SELECT is(tests.refusal(format($$SELECT app.close_oos_investigation(%L, 'done')$$, tests.recall('oos1'))), 'PT409 oos.phase_1_open',
  'an investigation is not closed before Phase I is decided');
SELECT is(tests.refusal(format($$SELECT app.decide_oos_phase_1(%L, true, 'x', '{"calculation_checked": "yes"}')$$, tests.recall('oos1'))),
  'PT422 oos.checklist_invalid', 'checklist answers are true or false');
SELECT tests.remember('retest', (app.decide_oos_phase_1(tests.recall('oos1'), true, 'wrong buffer used for calibration of the pH meter',
                                                        '{"calculation_checked": true, "instrument_checked": false}')).retest_analysis_id);
SELECT is((SELECT jsonb_build_object('result', r.status, 'analysis', a.status, 'retest_of', (SELECT retest_of_id FROM app.analyses WHERE id = tests.recall('retest')),
                                     'phase', o.phase, 'cause', o.assignable_cause)
             FROM app.oos_investigations AS o JOIN app.results AS r ON r.id = o.result_id JOIN app.analyses AS a ON a.id = o.analysis_id
            WHERE o.id = tests.recall('oos1')),
  jsonb_build_object('result', 'invalidated', 'analysis', 'invalidated', 'retest_of', tests.recall('a1'), 'phase', 'phase_1', 'cause', true),
  'an assignable cause invalidates the result and its analysis and orders a retest');
SELECT is(tests.refusal(format($$SELECT app.decide_oos_phase_1(%L, false, 'changed my mind')$$, tests.recall('oos1'))), 'PT409 oos.phase_1_decided',
  'Phase I is decided once');
SELECT is(tests.refusal(format($$SELECT app.close_oos_investigation(%L, '  ')$$, tests.recall('oos1'))), 'PT422 oos.conclusion_required',
  'closing needs a conclusion');
SELECT tests.act_as_owner();
SELECT tests.set_lab_flag(tests.recall('lab'), 'glp_esignatures_required', 'true');
SELECT tests.act_as(tests.recall('manager'), tests.recall('lab'));
SELECT is(tests.refusal(format($$SELECT app.close_oos_investigation(%L, 'Laboratory error; retest within specification')$$, tests.recall('oos1'))),
  'PT422 signature.required', 'under GLP the closure is signed');
SELECT is((SELECT jsonb_build_object('status', status, 'meaning', closure_signature ->> 'meaning', 'by', closed_by)
             FROM app.close_oos_investigation(tests.recall('oos1'), 'Laboratory error; retest within specification', NULL,
                                              jsonb_build_object('password', tests.password(), 'reason', 'investigation complete'))),
  jsonb_build_object('status', 'closed', 'meaning', 'closed', 'by', tests.recall('manager')), 'a signed closure closes it');
SELECT is((SELECT e -> 0 ->> 'investigation_id' FROM tests.lab_event_payloads(tests.recall('lab'), 'oos.closed') AS e), tests.recall('oos1')::text,
  'oos.closed is published');
SELECT is(tests.refusal(format($$SELECT app.open_oos_capa(%L, 'CAPA', 'why')$$, tests.recall('oos1'))), 'PT409 oos.closed',
  'a closed investigation is not changed');

-- Phase I without an assignable cause: Phase II; a CAPA when the investigators decide so.
SELECT tests.act_as(tests.recall('qa'), tests.recall('lab'));
SELECT is((app.decide_oos_phase_1(tests.recall('oos2'), false, 'no laboratory error found')).phase::text, 'phase_2',
  'no assignable cause: Phase II');
SELECT is((SELECT status::text FROM app.results WHERE id = tests.recall('r2')), 'entered', 'the result stands');
SELECT tests.remember('capa', (app.open_oos_capa(tests.recall('oos2'), 'Low pH in product water', 'Phase II found a dosing pump fault')).capa_id);
SELECT is((SELECT count(*)::int FROM app.capa_links WHERE capa_id = tests.recall('capa') AND entity_type = 'oos_investigation'
              AND entity_id = tests.recall('oos2') AND relation = 'source'), 1, 'the CAPA is opened with the investigation as its source');
SELECT is(tests.refusal(format($$SELECT app.open_oos_capa(%L, 'Again', 'why')$$, tests.recall('oos2'))), 'PT409 oos.capa_exists',
  'one CAPA per investigation');
SELECT is(tests.refusal(format($$SELECT app.close_oos_investigation(%L, 'Batch rejected', NULL, '{"password": %s, "reason": "done"}')$$,
                               tests.recall('oos2'), to_jsonb(tests.password()))),
  'PT422 oos.phase_2_findings_required', 'a Phase II investigation is closed with its findings');

SELECT * FROM finish();
ROLLBACK;
