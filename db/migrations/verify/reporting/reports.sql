-- Verify pulse:reporting/reports on pg

BEGIN;

SELECT key, title, permission, columns, filter_columns, sort_columns, default_columns FROM app.report_sources WHERE false;
SELECT organization_id, id, name, source_key, columns, filters, sort, row_limit, parameters, visibility, owner_id
  FROM app.report_definitions WHERE false;
SELECT organization_id, id, definition_id, definition, parameters, format, status, requested_by, row_count, duration_ms,
       object_key, sha256, size_bytes, mime_type FROM app.report_executions WHERE false;
SELECT organization_id, id, name, layout, visibility, owner_id FROM app.dashboards WHERE false;
-- Executions are written only by the reporting functions.
SELECT 1 / (NOT has_table_privilege('app_user', 'app.report_executions', 'INSERT'))::int;
SELECT 1 / (NOT has_table_privilege('app_user', 'app.report_executions', 'UPDATE'))::int;

ROLLBACK;
