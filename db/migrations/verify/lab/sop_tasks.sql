-- Verify pulse:lab/sop_tasks on pg

BEGIN;

SELECT organization_id, id, code, version, document_id, document_version_id, qualification_id, status FROM app.sop_templates WHERE false;
SELECT organization_id, id, template_id, position, checks, qualification_id FROM app.sop_steps WHERE false;
SELECT organization_id, id, template_id, step_id, depends_on_step_id FROM app.sop_step_dependencies WHERE false;
SELECT organization_id, id, task_number, template_id, entity_type, entity_id, assigned_to, status, due_at FROM app.sop_tasks WHERE false;
SELECT organization_id, id, task_id, step_id, status, check_values, checks_passed, completed_by FROM app.sop_task_steps WHERE false;
SELECT task_id FROM app.results WHERE false;
SELECT 1 / (NOT has_table_privilege('app_user', 'app.sop_task_steps', 'UPDATE'))::int;

ROLLBACK;
