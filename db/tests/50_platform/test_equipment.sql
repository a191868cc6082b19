-- The equipment register: human ids, site-scoped reads and writes, the
-- hierarchy without cycles, calibration records and status, the rule of use,
-- the uses since the last good calibration, the due notices.
BEGIN;
SELECT plan(46);

SELECT tests.remember('a', tests.create_workflow_tenant());
SELECT tests.remember('b', tests.create_workflow_tenant());
SELECT tests.remember('s1', tests.create_site(tests.recall('a')));
SELECT tests.remember('s2', tests.create_site(tests.recall('a')));
SELECT tests.remember('lab_manager', tests.create_member(tests.recall('a'), 'lab_manager'));
SELECT tests.remember('planner_s1', tests.create_member(tests.recall('a'), 'maintenance_planner', tests.recall('s1')));
SELECT tests.remember('tech_s1', tests.create_member(tests.recall('a'), 'technician', tests.recall('s1')));
SELECT tests.remember('tech_s2', tests.create_member(tests.recall('a'), 'technician', tests.recall('s2')));
SELECT tests.remember('calibrated', tests.create_equipment_class(tests.recall('a'), 'caliper', true, 365, 30));
SELECT tests.remember('plain', tests.create_equipment_class(tests.recall('a'), 'workbench', false, NULL));
SELECT tests.remember('project', tests.create_project(tests.recall('a')));

-- Creating equipment: equipment.manage, tenant-wide or at the site.
SELECT tests.act_as(tests.recall('lab_manager'), tests.recall('a'));
INSERT INTO app.equipment (name, class_id, site_id, manufacturer, model, serial_number)
VALUES ('Caliper 1', tests.recall('calibrated'), tests.recall('s1'), 'Mitutoyo', 'CD-15', 'SN-1');
SELECT tests.remember('g1', (SELECT id FROM app.equipment WHERE name = 'Caliper 1'));
INSERT INTO app.equipment (name, class_id, site_id) VALUES ('Caliper 2', tests.recall('calibrated'), tests.recall('s2'));
SELECT tests.remember('g2', (SELECT id FROM app.equipment WHERE name = 'Caliper 2'));
INSERT INTO app.equipment (name, class_id) VALUES ('Bench', tests.recall('plain'));
SELECT tests.remember('bench', (SELECT id FROM app.equipment WHERE name = 'Bench'));
SELECT is((SELECT array_agg(equipment_number ORDER BY equipment_number) FROM app.equipment),
  ARRAY['EQ-000001', 'EQ-000002', 'EQ-000003'], 'equipment gets the tenant''s next human ids');
SELECT is((SELECT created_by FROM app.equipment WHERE id = tests.recall('g1')), tests.recall('lab_manager'), 'the creator is recorded');
SELECT is(tests.refusal($$UPDATE app.equipment SET status = 'bogus' WHERE id = tests.recall('g1')$$), '22P02',
  'status is one of the equipment statuses');

SELECT tests.act_as_role(tests.recall('a'), 'qa');
SELECT is(tests.refusal($$INSERT INTO app.equipment (name, class_id) VALUES ('Mine', tests.recall('plain'))$$),
  'PT403 permission.missing', 'a lesser role cannot create equipment');

SELECT tests.act_as(tests.recall('planner_s1'), tests.recall('a'));
SELECT lives_ok($$INSERT INTO app.equipment (name, class_id, site_id) VALUES ('Lathe', tests.recall('plain'), tests.recall('s1'))$$,
  'a planner scoped to a site creates equipment there');
SELECT is(tests.refusal($$INSERT INTO app.equipment (name, class_id, site_id) VALUES ('Mill', tests.recall('plain'), tests.recall('s2'))$$),
  'PT403 permission.missing', 'but not at another site');
SELECT is(tests.refusal($$INSERT INTO app.equipment (name, class_id) VALUES ('Mill', tests.recall('plain'))$$),
  'PT403 permission.missing', 'nor for the whole organization');
SELECT is(tests.refusal($$UPDATE app.equipment SET site_id = tests.recall('s2') WHERE name = 'Lathe'$$),
  'PT403 permission.missing', 'nor move equipment to another site');

-- Reading: a member scoped to a site sees only its equipment.
SELECT tests.act_as(tests.recall('tech_s1'), tests.recall('a'));
SELECT is((SELECT array_agg(name ORDER BY name) FROM app.equipment), ARRAY['Caliper 1', 'Lathe'],
  'a technician scoped to site 1 sees only site 1''s equipment');
SELECT is((SELECT count(*)::int FROM app.equipment_calibration_status), 2, 'and only its calibration status');
SELECT tests.act_as_role(tests.recall('a'), 'sales');
SELECT is_empty($$SELECT FROM app.equipment$$, 'a role without equipment.read sees no equipment');
SELECT tests.act_as_role(tests.recall('b'), 'admin');
SELECT is_empty($$SELECT FROM app.equipment WHERE organization_id = tests.recall('a')$$, 'another tenant''s admin sees none');
SELECT is(tests.refusal($$INSERT INTO app.equipment (organization_id, name, class_id) VALUES (tests.recall('a'), 'x', tests.recall('plain'))$$),
  '42501 tenant.foreign_row', 'nor creates equipment in it');
