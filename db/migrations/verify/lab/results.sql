-- Verify pulse:lab/results on pg

BEGIN;

SELECT reported_value, reported_unit, review_signature, release_signature, invalidated_by, invalidated_at, invalidation_reason
  FROM app.results WHERE false;
SELECT 1 / count(*) FROM pg_catalog.pg_indexes WHERE schemaname = 'app' AND indexname = 'results_one_current_per_analysis_idx';

ROLLBACK;
