-- Workflow templates, projects and progress actions: the rules beyond the
-- acceptance criteria (locking, cloning, human ids, validation, who may
-- act, which transitions are allowed).
BEGIN;
SELECT plan(66);

-- Templates
SELECT tests.act_as('management@acme.test', 'acme-manufacturing');
SELECT tests.remember('default', (SELECT id FROM app.workflow_definitions WHERE is_default));
SELECT ok((SELECT locked_at IS NOT NULL FROM app.workflow_definitions WHERE id = tests.recall('default')),
  'templates: the default definition is locked once projects use it');
SELECT throws_ok($$UPDATE app.workflow_definition_sub_stages SET can_skip_override = true WHERE workflow_definition_id = tests.recall('default')$$,
  'PT409', NULL, 'templates: a locked version''s sub-stages cannot be edited');
SELECT throws_ok($$UPDATE app.workflow_definitions SET description = 'edited' WHERE id = tests.recall('default')$$,
  'PT409', NULL, 'templates: nor its description');
SELECT is(tests.refusal(format($$SELECT set_config('pulse.locking_definition', %L, true), set_config('pulse.purging_organization', %L, true);
                                 UPDATE app.workflow_definition_sub_stages SET can_skip_override = true WHERE workflow_definition_id = %L$$,
                               tests.recall('default'), tests.id_of_organization('acme-manufacturing'), tests.recall('default'))),
  'PT409', 'templates: the old session settings do not unlock a locked version');
SELECT throws_ok($$DELETE FROM app.workflow_definition_stages WHERE workflow_definition_id = tests.recall('default')$$,
  'PT409', NULL, 'templates: nor can stages be removed from it');
SELECT lives_ok($$UPDATE app.workflow_definitions SET is_active = true WHERE id = tests.recall('default')$$,
  'templates: retiring or reactivating a locked version is allowed');
SELECT tests.remember('clone', (SELECT id FROM app.clone_workflow_definition(tests.recall('default'))));
SELECT results_eq($$SELECT name, version, locked_at IS NULL, based_on_id FROM app.workflow_definitions WHERE id = tests.recall('clone')$$,
  $$SELECT name, version + 1, true, id FROM app.workflow_definitions WHERE id = tests.recall('default')$$,
  'templates: a clone is version N+1 of the same name, unlocked, based on the source');
SELECT results_eq(
  $$SELECT workflow_sub_stage_id, is_included, sub_stage_order_override, requires_approval_override, can_skip_override
      FROM app.workflow_definition_sub_stages WHERE workflow_definition_id = tests.recall('clone') ORDER BY 1$$,
  $$SELECT workflow_sub_stage_id, is_included, sub_stage_order_override, requires_approval_override, can_skip_override
      FROM app.workflow_definition_sub_stages WHERE workflow_definition_id = tests.recall('default') ORDER BY 1$$,
  'templates: every inclusion and override is copied');
SELECT lives_ok($$UPDATE app.workflow_definition_sub_stages SET can_skip_override = true WHERE workflow_definition_id = tests.recall('clone')$$,
  'templates: the clone can be edited');
SELECT throws_ok($$UPDATE app.workflow_sub_stages SET responsible_roles = '{wizard}' WHERE slug = 'rfq-review'$$,
  'PT422', 'workflow_sub_stages.responsible_roles names unknown role(s): wizard', 'templates: responsible roles must be roles of the tenant');
UPDATE app.workflow_sub_stages SET requires_approval = true WHERE slug = 'rfq-review';
SELECT is((SELECT requires_approval FROM app.workflow_definition_sub_stage_settings
            WHERE workflow_definition_id = tests.recall('default') AND sub_stage_id = tests.id_of_sub_stage('acme-manufacturing', 'rfq-review')),
  false, 'templates: a catalog change does not reach a locked version (its values were frozen)');
