-- Verify pulse:quality/suppliers on pg

BEGIN;

SELECT organization_id, id, supplier_id, part_id, status, basis, certificate, certificate_number, certificate_expires_on, audited_on,
       valid_until, conditions, notes, approved_by, approved_at, created_by, created_at, updated_at FROM app.approved_suppliers WHERE false;
SELECT organization_id, id, receipt_number, supplier_id, part_id, site_id, lot_id, purchase_order, supplier_lot, quantity, unit, due_on,
       received_at, received_on, on_time, conditional_approval, status, accepted_quantity, rejected_quantity, rejection_reason,
       decided_by, decided_at, received_by, created_at, updated_at FROM app.receipts WHERE false;
SELECT organization_id, id, capa_id, scar_number, supplier_id, receipt_id, title, problem_statement, response_due_on, status, supplier_containment,
       supplier_root_cause, supplier_corrective_action, responded_by, responded_at, review_note, reviewed_by, reviewed_at, issued_by,
       issued_at, created_at, updated_at FROM app.scars WHERE false;
SELECT id, organization_id, supplier_id, period, period_start, receipts, receipts_on_time, on_time_percent, quantity_decided,
       quantity_rejected, ppm, scars_issued, scars_closed, scar_closure_percent, avg_days_to_close, computed_at
  FROM app_private.quality_kpi_supplier_scorecard WHERE false;
SELECT 1 / (NOT has_table_privilege('app_user', 'app.receipts', 'INSERT'))::int;
SELECT 1 / (NOT has_table_privilege('app_user', 'app.scars', 'INSERT'))::int;

ROLLBACK;
