-- Revert pulse:logistics/shipments from pg

BEGIN;

DELETE FROM app_private.append_heavy_tables WHERE table_name = 'app.scan_events';
DELETE FROM partman.part_config WHERE parent_table = 'app.scan_events';
DROP TABLE app.scan_events, app.shipment_certificates, app.labels, app.shipment_items, app.shipping_units, app.shipments CASCADE;
DROP TYPE app.render_status CASCADE;
ALTER TABLE app.serials DROP COLUMN current_location;
ALTER TABLE app.lots DROP COLUMN current_location;
DROP INDEX app.parts_gtin_unique;
ALTER TABLE app.parts DROP COLUMN gtin;

COMMIT;
