-- The maintenance slices joined (migration maintenance/joins): parts
-- reserved, issued and returned against a work order (its plant's
-- visibility, never on closed work), costed at the unit cost frozen on the
-- movement and rolled up per work order and asset; reservations released
-- when the work order is cancelled or closed; failure codes recorded on a
-- work order for its asset's class and required to complete breakdown
-- work. As a planner, technicians at one plant and another, a storekeeper
-- and another tenant.
BEGIN;
SELECT plan(27);

SELECT tests.remember('t', tests.create_tenant());
SELECT tests.remember('other', tests.create_tenant());
SELECT tests.remember('plant_a', tests.create_site(tests.recall('t')));
SELECT tests.remember('plant_b', tests.create_site(tests.recall('t')));
SELECT tests.remember('pumps', tests.create_equipment_class(tests.recall('t'), p_requires_calibration => false));
SELECT tests.remember('fans', tests.create_equipment_class(tests.recall('t'), p_requires_calibration => false));
SELECT tests.remember('pump', tests.create_equipment(tests.recall('t'), tests.recall('pumps'), tests.recall('plant_a'), NULL, 'Pump 1'));
SELECT tests.remember('fan', tests.create_equipment(tests.recall('t'), tests.recall('fans'), tests.recall('plant_a'), NULL, 'Fan 1'));
SELECT tests.remember('planner', tests.create_member(tests.recall('t'), 'maintenance_planner'));
SELECT tests.remember('supervisor', tests.create_member(tests.recall('t'), 'maintenance_supervisor'));
SELECT tests.remember('tech', tests.create_member(tests.recall('t'), 'technician', tests.recall('plant_a')));
SELECT tests.remember('tech_b', tests.create_member(tests.recall('t'), 'technician', tests.recall('plant_b')));
SELECT tests.remember('keeper', tests.create_member(tests.recall('t'), 'storekeeper'));
SELECT tests.remember('stranger', tests.create_member(tests.recall('other'), 'admin'));
SELECT tests.remember('seal', tests.create_part(tests.recall('t')));

-- Codes for pumps (fans have none); a storeroom at plant A with two receipts.
SELECT tests.act_as(tests.recall('planner'), tests.recall('t'));
INSERT INTO app.failure_codes (kind, code, name) VALUES ('problem', 'LEAK', 'Leak'), ('cause', 'SEAL-WORN', 'Seal worn'),
  ('remedy', 'REPLACE-SEAL', 'Replace seal'), ('remedy', 'TIGHTEN', 'Tighten');
INSERT INTO app.failure_code_combinations (class_id, problem_id, cause_id, remedy_id)
SELECT tests.recall('pumps')::uuid, p.id, c.id, r.id FROM app.failure_codes AS p, app.failure_codes AS c, app.failure_codes AS r
 WHERE p.code = 'LEAK' AND c.code = 'SEAL-WORN' AND r.code = 'REPLACE-SEAL';
SELECT tests.act_as(tests.recall('keeper'), tests.recall('t'));
WITH s AS (INSERT INTO app.storerooms (site_id, code, name) VALUES (tests.recall('plant_a'), 'S1', 'Main store') RETURNING id)
SELECT tests.remember('s1', id) FROM s;
WITH b AS (INSERT INTO app.storeroom_bins (storeroom_id, code) VALUES (tests.recall('s1'), 'A-01') RETURNING id) SELECT tests.remember('bin', id) FROM b;
SELECT app.receive_stock(tests.recall('seal'), tests.recall('bin'), 10, 12.5);
SELECT app.receive_stock(tests.recall('seal'), tests.recall('bin'), 5, 14);

-- An emergency breakdown on the pump, another on the fan, planned work on the pump.
SELECT tests.act_as(tests.recall('planner'), tests.recall('t'));
SELECT tests.remember('wo', (app.create_work_order(tests.recall('pump'), 'emergency', 'Pump leaking', is_breakdown => true)).id);
SELECT tests.remember('wo_fan', (app.create_work_order(tests.recall('fan'), 'emergency', 'Fan stopped', is_breakdown => true)).id);
SELECT tests.remember('wo_pm', (app.create_work_order(tests.recall('pump'), 'preventive', 'Pump PM')).id);
SELECT app.schedule_work_order(w, tests.recall('tech'), now(), now() + interval '2 hours')
  FROM unnest(ARRAY[tests.recall('wo'), tests.recall('wo_fan')]) AS w;

