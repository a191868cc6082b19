-- Deploy pulse:quality/eco_bom_changes to pg
-- BOM-line items of a change order say what changes (add a line, remove
-- one, change its quantity/unit, replace its component) and take effect in
-- the project BOM when the change order is implemented, by its effectivity
-- (date, lot, serial): the superseded line is end-dated (kept, with the
-- change order that ended it), the new line starts where it ends. The
-- explosion and where-used read the lines in effect (80_quality/64_project_bom.sql).

BEGIN;

CREATE TYPE app.bom_change_action AS ENUM ('add', 'remove', 'change', 'replace');
COMMENT ON TYPE app.bom_change_action IS
  E'BOM change action\nWhat a BOM-line item of a change order does on implementation: add a line, remove a line, change a line''s quantity and unit, replace a line''s component.';

ALTER TABLE app.change_order_items
  ADD COLUMN bom_action app.bom_change_action,
  ADD COLUMN bom_project_id uuid,
  ADD COLUMN bom_parent_part_id uuid,
  ADD COLUMN bom_component_part_id uuid,
  ADD COLUMN bom_quantity numeric CONSTRAINT change_order_items_bom_quantity_positive CHECK (bom_quantity > 0),
  ADD COLUMN bom_unit text REFERENCES app.units (code),
  ADD FOREIGN KEY (organization_id, bom_project_id) REFERENCES app.projects (organization_id, id) ON DELETE CASCADE,
  ADD FOREIGN KEY (organization_id, bom_parent_part_id) REFERENCES app.parts (organization_id, id),
  ADD FOREIGN KEY (organization_id, bom_component_part_id) REFERENCES app.parts (organization_id, id);
ALTER TABLE app.change_order_items DROP CONSTRAINT change_order_items_one_target;
ALTER TABLE app.change_order_items ADD CONSTRAINT change_order_items_one_target CHECK (
  CASE WHEN kind = 'bom_line' THEN
         num_nonnulls(part_id, part_revision_id, drawing_id, drawing_revision_id) = 0
         AND CASE bom_action
               WHEN 'add' THEN bom_line_id IS NULL AND num_nonnulls(bom_project_id, bom_parent_part_id, bom_component_part_id, bom_quantity, bom_unit) = 5
               WHEN 'remove' THEN bom_line_id IS NOT NULL AND num_nonnulls(bom_project_id, bom_parent_part_id, bom_component_part_id, bom_quantity, bom_unit) = 0
               WHEN 'change' THEN bom_line_id IS NOT NULL AND num_nonnulls(bom_project_id, bom_parent_part_id, bom_component_part_id) = 0
                                  AND num_nonnulls(bom_quantity, bom_unit) = 2
               WHEN 'replace' THEN bom_line_id IS NOT NULL AND num_nonnulls(bom_project_id, bom_parent_part_id) = 0 AND bom_component_part_id IS NOT NULL
                                   AND num_nonnulls(bom_quantity, bom_unit) IN (0, 2)
               ELSE bom_line_id IS NOT NULL AND num_nonnulls(bom_project_id, bom_parent_part_id, bom_component_part_id, bom_quantity, bom_unit) = 0 END
       ELSE num_nonnulls(part_id, part_revision_id, drawing_id, drawing_revision_id, bom_line_id) = 1
            AND bom_action IS NULL AND num_nonnulls(bom_project_id, bom_parent_part_id, bom_component_part_id, bom_quantity, bom_unit) = 0
            AND CASE kind WHEN 'part' THEN part_id IS NOT NULL
                          WHEN 'part_revision' THEN part_revision_id IS NOT NULL
                          WHEN 'drawing' THEN drawing_id IS NOT NULL
                          ELSE drawing_revision_id IS NOT NULL END END);
-- change_order_items_unique stays (an added line has no bom_line_id: its key is NULL there); added lines are unique by what they add.
CREATE UNIQUE INDEX change_order_items_bom_add_unique ON app.change_order_items
  (organization_id, change_order_id, bom_project_id, bom_parent_part_id, bom_component_part_id) WHERE bom_action = 'add';
CREATE INDEX change_order_items_bom_project_idx ON app.change_order_items (organization_id, bom_project_id);
CREATE INDEX change_order_items_bom_parent_idx ON app.change_order_items (organization_id, bom_parent_part_id);
CREATE INDEX change_order_items_bom_component_idx ON app.change_order_items (organization_id, bom_component_part_id);
CREATE INDEX change_order_items_bom_unit_idx ON app.change_order_items (bom_unit);
COMMENT ON TABLE app.change_order_items IS
  E'Change order items\nWhat a change order affects, one row per item with its kind (part, part_revision, drawing, drawing_revision, bom_line) and exactly the matching columns set (constraint change_order_items_one_target). A bom_line item says what changes with bom_action: add (bom_project_id, bom_parent_part_id, bom_component_part_id, bom_quantity, bom_unit; no line yet), remove (bom_line_id), change (bom_line_id, bom_quantity, bom_unit), replace (bom_line_id, bom_component_part_id, optionally bom_quantity and bom_unit); without an action the line is only named as affected. Written with change_order.manage while the order is a draft; implementing releases the part_revision and drawing_revision items and applies the BOM changes.';