SELECT is((SELECT requires_approval FROM app.workflow_definition_sub_stage_settings
            WHERE workflow_definition_id = tests.recall('clone') AND sub_stage_id = tests.id_of_sub_stage('acme-manufacturing', 'rfq-review')),
  false, 'templates: nor a clone of it, which carries the frozen values');
UPDATE app.workflow_sub_stages SET requires_approval = false WHERE slug = 'rfq-review';
SELECT tests.act_as('sales@acme.test', 'acme-manufacturing');
SELECT throws_ok($$SELECT app.clone_workflow_definition(tests.recall('default'))$$, 'PT403', NULL,
  'templates: cloning needs workflow.manage');
SELECT is_empty($$UPDATE app.workflow_stages SET name = 'Renamed' RETURNING id$$, 'templates: sales cannot change the catalog');

-- Projects: human ids, validation, pinned fields
WITH p AS (INSERT INTO app.projects (title) VALUES ('First'), ('Second') RETURNING project_number)
SELECT tests.remember('unused', NULL);
SELECT results_eq($$SELECT project_number FROM app.projects WHERE title IN ('First', 'Second') ORDER BY project_number$$,
  ARRAY['PRJ-000011', 'PRJ-000012'], 'human ids: handed out in sequence per tenant');
SELECT lives_ok($$INSERT INTO app.projects (project_number, title) VALUES ('PRJ-000500', 'Imported')$$,
  'human ids: a client may choose one, as in the specification''s example payload');
INSERT INTO app.projects (title) VALUES ('After import');
SELECT is((SELECT project_number FROM app.projects WHERE title = 'After import'), 'PRJ-000501', 'human ids: the counter moves past a chosen id');
SELECT throws_ok($$INSERT INTO app.projects (project_number, title) VALUES ('PRJ-000500', 'Twin')$$, '23505', NULL,
  'human ids: unique in the tenant');
SELECT throws_ok($$INSERT INTO app.projects (project_number, title) VALUES ('P-1', 'Odd')$$, 'PT422', 'P-1 is not a valid id',
  'human ids: the format is checked');
SELECT tests.act_as_owner();
SELECT tests.remember('acme_supplier', (SELECT id FROM app.partners WHERE code = 'S-2001'));
SELECT tests.act_as('grace@northwind.test', 'northwind-labs');
SELECT lives_ok($$INSERT INTO app.projects (project_number, title) VALUES ('PRJ-000500', 'Same number, other tenant')$$,
  'human ids: another tenant has its own sequence');
SELECT throws_ok(format($$INSERT INTO app.projects (organization_id, title, customer_organization_id) VALUES (%L, 'probe', %L)$$,
                        tests.id_of_organization('acme-manufacturing'), tests.recall('acme_supplier')),
  '42501', NULL, 'projects: a row for another tenant is refused before validation can reveal anything about it');
SELECT tests.act_as('sales@acme.test', 'acme-manufacturing');
SELECT throws_ok($$INSERT INTO app.projects (title, customer_organization_id) SELECT 'x', id FROM app.partners WHERE code = 'S-2001'$$,
  'PT422', 'customer_organization_id names a supplier', 'projects: a supplier is not a customer');
SELECT throws_like($$INSERT INTO app.projects (title, customer_organization_id, point_of_contacts)
                     SELECT 'x', p.id, ARRAY[c.id] FROM app.partners p, app.contacts c
                      WHERE p.code = 'C-1002' AND c.partner_id = (SELECT id FROM app.partners WHERE code = 'C-1001') LIMIT 1$$,
  'point_of_contacts:%is not a contact of the customer', 'projects: points of contact are the customer''s contacts');
SELECT throws_like(format($$INSERT INTO app.projects (title, assigned_to) VALUES ('x', %L)$$, tests.id_of_user('grace@northwind.test')),
  '%is not an active member of the organization%', 'projects: the manager is a member of the tenant');
