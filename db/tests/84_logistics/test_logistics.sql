-- Logistics: GS1 check digits against GS1's published examples, the element
-- string and the parser; shipments on their state machine, shipping race
-- rules (held, quarantined, shipped, too much), plant access and the
-- customer's portal; labels and certificates queued; scans idempotent;
-- recall_simulation lists the shipments and customers.
BEGIN;
SELECT plan(63);

-- GS1 (published examples: GS1 check digit calculator 629104150021 -> 3;
-- General Specifications SSCC (00)106141411234567897, GTIN (01)00614141123452).
SELECT is(app.gs1_check_digit('629104150021'), 3, 'GS1 check digit of 629104150021 is 3');
SELECT is(app.gs1_check_digit('10614141123456789'), 7, 'the SSCC 10614141123456789 gets 7');
SELECT is(app.gs1_check_digit('0061414112345'), 2, 'the GTIN-14 0061414112345 gets 2');
SELECT ok(app.gs1_key_valid('106141411234567897') AND NOT app.gs1_key_valid('106141411234567891'), 'a wrong check digit is found');
SELECT is(app.gs1_sscc(1, '0614141', 123456789), '106141411234567897', 'SSCC from extension, prefix and reference');
SELECT is(tests.refusal($$SELECT app.gs1_sscc(0, '0614141', 1000000000)$$), 'PT409 gs1.sscc_exhausted', 'a reference too long for the prefix');
SELECT is((app.gs1_element_string(gtin => '00614141123452', lot => 'AB-12', serial => 'S9', expiry => '2027-12-31')).human_readable,
          '(01)00614141123452(17)271231(10)AB-12(21)S9', 'human-readable element string, fixed fields first');
SELECT is((app.gs1_element_string(gtin => '00614141123452', lot => 'AB-12', serial => 'S9')).raw,
          '0100614141123452' || '10AB-12' || chr(29) || '21S9', 'raw: GS after a variable field that is not last');
SELECT is(tests.refusal($$SELECT app.gs1_element_string(gtin => '00614141123451')$$), 'PT422 gs1.check_digit', 'a GTIN with a wrong check digit');
SELECT is(app.gs1_parse('(01)00614141123452(17)270200(10)AB-12'), '{"01": "00614141123452", "17": "270200", "10": "AB-12"}'::jsonb,
  'parses the human-readable form');
SELECT is(app.gs1_parse(']C10100614141123452' || '10AB-12' || chr(29) || '21S9'), '{"01": "00614141123452", "10": "AB-12", "21": "S9"}'::jsonb,
  'parses raw with a symbology identifier and GS');
SELECT is(app.gs1_date('270200'), '2027-02-28'::date, 'day 00 is the month''s end');
SELECT is(tests.refusal($$SELECT app.gs1_parse('(99)x')$$), 'PT422 gs1.unknown_ai', 'an unknown AI');
SELECT is(tests.refusal($$SELECT app.gs1_parse('(17)271340')$$), 'PT422 gs1.invalid', 'a date that is no day');

-- The world.
SELECT tests.remember('t', tests.create_tenant());
SELECT tests.remember('other', tests.create_tenant());
SELECT tests.remember('plant_a', tests.create_site(tests.recall('t')));
SELECT tests.remember('plant_b', tests.create_site(tests.recall('t')));
SELECT tests.remember('log_a', tests.create_member(tests.recall('t'), 'logistics', tests.recall('plant_a')));
SELECT tests.remember('log_b', tests.create_member(tests.recall('t'), 'logistics', tests.recall('plant_b')));
SELECT tests.remember('qa', tests.create_member(tests.recall('t'), 'qa'));
SELECT tests.remember('customer', tests.create_partner(tests.recall('t')));
SELECT tests.remember('customer2', tests.create_partner(tests.recall('t')));
SELECT tests.remember('portal', tests.create_member(tests.recall('t'), 'customer_portal', NULL, tests.recall('customer')));
SELECT tests.remember('portal2', tests.create_member(tests.recall('t'), 'customer_portal', NULL, tests.recall('customer2')));
SELECT tests.remember('stranger', tests.create_member(tests.recall('other'), 'logistics'));
SELECT tests.remember('part', tests.create_part(tests.recall('t')));
SELECT tests.remember('engineer', tests.create_member(tests.recall('t'), 'engineering'));
SELECT tests.act_as(tests.recall('engineer'), tests.recall('t'));
SELECT is(tests.refusal(format($$UPDATE app.parts SET gtin = '00614141123451' WHERE id = %L$$, tests.recall('part'))), 'PT422 part.gtin_invalid',
  'a part''s GTIN with a wrong check digit is refused');
