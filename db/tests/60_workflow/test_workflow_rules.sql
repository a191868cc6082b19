-- Workflow templates, projects and progress actions: the rules beyond the
-- acceptance criteria (locking, cloning, human ids, validation, who may
-- act, which transitions are allowed). One staffed tenant of its own
-- (tests.create_workflow_tenant) and a second tenant with an admin.
BEGIN;
SELECT plan(84);

SELECT tests.remember('t', tests.create_workflow_tenant());
SELECT tests.remember('other', tests.create_tenant());
SELECT tests.remember('other_admin', tests.create_member(tests.recall('other'), 'admin'));
SELECT tests.remember('supplier', tests.create_partner(tests.recall('t'), 'supplier'));
SELECT tests.remember('second_customer', tests.create_partner(tests.recall('t'), 'customer'));
SELECT tests.remember('first_contact', (SELECT id FROM app.contacts WHERE partner_id = tests.portal_customer(tests.recall('t'))));

-- Templates
SELECT tests.remember('default', (SELECT id FROM app.workflow_definitions WHERE organization_id = tests.recall('t') AND is_default));
SELECT is((SELECT locked_at FROM app.workflow_definitions WHERE id = tests.recall('default')), NULL,
  'templates: a definition no project uses is not locked');
SELECT tests.remember('locking', tests.create_project(tests.recall('t')));
SELECT tests.act_as_role(tests.recall('t'), 'management');
SELECT ok((SELECT locked_at IS NOT NULL FROM app.workflow_definitions WHERE id = tests.recall('default')),
  'templates: the default definition is locked once a project uses it');
SELECT is(tests.refusal($$UPDATE app.workflow_definition_sub_stages SET can_skip_override = true WHERE workflow_definition_id = tests.recall('default')$$),
  'PT409 workflow_definition.locked', 'templates: a locked version''s sub-stages cannot be edited');
SELECT is(tests.refusal($$UPDATE app.workflow_definitions SET description = 'edited' WHERE id = tests.recall('default')$$),
  'PT409 workflow_definition.locked', 'templates: nor its description');
SELECT is(tests.refusal(format($$SELECT set_config('pulse.locking_definition', %L, true), set_config('pulse.purging_organization', %L, true);
                                 UPDATE app.workflow_definition_sub_stages SET can_skip_override = true WHERE workflow_definition_id = %L$$,
                               tests.recall('default'), tests.recall('t'), tests.recall('default'))),
  'PT409 workflow_definition.locked', 'templates: the old session settings do not unlock a locked version');
SELECT is(tests.refusal($$DELETE FROM app.workflow_definition_stages WHERE workflow_definition_id = tests.recall('default')$$),
  'PT409 workflow_definition.locked', 'templates: nor can stages be removed from it');
SELECT is(tests.refusal($$UPDATE app.workflow_definition_stages SET estimated_duration_days_override = 9 WHERE workflow_definition_id = tests.recall('default')$$),
  'PT409 workflow_definition.locked', 'templates: nor its stages edited');
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
SELECT is(tests.refusal($$UPDATE app.workflow_sub_stages SET responsible_roles = '{wizard}' WHERE slug = 'rfq-review'$$),
  'PT422 role.unknown', 'templates: responsible roles must be roles of the tenant');
SELECT is(tests.refusal(format($$SELECT app.clone_workflow_definition(%L)$$, gen_random_uuid())),
  'PT404 workflow_definition.not_found', 'templates: cloning an unknown definition is 404');
UPDATE app.workflow_sub_stages SET requires_approval = true WHERE slug = 'rfq-review';
SELECT is((SELECT requires_approval FROM app.workflow_definition_sub_stage_settings
            WHERE workflow_definition_id = tests.recall('default') AND sub_stage_id = tests.id_of_sub_stage(tests.recall('t'), 'rfq-review')),
  false, 'templates: a catalog change does not reach a locked version (its values were frozen)');
SELECT is((SELECT requires_approval FROM app.workflow_definition_sub_stage_settings
            WHERE workflow_definition_id = tests.recall('clone') AND sub_stage_id = tests.id_of_sub_stage(tests.recall('t'), 'rfq-review')),
  false, 'templates: nor a clone of it, which carries the frozen values');
UPDATE app.workflow_sub_stages SET requires_approval = false WHERE slug = 'rfq-review';
SELECT tests.act_as_role(tests.recall('t'), 'sales');
SELECT is(tests.refusal($$SELECT app.clone_workflow_definition(tests.recall('default'))$$), 'PT403 permission.missing',
  'templates: cloning needs workflow.manage');
