-- Maintenance stores: the guards each policy and trigger stands for. Inserts
-- ask for the permission per statement, the tenant guard names its reason,
-- keys stay fixed, deletes and reads follow the site, a reorder setting is
-- checked the moment it is written.
BEGIN;
SELECT plan(31);

SELECT tests.remember('t', tests.create_tenant());
SELECT tests.remember('b', tests.create_tenant());
SELECT tests.remember('site1', tests.create_site(tests.recall('t')));
SELECT tests.remember('site2', tests.create_site(tests.recall('t')));
SELECT tests.remember('admin', tests.create_member(tests.recall('t'), 'admin'));
SELECT tests.remember('keeper', tests.create_member(tests.recall('t'), 'storekeeper'));
SELECT tests.remember('tech', tests.create_member(tests.recall('t'), 'technician', tests.recall('site1')));
SELECT tests.remember('pump', tests.create_equipment(tests.recall('t'), tests.create_equipment_class(tests.recall('t'), p_requires_calibration => false),
                                                     tests.recall('site1')));
SELECT tests.remember('part', tests.create_part(tests.recall('t')));
SELECT tests.remember('part2', tests.create_part(tests.recall('t')));
SELECT tests.remember('vendor', tests.create_partner(tests.recall('t'), 'supplier'));

SELECT tests.act_as(tests.recall('keeper'), tests.recall('t'));
WITH s AS (INSERT INTO app.storerooms (site_id, code, name) VALUES (tests.recall('site1'), 'S1', 'Store 1') RETURNING id) SELECT tests.remember('s1', id) FROM s;
WITH s AS (INSERT INTO app.storerooms (site_id, code, name) VALUES (tests.recall('site2'), 'S2', 'Store 2') RETURNING id) SELECT tests.remember('s2', id) FROM s;
WITH b AS (INSERT INTO app.storeroom_bins (storeroom_id, code) VALUES (tests.recall('s1'), 'A-01') RETURNING id) SELECT tests.remember('b1', id) FROM b;
WITH b AS (INSERT INTO app.storeroom_bins (storeroom_id, code) VALUES (tests.recall('s2'), 'B-01') RETURNING id) SELECT tests.remember('b2', id) FROM b;
SELECT app.receive_stock(tests.recall('part'), tests.recall('b1'), 3);
SELECT app.receive_stock(tests.recall('part'), tests.recall('b2'), 3);

-- The permission is asked per statement: even an insert of no rows.
SELECT tests.act_as(tests.recall('tech'), tests.recall('t'));
SELECT is(tests.refusal($$INSERT INTO app.storerooms (site_id, code, name) SELECT id, 'X', 'X' FROM app.sites WHERE false$$), 'PT403 permission.missing',
  'storerooms: stock.manage for the statement');
SELECT is(tests.refusal($$INSERT INTO app.storeroom_bins (storeroom_id, code) SELECT id, 'X' FROM app.storerooms WHERE false$$), 'PT403 permission.missing',
  'bins too');
SELECT is(tests.refusal($$INSERT INTO app.part_storeroom_settings (part_id, storeroom_id, reorder_point, reorder_quantity) SELECT id, id, 1, 1 FROM app.parts WHERE false$$),
  'PT403 permission.missing', 'reorder settings too');
SELECT is(tests.refusal($$INSERT INTO app.equipment_spare_parts (equipment_id, part_id) SELECT id, id FROM app.equipment WHERE false$$),
  'PT403 permission.missing', 'spare-parts lists too');
SELECT is(tests.refusal($$INSERT INTO app.vendor_parts (partner_id, part_id, lead_time_days) SELECT id, id, 1 FROM app.parts WHERE false$$),
  'PT403 permission.missing', 'vendor parts too');
SELECT tests.act_as(tests.recall('keeper'), tests.recall('t'));
SELECT is(tests.refusal($$INSERT INTO app.partner_roles (partner_id, role) SELECT id, 'vendor' FROM app.partners WHERE false$$),
  'PT403 permission.missing', 'partner roles: partner.manage for the statement');

