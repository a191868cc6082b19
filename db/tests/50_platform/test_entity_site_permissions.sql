-- A permission on an entity counts when held at the entity's site: a
-- technician scoped to their plant comments on that plant's work orders
-- (comment.write through a plant-scoped role), not on another plant's.
-- The same rule for every platform block that checks a permission on an
-- entity: comments (comment.write; comment.moderate deletes), attachments
-- (attachment.upload, and its upload URL), tags on entities (tag.apply),
-- shown with a plant-scoped crew role and a tenant-wide reader role, so the
-- other plant's work order is readable and only the permission is missing.
BEGIN;
SELECT plan(16);

INSERT INTO app_private.object_storage (endpoint, region, bucket, access_key_id, secret_access_key)
VALUES ('http://127.0.0.1:9000', 'us-east-1', 'pulse-files', 'AKID', 'secret');
SELECT tests.remember('t', tests.create_tenant());
SELECT tests.remember('plant_a', tests.create_site(tests.recall('t')));
SELECT tests.remember('plant_b', tests.create_site(tests.recall('t')));
SELECT tests.remember('class', tests.create_equipment_class(tests.recall('t'), p_requires_calibration => false));
SELECT tests.remember('lathe', tests.create_equipment(tests.recall('t'), tests.recall('class'), tests.recall('plant_a'), NULL, 'Lathe A'));
SELECT tests.remember('mill', tests.create_equipment(tests.recall('t'), tests.recall('class'), tests.recall('plant_b'), NULL, 'Mill B'));
SELECT tests.remember('admin', tests.create_member(tests.recall('t'), 'admin'));
SELECT tests.remember('planner', tests.create_member(tests.recall('t'), 'maintenance_planner'));
SELECT tests.remember('tech', tests.create_member(tests.recall('t'), 'technician', tests.recall('plant_a')));
-- A crew member: collaboration permissions at plant A only, work orders read tenant-wide.
INSERT INTO app.roles (organization_id, key, name) VALUES (tests.recall('t')::uuid, 'plant_crew', 'Plant crew'), (tests.recall('t')::uuid, 'wo_reader', 'Work order reader');
INSERT INTO app.role_permissions (organization_id, role_id, permission)
SELECT r.organization_id, r.id, p.permission
  FROM app.roles AS r
  JOIN (VALUES ('plant_crew', 'comment.write'), ('plant_crew', 'comment.moderate'), ('plant_crew', 'attachment.upload'),
               ('plant_crew', 'tag.apply'), ('plant_crew', 'work_order.read'), ('wo_reader', 'work_order.read')) AS p (role_key, permission)
    ON p.role_key = r.key
 WHERE r.organization_id = tests.recall('t')::uuid;
SELECT tests.remember('crew', tests.create_member(tests.recall('t'), 'plant_crew', tests.recall('plant_a')));
SELECT tests.grant_role(tests.recall('t'), tests.recall('crew'), 'wo_reader');

SELECT tests.act_as(tests.recall('planner'), tests.recall('t'));
SELECT tests.remember('wo_a', (app.create_work_order(tests.recall('lathe'), 'corrective', 'Chatter on the lathe')).id);
SELECT tests.remember('wo_b', (app.create_work_order(tests.recall('mill'), 'corrective', 'Mill spindle noise')).id);
WITH c AS (INSERT INTO app.comments (entity_type, entity_id, body) VALUES ('work_order', tests.recall('wo_a'), 'Planner on A') RETURNING id)
SELECT tests.remember('planner_a', id) FROM c;
WITH c AS (INSERT INTO app.comments (entity_type, entity_id, body) VALUES ('work_order', tests.recall('wo_b'), 'Planner on B') RETURNING id)
SELECT tests.remember('planner_b', id) FROM c;
SELECT tests.act_as(tests.recall('admin'), tests.recall('t'));
WITH g AS (INSERT INTO app.tags (name) VALUES ('Vibration') RETURNING id) SELECT tests.remember('tag', id) FROM g;