SELECT is_empty($$UPDATE app.workflow_stages SET name = 'Renamed' RETURNING id$$, 'templates: sales cannot change the catalog');

-- Projects: the definition they follow
SELECT is(tests.refusal(format($$INSERT INTO app.projects (title, workflow_definition_id) VALUES ('x', %L)$$, gen_random_uuid())),
  'PT422 workflow_definition.unknown', 'projects: only a definition of the tenant');
SELECT tests.act_as_role(tests.recall('t'), 'management');
SELECT tests.remember('empty', (SELECT id FROM app.clone_workflow_definition(tests.recall('default'), 'Nothing included')));
UPDATE app.workflow_definition_stages SET is_included = false WHERE workflow_definition_id = tests.recall('empty');
SELECT is(tests.refusal($$INSERT INTO app.projects (title, workflow_definition_id) VALUES ('x', tests.recall('empty'))$$),
  'PT422 workflow_definition.no_stage', 'projects: a definition that includes no stage takes no project');
UPDATE app.workflow_definitions SET is_active = false WHERE id = tests.recall('empty');
SELECT is(tests.refusal($$INSERT INTO app.projects (title, workflow_definition_id) VALUES ('x', tests.recall('empty'))$$),
  'PT422 workflow_definition.retired', 'projects: nor a retired one');
SELECT is(tests.refusal($$UPDATE app.workflow_definitions SET is_default = false WHERE id = tests.recall('default');
                          INSERT INTO app.projects (title) VALUES ('x')$$),
  'PT422 workflow_definition.no_default', 'projects: without a definition named, the tenant needs a default');
SELECT tests.act_as_role(tests.recall('t'), 'sales');

-- Projects: human ids, validation, pinned fields
INSERT INTO app.projects (title) VALUES ('First'), ('Second');
SELECT results_eq($$SELECT project_number FROM app.projects WHERE title IN ('First', 'Second') ORDER BY project_number$$,
  ARRAY['PRJ-000002', 'PRJ-000003'], 'human ids: handed out in sequence per tenant (its first project took PRJ-000001)');
SELECT lives_ok($$INSERT INTO app.projects (project_number, title) VALUES ('PRJ-000500', 'Imported')$$,
  'human ids: a client may choose one, as in the specification''s example payload');
INSERT INTO app.projects (title) VALUES ('After import');
SELECT is((SELECT project_number FROM app.projects WHERE title = 'After import'), 'PRJ-000501', 'human ids: the counter moves past a chosen id');
SELECT throws_ok($$INSERT INTO app.projects (project_number, title) VALUES ('PRJ-000500', 'Twin')$$, '23505', NULL,
  'human ids: unique in the tenant');
SELECT is(tests.refusal($$INSERT INTO app.projects (project_number, title) VALUES ('P-1', 'Odd')$$), 'PT422 human_id.invalid',
  'human ids: the format is checked');
SELECT tests.act_as(tests.recall('other_admin'), tests.recall('other'));
SELECT lives_ok($$INSERT INTO app.projects (project_number, title) VALUES ('PRJ-000500', 'Same number, other tenant')$$,
  'human ids: another tenant has its own sequence');
SELECT is(tests.refusal(format($$INSERT INTO app.projects (organization_id, title, customer_organization_id) VALUES (%L, 'probe', %L)$$,
                               tests.recall('t'), tests.recall('supplier'))),
  '42501 tenant.foreign_row', 'projects: a row for another tenant is refused before validation can reveal anything about it');
SELECT tests.act_as_role(tests.recall('t'), 'sales');
SELECT is(tests.refusal($$INSERT INTO app.projects (title, customer_organization_id) VALUES ('x', tests.recall('supplier'))$$),
  'PT422 project.customer_is_supplier', 'projects: a supplier is not a customer');
SELECT is(tests.refusal($$INSERT INTO app.projects (title, customer_organization_id, point_of_contacts)
                          VALUES ('x', tests.recall('second_customer'), ARRAY[tests.recall('first_contact')])$$),
  'PT422 project.contact_not_of_customer', 'projects: points of contact are the customer''s contacts');
SELECT lives_ok($$INSERT INTO app.projects (title, customer_organization_id, point_of_contacts)
                  VALUES ('Contacts', tests.portal_customer(tests.recall('t')), ARRAY[tests.recall('first_contact')])$$,
  'projects: a contact of the customer is accepted');
SELECT is(tests.refusal(format($$INSERT INTO app.projects (title, assigned_to) VALUES ('x', %L)$$, tests.recall('other_admin'))),
  'PT422 project.member_not_staff', 'projects: the manager is a member of the tenant');
