-- Deploy pulse:lab/results to pg
-- requires: lab/core

BEGIN;

-- What the result rules keep beside the core columns: the value and unit as
-- they were reported (the stored numeric_value is in the test's unit), and
-- the electronic signatures of review and release (21 CFR Part 11 §11.50:
-- printed name, date and time, meaning).

ALTER TABLE app.results
  ADD COLUMN reported_value numeric,
  ADD COLUMN reported_unit text REFERENCES app.units (code),
  ADD COLUMN review_signature jsonb CONSTRAINT results_review_signature_object CHECK (jsonb_typeof(review_signature) = 'object'),
  ADD COLUMN release_signature jsonb CONSTRAINT results_release_signature_object CHECK (jsonb_typeof(release_signature) = 'object'),
  ADD COLUMN invalidated_by uuid REFERENCES app.users (id) ON DELETE SET NULL,
  ADD COLUMN invalidated_at timestamptz,
  ADD COLUMN invalidation_reason text CONSTRAINT results_invalidation_reason_length CHECK (length(btrim(invalidation_reason)) BETWEEN 1 AND 2000);
CREATE INDEX results_reported_unit_idx ON app.results (reported_unit);
CREATE INDEX results_invalidated_by_idx ON app.results (invalidated_by);
-- One current result per analysis: a new one only after the last was
-- invalidated or superseded (amendments supersede in the same transaction).
CREATE UNIQUE INDEX results_one_current_per_analysis_idx ON app.results (organization_id, analysis_id)
  WHERE status IN ('entered', 'reviewed', 'released');
COMMENT ON COLUMN app.results.reported_value IS E'Reported value\nThe number as it was sent, in reported_unit, before conversion to the test''s unit.';
COMMENT ON COLUMN app.results.reported_unit IS E'Reported unit\nThe unit (units.code) the value was sent in; numeric_value is converted to the test''s unit.';
COMMENT ON COLUMN app.results.review_signature IS
  E'Review signature\nThe reviewer''s electronic signature: printed name, signed_at, meaning, reason, the signed payload and its sha256.';
COMMENT ON COLUMN app.results.release_signature IS
  E'Release signature\nThe releaser''s electronic signature: printed name, signed_at, meaning, reason, the signed payload and its sha256.';
COMMENT ON COLUMN app.results.invalidated_by IS E'Invalidated by';
COMMENT ON COLUMN app.results.invalidated_at IS E'Invalidated at';
COMMENT ON COLUMN app.results.invalidation_reason IS E'Invalidation reason\nWhy the result was invalidated (an assignable cause, a failed control).';

COMMIT;
