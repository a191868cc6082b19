-- Revert pulse:server_filled_keys from pg

BEGIN;

CREATE FUNCTION auth.jwt_org_id() RETURNS uuid
LANGUAGE sql STABLE PARALLEL SAFE
AS $$
  SELECT nullif(nullif(pg_catalog.current_setting('request.jwt.claims', true), '')::jsonb ->> 'org_id', '')::uuid
$$;

COMMENT ON FUNCTION auth.jwt_org_id() IS 'The org_id claim as sent, for column defaults only; policies use auth.org_id().';
GRANT EXECUTE ON FUNCTION auth.jwt_org_id() TO anon, app_user, app_admin;

ALTER TABLE app.approval_attachments ALTER COLUMN id SET DEFAULT public.uuid_generate_v7();
ALTER TABLE app.approval_chains ALTER COLUMN organization_id SET DEFAULT auth.jwt_org_id(), ALTER COLUMN id SET DEFAULT public.uuid_generate_v7();
ALTER TABLE app.approval_history ALTER COLUMN id SET DEFAULT public.uuid_generate_v7();
ALTER TABLE app.approval_notifications ALTER COLUMN id SET DEFAULT public.uuid_generate_v7();
ALTER TABLE app.approval_policies ALTER COLUMN organization_id SET DEFAULT auth.jwt_org_id();
ALTER TABLE app.approvals ALTER COLUMN id SET DEFAULT public.uuid_generate_v7();
ALTER TABLE app.approver_backups ALTER COLUMN organization_id SET DEFAULT auth.jwt_org_id();
ALTER TABLE app.contacts ALTER COLUMN organization_id SET DEFAULT auth.jwt_org_id(), ALTER COLUMN id SET DEFAULT public.uuid_generate_v7();
ALTER TABLE app.document_access_log ALTER COLUMN id SET DEFAULT public.uuid_generate_v7();
ALTER TABLE app.document_category_settings ALTER COLUMN organization_id SET DEFAULT auth.jwt_org_id();
ALTER TABLE app.document_versions ALTER COLUMN id SET DEFAULT public.uuid_generate_v7();
ALTER TABLE app.documents ALTER COLUMN organization_id SET DEFAULT auth.jwt_org_id(), ALTER COLUMN id SET DEFAULT public.uuid_generate_v7();
ALTER TABLE app.memberships ALTER COLUMN organization_id SET DEFAULT auth.jwt_org_id(), ALTER COLUMN id SET DEFAULT public.uuid_generate_v7();
ALTER TABLE app.messages ALTER COLUMN organization_id SET DEFAULT auth.jwt_org_id(), ALTER COLUMN id SET DEFAULT public.uuid_generate_v7(), ALTER COLUMN sender_id SET DEFAULT nullif(nullif(pg_catalog.current_setting('request.jwt.claims', true), '')::jsonb ->> 'sub', '')::uuid;
ALTER TABLE app.notifications ALTER COLUMN id SET DEFAULT public.uuid_generate_v7();
ALTER TABLE app.organizations ALTER COLUMN id SET DEFAULT public.uuid_generate_v7();
ALTER TABLE app.partners ALTER COLUMN organization_id SET DEFAULT auth.jwt_org_id(), ALTER COLUMN id SET DEFAULT public.uuid_generate_v7();
ALTER TABLE app.project_stage_transitions ALTER COLUMN id SET DEFAULT public.uuid_generate_v7();
ALTER TABLE app.project_sub_stage_progress ALTER COLUMN id SET DEFAULT public.uuid_generate_v7();
ALTER TABLE app.projects ALTER COLUMN organization_id SET DEFAULT auth.jwt_org_id(), ALTER COLUMN id SET DEFAULT public.uuid_generate_v7();
ALTER TABLE app.role_assignments ALTER COLUMN organization_id SET DEFAULT auth.jwt_org_id(), ALTER COLUMN id SET DEFAULT public.uuid_generate_v7();
ALTER TABLE app.role_permissions ALTER COLUMN organization_id SET DEFAULT auth.jwt_org_id();
ALTER TABLE app.roles ALTER COLUMN organization_id SET DEFAULT auth.jwt_org_id(), ALTER COLUMN id SET DEFAULT public.uuid_generate_v7();
ALTER TABLE app.sessions ALTER COLUMN id SET DEFAULT public.uuid_generate_v7();
ALTER TABLE app.sites ALTER COLUMN organization_id SET DEFAULT auth.jwt_org_id(), ALTER COLUMN id SET DEFAULT public.uuid_generate_v7();
ALTER TABLE app.users ALTER COLUMN id SET DEFAULT public.uuid_generate_v7();
ALTER TABLE app.workflow_definition_stages ALTER COLUMN organization_id SET DEFAULT auth.jwt_org_id(), ALTER COLUMN id SET DEFAULT public.uuid_generate_v7();
ALTER TABLE app.workflow_definition_sub_stages ALTER COLUMN organization_id SET DEFAULT auth.jwt_org_id(), ALTER COLUMN id SET DEFAULT public.uuid_generate_v7();
ALTER TABLE app.workflow_definitions ALTER COLUMN organization_id SET DEFAULT auth.jwt_org_id(), ALTER COLUMN id SET DEFAULT public.uuid_generate_v7();
ALTER TABLE app.workflow_settings ALTER COLUMN organization_id SET DEFAULT auth.jwt_org_id();
ALTER TABLE app.workflow_stages ALTER COLUMN organization_id SET DEFAULT auth.jwt_org_id(), ALTER COLUMN id SET DEFAULT public.uuid_generate_v7();
ALTER TABLE app.workflow_sub_stages ALTER COLUMN organization_id SET DEFAULT auth.jwt_org_id(), ALTER COLUMN id SET DEFAULT public.uuid_generate_v7();

COMMIT;
