-- A measurement's gauge is a measuring device (an equipment class of kind
-- gauge or instrument that requires calibration) at the inspection's plant,
-- calibrated; another gauge than the characteristic's planned one only if
-- it is of the same class (an equivalent), recorded as a substitution. The
-- same holds for the gauge a control plan names and a Gauge R&R study's.
-- A refusal for another plant's gauge names no equipment. A measurement is
-- dated between its inspection's opening and now (calibration is judged then).
BEGIN;
SELECT plan(15);

SELECT tests.remember('t', tests.create_tenant());
SELECT tests.remember('plant', tests.create_site(tests.recall('t')));
SELECT tests.remember('plant_2', tests.create_site(tests.recall('t')));
SELECT tests.remember('inspector', tests.create_member(tests.recall('t'), 'inspector', tests.recall('plant')));
SELECT tests.remember('eng', tests.create_member(tests.recall('t'), 'engineering'));
SELECT tests.remember('c', tests.create_characteristic(tests.recall('t'), tests.recall('plant'), 'xbar_r', 2));
SELECT tests.remember('plan', tests.plan_of(tests.recall('c')));
SELECT tests.remember('planned', tests.gauge_of(tests.recall('c')));
SELECT tests.remember('class', (SELECT class_id FROM app.equipment WHERE id = tests.recall('planned')));
-- An equivalent (same class) at the plant; one at plant 2; a calibrated gauge of another class; an air compressor; a gauge class without calibration.
SELECT tests.remember('equivalent', tests.create_equipment(tests.recall('t'), tests.recall('class'), tests.recall('plant'), p_name => 'Spare micrometer'));
SELECT tests.calibrate(tests.recall('equivalent'), now() - interval '1 day')::text;
SELECT tests.remember('expired', tests.create_equipment(tests.recall('t'), tests.recall('class'), tests.recall('plant'), p_name => 'Old micrometer'));
SELECT tests.calibrate(tests.recall('expired'), now() - interval '60 days', 'pass', now() - interval '1 day')::text;
SELECT tests.remember('elsewhere', tests.create_equipment(tests.recall('t'), tests.recall('class'), tests.recall('plant_2'), p_name => 'Plant 2 micrometer'));
SELECT tests.calibrate(tests.recall('elsewhere'), now() - interval '1 day')::text;
SELECT tests.remember('other_class', tests.create_equipment(tests.recall('t'), tests.create_equipment_class(tests.recall('t')), tests.recall('plant'), p_name => 'Height gauge'));
SELECT tests.calibrate(tests.recall('other_class'), now() - interval '1 day')::text;
SELECT tests.act_as_owner();
INSERT INTO app.equipment_classes (organization_id, code, name, kind, requires_calibration, calibration_interval_days)
VALUES (tests.recall('t'), 'compressor', 'Air compressor', 'machine', false, NULL),
       (tests.recall('t'), 'uncalibrated-gauge', 'Reference pin', 'gauge', false, NULL);
SELECT tests.remember('compressor', tests.create_equipment(tests.recall('t'), (SELECT id FROM app.equipment_classes WHERE organization_id = tests.recall('t') AND code = 'compressor'),
                                                           tests.recall('plant'), p_name => 'Air compressor'));
SELECT tests.remember('pin', tests.create_equipment(tests.recall('t'), (SELECT id FROM app.equipment_classes WHERE organization_id = tests.recall('t') AND code = 'uncalibrated-gauge'),
                                                    tests.recall('plant'), p_name => 'Reference pin'));

SELECT tests.act_as(tests.recall('inspector'), tests.recall('t'));
SELECT tests.remember('i', (app.open_inspection(tests.recall('plan'), 'in_process')).id);
SELECT is(tests.refusal(format($$SELECT app.record_measurement(%L, %L, 10.0, gauge_id => %L)$$, tests.recall('i'), tests.recall('c'), tests.recall('compressor'))),
  'PT422 gauge.not_a_gauge', 'an air compressor is no gauge');
SELECT is(tests.refusal(format($$SELECT app.record_measurement(%L, %L, 10.0, gauge_id => %L)$$, tests.recall('i'), tests.recall('c'), tests.recall('pin'))),
  'PT422 gauge.not_a_gauge', 'nor equipment of a gauge class that is not calibrated');
SELECT is(tests.refusal(format($$SELECT app.record_measurement(%L, %L, 10.0, gauge_id => %L)$$, tests.recall('i'), tests.recall('c'), tests.recall('elsewhere'))),
  'PT422 gauge.wrong_plant', 'a gauge of another plant is refused');
