-- Deploy pulse:server_filled_keys to pg
-- requires: api_statement_timeouts

-- PostgREST 12 copies a column's DEFAULT expression into the OpenAPI document
-- as the property's `default`; for a uuid column `public.uuid_generate_v7()` is
-- not a uuid, and the document fails Swagger 2.0 validation. The keys are
-- filled by the BEFORE INSERT trigger _000_fill_keys
-- (app_private.tg_fill_keys, db/functions/16_row_keys.sql) instead, with the
-- same values: id = public.uuid_generate_v7(), organization_id =
-- auth.jwt_org_id(), messages.sender_id = the caller.

BEGIN;

ALTER TABLE app.approval_attachments ALTER COLUMN id DROP DEFAULT;
ALTER TABLE app.approval_chains ALTER COLUMN organization_id DROP DEFAULT, ALTER COLUMN id DROP DEFAULT;
ALTER TABLE app.approval_history ALTER COLUMN id DROP DEFAULT;
ALTER TABLE app.approval_notifications ALTER COLUMN id DROP DEFAULT;
ALTER TABLE app.approval_policies ALTER COLUMN organization_id DROP DEFAULT;
ALTER TABLE app.approvals ALTER COLUMN id DROP DEFAULT;
ALTER TABLE app.approver_backups ALTER COLUMN organization_id DROP DEFAULT;
ALTER TABLE app.contacts ALTER COLUMN organization_id DROP DEFAULT, ALTER COLUMN id DROP DEFAULT;
ALTER TABLE app.document_access_log ALTER COLUMN id DROP DEFAULT;
ALTER TABLE app.document_category_settings ALTER COLUMN organization_id DROP DEFAULT;
ALTER TABLE app.document_versions ALTER COLUMN id DROP DEFAULT;
ALTER TABLE app.documents ALTER COLUMN organization_id DROP DEFAULT, ALTER COLUMN id DROP DEFAULT;
ALTER TABLE app.memberships ALTER COLUMN organization_id DROP DEFAULT, ALTER COLUMN id DROP DEFAULT;
ALTER TABLE app.messages ALTER COLUMN organization_id DROP DEFAULT, ALTER COLUMN id DROP DEFAULT, ALTER COLUMN sender_id DROP DEFAULT;
ALTER TABLE app.notifications ALTER COLUMN id DROP DEFAULT;
ALTER TABLE app.organizations ALTER COLUMN id DROP DEFAULT;
ALTER TABLE app.partners ALTER COLUMN organization_id DROP DEFAULT, ALTER COLUMN id DROP DEFAULT;
ALTER TABLE app.project_stage_transitions ALTER COLUMN id DROP DEFAULT;
ALTER TABLE app.project_sub_stage_progress ALTER COLUMN id DROP DEFAULT;
ALTER TABLE app.projects ALTER COLUMN organization_id DROP DEFAULT, ALTER COLUMN id DROP DEFAULT;
ALTER TABLE app.role_assignments ALTER COLUMN organization_id DROP DEFAULT, ALTER COLUMN id DROP DEFAULT;
ALTER TABLE app.role_permissions ALTER COLUMN organization_id DROP DEFAULT;
ALTER TABLE app.roles ALTER COLUMN organization_id DROP DEFAULT, ALTER COLUMN id DROP DEFAULT;
ALTER TABLE app.sessions ALTER COLUMN id DROP DEFAULT;
ALTER TABLE app.sites ALTER COLUMN organization_id DROP DEFAULT, ALTER COLUMN id DROP DEFAULT;
ALTER TABLE app.users ALTER COLUMN id DROP DEFAULT;
ALTER TABLE app.workflow_definition_stages ALTER COLUMN organization_id DROP DEFAULT, ALTER COLUMN id DROP DEFAULT;
ALTER TABLE app.workflow_definition_sub_stages ALTER COLUMN organization_id DROP DEFAULT, ALTER COLUMN id DROP DEFAULT;
ALTER TABLE app.workflow_definitions ALTER COLUMN organization_id DROP DEFAULT, ALTER COLUMN id DROP DEFAULT;
ALTER TABLE app.workflow_settings ALTER COLUMN organization_id DROP DEFAULT;
ALTER TABLE app.workflow_stages ALTER COLUMN organization_id DROP DEFAULT, ALTER COLUMN id DROP DEFAULT;
ALTER TABLE app.workflow_sub_stages ALTER COLUMN organization_id DROP DEFAULT, ALTER COLUMN id DROP DEFAULT;

-- It existed only for those defaults.
DROP FUNCTION auth.jwt_org_id();

COMMIT;
