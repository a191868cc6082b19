-- Maintenance spare parts and stores (db/functions/90_maintenance/40_*..44_*).
-- Storerooms and bins are not deleted by API roles: they are moved to the
-- trash (app.soft_delete, stock.manage at the site; maintenance/soft_delete),
-- refused while stock or reservations are there.
-- Everything stocked is scoped by its storeroom's site: read with
-- stock.read, storerooms, bins, reorder settings and spare-parts
-- lists written with stock.manage, tenant-wide or at the site.
-- Stock, movements, reservations and purchase requests have no write grant:
-- the stock RPCs write them (the ledger keeps part_stock). Vendors: partner
-- roles with partner.manage, the parts they supply with stock.manage.

ALTER TABLE app.storerooms ENABLE ROW LEVEL SECURITY;
ALTER TABLE app.storerooms FORCE ROW LEVEL SECURITY;
GRANT SELECT, INSERT (organization_id, site_id, code, name, responsible_user_id, is_active),
      UPDATE (code, name, responsible_user_id, is_active) ON app.storerooms TO app_user;
GRANT INSERT (id), UPDATE (organization_id, id, site_id) ON app.storerooms TO app_user;
GRANT SELECT, INSERT, UPDATE ON app.storerooms TO app_admin;  -- no DELETE for operators either: the trash, then the purge job
CREATE POLICY storerooms_select_reader ON app.storerooms FOR SELECT TO app_user
  USING (organization_id = (SELECT auth.org_id()) AND (deleted_at IS NULL OR (SELECT auth.has_permission('trash.manage'))) AND ((SELECT auth.has_permission('stock.read'))
         OR site_id = ANY ((SELECT auth.permitted_site_ids('stock.read'))::uuid[])));
CREATE POLICY storerooms_insert_manager ON app.storerooms FOR INSERT TO app_user
  WITH CHECK (organization_id = (SELECT auth.org_id()) AND (SELECT auth.check_permission_at('stock.manage', site_id)));
CREATE POLICY storerooms_update_manager ON app.storerooms FOR UPDATE TO app_user
  USING (organization_id = (SELECT auth.org_id()) AND deleted_at IS NULL AND ((SELECT auth.has_permission('stock.manage'))
         OR site_id = ANY ((SELECT auth.permitted_site_ids('stock.manage'))::uuid[])))
  WITH CHECK (organization_id = (SELECT auth.org_id()));
CREATE POLICY storerooms_all_operator ON app.storerooms FOR ALL TO app_admin
  USING ((SELECT auth.is_platform_operator())) WITH CHECK ((SELECT auth.is_platform_operator()));

ALTER TABLE app.storeroom_bins ENABLE ROW LEVEL SECURITY;
ALTER TABLE app.storeroom_bins FORCE ROW LEVEL SECURITY;
GRANT SELECT, INSERT (organization_id, storeroom_id, code, is_active), UPDATE (code, is_active) ON app.storeroom_bins TO app_user;
GRANT INSERT (id), UPDATE (organization_id, id, storeroom_id) ON app.storeroom_bins TO app_user;
GRANT SELECT, INSERT, UPDATE ON app.storeroom_bins TO app_admin;  -- no DELETE for operators either: the trash, then the purge job
CREATE POLICY storeroom_bins_select_reader ON app.storeroom_bins FOR SELECT TO app_user
  USING (organization_id = (SELECT auth.org_id()) AND (deleted_at IS NULL OR (SELECT auth.has_permission('trash.manage'))) AND ((SELECT auth.has_permission('stock.read'))
         OR site_id = ANY ((SELECT auth.permitted_site_ids('stock.read'))::uuid[])));
CREATE POLICY storeroom_bins_insert_manager ON app.storeroom_bins FOR INSERT TO app_user
  WITH CHECK (organization_id = (SELECT auth.org_id()) AND (SELECT auth.check_permission_at('stock.manage', site_id)));
CREATE POLICY storeroom_bins_update_manager ON app.storeroom_bins FOR UPDATE TO app_user
  USING (organization_id = (SELECT auth.org_id()) AND deleted_at IS NULL AND ((SELECT auth.has_permission('stock.manage'))
         OR site_id = ANY ((SELECT auth.permitted_site_ids('stock.manage'))::uuid[])))
  WITH CHECK (organization_id = (SELECT auth.org_id()));