SELECT throws_ok(format($$INSERT INTO app.projects (title, current_stage_id) VALUES ('x', %L)$$, tests.id_of_stage('acme-manufacturing', 'production')),
  'PT403', NULL, 'projects: only management may create a project past the first stage');
SELECT throws_ok(format($$INSERT INTO app.projects (organization_id, title) VALUES (%L, 'x')$$, tests.id_of_organization('northwind-labs')),
  '42501', NULL, 'projects: nobody creates projects in another tenant');
SELECT throws_ok(format($$UPDATE app.projects SET workflow_definition_id = %L WHERE title = 'First'$$, tests.recall('clone')),
  '42501', NULL, 'projects: a project stays pinned to its definition (the column is not writable)');
SELECT throws_ok($$UPDATE app.projects SET project_number = 'PRJ-000999' WHERE title = 'First'$$, '42501', NULL,
  'projects: the human id never changes (the column is not writable)');
SELECT throws_ok($$UPDATE app.projects SET status = 'completed' WHERE title = 'First'$$, 'PT409', NULL,
  'projects: status follows the stage; by hand only cancelled');
SELECT lives_ok($$UPDATE app.projects SET status = 'cancelled' WHERE title = 'Second'$$, 'projects: sales cancels a project');
SELECT throws_ok(format($$SELECT app.update_progress(id, %L, 'complete') FROM app.projects WHERE title = 'Second'$$,
                        tests.id_of_sub_stage('acme-manufacturing', 'rfq-review')),
  'PT409', NULL, 'projects: a cancelled project takes no progress');
SELECT tests.act_as('auditor@acme.test', 'acme-manufacturing');
SELECT throws_ok($$INSERT INTO app.projects (title) VALUES ('x')$$, 'PT403', 'this needs the project.create permission',
  'projects: the auditor reads but cannot create, and is told why');
SELECT tests.act_as('customer_portal@acme.test', 'acme-manufacturing');
SELECT is((SELECT count(*)::int FROM app.customer_projects p WHERE p.customer_organization_id <> (SELECT id FROM app.partners WHERE code = 'C-1001')), 0,
  'portal: a customer''s portal user sees only their own projects');
SELECT ok((SELECT count(*) FROM app.customer_projects) > 0, 'portal: and does see those (app.customer_projects)');
SELECT ok((SELECT count(*) FROM app.customer_project_progress) > 0, 'portal: and their progress (app.customer_project_progress)');
SELECT is_empty('SELECT 1 FROM app.projects UNION ALL SELECT 1 FROM app.documents UNION ALL SELECT 1 FROM app.approvals',
  'portal: but no internal project records, documents or approvals');

-- Progress actions
SELECT tests.act_as('sales@acme.test', 'acme-manufacturing');
SELECT tests.remember('project', (SELECT id FROM app.projects WHERE title = 'First'));
SELECT tests.act_as('qa@acme.test', 'acme-manufacturing');
SELECT throws_ok($$SELECT app.update_progress(tests.recall('project'), tests.id_of_sub_stage('acme-manufacturing', 'rfq-review'), 'complete')$$,
  'PT403', 'complete "RFQ Review" needs one of the roles: sales, management', 'progress: only the responsible roles (or management) act');
SELECT tests.act_as('sales@acme.test', 'acme-manufacturing');
SELECT throws_like($$SELECT app.update_progress(tests.recall('project'), tests.id_of_sub_stage('acme-manufacturing', 'customer-clarification'), 'complete')$$,
  '%it is pending, and complete needs it to be in_progress', 'progress: an invalid transition names the current and requested state');
SELECT throws_ok($$SELECT app.update_progress(tests.recall('project'), tests.id_of_sub_stage('acme-manufacturing', 'quote-sent'), 'start')$$,
  'PT404', NULL, 'progress: sub-stages of stages not reached have no progress yet');
