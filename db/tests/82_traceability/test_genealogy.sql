-- Genealogy: recording consumption takes the quantity from the consumed
-- lot (converted to its unit) and moves its inventory state; material that
-- is not released, not available or not enough is refused with its own
-- reason and nothing is written; a loop is refused; the walks go forward and
-- backward over three levels with their depth, each item once, in one
-- tenant; the recall simulation names every lot and serial downstream and
-- which are finished.
BEGIN;
SELECT plan(20);

SELECT tests.remember('t', tests.create_tenant());
SELECT tests.remember('b', tests.create_tenant());
SELECT tests.remember('site', tests.create_site(tests.recall('t')));
SELECT tests.remember('b_site', tests.create_site(tests.recall('b')));
SELECT tests.remember('prod', tests.create_member(tests.recall('t'), 'production'));
SELECT tests.remember('b_admin', tests.create_member(tests.recall('b'), 'admin'));
SELECT tests.remember('customer', tests.create_partner(tests.recall('t')));
SELECT tests.remember('steel', tests.create_part(tests.recall('t'), 'kg'));
SELECT tests.remember('bracket', tests.create_part(tests.recall('t')));
SELECT tests.remember('assembly', tests.create_part(tests.recall('t'), 'pcs', tests.recall('customer')));
SELECT tests.remember('coil', tests.create_lot(tests.recall('t'), tests.recall('steel'), tests.recall('site'), 100));
SELECT tests.remember('coil2', tests.create_lot(tests.recall('t'), tests.recall('steel'), tests.recall('site'), 50));
SELECT tests.remember('held', tests.create_lot(tests.recall('t'), tests.recall('steel'), tests.recall('site'), 50, 'on_hold'));
SELECT tests.remember('quarantined', tests.create_lot(tests.recall('t'), tests.recall('steel'), tests.recall('site'), 50, 'quarantined'));
SELECT tests.remember('brackets', tests.create_lot(tests.recall('t'), tests.recall('bracket'), tests.recall('site'), 200));
SELECT tests.remember('brackets2', tests.create_lot(tests.recall('t'), tests.recall('bracket'), tests.recall('site'), 200));
SELECT tests.remember('unit1', tests.create_serial(tests.recall('t'), tests.recall('assembly'), tests.recall('site')));
SELECT tests.remember('unit2', tests.create_serial(tests.recall('t'), tests.recall('assembly'), tests.recall('site')));
SELECT tests.remember('b_part', tests.create_part(tests.recall('b')));
SELECT tests.remember('b_lot', tests.create_lot(tests.recall('b'), tests.recall('b_part'), tests.recall('b_site'), 10));

