-- Revert pulse:graphql_shape from pg

BEGIN;

DROP INDEX app.projects_priority_idx, app.projects_requested_due_date_idx, app.projects_promised_due_date_idx,
  app.projects_created_at_idx, app.project_sub_stage_progress_order_idx, app.approvals_type_idx,
  app.approvals_priority_idx, app.approvals_sla_due_at_idx, app.approvals_created_at_idx, app.documents_created_at_idx;

COMMENT ON COLUMN app.notifications.read_at IS
  E'@behavior +filterBy +orderBy\nWhen it was read; setting it to any time (e.g. "now") records the server''s time. Unread: read_at is null.';
COMMENT ON COLUMN app.projects.current_stage_id IS
  E'@hasDefault\nThe stage the project is in (always one); the first stage of its definition when not sent. It changes by itself as stages are done, or through app.override_project_stage (management, with a reason).';
COMMENT ON COLUMN app.projects.workflow_definition_id IS
  E'@hasDefault\nThe workflow definition (version) the project follows; the tenant''s default when not sent. Fixed once set.';

ALTER TABLE app.projects RENAME CONSTRAINT projects_project_number_format TO projects_project_id_format;
ALTER TABLE app.projects RENAME CONSTRAINT projects_project_number_unique TO projects_project_id_unique;
ALTER TABLE app.projects RENAME COLUMN project_number TO project_id;
COMMENT ON COLUMN app.projects.project_id IS
  E'@hasDefault\nHuman id, unique in the tenant: PRJ- and six or more digits; handed out in sequence when not sent.';

COMMIT;
