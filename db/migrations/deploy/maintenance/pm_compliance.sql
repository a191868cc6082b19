-- Deploy pulse:maintenance/pm_compliance to pg
-- requires: maintenance/kpis
-- requires: maintenance/pm_schedules

BEGIN;

-- One PM compliance definition (issue #17). The dashboard
-- (app_private.maintenance_kpi_asset_month, read by app.maintenance_kpi_*)
-- counted every preventive work order not cancelled, future ones included,
-- on time by the tenant's grace days; the compliance report
-- (app.pm_schedule_compliance, app.pm_plant_compliance) counted only the
-- generated occurrences due so far, cancelled ones as missed, on time by the
-- schedule's window. Both now read app_private.pm_compliance_lines:
-- definition and formula in its comment and docs/maintenance.md "PM
-- compliance". The app views over the materialized view are made again by
-- the repeatables (95_reporting/60_maintenance_kpis.sql, 90_maintenance/83_pm_schedules.sql).

CREATE VIEW app_private.pm_compliance_lines AS
WITH pm AS (
  SELECT w.organization_id, w.id AS work_order_id, w.pm_schedule_id, w.equipment_id, w.site_id, w.status,
         coalesce(w.pm_due_date, w.due_date) AS due_on, (w.completed_at AT TIME ZONE 'UTC')::date AS completed_on,
         coalesce(s.compliance_window_days,
                  CASE WHEN s.rule_freq IS NOT NULL
                       THEN greatest(1, ceil(0.1 * s.rule_interval * CASE s.rule_freq WHEN 'DAILY' THEN 1 WHEN 'WEEKLY' THEN 7
                                                                                   WHEN 'MONTHLY' THEN 30 ELSE 365 END)::integer) END,
                  (SELECT (t.value #>> '{}')::integer FROM app.tenant_settings AS t
                    WHERE t.organization_id = w.organization_id AND t.setting_key = 'pm_compliance_grace_days'),
                  (SELECT (d.default_value #>> '{}')::integer FROM app_private.setting_definitions AS d WHERE d.key = 'pm_compliance_grace_days'),
                  0) AS window_days
    FROM app.work_orders AS w
    LEFT JOIN app.pm_schedules AS s ON s.organization_id = w.organization_id AND s.id = w.pm_schedule_id
   WHERE w.work_type = 'preventive' AND coalesce(w.pm_due_date, w.due_date) IS NOT NULL
)
SELECT p.organization_id, p.work_order_id, p.pm_schedule_id, p.equipment_id, p.site_id, p.due_on,
       date_trunc('month', p.due_on)::date AS month, p.window_days, p.status, p.completed_on,
       p.due_on <= CURRENT_DATE AS is_due,
       (p.status <> 'cancelled' AND p.completed_on IS NOT NULL AND p.completed_on <= p.due_on + p.window_days) AS on_time,
       CASE WHEN p.status = 'cancelled' THEN 'cancelled'
            WHEN p.completed_on IS NULL THEN CASE WHEN p.due_on + p.window_days < CURRENT_DATE THEN 'missed' ELSE 'open' END
            WHEN p.completed_on <= p.due_on + p.window_days THEN 'on_time'
            ELSE 'late' END AS outcome
  FROM pm AS p;
COMMENT ON VIEW app_private.pm_compliance_lines IS
  'PM compliance, the one definition (SMRP 5.4.1 PM compliance): one row per preventive work order with a due date (a PM schedule''s occurrence date, else the work order''s due date). Its window is the schedule''s compliance_window_days, else 10 % of the schedule''s calendar interval (DAILY 1, WEEKLY 7, MONTHLY 30, YEARLY 365 days x INTERVAL, rounded up, at least 1 day), else (meter-only schedules, work orders outside a schedule) the tenant''s pm_compliance_grace_days. It is due once its due date is today or earlier (is_due) and on time when completed (UTC day) by the due date plus the window; a cancelled one is due and never on time (missed). Compliance = on time / due, per month of the due date. Read by app_private.maintenance_kpi_asset_month (the dashboard) and app.pm_schedule_compliance (the compliance report), never directly by API roles.';

DROP VIEW IF EXISTS app.maintenance_kpi_plant_month;
DROP VIEW IF EXISTS app.maintenance_kpi_asset_month;
DROP MATERIALIZED VIEW app_private.maintenance_kpi_asset_month;
CREATE MATERIALIZED VIEW app_private.maintenance_kpi_asset_month AS
WITH stops AS (
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
  -- PM compliance: the one definition (app_private.pm_compliance_lines), the occurrences due so far.
  SELECT p.organization_id, p.equipment_id, p.month, count(*) AS pm_due, count(*) FILTER (WHERE p.on_time) AS pm_on_time
    FROM app_private.pm_compliance_lines AS p
   WHERE p.is_due
   GROUP BY p.organization_id, p.equipment_id, p.month
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
  'Maintenance KPIs per tenant, asset and month (UTC): calendar, downtime, unplanned downtime and operating hours; breakdowns, MTBF and MTTR; PM work orders due and done within their window (PM compliance, app_private.pm_compliance_lines); labour hours and the planned share. Definitions: docs/maintenance.md "Dashboards". Read through app.maintenance_kpi_asset_month and app.maintenance_kpi_plant_month.';


COMMIT;
