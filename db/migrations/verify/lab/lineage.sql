-- Verify pulse:lab/lineage on pg

BEGIN;

SELECT organization_id, id, parent_id, child_id, kind, quantity, unit, created_by, created_at FROM app.sample_lineage_links WHERE false;
SELECT 1 / (NOT has_table_privilege('app_user', 'app.sample_lineage_links', 'INSERT'))::int;

ROLLBACK;
