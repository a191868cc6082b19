-- Results on entry, whatever the path: the document against the test's
-- schema (naming the JSON path), the value taken from it and converted to
-- the test's unit, the instrument calibrated when it measured (its use
-- recorded), the analysis resulted; who may record; another tenant and a
-- portal user cannot.
BEGIN;
SELECT plan(21);

SELECT tests.remember('lab', tests.create_lab_tenant());
SELECT tests.remember('b', tests.create_tenant());
SELECT tests.remember('other_site', tests.create_site(tests.recall('lab')));
SELECT tests.remember('tech', tests.create_member(tests.recall('lab'), 'lab_tech', tests.recall('lab_site')));
SELECT tests.remember('tech_elsewhere', tests.create_member(tests.recall('lab'), 'lab_tech', tests.recall('other_site')));
SELECT tests.remember('reviewer', tests.create_member(tests.recall('lab'), 'lab_reviewer'));
SELECT tests.remember('portal', tests.create_member(tests.recall('lab'), 'customer_portal', NULL, tests.recall('customer')));
SELECT tests.remember('b_admin', tests.create_member(tests.recall('b'), 'admin'));
SELECT tests.remember('nitrate', tests.create_lab_test(tests.recall('lab'), 'nitrate', 'mg/L',
  '{"type": "object", "required": ["value"], "properties": {"value": {"type": "number", "minimum": 0}, "replicates": {"type": "array", "items": {"type": "number"}}}}'));
SELECT tests.remember('class', tests.create_equipment_class(tests.recall('lab')));
SELECT tests.remember('meter', tests.create_equipment(tests.recall('lab'), tests.recall('class'), tests.recall('lab_site')));
SELECT tests.remember('cal', tests.calibrate(tests.recall('meter'), now() - interval '30 days', 'pass', now() + interval '300 days'));
SELECT tests.remember('other_meter', tests.create_equipment(tests.recall('lab'), tests.create_equipment_class(tests.recall('lab')), tests.recall('lab_site')));
SELECT tests.remember('s1', tests.create_sample(tests.recall('lab'), tests.recall('water'), tests.recall('lab_site'), tests.recall('customer')));
SELECT tests.set_sample_status(tests.recall('lab'), tests.recall('s1'), 'received');
SELECT tests.remember('a_ph', tests.create_analysis(tests.recall('lab'), tests.recall('s1'), tests.recall('ph')));
SELECT tests.remember('a_no3', tests.create_analysis(tests.recall('lab'), tests.recall('s1'), tests.recall('nitrate')));

-- The document against the schema, the JSON path named.
SELECT tests.act_as(tests.recall('tech'), tests.recall('lab'));
SELECT is(tests.refusal(format($$SELECT app.record_result(%L, '{"value": 1.2, "replicates": [1.1, "x"]}', 'mg/L')$$, tests.recall('a_no3'))),
  'PT422 json_schema.invalid', 'a document that fails the test''s schema is refused');
SELECT throws_like(format($$SELECT app.record_result(%L, '{"value": -1}', 'mg/L')$$, tests.recall('a_no3')),
  '%$.value%', 'the refusal names the JSON path');
SELECT is(tests.refusal(format($$SELECT app.record_result(%L, '{"reading": 7}')$$, tests.recall('a_ph'))),
  'PT422 json_schema.invalid', 'a document without the required value is refused');

-- Value from the document, converted to the test's unit, the reported one kept.
SELECT tests.remember('r_no3', (app.record_result(tests.recall('a_no3'), '{"value": 2500}', 'ug/L')).id);
SELECT is((SELECT jsonb_build_object('n', numeric_value, 'u', unit, 'rv', reported_value, 'ru', reported_unit, 'by', entered_by, 's', status)
             FROM app.results WHERE id = tests.recall('r_no3')),
  jsonb_build_object('n', 2.5, 'u', 'mg/L', 'rv', 2500, 'ru', 'ug/L', 'by', tests.recall('tech'), 's', 'entered'),
  'the value is taken from the document and converted to the test''s unit; the reported value and unit are kept');
SELECT is((SELECT status::text FROM app.analyses WHERE id = tests.recall('a_no3')), 'resulted', 'the analysis is resulted');
SELECT is(tests.refusal(format($$SELECT app.record_result(%L, '{"value": 3}', 'mg/L')$$, tests.recall('a_no3'))),
  'PT409 analysis.not_open', 'a resulted analysis takes no second result');
SELECT is((SELECT unit || ' ' || numeric_value FROM app.record_result(tests.recall('a_ph'), '{"value": 7}', 'pH')), 'pH 7',
  'a test without a unit keeps the unit that was sent');

-- Every path gets the rules: an insert by another part's SECURITY DEFINER code (here the owner with the tech's claims).
SELECT tests.act_as_owner();
SELECT tests.remember('a_ingest', tests.create_analysis(tests.recall('lab'), tests.recall('s1'), tests.recall('nitrate')));
SELECT is(tests.refusal(format($$INSERT INTO app.results (organization_id, analysis_id, value, numeric_value) VALUES (%L, %L, '{"value": 4}', 5)$$,
                               tests.recall('lab'), tests.recall('a_ingest'))),
  'PT422 result.value_mismatch', 'a direct insert is checked too: numeric_value must be the document''s value');
SELECT is(tests.refusal(format($$INSERT INTO app.results (organization_id, analysis_id, value, unit) VALUES (%L, %L, '{"value": 4}', 'pH')$$,
                               tests.recall('lab'), tests.recall('a_ingest'))),
  'PT422 unit.incompatible', 'a unit of another dimension is refused');