-- Reservations and issues against a work order: who may, and the cost frozen.
SELECT tests.act_as(tests.recall('tech'), tests.recall('t'));
SELECT tests.remember('res', (app.reserve_stock(tests.recall('seal'), 3, 'work_order', tests.recall('wo'), storeroom_id => tests.recall('s1'))).id);
SELECT is((SELECT reserved FROM app.part_stock WHERE bin_id = tests.recall('bin')::uuid), 3::numeric, 'a technician reserves 3 seals for the work order');
SELECT tests.remember('res_pm', (app.reserve_stock(tests.recall('seal'), 2, 'work_order', tests.recall('wo_pm'), tests.recall('bin'))).id);
SELECT tests.act_as(tests.recall('tech_b'), tests.recall('t'));
SELECT is(tests.refusal(format($$SELECT app.issue_stock(%L, 1, 'work_order', %L, %L)$$, tests.recall('seal'), tests.recall('wo'), tests.recall('bin'))),
  'PT404 entity.not_found', 'a technician at another plant does not see the work order to issue against');
SELECT tests.act_as(tests.recall('stranger'), tests.recall('other'));
SELECT is(tests.refusal(format($$SELECT app.reserve_stock(%L, 1, 'work_order', %L, %L)$$, tests.recall('seal'), tests.recall('wo'), tests.recall('bin'))),
  'PT404 entity.not_found', 'another tenant does not reserve for it');
SELECT tests.act_as(tests.recall('tech'), tests.recall('t'));
SELECT app.transition_work_order(tests.recall('wo'), 'in_progress');
SELECT is((app.issue_stock(tests.recall('seal'), 2, 'work_order', tests.recall('wo'), reservation_id => tests.recall('res'))).unit_cost, 14::numeric,
  'an issue is costed at the latest receipt''s unit cost in the storeroom (14, not 12.5)');
SELECT tests.act_as(tests.recall('keeper'), tests.recall('t'));
SELECT app.receive_stock(tests.recall('seal'), tests.recall('bin'), 5, 20);
SELECT tests.act_as(tests.recall('tech'), tests.recall('t'));
SELECT is((app.return_stock(tests.recall('seal'), tests.recall('bin'), 1, 'work_order', tests.recall('wo'), 'one left over')).unit_cost, 14::numeric,
  'a return is credited at what its issue was charged, not the newer receipt''s 20');
SELECT is((SELECT array_agg((kind, amount, currency)::text ORDER BY amount DESC) FROM app.work_order_cost_lines
            WHERE work_order_id = tests.recall('wo')::uuid),
          ARRAY['(parts,28.00,EUR)', '(parts,-14.00,EUR)'], 'the cost lines: 2 issued at 14, 1 returned at 14, in the tenant''s currency');
SELECT is((SELECT (other_cost, total_cost)::text FROM app.work_order_costs WHERE work_order_id = tests.recall('wo')::uuid), '(14.00,14.00)',
  'the work order''s parts cost is issued less returned');
SELECT is((SELECT (work_orders, other_cost)::text FROM app.asset_maintenance_costs WHERE equipment_id = tests.recall('pump')::uuid), '(1,14.00)',
  'and the pump''s maintenance cost includes it');
SELECT is((SELECT count(*) FROM app.stock_movements WHERE entity_id = tests.recall('wo')::uuid AND unit_cost IS NULL AND kind IN ('issue', 'return')),
  0::bigint, 'every issue and return carries its cost');

-- Failure codes.
SELECT is(tests.refusal(format($$SELECT app.transition_work_order(%L, 'completed')$$, tests.recall('wo'))), 'PT409 work_order.failure_codes_required',
  'breakdown work on a class with failure codes does not complete without them');
SELECT is(tests.refusal(format($$SELECT app.set_work_order_failure_codes(%L, 'LEAK', 'SEAL-WORN', 'TIGHTEN')$$, tests.recall('wo'))),
  'PT422 failure_code.combination_not_allowed', 'a triple not allowed for the class is refused');
SELECT is(tests.refusal(format($$SELECT app.set_work_order_failure_codes(%L, 'LEAK', 'SEAL-WORN', 'NOPE')$$, tests.recall('wo'))),
  'PT404 failure_code.not_found', 'an unknown code is refused');
SELECT is(tests.refusal(format($$SELECT app.set_work_order_failure_codes(%L, 'SEAL-WORN', 'LEAK', 'REPLACE-SEAL')$$, tests.recall('wo'))),
  'PT404 failure_code.not_found', 'codes are looked up by their kind');
