-- The trash for maintenance master data (migration maintenance/soft_delete;
-- docs/maintenance.md "The trash"; the platform block is
-- db/functions/50_platform/38_soft_delete.sql). Assets (their equipment),
-- meters, failure codes, storerooms and bins are moved to the trash with
-- app.soft_delete and a reason, never deleted by API roles; their SELECT
-- policies hide trashed rows from everyone but trash.manage holders, who
-- restore them (app.restore); the purge-trash job deletes them for good
-- after the tenant's retention, unless history still references them
-- (a restricting foreign key keeps the row in the trash).
--
-- Site-scoped types check the delete permission at the row's site (the
-- functions below find it), as their DELETE policies did: a planner scoped
-- to one plant trashes that plant's rows only.
--
-- Moving to the trash is refused where a delete was, with the same codes,
-- and where open work or stock needs the row:
--   equipment: asset.open_work, asset.pm_scheduled, asset.has_children (12_asset_deletion.sql);
--   meter: meter.pm_scheduled (an active preventive schedule counts on it);
--   storeroom: storeroom.has_bins (a bin of it is not in the trash);
--   storeroom bin: storeroom_bin.has_stock (parts are on hand there, reserved or not).
-- Link rows (allowed failure-code combinations, spare-parts lines, vendor
-- parts, reorder settings) have no id and no history: they stay plainly
-- deletable, and the audit log keeps what they were.

SELECT app_private.register_entity_type('meter', 'app.meters', 'name', 'Meter');
SELECT app_private.register_entity_type('failure_code', 'app.failure_codes', 'name', 'Failure code', 'code');
SELECT app_private.register_entity_type('storeroom_bin', 'app.storeroom_bins', 'code', 'Storeroom bin', 'code');

CREATE OR REPLACE FUNCTION app_private.equipment_site(p_organization_id uuid, p_id uuid) RETURNS uuid
LANGUAGE sql STABLE
SET search_path = ''
AS $$
  SELECT e.site_id FROM app.equipment AS e WHERE e.organization_id = p_organization_id AND e.id = p_id;
$$;
COMMENT ON FUNCTION app_private.equipment_site(uuid, uuid) IS
  'The site of a piece of equipment (null: tenant-wide), for the site-scoped trash (equipment.manage at the site).';

CREATE OR REPLACE FUNCTION app_private.meter_site(p_organization_id uuid, p_id uuid) RETURNS uuid
LANGUAGE sql STABLE
SET search_path = ''
AS $$
  SELECT e.site_id FROM app.meters AS m JOIN app.equipment AS e ON e.organization_id = m.organization_id AND e.id = m.equipment_id
   WHERE m.organization_id = p_organization_id AND m.id = p_id;
$$;
COMMENT ON FUNCTION app_private.meter_site(uuid, uuid) IS
  'The site of a meter (its equipment''s), for the site-scoped trash (asset.manage at the site).';

CREATE OR REPLACE FUNCTION app_private.storeroom_site(p_organization_id uuid, p_id uuid) RETURNS uuid
LANGUAGE sql STABLE
SET search_path = ''
AS $$
  SELECT s.site_id FROM app.storerooms AS s WHERE s.organization_id = p_organization_id AND s.id = p_id;
$$;
COMMENT ON FUNCTION app_private.storeroom_site(uuid, uuid) IS
  'The site of a storeroom, for the site-scoped trash (stock.manage at the site).';

CREATE OR REPLACE FUNCTION app_private.storeroom_bin_site(p_organization_id uuid, p_id uuid) RETURNS uuid
LANGUAGE sql STABLE
SET search_path = ''
AS $$
  SELECT b.site_id FROM app.storeroom_bins AS b WHERE b.organization_id = p_organization_id AND b.id = p_id;
$$;
COMMENT ON FUNCTION app_private.storeroom_bin_site(uuid, uuid) IS
  'The site of a storeroom bin, for the site-scoped trash (stock.manage at the site).';