-- Equipment: the test's class requires an instrument, calibrated at measured_at; its use is recorded.
UPDATE app.lab_tests SET status = 'retired' WHERE id = tests.recall('nitrate');
INSERT INTO app.lab_tests (organization_id, code, name, unit, equipment_class_id, result_schema)
VALUES (tests.recall('lab'), 'nitrate', 'Nitrate by photometer', 'mg/L', tests.recall('class'), '{"type": "object"}');
UPDATE app.lab_tests SET status = 'published' WHERE code = 'nitrate' AND organization_id = tests.recall('lab') AND status = 'draft';
SELECT tests.remember('a_eq', tests.create_analysis(tests.recall('lab'), tests.recall('s1'),
  (SELECT id FROM app.lab_tests WHERE code = 'nitrate' AND status = 'published' AND organization_id = tests.recall('lab'))));
SELECT tests.act_as(tests.recall('tech'), tests.recall('lab'));
SELECT is(tests.refusal(format($$SELECT app.record_result(%L, '{"value": 1}')$$, tests.recall('a_eq'))),
  'PT422 result.equipment_required', 'a test with an instrument class needs an instrument');
SELECT is(tests.refusal(format($$SELECT app.record_result(%L, '{"value": 1}', equipment_id => %L)$$, tests.recall('a_eq'), tests.recall('other_meter'))),
  'PT422 result.equipment_class', 'the instrument must be of the test''s class');
SELECT is(tests.refusal(format($$SELECT app.record_result(%L, '{"value": 1}', equipment_id => %L, measured_at => now() - interval '40 days')$$,
                               tests.recall('a_eq'), tests.recall('meter'))),
  'PT409 equipment.not_calibrated', 'an instrument not calibrated at measured_at is refused');
SELECT tests.remember('r_eq', (app.record_result(tests.recall('a_eq'), '{"value": 1}', equipment_id => tests.recall('meter'),
                                                 measured_at => now() - interval '1 day')).id);
SELECT is((SELECT count(*)::int FROM app.equipment_uses WHERE entity_type = 'result' AND entity_id = tests.recall('r_eq')
              AND equipment_id = tests.recall('meter') AND used_at = now() - interval '1 day'), 1,
  'the instrument''s use is recorded in the equipment register at measured_at');
SELECT tests.act_as_owner();
SELECT tests.remember('failed_cal', tests.calibrate(tests.recall('meter'), now() - interval '1 hour', 'fail'));
SELECT tests.act_as(tests.recall('reviewer'), tests.recall('lab'));
SELECT is((SELECT array_agg(result_id) FROM app.results_since_last_good_calibration(tests.recall('meter'))), ARRAY[tests.recall('r_eq')],
  'results since the last good calibration lists what the instrument measured since');
SELECT tests.act_as(tests.recall('tech'), tests.recall('lab'));
SELECT tests.act_as_owner();
SELECT tests.remember('a_eq2', tests.create_analysis(tests.recall('lab'), tests.recall('s1'),
  (SELECT id FROM app.lab_tests WHERE code = 'nitrate' AND status = 'published' AND organization_id = tests.recall('lab'))));
SELECT tests.act_as(tests.recall('tech'), tests.recall('lab'));
SELECT is(tests.refusal(format($$SELECT app.record_result(%L, '{"value": 1}', equipment_id => %L)$$, tests.recall('a_eq2'), tests.recall('meter'))),
  'PT409 equipment.calibration_failed', 'after a failed calibration the instrument is refused');

-- Who may record.
SELECT tests.act_as(tests.recall('tech_elsewhere'), tests.recall('lab'));
SELECT is(tests.refusal(format($$SELECT app.record_result(%L, '{"value": 1}')$$, tests.recall('a_eq2'))),
  'PT404 analysis.not_found', 'a technician of another site does not see the analysis');
SELECT tests.act_as(tests.recall('reviewer'), tests.recall('lab'));
SELECT is(tests.refusal(format($$SELECT app.record_result(%L, '{"value": 1}', equipment_id => %L, measured_at => now() - interval '2 hours')$$, tests.recall('a_eq2'), tests.recall('meter'))),
  'PT403 permission.missing', 'a reviewer does not enter results');
SELECT tests.act_as(tests.recall('portal'), tests.recall('lab'));
SELECT is(tests.refusal(format($$SELECT app.record_result(%L, '{"value": 1}')$$, tests.recall('a_eq2'))),
  'PT404 analysis.not_found', 'a portal user cannot record results');
SELECT tests.act_as(tests.recall('b_admin'), tests.recall('b'));
SELECT is(tests.refusal(format($$SELECT app.record_result(%L, '{"value": 1}')$$, tests.recall('a_eq2'))),
  'PT404 analysis.not_found', 'another tenant cannot record results on the lab''s analyses');
SELECT is(tests.refusal(format($$SELECT * FROM app.results_since_last_good_calibration(%L)$$, tests.recall('meter'))),
  'PT404 equipment.not_found', 'another tenant does not list the lab''s instrument''s results');
SELECT is(tests.refusal(format($$INSERT INTO app.results (analysis_id, value) VALUES (%L, '{"value": 1}')$$, tests.recall('a_eq2'))),
  '42501', 'results are not inserted directly over the API');

SELECT * FROM finish();
ROLLBACK;
