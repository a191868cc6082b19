-- Parts kits (migration maintenance/kits): a template's kit validated and
-- copied into a work order's planned parts (by every path that makes a work
-- order from a template), edited by a planner before the work starts,
-- reserved when the work order is scheduled (a shortage shown and
-- notified, not refused), re-reserved when a scheduled line changes, issued
-- through the stock ledger when the work order is completed (what the
-- technician recorded as used, else the planned quantity; refused when the
-- parts are not there), the rest of its reservations released; low stock
-- raises one purchase request with its notification. As a planner,
-- technicians at the plant and at another, a storekeeper and another tenant.
BEGIN;
SELECT plan(45);

SELECT tests.remember('t', tests.create_tenant());
SELECT tests.remember('other', tests.create_tenant());
SELECT tests.remember('plant_a', tests.create_site(tests.recall('t')));
SELECT tests.remember('plant_b', tests.create_site(tests.recall('t')));
SELECT tests.remember('pumps', tests.create_equipment_class(tests.recall('t'), p_requires_calibration => false));
SELECT tests.remember('pump', tests.create_equipment(tests.recall('t'), tests.recall('pumps'), tests.recall('plant_a'), NULL, 'Pump 1'));
SELECT tests.remember('planner', tests.create_member(tests.recall('t'), 'maintenance_planner'));
SELECT tests.remember('tech', tests.create_member(tests.recall('t'), 'technician', tests.recall('plant_a')));
SELECT tests.remember('tech_b', tests.create_member(tests.recall('t'), 'technician', tests.recall('plant_b')));
SELECT tests.remember('keeper', tests.create_member(tests.recall('t'), 'storekeeper'));
SELECT tests.remember('stranger', tests.create_member(tests.recall('other'), 'admin'));
SELECT tests.remember('seal', tests.create_part(tests.recall('t')));
SELECT tests.remember('filter', tests.create_part(tests.recall('t')));
SELECT tests.remember('old', tests.create_part(tests.recall('t')));
SELECT tests.remember('foreign_part', tests.create_part(tests.recall('other')));
UPDATE app.parts SET status = 'obsolete' WHERE id = tests.recall('old')::uuid;

-- Plant A's storeroom: 3 seals, reorder point 1; no filters.
SELECT tests.act_as(tests.recall('keeper'), tests.recall('t'));
WITH s AS (INSERT INTO app.storerooms (site_id, code, name) VALUES (tests.recall('plant_a'), 'S1', 'Main store') RETURNING id)
SELECT tests.remember('s1', id) FROM s;
WITH b AS (INSERT INTO app.storeroom_bins (storeroom_id, code) VALUES (tests.recall('s1'), 'A-01') RETURNING id) SELECT tests.remember('bin', id) FROM b;
SELECT app.receive_stock(tests.recall('seal'), tests.recall('bin'), 3, 10);
INSERT INTO app.part_storeroom_settings (part_id, storeroom_id, reorder_point, reorder_quantity) VALUES (tests.recall('seal'), tests.recall('s1'), 1, 10);

-- The template's kit.
SELECT tests.act_as(tests.recall('planner'), tests.recall('t'));
SELECT tests.remember('tpl', (app.define_work_order_template('pump-pm', 'Pump PM', 'preventive', 'Change the seal')).id);
SELECT is((app.set_work_order_template_part(tests.recall('tpl'), tests.recall('seal'), 2)).unit, 'pcs',
  'a planner puts 2 seals in the template''s kit, in the part''s unit');
SELECT is((app.set_work_order_template_part(tests.recall('tpl'), tests.recall('seal'), 2, 'pcs')).quantity, 2::numeric,
  'setting it again changes the one line of the part');
SELECT is(tests.refusal(format($$SELECT app.set_work_order_template_part(%L, %L, 0)$$, tests.recall('tpl'), tests.recall('filter'))),
  'PT422 work_order_part.quantity_invalid', 'a kit line needs a quantity above 0');
SELECT is(tests.refusal(format($$SELECT app.set_work_order_template_part(%L, %L, 1, 'kg')$$, tests.recall('tpl'), tests.recall('filter'))),
  'PT422 work_order_part.unit_mismatch', 'in the part''s unit');