-- The technician (the real role, plant A): comments on plant A's work order; plant B's is not theirs to see.
SELECT tests.act_as(tests.recall('tech'), tests.recall('t'));
SELECT lives_ok($$INSERT INTO app.comments (entity_type, entity_id, body) VALUES ('work_order', tests.recall('wo_a'), 'Bearing replaced')$$,
  'a plant-scoped technician comments on a work order of their plant');
SELECT is((SELECT count(*)::int FROM app.comments WHERE entity_id = tests.recall('wo_a')::uuid), 2, 'and reads the thread');
SELECT is(tests.refusal($$INSERT INTO app.comments (entity_type, entity_id, body) VALUES ('work_order', tests.recall('wo_b'), 'x')$$),
  'PT404 entity.not_found', 'not on another plant''s');
SELECT is(tests.refusal($$SELECT tests.attach('work_order', tests.recall('wo_a'))$$), 'PT403 permission.missing',
  'a permission they hold nowhere (attachment.upload) is still refused');

-- The crew member reads both plants' work orders; the permissions count at plant A only.
SELECT tests.act_as(tests.recall('crew'), tests.recall('t'));
SELECT lives_ok($$INSERT INTO app.comments (entity_type, entity_id, body) VALUES ('work_order', tests.recall('wo_a'), 'On A')$$,
  'comment.write at the work order''s plant');
SELECT is(tests.refusal($$INSERT INTO app.comments (entity_type, entity_id, body) VALUES ('work_order', tests.recall('wo_b'), 'On B')$$),
  'PT403 permission.missing', 'comment.write at another plant does not count');
SELECT lives_ok($$SELECT tests.attach('work_order', tests.recall('wo_a'))$$, 'attachment.upload at the work order''s plant');
SELECT ok((app.attachment_upload_url((SELECT id FROM app.attachments WHERE entity_id = tests.recall('wo_a')::uuid))).url IS NOT NULL,
  'and the upload URL of the file');
SELECT is(tests.refusal($$SELECT tests.attach('work_order', tests.recall('wo_b'))$$), 'PT403 permission.missing',
  'not at another plant');
SELECT lives_ok($$INSERT INTO app.entity_tags (entity_type, entity_id, tag_id) VALUES ('work_order', tests.recall('wo_a'), tests.recall('tag'))$$,
  'tag.apply at the work order''s plant');
SELECT is(tests.refusal($$INSERT INTO app.entity_tags (entity_type, entity_id, tag_id) VALUES ('work_order', tests.recall('wo_b'), tests.recall('tag'))$$),
  'PT403 permission.missing', 'not at another plant');
WITH d AS (DELETE FROM app.entity_tags WHERE entity_id = tests.recall('wo_a')::uuid RETURNING 1)
SELECT is((SELECT count(*)::int FROM d), 1,
  'a tag comes off at the plant');
WITH d AS (DELETE FROM app.comments WHERE id = tests.recall('planner_a')::uuid RETURNING 1)
SELECT is((SELECT count(*)::int FROM d), 1,
  'comment.moderate at the plant deletes another''s comment there');
WITH d AS (DELETE FROM app.comments WHERE id = tests.recall('planner_b')::uuid RETURNING 1)
SELECT is((SELECT count(*)::int FROM d), 0,
  'not at another plant');

-- Tags put on at plant B by the admin do not come off for the crew member.
SELECT tests.act_as(tests.recall('admin'), tests.recall('t'));
INSERT INTO app.entity_tags (entity_type, entity_id, tag_id) VALUES ('work_order', tests.recall('wo_b'), tests.recall('tag'));
SELECT tests.act_as(tests.recall('crew'), tests.recall('t'));
WITH d AS (DELETE FROM app.entity_tags WHERE entity_id = tests.recall('wo_b')::uuid RETURNING 1)
SELECT is((SELECT count(*)::int FROM d), 0,
  'tag.apply at another plant takes no tag off');
SELECT tests.act_as(tests.recall('admin'), tests.recall('t'));
SELECT is((SELECT count(*)::int FROM app.entity_tags WHERE entity_id = tests.recall('wo_b')::uuid), 1, 'the tag stays');

SELECT * FROM finish();
ROLLBACK;
