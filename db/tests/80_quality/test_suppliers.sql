-- Suppliers: the approved supplier list (suppliers only, conditional needs
-- conditions, an approval needs its end date, the part's entry wins over the
-- supplier-wide one, past its dates it is expired); receipts refused from a
-- supplier not approved for the part, creating a quarantined lot with the
-- supplier's lot, on time within the tenant's tolerance; the receiving
-- decision; plant access; SCARs as CAPAs, seen and answered only by the
-- supplier's own portal users; the scorecard (PPM, on time, SCAR closure)
-- behind its filtering view. As real roles: procurement, logistics
-- (plant-scoped), qa, two suppliers' portal users, a customer's.
BEGIN;
SELECT plan(49);

SELECT tests.remember('t', tests.create_tenant());
SELECT tests.remember('plant_a', tests.create_site(tests.recall('t')));
SELECT tests.remember('plant_b', tests.create_site(tests.recall('t')));
SELECT tests.remember('part', tests.create_part(tests.recall('t'), 'kg'));
SELECT tests.remember('part2', tests.create_part(tests.recall('t')));
SELECT tests.remember('supplier', tests.create_partner(tests.recall('t'), 'supplier'));
SELECT tests.remember('supplier_b', tests.create_partner(tests.recall('t'), 'customer_and_supplier'));
SELECT tests.remember('unlisted', tests.create_partner(tests.recall('t'), 'supplier'));
SELECT tests.remember('customer', tests.create_partner(tests.recall('t'), 'customer'));
SELECT tests.remember('buyer', tests.create_member(tests.recall('t'), 'procurement'));
SELECT tests.remember('qa', tests.create_member(tests.recall('t'), 'qa'));
SELECT tests.remember('dock_a', tests.create_member(tests.recall('t'), 'logistics', tests.recall('plant_a')));
SELECT tests.remember('portal_a', tests.create_member(tests.recall('t'), 'customer_portal', NULL, tests.recall('supplier')));
SELECT tests.remember('portal_b', tests.create_member(tests.recall('t'), 'customer_portal', NULL, tests.recall('supplier_b')));
SELECT tests.remember('portal_c', tests.create_member(tests.recall('t'), 'customer_portal', NULL, tests.recall('customer')));
SELECT tests.remember('other_t', tests.create_tenant());
SELECT tests.remember('outsider', tests.create_member(tests.recall('other_t'), 'qa'));

-- The approved supplier list, kept by procurement.
SELECT tests.act_as(tests.recall('buyer'), tests.recall('t'));
SELECT is(tests.refusal(format($$INSERT INTO app.approved_suppliers (supplier_id, status, valid_until) VALUES (%L, 'approved', current_date + 30)$$,
                               tests.recall('customer'))), 'PT422 approved_supplier.not_a_supplier', 'only a supplier goes on the list');
SELECT is(tests.refusal(format($$INSERT INTO app.approved_suppliers (supplier_id, status) VALUES (%L, 'approved')$$, tests.recall('supplier'))),
  '23514', 'an approval needs its end date (valid_until)');
SELECT is(tests.refusal(format($$INSERT INTO app.approved_suppliers (supplier_id, status, valid_until) VALUES (%L, 'conditional', current_date + 9)$$,
                               tests.recall('supplier_b'))), '23514', 'a conditional approval states its conditions');
SELECT is(tests.refusal(format($$INSERT INTO app.approved_suppliers (supplier_id, status, basis, valid_until) VALUES (%L, 'approved', 'certificate', current_date + 9)$$,
                               tests.recall('supplier'))), '23514', 'a certificate basis names the certificate and its expiry');
INSERT INTO app.approved_suppliers (supplier_id, status, basis, certificate, certificate_expires_on, valid_until)
VALUES (tests.recall('supplier'), 'approved', 'certificate', 'ISO 9001', current_date + 400, current_date + 365);
INSERT INTO app.approved_suppliers (supplier_id, part_id, status, valid_until)
VALUES (tests.recall('supplier'), tests.recall('part2'), 'suspended', current_date + 365);
INSERT INTO app.approved_suppliers (supplier_id, status, conditions, valid_until)
VALUES (tests.recall('supplier_b'), 'conditional', '100 % receiving inspection', current_date + 30);
SELECT is((SELECT approved_by FROM app.approved_suppliers WHERE supplier_id = tests.recall('supplier') AND part_id IS NULL), tests.recall('buyer'),
  'an approval records who approved');
SELECT is(tests.refusal(format($$UPDATE app.approved_suppliers SET supplier_id = %L WHERE supplier_id = %L$$, tests.recall('unlisted'), tests.recall('supplier_b'))),
  'PT409 row.fixed_column', 'an entry keeps its supplier and scope');
