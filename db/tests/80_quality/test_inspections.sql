-- Control plans, inspections and SPC: characteristic checks, a gauge out of
-- calibration refuses a measurement, subgroups close at the sample size,
-- limits frozen from an approved baseline (recalculated only with a process
-- change), an out-of-control subgroup raises a signal that notifies the
-- owner and closes only with an assignable cause, inspection judgement and
-- FPY, and a gauge R&R study stored with the
-- library's result.
BEGIN;
SELECT plan(34);

SELECT tests.remember('t', tests.create_tenant());
SELECT tests.remember('plant', tests.create_site(tests.recall('t')));
SELECT tests.remember('qa', tests.create_member(tests.recall('t'), 'qa'));
SELECT tests.remember('eng', tests.create_member(tests.recall('t'), 'engineering'));
SELECT tests.remember('tech', tests.create_member(tests.recall('t'), 'technician', tests.recall('plant')));
SELECT tests.remember('part', tests.create_part(tests.recall('t')));
SELECT tests.remember('gauge_class', tests.create_equipment_class(tests.recall('t')));
SELECT tests.remember('gauge', tests.create_equipment(tests.recall('t'), tests.recall('gauge_class'), tests.recall('plant')));
SELECT tests.calibrate(tests.recall('gauge'), now() - interval '10 days')::text;
-- An equivalent of the gauge (its class) whose calibration expired a month ago.
SELECT tests.remember('old_gauge', tests.create_equipment(tests.recall('t'), tests.recall('gauge_class'), tests.recall('plant')));
SELECT tests.calibrate(tests.recall('old_gauge'), now() - interval '60 days', 'pass', now() - interval '30 days')::text;

-- Engineering drafts the plan.
SELECT tests.act_as(tests.recall('eng'), tests.recall('t'));
SELECT tests.remember('plan', (app.create_control_plan(
  (SELECT id FROM app.part_revisions WHERE part_id = tests.recall('part')), tests.recall('plant'), 'Shaft', tests.recall('qa'))).id);
SELECT tests.remember('step', (app.add_control_plan_step(tests.recall('plan'), 10, 'Turning')).id);
SELECT is(tests.refusal(format($$SELECT app.add_characteristic(%L, 'Diameter', 'variable', 'xbar_r', 'Stop', lsl => 10.1, usl => 9.9)$$, tests.recall('step'))),
  'PT422 characteristic.spec_order', 'LSL must be below USL');
SELECT is(tests.refusal(format($$SELECT app.add_characteristic(%L, 'Diameter', 'variable', 'xbar_r', 'Stop', nominal => 11, lsl => 9.9, usl => 10.1)$$, tests.recall('step'))),
  'PT422 characteristic.nominal_outside', 'the nominal lies within the specification');
SELECT is(tests.refusal(format($$SELECT app.add_characteristic(%L, 'Diameter', 'variable', 'xbar_r', 'Stop', 30, 10, 9.9, 10.1)$$, tests.recall('step'))),
  'PT422 characteristic.sample_size', 'an X̄-R subgroup is 2..25');
SELECT is(tests.refusal(format($$SELECT app.add_characteristic(%L, 'Scratch', 'attribute', 'xbar_r', 'Stop')$$, tests.recall('step'))),
  'PT422 characteristic.chart_kind', 'an attribute is not charted on X̄-R');
SELECT is(tests.refusal(format($$SELECT app.add_characteristic(%L, 'Diameter', 'variable', 'imr', 'Stop')$$, tests.recall('step'))),
  'PT422 characteristic.spec_missing', 'a variable needs a specification limit');
SELECT tests.remember('c', (app.add_characteristic(tests.recall('step'), 'Diameter', 'variable', 'xbar_r',
  'Stop the line, check the insert, inform quality.', 2, 10, 9.9, 10.1, special_class => 'CC', gauge_id => tests.recall('gauge'))).id);
SELECT tests.remember('c2', (app.add_characteristic(tests.recall('step'), 'Length', 'variable', 'imr', 'Adjust', usl => 50)).id);
SELECT is(tests.refusal(format($$SELECT app.approve_control_plan(%L)$$, tests.recall('plan'))), 'PT403 permission.missing',
  'engineering drafts but does not approve');
SELECT tests.act_as(tests.recall('qa'), tests.recall('t'));
SELECT is((app.approve_control_plan(tests.recall('plan'))).status, 'approved', 'quality approves the plan');
SELECT is(tests.refusal(format($$SELECT app.add_characteristic(%L, 'Width', 'variable', 'imr', 'Stop', usl => 5)$$, tests.recall('step'))),
  'PT409 control_plan.not_draft', 'an approved plan is frozen');