CREATE POLICY storeroom_bins_all_operator ON app.storeroom_bins FOR ALL TO app_admin
  USING ((SELECT auth.is_platform_operator())) WITH CHECK ((SELECT auth.is_platform_operator()));

ALTER TABLE app.part_stock ENABLE ROW LEVEL SECURITY;
ALTER TABLE app.part_stock FORCE ROW LEVEL SECURITY;
GRANT SELECT ON app.part_stock TO app_user, app_admin;
CREATE POLICY part_stock_select_reader ON app.part_stock FOR SELECT TO app_user
  USING (organization_id = (SELECT auth.org_id()) AND ((SELECT auth.has_permission('stock.read'))
         OR site_id = ANY ((SELECT auth.permitted_site_ids('stock.read'))::uuid[])));
CREATE POLICY part_stock_select_operator ON app.part_stock FOR SELECT TO app_admin
  USING ((SELECT auth.is_platform_operator()));

ALTER TABLE app.stock_movements ENABLE ROW LEVEL SECURITY;
ALTER TABLE app.stock_movements FORCE ROW LEVEL SECURITY;
GRANT SELECT ON app.stock_movements TO app_user, app_admin;
CREATE POLICY stock_movements_select_reader ON app.stock_movements FOR SELECT TO app_user
  USING (organization_id = (SELECT auth.org_id()) AND ((SELECT auth.has_permission('stock.read'))
         OR site_id = ANY ((SELECT auth.permitted_site_ids('stock.read'))::uuid[])));
CREATE POLICY stock_movements_select_operator ON app.stock_movements FOR SELECT TO app_admin
  USING ((SELECT auth.is_platform_operator()));

ALTER TABLE app.stock_reservations ENABLE ROW LEVEL SECURITY;
ALTER TABLE app.stock_reservations FORCE ROW LEVEL SECURITY;
GRANT SELECT ON app.stock_reservations TO app_user, app_admin;
CREATE POLICY stock_reservations_select_reader ON app.stock_reservations FOR SELECT TO app_user
  USING (organization_id = (SELECT auth.org_id()) AND ((SELECT auth.has_permission('stock.read'))
         OR site_id = ANY ((SELECT auth.permitted_site_ids('stock.read'))::uuid[])));
CREATE POLICY stock_reservations_select_operator ON app.stock_reservations FOR SELECT TO app_admin
  USING ((SELECT auth.is_platform_operator()));

ALTER TABLE app.part_storeroom_settings ENABLE ROW LEVEL SECURITY;
ALTER TABLE app.part_storeroom_settings FORCE ROW LEVEL SECURITY;
GRANT SELECT, INSERT (organization_id, part_id, storeroom_id, reorder_point, reorder_quantity),
      UPDATE (reorder_point, reorder_quantity), DELETE ON app.part_storeroom_settings TO app_user;
GRANT UPDATE (organization_id, part_id, storeroom_id) ON app.part_storeroom_settings TO app_user;
GRANT SELECT, INSERT, UPDATE, DELETE ON app.part_storeroom_settings TO app_admin;
CREATE POLICY part_storeroom_settings_select_reader ON app.part_storeroom_settings FOR SELECT TO app_user
  USING (organization_id = (SELECT auth.org_id()) AND ((SELECT auth.has_permission('stock.read'))
         OR site_id = ANY ((SELECT auth.permitted_site_ids('stock.read'))::uuid[])));
CREATE POLICY part_storeroom_settings_insert_manager ON app.part_storeroom_settings FOR INSERT TO app_user
  WITH CHECK (organization_id = (SELECT auth.org_id()) AND (SELECT auth.check_permission_at('stock.manage', site_id)));
CREATE POLICY part_storeroom_settings_update_manager ON app.part_storeroom_settings FOR UPDATE TO app_user
  USING (organization_id = (SELECT auth.org_id()) AND ((SELECT auth.has_permission('stock.manage'))
         OR site_id = ANY ((SELECT auth.permitted_site_ids('stock.manage'))::uuid[])))
  WITH CHECK (organization_id = (SELECT auth.org_id()));
