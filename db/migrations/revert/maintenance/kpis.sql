-- Revert pulse:maintenance/kpis from pg

BEGIN;

DROP MATERIALIZED VIEW app_private.maintenance_kpi_asset_month, app_private.maintenance_kpi_asset_costs,
  app_private.maintenance_kpi_backlog, app_private.maintenance_kpi_stock CASCADE;
DROP TABLE app_private.archived_work_order_rows, app_private.archived_work_orders CASCADE;
DROP INDEX app.work_orders_assignee_open_idx, app.work_orders_archivable_idx;
ALTER TABLE app.downtime_events ADD CONSTRAINT downtime_events_work_order_fkey
  FOREIGN KEY (organization_id, work_order_id) REFERENCES app.work_orders (organization_id, id);
COMMENT ON COLUMN app.downtime_events.work_order_id IS E'Work order\nThe maintenance work order the stop was recorded from (app.record_work_order_stop).';

COMMIT;
