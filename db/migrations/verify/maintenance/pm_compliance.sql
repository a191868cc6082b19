-- Verify pulse:maintenance/pm_compliance on pg

BEGIN;

SELECT organization_id, work_order_id, pm_schedule_id, equipment_id, site_id, due_on, month, window_days, status, completed_on, is_due,
       on_time, outcome
  FROM app_private.pm_compliance_lines WHERE false;
SELECT organization_id, equipment_id, month, pm_due, pm_on_time, pm_compliance_percent FROM app_private.maintenance_kpi_asset_month WHERE false;

ROLLBACK;
