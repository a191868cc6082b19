-- Deploy pulse:maintenance/soft_delete to pg
-- requires: maintenance/parts maintenance/assets platform/soft_delete_sites

BEGIN;

-- Soft delete for maintenance master data (docs/maintenance.md "The trash",
-- docs/platform/soft-delete.md): the equipment register (assets), meters,
-- failure codes, storerooms and bins get the trash columns; their SELECT
-- policies hide trashed rows from everyone but trash.manage holders, and API
-- roles lose DELETE on them (app.soft_delete moves a row to the trash, the
-- purge-trash job deletes it for good).

ALTER TABLE app.equipment
  ADD COLUMN deleted_at timestamptz,
  ADD COLUMN deleted_by uuid REFERENCES app.users (id) ON DELETE SET NULL,
  ADD COLUMN deletion_reason text CONSTRAINT equipment_deletion_reason_length CHECK (length(deletion_reason) <= 2000);
COMMENT ON COLUMN app.equipment.deleted_at IS
  E'Moved to the trash\nWhen the equipment (an asset, an instrument) was moved to the trash (app.soft_delete); null while it is live. Only trash.manage holders see trashed rows.';
COMMENT ON COLUMN app.equipment.deleted_by IS 'Who moved it to the trash.';
COMMENT ON COLUMN app.equipment.deletion_reason IS 'Why it was moved to the trash.';
CREATE INDEX equipment_deleted_idx ON app.equipment (organization_id, deleted_at) WHERE deleted_at IS NOT NULL;
CREATE INDEX equipment_deleted_by_idx ON app.equipment (deleted_by) WHERE deleted_by IS NOT NULL;

ALTER TABLE app.meters
  ADD COLUMN deleted_at timestamptz,
  ADD COLUMN deleted_by uuid REFERENCES app.users (id) ON DELETE SET NULL,
  ADD COLUMN deletion_reason text CONSTRAINT meters_deletion_reason_length CHECK (length(deletion_reason) <= 2000);
COMMENT ON COLUMN app.meters.deleted_at IS
  E'Moved to the trash\nWhen the meter was moved to the trash (app.soft_delete); null while it is live. Only trash.manage holders see trashed rows.';
COMMENT ON COLUMN app.meters.deleted_by IS 'Who moved it to the trash.';
COMMENT ON COLUMN app.meters.deletion_reason IS 'Why it was moved to the trash.';
CREATE INDEX meters_deleted_idx ON app.meters (organization_id, deleted_at) WHERE deleted_at IS NOT NULL;
CREATE INDEX meters_deleted_by_idx ON app.meters (deleted_by) WHERE deleted_by IS NOT NULL;

ALTER TABLE app.failure_codes
  ADD COLUMN deleted_at timestamptz,
  ADD COLUMN deleted_by uuid REFERENCES app.users (id) ON DELETE SET NULL,
  ADD COLUMN deletion_reason text CONSTRAINT failure_codes_deletion_reason_length CHECK (length(deletion_reason) <= 2000);
COMMENT ON COLUMN app.failure_codes.deleted_at IS
  E'Moved to the trash\nWhen the failure code was moved to the trash (app.soft_delete); null while it is live. Only trash.manage holders see trashed rows.';
COMMENT ON COLUMN app.failure_codes.deleted_by IS 'Who moved it to the trash.';
COMMENT ON COLUMN app.failure_codes.deletion_reason IS 'Why it was moved to the trash.';
CREATE INDEX failure_codes_deleted_idx ON app.failure_codes (organization_id, deleted_at) WHERE deleted_at IS NOT NULL;
CREATE INDEX failure_codes_deleted_by_idx ON app.failure_codes (deleted_by) WHERE deleted_by IS NOT NULL;

ALTER TABLE app.storerooms
  ADD COLUMN deleted_at timestamptz,
  ADD COLUMN deleted_by uuid REFERENCES app.users (id) ON DELETE SET NULL,
  ADD COLUMN deletion_reason text CONSTRAINT storerooms_deletion_reason_length CHECK (length(deletion_reason) <= 2000);
COMMENT ON COLUMN app.storerooms.deleted_at IS
  E'Moved to the trash\nWhen the storeroom was moved to the trash (app.soft_delete); null while it is live. Only trash.manage holders see trashed rows.';
COMMENT ON COLUMN app.storerooms.deleted_by IS 'Who moved it to the trash.';
COMMENT ON COLUMN app.storerooms.deletion_reason IS 'Why it was moved to the trash.';
CREATE INDEX storerooms_deleted_idx ON app.storerooms (organization_id, deleted_at) WHERE deleted_at IS NOT NULL;
CREATE INDEX storerooms_deleted_by_idx ON app.storerooms (deleted_by) WHERE deleted_by IS NOT NULL;

ALTER TABLE app.storeroom_bins
  ADD COLUMN deleted_at timestamptz,
  ADD COLUMN deleted_by uuid REFERENCES app.users (id) ON DELETE SET NULL,
  ADD COLUMN deletion_reason text CONSTRAINT storeroom_bins_deletion_reason_length CHECK (length(deletion_reason) <= 2000);
COMMENT ON COLUMN app.storeroom_bins.deleted_at IS
  E'Moved to the trash\nWhen the bin was moved to the trash (app.soft_delete); null while it is live. Only trash.manage holders see trashed rows.';
COMMENT ON COLUMN app.storeroom_bins.deleted_by IS 'Who moved it to the trash.';
COMMENT ON COLUMN app.storeroom_bins.deletion_reason IS 'Why it was moved to the trash.';
CREATE INDEX storeroom_bins_deleted_idx ON app.storeroom_bins (organization_id, deleted_at) WHERE deleted_at IS NOT NULL;
CREATE INDEX storeroom_bins_deleted_by_idx ON app.storeroom_bins (deleted_by) WHERE deleted_by IS NOT NULL;

COMMIT;