SELECT app_private.enable_soft_delete('equipment', 'equipment.manage', 'app_private.equipment_site(uuid, uuid)');
SELECT app_private.enable_soft_delete('meter', 'asset.manage', 'app_private.meter_site(uuid, uuid)');
SELECT app_private.enable_soft_delete('failure_code', 'asset.manage');
SELECT app_private.enable_soft_delete('storeroom', 'stock.manage', 'app_private.storeroom_site(uuid, uuid)');
SELECT app_private.enable_soft_delete('storeroom_bin', 'stock.manage', 'app_private.storeroom_bin_site(uuid, uuid)');

CREATE OR REPLACE FUNCTION app_private.tg_maintenance__refuse_trash_in_use() RETURNS trigger
LANGUAGE plpgsql VOLATILE
-- Definer: it must see every schedule, bin and stock row, not only those the caller reads.
SECURITY DEFINER
SET search_path = ''
AS $$
BEGIN
  PERFORM app_private.refuse_foreign_tenant(OLD.organization_id);
  IF TG_TABLE_NAME = 'meters' AND EXISTS (
       SELECT FROM app.pm_schedules AS s WHERE s.organization_id = OLD.organization_id AND s.meter_id = OLD.id AND s.is_active) THEN
    RAISE EXCEPTION 'the meter drives active preventive schedules' USING ERRCODE = 'PT409', DETAIL = 'meter.pm_scheduled',
      HINT = 'Pause its preventive schedules first (app.set_pm_schedule_active).';
  ELSIF TG_TABLE_NAME = 'storerooms' AND EXISTS (
       SELECT FROM app.storeroom_bins AS b
        WHERE b.organization_id = OLD.organization_id AND b.storeroom_id = OLD.id AND b.deleted_at IS NULL) THEN
    RAISE EXCEPTION 'the storeroom has bins that are not in the trash' USING ERRCODE = 'PT409', DETAIL = 'storeroom.has_bins',
      HINT = 'Move its bins to the trash first (they must be empty).';
  ELSIF TG_TABLE_NAME = 'storeroom_bins' AND EXISTS (
       SELECT FROM app.part_stock AS p WHERE p.organization_id = OLD.organization_id AND p.bin_id = OLD.id AND p.on_hand > 0) THEN
    RAISE EXCEPTION 'parts are on hand in the bin' USING ERRCODE = 'PT409', DETAIL = 'storeroom_bin.has_stock',
      HINT = 'Issue or transfer its stock first (app.transfer_stock), and release its reservations.';
  END IF;
  RETURN NEW;
END
$$;
COMMENT ON FUNCTION app_private.tg_maintenance__refuse_trash_in_use() IS
  'BEFORE moving a meter, storeroom or bin to the trash: PT409 meter.pm_scheduled while an active preventive schedule counts on the meter, storeroom.has_bins while a bin of the storeroom is not in the trash, storeroom_bin.has_stock while parts are on hand in the bin.';

CREATE OR REPLACE TRIGGER _050_refuse_trash_in_use BEFORE UPDATE OF deleted_at ON app.meters
  FOR EACH ROW WHEN (OLD.deleted_at IS NULL AND NEW.deleted_at IS NOT NULL)
  EXECUTE FUNCTION app_private.tg_maintenance__refuse_trash_in_use();
CREATE OR REPLACE TRIGGER _050_refuse_trash_in_use BEFORE UPDATE OF deleted_at ON app.storerooms
  FOR EACH ROW WHEN (OLD.deleted_at IS NULL AND NEW.deleted_at IS NOT NULL)
  EXECUTE FUNCTION app_private.tg_maintenance__refuse_trash_in_use();
CREATE OR REPLACE TRIGGER _050_refuse_trash_in_use BEFORE UPDATE OF deleted_at ON app.storeroom_bins
  FOR EACH ROW WHEN (OLD.deleted_at IS NULL AND NEW.deleted_at IS NOT NULL)
  EXECUTE FUNCTION app_private.tg_maintenance__refuse_trash_in_use();
