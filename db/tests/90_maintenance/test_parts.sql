-- Maintenance spare parts and stores, as real roles: a storekeeper
-- (tenant-wide), a technician scoped to one plant, another tenant's admin.
-- Stock moves only through the ledger, never below 0 nor below what is
-- reserved; reservations and issues name an entity; a shortage below the
-- reorder point or a critical spare's minimum raises one purchase request
-- with the suggested vendor and tells the storekeepers.
BEGIN;
SELECT plan(56);

SELECT tests.remember('t', tests.create_tenant());
SELECT tests.remember('b', tests.create_tenant());
SELECT tests.remember('site1', tests.create_site(tests.recall('t')));
SELECT tests.remember('site2', tests.create_site(tests.recall('t')));
SELECT tests.remember('admin', tests.create_member(tests.recall('t'), 'admin'));
SELECT tests.remember('keeper', tests.create_member(tests.recall('t'), 'storekeeper'));
SELECT tests.remember('tech', tests.create_member(tests.recall('t'), 'technician', tests.recall('site1')));
SELECT tests.remember('b_admin', tests.create_member(tests.recall('b'), 'admin'));
SELECT tests.remember('class', tests.create_equipment_class(tests.recall('t'), p_requires_calibration => false));
SELECT tests.remember('pump', tests.create_equipment(tests.recall('t'), tests.recall('class'), tests.recall('site1'), p_name => 'Pump P-101'));
SELECT tests.remember('part', tests.create_part(tests.recall('t')));
SELECT tests.remember('seal', tests.create_part(tests.recall('t')));
SELECT tests.remember('vendor', tests.create_partner(tests.recall('t'), 'supplier'));
SELECT tests.remember('quick', tests.create_partner(tests.recall('t'), 'supplier'));
SELECT tests.remember('customer', tests.create_partner(tests.recall('t'), 'customer'));

-- Storerooms and bins: stock.manage at the site.
SELECT tests.act_as(tests.recall('tech'), tests.recall('t'));
SELECT is(tests.refusal(format($$INSERT INTO app.storerooms (site_id, code, name) VALUES (%L, 'S1', 'Main store')$$, tests.recall('site1'))),
  'PT403 permission.missing', 'a technician cannot create storerooms');
SELECT tests.act_as(tests.recall('keeper'), tests.recall('t'));
WITH s AS (INSERT INTO app.storerooms (site_id, code, name, responsible_user_id) VALUES (tests.recall('site1'), 'S1', 'Main store', tests.recall('keeper')) RETURNING id)
SELECT tests.remember('s1', id) FROM s;
WITH s AS (INSERT INTO app.storerooms (site_id, code, name) VALUES (tests.recall('site2'), 'S2', 'Plant 2 store') RETURNING id)
SELECT tests.remember('s2', id) FROM s;
WITH b AS (INSERT INTO app.storeroom_bins (storeroom_id, code) VALUES (tests.recall('s1'), 'A-01') RETURNING id) SELECT tests.remember('b1a', id) FROM b;
WITH b AS (INSERT INTO app.storeroom_bins (storeroom_id, code) VALUES (tests.recall('s1'), 'A-02') RETURNING id) SELECT tests.remember('b1b', id) FROM b;
WITH b AS (INSERT INTO app.storeroom_bins (storeroom_id, code) VALUES (tests.recall('s2'), 'B-01') RETURNING id) SELECT tests.remember('b2', id) FROM b;
SELECT is((SELECT site_id FROM app.storeroom_bins WHERE id = tests.recall('b1a')), tests.recall('site1'), 'a bin takes its storeroom''s site');

-- Receipts.
SELECT is((app.receive_stock(tests.recall('part'), tests.recall('b1a'), 5, 12.5)).kind, 'receipt'::app.stock_movement_kind, 'the storekeeper receives 5');
SELECT is((SELECT (on_hand, reserved, available)::text FROM app.part_stock WHERE part_id = tests.recall('part') AND bin_id = tests.recall('b1a')),
  '(5,0,5)', 'the stock row is kept from the ledger');
