-- Revert pulse:lab/results from pg

BEGIN;

DROP INDEX app.results_one_current_per_analysis_idx;
ALTER TABLE app.results
  DROP COLUMN reported_value CASCADE,
  DROP COLUMN reported_unit CASCADE,
  DROP COLUMN review_signature CASCADE,
  DROP COLUMN release_signature CASCADE,
  DROP COLUMN invalidated_by CASCADE,
  DROP COLUMN invalidated_at CASCADE,
  DROP COLUMN invalidation_reason CASCADE;

COMMIT;