SELECT is(tests.refusal(format($$INSERT INTO app.projects (title, current_stage_id) VALUES ('x', %L)$$,
                               tests.id_of_stage(tests.recall('t'), 'production'))),
  'PT403 permission.missing', 'projects: only management may create a project past the first stage');
SELECT is(tests.refusal(format($$INSERT INTO app.projects (organization_id, title) VALUES (%L, 'x')$$, tests.recall('other'))),
  '42501 tenant.foreign_row', 'projects: nobody creates projects in another tenant');
SELECT is(tests.refusal(format($$UPDATE app.projects SET workflow_definition_id = %L WHERE title = 'First'$$, tests.recall('clone'))),
  '42501', 'projects: a project stays pinned to its definition (the column is not writable)');
SELECT is(tests.refusal($$UPDATE app.projects SET project_number = 'PRJ-000999' WHERE title = 'First'$$), '42501',
  'projects: the human id never changes (the column is not writable)');
SELECT is(tests.refusal($$UPDATE app.projects SET status = 'completed' WHERE title = 'First'$$), 'PT409 project.status_follows_stage',
  'projects: status follows the stage; by hand only cancelled');
SELECT tests.act_as_owner();
SELECT is(tests.refusal(format($$UPDATE app.projects SET workflow_definition_id = %L WHERE title = 'First'$$, tests.recall('clone'))),
  'PT409 project.definition_pinned', 'projects: the definition is pinned for the owner too');
SELECT is(tests.refusal($$UPDATE app.projects SET project_number = 'PRJ-000999' WHERE title = 'First'$$), 'PT409 project.number_fixed',
  'projects: and so is the human id');
SELECT tests.act_as_role(tests.recall('t'), 'sales');
SELECT lives_ok($$UPDATE app.projects SET status = 'cancelled' WHERE title = 'Second'$$, 'projects: sales cancels a project');
SELECT is(tests.refusal($$UPDATE app.projects SET status = 'inquiry' WHERE title = 'Second'$$), 'PT409 project.closed',
  'projects: a cancelled project stays cancelled');
SELECT is(tests.refusal(format($$SELECT app.update_progress(id, %L, 'complete') FROM app.projects WHERE title = 'Second'$$,
                               tests.id_of_sub_stage(tests.recall('t'), 'rfq-review'))),
  'PT409 project.closed', 'projects: a cancelled project takes no progress');
SELECT tests.act_as_role(tests.recall('t'), 'auditor');
SELECT is(tests.refusal($$INSERT INTO app.projects (title) VALUES ('x')$$), 'PT403 permission.missing',
  'projects: the auditor reads but cannot create');
SELECT tests.act_as_owner();
SELECT tests.remember('theirs', tests.create_project(tests.recall('t'), p_customer_id => tests.portal_customer(tests.recall('t')), p_title => 'Theirs'));
SELECT tests.remember('not_theirs', tests.create_project(tests.recall('t'), p_customer_id => tests.recall('second_customer'), p_title => 'Not theirs'));
SELECT tests.act_as_role(tests.recall('t'), 'customer_portal');
SELECT is_empty($$SELECT 1 FROM app.customer_projects WHERE customer_organization_id IS DISTINCT FROM tests.portal_customer(tests.recall('t'))$$,
  'portal: a customer''s portal user sees only their own projects');
SELECT set_eq($$SELECT title FROM app.customer_projects$$, ARRAY['Contacts', 'Theirs'],
  'portal: and does see those (app.customer_projects)');
SELECT ok((SELECT count(*) FROM app.customer_project_progress) > 0, 'portal: and their progress (app.customer_project_progress)');
SELECT is_empty('SELECT 1 FROM app.projects UNION ALL SELECT 1 FROM app.documents UNION ALL SELECT 1 FROM app.approvals',
  'portal: but no internal project records, documents or approvals');

-- Progress actions
SELECT tests.act_as_role(tests.recall('t'), 'sales');
SELECT tests.remember('project', (SELECT id FROM app.projects WHERE title = 'First'));
SELECT tests.act_as_role(tests.recall('t'), 'qa');
SELECT is(tests.refusal($$SELECT app.update_progress(tests.recall('project'), tests.id_of_sub_stage(tests.recall('t'), 'rfq-review'), 'complete')$$),
  'PT403 progress.not_responsible', 'progress: only the responsible roles (or management) act');
SELECT tests.act_as_role(tests.recall('t'), 'sales');
SELECT is(tests.refusal($$SELECT app.update_progress(tests.recall('project'), tests.id_of_sub_stage(tests.recall('t'), 'customer-clarification'), 'complete')$$),
  'PT409 progress.invalid_transition', 'progress: a pending sub-stage cannot be completed');