SELECT tests.act_as_owner();
SELECT is(app_private.notify_expiring_supplier_approvals(30), 1, 'the daily job announces the approval that expires in 30 days');
SELECT is((SELECT payload ->> 'supplier_id' FROM app_private.events WHERE event_type = 'approved_supplier.expiring' AND organization_id = tests.recall('t')),
  tests.recall('supplier_b')::text, 'as approved_supplier.expiring for that supplier');

SELECT tests.act_as(tests.recall('qa'), tests.recall('t'));
SELECT is(tests.refusal(format($$INSERT INTO app.approved_suppliers (supplier_id) VALUES (%L)$$, tests.recall('unlisted'))),
  'PT403 permission.missing', 'QA reads the list but does not keep it');
SELECT is((SELECT count(*)::int FROM app.approved_suppliers), 3, 'QA reads the list');
DELETE FROM app.approved_suppliers WHERE supplier_id = tests.recall('supplier_b');
SELECT is((SELECT count(*)::int FROM app.approved_suppliers WHERE supplier_id = tests.recall('supplier_b')), 1, 'QA deletes no entry');
SELECT tests.act_as(tests.recall('buyer'), tests.recall('t'));
INSERT INTO app.approved_suppliers (supplier_id) VALUES (tests.recall('unlisted'));
DELETE FROM app.approved_suppliers WHERE supplier_id = tests.recall('unlisted');
SELECT is_empty(format($$SELECT FROM app.approved_suppliers WHERE supplier_id = %L$$, tests.recall('unlisted')),
  'procurement deletes an entry (pending, added by mistake)');
SELECT tests.act_as(tests.recall('qa'), tests.recall('t'));
SELECT tests.act_as_owner();
UPDATE app.approved_suppliers SET valid_until = current_date - 1 WHERE part_id = tests.recall('part2');
UPDATE app.approved_suppliers SET status = 'approved' WHERE part_id = tests.recall('part2');
SELECT tests.act_as(tests.recall('qa'), tests.recall('t'));
SELECT is((SELECT string_agg(app.approved_suppliers_effective_status(a), ',' ORDER BY a.part_id NULLS FIRST, a.status)
             FROM app.approved_suppliers AS a), 'approved,conditional,expired', 'an approval past valid_until reads as expired');
SELECT tests.act_as_owner();
UPDATE app.approved_suppliers SET status = 'suspended', valid_until = current_date + 365 WHERE part_id = tests.recall('part2');

-- Receipts at the dock of plant A.
SELECT tests.act_as(tests.recall('dock_a'), tests.recall('t'));
SELECT is(tests.refusal(format($$SELECT app.record_receipt(%L, %L, %L, 10, 'S-1', current_date)$$,
                               tests.recall('unlisted'), tests.recall('part'), tests.recall('plant_a'))),
  'PT409 supplier.not_approved', 'a supplier not on the list is refused');
SELECT is(tests.refusal(format($$SELECT app.record_receipt(%L, %L, %L, 10, 'S-1', current_date)$$,
                               tests.recall('supplier'), tests.recall('part2'), tests.recall('plant_a'))),
  'PT409 supplier.not_approved', 'the part''s own entry (suspended) wins over the supplier-wide approval');
SELECT is(tests.refusal(format($$SELECT app.record_receipt(%L, %L, %L, 10, 'S-1', current_date, received_at => now() + interval '400 days')$$,
                               tests.recall('supplier'), tests.recall('part'), tests.recall('plant_a'))),
  'PT409 supplier.not_approved', 'an approval past its valid_until counts as expired');
SELECT is(tests.refusal(format($$SELECT app.record_receipt(%L, %L, %L, 10, 'S-1', current_date)$$,
                               tests.recall('supplier'), tests.recall('part'), tests.recall('plant_b'))),
  'PT403 permission.missing', 'the plant-A dock does not receive at plant B');
SELECT is(tests.refusal(format($$SELECT app.record_receipt(%L, %L, %L, 0, 'S-1', current_date)$$,
                               tests.recall('supplier'), tests.recall('part'), tests.recall('plant_a'))),
  'PT422 receipt.quantity_invalid', 'a quantity received is positive');
SELECT is(tests.refusal(format($$SELECT app.record_receipt(%L, %L, %L, 5, ' ', current_date)$$,
                               tests.recall('supplier'), tests.recall('part'), tests.recall('plant_a'))),
  'PT422 receipt.invalid', 'the supplier''s lot is recorded at receipt');
