-- Verify pulse:workflow/progress_approval_type on pg

BEGIN;

SELECT 1 / (SELECT count(*)::int FROM pg_catalog.pg_constraint
             WHERE conrelid = 'app.project_sub_stage_progress'::regclass
               AND conname = 'project_sub_stage_progress_approval_type_when_required');
SELECT 1 / (NOT attnotnull)::int FROM pg_catalog.pg_attribute
 WHERE attrelid = 'app.project_sub_stage_progress'::regclass AND attname = 'approval_type';

ROLLBACK;
