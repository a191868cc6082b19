-- Maintenance stores (migration maintenance/parts): storerooms and bins per
-- site, reorder settings per part and storeroom, the spare-parts list of each
-- asset, vendors and contractors (partner roles) and the parts vendors supply.
-- Spares are rows of the tenant's one item master, app.parts (docs/maintenance.md
-- "Spare parts and stores" says why). Everything stocked is scoped by its
-- storeroom's site: stock.read / .manage tenant-wide or at the site.
-- The key triggers of these tables are here, not in 10_core/30_row_keys.sql,
-- so the maintenance slices merge without touching the shared lists.

-- Keys ----------------------------------------------------------------------

CREATE OR REPLACE TRIGGER _000_fill_keys BEFORE INSERT ON app.storerooms
  FOR EACH ROW EXECUTE FUNCTION app_private.tg_fill_keys('organization_id', 'id');
CREATE OR REPLACE TRIGGER _000_fill_keys BEFORE INSERT ON app.storeroom_bins
  FOR EACH ROW EXECUTE FUNCTION app_private.tg_fill_keys('organization_id', 'id');
CREATE OR REPLACE TRIGGER _000_fill_keys BEFORE INSERT ON app.part_storeroom_settings
  FOR EACH ROW EXECUTE FUNCTION app_private.tg_fill_keys('organization_id');
CREATE OR REPLACE TRIGGER _000_fill_keys BEFORE INSERT ON app.equipment_spare_parts
  FOR EACH ROW EXECUTE FUNCTION app_private.tg_fill_keys('organization_id');
CREATE OR REPLACE TRIGGER _000_fill_keys BEFORE INSERT ON app.partner_roles
  FOR EACH ROW EXECUTE FUNCTION app_private.tg_fill_keys('organization_id');
CREATE OR REPLACE TRIGGER _000_fill_keys BEFORE INSERT ON app.vendor_parts
  FOR EACH ROW EXECUTE FUNCTION app_private.tg_fill_keys('organization_id');
CREATE OR REPLACE TRIGGER _000_fill_keys BEFORE INSERT ON app.stock_movements
  FOR EACH ROW EXECUTE FUNCTION app_private.tg_fill_keys('organization_id', 'id');
CREATE OR REPLACE TRIGGER _000_fill_keys BEFORE INSERT ON app.stock_reservations
  FOR EACH ROW EXECUTE FUNCTION app_private.tg_fill_keys('organization_id', 'id');
CREATE OR REPLACE TRIGGER _000_fill_keys BEFORE INSERT ON app.purchase_requests
  FOR EACH ROW EXECUTE FUNCTION app_private.tg_fill_keys('organization_id', 'id');

CREATE OR REPLACE TRIGGER _010_keep_fixed_columns BEFORE UPDATE ON app.storerooms
  FOR EACH ROW EXECUTE FUNCTION app_private.tg_keep_fixed_columns('organization_id', 'id', 'site_id');
CREATE OR REPLACE TRIGGER _010_keep_fixed_columns BEFORE UPDATE ON app.storeroom_bins
  FOR EACH ROW EXECUTE FUNCTION app_private.tg_keep_fixed_columns('organization_id', 'id', 'storeroom_id', 'site_id');
CREATE OR REPLACE TRIGGER _010_keep_fixed_columns BEFORE UPDATE ON app.part_storeroom_settings
  FOR EACH ROW EXECUTE FUNCTION app_private.tg_keep_fixed_columns('organization_id', 'part_id', 'storeroom_id', 'site_id');
CREATE OR REPLACE TRIGGER _010_keep_fixed_columns BEFORE UPDATE ON app.equipment_spare_parts
  FOR EACH ROW EXECUTE FUNCTION app_private.tg_keep_fixed_columns('organization_id', 'equipment_id', 'part_id');
CREATE OR REPLACE TRIGGER _010_keep_fixed_columns BEFORE UPDATE ON app.vendor_parts
  FOR EACH ROW EXECUTE FUNCTION app_private.tg_keep_fixed_columns('organization_id', 'partner_id', 'part_id');

