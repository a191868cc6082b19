-- Tags: the tenant's vocabulary (tag.manage), tags on entities (tag.apply and
-- reading the entity), filters, and the composite keys that keep a tag on
-- its tenant's entities and delete it with them. Tried as a lesser role
-- (auditor), a portal customer, another tenant's admin and an anonymous caller.
BEGIN;
SELECT plan(30);

SELECT tests.remember('a', tests.create_workflow_tenant());
SELECT tests.remember('b', tests.create_workflow_tenant());
SELECT tests.remember('project', tests.create_project(tests.recall('a'), p_customer_id => tests.portal_customer(tests.recall('a'))));
SELECT tests.remember('other_project', tests.create_project(tests.recall('a')));
SELECT tests.remember('b_project', tests.create_project(tests.recall('b')));

-- The vocabulary.
SELECT tests.act_as_role(tests.recall('a'), 'management');
INSERT INTO app.tags (name, color, description) VALUES ('  Urgent ', '#DC2626', 'Needs an answer today');
SELECT tests.remember('urgent', (SELECT id FROM app.tags WHERE name = 'Urgent'));
SELECT is((SELECT color FROM app.tags WHERE id = tests.recall('urgent')), '#dc2626', 'the name is trimmed and the colour lowered');
SELECT is(tests.refusal($$INSERT INTO app.tags (name) VALUES ('URGENT')$$), 'PT409 tag.name_taken',
  'names are unique in the tenant whatever their case');
SELECT is(tests.refusal($$INSERT INTO app.tags (name, color) VALUES ('Red', 'red')$$), 'PT422 tag.color_invalid', 'colours are #rrggbb');
SELECT is(tests.refusal($$INSERT INTO app.tags (name) VALUES ('   ')$$), 'PT422 tag.name_length', 'a name is not empty');
SELECT is(tests.refusal($$INSERT INTO app.tags (name, description) VALUES ('Long', repeat('x', 501))$$), 'PT422 tag.description_length',
  'a description has at most 500 characters');
INSERT INTO app.tags (name) VALUES ('Key account');
SELECT tests.remember('key_account', (SELECT id FROM app.tags WHERE name = 'Key account'));
INSERT INTO app.tags (name) VALUES ('Typo');
UPDATE app.tags SET name = 'Obsolete', color = '#000000' WHERE name = 'Typo';
SELECT is((SELECT color FROM app.tags WHERE name = 'Obsolete'), '#000000', 'a holder of tag.manage renames and recolours a tag');
DELETE FROM app.tags WHERE name = 'Obsolete';
SELECT tests.act_as_owner();
SELECT is((SELECT count(*)::int FROM app.tags WHERE organization_id = tests.recall('a') AND name IN ('Typo', 'Obsolete')), 0,
  'and deletes it');
SELECT tests.act_as_role(tests.recall('a'), 'management');

SELECT tests.act_as_role(tests.recall('b'), 'management');
INSERT INTO app.tags (name) VALUES ('Urgent');
SELECT tests.remember('b_urgent', (SELECT id FROM app.tags WHERE name = 'Urgent'));
SELECT is((SELECT count(*)::int FROM app.tags), 1, 'another tenant may use the same name, and sees only its own tags');

SELECT tests.act_as_role(tests.recall('a'), 'sales');
SELECT is(tests.refusal($$INSERT INTO app.tags (name) VALUES ('Mine')$$), 'PT403 permission.missing',
  'the vocabulary needs tag.manage');
UPDATE app.tags SET name = 'Renamed' WHERE id = tests.recall('urgent');
DELETE FROM app.tags WHERE id = tests.recall('urgent');
SELECT is((SELECT name FROM app.tags WHERE id = tests.recall('urgent')), 'Urgent', 'and so do renaming and deleting a tag');

-- Tags on entities.
INSERT INTO app.entity_tags (entity_type, entity_id, tag_id) VALUES ('project', tests.recall('project'), tests.recall('urgent'));
INSERT INTO app.entity_tags (entity_type, entity_id, tag_id) VALUES ('project', tests.recall('project'), tests.recall('key_account'));
INSERT INTO app.entity_tags (entity_type, entity_id, tag_id) VALUES ('project', tests.recall('other_project'), tests.recall('urgent'));
SELECT is((SELECT tagged_by FROM app.entity_tags WHERE entity_id = tests.recall('project') AND tag_id = tests.recall('urgent')),
  tests.member_with_role(tests.recall('a'), 'sales'), 'a holder of tag.apply who reads the project tags it, as themselves');
SELECT is(tests.refusal($$INSERT INTO app.entity_tags (entity_type, entity_id, tag_id) VALUES ('project', gen_random_uuid(), tests.recall('urgent'))$$),
  'PT404 entity.not_found', 'an entity that does not exist cannot be tagged');
SELECT is(tests.refusal($$INSERT INTO app.entity_tags (entity_type, entity_id, tag_id) VALUES ('spaceship', tests.recall('project'), tests.recall('urgent'))$$),
  'PT422 entity_type.unknown', 'nor one of an unknown type');