SELECT is(tests.refusal(format($$SELECT app.receive_stock(%L, %L, 0)$$, tests.recall('part'), tests.recall('b1a'))),
  'PT422 stock.quantity_invalid', 'a receipt of 0 is refused');
SELECT app.receive_stock(tests.recall('part'), tests.recall('b2'), 4);

-- The technician at plant 1: sees plant 1's store only, issues, cannot receive.
SELECT tests.act_as(tests.recall('tech'), tests.recall('t'));
SELECT is((SELECT array_agg(code ORDER BY code) FROM app.storerooms), ARRAY['S1'], 'a plant-scoped technician sees the storerooms of the plant');
SELECT is((SELECT count(*) FROM app.part_stock), 1::bigint, 'and its stock only');
SELECT is(tests.refusal(format($$SELECT app.receive_stock(%L, %L, 1)$$, tests.recall('part'), tests.recall('b1a'))),
  'PT403 permission.missing', 'a technician cannot receive');
SELECT is((app.issue_stock(tests.recall('part'), 2, 'equipment', tests.recall('pump'), tests.recall('b1a'))).quantity, -2::numeric,
  'a technician issues 2 against the pump');
SELECT is((SELECT on_hand FROM app.part_stock WHERE bin_id = tests.recall('b1a')), 3::numeric, 'on hand goes down');
SELECT is(tests.refusal(format($$SELECT app.issue_stock(%L, 10, 'equipment', %L, %L)$$, tests.recall('part'), tests.recall('pump'), tests.recall('b1a'))),
  'PT409 stock.insufficient', 'never more than available');
SELECT is(tests.refusal(format($$SELECT app.issue_stock(%L, 1, 'equipment', %L, %L)$$, tests.recall('part'), tests.recall('pump'), tests.recall('b2'))),
  'PT404 bin.not_found', 'nor from another plant''s bin');
SELECT is(tests.refusal(format($$SELECT app.issue_stock(%L, 1, 'equipment', %L, %L)$$, tests.recall('part'), gen_random_uuid(), tests.recall('b1a'))),
  'PT404 entity.not_found', 'an issue names an entity the caller sees');

-- Reservations: held stock is not available to others; issued or released through the reservation.
SELECT tests.remember('res', (app.reserve_stock(tests.recall('part'), 2, 'equipment', tests.recall('pump'), storeroom_id => tests.recall('s1'),
                                                needed_by => current_date + 7)).id);
SELECT is((SELECT (bin_id, status)::text FROM app.stock_reservations WHERE id = tests.recall('res')), format('(%s,open)', tests.recall('b1a')),
  'a reservation by storeroom takes the bin with the most available');
SELECT is((SELECT (on_hand, reserved, available)::text FROM app.part_stock WHERE bin_id = tests.recall('b1a')), '(3,2,1)', 'reserved is held');
SELECT is(tests.refusal(format($$SELECT app.issue_stock(%L, 2, 'equipment', %L, %L)$$, tests.recall('part'), tests.recall('pump'), tests.recall('b1a'))),
  'PT409 stock.insufficient', 'reserved stock is not issued without its reservation');
SELECT is(tests.refusal(format($$SELECT app.reserve_stock(%L, 5, 'equipment', %L, %L)$$, tests.recall('part'), tests.recall('pump'), tests.recall('b1a'))),
  'PT409 stock.insufficient', 'nor reserved twice');
SELECT app.issue_stock(tests.recall('part'), 1, 'equipment', tests.recall('pump'), reservation_id => tests.recall('res'));
SELECT is((SELECT (issued_quantity, status)::text FROM app.stock_reservations WHERE id = tests.recall('res')), '(1,open)', 'issued against the reservation');
SELECT is((SELECT (on_hand, reserved, available)::text FROM app.part_stock WHERE bin_id = tests.recall('b1a')), '(2,1,1)', 'from the reserved quantity');
SELECT is(tests.refusal(format($$SELECT app.issue_stock(%L, 2, 'equipment', %L, reservation_id => %L)$$, tests.recall('part'), tests.recall('pump'), tests.recall('res'))),
  'PT409 stock_reservation.exceeded', 'never more than the reservation holds');