-- The technician inspects.
SELECT tests.act_as(tests.recall('tech'), tests.recall('t'));
SELECT tests.remember('i', (app.open_inspection(tests.recall('plan'), 'in_process', line => 'Cell 4')).id);
SELECT is((SELECT count(*)::int FROM app.inspection_characteristics WHERE inspection_id = tests.recall('i')), 2, 'the inspection lists the plan''s characteristics');
SELECT is(tests.refusal(format($$SELECT app.record_measurement(%L, %L, 10.0, gauge_id => %L)$$, tests.recall('i'), tests.recall('c'), tests.recall('old_gauge'))),
  'PT409 gauge.out_of_calibration', 'a gauge out of calibration cannot record');
SELECT tests.act_as_owner();
UPDATE app.equipment SET status = 'out_of_service' WHERE id = tests.recall('gauge');
SELECT tests.act_as(tests.recall('tech'), tests.recall('t'));
SELECT is(tests.refusal(format($$SELECT app.record_measurement(%L, %L, 10.0)$$, tests.recall('i'), tests.recall('c'))),
  'PT409 gauge.not_in_service', 'nor one out of service');
SELECT tests.act_as_owner();
UPDATE app.equipment SET status = 'in_service' WHERE id = tests.recall('gauge');
SELECT tests.act_as(tests.recall('tech'), tests.recall('t'));
SELECT is(tests.refusal(format($$SELECT app.record_measurement(%L, %L, defective => true)$$, tests.recall('i'), tests.recall('c'))),
  'PT422 measurement.value_required', 'a variable takes a value');

-- Subgroups of 2: 20 in control (alternating around 10.0), one out of spec on the way.
SELECT is((app.record_measurement(tests.recall('i'), tests.recall('c'), 10.2)).in_spec, false, 'a value above USL is out of spec');
SELECT app.record_measurement(tests.recall('i'), tests.recall('c'), 10.0);
SELECT app.record_measurements(tests.recall('i'), tests.recall('c'),
  ARRAY(SELECT 10 + CASE WHEN k % 2 = 0 THEN 0.01 ELSE -0.01 END * (1 + k % 3) FROM generate_series(1, 38) AS k))::text;
SELECT is((SELECT count(*)::int FROM app.spc_subgroups WHERE characteristic_id = tests.recall('c')), 20, 'a subgroup closes at every 2nd value');
SELECT is((SELECT open_count FROM app.characteristics WHERE id = tests.recall('c')), 0, 'no subgroup is left open');

-- Quality freezes the limits from subgroups 2..20; they equal the library's on the same values.
SELECT tests.act_as(tests.recall('qa'), tests.recall('t'));
SELECT tests.remember('b1', (app.approve_spc_baseline(tests.recall('c'), 2, 20, 'Initial capability study')).id);
SELECT tests.act_as_owner();
SELECT results_eq(
  format($$SELECT round(center, 6), round(ucl, 6), round(lcl, 6), round(dispersion_ucl, 6) FROM app.spc_baselines WHERE id = %L$$, tests.recall('b1')),
  format($$SELECT round(xbar_cl, 6), round(xbar_ucl, 6), round(xbar_lcl, 6), round(r_ucl, 6)
             FROM app_private.spc_xbar_r_limits(ARRAY(SELECT value FROM app.measurements WHERE characteristic_id = %L AND subgroup BETWEEN 2 AND 20
                                                       ORDER BY subgroup, measured_at, id), array_fill(2, ARRAY[19]))$$, tests.recall('c')),
  'the frozen limits are the library''s X̄-R limits');
SELECT tests.act_as(tests.recall('qa'), tests.recall('t'));
SELECT is(tests.refusal(format($$SELECT app.approve_spc_baseline(%L, 1, 20, 'Flat', 'ECO-1')$$, tests.recall('c2'))),
  'PT422 spc_baseline.too_few_subgroups', 'limits need closed subgroups');
SELECT app.record_measurements(tests.recall('i'), tests.recall('c2'), ARRAY[49, 49])::text;
SELECT is(tests.refusal(format($$SELECT app.approve_spc_baseline(%L, 1, 2, 'Flat')$$, tests.recall('c2'))),
  'PT422 spc.sigma_not_positive', 'limits without spread are refused: every point would signal');
SELECT is(tests.refusal(format($$SELECT app.approve_spc_baseline(%L, 1, 20, 'Looks better')$$, tests.recall('c'))),
  'PT422 spc_baseline.change_required', 'limits are recalculated only for an approved process change');
SELECT tests.act_as(tests.recall('tech'), tests.recall('t'));
SELECT is(tests.refusal(format($$SELECT app.approve_spc_baseline(%L, 1, 20, 'x', 'ECO-1')$$, tests.recall('c'))),
  'PT403 permission.missing', 'a technician does not approve limits');

