-- The links between the manufacturing slices, as real members: a failed
-- inspection raises its NCR in one call (part, revision, lot, inspection,
-- characteristic) and lists it; a complaint links only the complaining
-- customer's shipments; a receipt is decided on its receiving inspection
-- (required where the control plan has characteristics; a failed one
-- raises the NCR against the supplier); an SPC recalculation naming an ECO
-- needs it implemented; the certificate of conformance lists released
-- inspections and concessions, refused under an open NCR or after a failed
-- final inspection without a concession. Other plants, other tenants and
-- lesser roles are refused.
BEGIN;
SELECT plan(36);

SELECT tests.remember('t', tests.create_tenant());
SELECT tests.remember('other', tests.create_tenant());
SELECT tests.remember('plant', tests.create_site(tests.recall('t')));
SELECT tests.remember('plant_b', tests.create_site(tests.recall('t')));
SELECT tests.remember('customer', tests.create_partner(tests.recall('t'), 'customer'));
SELECT tests.remember('customer2', tests.create_partner(tests.recall('t'), 'customer'));
SELECT tests.remember('supplier', tests.create_partner(tests.recall('t'), 'supplier'));
SELECT tests.remember('qa', tests.create_member(tests.recall('t'), 'qa'));
SELECT tests.remember('eng', tests.create_member(tests.recall('t'), 'engineering'));
SELECT tests.remember('tech', tests.create_member(tests.recall('t'), 'technician', tests.recall('plant')));
SELECT tests.remember('tech_b', tests.create_member(tests.recall('t'), 'technician', tests.recall('plant_b')));
SELECT tests.remember('log', tests.create_member(tests.recall('t'), 'logistics', tests.recall('plant')));
SELECT tests.remember('buyer', tests.create_member(tests.recall('t'), 'procurement'));
SELECT tests.remember('stranger', tests.create_member(tests.recall('other'), 'qa'));
-- The ECO routing's engineering and production steps (qa -> engineering -> production).
SELECT tests.remember('eng2', tests.create_member(tests.recall('t'), 'engineering'));
SELECT tests.remember('prod', tests.create_member(tests.recall('t'), 'production'));
SELECT tests.remember('part', tests.create_part(tests.recall('t'), 'pcs', tests.recall('customer')));
SELECT tests.remember('bought', tests.create_part(tests.recall('t')));
SELECT tests.remember('lot', tests.create_lot(tests.recall('t'), tests.recall('part'), tests.recall('plant'), 10));
SELECT tests.remember('rev', (SELECT id FROM app.part_revisions WHERE part_id = tests.recall('part')::uuid));
SELECT tests.remember('lot2', tests.create_lot(tests.recall('t'), tests.recall('part'), tests.recall('plant'), 10));

-- Approved control plans (one characteristic each) for the made part and the bought part.
SELECT tests.act_as(tests.recall('qa'), tests.recall('t'));
SELECT tests.remember('plan', (app.create_control_plan((SELECT id FROM app.part_revisions WHERE part_id = tests.recall('part')),
                                                       tests.recall('plant'), 'Housing')).id);
SELECT tests.remember('c', (app.add_characteristic((app.add_control_plan_step(tests.recall('plan'), 10, 'Final')).id, 'Length', 'variable', 'imr',
                                                   'Stop and sort', usl => 50)).id);
SELECT app.approve_control_plan(tests.recall('plan'));
SELECT tests.remember('bplan', (app.create_control_plan((SELECT id FROM app.part_revisions WHERE part_id = tests.recall('bought')),
                                                        tests.recall('plant'), 'Bought-in')).id);
SELECT tests.remember('bc', (app.add_characteristic((app.add_control_plan_step(tests.recall('bplan'), 10, 'Receiving')).id, 'Width', 'variable', 'imr',
                                                    'Reject the delivery', usl => 5)).id);
SELECT app.approve_control_plan(tests.recall('bplan'));

