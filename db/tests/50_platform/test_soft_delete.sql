-- Soft delete (db/functions/50_platform/38_soft_delete.sql): the delete
-- permission moves a row to the trash, reads hide it from all but
-- trash.manage holders, who list and restore it; nobody outside the tenant
-- reaches it; the purge-trash job deletes it after the retention unless an
-- append-only trail or retention keeps it.
BEGIN;
SELECT plan(32);

SELECT tests.remember('a', tests.create_workflow_tenant());
SELECT tests.remember('b', tests.create_workflow_tenant());
SELECT tests.remember('project', tests.create_project(tests.recall('a'), p_title => 'Trash me',
                                                      p_customer_id => tests.portal_customer(tests.recall('a'))));
SELECT tests.remember('b_project', tests.create_project(tests.recall('b'), p_title => 'Tenant B project'));

-- Who may move it to the trash.
SELECT tests.act_as_role(tests.recall('a'), 'engineering');
SELECT is(tests.refusal(format($$SELECT app.soft_delete('project', %L, 'obsolete')$$, tests.recall('project'))),
  'PT403 permission.missing', 'a role without project.update cannot trash a project');
SELECT tests.act_as_role(tests.recall('a'), 'customer_portal');
SELECT is(tests.refusal(format($$SELECT app.soft_delete('project', %L, 'obsolete')$$, tests.recall('project'))),
  'PT403 permission.missing', 'nor can a portal user');
SELECT tests.act_as_role(tests.recall('b'), 'management');
SELECT is(tests.refusal(format($$SELECT app.soft_delete('project', %L, 'obsolete')$$, tests.recall('project'))),
  'PT404 entity.not_found', 'another tenant''s manager cannot find it');
SELECT is(tests.refusal(format($$SELECT auth.set_deleted('project', %L, true, 'obsolete')$$, tests.recall('project'))),
  'PT404 entity.not_found', 'nor through the write helper');
SELECT tests.act_as_role(tests.recall('a'), 'sales');
SELECT is(tests.refusal(format($$SELECT app.soft_delete('project', %L, ' ')$$, tests.recall('project'))),
  'PT422 soft_delete.reason_required', 'a reason is required');
SELECT is(tests.refusal(format($$SELECT app.soft_delete('workflow_stage', %L, 'x')$$, tests.recall('project'))),
  'PT422 entity_type.unknown', 'an unknown type is refused');
SELECT is(tests.refusal(format($$SELECT app.soft_delete('project', %L, 'x')$$, gen_random_uuid())),
  'PT404 entity.not_found', 'an unknown id is not found');
SELECT is((SELECT count(*)::int FROM app.customer_projects WHERE project_id = tests.recall('project')), 1, 'before: staff see it');

SELECT lives_ok(format($$SELECT app.soft_delete('project', %L, 'Customer cancelled the inquiry')$$, tests.recall('project')),
  'sales (project.update) moves the project to the trash');
SELECT is((SELECT count(*)::int FROM app.projects WHERE id = tests.recall('project')), 0, 'then sales no longer see it');
SELECT is((SELECT count(*)::int FROM app.customer_projects WHERE project_id = tests.recall('project')), 0, 'nor in the customer view');
SELECT is(tests.refusal(format($$SELECT app.soft_delete('project', %L, 'again')$$, tests.recall('project'))),
  'PT404 entity.not_found', 'nor can trash it again');
SELECT is(tests.refusal($$SELECT * FROM app.trash()$$), 'PT403 permission.missing', 'sales cannot list the trash');
SELECT is(tests.refusal(format($$SELECT app.restore('project', %L)$$, tests.recall('project'))),
  'PT403 permission.missing', 'nor restore');

SELECT tests.act_as_role(tests.recall('a'), 'customer_portal');
SELECT is((SELECT count(*)::int FROM app.customer_projects WHERE project_id = tests.recall('project')), 0,
  'the customer''s portal user no longer sees it');

SELECT tests.act_as_role(tests.recall('b'), 'management');
SELECT is((SELECT count(*)::int FROM app.trash()), 0, 'another tenant''s manager sees nothing of it in their trash');
SELECT is(tests.refusal(format($$SELECT app.restore('project', %L)$$, tests.recall('project'))),
  'PT404 entity.not_found', 'and cannot restore it');

