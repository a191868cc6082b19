-- Verify pulse:audit/activity_log_actor_index on pg

BEGIN;

SELECT 1 / (to_regclass('audit.activity_log_actor_idx') IS NULL)::int;

ROLLBACK;
