-- The trash for maintenance master data (migration maintenance/soft_delete,
-- db/functions/90_maintenance/98_soft_delete.sql): assets (their equipment),
-- meters, failure codes, storerooms and bins are moved to the trash by the
-- RPC, never deleted by API roles; the delete permission is checked at the
-- row's plant; trashed rows disappear from every read (policies, hierarchy,
-- spatial pickers, search) but trash.manage's, who restores them; trashing
-- is refused where open work or stock needs the row; the purge keeps what
-- history still references.
BEGIN;
SELECT plan(56);

SELECT tests.remember('t', tests.create_tenant());
SELECT tests.remember('b', tests.create_tenant());
SELECT tests.remember('plant_a', tests.create_site(tests.recall('t')));
SELECT tests.remember('plant_b', tests.create_site(tests.recall('t')));
SELECT tests.remember('class', tests.create_equipment_class(tests.recall('t'), p_requires_calibration => false));
SELECT tests.remember('line', tests.create_equipment(tests.recall('t'), tests.recall('class'), tests.recall('plant_a'), NULL, 'Line 1'));
SELECT tests.remember('press', tests.create_equipment(tests.recall('t'), tests.recall('class'), tests.recall('plant_a'), tests.recall('line'), 'Press'));
SELECT tests.remember('pump_b', tests.create_equipment(tests.recall('t'), tests.recall('class'), tests.recall('plant_b'), NULL, 'Pump B'));
INSERT INTO app.assets (organization_id, equipment_id, level, longitude, latitude) VALUES
  (tests.recall('t')::uuid, tests.recall('line')::uuid, 'line', 10.0, 50.0),
  (tests.recall('t')::uuid, tests.recall('press')::uuid, 'machine', 10.001, 50.0),
  (tests.recall('t')::uuid, tests.recall('pump_b')::uuid, 'machine', 10.002, 50.0);
SELECT tests.remember('admin', tests.create_member(tests.recall('t'), 'admin'));
SELECT tests.remember('planner', tests.create_member(tests.recall('t'), 'maintenance_planner'));
-- Reads both plants (technician tenant-wide), manages plant A only.
SELECT tests.remember('planner_a', tests.create_member(tests.recall('t'), 'technician'));
SELECT tests.grant_role(tests.recall('t'), tests.recall('planner_a'), 'maintenance_planner', tests.recall('plant_a'));
SELECT tests.remember('tech_a', tests.create_member(tests.recall('t'), 'technician', tests.recall('plant_a')));
SELECT tests.remember('keeper_a', tests.create_member(tests.recall('t'), 'storekeeper', tests.recall('plant_a')));
SELECT tests.remember('other', tests.create_member(tests.recall('b'), 'admin'));
SELECT tests.remember('part', tests.create_part(tests.recall('t')));

SELECT tests.act_as(tests.recall('planner'), tests.recall('t'));
WITH m AS (INSERT INTO app.meters (equipment_id, name, unit) VALUES (tests.recall('press'), 'Strokes', '1') RETURNING id)
SELECT tests.remember('meter', id) FROM m;
WITH m AS (INSERT INTO app.meters (equipment_id, name, unit) VALUES (tests.recall('pump_b'), 'Hours', '1') RETURNING id)
SELECT tests.remember('meter_b', id) FROM m;
WITH c AS (INSERT INTO app.failure_codes (kind, code, name) VALUES ('problem', 'LEAK', 'Leak') RETURNING id) SELECT tests.remember('leak', id) FROM c;
WITH c AS (INSERT INTO app.failure_codes (kind, code, name) VALUES ('cause', 'WORN', 'Worn') RETURNING id) SELECT tests.remember('worn', id) FROM c;
WITH c AS (INSERT INTO app.failure_codes (kind, code, name) VALUES ('remedy', 'SWAP', 'Swap') RETURNING id) SELECT tests.remember('swap', id) FROM c;
INSERT INTO app.failure_code_combinations (class_id, problem_id, cause_id, remedy_id)
VALUES (tests.recall('class'), tests.recall('leak'), tests.recall('worn'), tests.recall('swap'));
SELECT tests.act_as(tests.recall('keeper_a'), tests.recall('t'));
WITH s AS (INSERT INTO app.storerooms (site_id, code, name) VALUES (tests.recall('plant_a'), 'SA', 'Store A') RETURNING id) SELECT tests.remember('store', id) FROM s;
WITH b AS (INSERT INTO app.storeroom_bins (storeroom_id, code) VALUES (tests.recall('store'), 'A-01') RETURNING id) SELECT tests.remember('bin1', id) FROM b;
WITH b AS (INSERT INTO app.storeroom_bins (storeroom_id, code) VALUES (tests.recall('store'), 'A-02') RETURNING id) SELECT tests.remember('bin2', id) FROM b;
SELECT app.receive_stock(tests.recall('part'), tests.recall('bin1'), 2);

