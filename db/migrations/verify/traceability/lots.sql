-- Verify pulse:traceability/lots on pg

BEGIN;

SELECT organization_id, kind, pattern, updated_at FROM app.trace_number_patterns WHERE false;
SELECT organization_id, id, lot_number, part_id, part_revision_id, site_id, quantity, remaining_quantity, unit, supplier_id, supplier_lot,
       quality_status, inventory_state, produced_at, expires_at, created_by, created_at, updated_at FROM app.lots WHERE false;
SELECT organization_id, id, serial_number, part_id, part_revision_id, lot_id, site_id, quality_status, inventory_state, produced_at,
       created_by, created_at, updated_at FROM app.serials WHERE false;
SELECT organization_id, id, consumed_lot_id, consumed_serial_id, produced_lot_id, produced_serial_id, from_id, to_id, quantity, unit,
       site_id, recorded_by, recorded_at FROM app.genealogy_edges WHERE false;
SELECT organization_id, id, lot_id, serial_id, site_id, from_status, to_status, reason, changed_by, changed_at
  FROM app.trace_status_changes WHERE false;
SELECT 1 / (NOT has_table_privilege('app_user', 'app.lots', 'INSERT'))::int;
SELECT 1 / (NOT has_table_privilege('app_user', 'app.genealogy_edges', 'INSERT'))::int;

ROLLBACK;
