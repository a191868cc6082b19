-- Revert pulse:lab/storage from pg

BEGIN;

DROP TABLE app.custody_events CASCADE;
ALTER TABLE app.samples
  DROP COLUMN storage_location_id CASCADE,
  DROP COLUMN storage_is_position CASCADE,
  DROP COLUMN custodian_id CASCADE,
  DROP COLUMN custody_external CASCADE;
DROP TABLE app.storage_locations CASCADE;
DROP TYPE app.storage_location_kind CASCADE;

COMMIT;