-- An out-of-control subgroup (mean 10.09, in spec): a signal, with the reaction plan, to the owner.
SELECT is_empty($$SELECT FROM app.spc_signals$$, 'no signal while in control');
SELECT app.record_measurements(tests.recall('i'), tests.recall('c'), ARRAY[10.09, 10.09])::text;
SELECT results_eq($$SELECT subgroup, rules, reaction_plan, status FROM app.spc_signals$$,
  $$VALUES (21, ARRAY[1], 'Stop the line, check the insert, inform quality.', 'open')$$,
  'subgroup 21 breaks rule 1 against the frozen limits and carries the reaction plan');
SELECT tests.act_as(tests.recall('qa'), tests.recall('t'));
SELECT is((SELECT count(*)::int FROM app.notifications WHERE user_id = tests.recall('qa') AND type = 'quality' AND entity_type = 'spc_signals'), 1,
  'the control plan''s owner is notified');
SELECT tests.act_as(tests.recall('tech'), tests.recall('t'));
SELECT is(tests.refusal(format($$SELECT app.close_spc_signal(%L, ' ', 'Changed insert')$$, (SELECT id FROM app.spc_signals))),
  'PT422 spc_signal.cause_required', 'a signal closes only with its assignable cause');
SELECT is((app.close_spc_signal((SELECT id FROM app.spc_signals), 'Worn insert', 'Insert changed, first piece checked')).status, 'closed',
  'closed with cause and action');
SELECT is((app.spc_chart(tests.recall('c'), 25)) -> 'points' -> -1 -> 'rules', '[1]'::jsonb, 'the chart flags the last point');
SELECT ok((app.spc_chart(tests.recall('c'))) -> 'capability' ->> 'cpk' IS NOT NULL, 'the chart carries Cpk');

-- Judgement and FPY.
SELECT is(tests.refusal(format($$SELECT app.decide_inspection(%L, true)$$, tests.recall('i'))), 'PT403 permission.missing', 'a technician does not sign off');
SELECT tests.act_as(tests.recall('qa'), tests.recall('t'));
SELECT is(tests.refusal(format($$SELECT app.decide_inspection(%L, true)$$, tests.recall('i'))), 'PT409 inspection.not_completed', 'decided once completed');
SELECT tests.act_as(tests.recall('tech'), tests.recall('t'));
SELECT app.record_measurement(tests.recall('i'), tests.recall('c2'), 49);
SELECT results_eq(format($$SELECT passed, passed_first_time FROM app.complete_inspection(%L)$$, tests.recall('i')), $$VALUES (true, false)$$,
  'passed (latest values in spec) but not first time (a value was out of spec)');
SELECT results_eq($$SELECT line, inspections, passed, passed_first_time FROM app.inspection_fpy$$, $$VALUES ('Cell 4', 1, 1, 0)$$, 'FPY counts it');
SELECT is(tests.refusal(format($$SELECT app.fai_report(%L)$$, tests.recall('i'))), 'PT409 inspection.not_first_article',
  'AS9102 forms are made of first article inspections only (db/tests/80_quality/test_fai_and_duties.sql)');

-- Gauge R&R, stored with the library's result.
SELECT tests.act_as(tests.recall('qa'), tests.recall('t'));
SELECT tests.remember('study', (app.record_gauge_study(tests.recall('gauge'), tests.recall('c'), 'average_range',
  (SELECT jsonb_agg(jsonb_build_object('operator', o, 'part', p::text, 'trial', r, 'value', 10 + p * 0.01 + r * 0.001 + (o = 'B')::int * 0.002))
     FROM unnest(ARRAY['A', 'B']) AS o, generate_series(1, 5) AS p, generate_series(1, 2) AS r))).id);
SELECT tests.act_as_owner();
SELECT is((SELECT count(*)::int FROM app.gauge_study_readings WHERE study_id = tests.recall('study')), 20, 'the readings are stored');
SELECT is((SELECT percent_grr FROM app.gauge_studies WHERE id = tests.recall('study')),
  (SELECT pct_grr FROM app_private.gauge_rr_average_range(
     ARRAY(SELECT value FROM app.gauge_study_readings WHERE study_id = tests.recall('study') ORDER BY operator, part, trial),
     ARRAY(SELECT operator FROM app.gauge_study_readings WHERE study_id = tests.recall('study') ORDER BY operator, part, trial),
     ARRAY(SELECT part FROM app.gauge_study_readings WHERE study_id = tests.recall('study') ORDER BY operator, part, trial), 0.2)),
  'the study''s %GRR is the library''s');

SELECT * FROM finish();
ROLLBACK;
