-- Revert pulse:projects from pg

BEGIN;

ALTER TABLE audit.activity_log DROP COLUMN project_id CASCADE;
DROP INDEX audit.activity_log_actor_idx;
DROP TABLE app.project_sub_stage_progress, app.project_stage_transitions, app.projects, app_private.human_id_counters CASCADE;
DROP TYPE app.progress_action, app.stage_transition_kind, app.sub_stage_status CASCADE;

COMMIT;
