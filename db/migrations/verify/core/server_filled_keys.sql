-- Verify pulse:server_filled_keys on pg

BEGIN;

-- No exposed uuid column keeps an SQL expression as its default.
SELECT 1 / (NOT EXISTS (
  SELECT FROM pg_catalog.pg_attribute AS a
    JOIN pg_catalog.pg_attrdef AS d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
   WHERE a.attrelid IN ('app.approval_attachments'::regclass, 'app.approval_chains'::regclass, 'app.approval_history'::regclass, 'app.approval_notifications'::regclass, 'app.approval_policies'::regclass, 'app.approvals'::regclass, 'app.approver_backups'::regclass, 'app.contacts'::regclass, 'app.document_access_log'::regclass, 'app.document_category_settings'::regclass, 'app.document_versions'::regclass, 'app.documents'::regclass, 'app.memberships'::regclass, 'app.messages'::regclass, 'app.notifications'::regclass, 'app.organizations'::regclass, 'app.partners'::regclass, 'app.project_stage_transitions'::regclass, 'app.project_sub_stage_progress'::regclass, 'app.projects'::regclass, 'app.role_assignments'::regclass, 'app.role_permissions'::regclass, 'app.roles'::regclass, 'app.sessions'::regclass, 'app.sites'::regclass, 'app.users'::regclass, 'app.workflow_definition_stages'::regclass, 'app.workflow_definition_sub_stages'::regclass, 'app.workflow_definitions'::regclass, 'app.workflow_settings'::regclass, 'app.workflow_stages'::regclass, 'app.workflow_sub_stages'::regclass)
     AND a.attname IN ('id', 'organization_id', 'sender_id')))::int;

SELECT 1 / (to_regprocedure('auth.jwt_org_id()') IS NULL)::int;

ROLLBACK;