SELECT tests.act_as(tests.recall('prod'), tests.recall('t'));
-- Level 1: steel into brackets (grams converted to the coil's kilograms).
SELECT results_eq(format($$SELECT quantity, unit, site_id FROM app.record_consumption('[{"lot_id": "%s", "quantity": 30000, "unit": "g"}]', produced_lot_id => %L)$$,
                         tests.recall('coil'), tests.recall('brackets')),
  format($$VALUES (30::numeric, 'kg', %L::uuid)$$, tests.recall('site')), 'the edge keeps the quantity in the consumed lot''s unit and the produced item''s plant');
SELECT results_eq(format($$SELECT remaining_quantity, inventory_state::text FROM app.lots WHERE id = %L$$, tests.recall('coil')),
  $$VALUES (70::numeric, 'partly_consumed')$$, 'the consumed lot''s remaining quantity goes down and it is partly consumed');
SELECT app.record_consumption(format('[{"lot_id": "%s", "quantity": 50}, {"lot_id": "%s", "quantity": 70}]', tests.recall('coil2'), tests.recall('coil'))::jsonb,
                              produced_lot_id => tests.recall('brackets2'));
SELECT results_eq(format($$SELECT remaining_quantity, inventory_state::text FROM app.lots WHERE id IN (%L, %L) ORDER BY id$$, tests.recall('coil'), tests.recall('coil2')),
  $$VALUES (0::numeric, 'consumed'), (0::numeric, 'consumed')$$, 'taking all that is left consumes a lot');

-- Refusals, all or nothing.
SELECT is(tests.refusal(format($$SELECT app.record_consumption('[{"lot_id": "%s", "quantity": 1}]', produced_lot_id => %L)$$,
                               tests.recall('held'), tests.recall('brackets'))), 'PT409 lot.not_released', 'a lot on hold is not consumed');
SELECT is(tests.refusal(format($$SELECT app.record_consumption('[{"lot_id": "%s", "quantity": 1}]', produced_lot_id => %L)$$,
                               tests.recall('quarantined'), tests.recall('brackets'))), 'PT409 lot.not_released', 'a quarantined lot is not consumed');
SELECT is(tests.refusal(format($$SELECT app.record_consumption('[{"lot_id": "%s", "quantity": 1}]', produced_lot_id => %L)$$,
                               tests.recall('coil'), tests.recall('brackets'))), 'PT409 lot.not_available', 'a consumed lot gives nothing more');
SELECT is(tests.refusal(format($$SELECT app.record_consumption('[{"lot_id": "%s", "quantity": 150}, {"lot_id": "%s", "quantity": 250}]', produced_serial_id => %L)$$,
                               tests.recall('brackets'), tests.recall('brackets2'), tests.recall('unit1'))), 'PT409 lot.insufficient_quantity',
  'more than remains is refused');
SELECT is((SELECT remaining_quantity FROM app.lots WHERE id = tests.recall('brackets')), 200::numeric,
  'and the refused call took nothing from the lots before the one that failed');
SELECT is(tests.refusal(format($$SELECT app.record_consumption('[{"lot_id": "%s", "quantity": 1}]', produced_lot_id => %L)$$,
                               tests.recall('brackets'), tests.recall('brackets'))), 'PT422 genealogy.self', 'an item does not consume itself');
SELECT is(tests.refusal(format($$SELECT app.record_consumption('[{"lot_id": "%s"}]', produced_lot_id => %L)$$,
                               tests.recall('brackets'), tests.recall('brackets2'))), 'PT422 genealogy.quantity_invalid', 'a lot''s quantity is required');
SELECT is(tests.refusal(format($$SELECT app.record_consumption('[{"lot_id": "%s", "quantity": 1}]', produced_lot_id => %L)$$,
                               tests.recall('b_lot'), tests.recall('brackets'))), 'PT404 lot.not_found', 'another tenant''s lot is not found');

-- Level 2: brackets into two assemblies (serials); a serial is consumed whole.
SELECT app.record_consumption(format('[{"lot_id": "%s", "quantity": 4}]', tests.recall('brackets'))::jsonb, produced_serial_id => tests.recall('unit1'));
SELECT app.record_consumption(format('[{"lot_id": "%s", "quantity": 4}, {"lot_id": "%s", "quantity": 2}]', tests.recall('brackets'), tests.recall('brackets2'))::jsonb,
                              produced_serial_id => tests.recall('unit2'));
SELECT is(tests.refusal(format($$SELECT app.record_consumption('[{"lot_id": "%s", "quantity": 1}]', produced_lot_id => %L)$$,
                               tests.recall('brackets2'), tests.recall('coil2'))), 'PT409 genealogy.cycle',
  'a lot made from brackets cannot go back into the steel they were made from');
-- Level 3: unit1 into a top assembly serial.
SELECT tests.act_as_owner();
SELECT tests.remember('top', tests.create_serial(tests.recall('t'), tests.recall('assembly'), tests.recall('site')));
SELECT tests.act_as(tests.recall('prod'), tests.recall('t'));
SELECT app.record_consumption(format('[{"serial_id": "%s"}]', tests.recall('unit1'))::jsonb, produced_serial_id => tests.recall('top'));
SELECT is((SELECT inventory_state::text FROM app.serials WHERE id = tests.recall('unit1')), 'consumed', 'a consumed serial is consumed');
SELECT is(tests.refusal(format($$SELECT app.record_consumption('[{"serial_id": "%s"}]', produced_serial_id => %L)$$,
                               tests.recall('unit1'), tests.recall('unit2'))), 'PT409 serial.not_available', 'a serial is consumed once');

-- The walks.
SELECT results_eq(format($$SELECT id, depth, item_type::text FROM app.trace_forward(%L) ORDER BY depth, id$$, tests.recall('coil')),
  format($$VALUES (%L::uuid, 1, 'lot'), (%L::uuid, 1, 'lot'), (%L::uuid, 2, 'serial'), (%L::uuid, 2, 'serial'), (%L::uuid, 3, 'serial')$$,
         least(tests.recall('brackets'), tests.recall('brackets2')), greatest(tests.recall('brackets'), tests.recall('brackets2')),
         least(tests.recall('unit1'), tests.recall('unit2')), greatest(tests.recall('unit1'), tests.recall('unit2')), tests.recall('top')),
  'forward from the coil: both bracket lots at depth 1, both units at 2 (unit2 once, though reached twice), the top assembly at 3');
SELECT is((SELECT count(*)::int FROM app.trace_forward(tests.recall('coil'), 2)), 4, 'max_depth bounds the walk');
SELECT results_eq(format($$SELECT id, depth FROM app.trace_backward(%L) ORDER BY depth, id$$, tests.recall('top')),
  format($$VALUES (%L::uuid, 1), (%L::uuid, 2), (%L::uuid, 3)$$, tests.recall('unit1'), tests.recall('brackets'), tests.recall('coil')),
  'backward from the top assembly: unit1, its brackets, their coil, with depths');
SELECT results_eq(format($$SELECT id, finished, customer_id FROM app.recall_simulation(%L) WHERE item_type = 'serial' ORDER BY depth, id$$, tests.recall('coil')),
  format($$VALUES (%L::uuid, false, %L::uuid), (%L::uuid, true, %L::uuid), (%L::uuid, true, %L::uuid)$$,
         least(tests.recall('unit1'), tests.recall('unit2')), tests.recall('customer'),
         greatest(tests.recall('unit1'), tests.recall('unit2')), tests.recall('customer'),
         tests.recall('top'), tests.recall('customer')),
  'the recall of the coil names every serial downstream, the customer it is made for, and which are finished (unit1 went into the top assembly)');
SELECT is(tests.refusal(format($$SELECT * FROM app.trace_forward(%L, 0)$$, tests.recall('coil'))), 'PT422 genealogy.depth_invalid', 'max_depth is 1 to 100');

-- Another tenant: nothing to walk.
SELECT tests.act_as(tests.recall('b_admin'), tests.recall('b'));
SELECT is(tests.refusal(format($$SELECT * FROM app.recall_simulation(%L)$$, tests.recall('coil'))), 'PT404 lot.not_found',
  'another tenant''s lot is not found by the recall simulation');

SELECT * FROM finish();
ROLLBACK;
