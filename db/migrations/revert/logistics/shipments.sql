-- Revert pulse:logistics/shipments from pg

BEGIN;

-- The shipments' platform rows go first: their history is append-only and
-- published machines are frozen, so their guard triggers are skipped here
-- (replica role; every row is deleted explicitly, children first).
SET LOCAL session_replication_role = replica;
DELETE FROM app.entity_state_history WHERE entity_type = 'shipment';
DELETE FROM app.entity_states WHERE entity_type = 'shipment';
DELETE FROM app_private.entities WHERE entity_type = 'shipment';
DELETE FROM app.state_machine_transitions AS t USING app.state_machines AS m
 WHERE m.organization_id = t.organization_id AND m.id = t.state_machine_id AND m.entity_type = 'shipment';
DELETE FROM app.state_machine_states AS s USING app.state_machines AS m
 WHERE m.organization_id = s.organization_id AND m.id = s.state_machine_id AND m.entity_type = 'shipment';
DELETE FROM app.state_machines WHERE entity_type = 'shipment';
SET LOCAL session_replication_role = origin;
DELETE FROM app_private.entity_types WHERE entity_type = 'shipment';

-- CASCADE: repeatables hang off these; the next `pulse db migrate` re-applies them.
DELETE FROM app_private.append_heavy_tables WHERE table_name = 'app.scan_events';
DELETE FROM partman.part_config WHERE parent_table = 'app.scan_events';
DROP TABLE app.scan_events, app.shipment_certificates, app.labels, app.shipment_items, app.shipping_units, app.shipments CASCADE;
DROP TYPE app.render_status CASCADE;
DROP TRIGGER IF EXISTS _500_shipment_status ON app.entity_states;
ALTER TABLE app.serials DROP COLUMN current_location;
ALTER TABLE app.lots DROP COLUMN current_location;
DROP TRIGGER IF EXISTS _200_check_gtin ON app.parts;
DROP INDEX app.parts_gtin_unique;
ALTER TABLE app.parts DROP COLUMN gtin;

COMMIT;
