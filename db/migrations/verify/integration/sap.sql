-- Verify pulse:integration/sap on pg

BEGIN;

SELECT organization_id, id, endpoint_url, system_id, client, username, is_enabled, max_attempts, retry_base FROM app.sap_connections WHERE false;
SELECT organization_id, connection_id, password FROM app_private.sap_credentials WHERE false;
SELECT organization_id, id, sap_object_type, sap_object_number, entity_type, entity_id, part_id, partner_id, purchase_order_id FROM app.sap_mappings WHERE false;
SELECT organization_id, id, idempotency_key, entity_version, payload, status, round_attempts FROM app.sap_outbound_messages WHERE false;
SELECT organization_id, id, direction, message_id, status, http_status, response_excerpt, attempt_number, duration_ms FROM app.sap_sync_log WHERE false;
SELECT organization_id, id, material_number, base_unit, revision_level, status, errors, part_id FROM app.sap_staged_materials WHERE false;
SELECT organization_id, id, po_number, vendor_number, lines, status, errors, purchase_order_id FROM app.sap_staged_purchase_orders WHERE false;
SELECT organization_id, id, po_number, supplier_id FROM app.purchase_orders WHERE false;
SELECT organization_id, id, purchase_order_id, line_number, part_id, quantity, unit, delivery_date FROM app.purchase_order_lines WHERE false;
-- The password is the server's: no API role reads it.
SELECT 1 / (NOT has_table_privilege('app_user', 'app_private.sap_credentials', 'SELECT'))::int;

ROLLBACK;
