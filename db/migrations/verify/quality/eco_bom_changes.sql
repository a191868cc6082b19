-- Verify pulse:quality/eco_bom_changes on pg

BEGIN;

SELECT bom_action, bom_project_id, bom_parent_part_id, bom_component_part_id, bom_quantity, bom_unit FROM app.change_order_items WHERE false;
SELECT change_order_id, ended_by_change_order_id, effective_from, effective_to, effective_from_lot_number, effective_to_lot_number,
       effective_from_serial_number, effective_to_serial_number FROM app.project_bom_lines WHERE false;
SELECT 'app.project_bom_lines_current_component'::regclass;

ROLLBACK;