SELECT is(tests.refusal(format($$SELECT app.set_work_order_template_part(%L, %L, 1)$$, tests.recall('tpl'), tests.recall('old'))),
  'PT409 part.inactive', 'of an active part');
SELECT is(tests.refusal(format($$SELECT app.set_work_order_template_part(%L, %L, 1)$$, tests.recall('tpl'), tests.recall('foreign_part'))),
  'PT404 part.not_found', 'of the tenant''s parts');
SELECT is(tests.refusal(format($$SELECT app.set_work_order_template_part(%L, %L, 1, storeroom_id => %L)$$, tests.recall('tpl'), tests.recall('filter'),
  tests.recall('plant_b'))), 'PT404 storeroom.not_found', 'from a storeroom of the tenant');
SELECT app.set_work_order_template_part(tests.recall('tpl'), tests.recall('filter'), 1);
SELECT ok(app.remove_work_order_template_part(tests.recall('tpl'), tests.recall('filter')), 'a part is taken out of the kit');
SELECT tests.act_as(tests.recall('tech'), tests.recall('t'));
SELECT is(tests.refusal(format($$SELECT app.set_work_order_template_part(%L, %L, 1)$$, tests.recall('tpl'), tests.recall('filter'))),
  'PT403 permission.missing', 'a technician does not change kits');
SELECT is((SELECT count(*) FROM app.work_order_template_parts), 1::bigint, 'but reads them');
SELECT tests.act_as(tests.recall('stranger'), tests.recall('other'));
SELECT is(tests.refusal(format($$SELECT app.set_work_order_template_part(%L, %L, 1)$$, tests.recall('tpl'), tests.recall('foreign_part'))),
  'PT404 work_order_template.not_found', 'another tenant does not find the template');
SELECT is((SELECT count(*) FROM app.work_order_template_parts), 0::bigint, 'nor reads its kit');

-- A work order from the template gets the kit; the planner adds a filter.
SELECT tests.act_as(tests.recall('planner'), tests.recall('t'));
SELECT tests.remember('wo', (app.create_work_order(tests.recall('pump'), 'preventive', template_id => tests.recall('tpl'))).id);
SELECT is((SELECT array_agg((part_id = tests.recall('seal')::uuid, quantity, unit)::text) FROM app.work_order_parts WHERE work_order_id = tests.recall('wo')::uuid),
  ARRAY['(t,2,pcs)'], 'the work order''s planned parts are the template''s kit');
SELECT is((app.set_work_order_part(tests.recall('wo'), tests.recall('filter'), 1)).quantity, 1::numeric, 'a planner adds a filter to the work order');
SELECT tests.act_as(tests.recall('tech'), tests.recall('t'));
SELECT is(tests.refusal(format($$SELECT app.set_work_order_part(%L, %L, 5)$$, tests.recall('wo'), tests.recall('seal'))),
  'PT403 permission.missing', 'a technician does not plan parts');
SELECT is((SELECT count(*) FROM app.work_order_parts WHERE work_order_id = tests.recall('wo')::uuid), 2::bigint, 'the technician at the plant reads the planned parts');
SELECT tests.act_as(tests.recall('tech_b'), tests.recall('t'));
SELECT is((SELECT count(*) FROM app.work_order_parts), 0::bigint, 'a technician at another plant does not');
SELECT tests.act_as(tests.recall('stranger'), tests.recall('other'));
SELECT is((SELECT count(*) FROM app.work_order_parts), 0::bigint, 'nor does another tenant');
SELECT is(tests.refusal(format($$SELECT app.set_work_order_part(%L, %L, 1)$$, tests.recall('wo'), tests.recall('foreign_part'))),
  'PT404 work_order.not_found', 'who does not find the work order to plan for');

-- Scheduling reserves: 2 seals; no filter in stock, so it is short, shown and notified.
SELECT tests.act_as(tests.recall('planner'), tests.recall('t'));
SELECT app.schedule_work_order(tests.recall('wo'), tests.recall('tech'), now(), now() + interval '2 hours');
SELECT tests.act_as(tests.recall('keeper'), tests.recall('t'));
SELECT is((SELECT (on_hand, reserved)::text FROM app.part_stock WHERE part_id = tests.recall('seal')::uuid), '(3,2)',
  'scheduling reserves the 2 planned seals in the plant''s storeroom');
