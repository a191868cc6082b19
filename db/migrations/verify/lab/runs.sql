-- Verify pulse:lab/runs on pg

BEGIN;

SELECT organization_id, id, run_number, test_code, equipment_id, site_id, status, failure_reason, decided_by, decided_at FROM app.runs WHERE false;
SELECT organization_id, id, run_id, analysis_id, position, added_by FROM app.run_analyses WHERE false;
SELECT organization_id, id, run_id, kind, duplicate_of_id, expected_value, tolerance, min_value, max_value, max_rpd, measured_value, rpd, passed
  FROM app.run_qc_samples WHERE false;
SELECT run_id FROM app.results WHERE false;
SELECT 1 / (NOT has_column_privilege('app_user', 'app.runs', 'status', 'UPDATE'))::int;
SELECT 1 / (NOT has_column_privilege('app_user', 'app.run_qc_samples', 'passed', 'UPDATE'))::int;

ROLLBACK;
