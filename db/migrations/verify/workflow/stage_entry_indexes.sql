-- Verify pulse:workflow/stage_entry_indexes on pg

BEGIN;

SELECT 1 / (to_regclass('audit.activity_log_actor_idx') IS NULL
            AND to_regclass('app.project_sub_stage_progress_stage_idx') IS NULL)::int;

ROLLBACK;
