-- Deploy pulse:audit/activity_log_actor_index to pg
-- requires: projects
-- requires: platform/partitions

BEGIN;

-- Every stage entry writes ~34 audit rows (docs/scaling.md, "Entering a
-- stage"), each into every index of audit.activity_log. One of them serves
-- no query: activity_log_actor_idx (organization_id, actor_user_id,
-- occurred_at). No function, view or test reads the log by actor; the feed,
-- the timelines and the archive job read it by time, entity and project.
-- (app.project_sub_stage_progress_stage_idx stays: PostGraphile offers the
-- workflowStageId condition, order and the stage's progress connection
-- because of it.)
DROP INDEX audit.activity_log_actor_idx;

COMMIT;
