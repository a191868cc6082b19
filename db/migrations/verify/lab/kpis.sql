-- Verify pulse:lab/kpis on pg

BEGIN;

SELECT organization_id, site_id, sample_type_id, month, samples_released, median_hours, p90_hours, computed_at FROM app_private.lab_kpi_turnaround WHERE false;
SELECT organization_id, site_id, kind, status, open_count, overdue_count, computed_at FROM app_private.lab_kpi_backlog WHERE false;
SELECT organization_id, site_id, test_code, month, results_judged, out_of_specification, oos_percent, computed_at FROM app_private.lab_kpi_oos_rate WHERE false;

ROLLBACK;
