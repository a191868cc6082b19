-- Lots and serials: numbers from the tenant's pattern (date parts in the
-- plant's time zone, zero-padded counter, consecutive in one call, starting
-- again each period of a dated pattern), the part's unit and released
-- revision, active parts only, serials n at once; quality status changes
-- need a reason, are recorded and audited, and stay apart from the
-- inventory state (a partly consumed lot can be on hold).
BEGIN;
SELECT plan(24);

SELECT tests.remember('t', tests.create_tenant());
SELECT tests.remember('site', tests.create_site(tests.recall('t')));
SELECT tests.remember('part', tests.create_part(tests.recall('t'), 'kg'));
SELECT tests.remember('qa', tests.create_member(tests.recall('t'), 'qa'));
SELECT tests.remember('supplier', tests.create_partner(tests.recall('t'), 'supplier'));
SELECT tests.remember('far_site', tests.create_site(tests.create_tenant()));
SELECT tests.remember('part2', tests.create_part(tests.recall('t')));

SELECT is((SELECT pattern FROM app.trace_number_patterns WHERE organization_id = tests.recall('t') AND kind = 'lot'),
  'LOT-{YYYY}{MM}{DD}-{####}', 'a new tenant gets the default lot pattern');
UPDATE app.sites SET timezone = 'Pacific/Auckland' WHERE id = tests.recall('site');

SELECT tests.act_as(tests.recall('qa'), tests.recall('t'));
UPDATE app.trace_number_patterns SET pattern = 'L{YY}{MM}-{###}' WHERE kind = 'lot';
SELECT is(tests.refusal($$UPDATE app.trace_number_patterns SET pattern = 'L-{YYYY}' WHERE kind = 'lot'$$), '23514',
  'a pattern needs exactly one counter');
DELETE FROM app.trace_number_patterns WHERE kind = 'serial';
SELECT is(tests.refusal(format($$SELECT app.create_serials(%L, %L)$$, tests.recall('part'), tests.recall('site'))), 'PT409 trace_pattern.missing',
  'without a serial pattern no serial is numbered');
INSERT INTO app.trace_number_patterns (kind, pattern) VALUES ('serial', 'SN-{######}');
SELECT is((SELECT pattern FROM app.trace_number_patterns WHERE kind = 'serial'), 'SN-{######}', 'a manager sets the serial pattern');
SELECT is(tests.refusal($$UPDATE app.trace_number_patterns SET kind = 'lot' WHERE kind = 'serial'$$), 'PT409 row.fixed_column',
  'a pattern keeps its kind');
SELECT results_eq(
  format($$SELECT lot_number, quantity, remaining_quantity, unit, inventory_state::text
             FROM app.create_lots(%L, %L, 2500, 'g', lot_count => 3, produced_at => '2026-03-31 12:30:00+00') ORDER BY lot_number$$,
         tests.recall('part'), tests.recall('site')),
  $$VALUES ('L2604-001', 2.5, 2.5, 'kg', 'available'), ('L2604-002', 2.5, 2.5, 'kg', 'available'), ('L2604-003', 2.5, 2.5, 'kg', 'available')$$,
  'three lots in one call: consecutive numbers, the date in the plant''s time zone (already April in Auckland), the quantity in the part''s unit');
SELECT is((SELECT lot_number FROM app.create_lots(tests.recall('part'), tests.recall('site'), 1, produced_at => '2026-04-15 00:00:00+00')),
  'L2604-004', 'the counter goes on within the period');
SELECT is((SELECT lot_number FROM app.create_lots(tests.recall('part'), tests.recall('site'), 1, produced_at => '2026-05-15 00:00:00+00')),
  'L2605-001', 'the counter starts again in the next period');
UPDATE app.trace_number_patterns SET pattern = 'B{#}' WHERE kind = 'lot';
SELECT is((SELECT string_agg(lot_number, ',' ORDER BY lot_number)
             FROM app.create_lots(tests.recall('part'), tests.recall('site'), 1, lot_count => 10)), 'B1,B10,B2,B3,B4,B5,B6,B7,B8,B9',
  'a counter that outgrows its width is not cut');
SELECT is((SELECT part_revision_id FROM app.create_lots(tests.recall('part'), tests.recall('site'), 1)),
  (SELECT id FROM app.part_revisions WHERE part_id = tests.recall('part') AND status = 'released'), 'a lot is made to the part''s released revision');
SELECT is((SELECT quality_status::text || ' ' || supplier_lot
             FROM app.create_lots(tests.recall('part'), tests.recall('site'), 20, supplier_id => tests.recall('supplier'),
                                  supplier_lot => 'ACME-7781', quality_status => 'quarantined')),
  'quarantined ACME-7781', 'purchased material keeps the supplier''s lot and can start in quarantine');
