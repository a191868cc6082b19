-- NCRs as an MRB works them, as real members: a technician reports, QA
-- runs the steps, engineering dispositions (not the reporter). Material
-- under an open NCR is held and cannot be released around it; closing or
-- cancelling the last NCR holding it releases it (unless scrapped);
-- dispositions never exceed the nonconforming quantity and use-as-is /
-- rework / repair of a part whose customer requires it need a granted,
-- unexpired, in-scope, not exhausted concession; closing needs a verification.
BEGIN;
SELECT plan(53);

SELECT tests.remember('t', tests.create_tenant());
SELECT tests.remember('plant_a', tests.create_site(tests.recall('t')));
SELECT tests.remember('plant_b', tests.create_site(tests.recall('t')));
SELECT tests.remember('customer', tests.create_partner(tests.recall('t')));
SELECT tests.remember('other_customer', tests.create_partner(tests.recall('t')));
SELECT tests.remember('tech_a', tests.create_member(tests.recall('t'), 'technician', tests.recall('plant_a')));
SELECT tests.remember('qa', tests.create_member(tests.recall('t'), 'qa'));
SELECT tests.remember('eng', tests.create_member(tests.recall('t'), 'engineering'));
SELECT tests.remember('auditor', tests.create_member(tests.recall('t'), 'auditor'));
SELECT tests.remember('part', tests.create_part(tests.recall('t'), 'pcs', tests.recall('customer')));
UPDATE app.parts SET customer_concession_required = true WHERE id = tests.recall('part');
SELECT tests.remember('lot', tests.create_lot(tests.recall('t'), tests.recall('part'), tests.recall('plant_a'), 100));
SELECT tests.remember('lot2', tests.create_lot(tests.recall('t'), tests.recall('part'), tests.recall('plant_a'), 40));
SELECT tests.remember('lot_b', tests.create_lot(tests.recall('t'), tests.recall('part'), tests.recall('plant_b'), 10));
SELECT tests.remember('serial', tests.create_serial(tests.recall('t'), tests.recall('part'), tests.recall('plant_a')));

-- A plant-A technician reports an NCR on a lot and a serial of plant A.
SELECT tests.act_as(tests.recall('tech_a'), tests.recall('t'));
SELECT tests.remember('ncr', (app.create_ncr(tests.recall('part'), tests.recall('plant_a'), 'Burr on edge', 'Edge burr above 0.2 mm',
                                             lot_ids => ARRAY[tests.recall('lot')], serial_ids => ARRAY[tests.recall('serial')])).id);
SELECT matches((SELECT ncr_number FROM app.ncrs WHERE id = tests.recall('ncr')), '^NCR-[0-9]{4}-000001$', 'the NCR gets NCR-<year>-000001');
SELECT is((SELECT nonconforming_quantity FROM app.ncrs WHERE id = tests.recall('ncr')), 101::numeric,
  'the nonconforming quantity defaults to what remains of the lot plus one per serial');
SELECT is((SELECT customer_id FROM app.ncrs WHERE id = tests.recall('ncr')), tests.recall('customer'), 'the customer is the part''s');
SELECT is((SELECT quality_status FROM app.lots WHERE id = tests.recall('lot')), 'on_hold'::app.trace_quality_status, 'the lot is put on hold');
SELECT is((SELECT quality_status FROM app.serials WHERE id = tests.recall('serial')), 'on_hold'::app.trace_quality_status, 'so is the serial');
SELECT matches((SELECT reason FROM app.trace_status_changes WHERE lot_id = tests.recall('lot')), '^Held by NCR-[0-9]{4}-000001: Burr on edge$',
  'the hold is recorded in the traceability trail, naming the NCR');
SELECT is(tests.refusal(format($$SELECT app.create_ncr(%L, %L, 'x', 'y', lot_ids => ARRAY[%L::uuid])$$,
                               tests.recall('part'), tests.recall('plant_b'), tests.recall('lot_b'))), 'PT403 permission.missing',
  'the technician reports no NCR at plant B');