-- A shipment of both lots to the customer, before anything is found.
SELECT tests.act_as(tests.recall('log'), tests.recall('t'));
SELECT tests.remember('shp', (app.create_shipment(tests.recall('customer'), tests.recall('plant'))).id);
SELECT tests.remember('item', (app.add_shipment_item(tests.recall('shp'), lot_id => tests.recall('lot'), quantity => 10)).id);
SELECT app.add_shipment_item(tests.recall('shp'), lot_id => tests.recall('lot2'), quantity => 10);
SELECT tests.remember('shp2', (app.create_shipment(tests.recall('customer2'), tests.recall('plant'))).id);

-- 1. NCR <-> inspection. A passed final inspection (released by QA), then a failed one.
SELECT tests.act_as(tests.recall('tech'), tests.recall('t'));
SELECT tests.remember('i1', (app.open_inspection(tests.recall('plan'), 'final', lot_id => tests.recall('lot'))).id);
SELECT app.record_measurement(tests.recall('i1'), tests.recall('c'), 49);
SELECT app.complete_inspection(tests.recall('i1'));
SELECT is(tests.refusal(format($$SELECT app.raise_inspection_ncr(%L)$$, tests.recall('i1'))), 'PT409 inspection.not_failed',
  'a passed inspection raises no NCR');
SELECT tests.remember('i2', (app.open_inspection(tests.recall('plan'), 'final', lot_id => tests.recall('lot'))).id);
SELECT app.record_measurement(tests.recall('i2'), tests.recall('c'), 55);
SELECT app.complete_inspection(tests.recall('i2'));
SELECT tests.act_as(tests.recall('eng'), tests.recall('t'));
SELECT is(tests.refusal(format($$SELECT app.raise_inspection_ncr(%L)$$, tests.recall('i2'))), 'PT403 permission.missing',
  'engineering reads inspections but reports no NCR');
SELECT tests.act_as(tests.recall('tech_b'), tests.recall('t'));
SELECT is(tests.refusal(format($$SELECT app.raise_inspection_ncr(%L)$$, tests.recall('i2'))), 'PT404 inspection.not_found',
  'a technician of another plant does not see the inspection');
SELECT tests.act_as(tests.recall('stranger'), tests.recall('other'));
SELECT is(tests.refusal(format($$SELECT app.raise_inspection_ncr(%L)$$, tests.recall('i2'))), 'PT404 inspection.not_found',
  'nor does another tenant');
SELECT tests.act_as(tests.recall('tech'), tests.recall('t'));
SELECT is(tests.refusal(format($$SELECT app.raise_inspection_ncr(%L, characteristic_id => %L)$$, tests.recall('i2'), tests.recall('bc'))),
  'PT404 characteristic.not_found', 'the characteristic named is one of the inspection''s');
SELECT tests.remember('ncr', (app.raise_inspection_ncr(tests.recall('i2'))).id);
SELECT is((SELECT (part_id, part_revision_id, site_id, detection, inspection_id, characteristic_id, customer_id, nonconforming_quantity)::text
             FROM app.ncrs WHERE id = tests.recall('ncr')::uuid),
  format('(%s,%s,%s,final_inspection,%s,%s,%s,10)', tests.recall('part'), tests.recall('rev'),
         tests.recall('plant'), tests.recall('i2'), tests.recall('c'), tests.recall('customer')),
  'one call carries part, revision, plant, detection, inspection, failed characteristic, customer and the lot''s quantity');
SELECT ok((SELECT title ~ 'Failed final inspection' AND description ~ 'Length' FROM app.ncrs WHERE id = tests.recall('ncr')::uuid),
  'title and description say what failed');