-- Inserts an API role makes directly: the permission tenant-wide or at some
-- site first (statement), then at the row's site (_200_prepare).
CREATE OR REPLACE TRIGGER _000_require_site_permission BEFORE INSERT ON app.storerooms
  FOR EACH STATEMENT EXECUTE FUNCTION app_private.tg_require_insert_permission_at_a_site('stock.manage');
CREATE OR REPLACE TRIGGER _000_require_site_permission BEFORE INSERT ON app.storeroom_bins
  FOR EACH STATEMENT EXECUTE FUNCTION app_private.tg_require_insert_permission_at_a_site('stock.manage');
CREATE OR REPLACE TRIGGER _000_require_site_permission BEFORE INSERT ON app.part_storeroom_settings
  FOR EACH STATEMENT EXECUTE FUNCTION app_private.tg_require_insert_permission_at_a_site('stock.manage');
CREATE OR REPLACE TRIGGER _000_require_site_permission BEFORE INSERT ON app.equipment_spare_parts
  FOR EACH STATEMENT EXECUTE FUNCTION app_private.tg_require_insert_permission_at_a_site('stock.manage');
CREATE OR REPLACE TRIGGER _000_require_permission BEFORE INSERT ON app.partner_roles
  FOR EACH STATEMENT EXECUTE FUNCTION app_private.tg_require_insert_permission('partner.manage');
CREATE OR REPLACE TRIGGER _000_require_permission BEFORE INSERT ON app.vendor_parts
  FOR EACH STATEMENT EXECUTE FUNCTION app_private.tg_require_insert_permission('stock.manage');

-- Storerooms and bins ---------------------------------------------------------

CREATE OR REPLACE FUNCTION app_private.tg_storerooms__prepare() RETURNS trigger
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = ''
AS $$
BEGIN
  PERFORM app_private.refuse_foreign_tenant(NEW.organization_id);
  IF app_private.is_member_call() THEN
    PERFORM auth.check_permission_at('stock.manage', NEW.site_id);
  END IF;
  RETURN NEW;
END
$$;
COMMENT ON FUNCTION app_private.tg_storerooms__prepare() IS
  'BEFORE INSERT/UPDATE on storerooms: the tenant guard; stock.manage tenant-wide or at the storeroom''s site (PT403 permission.missing).';
CREATE OR REPLACE TRIGGER _200_prepare BEFORE INSERT OR UPDATE ON app.storerooms
  FOR EACH ROW EXECUTE FUNCTION app_private.tg_storerooms__prepare();
CREATE OR REPLACE TRIGGER _100_touch_updated_at BEFORE UPDATE ON app.storerooms
  FOR EACH ROW EXECUTE FUNCTION app_private.tg__touch_updated_at();

-- A row stocked in a storeroom takes the storeroom's site (the composite
-- foreign key holds it equal) and needs stock.manage there.
CREATE OR REPLACE FUNCTION app_private.tg_stores__carry_site() RETURNS trigger
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = ''
AS $$
DECLARE
  v_storeroom_id uuid;
  v_site_id uuid;
BEGIN
  PERFORM app_private.refuse_foreign_tenant(NEW.organization_id);
  v_storeroom_id := (pg_catalog.to_jsonb(NEW) ->> 'storeroom_id')::uuid;
  IF v_storeroom_id IS NOT NULL THEN
    SELECT s.site_id INTO v_site_id FROM app.storerooms AS s WHERE s.organization_id = NEW.organization_id AND s.id = v_storeroom_id;
    IF NOT FOUND THEN
      RAISE EXCEPTION 'storeroom not found' USING ERRCODE = 'PT404', DETAIL = 'storeroom.not_found',
        HINT = 'GET /storerooms lists the storerooms you may see.';
    END IF;
    NEW := pg_catalog.jsonb_populate_record(NEW, pg_catalog.jsonb_build_object('site_id', v_site_id));
  ELSIF TG_TABLE_NAME = 'equipment_spare_parts' THEN
    NEW := pg_catalog.jsonb_populate_record(NEW, '{"site_id": null}');
  END IF;
  IF NOT app_private.is_member_call() THEN
    NULL;  -- the owner's paths (fixtures, seeds) are not a member's request
  ELSIF TG_TABLE_NAME = 'equipment_spare_parts' THEN
    -- The asset's list: stock.manage where the asset is.
    PERFORM auth.check_permission_at('stock.manage',
      (SELECT e.site_id FROM app.equipment AS e WHERE e.organization_id = NEW.organization_id AND e.id = (pg_catalog.to_jsonb(NEW) ->> 'equipment_id')::uuid));
  ELSE
    PERFORM auth.check_permission_at('stock.manage', v_site_id);
  END IF;
  RETURN NEW;