SELECT is(tests.refusal(format($$SELECT app.create_ncr(%L, %L, 'x', 'y', lot_ids => ARRAY[%L::uuid])$$,
                               tests.recall('part'), tests.recall('plant_a'), tests.recall('lot_b'))), 'PT422 ncr.item_mismatch',
  'nor names plant B''s lot in a plant-A NCR');
SELECT is(tests.refusal(format($$SELECT app.create_ncr(%L, %L, 'x', 'y')$$, tests.recall('part'), tests.recall('plant_a'))),
  'PT422 ncr.quantity_invalid', 'an NCR without material names its quantity');
SELECT is(tests.refusal(format($$SELECT app.add_ncr_disposition(%L, 'scrap', 1)$$, tests.recall('ncr'))), 'PT403 permission.missing',
  'a technician decides no disposition');

-- The hold cannot be lifted around the NCR, by anyone.
SELECT tests.act_as(tests.recall('qa'), tests.recall('t'));
SELECT is(tests.refusal(format($$SELECT app.set_lot_quality_status(%L, 'released', 'looks fine')$$, tests.recall('lot'))), 'PT409 lot.held_by_ncr',
  'releasing a lot under an open NCR is refused');
SELECT is(tests.refusal(format($$SELECT app.set_serial_quality_status(%L, 'quarantined', 'move')$$, tests.recall('serial'))),
  'PT409 serial.held_by_ncr', 'so is changing a held serial''s status');
SELECT is(tests.refusal(format($$SELECT app.record_consumption('[{"lot_id": "%s", "quantity": 1}]', produced_lot_id => %L)$$,
                               tests.recall('lot'), tests.recall('lot2'))), 'PT409 lot.not_released',
  'and the held lot is not consumed (traceability''s rule)');

-- A second NCR on the same lot (QA reports it).
SELECT tests.remember('ncr2', (app.create_ncr(tests.recall('part'), tests.recall('plant_a'), 'Scratch', 'Scratches', 5,
                                              lot_ids => ARRAY[tests.recall('lot'), tests.recall('lot2')])).id);
SELECT matches((SELECT ncr_number FROM app.ncrs WHERE id = tests.recall('ncr2')), '^NCR-[0-9]{4}-000002$', 'the next NCR gets the next number');

-- The MRB steps of the first NCR.
SELECT is(tests.refusal(format($$SELECT app.advance_ncr(%L, 'verification')$$, tests.recall('ncr'))), 'PT409 ncr.transition_invalid',
  'no step is skipped');
SELECT is((app.advance_ncr(tests.recall('ncr'), 'containment')).status, 'containment'::app.ncr_status, 'open -> containment');
SELECT is(tests.refusal(format($$SELECT app.advance_ncr(%L, 'disposition')$$, tests.recall('ncr'))), 'PT422 ncr.containment_required',
  'containment ends with what was done');
SELECT is(tests.refusal(format($$SELECT app.add_ncr_disposition(%L, 'scrap', 1)$$, tests.recall('ncr'))), 'PT409 ncr.wrong_step',
  'dispositions are made in the disposition step');
SELECT is((app.advance_ncr(tests.recall('ncr'), 'disposition', 'Stock sorted, 101 pcs segregated')).status, 'disposition'::app.ncr_status,
  'containment -> disposition');
SELECT is(tests.refusal(format($$SELECT app.advance_ncr(%L, 'verification')$$, tests.recall('ncr'))), 'PT409 ncr.disposition_incomplete',
  'verification needs the whole quantity dispositioned');

-- Concessions: one requested, one expired, one granted for 50.
SELECT tests.remember('con_requested', (app.request_concession(tests.recall('customer'), tests.recall('part'), 'Burr accepted', 500,
                                                               now() - interval '1 day', now() + interval '30 days')).id);
SELECT tests.remember('con_expired', (app.request_concession(tests.recall('customer'), tests.recall('part'), 'Burr accepted', 500,
                                                             now() - interval '10 days', now() - interval '1 day')).id);
SELECT app.decide_concession(tests.recall('con_expired'), true, 'CUST-DEV-1');
SELECT tests.remember('con', (app.request_concession(tests.recall('customer'), tests.recall('part'), 'Burr up to 0.3 mm accepted', 50,
                                                     now() - interval '1 day', now() + interval '30 days', 'CUST-DEV-2')).id);
