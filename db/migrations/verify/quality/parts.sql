-- Verify pulse:quality/parts on pg

BEGIN;

SELECT organization_id, id, part_number, name, description, unit, customer_id, customer_concession_required, status, custom_fields,
       created_by, created_at, updated_at FROM app.parts WHERE false;
SELECT organization_id, id, part_id, revision, description, status, released_at, released_by, obsoleted_at, created_by, created_at, updated_at
  FROM app.part_revisions WHERE false;
SELECT 1 / (NOT has_column_privilege('app_user', 'app.part_revisions', 'status', 'UPDATE'))::int;

ROLLBACK;
