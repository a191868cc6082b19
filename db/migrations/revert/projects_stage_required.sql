-- Revert pulse:projects_stage_required from pg

BEGIN;

ALTER TABLE app.projects ALTER COLUMN current_stage_id DROP NOT NULL;

COMMENT ON COLUMN app.projects.current_stage_id IS
  'The stage the project is in; the first stage of its definition when not sent. Changing it by hand is a management override and needs stage_change_reason.';
COMMENT ON COLUMN app.projects.stage_change_reason IS
  'Write-only: send it with a manual change of current_stage_id; it is recorded in project_stage_transitions and not kept here.';

COMMIT;
