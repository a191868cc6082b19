-- Verify pulse:workflow/project_milestones on pg

BEGIN;

SELECT organization_id, id, project_id, name, position, planned_date, actual_date, status, note, created_by, created_at, updated_at
  FROM app.project_milestones WHERE false;

ROLLBACK;