-- The registration.
SELECT tests.act_as_owner();
SELECT set_eq($$SELECT entity_type, delete_permission, site_function::text FROM app_private.soft_delete_types
                WHERE entity_type IN ('equipment', 'meter', 'failure_code', 'storeroom', 'storeroom_bin')$$,
  $$VALUES ('equipment', 'equipment.manage', 'app_private.equipment_site(uuid,uuid)'),
           ('meter', 'asset.manage', 'app_private.meter_site(uuid,uuid)'), ('failure_code', 'asset.manage', NULL),
           ('storeroom', 'stock.manage', 'app_private.storeroom_site(uuid,uuid)'),
           ('storeroom_bin', 'stock.manage', 'app_private.storeroom_bin_site(uuid,uuid)')$$,
  'assets (equipment), meters, failure codes, storerooms and bins have a trash, site-scoped but failure codes');

-- No plain DELETE: the RPC moves rows to the trash.
SELECT tests.act_as(tests.recall('planner'), tests.recall('t'));
SELECT is(tests.refusal(format('DELETE FROM app.equipment WHERE id = %L', tests.recall('pump_b'))), '42501', 'no DELETE on equipment');
SELECT is(tests.refusal(format('DELETE FROM app.assets WHERE equipment_id = %L', tests.recall('pump_b'))), '42501', 'nor on assets');
SELECT is(tests.refusal(format('DELETE FROM app.meters WHERE id = %L', tests.recall('meter'))), '42501', 'nor on meters');
SELECT is(tests.refusal(format('DELETE FROM app.failure_codes WHERE id = %L', tests.recall('leak'))), '42501', 'nor on failure codes');
SELECT tests.act_as(tests.recall('keeper_a'), tests.recall('t'));
SELECT is(tests.refusal(format('DELETE FROM app.storerooms WHERE id = %L', tests.recall('store'))), '42501', 'nor on storerooms');
SELECT is(tests.refusal(format('DELETE FROM app.storeroom_bins WHERE id = %L', tests.recall('bin2'))), '42501', 'nor on bins');

-- Who may: the delete permission at the row's plant.
SELECT tests.act_as(tests.recall('tech_a'), tests.recall('t'));
SELECT is(tests.refusal(format($$SELECT app.soft_delete('meter', %L, 'x')$$, tests.recall('meter'))), 'PT403 permission.missing',
  'a technician moves no meter to the trash');
SELECT is(tests.refusal(format($$SELECT app.soft_delete('equipment', %L, 'x')$$, tests.recall('press'))), 'PT403 permission.missing',
  'nor an asset');
SELECT tests.act_as(tests.recall('planner_a'), tests.recall('t'));
SELECT is(tests.refusal(format($$SELECT app.soft_delete('meter', %L, 'x')$$, tests.recall('meter_b'))), 'PT403 permission.missing',
  'a planner of plant A who reads plant B moves none of its meters to the trash');
SELECT is(tests.refusal(format($$SELECT app.soft_delete('equipment', %L, 'x')$$, tests.recall('pump_b'))), 'PT403 permission.missing',
  'nor its assets');
SELECT is(tests.refusal(format($$SELECT app.soft_delete('failure_code', %L, 'x')$$, tests.recall('leak'))), 'PT403 permission.missing',
  'nor the tenant''s failure codes');
SELECT tests.act_as(tests.recall('other'), tests.recall('b'));
SELECT is(tests.refusal(format($$SELECT app.soft_delete('equipment', %L, 'x')$$, tests.recall('pump_b'))), 'PT404 entity.not_found',
  'another tenant''s admin finds nothing to trash');