SELECT tests.act_as(tests.recall('tech_b'), tests.recall('t'));
SELECT is(tests.refusal(format($$SELECT app.set_work_order_failure_codes(%L, 'LEAK', 'SEAL-WORN', 'REPLACE-SEAL')$$, tests.recall('wo'))),
  'PT404 work_order.not_found', 'a technician at another plant does not record them');
SELECT tests.act_as(tests.recall('stranger'), tests.recall('other'));
SELECT is(tests.refusal(format($$SELECT app.set_work_order_failure_codes(%L, 'LEAK', 'SEAL-WORN', 'REPLACE-SEAL')$$, tests.recall('wo'))),
  'PT404 work_order.not_found', 'nor does another tenant');
SELECT tests.act_as(tests.recall('tech'), tests.recall('t'));
SELECT is((SELECT code FROM app.failure_codes WHERE id = (app.set_work_order_failure_codes(tests.recall('wo'), 'LEAK', 'SEAL-WORN', 'REPLACE-SEAL')).remedy_code_id),
  'REPLACE-SEAL', 'the technician records an allowed triple');
SELECT is((app.complete_work_order(tests.recall('wo'), tests.password(), 'Seal replaced')).status, 'completed', 'then the breakdown completes');
SELECT app.transition_work_order(tests.recall('wo_fan'), 'in_progress');
SELECT is((app.complete_work_order(tests.recall('wo_fan'), tests.password(), 'Fan cleaned')).status, 'completed', 'a class without failure codes completes without them');
SELECT is(tests.refusal(format($$SELECT app.reserve_stock(%L, 1, 'work_order', %L, %L)$$, tests.recall('seal'), tests.recall('wo'), tests.recall('bin'))),
  'PT409 work_order.parts_closed', 'completed work takes no new reservations');
SELECT is((app.issue_stock(tests.recall('seal'), 1, 'work_order', tests.recall('wo'), tests.recall('bin'))).quantity, -1::numeric,
  'but may still book a part it used');
SELECT is(tests.refusal($$UPDATE app.work_orders SET problem_code_id = NULL, cause_code_id = NULL, remedy_code_id = NULL$$), '42501',
  'failure codes are not written directly');

-- Cancelling and closing release what is left reserved.
SELECT tests.act_as(tests.recall('planner'), tests.recall('t'));
SELECT app.transition_work_order(tests.recall('wo_pm'), 'cancelled', 'asset sold');
SELECT is((SELECT (status, release_reason)::text FROM app.stock_reservations WHERE id = tests.recall('res_pm')::uuid),
          format('(released,"work order %s cancelled")', (SELECT work_order_number FROM app.work_orders WHERE id = tests.recall('wo_pm')::uuid)),
  'cancelling a work order releases its reservation, naming it');
SELECT is(tests.refusal(format($$SELECT app.issue_stock(%L, 1, 'work_order', %L, %L)$$, tests.recall('seal'), tests.recall('wo_pm'), tests.recall('bin'))),
  'PT409 work_order.parts_closed', 'a cancelled work order takes no parts');
SELECT tests.act_as(tests.recall('supervisor'), tests.recall('t'));
SELECT app.verify_work_order(tests.recall('wo'), tests.password(), 'Checked the seal');
SELECT is(tests.refusal(format($$SELECT app.set_work_order_failure_codes(%L, 'LEAK', 'SEAL-WORN', 'REPLACE-SEAL')$$, tests.recall('wo'))),
  'PT409 work_order.failure_codes_fixed', 'verified work keeps its failure codes');
SELECT tests.act_as(tests.recall('planner'), tests.recall('t'));
SELECT app.transition_work_order(tests.recall('wo'), 'closed');
SELECT is((SELECT (status, issued_quantity)::text FROM app.stock_reservations WHERE id = tests.recall('res')::uuid), '(released,2)',
  'closing releases the rest of a partly issued reservation');
SELECT is((SELECT (on_hand, reserved)::text FROM app.part_stock WHERE bin_id = tests.recall('bin')::uuid), '(18,0)',
  'nothing stays reserved: 20 received, 2 + 1 issued, 1 returned');
SELECT is((SELECT count(*) FROM app.stock_movements WHERE kind = 'reservation_release' AND entity_type = 'work_order'), 2::bigint,
  'one release movement per reservation in the ledger');

SELECT * FROM finish();
ROLLBACK;