UPDATE app.parts SET gtin = '0614141123452' WHERE id = tests.recall('part')::uuid;
SELECT is((SELECT gtin FROM app.parts WHERE id = tests.recall('part')::uuid), '00614141123452', 'engineering sets a GTIN-13, kept as GTIN-14');
SELECT is(tests.refusal(format($$INSERT INTO app.parts (part_number, name, unit, gtin) VALUES ('P-GTIN', 'x', 'pcs', '00614141123452')$$)),
  '23505', 'a GTIN belongs to one part of the tenant');
SELECT tests.act_as_owner();
SELECT tests.remember('lot', tests.create_lot(tests.recall('t'), tests.recall('part'), tests.recall('plant_a'), 10));
SELECT tests.remember('held', tests.create_lot(tests.recall('t'), tests.recall('part'), tests.recall('plant_a'), 10, 'on_hold'));
SELECT tests.remember('serial', tests.create_serial(tests.recall('t'), tests.recall('part'), tests.recall('plant_a')));
SELECT tests.remember('out', tests.create_lot(tests.recall('t'), tests.recall('part'), tests.recall('plant_a'), 5));
INSERT INTO app.genealogy_edges (organization_id, consumed_lot_id, produced_lot_id, quantity, unit, site_id)
VALUES (tests.recall('t')::uuid, tests.recall('lot')::uuid, tests.recall('out')::uuid, 1, 'pcs', tests.recall('plant_a')::uuid);

SELECT is(tests.refusal(format($$SELECT app_private.next_sscc(%L)$$, tests.recall('t'))), 'PT409 gs1.company_prefix_missing',
  'no SSCC without the tenant''s GS1 company prefix');
INSERT INTO app.tenant_settings (organization_id, setting_key, value) VALUES (tests.recall('t')::uuid, 'gs1_company_prefix', '"0614141"');

-- Logistics at plant A.
SELECT tests.act_as(tests.recall('log_a'), tests.recall('t'));
SELECT is(app.gs1_parse('(01)00614141123452(10)AB-12'), '{"01": "00614141123452", "10": "AB-12"}'::jsonb,
  'a member parses a GS1 code (its checks are private helpers)');
SELECT is(tests.refusal($$SELECT app.gs1_element_string(gtin => '00614141123451')$$), 'PT422 gs1.check_digit',
  'a member gets the element string''s own refusal, not a permission error');
SELECT tests.remember('shp', (app.create_shipment(tests.recall('customer'), tests.recall('plant_a'), 'DHL', '1Z999', current_date + 3)).id);
SELECT is((SELECT status FROM app.shipments WHERE id = tests.recall('shp')::uuid), 'draft', 'a new shipment is draft on its state machine');
SELECT tests.remember('unit', (app.add_shipping_unit(tests.recall('shp'), 'pallet')).id);
SELECT is((SELECT sscc FROM app.shipping_units WHERE id = tests.recall('unit')::uuid), '006141410000000012', 'the first SSCC of the prefix');
SELECT is(tests.refusal(format($$SELECT app.create_shipment(%L, %L)$$, tests.recall('customer'), tests.recall('plant_b'))), 'PT403 permission.missing',
  'no shipment from plant B');
SELECT is(tests.refusal(format($$SELECT app.add_shipment_item(%L, lot_id => %L, quantity => 1)$$, tests.recall('shp'), tests.recall('held'))),
  'PT409 lot.not_released', 'a held lot is not put on a shipment');
SELECT is(tests.refusal(format($$SELECT app.add_shipment_item(%L, lot_id => %L, quantity => 11)$$, tests.recall('shp'), tests.recall('lot'))),
  'PT409 lot.insufficient_quantity', 'nor more than remains');
SELECT app.add_shipment_item(tests.recall('shp'), lot_id => tests.recall('lot'), quantity => 4, shipping_unit_id => tests.recall('unit'));
SELECT app.add_shipment_item(tests.recall('shp'), serial_id => tests.recall('serial'), shipping_unit_id => tests.recall('unit'));
SELECT is(tests.refusal(format($$SELECT app.ship_shipment(%L)$$, tests.recall('shp'))), 'PT409 shipment.not_packed', 'a draft shipment does not ship');
SELECT app.transition('shipment', tests.recall('shp'), 'picked');
SELECT app.transition('shipment', tests.recall('shp'), 'packed');
SELECT is(tests.refusal(format($$SELECT app.transition('shipment', %L, 'shipped')$$, tests.recall('shp'))), 'PT409 shipment.ship_with_rpc',
  'the state machine alone does not ship');
