-- Revert pulse:maintenance/soft_delete from pg

BEGIN;

-- The policies and functions that read the columns are repeatables: CASCADE
-- drops the policies, and the next migrate re-applies the files of the reverted state.
DELETE FROM app_private.soft_delete_types WHERE entity_type IN ('equipment', 'meter', 'failure_code', 'storeroom', 'storeroom_bin');
ALTER TABLE app.equipment DROP COLUMN deleted_at CASCADE, DROP COLUMN deleted_by, DROP COLUMN deletion_reason;
ALTER TABLE app.meters DROP COLUMN deleted_at CASCADE, DROP COLUMN deleted_by, DROP COLUMN deletion_reason;
ALTER TABLE app.failure_codes DROP COLUMN deleted_at CASCADE, DROP COLUMN deleted_by, DROP COLUMN deletion_reason;
ALTER TABLE app.storerooms DROP COLUMN deleted_at CASCADE, DROP COLUMN deleted_by, DROP COLUMN deletion_reason;
ALTER TABLE app.storeroom_bins DROP COLUMN deleted_at CASCADE, DROP COLUMN deleted_by, DROP COLUMN deletion_reason;

COMMIT;
