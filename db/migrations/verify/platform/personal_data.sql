-- Verify pulse:platform/personal_data on pg

BEGIN;

SELECT organization_id, id, kind, subject_id, requested_by, reason, pseudonym, rows_pseudonymised, restricted, completed_at
  FROM app.personal_data_requests WHERE false;
SELECT 1 / (NOT has_table_privilege('app_user', 'app.personal_data_requests', 'DELETE'))::int;

ROLLBACK;
