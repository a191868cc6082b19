-- What portal users (members bound to a customer) see of the workflow
-- (issue #9, finding 8) and what reaches them through notifications
-- (issue #19, finding 4): their customer's projects and the status of their
-- progress, nothing internal, and no notification about a staff record.
-- One staffed tenant of its own, where every workflow relation holds rows
-- of the portal user's customer; a second tenant with an admin.
BEGIN;
SELECT plan(25);

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

CREATE FUNCTION tests.internal_relations() RETURNS text[]
LANGUAGE sql IMMUTABLE
AS $$
  SELECT ARRAY[
    'projects', 'workflow_stages', 'workflow_sub_stages', 'workflow_definitions', 'workflow_definition_stages',
    'workflow_definition_sub_stages', 'workflow_settings', 'approval_settings', 'approval_policies', 'approval_chains', 'approver_backups',
    'document_category_settings', 'project_stage_transitions', 'project_sub_stage_progress', 'approvals',
    'approval_history', 'approval_attachments', 'approval_notifications', 'documents', 'document_versions',
    'document_access_log', 'messages', 'workflow_definition_stage_settings', 'workflow_definition_sub_stage_settings',
    'project_workflow', 'project_overview', 'project_portfolio', 'overdue_sub_stages', 'blocked_reasons',
    'pending_approvals_by_approver', 'approval_sla_breaches', 'approval_cycle_times', 'on_time_delivery',
    'quality_pass_rate', 'approval_records', 'quality_records', 'workflow_exit_criteria', 'project_exit_criteria']
$$;
GRANT EXECUTE ON FUNCTION tests.internal_relations() TO PUBLIC;

SELECT tests.remember('t', tests.create_workflow_tenant());
SELECT tests.remember('customer', tests.portal_customer(tests.recall('t')));
SELECT tests.remember('portal', tests.member_with_role(tests.recall('t'), 'customer_portal'));
SELECT tests.remember('sales', tests.member_with_role(tests.recall('t'), 'sales'));
SELECT tests.remember('management', tests.member_with_role(tests.recall('t'), 'management'));
SELECT tests.remember('engineering', tests.member_with_role(tests.recall('t'), 'engineering'));
SELECT tests.remember('qa', tests.member_with_role(tests.recall('t'), 'qa'));
SELECT tests.remember('lab_tech', tests.member_with_role(tests.recall('t'), 'lab_tech'));
SELECT tests.remember('other', tests.create_tenant());
SELECT tests.remember('other_admin', tests.create_member(tests.recall('other'), 'admin'));

-- The customer's projects: one delivered (documents, decided and signed
-- approvals, quality records), one with an open approval past its SLA,
-- with evidence attached and its documents opened.
SELECT tests.remember('delivered', tests.create_project(tests.recall('t'), p_customer_id => tests.recall('customer'),
                                                        p_promised_due_date => current_date + 365));
SELECT tests.drive_project(tests.recall('delivered'));
SELECT tests.remember('open', tests.create_project(tests.recall('t'), p_customer_id => tests.recall('customer')));
SELECT tests.drive_project(tests.recall('open'), 'technical-review');
SELECT tests.act_as(tests.recall('management'), tests.recall('t'));
SELECT lives_ok($$SELECT app.update_progress(tests.recall('open'), tests.id_of_sub_stage(tests.recall('t'), 'engineering-review'), 'complete')$$,
  'setup: an approval is requested');
SELECT tests.remember('open_approval', (tests.open_approval_of(tests.recall('open'), tests.id_of_sub_stage(tests.recall('t'), 'engineering-review'))).id);
SELECT tests.remember('rfq', (SELECT id FROM app.documents WHERE project_id = tests.recall('open') AND category = 'rfq'));
SELECT lives_ok($$SELECT app.add_approval_attachment(tests.recall('open_approval'), tests.recall('rfq'), 1)$$,
  'setup: evidence attached to the open approval');
SELECT lives_ok($$SELECT app.log_document_access(tests.recall('rfq'))$$, 'setup: a document opened');
INSERT INTO app.approver_backups (user_id, backup_user_id) VALUES (tests.recall('management'), tests.member_with_role(tests.recall('t'), 'admin'));
SELECT tests.act_as_owner();
UPDATE app.approvals SET sla_due_at = now() - interval '1 hour' WHERE id = tests.recall('open_approval');

-- A project of the portal user's customer with a staff comment in its
-- progress log (an overdue, blocked sub-stage) and a message.
SELECT tests.act_as(tests.recall('sales'), tests.recall('t'));
WITH p AS (INSERT INTO app.projects (title, customer_organization_id) VALUES ('Portal view', tests.recall('customer')) RETURNING id)
SELECT tests.remember('project', id) FROM p;
SELECT tests.remember('sub_stage', tests.id_of_sub_stage(tests.recall('t'), 'rfq-review'));
SELECT lives_ok($$SELECT app.update_progress(tests.recall('project'), tests.recall('sub_stage'), 'block',
                                             'INTERNAL: margin is thin, push the price')$$,
  'setup: sales logs a staff comment on the customer''s project');
INSERT INTO app.messages (project_id, subject, content) VALUES (tests.recall('project'), 'Margin', 'INTERNAL: our margin is 4%');
SELECT tests.act_as_owner();
UPDATE app.project_sub_stage_progress SET due_at = now() - interval '1 hour'
 WHERE project_id = tests.recall('project') AND sub_stage_id = tests.recall('sub_stage');

-- Staff read all of it
SELECT tests.act_as(tests.recall('management'), tests.recall('t'));
SELECT is(tests.readable(tests.internal_relations() || ARRAY['customer_projects', 'customer_project_progress']),
  tests.internal_relations() || ARRAY['customer_projects', 'customer_project_progress'],
  'staff: read the project records, routing, progress logs, approvals, documents, messages and dashboards');

-- The portal user
SELECT tests.act_as(tests.recall('portal'), tests.recall('t'));
SELECT is(tests.readable(tests.internal_relations()), '{}'::text[],
  'portal: reads no project record, routing, SLA, chain, backup, progress log, transition, approval, document, message or dashboard row');
SELECT is((SELECT status::text FROM app.customer_projects WHERE project_id = tests.recall('project')), 'inquiry',
  'portal: reads the status of their customer''s project');
SELECT hasnt_column('app', 'customer_projects', 'metadata', 'portal: without its metadata');
SELECT hasnt_column('app', 'customer_projects', 'quote_value', 'portal: or internal values');
SELECT is((SELECT status::text FROM app.customer_project_progress WHERE project_id = tests.recall('project') AND sub_stage_id = tests.recall('sub_stage')),
  'blocked', 'portal: and the status of its progress');
SELECT tests.act_as_owner();
SELECT tests.remember('not_theirs', tests.create_project(tests.recall('t'), p_customer_id => tests.create_partner(tests.recall('t'))));
SELECT tests.act_as(tests.recall('portal'), tests.recall('t'));
SELECT is_empty($$SELECT 1 FROM app.customer_project_progress WHERE project_id = tests.recall('not_theirs')
                   UNION ALL SELECT 1 FROM app.customer_projects WHERE project_id = tests.recall('not_theirs')$$,
  'portal: of their customer''s projects only');
SELECT hasnt_column('app', 'customer_project_progress', 'metadata', 'portal: the progress status carries no metadata log');
SELECT hasnt_column('app', 'customer_project_progress', 'blocked_reason', 'portal: nor staff reasons');
SELECT hasnt_column('app', 'customer_project_progress', 'assigned_to', 'portal: nor who works on it');
SELECT is((SELECT count(*)::int FROM app.notifications), 0, 'portal: no notification about the staff records');
SELECT is(tests.refusal($$SELECT app.update_progress(tests.recall('project'), tests.recall('sub_stage'), 'start')$$),
  'PT404 project.not_found', 'portal: acting on progress finds no project');
SELECT is(tests.refusal($$SELECT app.comment_on_approval(tests.recall('open_approval'), 'hello')$$),
  'PT404 approval.not_found', 'portal: nor any approval');

-- Another tenant's member sees nothing of it.
SELECT tests.act_as(tests.recall('other_admin'), tests.recall('other'));
SELECT is_empty($$SELECT 1 FROM app.customer_project_progress WHERE project_id = tests.recall('project')
                   UNION ALL SELECT 1 FROM app.customer_projects WHERE project_id = tests.recall('project')$$,
  'customer views: nothing of another tenant');

-- Portal users never join a team, and never receive a message.
SELECT tests.act_as(tests.recall('sales'), tests.recall('t'));
SELECT is(tests.refusal(format($$UPDATE app.projects SET team_member_ids = ARRAY[%L]::uuid[] WHERE id = %L$$,
                               tests.recall('portal'), tests.recall('project'))),
  'PT422 project.member_not_staff', 'team: a portal user is refused as team member');
SELECT is(tests.refusal(format($$UPDATE app.projects SET assigned_to = %L WHERE id = %L$$, tests.recall('portal'), tests.recall('project'))),
  'PT422 project.member_not_staff', 'team: and as the project''s manager');
SELECT is(tests.refusal(format($$INSERT INTO app.messages (project_id, recipient_id, content) VALUES (%L, %L, 'INTERNAL')$$,
                               tests.recall('project'), tests.recall('portal'))),
  'PT422 message.recipient_not_staff', 'messages: a portal user is refused as recipient');

-- A team member who is later bound to a partner (a portal user now) gets no
-- notification of what the team is told.
UPDATE app.projects SET team_member_ids = ARRAY[tests.recall('engineering')] WHERE id = tests.recall('project');
SELECT tests.act_as_owner();
UPDATE app.memberships SET partner_id = tests.recall('customer')
 WHERE user_id = tests.recall('engineering') AND organization_id = tests.recall('t');
SELECT tests.act_as(tests.recall('sales'), tests.recall('t'));
INSERT INTO app.messages (project_id, subject, content) VALUES (tests.recall('project'), 'Margin', 'INTERNAL: our margin is 3%');
SELECT tests.act_as(tests.recall('engineering'), tests.recall('t'));
SELECT is_empty($$SELECT 1 FROM app.notifications WHERE type = 'message' AND project_id = tests.recall('project')$$, 'notifications: no message notification for a portal user on the team');

-- Every notification goes through one gate: only readers of staff records.
SELECT tests.act_as_owner();
SELECT is(app_private.notify(tests.recall('t'), ARRAY[tests.recall('portal'), tests.recall('engineering')],
                             'workflow', 't', 'INTERNAL', 'normal', tests.recall('project'), 'projects', tests.recall('project')),
  0, 'notify: sends nothing to portal users');
SELECT is(app_private.notify(tests.recall('t'), ARRAY[tests.recall('qa')],
                             'workflow', 't', 'm', 'normal', tests.recall('project'), 'projects', tests.recall('project')),
  1, 'notify: staff who read projects are told');
SELECT is(app_private.notify(tests.recall('t'), ARRAY[tests.recall('lab_tech')],
                             'workflow', 't', 'm', 'normal', tests.recall('project'), 'projects', tests.recall('project')),
  0, 'notify: nor to staff who may not read projects');

SELECT * FROM finish();
ROLLBACK;