SELECT is((app.decide_concession(tests.recall('con'), true)).status, 'granted'::app.concession_status, 'QA records the customer''s grant');
SELECT tests.remember('con_scoped', (app.request_concession(tests.recall('customer'), tests.recall('part'), 'Lot 2 only', 500,
                                                            now() - interval '1 day', now() + interval '30 days', 'CUST-DEV-3',
                                                            lot_ids => ARRAY[tests.recall('lot2')])).id);
SELECT app.decide_concession(tests.recall('con_scoped'), true);
SELECT is((SELECT lot_id FROM app.concession_scope WHERE concession_id = tests.recall('con_scoped')), tests.recall('lot2'),
  'QA reads the concession''s scope');
SELECT is((SELECT app.concessions_current_status(c) FROM app.concessions AS c WHERE id = tests.recall('con_expired')),
  'expired'::app.concession_status, 'a granted concession past its end is expired (computed)');
SELECT is(tests.refusal(format($$SELECT app.request_concession(%L, %L, 'x', 5, now(), now() + interval '1 day')$$,
                               tests.recall('other_customer'), tests.recall('part'))), 'PT422 concession.customer_mismatch',
  'a concession comes from the part''s customer');

-- The MRB: not the reporter; engineering holds ncr.disposition.
SELECT tests.act_as(tests.recall('eng'), tests.recall('t'));
SELECT is(tests.refusal(format($$SELECT app.add_ncr_disposition(%L, 'use_as_is', 10)$$, tests.recall('ncr'))),
  'PT409 ncr_disposition.concession_required', 'use as is of this part needs the customer''s concession');
SELECT is(tests.refusal(format($$SELECT app.add_ncr_disposition(%L, 'rework', 10, concession_id => %L)$$, tests.recall('ncr'), tests.recall('con_requested'))),
  'PT409 concession.not_granted', 'a concession only requested does not do');
SELECT is(tests.refusal(format($$SELECT app.add_ncr_disposition(%L, 'rework', 10, concession_id => %L)$$, tests.recall('ncr'), tests.recall('con_expired'))),
  'PT409 concession.expired', 'nor an expired one');
SELECT is(tests.refusal(format($$SELECT app.add_ncr_disposition(%L, 'rework', 1, concession_id => %L)$$, tests.recall('ncr'), tests.recall('con_scoped'))),
  'PT422 concession.out_of_scope', 'nor one scoped to other lots than the NCR''s');
SELECT is(tests.refusal(format($$SELECT app.add_ncr_disposition(%L, 'use_as_is', 60, concession_id => %L)$$, tests.recall('ncr'), tests.recall('con'))),
  'PT409 concession.exhausted', 'nor more than the concession''s quantity limit');
SELECT is((app.add_ncr_disposition(tests.recall('ncr'), 'use_as_is', 50, concession_id => tests.recall('con'))).concession_id, tests.recall('con'),
  'use as is under the granted concession, recorded on the disposition');
SELECT is((SELECT app.concessions_used_quantity(c) FROM app.concessions AS c WHERE id = tests.recall('con')), 50::numeric,
  'the concession is used up');
SELECT is(tests.refusal(format($$SELECT app.add_ncr_disposition(%L, 'repair', 1, concession_id => %L)$$, tests.recall('ncr'), tests.recall('con'))),
  'PT409 concession.exhausted', 'an exhausted concession is not used again');
SELECT is(tests.refusal(format($$SELECT app.add_ncr_disposition(%L, 'scrap', 52)$$, tests.recall('ncr'))),
  'PT409 ncr_disposition.exceeds_quantity', 'dispositions never add up to more than the nonconforming quantity');
SELECT is((app.add_ncr_disposition(tests.recall('ncr'), 'scrap', 50, lot_id => tests.recall('lot'))).disposition, 'scrap'::app.ncr_disposition_kind,
  'scrap needs no concession');
SELECT is((app.add_ncr_disposition(tests.recall('ncr'), 'scrap', 1, serial_id => tests.recall('serial'))).approved_by, tests.recall('eng'),
  'the approver is recorded');