SELECT is((SELECT lot_id FROM app.ncr_items WHERE ncr_id = tests.recall('ncr')::uuid), tests.recall('lot')::uuid, 'the inspected lot is the NCR''s');
SELECT is((SELECT quality_status FROM app.lots WHERE id = tests.recall('lot')::uuid), 'on_hold'::app.trace_quality_status, 'and it is held');
SELECT tests.act_as(tests.recall('qa'), tests.recall('t'));
SELECT is((SELECT array_agg(n.id) FROM app.inspections AS i JOIN app.ncrs AS n ON n.inspection_id = i.id WHERE i.id = tests.recall('i2')::uuid),
  ARRAY[tests.recall('ncr')::uuid], 'the inspection lists its NCR');
SELECT tests.act_as(tests.recall('tech_b'), tests.recall('t'));
SELECT is_empty(format($$SELECT FROM app.ncrs WHERE inspection_id = %L$$, tests.recall('i2')), 'another plant''s technician sees no NCR of it');

-- 5. Certificate of conformance: refused under the open NCR.
SELECT tests.act_as(tests.recall('qa'), tests.recall('t'));
SELECT app.decide_inspection(tests.recall('i1'), true);
SELECT tests.act_as(tests.recall('log'), tests.recall('t'));
SELECT is(tests.refusal(format($$SELECT app.issue_shipment_certificate(%L)$$, tests.recall('shp'))), 'PT409 certificate.open_ncr',
  'no certificate while a shipped lot is under an open NCR');
-- QA closes the NCR: used as is under the customer's concession.
SELECT tests.act_as(tests.recall('qa'), tests.recall('t'));
SELECT tests.remember('con', (app.request_concession(tests.recall('customer'), tests.recall('part'), 'Length up to 56 accepted', 100,
                                                     now() - interval '1 hour', now() + interval '30 days')).id);
SELECT app.decide_concession(tests.recall('con'), true, 'CUST-DEV-7');
SELECT app.advance_ncr(tests.recall('ncr'), 'containment');
SELECT app.advance_ncr(tests.recall('ncr'), 'disposition', 'Lot segregated');
SELECT app.add_ncr_disposition(tests.recall('ncr'), 'use_as_is', 10, lot_id => tests.recall('lot'), concession_id => tests.recall('con'));
SELECT app.advance_ncr(tests.recall('ncr'), 'verification');
SELECT app.record_ncr_verification(tests.recall('ncr'), 'accepted', 'Delivered under CUST-DEV-7');
SELECT app.advance_ncr(tests.recall('ncr'), 'closed');
-- The second lot's final inspection fails too, and no concession covers it.
SELECT tests.act_as(tests.recall('tech'), tests.recall('t'));
SELECT tests.remember('i3', (app.open_inspection(tests.recall('plan'), 'final', lot_id => tests.recall('lot2'))).id);
SELECT app.record_measurement(tests.recall('i3'), tests.recall('c'), 57);
SELECT app.complete_inspection(tests.recall('i3'));
SELECT tests.act_as(tests.recall('log'), tests.recall('t'));
SELECT is(tests.refusal(format($$SELECT app.issue_shipment_certificate(%L)$$, tests.recall('shp'))), 'PT409 certificate.failed_inspection',
  'no certificate for a lot whose final inspection failed without a concession');
-- A passing re-inspection of the second lot.
SELECT tests.act_as(tests.recall('tech'), tests.recall('t'));
SELECT tests.remember('i4', (app.open_inspection(tests.recall('plan'), 'final', lot_id => tests.recall('lot2'))).id);
SELECT app.record_measurement(tests.recall('i4'), tests.recall('c'), 48);
SELECT app.complete_inspection(tests.recall('i4'));
SELECT tests.act_as(tests.recall('log'), tests.recall('t'));
SELECT is(tests.refusal(format($$SELECT app.issue_shipment_certificate(%L)$$, tests.recall('shp'))), 'PT409 certificate.not_inspected',
  'a passing inspection that quality has not released does not yet show the second lot conforming');
