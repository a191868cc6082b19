-- Revert pulse:maintenance/platform_blocks from pg

BEGIN;

DELETE FROM app_private.search_sources WHERE entity_type IN ('equipment', 'shipment', 'serial', 'work_request', 'change_order');
DROP FUNCTION IF EXISTS app.set_work_order_custom_fields(uuid, jsonb);
DROP FUNCTION IF EXISTS app.set_lot_custom_fields(uuid, jsonb);
DROP TRIGGER IF EXISTS _300_custom_fields ON app.equipment;
DROP TRIGGER IF EXISTS _050_refuse_delete_in_use ON app.equipment;
DROP TRIGGER IF EXISTS _050_refuse_delete_in_use ON app.assets;
DROP FUNCTION IF EXISTS app_private.tg_assets__refuse_delete_in_use();
DROP TRIGGER IF EXISTS _300_custom_fields ON app.work_orders;
DROP TRIGGER IF EXISTS _300_custom_fields ON app.lots;
DROP TRIGGER IF EXISTS _300_custom_fields ON app.shipments;
ALTER TABLE app.equipment DROP COLUMN custom_fields, DROP COLUMN search_vector;
ALTER TABLE app.work_orders DROP COLUMN custom_fields;
ALTER TABLE app.lots DROP COLUMN custom_fields;
ALTER TABLE app.shipments DROP COLUMN custom_fields, DROP COLUMN search_vector;
ALTER TABLE app.serials DROP COLUMN search_vector;
ALTER TABLE app.work_requests DROP COLUMN search_vector;
ALTER TABLE app.change_orders DROP COLUMN search_vector;
DROP INDEX app.equipment_equipment_number_trgm_idx, app.equipment_name_trgm_idx, app.shipments_shipment_number_trgm_idx,
  app.serials_serial_number_trgm_idx, app.work_requests_request_number_trgm_idx, app.work_requests_title_trgm_idx,
  app.change_orders_eco_number_trgm_idx, app.change_orders_title_trgm_idx;

COMMIT;
