-- Revert pulse:integration/sap from pg

BEGIN;

-- CASCADE: repeatables hang off these (triggers, functions); the next
-- `pulse db migrate` re-applies what remains.
-- The outbound triggers live on the parts tables, which stay: a part
-- written after the revert must not call into the dropped tables.
DROP TRIGGER IF EXISTS _600_sap_outbound ON app.parts;
DROP TRIGGER IF EXISTS _600_sap_outbound ON app.part_revisions;
DROP TRIGGER IF EXISTS _600_sap_outbound ON app.lots;
DROP TABLE app.sap_staged_purchase_orders CASCADE;
DROP TABLE app.sap_staged_materials CASCADE;
DROP TABLE app.sap_sync_log CASCADE;
DROP TABLE app.sap_outbound_messages CASCADE;
DROP TABLE app.sap_mappings CASCADE;
DROP TABLE app.purchase_order_lines CASCADE;
DROP TABLE app.purchase_orders CASCADE;
DROP TABLE app_private.sap_credentials CASCADE;
DROP TABLE app.sap_connections CASCADE;

COMMIT;