SELECT is(tests.refusal(format($$SELECT app.release_stock_reservation(%L, ' ')$$, tests.recall('res'))), 'PT422 stock.reason_required',
  'releasing needs a reason');
SELECT is((app.release_stock_reservation(tests.recall('res'), 'job postponed')).status, 'released'::app.stock_reservation_status, 'released');
SELECT is((SELECT reserved FROM app.part_stock WHERE bin_id = tests.recall('b1a')), 0::numeric, 'the rest is available again');
SELECT is(tests.refusal(format($$SELECT app.release_stock_reservation(%L, 'again')$$, tests.recall('res'))), 'PT409 stock_reservation.closed',
  'once');
SELECT is((app.return_stock(tests.recall('part'), tests.recall('b1a'), 1, 'equipment', tests.recall('pump'), 'not needed')).kind,
  'return'::app.stock_movement_kind, 'unused parts are returned');

-- Counts and transfers: stock.manage.
SELECT tests.act_as(tests.recall('keeper'), tests.recall('t'));
SELECT is(tests.refusal(format($$SELECT app.adjust_stock(%L, %L, 4, NULL)$$, tests.recall('part'), tests.recall('b1a'))),
  'PT422 stock.reason_required', 'an adjustment needs a reason');
SELECT is((app.adjust_stock(tests.recall('part'), tests.recall('b1a'), 5, 'found two behind the shelf')).quantity, 2::numeric,
  'a count books the difference');
SELECT is((SELECT count(*) FROM app.transfer_stock(tests.recall('part'), tests.recall('b1a'), tests.recall('b1b'), 2)), 2::bigint,
  'a transfer is two movements');
SELECT is((SELECT array_agg(on_hand ORDER BY bin_id = tests.recall('b1a') DESC) FROM app.part_stock WHERE storeroom_id = tests.recall('s1')),
  ARRAY[3, 2]::numeric[], 'from one bin to the other');

-- The ledger is the truth: the stock row is its sum; it is append-only.
SELECT tests.act_as_owner();
SELECT is((SELECT (sum(quantity), sum(reserved_delta))::text FROM app.stock_movements WHERE bin_id = tests.recall('b1a')),
  (SELECT (on_hand, reserved)::text FROM app.part_stock WHERE bin_id = tests.recall('b1a')), 'on hand and reserved are the ledger''s sums');
SELECT is(tests.refusal(format($$UPDATE app.stock_movements SET quantity = 100 WHERE bin_id = %L$$, tests.recall('b1a'))),
  'PT409 row.append_only', 'movements are never changed');
SELECT is(tests.refusal(format($$INSERT INTO app.stock_movements (organization_id, part_id, bin_id, kind, quantity) VALUES (%L, %L, %L, 'issue', -99)$$,
  tests.recall('t'), tests.recall('part'), tests.recall('b1a'))), 'PT409 stock.insufficient', 'whoever writes the ledger, stock never goes below 0');

-- Vendors: partner roles, the parts they supply.
SELECT tests.act_as(tests.recall('admin'), tests.recall('t'));
INSERT INTO app.partner_roles (partner_id, role) VALUES (tests.recall('vendor'), 'vendor'), (tests.recall('quick'), 'vendor');
SELECT tests.act_as(tests.recall('keeper'), tests.recall('t'));
SELECT is(tests.refusal(format($$INSERT INTO app.partner_roles (partner_id, role) VALUES (%L, 'contractor')$$, tests.recall('customer'))),
  'PT403 permission.missing', 'partner roles need partner.manage');
SELECT is(tests.refusal(format($$INSERT INTO app.vendor_parts (partner_id, part_id, lead_time_days) VALUES (%L, %L, 5)$$,
  tests.recall('customer'), tests.recall('part'))), 'PT422 vendor_part.not_vendor', 'only vendors supply parts');