SELECT is(tests.refusal($$INSERT INTO app.entity_tags (entity_type, entity_id, tag_id) VALUES ('project', tests.recall('b_project'), tests.recall('urgent'))$$),
  'PT404 entity.not_found', 'nor another tenant''s project');
SELECT is(left(tests.refusal($$INSERT INTO app.entity_tags (entity_type, entity_id, tag_id) VALUES ('project', tests.recall('other_project'), tests.recall('b_urgent'))$$), 5),
  '23503', 'nor can another tenant''s tag be put on a project (the composite key)');

-- Filters: GET /entity_tags?tag_id=eq.X&entity_type=eq.project, the RPC, the relation of projects.
SELECT set_eq($$SELECT entity_id FROM app.entity_tags WHERE tag_id = tests.recall('urgent') AND entity_type = 'project'$$,
  ARRAY[tests.recall('project'), tests.recall('other_project')], 'entity_tags filters by tag and entity type');
SELECT set_eq($$SELECT entity_id FROM app.tagged_entities(ARRAY[tests.recall('urgent'), tests.recall('key_account')], 'project', true)$$,
  ARRAY[tests.recall('project')], 'tagged_entities: the projects carrying all of the tags');
SELECT is((SELECT title FROM app.tagged_entities(ARRAY[tests.recall('key_account')])),
  (SELECT project_number || ' ' || title FROM app.projects WHERE id = tests.recall('project')), 'each named by human id and title');
SELECT is((SELECT array_agg(t.name ORDER BY t.name) FROM app.projects AS p, app.projects_tags(p) AS t WHERE p.id = tests.recall('project')),
  ARRAY['Key account', 'Urgent'], 'projects_tags: the tags of a project');

-- A lesser role reads but does not tag.
SELECT tests.act_as_role(tests.recall('a'), 'auditor');
SELECT is((SELECT count(*)::int FROM app.entity_tags), 3, 'an auditor reads the tags of the projects they read');
SELECT is(tests.refusal($$INSERT INTO app.entity_tags (entity_type, entity_id, tag_id) VALUES ('project', tests.recall('other_project'), tests.recall('key_account'))$$),
  'PT403 permission.missing', 'but cannot tag without tag.apply');
DELETE FROM app.entity_tags;
SELECT tests.act_as_owner();
SELECT is((SELECT count(*)::int FROM app.entity_tags WHERE organization_id = tests.recall('a')), 3, 'nor take tags off');

-- The portal customer reads no project row (projects are staff-only), so no tag either, not even of their customer's project.
SELECT tests.act_as_role(tests.recall('a'), 'customer_portal');
SELECT is_empty($$SELECT FROM app.entity_tags$$, 'a portal customer reads no tags on projects');
SELECT is_empty($$SELECT FROM app.tags$$, 'nor the vocabulary');
SELECT is_empty($$SELECT FROM app.tagged_entities(ARRAY[tests.recall('urgent')])$$, 'nor finds tagged projects');

-- Another tenant and an anonymous caller.
SELECT tests.act_as_role(tests.recall('b'), 'admin');
SELECT is_empty($$SELECT FROM app.entity_tags WHERE organization_id = tests.recall('a')$$, 'another tenant''s admin reads none of A''s tags');
DELETE FROM app.entity_tags WHERE entity_id = tests.recall('project');
SELECT tests.act_as_anon();
SELECT is(tests.refusal($$SELECT FROM app.entity_tags$$), '42501', 'an anonymous caller reads nothing');

SELECT tests.act_as_role(tests.recall('a'), 'sales');
DELETE FROM app.entity_tags WHERE entity_id = tests.recall('other_project');
SELECT is((SELECT count(*)::int FROM app.entity_tags), 2, 'a tagger takes a tag off (another tenant''s delete reached nothing)');

-- Deleting the entity deletes its tags (the supertype key), deleting a tag its uses.
SELECT tests.act_as_owner();
CREATE TABLE tests.gadgets (organization_id uuid NOT NULL, id uuid NOT NULL DEFAULT gen_random_uuid(), name text NOT NULL,
                            PRIMARY KEY (organization_id, id));
SELECT app_private.register_entity_type('gadget', 'tests.gadgets', 'name', 'Gadget');
INSERT INTO tests.gadgets (organization_id, id, name) VALUES (tests.recall('a'), gen_random_uuid(), 'Wrench');
INSERT INTO app.entity_tags (organization_id, entity_type, entity_id, tag_id)
SELECT organization_id, 'gadget', id, tests.recall('urgent') FROM tests.gadgets;
DELETE FROM tests.gadgets;
SELECT is((SELECT count(*)::int FROM app.entity_tags WHERE entity_type = 'gadget'), 0, 'deleting an entity deletes its tags');
DELETE FROM app.tags WHERE id = tests.recall('urgent');
SELECT is((SELECT count(*)::int FROM app.entity_tags WHERE organization_id = tests.recall('a')), 1, 'deleting a tag takes it off everything');

SELECT * FROM finish();
ROLLBACK;
