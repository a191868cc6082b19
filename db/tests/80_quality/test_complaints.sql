-- Customer complaints and the CAPA/8D links, as real members: a customer's
-- portal user files and reads their own company's complaints only (another
-- customer's portal user sees nothing); QA links material and NCRs, opens
-- the 8D (a CAPA of the platform register, linked back) and closes the
-- complaint only once the 8D is closed. An NCR opens its CAPA once. Staff
-- outside QA and portal users see no NCR or concession.
BEGIN;
SELECT plan(26);

SELECT tests.remember('t', tests.create_tenant());
SELECT tests.remember('plant', tests.create_site(tests.recall('t')));
SELECT tests.remember('plant_b', tests.create_site(tests.recall('t')));
SELECT tests.remember('customer', tests.create_partner(tests.recall('t')));
SELECT tests.remember('other_customer', tests.create_partner(tests.recall('t')));
SELECT tests.remember('qa', tests.create_member(tests.recall('t'), 'qa'));
SELECT tests.remember('tech_b', tests.create_member(tests.recall('t'), 'technician', tests.recall('plant_b')));
SELECT tests.remember('portal', tests.create_member(tests.recall('t'), 'customer_portal', NULL, tests.recall('customer')));
SELECT tests.remember('other_portal', tests.create_member(tests.recall('t'), 'customer_portal', NULL, tests.recall('other_customer')));
SELECT tests.remember('part', tests.create_part(tests.recall('t'), 'pcs', tests.recall('customer')));
SELECT tests.remember('other_part', tests.create_part(tests.recall('t'), 'pcs', tests.recall('other_customer')));
SELECT tests.remember('lot', tests.create_lot(tests.recall('t'), tests.recall('part'), tests.recall('plant'), 20));
SELECT tests.remember('lot2', tests.create_lot(tests.recall('t'), tests.recall('part'), tests.recall('plant'), 20));

-- The customer's portal user files a complaint about their part.
SELECT tests.act_as(tests.recall('portal'), tests.recall('t'));
SELECT tests.remember('cc', (app.file_complaint(tests.recall('part'), 'Parts cracked', 'Three housings cracked at assembly', 'critical',
                                                customer_reference => 'Q-778')).id);
SELECT matches((SELECT complaint_number FROM app.customer_complaints WHERE id = tests.recall('cc')), '^CC-[0-9]{4}-000001$',
  'the complaint gets CC-<year>-000001');
SELECT is((SELECT (customer_id, filed_by_customer)::text FROM app.customer_complaints WHERE id = tests.recall('cc')),
  format('(%s,t)', tests.recall('customer')), 'filed for the portal user''s own company, marked as filed by the customer');
SELECT is(tests.refusal(format($$SELECT app.file_complaint(%L, 'x', 'y')$$, tests.recall('other_part'))), 'PT404 part.not_found',
  'a portal user files about their own company''s parts only');
SELECT is(tests.refusal(format($$SELECT app.file_complaint(%L, 'x', 'y', customer_id => %L)$$, tests.recall('part'), tests.recall('other_customer'))),
  'PT403 complaint.foreign_partner', 'and for their own company only');
SELECT is_empty($$SELECT FROM app.ncrs$$, 'a portal user sees no NCR');
SELECT is_empty($$SELECT FROM app.concessions$$, 'nor concessions');

-- Another customer's portal user sees nothing of it.
SELECT tests.act_as(tests.recall('other_portal'), tests.recall('t'));
SELECT is_empty($$SELECT FROM app.customer_complaints$$, 'another customer''s portal user sees no complaint of this customer');

-- QA, with an NCR raised for it.
SELECT tests.act_as(tests.recall('qa'), tests.recall('t'));
SELECT is((SELECT count(*)::int FROM app.customer_complaints), 1, 'QA sees the complaint (it exists)');
SELECT tests.remember('staff_cc', (app.file_complaint(tests.recall('other_part'), 'Late labels', 'Labels missing', 'minor')).id);
SELECT is((SELECT customer_id FROM app.customer_complaints WHERE id = tests.recall('staff_cc')), tests.recall('other_customer'),
  'staff file for the part''s customer by default');
