-- Deploy pulse:reporting/oee_downtime_reasons to pg
-- Availability loss by downtime reason: the stops of a run that OEE counts
-- as availability loss (inside the production schedule: breakdowns, setups,
-- small stops, other unplanned stops; planned stops and stops outside the
-- schedule are not loss), cut to the run's window, per reason, keeping the
-- six-big-loss category each fell in. Per run (app_private.production_run_stop_losses,
-- the same classification as app_private.production_run_oee) and per
-- machine, part, day and reason (materialized view
-- app_private.production_kpi_availability_losses, read through the repeatable
-- view app.production_kpi_availability_losses, 95_reporting/52_oee.sql).

BEGIN;

CREATE FUNCTION app_private.production_run_stop_losses(p_run app.production_runs, p_small_stop_seconds numeric)
RETURNS TABLE (reason_id uuid, loss text, stops integer, loss_seconds numeric)
LANGUAGE sql STABLE
SET search_path = ''
AS $$
  WITH stops AS (
    SELECT d.reason_id,
           CASE WHEN NOT d.in_production_schedule THEN 'excluded'
                WHEN d.is_breakdown THEN 'breakdown'
                WHEN r.loss_category = 'setup' THEN 'setup'
                WHEN d.is_planned THEN 'excluded'
                WHEN extract(epoch FROM coalesce(d.ended_at, now()) - d.started_at) < p_small_stop_seconds THEN 'small_stop'
                ELSE 'other_stop' END AS loss,
           extract(epoch FROM least(coalesce(d.ended_at, now()), p_run.scheduled_end) - greatest(d.started_at, p_run.scheduled_start)) AS secs
      FROM app.downtime_events AS d
      JOIN app.downtime_reasons AS r ON r.organization_id = d.organization_id AND r.id = d.reason_id
     WHERE d.organization_id = p_run.organization_id AND d.equipment_id = p_run.equipment_id
       AND pg_catalog.tstzrange(d.started_at, d.ended_at) && pg_catalog.tstzrange(p_run.scheduled_start, p_run.scheduled_end)
  )
  SELECT s.reason_id, s.loss, count(*)::integer, sum(s.secs)
    FROM stops AS s
   WHERE s.loss <> 'excluded'
   GROUP BY s.reason_id, s.loss
$$;
COMMENT ON FUNCTION app_private.production_run_stop_losses(app.production_runs, numeric) IS
  'The availability loss of one production run by downtime reason, in seconds: the stops inside the production schedule cut to the run''s window, classified as app_private.production_run_oee does (breakdown, setup, small_stop shorter than p_small_stop_seconds, other_stop; planned stops and stops outside the schedule are no loss), grouped by reason and category. Their sum is planned production time - run time.';

CREATE MATERIALIZED VIEW app_private.production_kpi_availability_losses AS
WITH runs AS (
  SELECT r AS run, (r).organization_id, (r).site_id, (r).equipment_id, (r).part_id, (r).scheduled_start, 60 * coalesce((SELECT (t.value #>> '{}')::numeric FROM app.tenant_settings AS t
                              WHERE t.organization_id = r.organization_id AND t.setting_key = 'oee_small_stop_minutes'),
                            (SELECT (d.default_value #>> '{}')::numeric FROM app_private.setting_definitions AS d WHERE d.key = 'oee_small_stop_minutes'),
                            5) AS small_stop_seconds
    FROM app.production_runs AS r
), planned AS (
  SELECT r.organization_id, r.equipment_id, r.part_id, (r.scheduled_start AT TIME ZONE 'UTC')::date AS day,
         sum(o.planned_production_seconds) AS planned_production_seconds
    FROM runs AS r CROSS JOIN LATERAL app_private.production_run_oee(r.run, r.small_stop_seconds) AS o
   GROUP BY 1, 2, 3, 4
), losses AS (
  SELECT r.organization_id, r.site_id, r.equipment_id, r.part_id, (r.scheduled_start AT TIME ZONE 'UTC')::date AS day,
         l.reason_id, l.loss, sum(l.stops)::integer AS stops, sum(l.loss_seconds) AS loss_seconds
    FROM runs AS r CROSS JOIN LATERAL app_private.production_run_stop_losses(r.run, r.small_stop_seconds) AS l
   GROUP BY 1, 2, 3, 4, 5, 6, 7
)
SELECT md5(concat_ws('|', l.organization_id, l.equipment_id, l.part_id, l.day, l.reason_id, l.loss))::uuid AS id,
       l.organization_id, l.site_id, l.equipment_id, l.part_id, l.day, l.reason_id, dr.code AS reason_code, dr.name AS reason_name, l.loss, l.stops,
       round(l.loss_seconds / 3600, 4) AS loss_hours,
       round(100 * l.loss_seconds / nullif(p.planned_production_seconds, 0), 2) AS availability_loss_percent,
       now() AS computed_at
  FROM losses AS l
  JOIN planned AS p USING (organization_id, equipment_id, part_id, day)
  JOIN app.downtime_reasons AS dr ON dr.organization_id = l.organization_id AND dr.id = l.reason_id;
CREATE UNIQUE INDEX production_kpi_availability_losses_id ON app_private.production_kpi_availability_losses (id);
CREATE INDEX production_kpi_availability_losses_key ON app_private.production_kpi_availability_losses (organization_id, site_id, day);
COMMENT ON MATERIALIZED VIEW app_private.production_kpi_availability_losses IS
  'Availability loss per tenant, machine, part, day (of the runs'' scheduled start, UTC), downtime reason and six-big-loss category (breakdown, setup, small_stop, other_stop): stops, hours and the share of the day''s planned production time; the rows of a machine, part and day add up to 100 - availability of app_private.production_kpi_oee. Refreshed by the job refresh-kpis, read through app.production_kpi_availability_losses.';

COMMIT;