END
$$;
COMMENT ON FUNCTION app_private.tg_stores__carry_site() IS
  'BEFORE INSERT/UPDATE on storeroom_bins, part_storeroom_settings, equipment_spare_parts: the tenant guard; the row takes its storeroom''s site (PT404 storeroom.not_found); stock.manage tenant-wide or at that site (for an asset''s spare-parts list: at the asset''s site), else PT403 permission.missing.';
CREATE OR REPLACE TRIGGER _200_prepare BEFORE INSERT OR UPDATE ON app.storeroom_bins
  FOR EACH ROW EXECUTE FUNCTION app_private.tg_stores__carry_site();
CREATE OR REPLACE TRIGGER _200_prepare BEFORE INSERT OR UPDATE ON app.part_storeroom_settings
  FOR EACH ROW EXECUTE FUNCTION app_private.tg_stores__carry_site();
CREATE OR REPLACE TRIGGER _200_prepare BEFORE INSERT OR UPDATE ON app.equipment_spare_parts
  FOR EACH ROW EXECUTE FUNCTION app_private.tg_stores__carry_site();
CREATE OR REPLACE TRIGGER _100_touch_updated_at BEFORE UPDATE ON app.part_storeroom_settings
  FOR EACH ROW EXECUTE FUNCTION app_private.tg__touch_updated_at();
CREATE OR REPLACE TRIGGER _100_touch_updated_at BEFORE UPDATE ON app.equipment_spare_parts
  FOR EACH ROW EXECUTE FUNCTION app_private.tg__touch_updated_at();

-- Vendors ---------------------------------------------------------------------

CREATE OR REPLACE FUNCTION app_private.tg_vendor_parts__prepare() RETURNS trigger
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = ''
AS $$
BEGIN
  PERFORM app_private.refuse_foreign_tenant(NEW.organization_id);
  IF NOT EXISTS (SELECT FROM app.partner_roles AS r
                  WHERE r.organization_id = NEW.organization_id AND r.partner_id = NEW.partner_id AND r.role = 'vendor') THEN
    PERFORM app_private.raise_invalid('vendor_part.not_vendor', 'the partner is not a vendor',
      'Give the partner the vendor role first (POST /partner_roles with role vendor).');
  END IF;
  RETURN NEW;
END
$$;
COMMENT ON FUNCTION app_private.tg_vendor_parts__prepare() IS
  'BEFORE INSERT/UPDATE on vendor_parts: the tenant guard; the partner has the vendor role (PT422 vendor_part.not_vendor).';
CREATE OR REPLACE TRIGGER _200_prepare BEFORE INSERT OR UPDATE ON app.vendor_parts
  FOR EACH ROW EXECUTE FUNCTION app_private.tg_vendor_parts__prepare();
CREATE OR REPLACE TRIGGER _100_touch_updated_at BEFORE UPDATE ON app.vendor_parts
  FOR EACH ROW EXECUTE FUNCTION app_private.tg__touch_updated_at();

CREATE OR REPLACE FUNCTION app_private.tg_partner_roles__guard() RETURNS trigger
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = ''
AS $$
BEGIN
  PERFORM app_private.refuse_foreign_tenant(NEW.organization_id);
  RETURN NEW;
END
$$;
COMMENT ON FUNCTION app_private.tg_partner_roles__guard() IS 'BEFORE INSERT on partner_roles: the tenant guard.';
CREATE OR REPLACE TRIGGER _200_prepare BEFORE INSERT ON app.partner_roles
  FOR EACH ROW EXECUTE FUNCTION app_private.tg_partner_roles__guard();

SELECT app_private.register_entity_type('storeroom', 'app.storerooms', 'name', 'Storeroom', 'code');