CREATE POLICY part_storeroom_settings_delete_manager ON app.part_storeroom_settings FOR DELETE TO app_user
  USING (organization_id = (SELECT auth.org_id()) AND ((SELECT auth.has_permission('stock.manage'))
         OR site_id = ANY ((SELECT auth.permitted_site_ids('stock.manage'))::uuid[])));
CREATE POLICY part_storeroom_settings_all_operator ON app.part_storeroom_settings FOR ALL TO app_admin
  USING ((SELECT auth.is_platform_operator())) WITH CHECK ((SELECT auth.is_platform_operator()));

-- An asset's spare-parts list is read with the asset (equipment.read where it is) and written with
-- stock.manage at the asset's site (_200_prepare).
ALTER TABLE app.equipment_spare_parts ENABLE ROW LEVEL SECURITY;
ALTER TABLE app.equipment_spare_parts FORCE ROW LEVEL SECURITY;
GRANT SELECT, INSERT (organization_id, equipment_id, part_id, quantity, is_critical, storeroom_id, minimum_stock, notes),
      UPDATE (quantity, is_critical, storeroom_id, minimum_stock, notes), DELETE ON app.equipment_spare_parts TO app_user;
GRANT UPDATE (organization_id, equipment_id, part_id) ON app.equipment_spare_parts TO app_user;
GRANT SELECT, INSERT, UPDATE, DELETE ON app.equipment_spare_parts TO app_admin;
CREATE POLICY equipment_spare_parts_select_entity ON app.equipment_spare_parts FOR SELECT TO app_user
  USING (organization_id = (SELECT auth.org_id()) AND (SELECT auth.can_see_entity('equipment', equipment_id)));
CREATE POLICY equipment_spare_parts_insert_manager ON app.equipment_spare_parts FOR INSERT TO app_user
  WITH CHECK (organization_id = (SELECT auth.org_id()) AND (SELECT auth.check_entity('equipment', equipment_id)));
CREATE POLICY equipment_spare_parts_update_manager ON app.equipment_spare_parts FOR UPDATE TO app_user
  USING (organization_id = (SELECT auth.org_id()) AND (SELECT auth.can_see_entity('equipment', equipment_id)))
  WITH CHECK (organization_id = (SELECT auth.org_id()));
CREATE POLICY equipment_spare_parts_delete_manager ON app.equipment_spare_parts FOR DELETE TO app_user
  USING (organization_id = (SELECT auth.org_id()) AND (SELECT auth.can_see_entity('equipment', equipment_id))
         AND ((SELECT auth.has_permission('stock.manage'))
              OR site_id = ANY ((SELECT auth.permitted_site_ids('stock.manage'))::uuid[])
              OR (site_id IS NULL AND cardinality((SELECT auth.permitted_site_ids('stock.manage'))) > 0)));
CREATE POLICY equipment_spare_parts_all_operator ON app.equipment_spare_parts FOR ALL TO app_admin
  USING ((SELECT auth.is_platform_operator())) WITH CHECK ((SELECT auth.is_platform_operator()));

ALTER TABLE app.partner_roles ENABLE ROW LEVEL SECURITY;
ALTER TABLE app.partner_roles FORCE ROW LEVEL SECURITY;
GRANT SELECT, INSERT (organization_id, partner_id, role), DELETE ON app.partner_roles TO app_user;
GRANT SELECT, INSERT, UPDATE, DELETE ON app.partner_roles TO app_admin;
CREATE POLICY partner_roles_select_reader ON app.partner_roles FOR SELECT TO app_user
  USING (organization_id = (SELECT auth.org_id()) AND ((SELECT auth.has_permission('partner.read'))
         OR (SELECT auth.has_permission('stock.read'))
         OR cardinality((SELECT auth.permitted_site_ids('stock.read'))) > 0)
         AND ((SELECT auth.partner_id()) IS NULL OR partner_id = (SELECT auth.partner_id())));
CREATE POLICY partner_roles_insert_manager ON app.partner_roles FOR INSERT TO app_user
  WITH CHECK (organization_id = (SELECT auth.org_id()) AND (SELECT auth.check_permission('partner.manage')));
CREATE POLICY partner_roles_delete_manager ON app.partner_roles FOR DELETE TO app_user
  USING (organization_id = (SELECT auth.org_id()) AND (SELECT auth.has_permission('partner.manage')));
