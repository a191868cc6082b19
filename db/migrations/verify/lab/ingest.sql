-- Verify pulse:lab/ingest on pg

BEGIN;

SELECT organization_id, id, equipment_id, external_run_id, site_id, run_id, rows, status, duplicate_of_id, accepted_count, rejected_count
  FROM app.instrument_imports WHERE false;
SELECT organization_id, id, import_id, row_number, data, outcome, rejection_code, rejection_reason, result_id FROM app.instrument_import_rows WHERE false;
SELECT 1 / (SELECT count(*)::int FROM pg_catalog.pg_indexes WHERE schemaname = 'app' AND indexname = 'instrument_imports_one_processed_idx');
SELECT 1 / (NOT has_column_privilege('app_user', 'app.instrument_imports', 'status', 'UPDATE'))::int;

ROLLBACK;