SELECT tests.act_as(tests.recall('planner'), tests.recall('t'));
SELECT is((SELECT array_agg((part_id = tests.recall('filter')::uuid, planned_quantity, reserved_quantity, short_quantity)::text)
             FROM app.work_order_kit_shortages WHERE work_order_id = tests.recall('wo')::uuid),
  ARRAY['(t,1,0,1)'], 'the filter that is not in stock shows as short, not refused');
SELECT is((SELECT count(*) FROM app.notifications WHERE entity_id = tests.recall('wo')::uuid AND title LIKE '%parts short'), 1::bigint,
  'the planner is told once what is short');
-- A change while scheduled re-reserves: 3 seals.
SELECT app.set_work_order_part(tests.recall('wo'), tests.recall('seal'), 3);
SELECT tests.act_as(tests.recall('keeper'), tests.recall('t'));
SELECT is((SELECT (on_hand, reserved)::text FROM app.part_stock WHERE part_id = tests.recall('seal')::uuid), '(3,3)',
  'changing the line of a scheduled work order re-reserves it (3 seals)');
SELECT is((SELECT count(*) FROM app.purchase_requests WHERE part_id = tests.recall('seal')::uuid AND status = 'open'), 1::bigint,
  'reserving the last seals takes available below the reorder point: one purchase request');
SELECT ok((SELECT count(*) FROM app.notifications AS n JOIN app.purchase_requests AS r ON r.id = n.entity_id
            WHERE r.part_id = tests.recall('seal')::uuid) >= 1, 'and the storekeeper is notified of it');

-- A second scheduled work order finds no seals: short, not refused.
SELECT tests.act_as(tests.recall('planner'), tests.recall('t'));
SELECT tests.remember('wo2', (app.create_work_order(tests.recall('pump'), 'preventive', template_id => tests.recall('tpl'))).id);
SELECT is((app.schedule_work_order(tests.recall('wo2'), tests.recall('tech'), now(), now() + interval '2 hours')).status, 'scheduled',
  'a work order whose parts are all taken is still scheduled');
SELECT is((SELECT short_quantity FROM app.work_order_kit_shortages WHERE work_order_id = tests.recall('wo2')::uuid), 2::numeric,
  'with its 2 seals short');

-- Completion: the technician uses 2 seals and no filter.
SELECT tests.act_as(tests.recall('tech'), tests.recall('t'));
SELECT app.transition_work_order(tests.recall('wo'), 'in_progress');
SELECT tests.act_as(tests.recall('planner'), tests.recall('t'));
SELECT is(tests.refusal(format($$SELECT app.set_work_order_part(%L, %L, 1)$$, tests.recall('wo'), tests.recall('seal'))),
  'PT409 work_order_part.work_started', 'the planned parts are fixed once the work started');
SELECT tests.act_as(tests.recall('tech'), tests.recall('t'));
SELECT is(tests.refusal(format($$SELECT app.complete_work_order(%L, tests.password(), 'done')$$, tests.recall('wo'))),
  'PT409 work_order.parts_missing', 'completion is refused while a planned filter is not there');
SELECT is((SELECT status FROM app.work_orders WHERE id = tests.recall('wo')::uuid), 'in_progress', 'and the work order stays in progress');
SELECT is((app.record_work_order_part_usage(tests.recall('wo'), tests.recall('seal'), 2)).used_quantity, 2::numeric,
  'the technician records 2 seals used');
SELECT app.record_work_order_part_usage(tests.recall('wo'), tests.recall('filter'), 0);
SELECT is(tests.refusal(format($$SELECT app.record_work_order_part_usage(%L, %L, -1)$$, tests.recall('wo'), tests.recall('seal'))),
  'PT422 work_order_part.quantity_invalid', 'usage is 0 or more');
SELECT tests.act_as(tests.recall('tech_b'), tests.recall('t'));
SELECT is(tests.refusal(format($$SELECT app.record_work_order_part_usage(%L, %L, 1)$$, tests.recall('wo'), tests.recall('seal'))),
  'PT404 work_order.not_found', 'a technician at another plant records nothing on it');
