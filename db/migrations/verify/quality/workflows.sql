-- Verify pulse:quality/workflows on pg

BEGIN;

SELECT change_order_id, effective_from_lot_number, effective_from_serial_number FROM app.part_revisions WHERE false;
SELECT 'change_order'::app.approval_type, 'drawing_release'::app.approval_type;

ROLLBACK;
