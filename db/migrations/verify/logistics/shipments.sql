-- Verify pulse:logistics/shipments on pg

BEGIN;

SELECT gtin FROM app.parts WHERE false;
SELECT current_location FROM app.lots WHERE false;
SELECT current_location FROM app.serials WHERE false;
SELECT organization_id, id, shipment_number, customer_id, site_id, status, carrier, tracking_number, promised_date, shipped_at,
       shipped_by, delivered_at, current_location, notes, created_by, created_at, updated_at FROM app.shipments WHERE false;
SELECT organization_id, id, shipment_id, sscc, packaging, site_id, customer_id, current_location FROM app.shipping_units WHERE false;
SELECT organization_id, id, shipment_id, shipping_unit_id, lot_id, serial_id, part_id, quantity, unit, site_id, customer_id
  FROM app.shipment_items WHERE false;
SELECT organization_id, id, shipping_unit_id, lot_id, serial_id, site_id, symbology, element_string, raw_data, status, object_key
  FROM app.labels WHERE false;
SELECT organization_id, id, certificate_number, shipment_id, content, status, pdf_key FROM app.shipment_certificates WHERE false;
SELECT organization_id, id, scanned_at, device, location, code, code_kind, decoded, site_id FROM app.scan_events WHERE false;
SELECT 1 / count(*)::int FROM app_private.append_heavy_tables WHERE table_name = 'app.scan_events';
SELECT 1 / (NOT has_table_privilege('app_user', 'app.shipments', 'INSERT'))::int;

ROLLBACK;