-- Someone consumes most of the lot meanwhile: shipping rechecks under the lock.
SELECT tests.act_as_owner();
UPDATE app.lots SET remaining_quantity = 3, inventory_state = 'partly_consumed' WHERE id = tests.recall('lot')::uuid;
SELECT tests.act_as(tests.recall('log_a'), tests.recall('t'));
SELECT is(tests.refusal(format($$SELECT app.ship_shipment(%L)$$, tests.recall('shp'))), 'PT409 lot.insufficient_quantity',
  'shipping refuses what no longer remains');
SELECT tests.act_as_owner();
UPDATE app.lots SET remaining_quantity = 9, inventory_state = 'partly_consumed' WHERE id = tests.recall('lot')::uuid;
SELECT tests.act_as(tests.recall('log_a'), tests.recall('t'));
SELECT is((app.ship_shipment(tests.recall('shp'))).status, 'shipped', 'a packed shipment ships');
SELECT results_eq(format($$SELECT remaining_quantity, inventory_state::text FROM app.lots WHERE id = %L$$, tests.recall('lot')),
  $$VALUES (5::numeric, 'partly_consumed'::text)$$, 'the lot gave what shipped');
SELECT is((SELECT inventory_state::text FROM app.serials WHERE id = tests.recall('serial')::uuid), 'shipped', 'the serial is shipped');
SELECT ok((SELECT shipped_at IS NOT NULL AND shipped_by = tests.recall('log_a')::uuid FROM app.shipments WHERE id = tests.recall('shp')::uuid),
  'who and when it shipped');
SELECT is(tests.refusal(format($$UPDATE app.shipments SET promised_date = current_date + 60 WHERE id = %L$$, tests.recall('shp'))),
  'PT409 shipment.promise_fixed', 'a shipped shipment''s promised date is fixed (OTD is measured against it)');
SELECT is((SELECT promised_date FROM app.shipments WHERE id = tests.recall('shp')::uuid), current_date + 3, 'and stays as promised');
SELECT tests.remember('shp2', (app.create_shipment(tests.recall('customer2'), tests.recall('plant_a'))).id);
UPDATE app.shipments SET promised_date = current_date + 10 WHERE id = tests.recall('shp2')::uuid;
SELECT is((SELECT promised_date FROM app.shipments WHERE id = tests.recall('shp2')::uuid), current_date + 10,
  'until it ships, the promise may be renegotiated');
SELECT is(tests.refusal(format($$SELECT app.add_shipment_item(%L, serial_id => %L)$$, tests.recall('shp2'), tests.recall('serial'))),
  'PT409 serial.not_available', 'a shipped serial does not ship again');

-- Labels and the certificate of conformance are queued for their jobs.
SELECT is((app.request_label(shipping_unit_id => tests.recall('unit'))).element_string, '(00)006141410000000012', 'the SSCC label''s payload');
SELECT is((app.request_label(lot_id => tests.recall('lot'))).element_string, '(01)00614141123452(10)' || (SELECT lot_number FROM app.lots WHERE id = tests.recall('lot')::uuid) || '(30)5',
  'the lot label: GTIN, lot, count');
SELECT is(tests.refusal(format($$SELECT app.issue_shipment_certificate(%L)$$, tests.recall('shp'))), 'PT409 certificate.not_inspected',
  'no certificate for material that no released inspection shows conforming');
SELECT tests.act_as_owner();
SELECT tests.approve_inspection(lot_id => tests.recall('lot'))::text;
SELECT tests.act_as(tests.recall('log_a'), tests.recall('t'));
SELECT is(tests.refusal(format($$SELECT app.issue_shipment_certificate(%L)$$, tests.recall('shp'))), 'PT409 certificate.not_inspected',
  'every item needs one: the serial has none yet');
SELECT tests.act_as_owner();
SELECT tests.approve_inspection(serial_id => tests.recall('serial'), kind => 'receiving')::text;
SELECT tests.act_as(tests.recall('log_a'), tests.recall('t'));
SELECT is((app.issue_shipment_certificate(tests.recall('shp'))).status::text, 'queued', 'the certificate of conformance is queued');
SELECT tests.act_as_owner();
SELECT is((SELECT count(*)::int FROM graphile_worker.jobs WHERE task_identifier IN ('label_render', 'coc_render')), 3, 'three render jobs');
SELECT tests.act_as(tests.recall('log_a'), tests.recall('t'));
SELECT is((SELECT jsonb_array_length(content -> 'lines') FROM app.shipment_certificates WHERE shipment_id = tests.recall('shp')::uuid), 2,
  'the certificate lists both items');