SELECT tests.act_as_owner();
SELECT is((SELECT count(*)::int FROM app.equipment WHERE organization_id = tests.recall('a')), 4, 'the hidden rows exist');
SELECT is((SELECT entity_type FROM app_private.entities WHERE id = tests.recall('g1')), 'equipment',
  'equipment is a registered entity type (tags, comments, custom fields hang off it)');

-- The hierarchy: parts below parents, never a cycle.
SELECT tests.remember('spindle', tests.create_equipment(tests.recall('a'), tests.recall('plain'), NULL, tests.recall('bench'), 'Spindle'));
SELECT tests.remember('bearing', tests.create_equipment(tests.recall('a'), tests.recall('plain'), NULL, tests.recall('spindle'), 'Bearing'));
SELECT tests.act_as(tests.recall('lab_manager'), tests.recall('a'));
SELECT is((SELECT array_agg(name || ':' || depth ORDER BY path) FROM app.equipment_tree(tests.recall('bench'))),
  ARRAY['Bench:0', 'Spindle:1', 'Bearing:2'], 'the tree lists the equipment and its parts with their depth');
SELECT is(tests.refusal($$UPDATE app.equipment SET parent_id = tests.recall('bearing') WHERE id = tests.recall('bench')$$),
  'PT422 equipment.parent_cycle', 'equipment cannot become a part of its own part');
SELECT is(tests.refusal($$UPDATE app.equipment SET parent_id = id WHERE id = tests.recall('bench')$$),
  'PT422 equipment.parent_cycle', 'nor of itself');
SELECT tests.act_as_role(tests.recall('b'), 'admin');
SELECT is_empty($$SELECT * FROM app.equipment_tree(tests.recall('bench'))$$, 'another tenant reads no tree');

-- Calibrations: calibration.record at the equipment's site.
SELECT tests.act_as(tests.recall('tech_s2'), tests.recall('a'));
SELECT is(tests.refusal($$INSERT INTO app.calibrations (equipment_id, performed_at, result) VALUES (tests.recall('g1'), now(), 'pass')$$),
  'PT404 equipment.not_found', 'a technician of another site cannot calibrate equipment they cannot see');
SELECT tests.act_as_role(tests.recall('a'), 'production');
SELECT is(tests.refusal($$INSERT INTO app.calibrations (equipment_id, performed_at, result) VALUES (tests.recall('g1'), now(), 'pass')$$),
  'PT403 permission.missing', 'a reader without calibration.record cannot record one');

-- Use is refused until a valid calibration, where the class requires it.
SELECT tests.act_as_owner();
SELECT is(tests.refusal($$SELECT app_private.require_equipment_usable(tests.recall('a'), tests.recall('g1'), now())$$),
  'PT409 equipment.not_calibrated', 'equipment never calibrated cannot be used');
SELECT lives_ok($$SELECT app_private.require_equipment_usable(tests.recall('a'), tests.recall('bench'), now())$$,
  'equipment whose class needs no calibration is usable');
SELECT is(tests.refusal($$SELECT app_private.require_equipment_usable(tests.recall('a'), gen_random_uuid(), now())$$),
  'PT404 equipment.not_found', 'unknown equipment is not found');
SELECT tests.act_as_role(tests.recall('a'), 'qa');
SELECT is(tests.refusal($$INSERT INTO app.equipment_uses (equipment_id, entity_type, entity_id) VALUES (tests.recall('g1'), 'project', tests.recall('project'))$$),
  'PT409 equipment.not_calibrated', 'so a use of it is refused');

INSERT INTO app.calibrations (equipment_id, performed_at, result, as_found, as_left, certificate_key)
VALUES (tests.recall('g1'), now() - interval '300 days', 'pass', '{"points": [{"nominal": 10, "reading": 10.01}]}', '{}', 'certs/cal-1.pdf');
SELECT tests.remember('cal1', (SELECT id FROM app.calibrations WHERE equipment_id = tests.recall('g1')));
SELECT is((SELECT valid_to - valid_from FROM app.calibrations WHERE id = tests.recall('cal1')), interval '365 days',
  'valid_to defaults to the class interval');
SELECT is((SELECT performed_by_user_id FROM app.calibrations WHERE id = tests.recall('cal1')), tests.member_with_role(tests.recall('a'), 'qa'),
  'the recorder performed it unless someone else is named');
SELECT is(tests.refusal($$INSERT INTO app.calibrations (equipment_id, performed_at, result, certificate_key) VALUES (tests.recall('g1'), now(), 'pass', '../other/cert.pdf')$$),
  'PT422 object_key.invalid', 'a certificate key cannot leave the tenant''s storage');
SELECT is(tests.refusal($$INSERT INTO app.calibrations (equipment_id, performed_at, result) VALUES (tests.recall('g1'), now() + interval '1 day', 'pass')$$),
  'PT422 calibration.in_future', 'a calibration cannot be performed in the future');
