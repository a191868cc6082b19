-- Verify pulse:quality/ncr on pg

BEGIN;

SELECT organization_id, id, concession_number, customer_id, part_id, description, quantity_limit, unit, valid_from, valid_until, status,
       customer_reference, decided_by, decided_at, decision_note, requested_by, created_at, updated_at FROM app.concessions WHERE false;
SELECT organization_id, id, concession_id, part_revision_id, lot_id, serial_id FROM app.concession_scope WHERE false;
SELECT organization_id, id, ncr_number, title, description, site_id, part_id, part_revision_id, supplier_id, customer_id, project_id, capa_id,
       detection, nonconforming_quantity, unit, status, containment_summary, verification_result, verification_note, verified_by,
       verified_at, cancel_reason, created_by, status_changed_at, closed_at, created_at, updated_at FROM app.ncrs WHERE false;
SELECT organization_id, id, ncr_id, lot_id, serial_id, status_before, created_at FROM app.ncr_items WHERE false;
SELECT organization_id, id, ncr_id, disposition, quantity, unit, lot_id, serial_id, concession_id, instructions, approved_by, approved_at
  FROM app.ncr_dispositions WHERE false;
SELECT 1 / (NOT has_table_privilege('app_user', 'app.ncrs', 'INSERT'))::int;

ROLLBACK;