-- Scans: decoded, located, idempotent per device and code.
SELECT tests.remember('scan', (app.scan('(00)006141410000000012', 'Dock 3', 'gun-1')).id);
SELECT is((app.scan('(00)006141410000000012', 'Dock 3', 'gun-1')).id::text, tests.recall('scan')::text, 'the same device and code at once is one event');
SELECT is((SELECT array_agg(DISTINCT (app.scan(c, 'Dock 3', 'gun-1')).id::text)
             FROM unnest(ARRAY['00006141410000000012', ']C100006141410000000012', '006141410000000012']) AS c),
  ARRAY[tests.recall('scan')::text], 'the same element string written raw, after ]C1 or as a plain SSCC is the same code: one event');
SELECT is((SELECT current_location FROM app.shipments WHERE id = tests.recall('shp')::uuid), 'Dock 3', 'the shipment is where its unit was scanned');
SELECT is((app.scan((SELECT lot_number FROM app.lots WHERE id = tests.recall('lot')::uuid), 'Rack 7', 'gun-1')).code_kind, 'lot_number', 'a plain lot number');
SELECT is(tests.refusal($$SELECT app.scan('NO-SUCH-THING', 'Dock 3', 'gun-1')$$), 'PT404 scan.unknown_code', 'an unknown code');

-- The recall reaches the lot itself and what was made of it, with the shipment and the customer.
SELECT tests.act_as(tests.recall('qa'), tests.recall('t'));
SELECT results_eq(format($$SELECT depth, shipped_quantity, shipments -> 0 ->> 'customer_id' FROM app.recall_simulation(%L) ORDER BY depth$$, tests.recall('lot')),
  format($$VALUES (0, 4::numeric, %L), (1, 0::numeric, NULL)$$, tests.recall('customer')), 'the recall lists the shipment and customer');

-- Plant B's logistics, the customers' portal users and another tenant.
SELECT tests.act_as(tests.recall('log_a'), tests.recall('t'));
SELECT is((SELECT count(*)::int FROM app.labels) + (SELECT count(*)::int FROM app.scan_events), 4, 'plant A''s logistics reads its labels and scans');
UPDATE app.shipments SET tracking_number = 'DHL-1' WHERE id = tests.recall('shp')::uuid;
SELECT is((SELECT tracking_number FROM app.shipments WHERE id = tests.recall('shp')::uuid), 'DHL-1', 'and corrects a tracking number');
SELECT tests.act_as(tests.recall('log_b'), tests.recall('t'));
SELECT is_empty($$SELECT FROM app.shipments$$, 'plant B''s logistics does not see plant A''s shipments');
SELECT is_empty($$SELECT FROM app.shipping_units UNION ALL SELECT FROM app.shipment_items UNION ALL SELECT FROM app.shipment_certificates$$,
  'nor their units, items or certificates');
SELECT is_empty($$SELECT FROM app.labels UNION ALL SELECT FROM app.scan_events$$, 'nor their labels and scans');
SELECT is_empty(format($$UPDATE app.shipments SET tracking_number = 'X' WHERE id = %L RETURNING 1$$, tests.recall('shp')),
  'nor changes their tracking number');
SELECT is(tests.refusal(format($$SELECT app.scan('(00)006141410000000012', 'Dock 1', 'gun-9')$$)), 'PT404 scan.unknown_code', 'nor scans its units');
SELECT tests.act_as(tests.recall('portal'), tests.recall('t'));
SELECT is((SELECT count(*)::int FROM app.shipments), 1, 'the customer''s portal user reads their shipment');
SELECT is((SELECT count(*)::int FROM app.shipment_items) + (SELECT count(*)::int FROM app.shipment_certificates), 3, 'its items and certificate');
SELECT is((SELECT count(*)::int FROM app.shipping_units), 1, 'and its pallet');
SELECT is_empty($$SELECT FROM app.labels UNION ALL SELECT FROM app.scan_events$$, 'but no labels or scans (staff only)');
SELECT is_empty(format($$UPDATE app.shipments SET tracking_number = 'X' WHERE id = %L RETURNING 1$$, tests.recall('shp')),
  'and changes nothing');
SELECT tests.act_as(tests.recall('portal2'), tests.recall('t'));
SELECT is((SELECT count(*)::int FROM app.shipments), 1, 'another customer reads only theirs (an open draft)');
SELECT tests.act_as(tests.recall('stranger'), tests.recall('other'));
SELECT is_empty($$SELECT FROM app.shipments$$, 'another tenant sees none');

SELECT * FROM finish();
ROLLBACK;
