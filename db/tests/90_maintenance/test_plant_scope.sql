-- Maintenance stays within the caller's plants: a plant-scoped member
-- reports work only on equipment they may see (another plant's asset is not
-- found, and they read nothing back); a work order links only assets of its
-- own plant, even for a planner of every plant.
BEGIN;
SELECT plan(6);

SELECT tests.remember('t', tests.create_tenant());
SELECT tests.remember('plant_1', tests.create_site(tests.recall('t')));
SELECT tests.remember('plant_2', tests.create_site(tests.recall('t')));
SELECT tests.remember('class', tests.create_equipment_class(tests.recall('t'), p_requires_calibration => false));
SELECT tests.remember('press_1', tests.create_equipment(tests.recall('t'), tests.recall('class'), tests.recall('plant_1'), NULL, 'Press 1'));
SELECT tests.remember('press_2', tests.create_equipment(tests.recall('t'), tests.recall('class'), tests.recall('plant_2'), NULL, 'Press 2'));
SELECT tests.remember('pump_1', tests.create_equipment(tests.recall('t'), tests.recall('class'), tests.recall('plant_1'), NULL, 'Pump 1'));
SELECT tests.remember('tech_1', tests.create_member(tests.recall('t'), 'technician', tests.recall('plant_1')));
SELECT tests.remember('planner', tests.create_member(tests.recall('t'), 'maintenance_planner'));

SELECT tests.act_as(tests.recall('tech_1'), tests.recall('t'));
SELECT is(tests.refusal(format($$SELECT app.request_work(%L, 'Guard loose')$$, tests.recall('press_2'))), 'PT404 equipment.not_found',
  'a plant-1 technician files no request on a plant-2 asset');
SELECT is_empty($$SELECT FROM app.work_requests$$, 'and reads none back');
SELECT is((app.request_work(tests.recall('press_1'), 'Guard loose')).site_id, tests.recall('plant_1'), 'on an asset of their plant they do');

SELECT tests.act_as(tests.recall('planner'), tests.recall('t'));
SELECT tests.remember('wo', (app.create_work_order(tests.recall('press_1'), 'corrective', 'Fix the guard')).id);
SELECT is(tests.refusal(format($$SELECT app.add_work_order_asset(%L, %L)$$, tests.recall('wo'), tests.recall('press_2'))),
  'PT422 work_order.asset_wrong_plant', 'a plant-2 asset is not linked to a plant-1 work order');
SELECT is((app.add_work_order_asset(tests.recall('wo'), tests.recall('pump_1'))).site_id, tests.recall('plant_1'), 'a plant-1 asset is');
SELECT is((SELECT array_agg(equipment_id ORDER BY is_primary DESC) FROM app.work_order_assets WHERE work_order_id = tests.recall('wo')),
  ARRAY[tests.recall('press_1'), tests.recall('pump_1')], 'the work order holds its own plant''s assets only');

SELECT * FROM finish();
ROLLBACK;
