-- Revert pulse:maintenance/pm_compliance from pg

BEGIN;

DROP VIEW IF EXISTS app.maintenance_kpi_plant_month;
DROP VIEW IF EXISTS app.maintenance_kpi_asset_month;
DROP VIEW IF EXISTS app.pm_plant_compliance;
DROP VIEW IF EXISTS app.pm_schedule_compliance;
DROP MATERIALIZED VIEW app_private.maintenance_kpi_asset_month;
CREATE MATERIALIZED VIEW app_private.maintenance_kpi_asset_month AS
WITH settings AS (
  SELECT o.id AS organization_id,
         coalesce((SELECT (t.value #>> '{}')::integer FROM app.tenant_settings AS t
                    WHERE t.organization_id = o.id AND t.setting_key = 'pm_compliance_grace_days'),
                  (SELECT (d.default_value #>> '{}')::integer FROM app_private.setting_definitions AS d WHERE d.key = 'pm_compliance_grace_days'),
                  0) AS grace_days
    FROM app.organizations AS o
), stops AS (
  SELECT d.organization_id, d.equipment_id, date_trunc('month', d.started_at AT TIME ZONE 'UTC')::date AS month,
         d.is_planned, d.is_breakdown, d.ended_at IS NOT NULL AS ended,
         extract(epoch FROM coalesce(d.ended_at, now()) - d.started_at) AS secs
    FROM app.downtime_events AS d
), stop_sums AS (
  SELECT s.organization_id, s.equipment_id, s.month,
         sum(s.secs) AS downtime_secs,
         sum(s.secs) FILTER (WHERE NOT s.is_planned) AS unplanned_secs,
         count(*) FILTER (WHERE s.is_breakdown) AS breakdowns,
         count(*) FILTER (WHERE s.is_breakdown AND s.ended) AS repaired,
         sum(s.secs) FILTER (WHERE s.is_breakdown AND s.ended) AS repair_secs
    FROM stops AS s GROUP BY s.organization_id, s.equipment_id, s.month
), pm AS (
  SELECT w.organization_id, w.equipment_id, date_trunc('month', w.due_date)::date AS month,
         count(*) AS pm_due,
         count(*) FILTER (WHERE w.completed_at IS NOT NULL
                            AND (w.completed_at AT TIME ZONE 'UTC')::date <= w.due_date + st.grace_days) AS pm_on_time
    FROM app.work_orders AS w JOIN settings AS st ON st.organization_id = w.organization_id
   WHERE w.work_type = 'preventive' AND w.status <> 'cancelled' AND w.due_date IS NOT NULL
   GROUP BY w.organization_id, w.equipment_id, date_trunc('month', w.due_date)::date
), labour AS (
  SELECT w.organization_id, w.equipment_id, date_trunc('month', l.started_at AT TIME ZONE 'UTC')::date AS month,
         sum(l.hours) AS total_hours,
         sum(l.hours) FILTER (WHERE w.work_type <> 'emergency' AND NOT w.is_breakdown) AS planned_hours
    FROM app.labour_entries AS l
    JOIN app.work_orders AS w ON w.organization_id = l.organization_id AND w.id = l.work_order_id
   GROUP BY w.organization_id, w.equipment_id, date_trunc('month', l.started_at AT TIME ZONE 'UTC')::date
), keys AS (
  SELECT organization_id, equipment_id, month FROM stop_sums
  UNION SELECT organization_id, equipment_id, month FROM pm
  UNION SELECT organization_id, equipment_id, month FROM labour
), t AS (
  SELECT k.organization_id, e.site_id, k.equipment_id, k.month,
         extract(epoch FROM least((k.month + interval '1 month')::timestamp AT TIME ZONE 'UTC', greatest(now(), k.month::timestamp AT TIME ZONE 'UTC'))
                            - k.month::timestamp AT TIME ZONE 'UTC') AS calendar_secs,
         coalesce(s.downtime_secs, 0) AS downtime_secs, coalesce(s.unplanned_secs, 0) AS unplanned_secs,
         coalesce(s.breakdowns, 0) AS breakdowns, coalesce(s.repaired, 0) AS repaired, coalesce(s.repair_secs, 0) AS repair_secs,
         coalesce(p.pm_due, 0) AS pm_due, coalesce(p.pm_on_time, 0) AS pm_on_time,
         coalesce(l.total_hours, 0) AS total_hours, coalesce(l.planned_hours, 0) AS planned_hours
    FROM keys AS k
    JOIN app.equipment AS e ON e.organization_id = k.organization_id AND e.id = k.equipment_id
    LEFT JOIN stop_sums AS s ON s.organization_id = k.organization_id AND s.equipment_id = k.equipment_id AND s.month = k.month
    LEFT JOIN pm AS p ON p.organization_id = k.organization_id AND p.equipment_id = k.equipment_id AND p.month = k.month
    LEFT JOIN labour AS l ON l.organization_id = k.organization_id AND l.equipment_id = k.equipment_id AND l.month = k.month
)
SELECT md5(concat_ws('|', organization_id, equipment_id, month))::uuid AS id, organization_id, site_id, equipment_id, month,
       round(calendar_secs / 3600, 4) AS calendar_hours,
       round(downtime_secs / 3600, 4) AS downtime_hours,
       round(unplanned_secs / 3600, 4) AS unplanned_downtime_hours,
       round(greatest(calendar_secs - downtime_secs, 0) / 3600, 4) AS operating_hours,
       breakdowns::integer AS breakdowns, repaired::integer AS breakdowns_repaired,
       round(repair_secs / 3600, 4) AS repair_hours,
       CASE WHEN breakdowns > 0 THEN round(greatest(calendar_secs - downtime_secs, 0) / 3600 / breakdowns, 4) END AS mtbf_hours,
       CASE WHEN repaired > 0 THEN round(repair_secs / 3600 / repaired, 4) END AS mttr_hours,
       pm_due::integer AS pm_due, pm_on_time::integer AS pm_on_time,
       CASE WHEN pm_due > 0 THEN round(100.0 * pm_on_time / pm_due, 2) END AS pm_compliance_percent,
       total_hours AS maintenance_hours, planned_hours,
       CASE WHEN total_hours > 0 THEN round(100 * planned_hours / total_hours, 2) END AS planned_work_percent,
       now() AS computed_at
  FROM t;
CREATE UNIQUE INDEX maintenance_kpi_asset_month_id ON app_private.maintenance_kpi_asset_month (id);
CREATE INDEX maintenance_kpi_asset_month_tenant ON app_private.maintenance_kpi_asset_month (organization_id, site_id, month);
COMMENT ON MATERIALIZED VIEW app_private.maintenance_kpi_asset_month IS
  'Maintenance KPIs per tenant, asset and month (UTC): calendar, downtime, unplanned downtime and operating hours; breakdowns, MTBF and MTTR; PM work orders due and done on time (PM compliance); labour hours and the planned share. Definitions: docs/maintenance.md "Dashboards". Read through app.maintenance_kpi_asset_month and app.maintenance_kpi_plant_month.';

DROP VIEW app_private.pm_compliance_lines;

COMMIT;
