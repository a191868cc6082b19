-- Verify pulse:quality/project_bom on pg

BEGIN;

SELECT organization_id, id, project_id, parent_part_id, component_part_id, quantity, unit, position, note, created_by, created_at, updated_at
  FROM app.project_bom_lines WHERE false;

ROLLBACK;