-- A second passing re-inspection that quality releases.
SELECT tests.act_as(tests.recall('tech'), tests.recall('t'));
SELECT tests.remember('i5', (app.open_inspection(tests.recall('plan'), 'final', lot_id => tests.recall('lot2'))).id);
SELECT app.record_measurement(tests.recall('i5'), tests.recall('c'), 48);
SELECT app.complete_inspection(tests.recall('i5'));
SELECT tests.act_as(tests.recall('qa'), tests.recall('t'));
SELECT app.decide_inspection(tests.recall('i5'), true);
SELECT tests.act_as(tests.recall('log'), tests.recall('t'));
SELECT tests.remember('coc', (app.issue_shipment_certificate(tests.recall('shp'))).id);
SELECT is((SELECT l -> 'inspections' -> 0 ->> 'inspection_id' FROM app.shipment_certificates AS s, jsonb_array_elements(s.content -> 'lines') AS l
            WHERE s.id = tests.recall('coc')::uuid AND l ->> 'item_id' = tests.recall('lot')::text),
  tests.recall('i1')::text, 'the first lot''s line lists its released final inspection');
SELECT is((SELECT l -> 'concessions' -> 0 ->> 'customer_reference' FROM app.shipment_certificates AS s, jsonb_array_elements(s.content -> 'lines') AS l
            WHERE s.id = tests.recall('coc')::uuid AND l ->> 'item_id' = tests.recall('lot')::text),
  'CUST-DEV-7', 'and the concession it was used as is under');
SELECT ok((SELECT bool_and(NOT l ? 'open_ncrs' AND NOT l ? 'final_inspection_failed')
             FROM app.shipment_certificates AS s, jsonb_array_elements(s.content -> 'lines') AS l WHERE s.id = tests.recall('coc')::uuid),
  'the refusal columns are not printed');
-- QA rejects the passing re-inspection at sign-off: that raises an NCR too.
SELECT tests.act_as(tests.recall('qa'), tests.recall('t'));
SELECT app.decide_inspection(tests.recall('i4'), false, 'Burrs on the flange');
SELECT is((SELECT (characteristic_id IS NULL, description) FROM app.raise_inspection_ncr(tests.recall('i4'))),
  (true, 'Found in the final inspection: rejected at sign-off: Burrs on the flange'::text), 'an inspection QA rejected raises its NCR, saying why');

-- 2. Complaint <-> shipment.
SELECT tests.act_as(tests.recall('qa'), tests.recall('t'));
SELECT tests.remember('cc', (app.file_complaint(tests.recall('part'), 'Long housings', 'Housings too long at assembly')).id);
SELECT is(tests.refusal(format($$SELECT app.link_complaint_shipments(%L, ARRAY[%L]::uuid[])$$, tests.recall('cc'), tests.recall('shp2'))),
  'PT409 complaint.shipment_customer_mismatch', 'a shipment to another customer is refused');
SELECT is(tests.refusal(format($$SELECT app.link_complaint_shipments(%L, ARRAY[gen_random_uuid()])$$, tests.recall('cc'))),
  'PT404 shipment.not_found', 'an unknown shipment');
SELECT is(tests.refusal(format($$SELECT app.link_complaint_shipments(%L, shipment_item_ids => ARRAY[gen_random_uuid()])$$, tests.recall('cc'))),
  'PT404 shipment_item.not_found', 'an unknown shipment item');
SELECT app.link_complaint_shipments(tests.recall('cc'), ARRAY[tests.recall('shp')::uuid], ARRAY[tests.recall('item')::uuid]);
SELECT app.link_complaint_shipments(tests.recall('cc'), ARRAY[tests.recall('shp')::uuid], ARRAY[tests.recall('item')::uuid]);
SELECT results_eq(format($$SELECT shipment_id, shipment_item_id FROM app.complaint_shipments WHERE complaint_id = %L ORDER BY shipment_item_id NULLS FIRST$$,
                         tests.recall('cc')),
  format($$VALUES (%L::uuid, NULL::uuid), (%L::uuid, %L::uuid)$$, tests.recall('shp'), tests.recall('shp'), tests.recall('item')),
  'the shipment and the item are linked once');