-- The tenant guard names its reason.
SELECT is(tests.refusal(format($$INSERT INTO app.storerooms (organization_id, site_id, code, name) VALUES (%L, %L, 'X', 'X')$$, tests.recall('b'), tests.recall('site1'))),
  '42501 tenant.foreign_row', 'a storeroom of another tenant is refused by the tenant guard');
SELECT tests.act_as(tests.recall('admin'), tests.recall('t'));
SELECT is(tests.refusal(format($$INSERT INTO app.partner_roles (organization_id, partner_id, role) VALUES (%L, %L, 'vendor')$$, tests.recall('b'), tests.recall('vendor'))),
  '42501 tenant.foreign_row', 'a partner role of another tenant too');
INSERT INTO app.partner_roles (partner_id, role) VALUES (tests.recall('vendor'), 'vendor'), (tests.recall('vendor'), 'contractor');

-- Keys and places stay fixed.
SELECT tests.act_as(tests.recall('keeper'), tests.recall('t'));
INSERT INTO app.vendor_parts (partner_id, part_id, lead_time_days) VALUES (tests.recall('vendor'), tests.recall('part'), 5);
INSERT INTO app.equipment_spare_parts (equipment_id, part_id, quantity) VALUES (tests.recall('pump'), tests.recall('part'), 2);
SELECT is(tests.refusal(format($$UPDATE app.storerooms SET site_id = %L WHERE id = %L$$, tests.recall('site2'), tests.recall('s1'))), 'PT409 row.fixed_column',
  'a storeroom keeps its site');
SELECT is(tests.refusal(format($$UPDATE app.storeroom_bins SET storeroom_id = %L WHERE id = %L$$, tests.recall('s2'), tests.recall('b1'))), 'PT409 row.fixed_column',
  'a bin keeps its storeroom');
SELECT is(tests.refusal(format($$UPDATE app.vendor_parts SET part_id = %L$$, tests.recall('part2'))), 'PT409 row.fixed_column', 'a vendor part keeps its part');
SELECT is(tests.refusal(format($$UPDATE app.equipment_spare_parts SET part_id = %L$$, tests.recall('part2'))), 'PT409 row.fixed_column',
  'a spare-parts line keeps its part');

-- A setting is checked when written: 3 available, point 5 -> a request at once.
INSERT INTO app.part_storeroom_settings (part_id, storeroom_id, reorder_point, reorder_quantity) VALUES (tests.recall('part'), tests.recall('s1'), 5, 10);
SELECT is((SELECT count(*) FROM app.purchase_requests WHERE storeroom_id = tests.recall('s1')), 1::bigint, 'a new reorder point above the stock raises a request');
SELECT is(tests.refusal(format($$UPDATE app.part_storeroom_settings SET storeroom_id = %L$$, tests.recall('s2'))), 'PT409 row.fixed_column',
  'a reorder setting keeps its storeroom');
UPDATE app.part_storeroom_settings SET reorder_quantity = 12;
SELECT is((SELECT reorder_quantity FROM app.part_storeroom_settings), 12::numeric, 'the storekeeper changes a reorder setting');

-- Reads follow the site.
SELECT tests.act_as(tests.recall('tech'), tests.recall('t'));
SELECT is((SELECT count(*) FROM app.part_storeroom_settings), 1::bigint, 'a plant-scoped technician reads the plant''s reorder settings');
SELECT is((SELECT array_agg(DISTINCT bin_id) FROM app.stock_movements), ARRAY[tests.recall('b1')], 'and its movements only');
SELECT is((SELECT array_agg(role ORDER BY role) FROM app.partner_roles), ARRAY['vendor', 'contractor']::app.partner_role_kind[], 'vendors and contractors are read');
SELECT is((SELECT count(*) FROM app.purchase_requests), 1::bigint, 'and purchase requests of the plant');
SELECT tests.act_as(tests.create_member(tests.recall('b'), 'admin'), tests.recall('b'));
SELECT is((SELECT count(*) FROM app.part_storeroom_settings) + (SELECT count(*) FROM app.partner_roles) + (SELECT count(*) FROM app.stock_reservations)
          + (SELECT count(*) FROM app.storeroom_bins), 0::bigint, 'another tenant reads none of it');

