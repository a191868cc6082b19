-- Revert pulse:lab/sop_tasks from pg

BEGIN;

DELETE FROM app_private.entities WHERE entity_type IN ('sop_task');
DELETE FROM app_private.entity_types WHERE entity_type IN ('sop_task');
DROP VIEW IF EXISTS app.lab_sla_by_assignee, app.lab_sla, app.lab_work_queue CASCADE;
DROP FUNCTION IF EXISTS auth.lab_sla_state(timestamptz, timestamptz);
ALTER TABLE app.results DROP COLUMN task_id CASCADE;
DROP TABLE app.sop_task_steps CASCADE;
DROP TABLE app.sop_tasks CASCADE;
DROP TABLE app.sop_step_dependencies CASCADE;
DROP TABLE app.sop_steps CASCADE;
DROP TABLE app.sop_templates CASCADE;
DROP TYPE app.sop_step_status CASCADE;
DROP TYPE app.sop_task_status CASCADE;
DROP TYPE app.sop_template_status CASCADE;

COMMIT;
