-- Revert pulse:quality/gauge_substitution from pg

BEGIN;

ALTER TABLE app.measurements DROP COLUMN substituted_gauge_id;

COMMIT;