SELECT tests.act_as_role(tests.recall('a'), 'management');
SELECT is((SELECT title || ' / ' || deletion_reason FROM app.trash() WHERE entity_id = tests.recall('project')),
  (SELECT project_number || ' Trash me / Customer cancelled the inquiry' FROM app.projects WHERE id = tests.recall('project')),
  'management (trash.manage) lists it in the trash, named, with the reason');
SELECT is((SELECT deleted_by FROM app.projects WHERE id = tests.recall('project')), tests.member_with_role(tests.recall('a'), 'sales'),
  'and sees it, with who trashed it');
SELECT is(tests.refusal(format($$SELECT app.soft_delete('project', %L, 'again')$$, tests.recall('project'))),
  'PT409 entity.already_deleted', 'trashing it twice is a conflict');
UPDATE app.projects SET title = 'Edited in the trash' WHERE id = tests.recall('project');
SELECT is((SELECT title FROM app.projects WHERE id = tests.recall('project')), 'Trash me', 'nobody edits a trashed project');
SELECT lives_ok(format($$SELECT app.restore('project', %L)$$, tests.recall('project')), 'management restores it');
SELECT is(tests.refusal(format($$SELECT app.restore('project', %L)$$, tests.recall('project'))),
  'PT409 entity.not_deleted', 'restoring a live project is a conflict');
SELECT tests.act_as_role(tests.recall('a'), 'sales');
SELECT is((SELECT deleted_at FROM app.projects WHERE id = tests.recall('project')), NULL, 'sales see it again, live');

-- Documents opt in too.
SELECT tests.remember('document', (SELECT document_id FROM tests.upload_document(tests.recall('project'), 'Old drawing', 'drawing',
                                                                                  'pdf', repeat('b', 64), 10, 'application/pdf')));
SELECT lives_ok(format($$SELECT app.soft_delete('document', %L, 'superseded')$$, tests.recall('document')), 'a document goes to the trash');
SELECT is((SELECT count(*)::int FROM app.documents WHERE id = tests.recall('document')), 0, 'and disappears for sales');

-- The purge: after the retention, rows go for good unless a trail or retention keeps them.
SELECT tests.act_as_owner();
CREATE TABLE tests.gadgets (organization_id uuid NOT NULL, id uuid NOT NULL DEFAULT gen_random_uuid(), name text NOT NULL,
                            deleted_at timestamptz, deleted_by uuid, deletion_reason text, PRIMARY KEY (organization_id, id));
SELECT app_private.register_entity_type('gadget', 'tests.gadgets', 'name', 'Gadget');
SELECT is(tests.refusal($$SELECT app_private.enable_soft_delete('project_like', 'project.update')$$), 'PT422 entity_type.unknown',
  'only registered types opt in');
SELECT lives_ok($$SELECT app_private.enable_soft_delete('gadget', 'project.update')$$, 'a table with the columns opts in with one line');
INSERT INTO tests.gadgets (organization_id, name, deleted_at) VALUES
  (tests.recall('a'), 'old', now() - interval '31 days'), (tests.recall('a'), 'recent', now() - interval '29 days'),
  (tests.recall('a'), 'live', NULL);
UPDATE app.projects SET deleted_at = now() - interval '40 days' WHERE id = tests.recall('project');
SELECT is(app_private.run_job('purge-trash'), 'purged 1, kept 1 (append-only trail or retention)',
  'the job purges what is past the retention and keeps the project its stage transitions hold');
SELECT set_eq($$SELECT name FROM tests.gadgets$$, ARRAY['recent', 'live'], 'the recent and the live rows stay');
SELECT is((SELECT count(*)::int FROM app.projects WHERE id = tests.recall('project')), 1, 'the project stays, in the trash');
INSERT INTO app.tenant_feature_flags (organization_id, flag_key, value) VALUES (tests.recall('a'), 'soft_delete_retention_days', '7');
SELECT is(app_private.run_job('purge-trash'), 'purged 1, kept 1 (append-only trail or retention)',
  'a tenant that keeps its trash 7 days sees the 29-day-old row go');

SELECT * FROM finish();
ROLLBACK;
