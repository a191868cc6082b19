-- Revert pulse:maintenance/work_orders from pg

BEGIN;

SET LOCAL session_replication_role = replica;
DELETE FROM app_private.entities WHERE entity_type IN ('work_order', 'work_request');
SET LOCAL session_replication_role = origin;
DELETE FROM app_private.search_sources WHERE entity_type IN ('work_order', 'work_request');
DELETE FROM app_private.entity_types WHERE entity_type IN ('work_order', 'work_request');

-- CASCADE: repeatables hang off these; the next `pulse db migrate` re-applies them.
ALTER TABLE app.downtime_events DROP COLUMN work_order_id CASCADE;
DROP TABLE app.contractor_charges CASCADE;
DROP TABLE app.labour_entries CASCADE;
DROP TABLE app.labour_rates CASCADE;
DROP TABLE app.work_order_assets CASCADE;
DROP TABLE app.work_orders CASCADE;
DROP TABLE app.work_requests CASCADE;
DROP TABLE app.work_order_templates CASCADE;
DROP TABLE app_private.work_request_attempts CASCADE;
DROP TABLE app_private.work_request_tokens CASCADE;
DROP TYPE app.work_order_type CASCADE;
ALTER TABLE app.equipment_classes DROP COLUMN requires_lockout, DROP COLUMN requires_permit;

COMMIT;
