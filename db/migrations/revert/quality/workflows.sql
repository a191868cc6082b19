-- Revert pulse:quality/workflows from pg
-- (enum values cannot be dropped: change_order and drawing_release stay in app.approval_type.)

BEGIN;

ALTER TABLE app.part_revisions DROP COLUMN change_order_id, DROP COLUMN effective_from_lot_number, DROP COLUMN effective_from_serial_number;

COMMIT;
