-- Deleting an asset (migration maintenance/platform_blocks: no table of its
-- own). Deleting the equipment row cascades to its asset row, meters,
-- readings, spare-parts list, work requests and PM schedules, and a work
-- order's foreign key restricts it; deleting only the asset row drops its
-- level, criticality and location. Neither may pull an asset from under
-- open work: a DELETE of either row is refused with a reason while a work
-- order on the asset (primary or linked) is open or an active preventive
-- schedule plans work on it, and a DELETE of the equipment is refused while
-- any work order names it (its history keeps it; retire it instead). The
-- tenant's purge (app.purge_organization) is never refused.
--
-- Moving the equipment to the trash (app.soft_delete, maintenance/soft_delete)
-- is refused for the same reasons with the same codes (open work, active
-- schedules) but not for history: the trash keeps the row, and the purge
-- leaves it there while a work order still names it. An asset with parts
-- that are not in the trash is refused too (asset.has_children): trash the
-- parts first; nothing live ever hangs below a trashed node.

CREATE OR REPLACE FUNCTION app_private.tg_assets__refuse_delete_in_use() RETURNS trigger
LANGUAGE plpgsql VOLATILE
-- Definer: it must see every work order and schedule on the asset, not only those the caller reads.
SECURITY DEFINER
SET search_path = ''
AS $$
DECLARE
  v_equipment_id uuid;
  v_number text;
BEGIN
  PERFORM app_private.refuse_foreign_tenant(OLD.organization_id);
  v_equipment_id := (pg_catalog.to_jsonb(OLD) ->> CASE WHEN TG_TABLE_NAME = 'equipment' THEN 'id' ELSE 'equipment_id' END)::uuid;
  IF TG_OP = 'DELETE' AND app_private.tenant_is_leaving(OLD.organization_id) THEN
    RETURN OLD;
  END IF;
  SELECT w.work_order_number INTO v_number
    FROM app.work_order_assets AS a
    JOIN app.work_orders AS w ON w.organization_id = a.organization_id AND w.id = a.work_order_id
   WHERE a.organization_id = OLD.organization_id AND a.equipment_id = v_equipment_id AND w.status NOT IN ('closed', 'cancelled')
   ORDER BY w.work_order_number LIMIT 1;
  IF FOUND THEN
    RAISE EXCEPTION 'the asset has open work (%): delete refused', v_number USING ERRCODE = 'PT409', DETAIL = 'asset.open_work',
      HINT = 'Close or cancel its open work orders first, or set the equipment''s status to out_of_service or retired.';
  END IF;
  IF EXISTS (SELECT FROM app.pm_schedules AS s
              WHERE s.organization_id = OLD.organization_id AND s.equipment_id = v_equipment_id AND s.is_active) THEN
    RAISE EXCEPTION 'the asset has active preventive schedules: delete refused' USING ERRCODE = 'PT409', DETAIL = 'asset.pm_scheduled',
      HINT = 'Pause its preventive schedules first (app.set_pm_schedule_active), or set the equipment''s status to retired.';
  END IF;
  IF TG_OP = 'UPDATE' THEN  -- moving to the trash
    IF EXISTS (SELECT FROM app.equipment AS c
                WHERE c.organization_id = OLD.organization_id AND c.parent_id = v_equipment_id AND c.deleted_at IS NULL) THEN
      RAISE EXCEPTION 'the asset has parts that are not in the trash' USING ERRCODE = 'PT409', DETAIL = 'asset.has_children',
        HINT = 'Move its parts to the trash first (app.equipment_tree lists them), or give them another parent.';
    END IF;
    RETURN NEW;
  END IF;
  IF TG_TABLE_NAME = 'equipment' AND EXISTS (
       SELECT FROM app.work_order_assets AS a WHERE a.organization_id = OLD.organization_id AND a.equipment_id = v_equipment_id
       UNION ALL
       SELECT FROM app.work_orders AS w WHERE w.organization_id = OLD.organization_id AND w.equipment_id = v_equipment_id) THEN
    RAISE EXCEPTION 'the equipment has a work order history: delete refused' USING ERRCODE = 'PT409', DETAIL = 'asset.has_history',
      HINT = 'Its maintenance history keeps it: set its status to retired instead.';
  END IF;
  RETURN OLD;
END
$$;
COMMENT ON FUNCTION app_private.tg_assets__refuse_delete_in_use() IS
  'BEFORE DELETE on app.equipment and app.assets, and BEFORE moving equipment to the trash: PT409 asset.open_work while a work order on the asset (primary or linked) is not closed or cancelled, asset.pm_scheduled while an active preventive schedule names it; a DELETE of equipment asset.has_history while any work order names it (never while the tenant is being purged); moving to the trash asset.has_children while a part of it is not in the trash.';

CREATE OR REPLACE TRIGGER _050_refuse_delete_in_use BEFORE DELETE ON app.assets
  FOR EACH ROW EXECUTE FUNCTION app_private.tg_assets__refuse_delete_in_use();
CREATE OR REPLACE TRIGGER _050_refuse_delete_in_use BEFORE DELETE ON app.equipment
  FOR EACH ROW EXECUTE FUNCTION app_private.tg_assets__refuse_delete_in_use();
CREATE OR REPLACE TRIGGER _050_refuse_trash_in_use BEFORE UPDATE OF deleted_at ON app.equipment
  FOR EACH ROW WHEN (OLD.deleted_at IS NULL AND NEW.deleted_at IS NOT NULL)
  EXECUTE FUNCTION app_private.tg_assets__refuse_delete_in_use();