INSERT INTO app.vendor_parts (partner_id, part_id, vendor_part_number, unit_price, currency, lead_time_days, is_preferred)
VALUES (tests.recall('vendor'), tests.recall('part'), 'V-778', 11.9, 'EUR', 14, true),
       (tests.recall('quick'), tests.recall('part'), 'Q-1', 15, 'EUR', 3, false),
       (tests.recall('quick'), tests.recall('seal'), 'Q-SEAL', 4, 'EUR', 2, false);

-- Reorder: available in S1 is 5; the point is 4.
INSERT INTO app.part_storeroom_settings (part_id, storeroom_id, reorder_point, reorder_quantity) VALUES (tests.recall('part'), tests.recall('s1'), 4, 10);
SELECT is((SELECT count(*) FROM app.purchase_requests), 0::bigint, 'no request while available stock is at or above the point');
SELECT tests.act_as(tests.recall('tech'), tests.recall('t'));
SELECT app.issue_stock(tests.recall('part'), 2, 'equipment', tests.recall('pump'), tests.recall('b1a'));
SELECT app.issue_stock(tests.recall('part'), 1, 'equipment', tests.recall('pump'), tests.recall('b1a'));
SELECT tests.act_as(tests.recall('keeper'), tests.recall('t'));
SELECT is((SELECT (quantity, trigger_level, available_at_request, vendor_id, vendor_part_number, lead_time_days, expected_on = current_date + 14, status)::text
             FROM app.purchase_requests WHERE part_id = tests.recall('part')),
  format('(10,4,3,%s,V-778,14,t,open)', tests.recall('vendor')), 'below the point: one request for the reorder quantity, from the preferred vendor');
SELECT is((SELECT count(*) FROM app.purchase_requests WHERE part_id = tests.recall('part')), 1::bigint, 'and only one while it is open');
SELECT tests.act_as_owner();
SELECT is((SELECT array_agg(user_id ORDER BY user_id) FROM app.notifications WHERE entity_type = 'purchase_request'
             AND entity_id = (SELECT id FROM app.purchase_requests WHERE part_id = tests.recall('part'))),
  (SELECT array_agg(u ORDER BY u) FROM unnest(ARRAY[tests.recall('keeper'), tests.recall('admin')]) AS u),
  'the storekeeper and the holders of purchase_request.manage are told, once (not the technician)');

-- Purchase request life: purchase_request.manage.
SELECT tests.remember('pr', (SELECT id FROM app.purchase_requests WHERE part_id = tests.recall('part')));
SELECT tests.act_as(tests.recall('tech'), tests.recall('t'));
SELECT is(tests.refusal(format($$SELECT app.set_purchase_request_status(%L, 'ordered')$$, tests.recall('pr'))), 'PT403 permission.missing',
  'a technician does not order');
SELECT tests.act_as(tests.recall('keeper'), tests.recall('t'));
SELECT is((app.set_purchase_request_status(tests.recall('pr'), 'ordered', 'PO 4711')).status, 'ordered'::app.purchase_request_status, 'ordered');
SELECT is(tests.refusal(format($$SELECT app.set_purchase_request_status(%L, 'open')$$, tests.recall('pr'))), 'PT409 purchase_request.transition_invalid',
  'never back to open');
SELECT app.receive_stock(tests.recall('part'), tests.recall('b1a'), 10, 11.9, tests.recall('pr'));
SELECT is((SELECT status FROM app.purchase_requests WHERE id = tests.recall('pr')), 'received'::app.purchase_request_status,
  'a receipt against the request closes it');

-- Critical spares: a fixed minimum whatever the usage (no reorder setting for the seal).
INSERT INTO app.equipment_spare_parts (equipment_id, part_id, quantity, is_critical, storeroom_id, minimum_stock)
VALUES (tests.recall('pump'), tests.recall('seal'), 1, true, tests.recall('s1'), 2);
SELECT is((SELECT (quantity, is_critical, vendor_id)::text FROM app.purchase_requests WHERE part_id = tests.recall('seal')),
  format('(2,t,%s)', tests.recall('quick')), 'a critical spare below its minimum raises a request (the quickest vendor when none is preferred)');
