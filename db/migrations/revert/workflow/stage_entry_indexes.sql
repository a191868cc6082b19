-- Revert pulse:workflow/stage_entry_indexes from pg

BEGIN;

CREATE INDEX activity_log_actor_idx ON audit.activity_log (organization_id, actor_user_id, occurred_at);
CREATE INDEX project_sub_stage_progress_stage_idx ON app.project_sub_stage_progress (organization_id, project_id, workflow_stage_id);

COMMIT;
