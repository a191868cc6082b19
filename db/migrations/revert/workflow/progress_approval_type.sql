-- Revert pulse:workflow/progress_approval_type from pg

BEGIN;

ALTER TABLE app.project_sub_stage_progress DROP CONSTRAINT project_sub_stage_progress_approval_type_when_required;
UPDATE app.project_sub_stage_progress SET approval_type = 'final_signoff' WHERE approval_type IS NULL;
ALTER TABLE app.project_sub_stage_progress ALTER COLUMN approval_type SET NOT NULL;
COMMENT ON COLUMN app.project_sub_stage_progress.approval_type IS 'The type of approval completing it opens.';

COMMIT;