SELECT tests.remember('r1', (SELECT id FROM app.record_receipt(tests.recall('supplier'), tests.recall('part'), tests.recall('plant_a'), 1000, 'SUP-77',
                                                               current_date, 'g')));
SELECT results_eq(
  format($$SELECT r.quantity, r.unit, r.on_time, r.conditional_approval, r.status::text, l.quality_status::text, l.supplier_lot, l.supplier_id,
                  l.lot_number LIKE 'LOT-%%'
             FROM app.receipts AS r JOIN app.lots AS l ON l.id = r.lot_id WHERE r.id = %L$$, tests.recall('r1')),
  format($$VALUES (1::numeric, 'kg', true, false, 'awaiting_decision', 'quarantined', 'SUP-77', %L::uuid, true)$$, tests.recall('supplier')),
  'a receipt creates the lot from the pattern, quarantined, with the supplier''s lot, in the part''s unit');
SELECT tests.remember('r2', (SELECT id FROM app.record_receipt(tests.recall('supplier'), tests.recall('part'), tests.recall('plant_a'), 400, 'SUP-78',
                                                               current_date - 2)));
SELECT is((SELECT on_time FROM app.receipts WHERE id = tests.recall('r2')), false, 'two days after the due date is late (no tolerance)');
SELECT tests.remember('r3', (SELECT id FROM app.record_receipt(tests.recall('supplier_b'), tests.recall('part'), tests.recall('plant_a'), 50, 'B-1',
                                                               current_date)));
SELECT is((SELECT conditional_approval FROM app.receipts WHERE id = tests.recall('r3')), true, 'a conditionally approved supplier delivers, flagged');
SELECT is(tests.refusal(format($$SELECT app.decide_receipt(%L, 1)$$, tests.recall('r1'))), 'PT403 permission.missing',
  'the dock records receipts but does not decide on them');

SELECT tests.act_as_owner();
INSERT INTO app.tenant_settings (organization_id, setting_key, value) VALUES (tests.recall('t'), 'supplier_on_time_tolerance_days', '3');
SELECT tests.act_as(tests.recall('qa'), tests.recall('t'));
SELECT is(tests.refusal(format($$SELECT app.record_receipt(%L, %L, %L, 1, 'x', current_date)$$, tests.recall('supplier'), tests.recall('part'), tests.recall('plant_b'))),
  'PT403 permission.missing', 'QA decides on receipts but does not record them');
SELECT tests.act_as_owner();
SELECT tests.grant_role(tests.recall('t'), tests.recall('qa'), 'logistics');
SELECT tests.act_as(tests.recall('qa'), tests.recall('t'));
SELECT tests.remember('r4', (SELECT id FROM app.record_receipt(tests.recall('supplier'), tests.recall('part'), tests.recall('plant_b'), 100, 'SUP-79',
                                                               current_date - 2)));
SELECT is((SELECT on_time FROM app.receipts WHERE id = tests.recall('r4')), true, 'within the tenant''s tolerance (3 days) it is on time');

-- The receiving decision.
SELECT is(tests.refusal(format($$SELECT app.decide_receipt(%L, 0.5, 0.4, 'dented')$$, tests.recall('r1'))), 'PT422 receipt.quantity_mismatch',
  'accepted and rejected add up to what came');
SELECT is(tests.refusal(format($$SELECT app.decide_receipt(%L, 0.9, 0.1)$$, tests.recall('r1'))), 'PT422 receipt.reason_required',
  'a rejection needs a reason');
SELECT tests.remember('d1', (SELECT id FROM app.decide_receipt(tests.recall('r1'), 0.9, 0.1, 'wrong temper')));
SELECT results_eq(
  format($$SELECT d.status::text, d.accepted_quantity, d.rejected_quantity, l.quantity, l.remaining_quantity, l.quality_status::text
             FROM app.receipts AS d JOIN app.lots AS l ON l.id = d.lot_id WHERE d.id = %L$$, tests.recall('r1')),
  $$VALUES ('partially_accepted', 0.9, 0.1, 0.9, 0.9, 'released')$$,
  'a partial acceptance keeps the accepted quantity in the lot and releases it');
SELECT is((SELECT to_status::text || ' ' || (reason LIKE 'receiving decision on RCV-%') FROM app.trace_status_changes
            WHERE lot_id = (SELECT lot_id FROM app.receipts WHERE id = tests.recall('r1'))), 'released true',
  'the release is in the lot''s status trail');
