-- A trace or recall is never silently partial: a caller who may not read
-- every plant a walk reaches (or every shipment line that carries an
-- affected item) is refused with PT403 trace.incomplete and the count of
-- what is hidden, instead of getting a short list; tenant-wide readers, and
-- plant readers whose walk stays at their plant, get the whole answer.
BEGIN;
SELECT plan(11);

SELECT tests.remember('t', tests.create_tenant());
SELECT tests.remember('plant_a', tests.create_site(tests.recall('t')));
SELECT tests.remember('plant_b', tests.create_site(tests.recall('t')));
SELECT tests.remember('qe', tests.create_member(tests.recall('t'), 'quality_engineer'));
SELECT tests.remember('qe_a', tests.create_member(tests.recall('t'), 'quality_engineer', tests.recall('plant_a')));
SELECT tests.remember('inspector', tests.create_member(tests.recall('t'), 'inspector'));
SELECT tests.remember('qa', tests.create_member(tests.recall('t'), 'qa'));
SELECT tests.remember('logistics', tests.create_member(tests.recall('t'), 'logistics'));
SELECT tests.remember('customer', tests.create_partner(tests.recall('t')));
SELECT tests.remember('part', tests.create_part(tests.recall('t')));
-- coil (A) went into out_a (A) and out_b (B); local (A) went into local_out (A) only; solo (A) was shipped.
SELECT tests.remember('coil', tests.create_lot(tests.recall('t'), tests.recall('part'), tests.recall('plant_a'), 10));
SELECT tests.remember('out_a', tests.create_lot(tests.recall('t'), tests.recall('part'), tests.recall('plant_a'), 5));
SELECT tests.remember('out_b', tests.create_lot(tests.recall('t'), tests.recall('part'), tests.recall('plant_b'), 5));
SELECT tests.remember('local', tests.create_lot(tests.recall('t'), tests.recall('part'), tests.recall('plant_a'), 10));
SELECT tests.remember('local_out', tests.create_lot(tests.recall('t'), tests.recall('part'), tests.recall('plant_a'), 5));
SELECT tests.remember('solo', tests.create_lot(tests.recall('t'), tests.recall('part'), tests.recall('plant_a'), 10));
SELECT tests.act_as(tests.recall('qa'), tests.recall('t'));
SELECT app.record_consumption(format('[{"lot_id": "%s", "quantity": 2}]', tests.recall('coil'))::jsonb, produced_lot_id => tests.recall('out_a'))::text;
SELECT app.record_consumption(format('[{"lot_id": "%s", "quantity": 2}]', tests.recall('coil'))::jsonb, produced_lot_id => tests.recall('out_b'))::text;
SELECT app.record_consumption(format('[{"lot_id": "%s", "quantity": 2}]', tests.recall('local'))::jsonb, produced_lot_id => tests.recall('local_out'))::text;
SELECT tests.act_as(tests.recall('logistics'), tests.recall('t'));
SELECT tests.remember('shp', (app.create_shipment(tests.recall('customer'), tests.recall('plant_a'), 'DHL', '1Z1', current_date + 3)).id);
SELECT app.add_shipment_item(tests.recall('shp'), lot_id => tests.recall('solo'), quantity => 1)::text;

-- Tenant-wide: the whole walk.
SELECT tests.act_as(tests.recall('qe'), tests.recall('t'));
SELECT is((SELECT count(*)::int FROM app.trace_forward(tests.recall('coil'))), 2, 'a tenant-wide reader traces into both plants');
SELECT is((SELECT count(*)::int FROM app.recall_simulation(tests.recall('coil'))), 3, 'and recalls the lot and both outputs');

-- Plant A only: refused, not shortened.
SELECT tests.act_as(tests.recall('qe_a'), tests.recall('t'));
SELECT is(tests.refusal(format($$SELECT * FROM app.trace_forward(%L)$$, tests.recall('coil'))), 'PT403 trace.incomplete',
  'a plant-A reader whose trace reaches plant B is refused, not given plant A''s half');
SELECT throws_like(format($$SELECT * FROM app.recall_simulation(%L)$$, tests.recall('coil')), '%1 of 2 items are at plants you may not read%',
  'the recall is refused with the count of hidden items');
SELECT is(tests.refusal(format($$SELECT * FROM app.trace_backward(%L)$$, tests.recall('out_a'))), 'no error',
  'a backward trace within plant A is answered');
SELECT is((SELECT count(*)::int FROM app.trace_forward(tests.recall('local'))), 1, 'a walk that stays at plant A is answered whole');
SELECT results_eq(format($$SELECT depth, shipped_quantity FROM app.recall_simulation(%L)$$, tests.recall('solo')), $$VALUES (0, 0::numeric)$$,
  'a plant-A reader with plant A''s shipments recalls a lot shipped from plant A');

-- Every plant's lots but no shipments: a recall that has shipment lines is refused, one without is answered.
SELECT tests.act_as(tests.recall('inspector'), tests.recall('t'));
SELECT is(tests.refusal(format($$SELECT * FROM app.recall_simulation(%L)$$, tests.recall('solo'))), 'PT403 trace.incomplete',
  'a reader of every lot but no shipment does not get a recall without its shipments');
SELECT is((SELECT count(*)::int FROM app.recall_simulation(tests.recall('coil'))), 3, 'a recall with no shipment line is answered');
SELECT is((SELECT count(*)::int FROM app.trace_forward(tests.recall('coil'))), 2, 'and so are traces');

-- The tenant-wide quality engineer sees the shipment.
SELECT tests.act_as(tests.recall('qe'), tests.recall('t'));
SELECT is((SELECT jsonb_array_length(shipments) FROM app.recall_simulation(tests.recall('solo'))), 1, 'the recall lists the shipment that carries the lot');

SELECT * FROM finish();
ROLLBACK;
