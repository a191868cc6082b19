-- Search (db/functions/50_platform/36_search.sql): ranked, typed hits across
-- entity types, only what the caller may read in their tenant, never the
-- trash; websearch syntax, human ids and partial codes, a typo fallback,
-- snippets; PT422 for bad input; one line registers a new type.
BEGIN;
SELECT plan(29);

SELECT tests.remember('a', tests.create_workflow_tenant());
SELECT tests.remember('b', tests.create_workflow_tenant());
SELECT tests.remember('other_customer', tests.create_partner(tests.recall('a')));
SELECT tests.remember('mine', tests.create_project(tests.recall('a'), p_title => 'Zephyr housing redesign',
                                                   p_customer_id => tests.portal_customer(tests.recall('a'))));
SELECT tests.remember('theirs', tests.create_project(tests.recall('a'), p_title => 'Zephyr manifold',
                                                     p_customer_id => tests.recall('other_customer')));
SELECT tests.remember('b_project', tests.create_project(tests.recall('b'), p_title => 'Zephyr housing in tenant B'));
UPDATE app.projects SET description = 'Anodised quasar bracket, internal margin note'
 WHERE id = tests.recall('mine');

-- Staff (sales) of tenant A.
SELECT tests.act_as_role(tests.recall('a'), 'sales');
SELECT set_eq($$SELECT entity_id FROM app.search('zephyr', '{project}')$$,
  ARRAY[tests.recall('mine'), tests.recall('theirs')], 'a staff member finds the tenant''s projects by a title word');
SELECT is((SELECT entity_type || ' ' || human_id FROM app.search('quasar')),
  (SELECT 'project ' || project_number FROM app.projects WHERE id = tests.recall('mine')), 'and by a description word, typed and with its human id');
SELECT matches((SELECT snippet FROM app.search('quasar')), '<mark>quasar</mark>', 'the snippet marks the hit in the description');
SELECT is((SELECT entity_id FROM app.search((SELECT project_number FROM app.projects WHERE id = tests.recall('mine')))
            ORDER BY rank DESC LIMIT 1), tests.recall('mine'), 'the human id finds the project first');
SELECT ok((SELECT rank FROM app.search((SELECT project_number FROM app.projects WHERE id = tests.recall('mine'))) ORDER BY rank DESC LIMIT 1) >= 1,
  'an exact human id ranks at least 1');
SELECT ok(tests.recall('mine') IN (SELECT entity_id FROM app.search(
            (SELECT right(project_number, 4) FROM app.projects WHERE id = tests.recall('mine')))),
  'a partial code (the human id''s last digits) finds it');
SELECT set_eq($$SELECT entity_id FROM app.search('zephyr -manifold')$$, ARRAY[tests.recall('mine')],
  'websearch syntax: -word excludes');
SELECT set_eq($$SELECT entity_id FROM app.search('"housing redesign"')$$, ARRAY[tests.recall('mine')],
  'websearch syntax: a quoted phrase');
SELECT set_eq($$SELECT entity_id FROM app.search('zephir')$$, ARRAY[tests.recall('mine'), tests.recall('theirs')],
  'when no word matches, titles close to the query are found (typos)');
SELECT is((SELECT count(*)::int FROM app.search('zephyr', NULL, 1)), 1, 'the limit bounds the hits');
SELECT is((SELECT count(*)::int FROM app.search('zephyr', '{document}')), 0, 'entity_types narrows the types searched');

-- Documents are searchable by title.
SELECT tests.upload_document(tests.recall('mine'), 'Zephyr drawing sheet 1', 'drawing', 'pdf', repeat('a', 64), 100, 'application/pdf');
SELECT is((SELECT array_agg(DISTINCT entity_type ORDER BY entity_type) FROM app.search('zephyr')), ARRAY['document', 'project'],
  'one search returns hits of several entity types');

-- Another tenant, a role without project.read, a portal user.
SELECT tests.act_as_role(tests.recall('b'), 'sales');
SELECT set_eq($$SELECT entity_id FROM app.search('zephyr')$$, ARRAY[tests.recall('b_project')],
  'another tenant''s member finds only their own tenant''s rows');