CREATE POLICY partner_roles_all_operator ON app.partner_roles FOR ALL TO app_admin
  USING ((SELECT auth.is_platform_operator())) WITH CHECK ((SELECT auth.is_platform_operator()));

ALTER TABLE app.vendor_parts ENABLE ROW LEVEL SECURITY;
ALTER TABLE app.vendor_parts FORCE ROW LEVEL SECURITY;
GRANT SELECT, INSERT (organization_id, partner_id, part_id, vendor_part_number, unit_price, currency, lead_time_days, is_preferred),
      UPDATE (vendor_part_number, unit_price, currency, lead_time_days, is_preferred), DELETE ON app.vendor_parts TO app_user;
GRANT UPDATE (organization_id, partner_id, part_id) ON app.vendor_parts TO app_user;
GRANT SELECT, INSERT, UPDATE, DELETE ON app.vendor_parts TO app_admin;
CREATE POLICY vendor_parts_select_reader ON app.vendor_parts FOR SELECT TO app_user
  USING (organization_id = (SELECT auth.org_id()) AND ((SELECT auth.has_permission('partner.read'))
         OR (SELECT auth.has_permission('stock.read'))
         OR cardinality((SELECT auth.permitted_site_ids('stock.read'))) > 0)
         AND ((SELECT auth.partner_id()) IS NULL OR partner_id = (SELECT auth.partner_id())));
CREATE POLICY vendor_parts_insert_manager ON app.vendor_parts FOR INSERT TO app_user
  WITH CHECK (organization_id = (SELECT auth.org_id()) AND (SELECT auth.check_permission('stock.manage')));
CREATE POLICY vendor_parts_update_manager ON app.vendor_parts FOR UPDATE TO app_user
  USING (organization_id = (SELECT auth.org_id()) AND (SELECT auth.has_permission('stock.manage')))
  WITH CHECK (organization_id = (SELECT auth.org_id()));
CREATE POLICY vendor_parts_delete_manager ON app.vendor_parts FOR DELETE TO app_user
  USING (organization_id = (SELECT auth.org_id()) AND (SELECT auth.has_permission('stock.manage')));
CREATE POLICY vendor_parts_all_operator ON app.vendor_parts FOR ALL TO app_admin
  USING ((SELECT auth.is_platform_operator())) WITH CHECK ((SELECT auth.is_platform_operator()));

ALTER TABLE app.purchase_requests ENABLE ROW LEVEL SECURITY;
ALTER TABLE app.purchase_requests FORCE ROW LEVEL SECURITY;
GRANT SELECT ON app.purchase_requests TO app_user, app_admin;
CREATE POLICY purchase_requests_select_reader ON app.purchase_requests FOR SELECT TO app_user
  USING (organization_id = (SELECT auth.org_id()) AND ((SELECT auth.has_permission('stock.read'))
         OR (SELECT auth.has_permission('purchase_request.manage'))
         OR site_id = ANY ((SELECT auth.permitted_site_ids('stock.read'))::uuid[])
         OR site_id = ANY ((SELECT auth.permitted_site_ids('purchase_request.manage'))::uuid[])));
CREATE POLICY purchase_requests_select_operator ON app.purchase_requests FOR SELECT TO app_admin
  USING ((SELECT auth.is_platform_operator()));

GRANT SELECT ON app.parts_below_reorder_point TO app_user, app_admin;

GRANT EXECUTE ON FUNCTION
  app.receive_stock(uuid, uuid, numeric, numeric, uuid, text),
  app.adjust_stock(uuid, uuid, numeric, text),
  app.transfer_stock(uuid, uuid, uuid, numeric),
  app.reserve_stock(uuid, numeric, text, uuid, uuid, uuid, date),
  auth.stock_reserve(uuid, uuid, uuid, numeric, date, text, uuid),
  app.release_stock_reservation(uuid, text),
  app.issue_stock(uuid, numeric, text, uuid, uuid, uuid),
  app.return_stock(uuid, uuid, numeric, text, uuid, text),
  auth.stock_issue(app.stock_movement_kind, uuid, uuid, numeric, text, uuid, uuid, text),
  app.set_purchase_request_status(uuid, app.purchase_request_status, text)
  TO app_user, app_admin;