SELECT is(tests.refusal($$SELECT app.update_progress(tests.recall('project'), tests.id_of_sub_stage(tests.recall('t'), 'quote-sent'), 'start')$$),
  'PT404 progress.not_found', 'progress: sub-stages of stages not reached have no progress yet');
SELECT is(tests.refusal($$SELECT app.update_progress(gen_random_uuid(), tests.id_of_sub_stage(tests.recall('t'), 'rfq-review'), 'start')$$),
  'PT404 project.not_found', 'progress: an unknown project is 404');
SELECT is(tests.refusal($$SELECT app.update_progress(tests.recall('project'), tests.id_of_sub_stage(tests.recall('t'), 'rfq-review'), 'start',
                                                      repeat('x', 4001))$$),
  'PT422 progress.comment_too_long', 'progress: a comment has at most 4000 characters');
SELECT is(tests.refusal($$SELECT app.update_progress(tests.recall('project'), tests.id_of_sub_stage(tests.recall('t'), 'rfq-review'), 'start',
                                                      metadata => '[1]')$$),
  'PT422 progress.metadata_invalid', 'progress: metadata is an object');
SELECT is(tests.refusal($$SELECT app.update_progress(tests.recall('project'), tests.id_of_sub_stage(tests.recall('t'), 'rfq-review'), 'start',
                                                      attachments => '{"document_id": 1}')$$),
  'PT422 progress.attachments_invalid', 'progress: attachments are an array');
SELECT is(tests.refusal($$SELECT app.update_progress(tests.recall('project'), tests.id_of_sub_stage(tests.recall('t'), 'rfq-review'), 'skip')$$),
  'PT409 progress.cannot_skip', 'progress: skip only where can_skip');
SELECT is(tests.refusal($$SELECT app.update_progress(tests.recall('project'), tests.id_of_sub_stage(tests.recall('t'), 'rfq-review'), 'block')$$),
  'PT422 progress.block_reason_required', 'progress: blocking needs a reason');
SELECT is((app.update_progress(tests.recall('project'), tests.id_of_sub_stage(tests.recall('t'), 'rfq-review'), 'block', 'Waiting for drawings')).blocked_reason,
  'Waiting for drawings', 'progress: a block records its reason');
SELECT is((app.update_progress(tests.recall('project'), tests.id_of_sub_stage(tests.recall('t'), 'rfq-review'), 'start')).status::text,
  'in_progress', 'progress: start resumes a blocked sub-stage');
SELECT is(tests.refusal($$SELECT app.update_progress(tests.recall('project'), tests.id_of_sub_stage(tests.recall('t'), 'rfq-review'), 'complete',
                                                      attachments => '[{"document_id": "00000000-0000-0000-0000-000000000000", "version_number": 1}]')$$),
  'PT422 progress.attachment_not_in_project', 'progress: attachments must be versions of the project''s documents');
SELECT is((app.update_progress(tests.recall('project'), tests.id_of_sub_stage(tests.recall('t'), 'rfq-review'), 'complete', 'RFQ fine')).status::text,
  'completed', 'progress: complete');
SELECT is(tests.progress_status(tests.recall('project'), 'feasibility-check'), 'in_progress',
  'progress: the next sub-stage starts by itself when it auto-advances');
SELECT is(tests.progress_status(tests.recall('project'), 'customer-clarification'), 'pending',
  'progress: one that does not auto-advance waits');
SELECT is((app.update_progress(tests.recall('project'), tests.id_of_sub_stage(tests.recall('t'), 'customer-clarification'), 'skip')).status::text,
  'skipped', 'progress: an optional sub-stage is skipped');
SELECT is((SELECT jsonb_array_length(metadata -> 'log') FROM app.project_sub_stage_progress
            WHERE project_id = tests.recall('project') AND sub_stage_id = tests.id_of_sub_stage(tests.recall('t'), 'rfq-review')),
  3, 'progress: every action is logged on the row with its comment');
SELECT tests.act_as_role(tests.recall('t'), 'management');
SELECT is(tests.refusal($$UPDATE app.project_sub_stage_progress SET status = 'completed'$$), '42501',
  'progress: nobody writes progress rows except through app.update_progress');
SELECT lives_ok($$SELECT app.update_progress(tests.recall('project'), tests.id_of_sub_stage(tests.recall('t'), 'feasibility-check'), 'complete')$$,
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
                               tests.id_of_stage(tests.recall('t'), 'technical-review'), tests.recall('imported'))),
  '42501', 'stage: management cannot PATCH current_stage_id (refused by privilege)');
