-- Deploy pulse:graphql_shape to pg
-- requires: api_statement_timeouts

BEGIN;

-- One name, one meaning: every other project_id is the project's uuid; the
-- human id PRJ-000123 is project_number, as the views already call it.
ALTER TABLE app.projects RENAME COLUMN project_id TO project_number;
ALTER TABLE app.projects RENAME CONSTRAINT projects_project_id_unique TO projects_project_number_unique;
ALTER TABLE app.projects RENAME CONSTRAINT projects_project_id_format TO projects_project_number_format;

-- A comment's first line is a human title (PostgREST publishes it); the
-- PostGraphile smart tags these comments carried are in
-- config/postgraphile.tags.json5.
COMMENT ON COLUMN app.projects.project_number IS
  'Human id, unique in the tenant: PRJ- and six or more digits; handed out in sequence when not sent.';
COMMENT ON COLUMN app.projects.workflow_definition_id IS
  'The workflow definition (version) the project follows; the tenant''s default when not sent. Fixed once set.';
COMMENT ON COLUMN app.projects.current_stage_id IS
  'The stage the project is in (always one); the first stage of its definition when not sent. It changes by itself as stages are done, or through app.override_project_stage (management, with a reason).';
COMMENT ON COLUMN app.notifications.read_at IS
  'When it was read; setting it to any time (e.g. "now") records the server''s time. Unread: read_at is null.';

-- List screens filter and sort projects on these columns, approvals on
-- type, priority, due and requested time, documents on upload time, a
-- project's progress rows by sub-stage order.
CREATE INDEX projects_priority_idx ON app.projects (organization_id, priority);
CREATE INDEX projects_requested_due_date_idx ON app.projects (organization_id, requested_due_date);
CREATE INDEX projects_promised_due_date_idx ON app.projects (organization_id, promised_due_date);
CREATE INDEX projects_created_at_idx ON app.projects (organization_id, created_at);
CREATE INDEX project_sub_stage_progress_order_idx ON app.project_sub_stage_progress (organization_id, project_id, sub_stage_order);
CREATE INDEX approvals_type_idx ON app.approvals (organization_id, approval_type);
CREATE INDEX approvals_priority_idx ON app.approvals (organization_id, priority);
CREATE INDEX approvals_sla_due_at_idx ON app.approvals (organization_id, sla_due_at);
CREATE INDEX approvals_created_at_idx ON app.approvals (organization_id, created_at);
CREATE INDEX documents_created_at_idx ON app.documents (organization_id, created_at);

COMMIT;
