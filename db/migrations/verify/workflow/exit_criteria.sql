-- Verify pulse:workflow/exit_criteria on pg

BEGIN;

SELECT stage_slug, key, position, kind, description, document_category, min_count, project_field, approval_type, waivable
  FROM app_private.default_exit_criteria WHERE false;
SELECT organization_id, id, workflow_definition_id, workflow_stage_id, key, position, kind, description, document_category,
       min_count, project_field, approval_type, waivable, created_at, updated_at
  FROM app.workflow_exit_criteria WHERE false;
SELECT organization_id, id, project_id, criterion_id, reason, waived_by, waived_at FROM app.exit_criterion_waivers WHERE false;
SELECT 'approval'::app.exit_criterion_kind;

-- The defaults are internal; API roles reach tenant rows only through the policies.
SELECT 1 / (NOT has_table_privilege('app_user', 'app_private.default_exit_criteria', 'SELECT'))::int;
SELECT 1 / (NOT has_table_privilege('anon', 'app.workflow_exit_criteria', 'SELECT'))::int;
SELECT 1 / (NOT has_table_privilege('app_user', 'app.exit_criterion_waivers', 'TRUNCATE'))::int;

ROLLBACK;