SELECT tests.act_as(tests.recall('tech_b'), tests.recall('t'));
SELECT is(tests.refusal(format($$SELECT app.link_complaint_shipments(%L, ARRAY[%L]::uuid[])$$, tests.recall('cc'), tests.recall('shp'))),
  'PT404 complaint.not_found', 'a technician links nothing to complaints');
SELECT is_empty($$SELECT FROM app.complaint_shipments$$, 'nor reads the links');
SELECT tests.act_as(tests.recall('stranger'), tests.recall('other'));
SELECT is(tests.refusal(format($$SELECT app.link_complaint_shipments(%L, ARRAY[%L]::uuid[])$$, tests.recall('cc'), tests.recall('shp'))),
  'PT404 complaint.not_found', 'another tenant''s QA does not see the complaint');

-- 3. Receipt <-> receiving inspection.
SELECT tests.act_as(tests.recall('buyer'), tests.recall('t'));
INSERT INTO app.approved_suppliers (supplier_id, status, valid_until) VALUES (tests.recall('supplier'), 'approved', current_date + 365);
SELECT tests.act_as(tests.recall('log'), tests.recall('t'));
SELECT tests.remember('rcv', (app.record_receipt(tests.recall('supplier'), tests.recall('bought'), tests.recall('plant'), 20, 'SUP-1', current_date)).id);
SELECT tests.remember('rcv_lot', (SELECT lot_id FROM app.receipts WHERE id = tests.recall('rcv')::uuid));
SELECT is((SELECT (quality_status, supplier_lot, quantity, supplier_id)::text FROM app.lots WHERE id = tests.recall('rcv_lot')::uuid),
  format('(quarantined,SUP-1,20,%s)', tests.recall('supplier')), 'the receipt''s lot comes from the one lot insert, quarantined');
SELECT tests.act_as(tests.recall('qa'), tests.recall('t'));
SELECT is(tests.refusal(format($$SELECT app.decide_receipt(%L, 20)$$, tests.recall('rcv'))), 'PT409 receipt.inspection_required',
  'the control plan has characteristics: no acceptance without the receiving inspection');
SELECT tests.act_as(tests.recall('tech'), tests.recall('t'));
SELECT tests.remember('ri', (app.open_inspection(tests.recall('bplan'), 'receiving', lot_id => tests.recall('rcv_lot'))).id);
SELECT app.record_measurement(tests.recall('ri'), tests.recall('bc'), 6);
SELECT app.complete_inspection(tests.recall('ri'));
SELECT tests.act_as(tests.recall('qa'), tests.recall('t'));
SELECT is(tests.refusal(format($$SELECT app.decide_receipt(%L, 20)$$, tests.recall('rcv'))), 'PT409 receipt.inspection_failed',
  'nothing is accepted on a failed receiving inspection');
SELECT tests.remember('sncr', (app.raise_inspection_ncr(tests.recall('ri'))).id);
SELECT is((SELECT (supplier_id, detection, inspection_id)::text FROM app.ncrs WHERE id = tests.recall('sncr')::uuid),
  format('(%s,receiving,%s)', tests.recall('supplier'), tests.recall('ri')), 'the failed receiving inspection raises the NCR against the supplier');
SELECT is((SELECT (status, inspection_id)::text FROM app.decide_receipt(tests.recall('rcv'), 0, 20, 'Width out of spec')),
  format('(rejected,%s)', tests.recall('ri')), 'the rejection refers to its receiving inspection');
