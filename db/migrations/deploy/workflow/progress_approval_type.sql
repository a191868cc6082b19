-- Deploy pulse:workflow/progress_approval_type to pg
-- requires: workflow/routing_defaults

BEGIN;

-- A sub-stage that completes without an approval has no approval type: it
-- was copied as final_signoff, and the API reported that type for every
-- sub-stage. Empty unless requires_approval, and the two agree.
ALTER TABLE app.project_sub_stage_progress ALTER COLUMN approval_type DROP NOT NULL;
UPDATE app.project_sub_stage_progress SET approval_type = NULL WHERE NOT requires_approval AND approval_type IS NOT NULL;
ALTER TABLE app.project_sub_stage_progress ADD CONSTRAINT project_sub_stage_progress_approval_type_when_required
  CHECK ((approval_type IS NOT NULL) = requires_approval);
COMMENT ON COLUMN app.project_sub_stage_progress.approval_type IS
  'The type of approval completing it opens; empty when it completes without one.';

COMMIT;
