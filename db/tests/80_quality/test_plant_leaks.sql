-- Refusals name no row the caller may not read: an NCR naming another
-- plant's lot or serial is refused with the id the caller sent, never its
-- number; a complaint linked to another plant's shipment is refused as not
-- found, so the customer-mismatch refusal never names it.
BEGIN;
SELECT plan(5);

SELECT tests.remember('t', tests.create_tenant());
SELECT tests.remember('plant_a', tests.create_site(tests.recall('t')));
SELECT tests.remember('plant_b', tests.create_site(tests.recall('t')));
SELECT tests.remember('tech_a', tests.create_member(tests.recall('t'), 'technician', tests.recall('plant_a')));
SELECT tests.remember('qa_a', tests.create_member(tests.recall('t'), 'qa', tests.recall('plant_a')));
SELECT tests.remember('customer', tests.create_partner(tests.recall('t')));
SELECT tests.remember('other_customer', tests.create_partner(tests.recall('t')));
SELECT tests.remember('part', tests.create_part(tests.recall('t'), 'pcs', tests.recall('customer')));
SELECT tests.remember('lot_b', tests.create_lot(tests.recall('t'), tests.recall('part'), tests.recall('plant_b'), 10));
SELECT tests.remember('serial_b', tests.create_serial(tests.recall('t'), tests.recall('part'), tests.recall('plant_b')));
-- A shipment of plant B to another customer.
SELECT tests.act_as_owner();
INSERT INTO app.shipments (organization_id, id, shipment_number, customer_id, site_id, carrier)
VALUES (tests.recall('t'), uuid_generate_v7(), 'SHP-B-000001', tests.recall('other_customer'), tests.recall('plant_b'), 'DHL');
SELECT tests.remember('shp_b', (SELECT id FROM app.shipments WHERE shipment_number = 'SHP-B-000001'));

SELECT tests.act_as(tests.recall('tech_a'), tests.recall('t'));
SELECT throws_ok(format($$SELECT app.create_ncr(%L, %L, 'x', 'y', serial_ids => ARRAY[%L::uuid])$$,
                        tests.recall('part'), tests.recall('plant_a'), tests.recall('serial_b')),
  'PT422', format('serial %s is not of the NCR''s part at its plant', tests.recall('serial_b')),
  'a plant-B serial in a plant-A NCR is refused naming the id sent, not the serial number the technician may not read');
SELECT throws_ok(format($$SELECT app.create_ncr(%L, %L, 'x', 'y', lot_ids => ARRAY[%L::uuid])$$,
                        tests.recall('part'), tests.recall('plant_a'), tests.recall('lot_b')),
  'PT422', format('lot %s is not of the NCR''s part at its plant', tests.recall('lot_b')),
  'nor a plant-B lot''s number');

SELECT tests.act_as(tests.recall('qa_a'), tests.recall('t'));
SELECT tests.remember('cc', (app.file_complaint(tests.recall('part'), 'Long housings', 'Too long at assembly', site_id => tests.recall('plant_a'))).id);
SELECT is(tests.refusal(format($$SELECT app.link_complaint_shipments(%L, ARRAY[%L]::uuid[])$$, tests.recall('cc'), tests.recall('shp_b'))),
  'PT404 shipment.not_found', 'a plant-A quality member links no plant-B shipment: it is not found');
SELECT throws_ok(format($$SELECT app.link_complaint_shipments(%L, ARRAY[%L]::uuid[])$$, tests.recall('cc'), tests.recall('shp_b')),
  'PT404', 'shipment not found', 'and the refusal names no shipment of plant B');
SELECT tests.act_as_owner();
SELECT is_empty($$SELECT FROM app.complaint_shipments$$, 'nothing was linked');

SELECT * FROM finish();
ROLLBACK;
