-- Verify pulse:maintenance/kpis on pg

BEGIN;

SELECT organization_id, site_id, equipment_id, month, mtbf_hours, mttr_hours, pm_compliance_percent, planned_work_percent, computed_at
  FROM app_private.maintenance_kpi_asset_month WHERE false;
SELECT organization_id, site_id, equipment_id, month, currency, total_cost FROM app_private.maintenance_kpi_asset_costs WHERE false;
SELECT organization_id, site_id, open_work_orders, estimated_hours, backlog_crew_weeks FROM app_private.maintenance_kpi_backlog WHERE false;
SELECT organization_id, site_id, parts_below_reorder_point FROM app_private.maintenance_kpi_stock WHERE false;
SELECT organization_id, id, work_order_number, status, site_id, record FROM app_private.archived_work_orders WHERE false;
SELECT organization_id, work_order_id, source_table, row_key, record FROM app_private.archived_work_order_rows WHERE false;
SELECT 'app.work_orders_assignee_open_idx'::regclass, 'app.work_orders_archivable_idx'::regclass;

ROLLBACK;
