-- Verify pulse:lab/kpis_operations on pg

BEGIN;

SELECT organization_id, site_id, test_code, month, runs_decided, runs_failed, run_failure_percent, qc_measured, qc_failed, computed_at
  FROM app_private.lab_kpi_run_failures WHERE false;
SELECT organization_id, equipment_id, site_id, week_start, booked_hours, utilization_percent, computed_at
  FROM app_private.lab_kpi_instrument_utilization WHERE false;
SELECT organization_id, site_id, phase, open_count, up_to_7_days, days_8_to_30, over_30_days, oldest_days, computed_at
  FROM app_private.lab_kpi_investigation_aging WHERE false;

ROLLBACK;