SELECT is(tests.refusal(format($$UPDATE app.projects SET current_stage_id = NULL WHERE id = %L$$, tests.recall('imported'))),
  '42501', 'stage: nor PATCH it to null');
SELECT is(tests.refusal(format($$SELECT set_config('pulse.automatic_stage_change', %L, true);
                                 UPDATE app.projects SET current_stage_id = %L WHERE id = %L$$,
                               tests.recall('imported'), tests.id_of_stage(tests.recall('t'), 'technical-review'),
                               tests.recall('imported'))),
  '42501', 'stage: the old session setting opens nothing');
SELECT is(tests.refusal(format($$SELECT app.override_project_stage(%L, NULL, 'r')$$, tests.recall('imported'))),
  'PT422 stage.required', 'stage: an override without stage_id is refused');
SELECT is(tests.refusal(format($$SELECT app.override_project_stage(%L, %L, ' ')$$, tests.recall('imported'),
                               tests.id_of_stage(tests.recall('t'), 'technical-review'))),
  'PT422 stage.reason_required', 'stage: an override needs a reason');
SELECT is(tests.refusal(format($$SELECT app.override_project_stage(%L, %L, 'again')$$, tests.recall('imported'),
                               tests.id_of_stage(tests.recall('t'), 'inquiry'))),
  'PT409 stage.already_current', 'stage: overriding to the current stage is its own error');
SELECT is(tests.refusal(format($$SELECT app.override_project_stage(%L, %L, 'x')$$, tests.recall('imported'),
                               tests.id_of_stage(tests.recall('other'), 'technical-review'))),
  'PT422 stage.not_in_definition', 'stage: only a stage of the project''s definition');
SELECT is(tests.refusal(format($$SELECT app.override_project_stage(%L, %L, 'x')$$, gen_random_uuid(),
                               tests.id_of_stage(tests.recall('t'), 'technical-review'))),
  'PT404 project.not_found', 'stage: an unknown project is 404');
SELECT is((app.override_project_stage(tests.recall('imported'), tests.id_of_stage(tests.recall('t'), 'technical-review'),
                                      'Customer sent a complete RFQ')).status::text,
  'reviewing', 'override: management moves a project by hand, with a reason; status follows the stage');
SELECT results_eq($$SELECT kind::text, reason FROM app.project_stage_transitions t
                     WHERE t.project_id = tests.recall('imported') ORDER BY t.changed_at DESC, t.id DESC LIMIT 1$$,
  $$VALUES ('manual', 'Customer sent a complete RFQ')$$, 'override: recorded as manual with its reason');
SELECT is(tests.progress_status(tests.recall('imported'), 'rfq-review'), 'skipped',
  'override: the stage left behind has its open sub-stages skipped');
SELECT is(tests.refusal(format($$SELECT app.override_project_stage(id, %L, 'x') FROM app.projects WHERE title = 'Second'$$,
                               tests.id_of_stage(tests.recall('t'), 'technical-review'))),
  'PT409 project.closed', 'stage: a cancelled project stays where it ended');
SELECT tests.act_as_role(tests.recall('t'), 'sales');
SELECT is(tests.refusal(format($$SELECT app.override_project_stage(%L, NULL, NULL)$$, tests.recall('imported'))),
  'PT403 permission.missing', 'stage: without project.override_stage the answer is 403, whatever the input');
SELECT is(tests.refusal(format($$SELECT set_config('pulse.automatic_stage_change', %L, true);
                                 SELECT app.override_project_stage(%L, %L, 'x')$$,
                               tests.recall('imported'), tests.recall('imported'), tests.id_of_stage(tests.recall('t'), 'production'))),
  'PT403 permission.missing', 'stage: the old session setting does not make a move automatic');
SELECT tests.act_as_owner();
SELECT tests.grant_role(tests.recall('t'), tests.member_with_role(tests.recall('t'), 'customer_portal'), 'management');
SELECT tests.act_as(tests.member_with_role(tests.recall('t'), 'customer_portal'), tests.recall('t'));
SELECT is(tests.refusal(format($$SELECT app.override_project_stage(%L, %L, 'x')$$, tests.recall('imported'),
                               tests.id_of_stage(tests.recall('t'), 'production'))),
  'PT403 project.staff_only', 'stage: a portal user never overrides a stage, whatever role they hold');
SELECT tests.act_as_owner();
SELECT is(tests.refusal(format($$UPDATE app.projects SET current_stage_id = %L WHERE id = %L$$,
                               tests.id_of_stage(tests.recall('t'), 'production'), tests.recall('imported'))),
  'PT403 stage.not_through_workflow', 'stage: even the owner moves a stage only with its recorded transition');

SELECT * FROM finish();
ROLLBACK;