SELECT tests.act_as(tests.recall('tech'), tests.recall('t'));
SELECT is((app.complete_work_order(tests.recall('wo'), tests.password(), 'done')).status, 'completed', 'then the work order completes');
SELECT tests.act_as(tests.recall('keeper'), tests.recall('t'));
SELECT is((SELECT (on_hand, reserved)::text FROM app.part_stock WHERE part_id = tests.recall('seal')::uuid), '(1,0)',
  'the 2 used seals are issued from the reservation through the ledger, the third released');
SELECT is((SELECT array_agg((kind, quantity, unit_cost)::text ORDER BY kind) FROM app.stock_movements
            WHERE entity_id = tests.recall('wo')::uuid AND kind IN ('issue', 'reservation_release') AND reservation_id IS NOT NULL
              AND moved_at = now() AND reason LIKE '%completed'),
  ARRAY['(issue,-2,10)', '(reservation_release,0,)'], 'an issue of 2 at the receipt''s cost, the rest of the reservation released');
SELECT is((SELECT status::text FROM app.stock_reservations WHERE entity_id = tests.recall('wo')::uuid AND status = 'open'), NULL,
  'no reservation of the completed work order stays open');
SELECT is((SELECT count(*) FROM app.purchase_requests WHERE part_id = tests.recall('seal')::uuid), 1::bigint,
  'still one purchase request for the seal (once per request)');
SELECT tests.act_as(tests.recall('tech'), tests.recall('t'));
SELECT is(tests.refusal(format($$SELECT app.record_work_order_part_usage(%L, %L, 1)$$, tests.recall('wo'), tests.recall('seal'))),
  'PT409 work_order_part.usage_closed', 'usage is not recorded on completed work (issues and returns are)');

-- A work request converted with the template gets the kit too (the copy is on every insert path).
SELECT tests.act_as(tests.recall('planner'), tests.recall('t'));
SELECT tests.remember('wr', (app.request_work(tests.recall('pump'), 'Seal dripping')).id);
SELECT tests.remember('wo3', (app.convert_work_request(tests.recall('wr'), 'corrective', 3, tests.recall('tpl'))).id);
SELECT is((SELECT array_agg((quantity, template_part_id IS NOT NULL)::text) FROM app.work_order_parts WHERE work_order_id = tests.recall('wo3')::uuid),
  ARRAY['(2,t)'], 'a converted work request''s work order gets the template''s kit (2 seals; the first work order''s change stayed its own)');
-- Scheduled: the last seal reserved, 1 short; taking the line off releases it.
SELECT app.schedule_work_order(tests.recall('wo3'), tests.recall('tech'), now(), now() + interval '2 hours');
SELECT is((SELECT (reserved_quantity, short_quantity)::text FROM app.work_order_kit_shortages WHERE work_order_id = tests.recall('wo3')::uuid), '(1,1)',
  'the one seal left is reserved, 1 short');
SELECT ok(app.remove_work_order_part(tests.recall('wo3'), tests.recall('seal')), 'a planner takes the seals off the scheduled work order');
SELECT tests.act_as(tests.recall('keeper'), tests.recall('t'));
SELECT is((SELECT (on_hand, reserved)::text FROM app.part_stock WHERE part_id = tests.recall('seal')::uuid), '(1,0)', 'and its reservation is released');
-- An unplanned part used: a new line, issued at completion.
SELECT tests.act_as(tests.recall('tech'), tests.recall('t'));
SELECT app.transition_work_order(tests.recall('wo3'), 'in_progress');
SELECT is((app.record_work_order_part_usage(tests.recall('wo3'), tests.recall('seal'), 1)).quantity, 1::numeric,
  'a part used but not planned becomes a line of what was used');
SELECT app.complete_work_order(tests.recall('wo3'), tests.password(), 'done');
SELECT tests.act_as(tests.recall('keeper'), tests.recall('t'));
SELECT is((SELECT on_hand FROM app.part_stock WHERE part_id = tests.recall('seal')::uuid), 0::numeric, 'and issued from available stock at completion');

SELECT * FROM finish();
ROLLBACK;