SELECT tests.act_as(tests.recall('planner_a'), tests.recall('t'));
SELECT lives_ok(format($$SELECT app.soft_delete('meter', %L, 'sensor removed')$$, tests.recall('meter')),
  'the planner of plant A moves its meter to the trash');

-- Hidden from every read but trash.manage's.
SELECT is((SELECT count(*)::int FROM app.meters WHERE id = tests.recall('meter')), 0, 'the meter is gone from their reads');
SELECT tests.act_as(tests.recall('planner'), tests.recall('t'));
SELECT is((SELECT count(*)::int FROM app.meters WHERE id = tests.recall('meter')), 0, 'and from every planner''s');
SELECT tests.act_as(tests.recall('admin'), tests.recall('t'));
SELECT is((SELECT deletion_reason FROM app.meters WHERE id = tests.recall('meter')), 'sensor removed', 'trash.manage sees it, with the reason');
UPDATE app.meters SET name = 'Edited' WHERE id = tests.recall('meter');
SELECT is((SELECT name FROM app.meters WHERE id = tests.recall('meter')), 'Strokes', 'nobody edits a trashed meter');
SELECT matches(tests.refusal(format($$INSERT INTO app.meter_readings (meter_id, read_at, value) VALUES (%L, now(), 1)$$, tests.recall('meter'))),
  '^42501', 'nor records a reading on it');
SELECT is((SELECT array_agg(entity_type || ':' || title) FROM app.trash(ARRAY['meter'])), ARRAY['meter:Strokes'], 'app.trash lists it');
SELECT tests.act_as(tests.recall('tech_a'), tests.recall('t'));
SELECT is(tests.refusal(format($$SELECT app.restore('meter', %L)$$, tests.recall('meter'))), 'PT403 permission.missing',
  'restoring needs trash.manage');
SELECT tests.act_as(tests.recall('other'), tests.recall('b'));
SELECT is(tests.refusal(format($$SELECT app.restore('meter', %L)$$, tests.recall('meter'))), 'PT404 entity.not_found',
  'another tenant restores nothing');
SELECT tests.act_as(tests.recall('admin'), tests.recall('t'));
SELECT lives_ok(format($$SELECT app.restore('meter', %L)$$, tests.recall('meter')), 'trash.manage restores it');
SELECT tests.act_as(tests.recall('planner'), tests.recall('t'));
SELECT is((SELECT name FROM app.meters WHERE id = tests.recall('meter')), 'Strokes', 'live again for planners');

-- Failure codes: a trashed code is hidden, uneditable, and refused on work.
SELECT lives_ok(format($$SELECT app.soft_delete('failure_code', %L, 'merged into another')$$, tests.recall('swap')),
  'a planner moves a failure code to the trash');
SELECT is((SELECT count(*)::int FROM app.failure_codes WHERE id = tests.recall('swap')), 0, 'it leaves the list');
SELECT tests.act_as(tests.recall('admin'), tests.recall('t'));
UPDATE app.failure_codes SET name = 'Edited' WHERE id = tests.recall('swap');
SELECT is((SELECT name FROM app.failure_codes WHERE id = tests.recall('swap')), 'Swap', 'nobody edits it in the trash');
SELECT is(tests.refusal(format($$SELECT app.check_failure_codes(%L, %L, %L, %L)$$, tests.recall('press'), tests.recall('leak'),
                                tests.recall('worn'), tests.recall('swap'))),
  'PT422 failure_code.inactive', 'and work orders refuse it like an inactive code, even from trash.manage');

-- Assets: refused with children, open work or active schedules; then hidden from hierarchy, pickers and search.
SELECT tests.act_as(tests.recall('planner'), tests.recall('t'));
SELECT is(tests.refusal(format($$SELECT app.soft_delete('equipment', %L, 'line dismantled')$$, tests.recall('line'))),
  'PT409 asset.has_children', 'an asset whose parts are live is not moved to the trash');