SELECT throws_ok(format($$SELECT app.record_measurement(%L, %L, 10.0, gauge_id => %L)$$, tests.recall('i'), tests.recall('c'), tests.recall('elsewhere')),
  'PT422', 'The gauge is not at this plant.', 'and the refusal names no equipment of the other plant');
SELECT is(tests.refusal(format($$SELECT app.record_measurement(%L, %L, 10.0, gauge_id => %L)$$, tests.recall('i'), tests.recall('c'), tests.recall('other_class'))),
  'PT422 gauge.not_equivalent', 'a calibrated gauge of another class does not stand in for the planned one');
SELECT is((SELECT (m.gauge_id, m.substituted_gauge_id)::text FROM app.record_measurement(tests.recall('i'), tests.recall('c'), 10.0) AS m),
  (tests.recall('planned'), NULL::uuid)::text, 'the planned gauge measures, no substitution');
SELECT is((SELECT (m.gauge_id, m.substituted_gauge_id)::text FROM app.record_measurement(tests.recall('i'), tests.recall('c'), 10.01, gauge_id => tests.recall('equivalent')) AS m),
  (tests.recall('equivalent'), tests.recall('planned'))::text, 'an equivalent measures, recorded as standing in for the planned gauge');
SELECT is(tests.refusal(format($$SELECT app.record_measurement(%L, %L, 10.0, gauge_id => %L)$$, tests.recall('i'), tests.recall('c'), tests.recall('expired'))),
  'PT409 gauge.out_of_calibration', 'an equivalent must be calibrated too');
SELECT is(tests.refusal(format($$SELECT app.record_measurement(%L, %L, 10.0, gauge_id => %L, measured_at => now() - interval '2 days')$$,
                               tests.recall('i'), tests.recall('c'), tests.recall('expired'))),
  'PT422 measurement.before_inspection', 'a measurement dated before its inspection was opened (when the gauge was still calibrated) is refused');
SELECT is(tests.refusal(format($$SELECT app.record_measurement(%L, %L, 10.0, measured_at => now() + interval '1 hour')$$, tests.recall('i'), tests.recall('c'))),
  'PT422 measurement.in_future', 'nor one dated in the future');

-- The gauge a control plan names, and a Gauge R&R study's.
SELECT tests.remember('part', tests.create_part(tests.recall('t')));
SELECT tests.act_as(tests.recall('eng'), tests.recall('t'));
SELECT tests.remember('draft', (app.create_control_plan((SELECT id FROM app.part_revisions WHERE part_id = tests.recall('part')),
                                                         tests.recall('plant'), 'Draft')).id);
SELECT tests.remember('step', (app.add_control_plan_step(tests.recall('draft'), 10, 'Turning')).id);
SELECT is(tests.refusal(format($$SELECT app.add_characteristic(%L, 'Diameter', 'variable', 'imr', 'Stop', lsl => 9, usl => 11, gauge_id => %L)$$,
                               tests.recall('step'), tests.recall('compressor'))),
  'PT422 gauge.not_a_gauge', 'a control plan names no air compressor as gauge');
SELECT is(tests.refusal(format($$SELECT app.add_characteristic(%L, 'Diameter', 'variable', 'imr', 'Stop', lsl => 9, usl => 11, gauge_id => %L)$$,
                               tests.recall('step'), tests.recall('elsewhere'))),
  'PT422 gauge.wrong_plant', 'nor another plant''s gauge');
SELECT is((app.add_characteristic(tests.recall('step'), 'Diameter', 'variable', 'imr', 'Stop', lsl => 9, usl => 11, gauge_id => tests.recall('equivalent'))).gauge_id,
  tests.recall('equivalent'), 'a gauge of the plant is planned');
SELECT is(tests.refusal(format($$SELECT app.record_gauge_study(%L, %L, 'average_range', '[]')$$, tests.recall('compressor'), tests.recall('c'))),
  'PT422 gauge.not_a_gauge', 'a Gauge R&R study is of a gauge');
SELECT is(tests.refusal(format($$SELECT app.record_gauge_study(%L, %L, 'average_range', '[]')$$, tests.recall('elsewhere'), tests.recall('c'))),
  'PT422 gauge.wrong_plant', 'at the characteristic''s plant');

SELECT * FROM finish();
ROLLBACK;
