-- SAP sync (db/functions/97_integration): every table is written only by
-- the owner's functions (the RPCs with integration.manage, the outbound
-- triggers, the worker's reports), so API roles only read. Integration
-- admins (integration.manage) and readers (integration.read) read the
-- connection (never its password: app_private.sap_credentials has no grant),
-- mappings, messages, the sync log and the staging rows; purchase orders are
-- read by supplier readers too. Platform operators read everything.

ALTER TABLE app.sap_connections ENABLE ROW LEVEL SECURITY;
ALTER TABLE app.sap_connections FORCE ROW LEVEL SECURITY;
GRANT SELECT ON app.sap_connections TO app_user, app_admin;
CREATE POLICY sap_connections_select_reader ON app.sap_connections FOR SELECT TO app_user
  USING (organization_id = (SELECT auth.org_id()) AND (SELECT auth.partner_id()) IS NULL
         AND ((SELECT auth.has_permission('integration.read')) OR (SELECT auth.has_permission('integration.manage'))));
CREATE POLICY sap_connections_select_operator ON app.sap_connections FOR SELECT TO app_admin
  USING ((SELECT auth.is_platform_operator()));

ALTER TABLE app.sap_mappings ENABLE ROW LEVEL SECURITY;
ALTER TABLE app.sap_mappings FORCE ROW LEVEL SECURITY;
GRANT SELECT ON app.sap_mappings TO app_user, app_admin;
CREATE POLICY sap_mappings_select_reader ON app.sap_mappings FOR SELECT TO app_user
  USING (organization_id = (SELECT auth.org_id()) AND (SELECT auth.partner_id()) IS NULL
         AND ((SELECT auth.has_permission('integration.read')) OR (SELECT auth.has_permission('integration.manage'))));
CREATE POLICY sap_mappings_select_operator ON app.sap_mappings FOR SELECT TO app_admin
  USING ((SELECT auth.is_platform_operator()));

ALTER TABLE app.sap_outbound_messages ENABLE ROW LEVEL SECURITY;
ALTER TABLE app.sap_outbound_messages FORCE ROW LEVEL SECURITY;
GRANT SELECT ON app.sap_outbound_messages TO app_user, app_admin;
CREATE POLICY sap_outbound_messages_select_reader ON app.sap_outbound_messages FOR SELECT TO app_user
  USING (organization_id = (SELECT auth.org_id()) AND (SELECT auth.partner_id()) IS NULL
         AND ((SELECT auth.has_permission('integration.read')) OR (SELECT auth.has_permission('integration.manage'))));
CREATE POLICY sap_outbound_messages_select_operator ON app.sap_outbound_messages FOR SELECT TO app_admin
  USING ((SELECT auth.is_platform_operator()));

ALTER TABLE app.sap_sync_log ENABLE ROW LEVEL SECURITY;
ALTER TABLE app.sap_sync_log FORCE ROW LEVEL SECURITY;
GRANT SELECT ON app.sap_sync_log TO app_user, app_admin;
CREATE POLICY sap_sync_log_select_reader ON app.sap_sync_log FOR SELECT TO app_user
  USING (organization_id = (SELECT auth.org_id()) AND (SELECT auth.partner_id()) IS NULL
         AND ((SELECT auth.has_permission('integration.read')) OR (SELECT auth.has_permission('integration.manage'))));
CREATE POLICY sap_sync_log_select_operator ON app.sap_sync_log FOR SELECT TO app_admin
  USING ((SELECT auth.is_platform_operator()));

ALTER TABLE app.sap_staged_materials ENABLE ROW LEVEL SECURITY;
ALTER TABLE app.sap_staged_materials FORCE ROW LEVEL SECURITY;
GRANT SELECT ON app.sap_staged_materials TO app_user, app_admin;
CREATE POLICY sap_staged_materials_select_reader ON app.sap_staged_materials FOR SELECT TO app_user
  USING (organization_id = (SELECT auth.org_id()) AND (SELECT auth.partner_id()) IS NULL
         AND ((SELECT auth.has_permission('integration.read')) OR (SELECT auth.has_permission('integration.manage'))));
CREATE POLICY sap_staged_materials_select_operator ON app.sap_staged_materials FOR SELECT TO app_admin
  USING ((SELECT auth.is_platform_operator()));

ALTER TABLE app.sap_staged_purchase_orders ENABLE ROW LEVEL SECURITY;
ALTER TABLE app.sap_staged_purchase_orders FORCE ROW LEVEL SECURITY;
GRANT SELECT ON app.sap_staged_purchase_orders TO app_user, app_admin;
CREATE POLICY sap_staged_purchase_orders_select_reader ON app.sap_staged_purchase_orders FOR SELECT TO app_user
  USING (organization_id = (SELECT auth.org_id()) AND (SELECT auth.partner_id()) IS NULL
         AND ((SELECT auth.has_permission('integration.read')) OR (SELECT auth.has_permission('integration.manage'))));
CREATE POLICY sap_staged_purchase_orders_select_operator ON app.sap_staged_purchase_orders FOR SELECT TO app_admin
  USING ((SELECT auth.is_platform_operator()));

ALTER TABLE app.purchase_orders ENABLE ROW LEVEL SECURITY;
ALTER TABLE app.purchase_orders FORCE ROW LEVEL SECURITY;
GRANT SELECT ON app.purchase_orders TO app_user, app_admin;
CREATE POLICY purchase_orders_select_reader ON app.purchase_orders FOR SELECT TO app_user
  USING (organization_id = (SELECT auth.org_id()) AND (SELECT auth.partner_id()) IS NULL
         AND ((SELECT auth.has_permission('supplier.read')) OR (SELECT auth.has_permission('integration.read')) OR (SELECT auth.has_permission('integration.manage'))));
CREATE POLICY purchase_orders_select_operator ON app.purchase_orders FOR SELECT TO app_admin
  USING ((SELECT auth.is_platform_operator()));

ALTER TABLE app.purchase_order_lines ENABLE ROW LEVEL SECURITY;
ALTER TABLE app.purchase_order_lines FORCE ROW LEVEL SECURITY;
GRANT SELECT ON app.purchase_order_lines TO app_user, app_admin;
CREATE POLICY purchase_order_lines_select_reader ON app.purchase_order_lines FOR SELECT TO app_user
  USING (organization_id = (SELECT auth.org_id()) AND (SELECT auth.partner_id()) IS NULL
         AND ((SELECT auth.has_permission('supplier.read')) OR (SELECT auth.has_permission('integration.read')) OR (SELECT auth.has_permission('integration.manage'))));
CREATE POLICY purchase_order_lines_select_operator ON app.purchase_order_lines FOR SELECT TO app_admin
  USING ((SELECT auth.is_platform_operator()));

GRANT EXECUTE ON FUNCTION
  app.set_sap_connection(text, text, text, text, text, boolean, integer, numeric),
  app.sap_connections_password_set(app.sap_connections),
  app.map_sap_object(text, text, text, uuid), app.unmap_sap_object(uuid),
  app.replay_sap_message(uuid),
  app.stage_sap_materials(jsonb), app.stage_sap_purchase_orders(jsonb), app.apply_sap_staging(),
  app.purchase_order_lines_received_quantity(app.purchase_order_lines), app.purchase_order_lines_open_quantity(app.purchase_order_lines)
  TO app_user;
GRANT EXECUTE ON FUNCTION app.sap_connections_password_set(app.sap_connections),
  app.purchase_order_lines_received_quantity(app.purchase_order_lines), app.purchase_order_lines_open_quantity(app.purchase_order_lines)
  TO app_admin;