SELECT is(tests.refusal(format($$SELECT app.create_lots(%L, %L, 0)$$, tests.recall('part'), tests.recall('site'))), 'PT422 lot.quantity_invalid',
  'a lot''s quantity is positive');
SELECT is(tests.refusal(format($$SELECT app.create_lots(%L, %L, 5, 'mL')$$, tests.recall('part'), tests.recall('site'))), 'PT422 unit.incompatible',
  'a quantity in a unit of another dimension is refused');
SELECT is(tests.refusal(format($$SELECT app.create_lots(%L, %L, 5)$$, tests.recall('part'), tests.recall('far_site'))),
  'PT404 site.not_found', 'a site of another tenant is not found');

-- Serials, n at once, of a lot of the same part.
SELECT tests.remember('lot', (SELECT id FROM app.create_lots(tests.recall('part'), tests.recall('site'), 10, lot_number => 'HEAT-42')));
SELECT results_eq(format($$SELECT count(*)::int, count(DISTINCT serial_number)::int, min(lot_id::text) FROM app.create_serials(%L, %L, 25, %L)$$,
                         tests.recall('part'), tests.recall('site'), tests.recall('lot')),
  format($$VALUES (25, 25, %L)$$, tests.recall('lot')), 'twenty-five serials in one call, each its own number, of the lot');
SELECT is(tests.refusal(format($$SELECT app.create_serials(%L, %L, 1, %L)$$, tests.recall('part2'), tests.recall('site'), tests.recall('lot'))),
  'PT404 lot.not_found', 'a serial''s lot is of the same part');

-- Obsolete parts make nothing.
SELECT tests.act_as_owner();
SELECT tests.remember('old', tests.create_part(tests.recall('t')));
UPDATE app.parts SET status = 'obsolete' WHERE id = tests.recall('old');
SELECT tests.act_as(tests.recall('qa'), tests.recall('t'));
SELECT is(tests.refusal(format($$SELECT app.create_lots(%L, %L, 1)$$, tests.recall('old'), tests.recall('site'))), 'PT409 part.obsolete',
  'no lot of an obsolete part');

-- Quality status apart from inventory state: a partly consumed lot is put on hold, with a reason.
SELECT tests.act_as_owner();
UPDATE app.lots SET remaining_quantity = 4, inventory_state = 'partly_consumed' WHERE id = tests.recall('lot');
SELECT tests.act_as(tests.recall('qa'), tests.recall('t'));
SELECT is(tests.refusal(format($$SELECT app.set_lot_quality_status(%L, 'on_hold', ' ')$$, tests.recall('lot'))), 'PT422 trace_status.reason_required',
  'a hold needs a reason');
SELECT is((SELECT quality_status::text || '/' || inventory_state::text FROM app.set_lot_quality_status(tests.recall('lot'), 'on_hold', 'NCR-0042 cracks')),
  'on_hold/partly_consumed', 'a partly consumed lot is on hold: the two statuses are apart');
SELECT results_eq(format($$SELECT from_status::text, to_status::text, reason, changed_by FROM app.trace_status_changes WHERE lot_id = %L$$, tests.recall('lot')),
  format($$VALUES ('released', 'on_hold', 'NCR-0042 cracks', %L::uuid)$$, tests.recall('qa')), 'the change is recorded with its reason and who');
SELECT tests.act_as_owner();
SELECT is((SELECT count(*)::int FROM audit.activity_log WHERE entity_type = 'lots' AND entity_id = tests.recall('lot')::text AND action = 'update'
                                        AND new_values ->> 'quality_status' = 'on_hold' AND old_values ->> 'quality_status' = 'released'),
  1, 'and audited');
SELECT is((SELECT count(*)::int FROM app_private.events WHERE event_type = 'lot.quality_status_changed' AND entity_id = tests.recall('lot')), 1,
  'and published as lot.quality_status_changed');
SELECT tests.act_as(tests.recall('qa'), tests.recall('t'));
SELECT is(tests.refusal($$UPDATE app.lots SET quality_status = 'released'$$), '42501', 'the status is not written directly');
SELECT tests.remember('serial', (SELECT id FROM app.serials WHERE lot_id = tests.recall('lot') LIMIT 1));
SELECT is((app.set_serial_quality_status(tests.recall('serial'), 'quarantined', 'Drop test')).quality_status::text, 'quarantined',
  'a serial is quarantined with a reason');

SELECT * FROM finish();
ROLLBACK;
