-- Logistics (db/functions/84_logistics): shipments, their shipping units,
-- items and certificates are plant-scoped: staff read them with
-- shipment.read (or shipment.manage) tenant-wide or at the row's site; a
-- portal user bound to a customer (auth.partner_id()) reads that customer's
-- shipments, items, units and certificates with shipment.read, nothing else.
-- Labels and scan events are staff-only: label.print / scan.record /
-- shipment.read at the site. API roles only read; every write is an RPC.
-- Staff who may update a shipment's carrier, tracking number, promised date
-- and notes do so with shipment.manage at its site.

ALTER TABLE app.shipments ENABLE ROW LEVEL SECURITY;
ALTER TABLE app.shipments FORCE ROW LEVEL SECURITY;
GRANT SELECT ON app.shipments TO app_user;
GRANT UPDATE (carrier, tracking_number, promised_date, notes, custom_fields) ON app.shipments TO app_user;
GRANT SELECT ON app.shipments TO app_admin;
CREATE POLICY shipments_select_reader ON app.shipments FOR SELECT TO app_user
  USING (organization_id = (SELECT auth.org_id()) AND (SELECT auth.may_read_shipment(site_id, customer_id)));
CREATE POLICY shipments_update_manager ON app.shipments FOR UPDATE TO app_user
  USING (organization_id = (SELECT auth.org_id()) AND (SELECT auth.partner_id()) IS NULL
         AND (SELECT auth.has_permission('shipment.manage', site_id)))
  WITH CHECK (organization_id = (SELECT auth.org_id()));
CREATE POLICY shipments_select_operator ON app.shipments FOR SELECT TO app_admin
  USING ((SELECT auth.is_platform_operator()));

ALTER TABLE app.shipping_units ENABLE ROW LEVEL SECURITY;
ALTER TABLE app.shipping_units FORCE ROW LEVEL SECURITY;
GRANT SELECT ON app.shipping_units TO app_user;
GRANT SELECT ON app.shipping_units TO app_admin;
CREATE POLICY shipping_units_select_reader ON app.shipping_units FOR SELECT TO app_user
  USING (organization_id = (SELECT auth.org_id()) AND (SELECT auth.may_read_shipment(site_id, customer_id)));
CREATE POLICY shipping_units_select_operator ON app.shipping_units FOR SELECT TO app_admin
  USING ((SELECT auth.is_platform_operator()));

ALTER TABLE app.shipment_items ENABLE ROW LEVEL SECURITY;
ALTER TABLE app.shipment_items FORCE ROW LEVEL SECURITY;
GRANT SELECT ON app.shipment_items TO app_user;
GRANT SELECT ON app.shipment_items TO app_admin;
CREATE POLICY shipment_items_select_reader ON app.shipment_items FOR SELECT TO app_user
  USING (organization_id = (SELECT auth.org_id()) AND (SELECT auth.may_read_shipment(site_id, customer_id)));
CREATE POLICY shipment_items_select_operator ON app.shipment_items FOR SELECT TO app_admin
  USING ((SELECT auth.is_platform_operator()));

ALTER TABLE app.shipment_certificates ENABLE ROW LEVEL SECURITY;
ALTER TABLE app.shipment_certificates FORCE ROW LEVEL SECURITY;
GRANT SELECT ON app.shipment_certificates TO app_user;
GRANT SELECT ON app.shipment_certificates TO app_admin;
CREATE POLICY shipment_certificates_select_reader ON app.shipment_certificates FOR SELECT TO app_user
  USING (organization_id = (SELECT auth.org_id()) AND (SELECT auth.may_read_shipment(site_id, customer_id)));
CREATE POLICY shipment_certificates_select_operator ON app.shipment_certificates FOR SELECT TO app_admin
  USING ((SELECT auth.is_platform_operator()));

ALTER TABLE app.labels ENABLE ROW LEVEL SECURITY;
ALTER TABLE app.labels FORCE ROW LEVEL SECURITY;
GRANT SELECT ON app.labels TO app_user;
GRANT SELECT ON app.labels TO app_admin;
CREATE POLICY labels_select_staff ON app.labels FOR SELECT TO app_user
  USING (organization_id = (SELECT auth.org_id()) AND (SELECT auth.partner_id()) IS NULL
         AND ((SELECT auth.has_permission('label.print', site_id)) OR (SELECT auth.has_permission('shipment.read', site_id))));
CREATE POLICY labels_select_operator ON app.labels FOR SELECT TO app_admin
  USING ((SELECT auth.is_platform_operator()));

ALTER TABLE app.scan_events ENABLE ROW LEVEL SECURITY;
ALTER TABLE app.scan_events FORCE ROW LEVEL SECURITY;
GRANT SELECT ON app.scan_events TO app_user;
GRANT SELECT ON app.scan_events TO app_admin;
CREATE POLICY scan_events_select_staff ON app.scan_events FOR SELECT TO app_user
  USING (organization_id = (SELECT auth.org_id()) AND (SELECT auth.partner_id()) IS NULL
         AND ((SELECT auth.has_permission('scan.record', site_id)) OR (SELECT auth.has_permission('shipment.read', site_id))
              OR (SELECT auth.has_permission('traceability.read', site_id))));
CREATE POLICY scan_events_select_operator ON app.scan_events FOR SELECT TO app_admin
  USING ((SELECT auth.is_platform_operator()));

GRANT EXECUTE ON FUNCTION auth.may_read_shipment(uuid, uuid) TO app_user, app_admin;

GRANT EXECUTE ON FUNCTION
  app.gs1_check_digit(text), app.gs1_key_valid(text), app.gs1_sscc(integer, text, bigint), app.gs1_date(text),
  app.gs1_element_string(text, text, text, text, date, numeric), app.gs1_parse(text),
  app.create_shipment(uuid, uuid, text, text, date, text), app.add_shipping_unit(uuid, text),
  app.add_shipment_item(uuid, uuid, uuid, numeric, text, uuid), app.ship_shipment(uuid),
  app.request_label(uuid, uuid, uuid, text), app.issue_shipment_certificate(uuid), app.scan(text, text, text),
  app.shipment_certificate_url(uuid, integer), app.label_image_url(uuid, integer)
  TO app_user;
