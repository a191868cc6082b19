-- Maintenance KPIs (migration maintenance/kpis): MTBF, MTTR, PM compliance,
-- planned work, unplanned downtime per asset and month and per plant and
-- month; maintenance cost per asset (none for an asset in the trash); backlog in crew-weeks and parts below
-- their reorder point per plant. Materialized views in app_private refreshed
-- concurrently by the job refresh-kpis, read through these views. They read
-- app_private, so they run as their owner and filter by the caller: the
-- active tenant, staff (not portal users) holding work_order.read (stock.read
-- for stock) tenant-wide or at the row's plant. Definitions with worked
-- examples: docs/maintenance.md "Dashboards".

CREATE OR REPLACE VIEW app.maintenance_kpi_asset_month WITH (security_barrier) AS
SELECT k.id, k.organization_id, k.site_id, k.equipment_id, k.month, k.calendar_hours, k.downtime_hours, k.unplanned_downtime_hours,
       k.operating_hours, k.breakdowns, k.breakdowns_repaired, k.repair_hours, k.mtbf_hours, k.mttr_hours, k.pm_due, k.pm_on_time,
       k.pm_compliance_percent, k.maintenance_hours, k.planned_hours, k.planned_work_percent, k.computed_at
  FROM app_private.maintenance_kpi_asset_month AS k
 WHERE (k.organization_id = (SELECT auth.org_id()) AND (SELECT auth.partner_id()) IS NULL
        AND ((SELECT auth.has_permission('work_order.read')) OR k.site_id = ANY ((SELECT auth.permitted_site_ids('work_order.read'))::uuid[]))
        OR (SELECT auth.is_platform_operator()))
   -- An asset in the trash has no KPI rows (its plant's totals keep its history).
   AND NOT EXISTS (SELECT FROM app.equipment AS e
                    WHERE e.organization_id = k.organization_id AND e.id = k.equipment_id AND e.deleted_at IS NOT NULL);
COMMENT ON VIEW app.maintenance_kpi_asset_month IS
  E'Maintenance KPIs per asset and month\nPer asset (equipment) and month (UTC), for the months with a stop, a preventive work order due or labour: MTBF = operating hours / breakdowns (operating = calendar hours of the month, to now in the current month, less every recorded stop); MTTR = hours of the ended breakdown stops / their number; PM compliance = preventive work orders due in the month up to today (cancelled ones included, as missed) completed within their window (the PM schedule''s compliance_window_days, else 10 % of its calendar interval, at least a day, else the tenant''s pm_compliance_grace_days) / those due, the definition of app.pm_plant_compliance; planned work = labour hours on work orders that are neither emergency nor breakdown / all labour hours; unplanned downtime = stops not planned. A stop counts in the month it starts. Staff with work_order.read tenant-wide or at the plant; no rows for an asset in the trash. Refreshed every 15 minutes (computed_at).';
COMMENT ON COLUMN app.maintenance_kpi_asset_month.id IS E'Row id\nA uuid made from the row''s grouping key (stable across refreshes).';
COMMENT ON COLUMN app.maintenance_kpi_asset_month.organization_id IS E'Tenant';
COMMENT ON COLUMN app.maintenance_kpi_asset_month.site_id IS E'Plant\nThe asset''s site.';
COMMENT ON COLUMN app.maintenance_kpi_asset_month.equipment_id IS E'Asset\nequipment.id.';
COMMENT ON COLUMN app.maintenance_kpi_asset_month.month IS E'Month\nThe first day of the month (UTC).';
COMMENT ON COLUMN app.maintenance_kpi_asset_month.calendar_hours IS E'Calendar hours\nHours of the month (to now in the current month).';
COMMENT ON COLUMN app.maintenance_kpi_asset_month.downtime_hours IS E'Downtime hours\nEvery stop starting in the month, planned or not (an open stop to now).';
COMMENT ON COLUMN app.maintenance_kpi_asset_month.unplanned_downtime_hours IS E'Unplanned downtime hours\nStops not planned.';
COMMENT ON COLUMN app.maintenance_kpi_asset_month.operating_hours IS E'Operating hours\nCalendar hours less downtime hours.';
COMMENT ON COLUMN app.maintenance_kpi_asset_month.breakdowns IS E'Breakdowns\nBreakdown stops starting in the month.';
COMMENT ON COLUMN app.maintenance_kpi_asset_month.breakdowns_repaired IS E'Breakdowns repaired\nThose that have ended.';
COMMENT ON COLUMN app.maintenance_kpi_asset_month.repair_hours IS E'Repair hours\nLength of the ended breakdown stops.';
COMMENT ON COLUMN app.maintenance_kpi_asset_month.mtbf_hours IS E'MTBF (h)\nOperating hours / breakdowns; empty without a breakdown.';
COMMENT ON COLUMN app.maintenance_kpi_asset_month.mttr_hours IS E'MTTR (h)\nRepair hours / breakdowns repaired; empty without one.';
COMMENT ON COLUMN app.maintenance_kpi_asset_month.pm_due IS E'PM due\nPreventive work orders due in the month up to today, cancelled ones included.';
COMMENT ON COLUMN app.maintenance_kpi_asset_month.pm_on_time IS E'PM on time\nThose completed within their window after the due date.';
COMMENT ON COLUMN app.maintenance_kpi_asset_month.pm_compliance_percent IS E'PM compliance (%)';
COMMENT ON COLUMN app.maintenance_kpi_asset_month.maintenance_hours IS E'Maintenance hours\nLabour hours started in the month on the asset''s work orders.';
COMMENT ON COLUMN app.maintenance_kpi_asset_month.planned_hours IS E'Planned hours\nLabour hours on work orders neither emergency nor breakdown.';
COMMENT ON COLUMN app.maintenance_kpi_asset_month.planned_work_percent IS E'Planned work (%)';
COMMENT ON COLUMN app.maintenance_kpi_asset_month.computed_at IS E'Computed at';

-- Per plant and month: the assets' rows summed, the ratios recomputed.
CREATE OR REPLACE VIEW app.maintenance_kpi_plant_month WITH (security_barrier) AS
SELECT md5(concat_ws('|', k.organization_id, k.site_id, k.month))::uuid AS id, k.organization_id, k.site_id, k.month,
       count(*)::integer AS assets, sum(k.operating_hours) AS operating_hours, sum(k.unplanned_downtime_hours) AS unplanned_downtime_hours,
       sum(k.breakdowns)::integer AS breakdowns, sum(k.breakdowns_repaired)::integer AS breakdowns_repaired, sum(k.repair_hours) AS repair_hours,
       CASE WHEN sum(k.breakdowns) > 0 THEN round(sum(k.operating_hours) / sum(k.breakdowns), 4) END AS mtbf_hours,
       CASE WHEN sum(k.breakdowns_repaired) > 0 THEN round(sum(k.repair_hours) / sum(k.breakdowns_repaired), 4) END AS mttr_hours,
       sum(k.pm_due)::integer AS pm_due, sum(k.pm_on_time)::integer AS pm_on_time,
       CASE WHEN sum(k.pm_due) > 0 THEN round(100.0 * sum(k.pm_on_time) / sum(k.pm_due), 2) END AS pm_compliance_percent,
       sum(k.maintenance_hours) AS maintenance_hours, sum(k.planned_hours) AS planned_hours,
       CASE WHEN sum(k.maintenance_hours) > 0 THEN round(100 * sum(k.planned_hours) / sum(k.maintenance_hours), 2) END AS planned_work_percent,
       max(k.computed_at) AS computed_at
  FROM app_private.maintenance_kpi_asset_month AS k
 WHERE k.organization_id = (SELECT auth.org_id()) AND (SELECT auth.partner_id()) IS NULL
   AND ((SELECT auth.has_permission('work_order.read')) OR k.site_id = ANY ((SELECT auth.permitted_site_ids('work_order.read'))::uuid[]))
    OR (SELECT auth.is_platform_operator())
 GROUP BY k.organization_id, k.site_id, k.month;
COMMENT ON VIEW app.maintenance_kpi_plant_month IS
  E'Maintenance KPIs per plant and month\nThe rows of app.maintenance_kpi_asset_month of a plant summed and the ratios recomputed from the sums: MTBF = operating hours of the assets with a row / breakdowns, MTTR, PM compliance, planned work, unplanned downtime. Staff with work_order.read tenant-wide or at the plant.';
COMMENT ON COLUMN app.maintenance_kpi_plant_month.id IS E'Row id';
COMMENT ON COLUMN app.maintenance_kpi_plant_month.organization_id IS E'Tenant';
COMMENT ON COLUMN app.maintenance_kpi_plant_month.site_id IS E'Plant';
COMMENT ON COLUMN app.maintenance_kpi_plant_month.month IS E'Month\nThe first day of the month (UTC).';
COMMENT ON COLUMN app.maintenance_kpi_plant_month.assets IS E'Assets\nWith a row in the month.';
COMMENT ON COLUMN app.maintenance_kpi_plant_month.operating_hours IS E'Operating hours';
COMMENT ON COLUMN app.maintenance_kpi_plant_month.unplanned_downtime_hours IS E'Unplanned downtime hours';
COMMENT ON COLUMN app.maintenance_kpi_plant_month.breakdowns IS E'Breakdowns';
COMMENT ON COLUMN app.maintenance_kpi_plant_month.breakdowns_repaired IS E'Breakdowns repaired';
COMMENT ON COLUMN app.maintenance_kpi_plant_month.repair_hours IS E'Repair hours';
COMMENT ON COLUMN app.maintenance_kpi_plant_month.mtbf_hours IS E'MTBF (h)';
COMMENT ON COLUMN app.maintenance_kpi_plant_month.mttr_hours IS E'MTTR (h)';
COMMENT ON COLUMN app.maintenance_kpi_plant_month.pm_due IS E'PM due';
COMMENT ON COLUMN app.maintenance_kpi_plant_month.pm_on_time IS E'PM on time';
COMMENT ON COLUMN app.maintenance_kpi_plant_month.pm_compliance_percent IS E'PM compliance (%)';
COMMENT ON COLUMN app.maintenance_kpi_plant_month.maintenance_hours IS E'Maintenance hours';
COMMENT ON COLUMN app.maintenance_kpi_plant_month.planned_hours IS E'Planned hours';
COMMENT ON COLUMN app.maintenance_kpi_plant_month.planned_work_percent IS E'Planned work (%)';
COMMENT ON COLUMN app.maintenance_kpi_plant_month.computed_at IS E'Computed at';

CREATE OR REPLACE VIEW app.maintenance_kpi_asset_costs WITH (security_barrier) AS
SELECT k.id, k.organization_id, k.site_id, k.equipment_id, k.month, k.currency, k.work_orders,
       -- Labour cost (and the total it is part of) is work_order.manage's, as labour rates are (app.labour_entry_costs).
       CASE WHEN (SELECT auth.is_platform_operator()) OR (SELECT auth.has_permission('work_order.manage'))
                 OR k.site_id = ANY ((SELECT auth.permitted_site_ids('work_order.manage'))::uuid[]) THEN k.labour_cost END AS labour_cost,
       k.contractor_cost, k.parts_cost,
       CASE WHEN (SELECT auth.is_platform_operator()) OR (SELECT auth.has_permission('work_order.manage'))
                 OR k.site_id = ANY ((SELECT auth.permitted_site_ids('work_order.manage'))::uuid[]) THEN k.total_cost END AS total_cost,
       k.computed_at
  FROM app_private.maintenance_kpi_asset_costs AS k
 WHERE (k.organization_id = (SELECT auth.org_id()) AND (SELECT auth.partner_id()) IS NULL
        AND ((SELECT auth.has_permission('work_order.read')) OR k.site_id = ANY ((SELECT auth.permitted_site_ids('work_order.read'))::uuid[]))
        OR (SELECT auth.is_platform_operator()))
   -- An asset in the trash has no KPI rows (its plant's totals keep its history).
   AND NOT EXISTS (SELECT FROM app.equipment AS e
                    WHERE e.organization_id = k.organization_id AND e.id = k.equipment_id AND e.deleted_at IS NOT NULL);
COMMENT ON VIEW app.maintenance_kpi_asset_costs IS
  E'Maintenance cost per asset\nPer primary asset, month booked (UTC) and currency: labour (hours x rate), contractor charges, parts issued less returned at cost, and the total (the lines of app.work_order_cost_lines). Staff with work_order.read tenant-wide or at the plant; no rows for an asset in the trash; labour_cost and total_cost only with work_order.manage tenant-wide or at the plant (empty otherwise: labour rates are not everyone''s). Refreshed every 15 minutes (computed_at).';
COMMENT ON COLUMN app.maintenance_kpi_asset_costs.id IS E'Row id';
COMMENT ON COLUMN app.maintenance_kpi_asset_costs.organization_id IS E'Tenant';
COMMENT ON COLUMN app.maintenance_kpi_asset_costs.site_id IS E'Plant';
COMMENT ON COLUMN app.maintenance_kpi_asset_costs.equipment_id IS E'Asset';
COMMENT ON COLUMN app.maintenance_kpi_asset_costs.month IS E'Month\nThe first day of the month booked (UTC).';
COMMENT ON COLUMN app.maintenance_kpi_asset_costs.currency IS E'Currency';
COMMENT ON COLUMN app.maintenance_kpi_asset_costs.work_orders IS E'Work orders\nWith a cost booked in the month.';
COMMENT ON COLUMN app.maintenance_kpi_asset_costs.labour_cost IS E'Labour cost';
COMMENT ON COLUMN app.maintenance_kpi_asset_costs.contractor_cost IS E'Contractor cost';
COMMENT ON COLUMN app.maintenance_kpi_asset_costs.parts_cost IS E'Parts cost';
COMMENT ON COLUMN app.maintenance_kpi_asset_costs.total_cost IS E'Total cost';
COMMENT ON COLUMN app.maintenance_kpi_asset_costs.computed_at IS E'Computed at';

CREATE OR REPLACE VIEW app.maintenance_kpi_backlog WITH (security_barrier) AS
SELECT k.id, k.organization_id, k.site_id, k.open_work_orders, k.without_estimate, k.overdue, k.estimated_hours, k.weekly_crew_hours,
       k.backlog_crew_weeks, k.computed_at
  FROM app_private.maintenance_kpi_backlog AS k
 WHERE k.organization_id = (SELECT auth.org_id()) AND (SELECT auth.partner_id()) IS NULL
   AND ((SELECT auth.has_permission('work_order.read')) OR k.site_id = ANY ((SELECT auth.permitted_site_ids('work_order.read'))::uuid[]))
    OR (SELECT auth.is_platform_operator());
COMMENT ON VIEW app.maintenance_kpi_backlog IS
  E'Maintenance backlog\nPer plant when computed: open work orders (planned, scheduled, in progress, on hold: approved work), how many have no estimate or are overdue, their estimated hours, and backlog in crew-weeks = estimated hours / the tenant''s maintenance_weekly_crew_hours (one maintenance crew per tenant). Staff with work_order.read tenant-wide or at the plant. Refreshed every 15 minutes (computed_at).';
COMMENT ON COLUMN app.maintenance_kpi_backlog.id IS E'Row id';
COMMENT ON COLUMN app.maintenance_kpi_backlog.organization_id IS E'Tenant';
COMMENT ON COLUMN app.maintenance_kpi_backlog.site_id IS E'Plant';
COMMENT ON COLUMN app.maintenance_kpi_backlog.open_work_orders IS E'Open work orders';
COMMENT ON COLUMN app.maintenance_kpi_backlog.without_estimate IS E'Without estimate\nOpen work orders with no estimated hours (counted as 0).';
COMMENT ON COLUMN app.maintenance_kpi_backlog.overdue IS E'Overdue\nPast their due date.';
COMMENT ON COLUMN app.maintenance_kpi_backlog.estimated_hours IS E'Estimated hours';
COMMENT ON COLUMN app.maintenance_kpi_backlog.weekly_crew_hours IS E'Weekly crew hours\nThe tenant setting maintenance_weekly_crew_hours.';
COMMENT ON COLUMN app.maintenance_kpi_backlog.backlog_crew_weeks IS E'Backlog (crew-weeks)';
COMMENT ON COLUMN app.maintenance_kpi_backlog.computed_at IS E'Computed at';

CREATE OR REPLACE VIEW app.maintenance_kpi_stock WITH (security_barrier) AS
SELECT k.id, k.organization_id, k.site_id, k.parts_below_reorder_point, k.critical_spares_below, k.computed_at
  FROM app_private.maintenance_kpi_stock AS k
 WHERE k.organization_id = (SELECT auth.org_id()) AND (SELECT auth.partner_id()) IS NULL
   AND ((SELECT auth.has_permission('stock.read')) OR k.site_id = ANY ((SELECT auth.permitted_site_ids('stock.read'))::uuid[]))
    OR (SELECT auth.is_platform_operator());
COMMENT ON VIEW app.maintenance_kpi_stock IS
  E'Parts below reorder point\nPer plant when computed: the (part, storeroom) pairs whose available stock is below the reorder point or a critical spare''s minimum (app.parts_below_reorder_point lists them), and how many hold a critical spare. Staff with stock.read tenant-wide or at the plant. Refreshed every 15 minutes (computed_at).';
COMMENT ON COLUMN app.maintenance_kpi_stock.id IS E'Row id';
COMMENT ON COLUMN app.maintenance_kpi_stock.organization_id IS E'Tenant';
COMMENT ON COLUMN app.maintenance_kpi_stock.site_id IS E'Plant';
COMMENT ON COLUMN app.maintenance_kpi_stock.parts_below_reorder_point IS E'Parts below reorder point';
COMMENT ON COLUMN app.maintenance_kpi_stock.critical_spares_below IS E'Critical spares below\nOf them, those holding a critical spare below its minimum.';
COMMENT ON COLUMN app.maintenance_kpi_stock.computed_at IS E'Computed at';
