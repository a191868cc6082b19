-- Revert pulse:workflow_catalog from pg

BEGIN;

DROP TABLE app.workflow_settings, app.workflow_definition_sub_stages, app.workflow_definition_stages,
  app.workflow_definitions, app.workflow_sub_stages, app.workflow_stages,
  app_private.default_workflow_sub_stages, app_private.default_workflow_stages CASCADE;
ALTER TABLE app.organizations DROP COLUMN short_code CASCADE;
DROP TYPE app.document_category, app.approval_type, app.priority_level, app.project_status CASCADE;

COMMIT;
