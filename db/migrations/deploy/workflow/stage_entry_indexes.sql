-- Deploy pulse:workflow/stage_entry_indexes to pg
-- requires: projects

BEGIN;

-- Every stage entry writes ~34 audit rows and 30 progress rows, each into
-- every index of its table (docs/scaling.md, "Entering a stage"). Two of
-- those indexes serve no query:
-- * audit.activity_log_actor_idx (organization_id, actor_user_id, occurred_at):
--   no function, view or test reads the log by actor; the feed, timelines
--   and archive read it by time, entity and project.
-- * app.project_sub_stage_progress_stage_idx (organization_id, project_id,
--   workflow_stage_id): a project's rows of one stage (a few dozen at most)
--   are found through project_sub_stage_progress_order_idx or _unique, which
--   lead with (organization_id, project_id) too.
DROP INDEX audit.activity_log_actor_idx;
DROP INDEX app.project_sub_stage_progress_stage_idx;

COMMIT;