SELECT tests.act_as(tests.create_member(tests.recall('a'), 'lab_manager'), tests.recall('a'));
SELECT is((SELECT count(*)::int FROM app.search('zephyr')), 0, 'a member without project.read finds nothing (row-level security)');
SELECT tests.act_as_role(tests.recall('a'), 'customer_portal');
SELECT set_eq($$SELECT entity_id FROM app.search('zephyr')$$, ARRAY[tests.recall('mine')],
  'a portal user finds their customer''s project and no other customer''s');
SELECT is((SELECT count(*)::int FROM app.search('quasar')), 0, 'but not by the staff-only description');
SELECT is((SELECT count(*)::int FROM app.search('drawing')), 0, 'nor any document');
SELECT is((SELECT snippet FROM app.search('zephyr')), '<mark>Zephyr</mark> housing redesign', 'their snippet is the title');

-- Bad input.
SELECT tests.act_as_role(tests.recall('a'), 'sales');
SELECT is(tests.refusal($$SELECT * FROM app.search('  ')$$), 'PT422 search.query_required', 'an empty query is refused');
SELECT is(tests.refusal($$SELECT * FROM app.search(repeat('x', 201))$$), 'PT422 search.query_too_long', 'a long query is refused');
SELECT is(tests.refusal($$SELECT * FROM app.search('x', NULL, 101)$$), 'PT422 search.limit_out_of_range', 'a limit over 100 is refused');
SELECT is(tests.refusal($$SELECT * FROM app.search('x', '{spaceship}')$$), 'PT422 entity_type.unknown', 'an unknown entity type is refused');

-- The trash: nobody finds a trashed project, not even a trash.manage holder.
SELECT tests.act_as_owner();
UPDATE app.projects SET deleted_at = now() WHERE id = tests.recall('theirs');
SELECT tests.act_as_role(tests.recall('a'), 'management');
SELECT set_eq($$SELECT entity_id FROM app.search('zephyr', '{project}')$$, ARRAY[tests.recall('mine')],
  'a trashed project is not found, even by a trash.manage holder');

-- A domain makes a type searchable with one line.
SELECT tests.act_as_owner();
CREATE TABLE tests.gadgets (organization_id uuid NOT NULL, id uuid NOT NULL DEFAULT gen_random_uuid(), name text NOT NULL,
                            code text NOT NULL, PRIMARY KEY (organization_id, id));
GRANT SELECT ON tests.gadgets TO app_user;
GRANT USAGE ON SCHEMA tests TO app_user;
SELECT app_private.register_entity_type('gadget', 'tests.gadgets', 'name', 'Gadget', 'code');
SELECT is(tests.refusal($$SELECT * FROM app.search('x', '{gadget}')$$), 'PT422 search.type_not_searchable',
  'a registered type that is not searchable is refused by name');
SELECT is(tests.refusal($$SELECT app_private.register_search('gadget', 't.search_vector')$$), 'PT422 search.source_invalid',
  'a source that cannot answer the search query is refused');
SELECT is(tests.refusal($$SELECT app_private.register_search('gadget', $v$to_tsvector('simple', t.name)$v$, NULL, 'partner')$$),
  'PT422 search.source_invalid', 'partners are registered after staff (whose indexed vector finds the candidates)');
SELECT is(tests.refusal($$SELECT app_private.register_search('project', 't.search_vector', NULL, 'staff', 'app.customer_projects', 'project_id')$$),
  'PT422 search.source_invalid', 'staff search the entity table itself, under its policies');
SELECT lives_ok($$SELECT app_private.register_search('gadget', $v$to_tsvector('simple', t.code || ' ' || t.name)$v$)$$,
  'a table registers with one line');
INSERT INTO tests.gadgets (organization_id, name, code) VALUES (tests.recall('a'), 'Zephyr gauge', 'GG-0042');
SELECT tests.act_as_role(tests.recall('a'), 'sales');
SELECT is((SELECT human_id FROM app.search('GG-0042', '{gadget}')), 'GG-0042', 'and is searched at once');

SELECT * FROM finish();
ROLLBACK;