SELECT tests.remember('ncr', (app.create_ncr(tests.recall('part'), tests.recall('plant'), 'Cracked housings', 'From complaint Q-778',
                                             lot_ids => ARRAY[tests.recall('lot')], detection => 'customer')).id);
SELECT app.add_ncr_items(tests.recall('ncr'), ARRAY[tests.recall('lot2')]);
SELECT is((SELECT quality_status FROM app.lots WHERE id = tests.recall('lot2')), 'on_hold'::app.trace_quality_status,
  'suspect material added during containment is held too');
SELECT is((app.link_complaint(tests.recall('cc'), lot_ids => ARRAY[tests.recall('lot')], ncr_ids => ARRAY[tests.recall('ncr')])).id,
  tests.recall('cc'), 'QA links the lot and the NCR');
SELECT app.link_complaint(tests.recall('cc'), lot_ids => ARRAY[tests.recall('lot')]);
SELECT is((SELECT count(*)::int FROM app.complaint_items WHERE complaint_id = tests.recall('cc')), 1, 'linking again adds nothing');
SELECT is((SELECT ncr_id FROM app.complaint_ncrs WHERE complaint_id = tests.recall('cc')), tests.recall('ncr'), 'QA reads the NCR link');
SELECT is(tests.refusal(format($$SELECT app.link_complaint(%L, ncr_ids => ARRAY[gen_random_uuid()])$$, tests.recall('cc'))), 'PT404 ncr.not_found',
  'an unknown NCR is not linked');

-- The 8D.
SELECT is((app.open_complaint_8d(tests.recall('cc'), tests.recall('qa'))).status, 'investigating'::app.complaint_status,
  'opening the 8D moves the complaint to investigating');
SELECT tests.remember('capa', (SELECT capa_id FROM app.customer_complaints WHERE id = tests.recall('cc')));
SELECT is((SELECT (source, kind)::text FROM app.capas WHERE id = tests.recall('capa')), '(customer_complaint,corrective)',
  'the 8D is a corrective CAPA from a customer complaint');
SELECT is((SELECT entity_id FROM app.capa_links WHERE capa_id = tests.recall('capa') AND relation = 'source'), tests.recall('cc'),
  'linked back to the complaint as its source');
SELECT is(tests.refusal(format($$SELECT app.open_complaint_8d(%L)$$, tests.recall('cc'))), 'PT409 complaint.capa_exists', 'once per complaint');
SELECT is(tests.refusal(format($$SELECT app.close_complaint(%L, 'Fixed')$$, tests.recall('cc'))), 'PT409 complaint.capa_open',
  'a complaint does not close while its 8D is open');
SELECT is((app.close_complaint(tests.recall('staff_cc'), 'Not our labels', rejected => true)).status, 'rejected'::app.complaint_status,
  'a complaint is rejected without an 8D');

-- The NCR's own CAPA.
SELECT isnt((app.open_ncr_capa(tests.recall('ncr'))).capa_id, NULL, 'an NCR opens its CAPA');
SELECT is((SELECT source FROM app.capas AS c JOIN app.ncrs AS n ON n.capa_id = c.id WHERE n.id = tests.recall('ncr')),
  'nonconformance'::app.capa_source, 'of source nonconformance');
SELECT is(tests.refusal(format($$SELECT app.open_ncr_capa(%L)$$, tests.recall('ncr'))), 'PT409 ncr.capa_exists', 'once');

-- A technician of plant B sees neither the plant's NCR nor the complaints.
SELECT tests.act_as(tests.recall('tech_b'), tests.recall('t'));
SELECT is_empty($$SELECT FROM app.ncrs$$, 'a plant-B technician sees no plant-A NCR');
SELECT is(tests.refusal(format($$SELECT app.advance_ncr(%L, 'containment')$$, tests.recall('ncr'))), 'PT404 ncr.not_found',
  'nor moves it');

-- The portal user reads their complaint's progress.
SELECT tests.act_as(tests.recall('portal'), tests.recall('t'));
SELECT is((SELECT status FROM app.customer_complaints), 'investigating'::app.complaint_status, 'the customer sees their complaint under investigation');

SELECT * FROM finish();
ROLLBACK;
