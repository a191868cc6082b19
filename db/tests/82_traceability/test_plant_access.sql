-- Plant access: lots, serials, genealogy and status changes are seen and
-- acted on only where the caller holds traceability.read / .manage,
-- tenant-wide or at the row's site. A technician scoped to one plant cannot
-- read or write another plant's lots; portal users see none of it; the
-- number patterns are changed tenant-wide only.
BEGIN;
SELECT plan(16);

SELECT tests.remember('t', tests.create_tenant());
SELECT tests.remember('plant_a', tests.create_site(tests.recall('t')));
SELECT tests.remember('plant_b', tests.create_site(tests.recall('t')));
SELECT tests.remember('tech_a', tests.create_member(tests.recall('t'), 'technician', tests.recall('plant_a')));
SELECT tests.remember('qa', tests.create_member(tests.recall('t'), 'qa'));
SELECT tests.remember('customer', tests.create_partner(tests.recall('t')));
SELECT tests.remember('portal', tests.create_member(tests.recall('t'), 'customer_portal', NULL, tests.recall('customer')));
SELECT tests.remember('part', tests.create_part(tests.recall('t')));
SELECT tests.remember('lot_a', tests.create_lot(tests.recall('t'), tests.recall('part'), tests.recall('plant_a'), 10));
SELECT tests.remember('lot_b', tests.create_lot(tests.recall('t'), tests.recall('part'), tests.recall('plant_b'), 10));
SELECT tests.remember('out_b', tests.create_lot(tests.recall('t'), tests.recall('part'), tests.recall('plant_b'), 10));
SELECT tests.remember('serial_b', tests.create_serial(tests.recall('t'), tests.recall('part'), tests.recall('plant_b')));

-- QA, tenant-wide: records genealogy at plant B and holds a lot there.
SELECT tests.act_as(tests.recall('qa'), tests.recall('t'));
SELECT app.record_consumption(format('[{"lot_id": "%s", "quantity": 2}]', tests.recall('lot_b'))::jsonb, produced_lot_id => tests.recall('out_b'));
SELECT app.set_lot_quality_status(tests.recall('out_b'), 'on_hold', 'Check');
SELECT is((SELECT count(*)::int FROM app.lots), 3, 'a tenant-wide reader sees every plant''s lots');

-- The technician of plant A.
SELECT tests.act_as(tests.recall('tech_a'), tests.recall('t'));
SELECT results_eq($$SELECT id FROM app.lots$$, format($$VALUES (%L::uuid)$$, tests.recall('lot_a')), 'a plant-A technician sees plant A''s lots only');
SELECT is_empty($$SELECT FROM app.serials$$, 'no serial of plant B');
SELECT is_empty($$SELECT FROM app.genealogy_edges$$, 'no genealogy of plant B');
SELECT is_empty($$SELECT FROM app.trace_status_changes$$, 'no status change of plant B');
SELECT is((SELECT count(*)::int FROM app.create_lots(tests.recall('part'), tests.recall('plant_a'), 5)), 1, 'lots are made at plant A');
SELECT is(tests.refusal(format($$SELECT app.create_lots(%L, %L, 5)$$, tests.recall('part'), tests.recall('plant_b'))), 'PT403 permission.missing',
  'but not at plant B');
SELECT is(tests.refusal(format($$SELECT app.create_serials(%L, %L, 2)$$, tests.recall('part'), tests.recall('plant_b'))), 'PT403 permission.missing',
  'no serials at plant B');
SELECT is(tests.refusal(format($$SELECT app.set_lot_quality_status(%L, 'released', 'mine now')$$, tests.recall('out_b'))), 'PT404 lot.not_found',
  'plant B''s lot is not found to release');
SELECT is(tests.refusal(format($$SELECT app.set_serial_quality_status(%L, 'on_hold', 'x')$$, tests.recall('serial_b'))), 'PT404 serial.not_found',
  'plant B''s serial is not found to hold');
SELECT is(tests.refusal(format($$SELECT app.record_consumption('[{"lot_id": "%s", "quantity": 1}]', produced_lot_id => %L)$$,
                               tests.recall('lot_b'), tests.recall('lot_a'))), 'PT404 lot.not_found',
  'plant B''s lot is not consumed into plant A''s');
SELECT is(tests.refusal(format($$SELECT * FROM app.trace_forward(%L)$$, tests.recall('lot_b'))), 'PT404 trace_item.not_found',
  'plant B''s lot is not traced');
SELECT is(tests.refusal($$UPDATE app.trace_number_patterns SET pattern = 'X{###}' WHERE kind = 'lot' RETURNING 1$$), 'no error',
  'the update of the patterns is allowed to run');
SELECT is((SELECT pattern FROM app.trace_number_patterns WHERE kind = 'lot'), 'LOT-{YYYY}{MM}{DD}-{####}',
  'but a plant-scoped manager changes no tenant pattern');

-- A customer's portal user sees nothing of it.
SELECT tests.act_as(tests.recall('portal'), tests.recall('t'));
SELECT is_empty($$SELECT FROM app.lots$$, 'a portal user sees no lots');
SELECT is_empty($$SELECT FROM app.trace_number_patterns$$, 'nor the patterns');

SELECT * FROM finish();
ROLLBACK;
