-- The entity register: supertype rows follow the registered tables, the
-- caller's row-level security decides visibility, labels follow the locale.
BEGIN;
SELECT plan(15);

SELECT tests.remember('a', tests.create_workflow_tenant());
SELECT tests.remember('b', tests.create_workflow_tenant());
SELECT tests.remember('project', tests.create_project(tests.recall('a'), p_title => 'Housing redesign'));

SELECT is((SELECT entity_type FROM app_private.entities WHERE organization_id = tests.recall('a') AND id = tests.recall('project')),
  'project', 'a new project gets its supertype row');
SELECT is((SELECT count(*)::int FROM app_private.entities e JOIN app.projects p USING (organization_id, id)
            WHERE e.organization_id = tests.recall('a')), (SELECT count(*)::int FROM app.projects WHERE organization_id = tests.recall('a')),
  'every project of the tenant has one');

SELECT tests.act_as_role(tests.recall('a'), 'sales');
SELECT ok(auth.can_see_entity('project', tests.recall('project')), 'a member sees the project');
SELECT is(auth.entity_title('project', tests.recall('project')),
  (SELECT project_number || ' Housing redesign' FROM app.projects WHERE id = tests.recall('project')), 'it is named by human id and title');
SELECT is(tests.refusal($$SELECT auth.check_entity('project', gen_random_uuid())$$), 'PT404 entity.not_found',
  'an unknown id is not found');
SELECT is(tests.refusal($$SELECT auth.can_see_entity('spaceship', gen_random_uuid())$$), 'PT422 entity_type.unknown',
  'an unknown entity type is refused');
SELECT ok((SELECT count(*) FROM app.entity_types WHERE entity_type IN ('project', 'document')) = 2, 'the API lists the entity types');

SELECT tests.act_as_role(tests.recall('b'), 'sales');
SELECT ok(NOT auth.can_see_entity('project', tests.recall('project')), 'another tenant''s member does not see it');
SELECT is(tests.refusal($$SELECT auth.check_entity('project', tests.recall('project'))$$), 'PT404 entity.not_found',
  'and is told it is not found');
SELECT is(auth.entity_title('project', tests.recall('project')), NULL, 'nor learns its name');

-- A domain registers a table with one call; rows written before get their supertype rows too.
SELECT tests.act_as_owner();
CREATE TABLE tests.gadgets (organization_id uuid NOT NULL, id uuid NOT NULL DEFAULT gen_random_uuid(), name text NOT NULL,
                            PRIMARY KEY (organization_id, id));
INSERT INTO tests.gadgets (organization_id, name) VALUES (tests.recall('a'), 'before');
SELECT app_private.register_entity_type('gadget', 'tests.gadgets', 'name', 'Gadget');
INSERT INTO tests.gadgets (organization_id, name) VALUES (tests.recall('a'), 'after');
SELECT is((SELECT count(*)::int FROM app_private.entities WHERE entity_type = 'gadget'), 2, 'registering a table tracks its rows, old and new');
DELETE FROM tests.gadgets;
SELECT is((SELECT count(*)::int FROM app_private.entities WHERE entity_type = 'gadget'), 0, 'deleting rows removes their supertype rows');
SELECT is(tests.refusal($$SELECT app_private.register_entity_type('gizmo', 'tests.gadgets', 'title', 'Gizmo')$$),
  'PT422 entity_type.table_invalid', 'a table without the named title column is refused');

-- Labels: the exact locale, then its language, then the default text.
UPDATE app.users SET preferences = preferences || '{"locale": "de-AT"}' WHERE id = tests.member_with_role(tests.recall('a'), 'qa');
SELECT tests.act_as_role(tests.recall('a'), 'qa');
SELECT is(auth.localized('Inspection', '{"de": "Prüfung", "fr": "Inspection FR"}'), 'Prüfung', 'de-AT falls back to de');
SELECT is(auth.localized('Inspection', '{"fr": "Contrôle"}'), 'Inspection', 'and then to the default text');

SELECT * FROM finish();
ROLLBACK;