SELECT is(tests.refusal(format($$SELECT app.decide_receipt(%L, 1)$$, tests.recall('r1'))), 'PT409 receipt.already_decided', 'a decision is made once');
SELECT is((SELECT l.quality_status::text || ' ' || d.status FROM app.decide_receipt(tests.recall('r2'), 0, 400, 'corroded') AS d
             JOIN app.lots AS l ON l.id = d.lot_id), 'quarantined rejected', 'a rejected receipt leaves its lot quarantined');
SELECT lives_ok(format($$SELECT app.decide_receipt(%L, 50)$$, tests.recall('r3')), 'a receipt is accepted whole');

-- Plant access: the plant-A dock sees plant A's receipts only; other tenants and portal users none.
SELECT tests.act_as(tests.recall('dock_a'), tests.recall('t'));
SELECT is((SELECT count(*)::int FROM app.receipts WHERE site_id = tests.recall('plant_a')) || ' ' || (SELECT count(*) FROM app.receipts),
  '3 3', 'a plant-scoped reader sees its plant''s receipts, not plant B''s');
SELECT tests.act_as(tests.recall('outsider'), tests.recall('other_t'));
SELECT is_empty($$SELECT FROM app.receipts UNION ALL SELECT FROM app.approved_suppliers$$, 'another tenant sees no receipts or list');

-- SCARs.
SELECT tests.act_as(tests.recall('buyer'), tests.recall('t'));
SELECT is(tests.refusal(format($$SELECT app.issue_scar(%L, 'x', 'y', current_date + 14)$$, tests.recall('supplier'))), 'PT403 permission.missing',
  'procurement does not issue SCARs');
SELECT tests.act_as(tests.recall('qa'), tests.recall('t'));
SELECT tests.remember('scar', (SELECT id FROM app.issue_scar(tests.recall('supplier'), 'Wrong temper on SUP-77', 'Hardness 20 HRC under the drawing''s minimum',
                                                            current_date + 14, receipt_id => tests.recall('r1'))));
SELECT results_eq(
  format($$SELECT c.source::text, c.status::text, c.due_date, l.entity_type, l.relation, s.scar_number = c.capa_number
             FROM app.scars AS s JOIN app.capas AS c ON c.id = s.capa_id JOIN app.capa_links AS l ON l.capa_id = c.id WHERE s.id = %L$$, tests.recall('scar')),
  $$VALUES ('supplier_issue', 'open', current_date + 14, 'scar', 'source', true)$$,
  'a SCAR is an 8D CAPA from a supplier issue, due on the response date, the SCAR its source');
SELECT tests.remember('scar_b', (SELECT id FROM app.issue_scar(tests.recall('supplier_b'), 'Late paperwork', 'No certificate with the delivery',
                                                              current_date + 7)));

SELECT tests.act_as(tests.recall('portal_b'), tests.recall('t'));
SELECT results_eq($$SELECT id FROM app.scars$$, format($$VALUES (%L::uuid)$$, tests.recall('scar_b')), 'a supplier''s portal user sees only their own SCARs');
SELECT is(tests.refusal(format($$SELECT app.respond_to_scar(%L, 'a', 'b')$$, tests.recall('scar'))), 'PT404 scar.not_found',
  'and cannot answer another supplier''s');
SELECT tests.act_as(tests.recall('portal_c'), tests.recall('t'));
SELECT is_empty($$SELECT FROM app.scars UNION ALL SELECT FROM app.receipts UNION ALL SELECT FROM app.approved_suppliers$$,
  'a customer''s portal user sees no SCAR, receipt or list entry');
SELECT tests.act_as(tests.recall('portal_a'), tests.recall('t'));
SELECT is(tests.refusal(format($$SELECT app.respond_to_scar(%L, ' ', 'b')$$, tests.recall('scar'))), 'PT422 scar.response_incomplete',
  'an answer has the root cause and the corrective action');
SELECT is((SELECT status::text FROM app.respond_to_scar(tests.recall('scar'), 'Heat treat oven zone 3 out of range', 'Zone 3 thermocouple replaced, daily check',
                                                        'Stock sorted')), 'responded', 'the supplier answers its SCAR');
SELECT is(tests.refusal(format($$SELECT app.review_scar_response(%L, true)$$, tests.recall('scar'))), 'PT403 permission.missing',
  'a supplier does not accept its own answer');
SELECT tests.act_as(tests.recall('qa'), tests.recall('t'));
SELECT is(tests.refusal(format($$SELECT app.review_scar_response(%L, false)$$, tests.recall('scar'))), 'PT422 scar.review_note_required',
  'returning an answer says why');
SELECT is((SELECT status::text FROM app.review_scar_response(tests.recall('scar'), false, 'Show the oven survey')), 'awaiting_response',
  'a returned answer is awaited again');

