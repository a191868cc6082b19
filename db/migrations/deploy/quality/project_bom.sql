-- Deploy pulse:quality/project_bom to pg
-- requires: quality/parts projects

BEGIN;

-- The project BOM (80_quality/64_project_bom.sql): per project, an assembly
-- part -> component part edge with a quantity in a unit of the units
-- register that converts to the component's unit. Multi-level by chaining
-- edges (a component is the assembly of further lines); cycles are refused
-- when written, explosion and where-used are recursive RPCs.

CREATE TABLE app.project_bom_lines (
  organization_id uuid NOT NULL REFERENCES app.organizations (id) ON DELETE CASCADE,
  id uuid NOT NULL,
  project_id uuid NOT NULL,
  parent_part_id uuid NOT NULL,
  component_part_id uuid NOT NULL,
  quantity numeric NOT NULL CONSTRAINT project_bom_lines_quantity_positive CHECK (quantity > 0),
  unit text NOT NULL REFERENCES app.units (code),
  position integer NOT NULL DEFAULT 10 CONSTRAINT project_bom_lines_position_range CHECK (position BETWEEN 0 AND 100000),
  note text NOT NULL DEFAULT '' CONSTRAINT project_bom_lines_note_length CHECK (length(note) <= 2000),
  created_by uuid REFERENCES app.users (id) ON DELETE SET NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (organization_id, id),
  CONSTRAINT project_bom_lines_component_unique UNIQUE (organization_id, project_id, parent_part_id, component_part_id),
  CONSTRAINT project_bom_lines_not_itself CHECK (parent_part_id <> component_part_id),
  FOREIGN KEY (organization_id, project_id) REFERENCES app.projects (organization_id, id) ON DELETE CASCADE,
  FOREIGN KEY (organization_id, parent_part_id) REFERENCES app.parts (organization_id, id),
  FOREIGN KEY (organization_id, component_part_id) REFERENCES app.parts (organization_id, id)
);
CREATE INDEX project_bom_lines_component_idx ON app.project_bom_lines (organization_id, component_part_id, project_id);
CREATE INDEX project_bom_lines_parent_idx ON app.project_bom_lines (organization_id, parent_part_id);
CREATE INDEX project_bom_lines_unit_idx ON app.project_bom_lines (unit);
CREATE INDEX project_bom_lines_created_by_idx ON app.project_bom_lines (created_by);
COMMENT ON TABLE app.project_bom_lines IS
  E'Project BOM lines\nA project''s bill of materials, one line per assembly part and component part: the quantity of the component per one unit of the assembly, in a unit that converts to the component''s unit. Lines chain into levels; a line that would close a cycle is refused (project_bom.cycle). Read with project.read, written with part.manage. app.explode_project_bom and app.part_where_used read it recursively.';
COMMENT ON COLUMN app.project_bom_lines.organization_id IS E'Tenant\nThe organization.';
COMMENT ON COLUMN app.project_bom_lines.id IS E'Line id';
COMMENT ON COLUMN app.project_bom_lines.project_id IS E'Project\nprojects.id.';
COMMENT ON COLUMN app.project_bom_lines.parent_part_id IS E'Assembly\nThe part (parts.id) the component goes into.';
COMMENT ON COLUMN app.project_bom_lines.component_part_id IS E'Component\nThe part (parts.id) used; it may itself be the assembly of further lines.';
COMMENT ON COLUMN app.project_bom_lines.quantity IS E'Quantity\nHow much of the component goes into one unit of the assembly, in unit.';
COMMENT ON COLUMN app.project_bom_lines.unit IS E'Unit\nunits.code of the quantity; must convert to the component part''s unit (same dimension).';
COMMENT ON COLUMN app.project_bom_lines.position IS E'Position\nThe line''s place under its assembly (10, 20, ...).';
COMMENT ON COLUMN app.project_bom_lines.note IS E'Note';
COMMENT ON COLUMN app.project_bom_lines.created_by IS E'Created by';
COMMENT ON COLUMN app.project_bom_lines.created_at IS E'Created at';
COMMENT ON COLUMN app.project_bom_lines.updated_at IS E'Updated at';

COMMIT;