SELECT is(tests.refusal($$UPDATE app.calibrations SET result = 'fail' WHERE id = tests.recall('cal1')$$), '42501',
  'an API role has no privilege to change a calibration');
SELECT tests.act_as_owner();
SELECT is(tests.refusal($$UPDATE app.calibrations SET result = 'fail' WHERE id = tests.recall('cal1')$$), 'PT409 row.append_only',
  'calibration records are append-only, for the owner too');

SELECT is((SELECT status FROM auth.calibration_status(tests.recall('a'), tests.recall('g1'), now())), 'calibrated', 'calibrated now');
SELECT is((SELECT status FROM auth.calibration_status(tests.recall('a'), tests.recall('g1'), now() + interval '40 days')), 'due_soon',
  'due soon inside the class''s window before valid_to');
SELECT is((SELECT status FROM auth.calibration_status(tests.recall('a'), tests.recall('g1'), now() + interval '70 days')), 'overdue',
  'overdue past valid_to');
SELECT is(tests.refusal($$SELECT app_private.require_equipment_usable(tests.recall('a'), tests.recall('g1'), now() + interval '70 days')$$),
  'PT409 equipment.calibration_overdue', 'and then not usable');

SELECT tests.act_as_role(tests.recall('a'), 'qa');
INSERT INTO app.equipment_uses (equipment_id, entity_type, entity_id, used_at)
VALUES (tests.recall('g1'), 'project', tests.recall('project'), now() - interval '200 days'),
       (tests.recall('g1'), 'project', tests.recall('project'), now() - interval '2 days');
SELECT is((SELECT count(*)::int FROM app.equipment_uses WHERE used_by = tests.member_with_role(tests.recall('a'), 'qa')), 2,
  'a calibrated instrument''s uses are recorded, by the caller');
SELECT is(tests.refusal($$INSERT INTO app.equipment_uses (equipment_id, entity_type, entity_id, used_at) VALUES (tests.recall('g1'), 'project', tests.recall('project'), now() - interval '400 days')$$),
  'PT409 equipment.not_calibrated', 'a use before its first calibration is refused');

-- A failed calibration: no use any more; the uses since the last good one are listed.
SELECT tests.remember('calibration', tests.calibrate(tests.recall('g1'), now() - interval '1 day', 'fail'));
SELECT is(tests.refusal($$INSERT INTO app.equipment_uses (equipment_id, entity_type, entity_id) VALUES (tests.recall('g1'), 'project', tests.recall('project'))$$),
  'PT409 equipment.calibration_failed', 'equipment that failed its calibration cannot be used');
SELECT is((SELECT array_agg(entity_title) FROM app.equipment_uses_since_last_good_calibration(tests.recall('g1'))),
  (SELECT array_agg(project_number || ' ' || title) || array_agg(project_number || ' ' || title) FROM app.projects WHERE id = tests.recall('project')),
  'the uses since the last good calibration name what was recorded');
SELECT is((SELECT DISTINCT last_good_calibration_id FROM app.equipment_uses_since_last_good_calibration(tests.recall('g1'))), tests.recall('cal1'),
  'and the calibration they follow');
SELECT tests.act_as_owner();
UPDATE app.equipment SET status = 'out_of_service' WHERE id = tests.recall('bench');
SELECT is(tests.refusal($$SELECT app_private.require_equipment_usable(tests.recall('a'), tests.recall('bench'), now())$$),
  'PT409 equipment.not_in_service', 'equipment out of service cannot be used');
SELECT tests.act_as_role(tests.recall('b'), 'qa');
SELECT is(tests.refusal($$SELECT * FROM app.equipment_uses_since_last_good_calibration(tests.recall('g1'))$$),
  'PT404 equipment.not_found', 'another tenant learns nothing of its uses');

-- Due-soon and overdue notices, once per crossing, to calibration.record holders of the site.
SELECT tests.act_as_owner();
SELECT tests.remember('calibration', tests.calibrate(tests.recall('g2'), now() - interval '300 days'));
SELECT is(app_private.notify_calibrations_due(now() + interval '40 days'), 1, 'a calibration becoming due soon is announced');
SELECT is(app_private.notify_calibrations_due(now() + interval '41 days'), 0, 'once');
SELECT is(app_private.notify_calibrations_due(now() + interval '70 days'), 1, 'and again when it is overdue');
SELECT is((SELECT array_agg(DISTINCT user_id ORDER BY user_id) FROM app.notifications WHERE entity_type = 'equipment' AND entity_id = tests.recall('g2')),
  (SELECT array_agg(u ORDER BY u) FROM unnest(ARRAY[tests.recall('lab_manager'), tests.recall('tech_s2'), tests.member_with_role(tests.recall('a'), 'qa'),
                                                     tests.member_with_role(tests.recall('a'), 'lab_tech'), tests.member_with_role(tests.recall('a'), 'admin')]) AS u),
  'holders of calibration.record tenant-wide or at its site are told, not those of other sites');

SELECT * FROM finish();
ROLLBACK;