-- NCRs found after receipt count in the supplier's PPM: one raised in
-- production on the supplier's lot (500 g of r1's lot); not one found at
-- receiving (that is the receipt's rejection), nor one naming another
-- supplier's lot, nor a cancelled one.
SELECT tests.act_as(tests.recall('qa'), tests.recall('t'));
SELECT tests.remember('ncr_after', (SELECT id FROM app.create_ncr(tests.recall('part'), tests.recall('plant_a'), 'Cracks after bending', 'Found at press 3',
  0.5, ARRAY[(SELECT lot_id FROM app.receipts WHERE id = tests.recall('r1'))], supplier_id => tests.recall('supplier'), detection => 'in_process')));
SELECT tests.act_as_owner();
UPDATE app.ncrs SET unit = 'g', nonconforming_quantity = 500 WHERE id = tests.recall('ncr_after');  -- counted in the receipt's kg
SELECT tests.act_as(tests.recall('qa'), tests.recall('t'));
SELECT app.create_ncr(tests.recall('part'), tests.recall('plant_a'), 'Found at receiving', 'x', 0.2,
  ARRAY[(SELECT lot_id FROM app.receipts WHERE id = tests.recall('r1'))], supplier_id => tests.recall('supplier'), detection => 'receiving');
SELECT app.create_ncr(tests.recall('part'), tests.recall('plant_a'), 'Not this supplier''s lot', 'x', 7,
  ARRAY[(SELECT lot_id FROM app.receipts WHERE id = tests.recall('r3'))], supplier_id => tests.recall('supplier'), detection => 'customer');
SELECT tests.remember('ncr_cancelled', (SELECT id FROM app.create_ncr(tests.recall('part'), tests.recall('plant_a'), 'Raised by mistake', 'x', 9,
  ARRAY[(SELECT lot_id FROM app.receipts WHERE id = tests.recall('r1'))], supplier_id => tests.recall('supplier'), detection => 'final_inspection')));
SELECT app.advance_ncr(tests.recall('ncr_cancelled'), 'cancelled', 'duplicate');

-- The scorecard: month of the supplier with PPM and on-time; a closed SCAR.
SELECT tests.act_as_owner();
UPDATE app.capas SET status = 'closed', closed_at = now() + interval '3 days' WHERE id = (SELECT capa_id FROM app.scars WHERE id = tests.recall('scar'));
SELECT app_private.refresh_kpis()::text AS refreshed;
SELECT tests.act_as(tests.recall('qa'), tests.recall('t'));
SELECT results_eq(
  format($$SELECT receipts, receipts_on_time, quantity_received, quantity_decided, quantity_rejected, ncrs_after_receipt,
                  quantity_nonconforming_after_receipt, ppm, scars_issued, scars_closed, scar_closure_percent, avg_days_to_close
             FROM app.quality_kpi_supplier_scorecard WHERE supplier_id = %L AND period = 'month'$$, tests.recall('supplier')),
  $$VALUES (3, 2, 501::numeric, 401::numeric, 400.1::numeric, 1, 0.5::numeric, 799601, 1, 1, 100.0, 3.0)$$,
  'the month: 3 receipts, 2 on time; 501 kg received, 400.1 rejected at receipt and 0.5 found nonconforming in production (799,601 PPM); 1 SCAR closed in 3 days');
SELECT is((SELECT ncrs_after_receipt || ' ' || quantity_nonconforming_after_receipt || ' ' || ppm FROM app.quality_kpi_supplier_scorecard
            WHERE supplier_id = tests.recall('supplier') AND period = 'quarter'), '1 0.5 799601', 'the quarter counts the same NCR');
SELECT tests.act_as(tests.recall('portal_b'), tests.recall('t'));
SELECT is((SELECT array_agg(DISTINCT supplier_id) FROM app.quality_kpi_supplier_scorecard), ARRAY[tests.recall('supplier_b')],
  'a supplier''s portal user sees only its own scorecard');
SELECT tests.act_as(tests.recall('outsider'), tests.recall('other_t'));
SELECT is_empty($$SELECT FROM app.quality_kpi_supplier_scorecard$$, 'another tenant sees none of it');
SELECT tests.act_as(tests.create_operator());
SELECT is((SELECT count(*)::int FROM app.approved_suppliers WHERE organization_id = tests.recall('t')) || ' '
          || (SELECT count(*) FROM app.receipts WHERE organization_id = tests.recall('t')) || ' '
          || (SELECT count(*) FROM app.scars WHERE organization_id = tests.recall('t')), '3 4 2',
  'a platform operator reads the list, receipts and SCARs of every tenant');

SELECT * FROM finish();
ROLLBACK;
