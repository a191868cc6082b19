-- Revert pulse:quality/eco_bom_changes from pg

BEGIN;

DROP FUNCTION IF EXISTS app.explode_project_bom(uuid, uuid, numeric, integer, timestamptz, text, text);
DROP FUNCTION IF EXISTS app.part_where_used(uuid, uuid, timestamptz, text, text);
-- Superseded lines and added-by-ECO history go with the columns; the lines that were ended are dropped (the current ones stay).
DELETE FROM app.project_bom_lines WHERE ended_by_change_order_id IS NOT NULL;
DROP INDEX app.project_bom_lines_current_component;
DROP INDEX app.project_bom_lines_project_idx;
ALTER TABLE app.project_bom_lines ADD CONSTRAINT project_bom_lines_component_unique UNIQUE (organization_id, project_id, parent_part_id, component_part_id);
ALTER TABLE app.project_bom_lines DROP CONSTRAINT project_bom_lines_effective_order, DROP CONSTRAINT project_bom_lines_ended_by_order,
  DROP COLUMN change_order_id, DROP COLUMN ended_by_change_order_id, DROP COLUMN effective_from, DROP COLUMN effective_to,
  DROP COLUMN effective_from_lot_number, DROP COLUMN effective_to_lot_number, DROP COLUMN effective_from_serial_number,
  DROP COLUMN effective_to_serial_number;

DELETE FROM app.change_order_items WHERE bom_action = 'add';
DROP INDEX app.change_order_items_bom_add_unique;
ALTER TABLE app.change_order_items DROP CONSTRAINT change_order_items_one_target;
ALTER TABLE app.change_order_items DROP COLUMN bom_action, DROP COLUMN bom_project_id, DROP COLUMN bom_parent_part_id,
  DROP COLUMN bom_component_part_id, DROP COLUMN bom_quantity, DROP COLUMN bom_unit;
ALTER TABLE app.change_order_items ADD CONSTRAINT change_order_items_one_target CHECK (
    num_nonnulls(part_id, part_revision_id, drawing_id, drawing_revision_id, bom_line_id) = 1
    AND CASE kind WHEN 'part' THEN part_id IS NOT NULL
                  WHEN 'part_revision' THEN part_revision_id IS NOT NULL
                  WHEN 'drawing' THEN drawing_id IS NOT NULL
                  WHEN 'drawing_revision' THEN drawing_revision_id IS NOT NULL
                  ELSE bom_line_id IS NOT NULL END);
DROP TYPE app.bom_change_action;

COMMIT;