-- A platform operator reads every stores table of the tenant.
SELECT tests.act_as(tests.create_operator(), tests.recall('t'));
SELECT is((SELECT ARRAY[(SELECT count(*) FROM app.storerooms WHERE organization_id = tests.recall('t')),
                        (SELECT count(*) FROM app.storeroom_bins WHERE organization_id = tests.recall('t')),
                        (SELECT count(*) FROM app.part_stock WHERE organization_id = tests.recall('t')),
                        (SELECT count(*) FROM app.stock_movements WHERE organization_id = tests.recall('t')),
                        (SELECT count(*) FROM app.part_storeroom_settings WHERE organization_id = tests.recall('t')),
                        (SELECT count(*) FROM app.equipment_spare_parts WHERE organization_id = tests.recall('t')),
                        (SELECT count(*) FROM app.partner_roles WHERE organization_id = tests.recall('t')),
                        (SELECT count(*) FROM app.vendor_parts WHERE organization_id = tests.recall('t')),
                        (SELECT count(*) FROM app.purchase_requests WHERE organization_id = tests.recall('t'))]),
  ARRAY[2, 2, 2, 2, 1, 1, 2, 1, 1]::bigint[], 'an operator reads the stores tables');
SELECT tests.act_as(tests.recall('keeper'), tests.recall('t'));
SELECT app.reserve_stock(tests.recall('part'), 1, 'equipment', tests.recall('pump'), tests.recall('b1'));
SELECT tests.act_as(tests.create_operator(), tests.recall('t'));
SELECT is((SELECT count(*) FROM app.stock_reservations WHERE organization_id = tests.recall('t')), 1::bigint, 'and the reservations');

-- Deletes: the technician's delete nothing; the storekeeper's (partner.manage for roles) do.
SELECT tests.act_as(tests.recall('tech'), tests.recall('t'));
DELETE FROM app.part_storeroom_settings;
SELECT is(tests.refusal(format('DELETE FROM app.storeroom_bins WHERE id = %L', tests.recall('b1'))), '42501',
  'nobody deletes a bin (they are moved to the trash)');
SELECT tests.act_as(tests.recall('keeper'), tests.recall('t'));
SELECT is((SELECT count(*) FROM app.part_storeroom_settings), 1::bigint, 'a technician deletes no reorder setting');
DELETE FROM app.part_storeroom_settings;
SELECT is((SELECT count(*) FROM app.part_storeroom_settings), 0::bigint, 'the storekeeper does');
DELETE FROM app.equipment_spare_parts;
SELECT is((SELECT count(*) FROM app.equipment_spare_parts), 0::bigint, 'and spare-parts lines');
DELETE FROM app.vendor_parts;
SELECT is((SELECT count(*) FROM app.vendor_parts), 0::bigint, 'and vendor parts');
WITH b AS (INSERT INTO app.storeroom_bins (storeroom_id, code) VALUES (tests.recall('s1'), 'EMPTY') RETURNING id) SELECT tests.remember('empty', id) FROM b;
SELECT app.soft_delete('storeroom_bin', tests.recall('empty'), 'never used');
SELECT is((SELECT count(*) FROM app.storeroom_bins WHERE id = tests.recall('empty')), 0::bigint, 'and moves an empty bin to the trash');
WITH s AS (INSERT INTO app.storerooms (site_id, code, name) VALUES (tests.recall('site1'), 'S9', 'Unused') RETURNING id) SELECT tests.remember('s9', id) FROM s;
SELECT app.soft_delete('storeroom', tests.recall('s9'), 'never used');
SELECT is((SELECT count(*) FROM app.storerooms WHERE id = tests.recall('s9')), 0::bigint, 'and an unused storeroom');
DELETE FROM app.partner_roles WHERE role = 'contractor';
SELECT is((SELECT count(*) FROM app.partner_roles), 2::bigint, 'but not partner roles');
SELECT tests.act_as(tests.recall('admin'), tests.recall('t'));
DELETE FROM app.partner_roles WHERE role = 'contractor';
SELECT is((SELECT count(*) FROM app.partner_roles), 1::bigint, 'partner.manage deletes them');

SELECT * FROM finish();
ROLLBACK;