SELECT throws_ok($$SELECT app.update_progress(tests.recall('project'), tests.id_of_sub_stage('acme-manufacturing', 'rfq-review'), 'skip')$$,
  'PT409', NULL, 'progress: skip only where can_skip');
SELECT throws_ok($$SELECT app.update_progress(tests.recall('project'), tests.id_of_sub_stage('acme-manufacturing', 'rfq-review'), 'block')$$,
  'PT422', 'blocking needs a comment that says why', 'progress: blocking needs a reason');
SELECT is((app.update_progress(tests.recall('project'), tests.id_of_sub_stage('acme-manufacturing', 'rfq-review'), 'block', 'Waiting for drawings')).blocked_reason,
  'Waiting for drawings', 'progress: a block records its reason');
SELECT is((app.update_progress(tests.recall('project'), tests.id_of_sub_stage('acme-manufacturing', 'rfq-review'), 'start')).status::text,
  'in_progress', 'progress: start resumes a blocked sub-stage');
SELECT throws_like($$SELECT app.update_progress(tests.recall('project'), tests.id_of_sub_stage('acme-manufacturing', 'rfq-review'), 'complete',
                                                 attachments => '[{"document_id": "00000000-0000-0000-0000-000000000000", "version_number": 1}]')$$,
  'attachment%is not a document version of this project', 'progress: attachments must be versions of the project''s documents');
SELECT is((app.update_progress(tests.recall('project'), tests.id_of_sub_stage('acme-manufacturing', 'rfq-review'), 'complete', 'RFQ fine')).status::text,
  'completed', 'progress: complete');
SELECT is(tests.progress_status(tests.recall('project'), 'feasibility-check'), 'in_progress',
  'progress: the next sub-stage starts by itself when it auto-advances');
SELECT is(tests.progress_status(tests.recall('project'), 'customer-clarification'), 'pending',
  'progress: one that does not auto-advance waits');
SELECT is((app.update_progress(tests.recall('project'), tests.id_of_sub_stage('acme-manufacturing', 'customer-clarification'), 'skip')).status::text,
  'skipped', 'progress: an optional sub-stage is skipped');
SELECT is((SELECT jsonb_array_length(metadata -> 'log') FROM app.project_sub_stage_progress
            WHERE project_id = tests.recall('project') AND sub_stage_id = tests.id_of_sub_stage('acme-manufacturing', 'rfq-review')),
  3, 'progress: every action is logged on the row with its comment');
SELECT tests.act_as('management@acme.test', 'acme-manufacturing');
SELECT throws_ok($$UPDATE app.project_sub_stage_progress SET status = 'completed'$$, '42501', NULL,
  'progress: nobody writes progress rows except through app.update_progress');
SELECT lives_ok($$SELECT app.update_progress(tests.recall('project'), tests.id_of_sub_stage('acme-manufacturing', 'feasibility-check'), 'complete')$$,
  'progress: management may act on any sub-stage');

-- Stage overrides (9.9, 9.10): only through app.override_project_stage;
-- permission before input; a project always has a stage.
SELECT col_not_null('app', 'projects', 'current_stage_id', 'stage: a project always has a stage');
-- organization_id and id are updatable for upsert, and kept unchanged by
-- _010_keep_fixed_columns (db/tests/10_core/test_catalog.sql checks every such key).
SELECT is_empty($$
  SELECT c FROM unnest(ARRAY['project_number', 'workflow_definition_id', 'current_stage_id',
                             'stage_change_reason', 'stage_entered_at', 'created_by', 'delivered_at', 'completed_at',
                             'created_at', 'updated_at']) AS c
   WHERE has_column_privilege('app_user', 'app.projects', c, 'UPDATE')
      OR has_column_privilege('app_admin', 'app.projects', c, 'UPDATE')
      OR has_column_privilege('anon', 'app.projects', c, 'UPDATE')
$$, 'stage: API roles cannot update guarded or server-managed project columns');
SELECT tests.remember('imported', (SELECT id FROM app.projects WHERE title = 'After import'));
SELECT is(tests.refusal(format($$UPDATE app.projects SET current_stage_id = %L WHERE id = %L$$,
                               tests.id_of_stage('acme-manufacturing', 'technical-review'), tests.recall('imported'))),
  '42501', 'stage: management cannot PATCH current_stage_id (refused by privilege)');