COMMENT ON COLUMN app.change_order_items.bom_action IS E'BOM change\nadd, remove, change (quantity and unit) or replace (the component) for a bom_line item; empty: the line is only named as affected.';
COMMENT ON COLUMN app.change_order_items.bom_project_id IS E'BOM project\nThe project whose BOM gets the added line (add only).';
COMMENT ON COLUMN app.change_order_items.bom_parent_part_id IS E'BOM assembly\nThe assembly part the added line goes into (add only).';
COMMENT ON COLUMN app.change_order_items.bom_component_part_id IS E'BOM component\nThe component of the added line (add), or the part replacing the line''s component (replace).';
COMMENT ON COLUMN app.change_order_items.bom_quantity IS E'BOM quantity\nThe new line''s quantity per assembly (add, change; replace: optional, else the line''s).';
COMMENT ON COLUMN app.change_order_items.bom_unit IS E'BOM unit\nThe unit of bom_quantity (converts to the component''s unit).';

ALTER TABLE app.project_bom_lines
  ADD COLUMN change_order_id uuid,
  ADD COLUMN ended_by_change_order_id uuid,
  ADD COLUMN effective_from timestamptz,
  ADD COLUMN effective_to timestamptz,
  ADD COLUMN effective_from_lot_number text,
  ADD COLUMN effective_to_lot_number text,
  ADD COLUMN effective_from_serial_number text,
  ADD COLUMN effective_to_serial_number text,
  ADD CONSTRAINT project_bom_lines_effective_order CHECK (effective_to > effective_from),
  ADD CONSTRAINT project_bom_lines_ended_by_order CHECK (
    (ended_by_change_order_id IS NULL) = (num_nonnulls(effective_to, effective_to_lot_number, effective_to_serial_number) = 0)),
  ADD FOREIGN KEY (organization_id, change_order_id) REFERENCES app.change_orders (organization_id, id),
  ADD FOREIGN KEY (organization_id, ended_by_change_order_id) REFERENCES app.change_orders (organization_id, id);
ALTER TABLE app.project_bom_lines DROP CONSTRAINT project_bom_lines_component_unique;
-- One current line per assembly and component (superseded lines are kept, end-dated).
CREATE UNIQUE INDEX project_bom_lines_current_component ON app.project_bom_lines (organization_id, project_id, parent_part_id, component_part_id)
  WHERE ended_by_change_order_id IS NULL;
-- The project's lines (the unique constraint that indexed them is now a partial index).
CREATE INDEX project_bom_lines_project_idx ON app.project_bom_lines (organization_id, project_id, parent_part_id);
CREATE INDEX project_bom_lines_change_order_idx ON app.project_bom_lines (organization_id, change_order_id);
CREATE INDEX project_bom_lines_ended_by_idx ON app.project_bom_lines (organization_id, ended_by_change_order_id);
COMMENT ON COLUMN app.project_bom_lines.change_order_id IS E'Added by\nThe change order whose implementation added this line.';
COMMENT ON COLUMN app.project_bom_lines.ended_by_change_order_id IS E'Ended by\nThe change order whose implementation superseded this line (kept as history).';
COMMENT ON COLUMN app.project_bom_lines.effective_from IS E'Effective from\nThe line is in effect from this time (a change order''s date effectivity); empty: from the start.';
COMMENT ON COLUMN app.project_bom_lines.effective_to IS E'Effective to\nThe line is in effect until this time (exclusive), when a change order with date effectivity superseded it.';
COMMENT ON COLUMN app.project_bom_lines.effective_from_lot_number IS E'From lot\nThe line applies to lots numbered at or after this one (lot effectivity).';
COMMENT ON COLUMN app.project_bom_lines.effective_to_lot_number IS E'To lot\nThe line applies to lots numbered before this one (superseded by lot effectivity).';
COMMENT ON COLUMN app.project_bom_lines.effective_from_serial_number IS E'From serial\nThe line applies to serials numbered at or after this one (serial effectivity).';
COMMENT ON COLUMN app.project_bom_lines.effective_to_serial_number IS E'To serial\nThe line applies to serials numbered before this one (superseded by serial effectivity).';

-- The explosion and where-used take the effectivity point (repeatables, 64_project_bom.sql).
DROP FUNCTION IF EXISTS app.explode_project_bom(uuid, uuid, numeric, integer);
DROP FUNCTION IF EXISTS app.part_where_used(uuid, uuid);

COMMIT;
