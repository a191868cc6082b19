-- Verify pulse:projects_stage_required on pg

BEGIN;

SELECT 1 / (SELECT count(*)::integer FROM pg_catalog.pg_attribute
             WHERE attrelid = 'app.projects'::regclass AND attname = 'current_stage_id' AND attnotnull);

ROLLBACK;