SELECT is(tests.refusal(format($$UPDATE app.projects SET current_stage_id = NULL WHERE id = %L$$, tests.recall('imported'))),
  '42501', 'stage: nor PATCH it to null');
SELECT is(tests.refusal(format($$SELECT set_config('pulse.automatic_stage_change', %L, true);
                                 UPDATE app.projects SET current_stage_id = %L WHERE id = %L$$,
                               tests.recall('imported'), tests.id_of_stage('acme-manufacturing', 'technical-review'),
                               tests.recall('imported'))),
  '42501', 'stage: the old session setting opens nothing');
SELECT is(tests.refusal(format($$SELECT app.override_project_stage(%L, NULL, 'r')$$, tests.recall('imported'))),
  'PT422 stage.required', 'stage: an override without stage_id is refused');
SELECT is(tests.refusal(format($$SELECT app.override_project_stage(%L, %L, ' ')$$, tests.recall('imported'),
                               tests.id_of_stage('acme-manufacturing', 'technical-review'))),
  'PT422 stage.reason_required', 'stage: an override needs a reason');
SELECT is(tests.refusal(format($$SELECT app.override_project_stage(%L, %L, 'again')$$, tests.recall('imported'),
                               tests.id_of_stage('acme-manufacturing', 'inquiry'))),
  'PT409 stage.already_current', 'stage: overriding to the current stage is its own error');
SELECT is(tests.refusal(format($$SELECT app.override_project_stage(%L, %L, 'x')$$, gen_random_uuid(),
                               tests.id_of_stage('acme-manufacturing', 'technical-review'))),
  'PT404 project.not_found', 'stage: an unknown project is 404');
SELECT is((app.override_project_stage(tests.recall('imported'), tests.id_of_stage('acme-manufacturing', 'technical-review'),
                                      'Customer sent a complete RFQ')).status::text,
  'reviewing', 'override: management moves a project by hand, with a reason; status follows the stage');
SELECT results_eq($$SELECT kind::text, reason FROM app.project_stage_transitions t
                     WHERE t.project_id = tests.recall('imported') ORDER BY t.changed_at DESC, t.id DESC LIMIT 1$$,
  $$VALUES ('manual', 'Customer sent a complete RFQ')$$, 'override: recorded as manual with its reason');
SELECT is(tests.progress_status(tests.recall('imported'), 'rfq-review'), 'skipped',
  'override: the stage left behind has its open sub-stages skipped');
SELECT tests.act_as('sales@acme.test', 'acme-manufacturing');
SELECT is(tests.refusal(format($$SELECT app.override_project_stage(%L, NULL, NULL)$$, tests.recall('imported'))),
  'PT403', 'stage: without project.override_stage the answer is 403, whatever the input');
SELECT is(tests.refusal(format($$SELECT set_config('pulse.automatic_stage_change', %L, true);
                                 SELECT app.override_project_stage(%L, %L, 'x')$$,
                               tests.recall('imported'), tests.recall('imported'), tests.id_of_stage('acme-manufacturing', 'production'))),
  'PT403', 'stage: the old session setting does not make a move automatic');
SELECT tests.act_as_owner();
SELECT is(tests.refusal(format($$UPDATE app.projects SET current_stage_id = %L WHERE id = %L$$,
                               tests.id_of_stage('acme-manufacturing', 'production'), tests.recall('imported'))),
  'PT403 stage.not_through_workflow', 'stage: even the owner moves a stage only with its recorded transition');

SELECT * FROM finish();
ROLLBACK;
