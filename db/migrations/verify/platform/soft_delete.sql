-- Verify pulse:platform/soft_delete on pg

BEGIN;

SELECT deleted_at, deleted_by, deletion_reason FROM app.projects WHERE false;
SELECT deleted_at, deleted_by, deletion_reason FROM app.documents WHERE false;
SELECT entity_type, delete_permission, enabled_at FROM app_private.soft_delete_types WHERE false;

-- API roles never write the trash columns directly (only app.soft_delete and app.restore do).
SELECT 1 / (NOT has_column_privilege('app_user', 'app.projects', 'deleted_at', 'UPDATE'))::int;
SELECT 1 / (NOT has_column_privilege('app_user', 'app.documents', 'deleted_at', 'UPDATE'))::int;
SELECT 1 / (NOT has_table_privilege('app_user', 'app_private.soft_delete_types', 'SELECT'))::int;

ROLLBACK;