SELECT tests.remember('tpl', (app.define_work_order_template('pm-press', 'Press check', 'preventive', 'Check')).id);
SELECT tests.remember('sched', (app.define_pm_schedule(tests.recall('press'), tests.recall('tpl'), 'Press by strokes',
                                                        meter_id => tests.recall('meter'), meter_interval => 1000)).id);
SELECT is(tests.refusal(format($$SELECT app.soft_delete('meter', %L, 'x')$$, tests.recall('meter'))), 'PT409 meter.pm_scheduled',
  'a meter an active schedule counts on is not moved to the trash');
SELECT is(tests.refusal(format($$SELECT app.soft_delete('equipment', %L, 'x')$$, tests.recall('press'))), 'PT409 asset.pm_scheduled',
  'nor its asset (the delete guard''s reason)');
SELECT app.set_pm_schedule_active(tests.recall('sched'), false);
SELECT tests.remember('wo', (app.create_work_order(tests.recall('press'), 'preventive', 'Check the press')).id);
SELECT is(tests.refusal(format($$SELECT app.soft_delete('equipment', %L, 'x')$$, tests.recall('press'))), 'PT409 asset.open_work',
  'nor an asset with open work');
SELECT app.transition_work_order(tests.recall('wo'), 'cancelled', 'not needed');
SELECT lives_ok(format($$SELECT app.soft_delete('equipment', %L, 'scrapped')$$, tests.recall('press')),
  'an asset with history and no open work goes to the trash');
SELECT lives_ok(format($$SELECT app.soft_delete('equipment', %L, 'line dismantled')$$, tests.recall('line')),
  'then its parent');
SELECT is((SELECT count(*)::int FROM app.equipment WHERE id IN (tests.recall('press')::uuid, tests.recall('line')::uuid))
          + (SELECT count(*)::int FROM app.assets WHERE equipment_id IN (tests.recall('press')::uuid, tests.recall('line')::uuid))
          + (SELECT count(*)::int FROM app.meters WHERE id = tests.recall('meter')), 0,
  'planners no longer read the equipment, its asset row or its meters');
SELECT tests.act_as(tests.recall('admin'), tests.recall('t'));
SELECT is((SELECT count(*)::int FROM app.equipment WHERE id IN (tests.recall('press')::uuid, tests.recall('line')::uuid) AND deleted_at IS NOT NULL), 2,
  'trash.manage does');
UPDATE app.equipment SET name = 'Edited' WHERE id = tests.recall('press');
UPDATE app.assets SET criticality = 'A' WHERE equipment_id = tests.recall('press');
SELECT is((SELECT name || '/' || coalesce(a.criticality, '-') FROM app.equipment AS e JOIN app.assets AS a ON a.equipment_id = e.id
            WHERE e.id = tests.recall('press')), 'Press/B', 'and edits neither the equipment nor its asset row');
SELECT is_empty(format($$SELECT FROM app.equipment_tree(%L)$$, tests.recall('line')), 'the hierarchy reads skip the trash: the tree');
SELECT is_empty(format($$SELECT FROM app.equipment_ancestors(%L)$$, tests.recall('press')), 'and the ancestry');
SELECT is((SELECT array_agg(equipment_id) FROM app.assets_within(10.0, 50.0, 1000)), ARRAY[tests.recall('pump_b')::uuid],
  'assets within a radius skip the trash, even for trash.manage');
SELECT is((SELECT array_agg(equipment_id) FROM app.nearest_assets(10.0, 50.0, 1)), ARRAY[tests.recall('pump_b')::uuid],
  'the nearest assets widen past it');
SELECT is_empty($$SELECT FROM app.search('Press', ARRAY['equipment'])$$, 'search never finds it');
SELECT is(tests.refusal(format($$SELECT app.soft_delete('equipment', %L, 'again')$$, tests.recall('press'))), 'PT409 entity.already_deleted',
  'trashing it twice is a conflict');

-- Stores: a storeroom goes after its bins, a bin once it is empty.
SELECT tests.act_as(tests.recall('keeper_a'), tests.recall('t'));
SELECT is(tests.refusal(format($$SELECT app.soft_delete('storeroom', %L, 'x')$$, tests.recall('store'))), 'PT409 storeroom.has_bins',
  'a storeroom with live bins is not moved to the trash');
