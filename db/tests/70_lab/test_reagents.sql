-- Reagents and consumables: reagent.manage keeps the catalog and lots; a
-- use deducts from the lot atomically in the lot's unit, never below 0,
-- refuses expired and quarantined lots and records the use against an
-- entity the caller may see (provenance); stock below the threshold is
-- announced once per crossing (notification + reagent.low_stock).
BEGIN;
SELECT plan(32);

SELECT tests.remember('lab', tests.create_lab_tenant());
SELECT tests.remember('b', tests.create_tenant());
SELECT tests.remember('other_site', tests.create_site(tests.recall('lab')));
SELECT tests.remember('manager', tests.create_member(tests.recall('lab'), 'lab_manager'));
SELECT tests.remember('tech', tests.create_member(tests.recall('lab'), 'lab_tech', tests.recall('lab_site')));
SELECT tests.remember('auditor', tests.create_member(tests.recall('lab'), 'auditor'));
SELECT tests.remember('portal', tests.create_member(tests.recall('lab'), 'customer_portal', NULL, tests.recall('customer')));
SELECT tests.remember('b_admin', tests.create_member(tests.recall('b'), 'admin'));
SELECT tests.remember('s', tests.create_sample(tests.recall('lab'), tests.recall('water'), tests.recall('lab_site')));
SELECT tests.remember('s_elsewhere', tests.create_sample(tests.recall('lab'), tests.recall('water'), tests.recall('other_site')));

-- The catalog and lots.
SELECT tests.act_as(tests.recall('tech'), tests.recall('lab'));
SELECT is(tests.refusal($$INSERT INTO app.reagent_items (code, name, unit) VALUES ('BUF', 'Buffer', 'mL')$$), 'PT403 permission.missing',
  'a technician cannot add catalog items');
SELECT is(tests.refusal(format($$INSERT INTO app.reagent_lots (item_id, lot_number, received_quantity) SELECT id, 'L-0', 1 FROM app.reagent_items$$)),
  'PT403 permission.missing', 'nor receive lots');
SELECT tests.act_as(tests.recall('manager'), tests.recall('lab'));
WITH i AS (INSERT INTO app.reagent_items (code, name, kind, unit, low_stock_threshold) VALUES ('BUF-PH7', 'pH 7 buffer', 'standard', 'mL', 100) RETURNING id)
SELECT tests.remember('buffer', id) FROM i;
WITH i AS (INSERT INTO app.reagent_lots (item_id, lot_number, expires_on, received_quantity, unit)
           VALUES (tests.recall('buffer'), 'L-1', current_date + 90, 1, 'L') RETURNING id)
SELECT tests.remember('lot', id) FROM i;
SELECT is((SELECT (remaining_quantity, unit)::text FROM app.reagent_lots WHERE id = tests.recall('lot')), '(1,L)', 'a new lot has all it received left');
SELECT is(tests.refusal(format($$INSERT INTO app.reagent_lots (item_id, lot_number, received_quantity, unit) VALUES (%L, 'L-g', 5, 'g')$$, tests.recall('buffer'))),
  'PT422 unit.incompatible', 'a lot is in a unit of its item''s dimension');
SELECT is((SELECT available FROM app.reagent_stock WHERE item_id = tests.recall('buffer')), 1000::numeric, 'the stock view counts in the item''s unit');
SELECT tests.act_as(tests.recall('portal'), tests.recall('lab'));
SELECT is_empty($$SELECT FROM app.reagent_lots$$, 'portal users do not see reagent lots');

-- Using: reagent.use, an entity the caller sees, units converted.
SELECT tests.act_as(tests.recall('auditor'), tests.recall('lab'));
SELECT is(tests.refusal(format($$SELECT app.use_reagent(%L, 1, 'mL', 'sample', %L)$$, tests.recall('lot'), tests.recall('s'))),
  'PT403 permission.missing', 'a reader cannot use reagents');
