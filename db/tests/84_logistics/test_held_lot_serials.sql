-- A serial moves with its lot's quality status (app_private.require_released):
-- a piece of a held or quarantined lot is neither put on a shipment, nor
-- shipped when its lot is held after it was packed, nor consumed, as the
-- real roles (logistics, production, qa); released again, it moves.
BEGIN;
SELECT plan(9);

SELECT tests.remember('t', tests.create_tenant());
SELECT tests.remember('plant', tests.create_site(tests.recall('t')));
SELECT tests.remember('log', tests.create_member(tests.recall('t'), 'logistics', tests.recall('plant')));
SELECT tests.remember('prod', tests.create_member(tests.recall('t'), 'production'));
SELECT tests.remember('qa', tests.create_member(tests.recall('t'), 'qa'));
SELECT tests.remember('customer', tests.create_partner(tests.recall('t')));
SELECT tests.remember('part', tests.create_part(tests.recall('t')));
SELECT tests.remember('held', tests.create_lot(tests.recall('t'), tests.recall('part'), tests.recall('plant'), 10, 'on_hold'));
SELECT tests.remember('quar', tests.create_lot(tests.recall('t'), tests.recall('part'), tests.recall('plant'), 10, 'quarantined'));
SELECT tests.remember('good', tests.create_lot(tests.recall('t'), tests.recall('part'), tests.recall('plant'), 10));
SELECT tests.remember('into', tests.create_serial(tests.recall('t'), tests.recall('part'), tests.recall('plant')));
CREATE TEMP TABLE s ON COMMIT DROP AS
  SELECT k, tests.create_serial(tests.recall('t'), tests.recall('part'), tests.recall('plant')) AS id
    FROM unnest(ARRAY['of_held', 'of_quar', 'of_good', 'of_good2']) AS k;
UPDATE app.serials AS x SET lot_id = CASE s.k WHEN 'of_held' THEN tests.recall('held') WHEN 'of_quar' THEN tests.recall('quar')
                                             ELSE tests.recall('good') END::uuid
  FROM s WHERE x.id = s.id;
SELECT tests.remember(k, id) FROM s;

-- Shipping (logistics at the plant).
SELECT tests.act_as(tests.recall('log'), tests.recall('t'));
SELECT tests.remember('shp', (app.create_shipment(tests.recall('customer'), tests.recall('plant'))).id);
SELECT is(tests.refusal(format($$SELECT app.add_shipment_item(%L, serial_id => %L)$$, tests.recall('shp'), tests.recall('of_held'))),
  'PT409 serial.lot_not_released', 'a released serial of a held lot is not put on a shipment');
SELECT is(tests.refusal(format($$SELECT app.add_shipment_item(%L, serial_id => %L)$$, tests.recall('shp'), tests.recall('of_quar'))),
  'PT409 serial.lot_not_released', 'nor one of a quarantined lot');
SELECT app.add_shipment_item(tests.recall('shp'), serial_id => tests.recall('of_good'));
SELECT app.transition('shipment', tests.recall('shp'), 'picked');
SELECT app.transition('shipment', tests.recall('shp'), 'packed');
-- QA holds the serial's lot after it was packed: shipping rechecks.
SELECT tests.act_as(tests.recall('qa'), tests.recall('t'));
SELECT app.set_lot_quality_status(tests.recall('good'), 'on_hold', 'suspect heat treatment');
SELECT tests.act_as(tests.recall('log'), tests.recall('t'));
SELECT is(tests.refusal(format($$SELECT app.ship_shipment(%L)$$, tests.recall('shp'))), 'PT409 serial.lot_not_released',
  'a packed serial whose lot was held since does not ship');
SELECT is((SELECT inventory_state::text FROM app.serials WHERE id = tests.recall('of_good')::uuid), 'available', 'and stays in stock');

-- Consumption (production).
SELECT tests.act_as(tests.recall('prod'), tests.recall('t'));
SELECT is(tests.refusal(format($$SELECT app.record_consumption('[{"serial_id": "%s"}]', produced_serial_id => %L)$$,
                               tests.recall('of_held'), tests.recall('into'))), 'PT409 serial.lot_not_released',
  'a serial of a held lot is not consumed');
SELECT is(tests.refusal(format($$SELECT app.record_consumption('[{"serial_id": "%s"}]', produced_serial_id => %L)$$,
                               tests.recall('of_quar'), tests.recall('into'))), 'PT409 serial.lot_not_released',
  'nor one of a quarantined lot');
SELECT is(tests.refusal(format($$SELECT app.record_consumption('[{"serial_id": "%s"}]', produced_serial_id => %L)$$,
                               tests.recall('of_good2'), tests.recall('into'))), 'PT409 serial.lot_not_released',
  'nor one of a lot held after the serial was made');

-- Released again, the pieces move.
SELECT tests.act_as(tests.recall('qa'), tests.recall('t'));
SELECT app.set_lot_quality_status(tests.recall('good'), 'released', 'retested: fine');
SELECT tests.act_as(tests.recall('log'), tests.recall('t'));
SELECT is((app.ship_shipment(tests.recall('shp'))).status, 'shipped', 'the lot released, its packed serial ships');
SELECT tests.act_as(tests.recall('prod'), tests.recall('t'));
SELECT is((SELECT count(*) FROM app.record_consumption(format('[{"serial_id": "%s"}]', tests.recall('of_good2'))::jsonb,
                                                       produced_serial_id => tests.recall('into'))), 1::bigint,
  'and its other serial is consumed');

SELECT * FROM finish();
ROLLBACK;