SELECT is(tests.refusal(format($$SELECT app.soft_delete('storeroom_bin', %L, 'x')$$, tests.recall('bin1'))), 'PT409 storeroom_bin.has_stock',
  'nor a bin holding parts');
SELECT app.transfer_stock(tests.recall('part'), tests.recall('bin1'), tests.recall('bin2'), 2);
SELECT lives_ok(format($$SELECT app.soft_delete('storeroom_bin', %L, 'emptied')$$, tests.recall('bin1')), 'an emptied bin is');
SELECT is((SELECT array_agg(code) FROM app.storeroom_bins), ARRAY['A-02'], 'and leaves the storekeeper''s reads');
SELECT tests.act_as(tests.recall('admin'), tests.recall('t'));
UPDATE app.storeroom_bins SET is_active = false WHERE id = tests.recall('bin1');
SELECT is((SELECT is_active FROM app.storeroom_bins WHERE id = tests.recall('bin1')), true, 'a trashed bin is not edited');
SELECT tests.act_as_owner();
UPDATE app.storeroom_bins SET deleted_at = NULL, deleted_by = NULL, deletion_reason = NULL WHERE id = tests.recall('bin2');
UPDATE app.part_stock SET on_hand = 0, reserved = 0 WHERE bin_id = tests.recall('bin2');
UPDATE app.storeroom_bins SET deleted_at = now(), deletion_reason = 'test' WHERE id = tests.recall('bin2');
SELECT tests.act_as(tests.recall('keeper_a'), tests.recall('t'));
SELECT lives_ok(format($$SELECT app.soft_delete('storeroom', %L, 'store closed')$$, tests.recall('store')), 'then the storeroom');
SELECT is((SELECT count(*)::int FROM app.storerooms), 0, 'which leaves their reads');
SELECT tests.act_as(tests.recall('admin'), tests.recall('t'));
UPDATE app.storerooms SET name = 'Edited' WHERE id = tests.recall('store');
SELECT is((SELECT name FROM app.storerooms WHERE id = tests.recall('store')), 'Store A', 'and is not edited in the trash');

-- The purge: what history references stays in the trash.
SELECT tests.act_as(tests.recall('planner'), tests.recall('t'));
SELECT lives_ok(format($$SELECT app.soft_delete('meter', %L, 'duplicate')$$, tests.recall('meter_b')), 'a meter without readings goes to the trash');
SELECT tests.act_as_owner();
UPDATE app.meters SET deleted_at = now() - interval '40 days' WHERE id = tests.recall('meter_b')::uuid;
UPDATE app.equipment SET deleted_at = now() - interval '40 days' WHERE organization_id = tests.recall('t')::uuid AND deleted_at IS NOT NULL;
UPDATE app.failure_codes SET deleted_at = now() - interval '40 days' WHERE id = tests.recall('swap')::uuid;
UPDATE app.storeroom_bins SET deleted_at = now() - interval '40 days' WHERE storeroom_id = tests.recall('store')::uuid;
UPDATE app.storerooms SET deleted_at = now() - interval '40 days' WHERE id = tests.recall('store')::uuid;
SELECT app_private.purge_trash();
SELECT is((SELECT count(*)::int FROM app.equipment WHERE id = tests.recall('press')::uuid), 1,
  'the purge keeps an asset its work orders name (asset.has_history), in the trash');
SELECT is((SELECT count(*)::int FROM app.storeroom_bins WHERE storeroom_id = tests.recall('store')::uuid), 2,
  'and bins the stock ledger names (a restricting foreign key: kept, not an error)');
SELECT is((SELECT count(*)::int FROM app.equipment WHERE id = tests.recall('line')::uuid), 1, 'and a line its trashed part names');
SELECT is((SELECT count(*)::int FROM app.meters WHERE id = tests.recall('meter_b')::uuid)
          + (SELECT count(*)::int FROM app.failure_codes WHERE id = tests.recall('swap')::uuid)
          + (SELECT count(*)::int FROM app.failure_code_combinations WHERE organization_id = tests.recall('t')::uuid), 0,
  'it deletes for good what nothing keeps: the meter, the failure code with its allowed combinations');

SELECT * FROM finish();
ROLLBACK;