SELECT tests.act_as(tests.recall('tech'), tests.recall('lab'));
SELECT is(tests.refusal(format($$SELECT app.use_reagent(%L, 1, 'mL', 'sample', %L)$$, tests.recall('lot'), tests.recall('s_elsewhere'))),
  'PT404 entity.not_found', 'a use is recorded only against what the caller may see');
SELECT is((SELECT lot_quantity FROM app.use_reagent(tests.recall('lot'), 200, 'mL', 'sample', tests.recall('s'))), 0.2::numeric,
  'a use is converted into the lot''s unit');
SELECT is((SELECT remaining_quantity FROM app.reagent_lots WHERE id = tests.recall('lot')), 0.8::numeric, 'and deducted from the lot');
SELECT is(tests.refusal(format($$SELECT app.use_reagent(%L, 801, 'mL', 'sample', %L)$$, tests.recall('lot'), tests.recall('s'))),
  'PT409 reagent_lot.insufficient', 'a use cannot take more than the lot has left');
SELECT is(tests.refusal(format($$SELECT app.use_reagent(%L, 1, 'g', 'sample', %L)$$, tests.recall('lot'), tests.recall('s'))),
  'PT422 unit.incompatible', 'a use in another dimension is refused');
SELECT is(tests.refusal(format($$SELECT app.use_reagent(%L, 0, 'mL', 'sample', %L)$$, tests.recall('lot'), tests.recall('s'))),
  'PT422 reagent_use.quantity', 'a use takes a positive quantity');
SELECT is(tests.refusal(format($$UPDATE app.reagent_lots SET remaining_quantity = 5 WHERE id = %L$$, tests.recall('lot'))), '42501',
  'the remaining quantity is written only by use_reagent');
SELECT is((SELECT (entity_type, entity_id, used_by)::text FROM app.reagent_uses WHERE lot_id = tests.recall('lot')),
          ('sample', tests.recall('s'), tests.recall('tech'))::text, 'the use names what it was for and who used it');

-- Expired and quarantined lots; only reagent.manage quarantines.
SELECT is_empty(format($$UPDATE app.reagent_lots SET status = 'quarantined' WHERE id = %L RETURNING 1$$, tests.recall('lot')),
  'a technician cannot quarantine a lot');
SELECT tests.act_as(tests.recall('manager'), tests.recall('lab'));
SELECT is(tests.refusal(format($$UPDATE app.reagent_lots SET received_quantity = 5 WHERE id = %L$$, tests.recall('lot'))), 'PT409 row.fixed_column',
  'the quantity received is fixed');
SELECT is(tests.refusal(format($$INSERT INTO app.reagent_lots (item_id, lot_number, received_quantity, remaining_quantity) VALUES (%L, 'L-x', 5, 5)$$,
                               tests.recall('buffer'))), '42501', 'the remaining quantity is not sent: it starts as the quantity received');
SELECT tests.act_as_owner();
SELECT tests.remember('expired', tests.create_reagent_lot(tests.recall('lab'), tests.recall('buffer'), 100, current_date - 1));
SELECT tests.remember('held', tests.create_reagent_lot(tests.recall('lab'), tests.recall('buffer'), 100, p_status => 'quarantined'));
SELECT tests.act_as(tests.recall('tech'), tests.recall('lab'));
SELECT is(tests.refusal(format($$SELECT app.use_reagent(%L, 1, 'mL', 'sample', %L)$$, tests.recall('expired'), tests.recall('s'))),
  'PT409 reagent_lot.expired', 'an expired lot is refused');
SELECT is(tests.refusal(format($$SELECT app.use_reagent(%L, 1, 'mL', 'sample', %L)$$, tests.recall('held'), tests.recall('s'))),
  'PT409 reagent_lot.quarantined', 'a quarantined lot is refused');
SELECT is((SELECT app.reagent_lots_effective_status(l) FROM app.reagent_lots AS l WHERE id = tests.recall('expired')), 'expired',
  'an available lot past its expiry reads as expired');

