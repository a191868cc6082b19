-- What portal users (members bound to a customer) see of the workflow
-- (issue #9, finding 8) and what reaches them through notifications
-- (issue #19, finding 4): their customer's projects and the status of their
-- progress, nothing internal, and no notification about a staff record.
BEGIN;
SELECT plan(20);

-- The relations of app a caller can read at least one row of.
CREATE FUNCTION tests.readable(p_relations text[]) RETURNS text[]
LANGUAGE plpgsql
AS $$
DECLARE
  v_relation text;
  v_readable text[] := '{}';
  v_found boolean;
BEGIN
  FOREACH v_relation IN ARRAY p_relations LOOP
    EXECUTE format('SELECT EXISTS (SELECT FROM app.%I)', v_relation) INTO v_found;
    IF v_found THEN
      v_readable := v_readable || v_relation;
    END IF;
  END LOOP;
  RETURN v_readable;
END
$$;
GRANT EXECUTE ON FUNCTION tests.readable(text[]) TO PUBLIC;

-- A project of the portal user's customer, with a staff comment in its
-- progress log, a stage change, a message and an approval chain in force.
SELECT tests.act_as('sales@acme.test', 'acme-manufacturing');
WITH p AS (INSERT INTO app.projects (title, customer_organization_id)
           VALUES ('Portal view', (SELECT id FROM app.partners WHERE code = 'C-1001')) RETURNING id)
SELECT tests.remember('project', id) FROM p;
SELECT tests.remember('sub_stage', tests.id_of_sub_stage('acme-manufacturing', 'rfq-review'));
SELECT lives_ok($$SELECT app.update_progress(tests.recall('project'), tests.recall('sub_stage'), 'block',
                                             'INTERNAL: margin is thin, push the price')$$,
  'setup: sales logs a staff comment on the customer''s project');
INSERT INTO app.messages (project_id, subject, content) VALUES (tests.recall('project'), 'Margin', 'INTERNAL: our margin is 4%');

-- Staff read all of it
SELECT is(tests.readable(ARRAY['approval_chains', 'approval_policies', 'workflow_stages', 'workflow_definitions',
                               'project_sub_stage_progress', 'project_stage_transitions', 'messages', 'project_overview',
                               'project_workflow', 'projects', 'customer_projects', 'customer_project_progress']),
  ARRAY['approval_chains', 'approval_policies', 'workflow_stages', 'workflow_definitions',
        'project_sub_stage_progress', 'project_stage_transitions', 'messages', 'project_overview',
        'project_workflow', 'projects', 'customer_projects', 'customer_project_progress'],
  'staff: read the routing, the progress logs, messages and dashboards');

-- The portal user
SELECT tests.act_as('customer_portal@acme.test', 'acme-manufacturing');
SELECT is(tests.readable(ARRAY[
    'projects', 'workflow_stages', 'workflow_sub_stages', 'workflow_definitions', 'workflow_definition_stages',
    'workflow_definition_sub_stages', 'workflow_settings', 'approval_policies', 'approval_chains', 'approver_backups',
    'document_category_settings', 'project_stage_transitions', 'project_sub_stage_progress', 'approvals',
    'approval_history', 'approval_attachments', 'approval_notifications', 'documents', 'document_versions',
    'document_access_log', 'messages', 'workflow_definition_stage_settings', 'workflow_definition_sub_stage_settings',
    'project_workflow', 'project_overview', 'project_portfolio', 'overdue_sub_stages', 'blocked_reasons',
    'pending_approvals_by_approver', 'approval_sla_breaches', 'approval_cycle_times', 'on_time_delivery',
    'quality_pass_rate', 'approval_records', 'quality_records']),
  '{}'::text[], 'portal: reads no project record, routing, SLA, chain, backup, progress log, transition, approval, document, message or dashboard row');
SELECT is((SELECT status::text FROM app.customer_projects WHERE project_id = tests.recall('project')), 'inquiry',
  'portal: reads the status of their customer''s project');
SELECT hasnt_column('app', 'customer_projects', 'metadata', 'portal: without its metadata');
SELECT hasnt_column('app', 'customer_projects', 'quote_value', 'portal: or internal values');
SELECT is((SELECT status::text FROM app.customer_project_progress WHERE project_id = tests.recall('project') AND sub_stage_id = tests.recall('sub_stage')),
  'blocked', 'portal: and the status of its progress');
SELECT is((SELECT count(*)::int FROM app.customer_project_progress AS s
            WHERE NOT EXISTS (SELECT FROM app.customer_projects AS p WHERE p.project_id = s.project_id
                                 AND p.customer_organization_id = (SELECT id FROM app.partners WHERE code = 'C-1001'))),
  0, 'portal: of their customer''s projects only');
SELECT hasnt_column('app', 'customer_project_progress', 'metadata', 'portal: the progress status carries no metadata log');
SELECT hasnt_column('app', 'customer_project_progress', 'blocked_reason', 'portal: nor staff reasons');
SELECT hasnt_column('app', 'customer_project_progress', 'assigned_to', 'portal: nor who works on it');
SELECT is((SELECT count(*)::int FROM app.notifications), 0, 'portal: no notification about the staff records');

-- Another tenant's member sees nothing of it.
SELECT tests.act_as('grace@northwind.test', 'northwind-labs');
SELECT is_empty($$SELECT 1 FROM app.customer_project_progress WHERE project_id = tests.recall('project')
                   UNION ALL SELECT 1 FROM app.customer_projects WHERE project_id = tests.recall('project')$$,
  'customer views: nothing of another tenant');

-- Portal users never join a team, and never receive a message.
SELECT tests.act_as('sales@acme.test', 'acme-manufacturing');
SELECT throws_like(format($$UPDATE app.projects SET team_member_ids = ARRAY[%L]::uuid[] WHERE id = %L$$,
                          tests.id_of_user('customer_portal@acme.test'), tests.recall('project')),
  '%staff%', 'team: a portal user is refused as team member');
SELECT throws_like(format($$UPDATE app.projects SET assigned_to = %L WHERE id = %L$$,
                          tests.id_of_user('customer_portal@acme.test'), tests.recall('project')),
  '%staff%', 'team: and as the project''s manager');
SELECT throws_like(format($$INSERT INTO app.messages (project_id, recipient_id, content) VALUES (%L, %L, 'INTERNAL')$$,
                          tests.recall('project'), tests.id_of_user('customer_portal@acme.test')),
  '%staff%', 'messages: a portal user is refused as recipient');

-- A team member who is later bound to a partner (a portal user now) gets no
-- notification of what the team is told.
UPDATE app.projects SET team_member_ids = ARRAY[tests.id_of_user('engineering@acme.test')] WHERE id = tests.recall('project');
SELECT tests.act_as_owner();
UPDATE app.memberships SET partner_id = (SELECT id FROM app.partners WHERE organization_id = tests.id_of_organization('acme-manufacturing') AND code = 'C-1001')
 WHERE user_id = tests.id_of_user('engineering@acme.test') AND organization_id = tests.id_of_organization('acme-manufacturing');
SELECT tests.act_as('sales@acme.test', 'acme-manufacturing');
INSERT INTO app.messages (project_id, subject, content) VALUES (tests.recall('project'), 'Margin', 'INTERNAL: our margin is 3%');
SELECT tests.act_as('engineering@acme.test', 'acme-manufacturing');
SELECT is_empty($$SELECT 1 FROM app.notifications WHERE type = 'message' AND project_id = tests.recall('project')$$, 'notifications: no message notification for a portal user on the team');

-- Every notification goes through one gate: only readers of staff records.
SELECT tests.act_as_owner();
SELECT is(app_private.notify(tests.id_of_organization('acme-manufacturing'),
                             ARRAY[tests.id_of_user('customer_portal@acme.test'), tests.id_of_user('engineering@acme.test')],
                             'workflow', 't', 'INTERNAL', 'normal', tests.recall('project'), 'projects', tests.recall('project')),
  0, 'notify: sends nothing to portal users');
SELECT is(app_private.notify(tests.id_of_organization('acme-manufacturing'), ARRAY[tests.id_of_user('qa@acme.test')],
                             'workflow', 't', 'm', 'normal', tests.recall('project'), 'projects', tests.recall('project')),
  1, 'notify: staff who read projects are told');
DELETE FROM app.role_assignments WHERE membership_id = tests.membership_of('lab_tech@acme.test', 'acme-manufacturing');
SELECT is(app_private.notify(tests.id_of_organization('acme-manufacturing'), ARRAY[tests.id_of_user('lab_tech@acme.test')],
                             'workflow', 't', 'm', 'normal', tests.recall('project'), 'projects', tests.recall('project')),
  0, 'notify: nor to staff who may not read projects');

SELECT * FROM finish();
ROLLBACK;