SELECT is((app.withdraw_ncr_disposition((SELECT id FROM app.ncr_dispositions WHERE serial_id = tests.recall('serial')))).status,
  'disposition'::app.ncr_status, 'a disposition is withdrawn in the disposition step');
SELECT app.add_ncr_disposition(tests.recall('ncr'), 'scrap', 1, serial_id => tests.recall('serial'));

-- QA reported ncr2 and may not disposition it (segregation of duties).
SELECT tests.act_as(tests.recall('qa'), tests.recall('t'));
SELECT app.advance_ncr(tests.recall('ncr2'), 'containment');
SELECT app.advance_ncr(tests.recall('ncr2'), 'disposition', 'Contained');
SELECT is(tests.refusal(format($$SELECT app.add_ncr_disposition(%L, 'scrap', 5)$$, tests.recall('ncr2'))), 'PT403 ncr.disposition_by_reporter',
  'who reported an NCR does not decide its disposition');
SELECT is((app.revoke_concession(tests.recall('con_scoped'), 'Customer withdrew it')).status, 'revoked'::app.concession_status,
  'a granted concession is revoked');
SELECT is(tests.refusal(format($$SELECT app.revoke_concession(%L, 'x')$$, tests.recall('con_requested'))), 'PT409 concession.not_granted',
  'only a granted one');

-- Verification, then closing.
SELECT is((app.advance_ncr(tests.recall('ncr'), 'verification')).status, 'verification'::app.ncr_status, 'covered: disposition -> verification');
SELECT is(tests.refusal(format($$SELECT app.advance_ncr(%L, 'closed')$$, tests.recall('ncr'))), 'PT409 ncr.not_verified',
  'closing needs the verification recorded');
SELECT is((app.record_ncr_verification(tests.recall('ncr'), 'accepted', '50 pcs scrapped, 50 delivered under CUST-DEV-2')).verified_by,
  tests.recall('qa'), 'the verification records who');
SELECT is((app.advance_ncr(tests.recall('ncr'), 'closed')).status, 'closed'::app.ncr_status, 'verification -> closed');
SELECT is((SELECT (remaining_quantity, inventory_state)::text FROM app.lots WHERE id = tests.recall('lot')), '(50,partly_consumed)',
  'the scrap came off the lot');
SELECT is((SELECT inventory_state FROM app.serials WHERE id = tests.recall('serial')), 'scrapped'::app.trace_inventory_state, 'the serial is scrapped');
SELECT is((SELECT quality_status FROM app.lots WHERE id = tests.recall('lot')), 'on_hold'::app.trace_quality_status,
  'the lot stays held: NCR 2 still holds it');
SELECT is((SELECT quality_status FROM app.serials WHERE id = tests.recall('serial')), 'on_hold'::app.trace_quality_status,
  'a scrapped serial is not released');
SELECT is(tests.refusal(format($$SELECT app.advance_ncr(%L, 'cancelled')$$, tests.recall('ncr2'))), 'PT422 ncr.cancel_reason_required',
  'cancelling needs a reason');
SELECT app.advance_ncr(tests.recall('ncr2'), 'cancelled', 'Duplicate of the first');
SELECT is((SELECT array_agg(quality_status::text ORDER BY quantity) FROM app.lots WHERE id IN (tests.recall('lot'), tests.recall('lot2'))),
  ARRAY['released', 'released'], 'the last NCR holding them cancelled: both lots are released');
SELECT is(tests.refusal(format($$SELECT app.advance_ncr(%L, 'open')$$, tests.recall('ncr2'))), 'PT409 ncr.closed', 'a cancelled NCR does not move');

-- Plant access and read-only roles.
SELECT tests.act_as(tests.recall('tech_a'), tests.recall('t'));
SELECT is((SELECT count(*)::int FROM app.ncrs), 2, 'the plant-A technician sees plant A''s NCRs');
SELECT is((SELECT count(*)::int FROM app.ncr_items), 4, 'and their lots and serials');
SELECT tests.act_as(tests.recall('auditor'), tests.recall('t'));
SELECT is((SELECT count(*)::int FROM app.ncr_dispositions), 3, 'an auditor reads the dispositions');

SELECT * FROM finish();
ROLLBACK;