SELECT tests.act_as(tests.recall('log'), tests.recall('t'));
SELECT tests.remember('rcv2', (app.record_receipt(tests.recall('supplier'), tests.recall('bought'), tests.recall('plant'), 5, 'SUP-2', current_date)).id);
SELECT tests.remember('rcv2_lot', (SELECT lot_id FROM app.receipts WHERE id = tests.recall('rcv2')::uuid));
SELECT tests.act_as(tests.recall('tech'), tests.recall('t'));
SELECT tests.remember('ri2', (app.open_inspection(tests.recall('bplan'), 'receiving', lot_id => tests.recall('rcv2_lot'))).id);
SELECT app.record_measurement(tests.recall('ri2'), tests.recall('bc'), 4);
SELECT app.complete_inspection(tests.recall('ri2'));
SELECT tests.act_as(tests.recall('qa'), tests.recall('t'));
SELECT is((SELECT (status, inspection_id)::text FROM app.decide_receipt(tests.recall('rcv2'), 5)),
  format('(accepted,%s)', tests.recall('ri2')), 'a passed receiving inspection lets the receipt be accepted, and is named');

-- 4. SPC baseline <-> ECO. Subgroups 1..5 of the characteristic are closed (49, 55, 57, 48 and one more).
SELECT tests.act_as(tests.recall('tech'), tests.recall('t'));
SELECT tests.remember('i5', (app.open_inspection(tests.recall('plan'), 'in_process')).id);
SELECT app.record_measurement(tests.recall('i5'), tests.recall('c'), 50.5);
SELECT tests.act_as(tests.recall('qa'), tests.recall('t'));
SELECT app.approve_spc_baseline(tests.recall('c'), 1, 5, 'Initial study');
SELECT is(tests.refusal(format($$SELECT app.approve_spc_baseline(%L, 1, 5, 'New tool', 'ECO-999999')$$, tests.recall('c'))),
  'PT404 change_order.not_found', 'an ECO number that is no change order of the tenant');
SELECT tests.act_as(tests.recall('eng'), tests.recall('t'));
INSERT INTO app.change_orders (title, reason, description, effectivity, effective_date)
VALUES ('New turning tool', 'design_improvement', 'Carbide insert', 'date', current_date);
SELECT tests.remember('eco', (SELECT id FROM app.change_orders WHERE title = 'New turning tool'));
INSERT INTO app.change_order_items (change_order_id, kind, part_id) VALUES (tests.recall('eco'), 'part', tests.recall('part'));
SELECT app.submit_change_order(tests.recall('eco'));
SELECT tests.act_as(tests.recall('qa'), tests.recall('t'));
SELECT is(tests.refusal(format($$SELECT app.approve_spc_baseline(%L, 1, 5, 'New tool', %L)$$, tests.recall('c'), (SELECT eco_number FROM app.change_orders WHERE id = tests.recall('eco')::uuid))),
  'PT409 spc_baseline.change_not_implemented', 'limits are recalculated only after the ECO is implemented');
SELECT app.approve_change_order(tests.recall('eco'));
SELECT tests.act_as(tests.recall('eng2'), tests.recall('t'));
SELECT app.approve_change_order(tests.recall('eco'));
SELECT tests.act_as(tests.recall('prod'), tests.recall('t'));
SELECT app.approve_change_order(tests.recall('eco'));
SELECT tests.act_as(tests.recall('eng'), tests.recall('t'));
SELECT app.implement_change_order(tests.recall('eco'));
SELECT tests.act_as(tests.recall('qa'), tests.recall('t'));
SELECT is((app.approve_spc_baseline(tests.recall('c'), 1, 5, 'New tool', (SELECT eco_number FROM app.change_orders WHERE id = tests.recall('eco')::uuid))).change_order_id, tests.recall('eco')::uuid,
  'the new baseline links the implemented change order');
SELECT is(tests.refusal(format($$SELECT app.approve_spc_baseline(%L, 1, 5, 'Gauge swap', 'CR-17')$$, tests.recall('c'))),
  'PT422 spc_baseline.change_not_approved', 'a recalculation names an implemented change order, not free text');
SELECT is(tests.refusal(format($$SELECT app.approve_spc_baseline(%L, 1, 5, 'Again')$$, tests.recall('c'))),
  'PT422 spc_baseline.change_required', 'a recalculation still needs its process change');

SELECT * FROM finish();
ROLLBACK;