SELECT is((SELECT array_agg(part_id) FROM app.parts_below_reorder_point), ARRAY[tests.recall('seal')], 'the view lists what is below its level');
SELECT tests.act_as(tests.recall('tech'), tests.recall('t'));
SELECT is((SELECT count(*) FROM app.equipment_spare_parts WHERE equipment_id = tests.recall('pump')), 1::bigint, 'the spare-parts list is read with the asset');

-- Updates and deletes: stock.manage at the site (the technician's change nothing), partner.manage for roles.
SELECT tests.act_as(tests.recall('tech'), tests.recall('t'));
UPDATE app.storerooms SET name = 'Renamed';
UPDATE app.storeroom_bins SET is_active = false;
UPDATE app.part_storeroom_settings SET reorder_point = 0;
SELECT is(tests.refusal($$UPDATE app.equipment_spare_parts SET quantity = 9$$), 'PT403 permission.missing',
  'a technician reads the asset''s spare-parts list but cannot change it');
DELETE FROM app.equipment_spare_parts;
DELETE FROM app.vendor_parts;
DELETE FROM app.partner_roles WHERE partner_id = tests.recall('quick');
SELECT is(tests.refusal(format($$SELECT app.soft_delete('storeroom_bin', %L, 'x')$$, tests.recall('b2'))), 'PT403 permission.missing',
  'a technician moves no bin to the trash');
DELETE FROM app.part_storeroom_settings;
SELECT tests.act_as(tests.recall('keeper'), tests.recall('t'));
UPDATE app.vendor_parts SET unit_price = 3.5 WHERE part_id = tests.recall('seal');
UPDATE app.storerooms SET name = 'Main store, plant 1' WHERE id = tests.recall('s1');
UPDATE app.storeroom_bins SET is_active = false WHERE id = tests.recall('b1b');
UPDATE app.equipment_spare_parts SET notes = 'keep two' WHERE part_id = tests.recall('seal');
SELECT tests.act_as_owner();
SELECT is((SELECT string_agg(name, ',' ORDER BY code) FROM app.storerooms WHERE organization_id = tests.recall('t')), 'Main store, plant 1,Plant 2 store',
  'storerooms change with stock.manage only');
SELECT is((SELECT string_agg(code || ':' || is_active, ',' ORDER BY code) FROM app.storeroom_bins WHERE organization_id = tests.recall('t')),
  'A-01:true,A-02:false,B-01:true', 'bins too');
SELECT is((SELECT (reorder_point, count(*) OVER ())::text FROM app.part_storeroom_settings WHERE organization_id = tests.recall('t')), '(4,1)',
  'reorder settings too');
SELECT is((SELECT (quantity, notes)::text FROM app.equipment_spare_parts WHERE organization_id = tests.recall('t')), '(1,"keep two")',
  'spare-parts lists too');
SELECT is((SELECT string_agg(coalesce(unit_price::text, '-'), ',' ORDER BY unit_price) FROM app.vendor_parts WHERE organization_id = tests.recall('t')),
  '3.5,11.9,15', 'vendor parts too');
SELECT is((SELECT count(*) FROM app.partner_roles WHERE organization_id = tests.recall('t')), 2::bigint, 'partner roles with partner.manage only');

-- Another tenant sees and changes nothing.
SELECT tests.act_as(tests.recall('b_admin'), tests.recall('b'));
SELECT is((SELECT count(*) FROM app.storerooms) + (SELECT count(*) FROM app.part_stock) + (SELECT count(*) FROM app.stock_movements)
          + (SELECT count(*) FROM app.purchase_requests) + (SELECT count(*) FROM app.equipment_spare_parts) + (SELECT count(*) FROM app.vendor_parts),
  0::bigint, 'another tenant''s admin sees none of it');
SELECT is(tests.refusal(format($$SELECT app.receive_stock(%L, %L, 1)$$, tests.recall('part'), tests.recall('b1a'))), 'PT404 bin.not_found',
  'nor receives into its bins');
SELECT is(tests.refusal(format($$SELECT app.set_purchase_request_status(%L, 'cancelled', 'x')$$, tests.recall('pr'))), 'PT404 purchase_request.not_found',
  'nor touches its purchase requests');

SELECT * FROM finish();
ROLLBACK;