-- Another tenant.
SELECT tests.act_as(tests.recall('b_admin'), tests.recall('b'));
SELECT is_empty($$SELECT FROM app.reagent_uses$$, 'another tenant sees no reagent uses');
SELECT is(tests.refusal(format($$SELECT app.use_reagent(%L, 1, 'mL', 'sample', %L)$$, tests.recall('lot'), tests.recall('s'))),
  'PT404 entity.not_found', 'another tenant cannot use the lab''s lot for the lab''s sample');

-- Low stock, once per crossing.
SELECT tests.act_as(tests.recall('tech'), tests.recall('lab'));
SELECT app.use_reagent(tests.recall('lot'), 750, 'mL', 'sample', tests.recall('s'));
SELECT app.use_reagent(tests.recall('lot'), 10, 'mL', 'sample', tests.recall('s'));
SELECT tests.act_as_owner();
SELECT is((SELECT count(*)::int FROM app_private.events WHERE event_type = 'reagent.low_stock' AND entity_id = tests.recall('buffer')), 1,
  'crossing below the threshold is announced once, not at every use below it');
SELECT is((SELECT count(*)::int FROM app.notifications WHERE entity_id = tests.recall('buffer') AND user_id = tests.recall('manager')), 1,
  'the holders of reagent.manage are notified');
SELECT is((SELECT count(*)::int FROM app.notifications WHERE entity_id = tests.recall('buffer') AND user_id = tests.recall('tech')), 0,
  'others are not');
SELECT tests.remember('lot2', tests.create_reagent_lot(tests.recall('lab'), tests.recall('buffer'), 500));
SELECT is((SELECT count(*)::int FROM app_private.reagent_low_stock WHERE item_id = tests.recall('buffer')), 0,
  'a new lot that lifts the stock ends the crossing');
SELECT tests.act_as(tests.recall('tech'), tests.recall('lab'));
SELECT app.use_reagent(tests.recall('lot2'), 450, 'mL', 'sample', tests.recall('s'));
SELECT tests.act_as_owner();
SELECT is((SELECT count(*)::int FROM app_private.events WHERE event_type = 'reagent.low_stock' AND entity_id = tests.recall('buffer')), 2,
  'the next crossing is announced again');
-- Stock that expires by date is found by the job.
SELECT tests.remember('tips', tests.create_reagent_item(tests.recall('lab'), 'mL', 10, 'consumable'));
SELECT tests.remember('tips_lot', tests.create_reagent_lot(tests.recall('lab'), tests.recall('tips'), 50, current_date + 5));
SELECT is(app_private.check_all_reagent_stock(now() + interval '10 days'), 1, 'the job announces stock gone low because lots expired');
SELECT is(tests.refusal(format($$UPDATE app.reagent_uses SET quantity = 1 WHERE lot_id = %L$$, tests.recall('lot'))), 'PT409 row.append_only',
  'reagent uses are append-only');

-- Changing the threshold re-checks the stock at once.
SELECT tests.act_as(tests.recall('manager'), tests.recall('lab'));
UPDATE app.reagent_items SET low_stock_threshold = 50 WHERE id = tests.recall('buffer');
SELECT tests.act_as_owner();
SELECT is((SELECT count(*)::int FROM app_private.reagent_low_stock WHERE item_id = tests.recall('buffer')), 0,
  'lowering the threshold under the stock ends the crossing');
SELECT tests.act_as(tests.recall('manager'), tests.recall('lab'));
UPDATE app.reagent_items SET low_stock_threshold = 200 WHERE id = tests.recall('buffer');
SELECT tests.act_as_owner();
SELECT is((SELECT count(*)::int FROM app_private.events WHERE event_type = 'reagent.low_stock' AND entity_id = tests.recall('buffer')), 3,
  'raising the threshold above the stock announces the crossing');

SELECT * FROM finish();
ROLLBACK;
