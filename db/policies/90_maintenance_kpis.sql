-- Maintenance KPIs and the archive (95_reporting/60_maintenance_kpis.sql,
-- 90_maintenance/96_archive.sql). The views read app_private and filter by
-- tenant, plant and permission themselves; the archive tables are reached
-- only through them. The archival functions are the job's.

GRANT SELECT ON app.maintenance_kpi_asset_month, app.maintenance_kpi_plant_month, app.maintenance_kpi_asset_costs,
                app.maintenance_kpi_backlog, app.maintenance_kpi_stock TO app_user, app_admin;
GRANT SELECT ON app.archived_work_orders, app.archived_work_order_rows TO app_user, app_admin;
REVOKE ALL ON app_private.archived_work_orders, app_private.archived_work_order_rows FROM PUBLIC;
