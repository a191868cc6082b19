-- Verify pulse:quality/change_orders on pg

BEGIN;

SELECT organization_id, id, eco_number, title, reason, description, project_id, status, effectivity, effective_date, effective_lot_number,
       effective_serial_number, submitted_by, submitted_at, decided_by, decided_at, decision_comment, implemented_by, implemented_at,
       created_by, created_at, updated_at FROM app.change_orders WHERE false;
SELECT organization_id, id, change_order_id, kind, part_id, part_revision_id, drawing_id, drawing_revision_id, bom_line_id, note, created_at
  FROM app.change_order_items WHERE false;
SELECT 1 / (NOT has_column_privilege('app_user', 'app.change_orders', 'status', 'UPDATE'))::int;

ROLLBACK;
