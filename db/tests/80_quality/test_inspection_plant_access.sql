-- Plant access: control plans, inspections, measurements, SPC subgroups,
-- baselines and signals are seen and acted on only where the caller holds
-- control_plan.* / inspection.*, tenant-wide or at the row's site. A
-- technician scoped to one plant cannot read or record another plant's
-- inspections or measurements; portal users see none of it.
BEGIN;
SELECT plan(12);

SELECT tests.remember('t', tests.create_tenant());
SELECT tests.remember('plant_a', tests.create_site(tests.recall('t')));
SELECT tests.remember('plant_b', tests.create_site(tests.recall('t')));
SELECT tests.remember('tech_a', tests.create_member(tests.recall('t'), 'technician', tests.recall('plant_a')));
SELECT tests.remember('qa', tests.create_member(tests.recall('t'), 'qa'));
SELECT tests.remember('customer', tests.create_partner(tests.recall('t')));
SELECT tests.remember('portal', tests.create_member(tests.recall('t'), 'customer_portal', NULL, tests.recall('customer')));
SELECT tests.remember('c_a', tests.create_characteristic(tests.recall('t'), tests.recall('plant_a')));
SELECT tests.remember('c_b', tests.create_characteristic(tests.recall('t'), tests.recall('plant_b')));

-- QA, tenant-wide, inspects at both plants.
SELECT tests.act_as(tests.recall('qa'), tests.recall('t'));
SELECT tests.remember('i_a', (app.open_inspection(tests.plan_of(tests.recall('c_a')), 'in_process')).id);
SELECT tests.remember('i_b', (app.open_inspection(tests.plan_of(tests.recall('c_b')), 'in_process')).id);
SELECT app.record_measurements(tests.recall('i_b'), tests.recall('c_b'), ARRAY[10, 10.01, 9.99, 10, 10.02])::text;
SELECT is((SELECT count(*)::int FROM app.inspections), 2, 'a tenant-wide reader sees every plant''s inspections');

-- The technician of plant A.
SELECT tests.act_as(tests.recall('tech_a'), tests.recall('t'));
SELECT results_eq($$SELECT id FROM app.inspections$$, format($$VALUES (%L::uuid)$$, tests.recall('i_a')), 'a plant-A technician sees plant A''s inspections only');
SELECT is_empty($$SELECT FROM app.measurements$$, 'no measurement of plant B');
SELECT is_empty($$SELECT FROM app.spc_subgroups$$, 'no subgroup of plant B');
SELECT is((SELECT count(*)::int FROM app.characteristics), 1, 'plant A''s characteristic only');
SELECT is((app.record_measurement(tests.recall('i_a'), tests.recall('c_a'), 10.0)).site_id, tests.recall('plant_a'), 'records at plant A');
SELECT is(tests.refusal(format($$SELECT app.record_measurement(%L, %L, 10.0)$$, tests.recall('i_b'), tests.recall('c_b'))), 'PT404 inspection.not_found',
  'plant B''s inspection is not found to record in');
SELECT is(tests.refusal(format($$SELECT app.open_inspection(%L, 'final')$$, tests.plan_of(tests.recall('c_b')))), 'PT404 control_plan.not_found',
  'plant B''s control plan is not found to inspect against');
SELECT is(tests.refusal(format($$SELECT app.spc_chart(%L)$$, tests.recall('c_b'))), 'PT404 characteristic.not_found',
  'plant B''s chart is not shown');
SELECT is(tests.refusal(format($$SELECT app.fai_report(%L)$$, tests.recall('i_b'))), 'PT404 inspection.not_found',
  'nor its reports');

-- A customer's portal user sees nothing of it.
SELECT tests.act_as(tests.recall('portal'), tests.recall('t'));
SELECT is_empty($$SELECT FROM app.inspections$$, 'a portal user sees no inspections');
SELECT is_empty($$SELECT FROM app.control_plans$$, 'nor control plans');

SELECT * FROM finish();
ROLLBACK;
