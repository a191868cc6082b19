-- OEE (migration reporting/production_kpis). The figures of one run come
-- from app_private.production_run_oee, defined by the migration because the
-- materialized view app_private.production_kpi_oee reads it (a function a
-- migration object needs is not a repeatable). Definitions: docs/manufacturing.md "KPIs".

-- The small stop threshold of a tenant, in seconds (setting oee_small_stop_minutes).
CREATE OR REPLACE FUNCTION app_private.oee_small_stop_seconds(p_organization_id uuid) RETURNS numeric
LANGUAGE sql STABLE
SET search_path = ''
AS $$
  SELECT 60 * app_private.setting(p_organization_id, 'oee_small_stop_minutes', NULL::numeric)
$$;
COMMENT ON FUNCTION app_private.oee_small_stop_seconds(uuid) IS
  'The tenant''s small stop threshold in seconds: unplanned stops shorter than oee_small_stop_minutes are small stops in OEE.';

-- OEE of one run the caller sees. It runs as its owner (the computation is in
-- app_private) after checking that the caller sees the machine.
CREATE OR REPLACE FUNCTION app.production_run_oee(run_id uuid)
RETURNS TABLE (planned_stop_hours numeric, planned_production_hours numeric, run_hours numeric, net_run_hours numeric,
               fully_productive_hours numeric, ideal_cycle_seconds numeric, availability_percent numeric, performance_percent numeric,
               quality_percent numeric, oee_percent numeric, breakdown_hours numeric, setup_hours numeric, small_stop_hours numeric,
               other_stop_hours numeric, reduced_speed_hours numeric, startup_reject_hours numeric, production_reject_hours numeric,
               performance_over_100 boolean)
LANGUAGE plpgsql STABLE SECURITY DEFINER
SET search_path = ''
AS $$
DECLARE
  v_run app.production_runs;
BEGIN
  SELECT * INTO v_run FROM app.production_runs AS r WHERE r.organization_id = auth.org_id() AND r.id = production_run_oee.run_id;
  IF NOT FOUND OR auth.partner_id() IS NOT NULL
     OR NOT (auth.has_permission('equipment.read') OR v_run.site_id = ANY (auth.permitted_site_ids('equipment.read'))) THEN
    RAISE EXCEPTION 'production run % not found', production_run_oee.run_id USING ERRCODE = 'PT404', DETAIL = 'production_run.not_found',
      HINT = 'The run does not exist in your active tenant, or you may not see its machine.';
  END IF;
  RETURN QUERY
  SELECT round(o.planned_stop_seconds / 3600, 4), round(o.planned_production_seconds / 3600, 4), round(o.run_seconds / 3600, 4),
         round(o.net_run_seconds / 3600, 4), round(o.fully_productive_seconds / 3600, 4), o.ideal_cycle_seconds,
         round(100 * o.availability, 2), round(100 * o.performance, 2), round(100 * o.quality, 2), round(100 * o.oee, 2),
         round(o.breakdown_seconds / 3600, 4), round(o.setup_seconds / 3600, 4), round(o.small_stop_seconds / 3600, 4),
         round(o.other_stop_seconds / 3600, 4), round(o.reduced_speed_seconds / 3600, 4), round(o.startup_reject_seconds / 3600, 4),
         round(o.production_reject_seconds / 3600, 4), o.performance_over_100
    FROM app_private.production_run_oee(v_run, app_private.oee_small_stop_seconds(v_run.organization_id)) AS o;
END
$$;
COMMENT ON FUNCTION app.production_run_oee(uuid) IS
  E'OEE of a production run\nFor a run whose machine the caller sees (equipment.read tenant-wide or at its plant): planned production time (window - planned stops and stops outside the schedule), run time (- breakdowns, setups, small stops, other unplanned stops inside the schedule), net run time (ideal cycle time x total), fully productive time (ideal x good); availability, performance (not capped: performance_over_100 flags an ideal cycle time that is too slow), quality and OEE in percent; the six big losses in hours (breakdowns, setup, small stops, reduced speed = run - net, startup and production rejects x ideal cycle time) and other stops. Empty performance and OEE without an ideal cycle time. PT404 production_run.not_found.';

-- The machine and period a caller asks a machine's figures for: a machine of
-- the active tenant they may read (equipment.read tenant-wide or at its
-- site; never a portal user), and a period that ends after it starts.
CREATE OR REPLACE FUNCTION app_private.require_machine_period(p_equipment_id uuid, p_period_start timestamptz, p_period_end timestamptz)
RETURNS void
LANGUAGE plpgsql STABLE
SET search_path = ''
AS $$
DECLARE
  v_site uuid;
BEGIN
  SELECT e.site_id INTO v_site FROM app.equipment AS e WHERE e.organization_id = auth.org_id() AND e.id = p_equipment_id;
  IF NOT FOUND OR auth.partner_id() IS NOT NULL
     OR NOT (auth.has_permission('equipment.read') OR v_site = ANY (auth.permitted_site_ids('equipment.read'))) THEN
    RAISE EXCEPTION 'equipment % not found', p_equipment_id USING ERRCODE = 'PT404', DETAIL = 'equipment.not_found',
      HINT = 'The equipment does not exist in your active tenant, or you may not see it.';
  END IF;
  IF p_period_start IS NULL OR p_period_end IS NULL OR p_period_end <= p_period_start THEN
    RAISE EXCEPTION 'the period must end after it starts' USING ERRCODE = 'PT422', DETAIL = 'oee.period_invalid',
      HINT = 'Send period_start before period_end.';
  END IF;
END
$$;
COMMENT ON FUNCTION app_private.require_machine_period(uuid, timestamptz, timestamptz) IS
  'Refuses a request for a machine''s figures over a period: PT404 equipment.not_found for a machine the caller may not read (or a portal user), PT422 oee.period_invalid for a period that does not end after it starts. Called by app.equipment_oee and app.equipment_availability_losses.';

-- OEE of a machine over a period: the runs that start in it, summed.
CREATE OR REPLACE FUNCTION app.equipment_oee(equipment_id uuid, period_start timestamptz, period_end timestamptz)
RETURNS TABLE (runs integer, total_count integer, good_count integer, planned_production_hours numeric, run_hours numeric,
               net_run_hours numeric, availability_percent numeric, performance_percent numeric, quality_percent numeric,
               oee_percent numeric, breakdown_hours numeric, setup_hours numeric, small_stop_hours numeric, other_stop_hours numeric,
               reduced_speed_hours numeric, startup_reject_hours numeric, production_reject_hours numeric, performance_over_100 boolean)
LANGUAGE plpgsql STABLE SECURITY DEFINER
SET search_path = ''
AS $$
DECLARE
  v_org uuid := auth.org_id();
BEGIN
  PERFORM app_private.require_machine_period(equipment_oee.equipment_id, period_start, period_end);
  RETURN QUERY
  WITH o AS (
    SELECT r.total_count AS total, r.good_count AS good, f.*
      FROM app.production_runs AS r
     CROSS JOIN LATERAL app_private.production_run_oee(r, app_private.oee_small_stop_seconds(v_org)) AS f
     WHERE r.organization_id = v_org AND r.equipment_id = equipment_oee.equipment_id
       AND r.scheduled_start >= period_start AND r.scheduled_start < period_end
  )
  SELECT count(*)::integer, coalesce(sum(o.total), 0)::integer, coalesce(sum(o.good), 0)::integer,
         round(coalesce(sum(o.planned_production_seconds), 0) / 3600, 4), round(coalesce(sum(o.run_seconds), 0) / 3600, 4),
         round(sum(o.net_run_seconds) / 3600, 4),
         round(100 * sum(o.run_seconds) / nullif(sum(o.planned_production_seconds), 0), 2),
         round(100 * sum(o.net_run_seconds) / nullif(sum(o.run_seconds) FILTER (WHERE o.ideal_cycle_seconds IS NOT NULL), 0), 2),
         round(100.0 * sum(o.good) / nullif(sum(o.total), 0), 2),
         round(100 * sum(o.fully_productive_seconds) / nullif(sum(o.planned_production_seconds) FILTER (WHERE o.ideal_cycle_seconds IS NOT NULL), 0), 2),
         round(coalesce(sum(o.breakdown_seconds), 0) / 3600, 4), round(coalesce(sum(o.setup_seconds), 0) / 3600, 4),
         round(coalesce(sum(o.small_stop_seconds), 0) / 3600, 4), round(coalesce(sum(o.other_stop_seconds), 0) / 3600, 4),
         round(sum(o.reduced_speed_seconds) / 3600, 4), round(sum(o.startup_reject_seconds) / 3600, 4),
         round(sum(o.production_reject_seconds) / 3600, 4), coalesce(bool_or(o.performance_over_100), false)
    FROM o;
END
$$;
COMMENT ON FUNCTION app.equipment_oee(uuid, timestamptz, timestamptz) IS
  E'OEE of a machine over a period\nThe runs of a machine the caller sees (equipment.read tenant-wide or at its plant) that start in [period_start, period_end), their times summed: availability = run / planned production time, performance = net run / run, quality = good / total, OEE = fully productive / planned production time, and the six big losses in hours (see app.production_run_oee); performance and OEE count the runs with an ideal cycle time only. PT404 equipment.not_found, PT422 oee.period_invalid.';

-- The materialized view, filtered by tenant and plant: staff holding
-- equipment.read tenant-wide or at the machine's site.
CREATE OR REPLACE VIEW app.production_kpi_oee WITH (security_barrier) AS
SELECT k.id, k.organization_id, k.site_id, k.equipment_id, k.part_id, k.day, k.runs, k.total_count, k.good_count,
       k.planned_production_hours, k.run_hours, k.net_run_hours, k.fully_productive_hours, k.availability_percent,
       k.performance_percent, k.quality_percent, k.oee_percent, k.breakdown_hours, k.setup_hours, k.small_stop_hours,
       k.other_stop_hours, k.reduced_speed_hours, k.startup_reject_hours, k.production_reject_hours, k.performance_over_100,
       k.ideal_cycle_time_missing, k.computed_at
  FROM app_private.production_kpi_oee AS k
 WHERE k.organization_id = (SELECT auth.org_id()) AND (SELECT auth.partner_id()) IS NULL
   AND ((SELECT auth.has_permission('equipment.read')) OR k.site_id = ANY ((SELECT auth.permitted_site_ids('equipment.read'))::uuid[]))
    OR (SELECT auth.is_platform_operator());
COMMENT ON VIEW app.production_kpi_oee IS
  E'OEE\nPer machine, part and day (of the runs'' scheduled start, UTC): runs, pieces, planned production / run / net run / fully productive hours, availability, performance, quality and OEE in percent, and the six big losses in hours (breakdowns, setup, small stops, reduced speed, startup and production rejects) plus other stops. performance_over_100 flags an ideal cycle time that is too slow. Staff with equipment.read tenant-wide or at the plant. Refreshed every 15 minutes (computed_at).';
COMMENT ON COLUMN app.production_kpi_oee.id IS E'Row id\nA uuid made from the row''s grouping key (stable across refreshes).';
COMMENT ON COLUMN app.production_kpi_oee.organization_id IS E'Tenant';
COMMENT ON COLUMN app.production_kpi_oee.site_id IS E'Plant';
COMMENT ON COLUMN app.production_kpi_oee.equipment_id IS E'Machine';
COMMENT ON COLUMN app.production_kpi_oee.part_id IS E'Part';
COMMENT ON COLUMN app.production_kpi_oee.day IS E'Day\nThe day of the runs'' scheduled start (UTC).';
COMMENT ON COLUMN app.production_kpi_oee.runs IS E'Runs';
COMMENT ON COLUMN app.production_kpi_oee.total_count IS E'Total count';
COMMENT ON COLUMN app.production_kpi_oee.good_count IS E'Good count';
COMMENT ON COLUMN app.production_kpi_oee.planned_production_hours IS E'Planned production time (h)\nRun windows less planned stops and stops outside the schedule.';
COMMENT ON COLUMN app.production_kpi_oee.run_hours IS E'Run time (h)\nPlanned production time less unplanned stops, setups and small stops.';
COMMENT ON COLUMN app.production_kpi_oee.net_run_hours IS E'Net run time (h)\nIdeal cycle time x total count.';
COMMENT ON COLUMN app.production_kpi_oee.fully_productive_hours IS E'Fully productive time (h)\nIdeal cycle time x good count.';
COMMENT ON COLUMN app.production_kpi_oee.availability_percent IS E'Availability (%)';
COMMENT ON COLUMN app.production_kpi_oee.performance_percent IS E'Performance (%)\nNot capped: over 100 means the ideal cycle time is too slow.';
COMMENT ON COLUMN app.production_kpi_oee.quality_percent IS E'Quality (%)';
COMMENT ON COLUMN app.production_kpi_oee.oee_percent IS E'OEE (%)';
COMMENT ON COLUMN app.production_kpi_oee.breakdown_hours IS E'Breakdowns (h)';
COMMENT ON COLUMN app.production_kpi_oee.setup_hours IS E'Setup and adjustments (h)';
COMMENT ON COLUMN app.production_kpi_oee.small_stop_hours IS E'Small stops (h)\nUnplanned stops shorter than oee_small_stop_minutes.';
COMMENT ON COLUMN app.production_kpi_oee.other_stop_hours IS E'Other stops (h)\nOther unplanned stops inside the schedule.';
COMMENT ON COLUMN app.production_kpi_oee.reduced_speed_hours IS E'Reduced speed (h)\nRun time less net run time.';
COMMENT ON COLUMN app.production_kpi_oee.startup_reject_hours IS E'Startup rejects (h)\nStartup rejects x ideal cycle time.';
COMMENT ON COLUMN app.production_kpi_oee.production_reject_hours IS E'Production rejects (h)\nThe other rejects x ideal cycle time.';
COMMENT ON COLUMN app.production_kpi_oee.performance_over_100 IS E'Performance over 100 %\nA run was faster than its ideal cycle time: the ideal cycle time is wrong.';
COMMENT ON COLUMN app.production_kpi_oee.ideal_cycle_time_missing IS E'Ideal cycle time missing\nA run has no ideal cycle time for its machine and part: the day''s performance and OEE count the other runs only.';
COMMENT ON COLUMN app.production_kpi_oee.computed_at IS E'Computed at';

-- Availability loss by downtime reason (migration reporting/oee_downtime_reasons).
-- The six big losses keep their categories (breakdown, setup, small_stop,
-- other_stop); each stop that counts as availability loss is also reported
-- under its downtime reason. The rows of one machine, part and period add up
-- to planned production time - run time (100 - availability in percent).

-- Of a machine over a period: the runs that start in it, per part, reason and category.
CREATE OR REPLACE FUNCTION app.equipment_availability_losses(equipment_id uuid, period_start timestamptz, period_end timestamptz)
RETURNS TABLE (part_id uuid, reason_id uuid, reason_code text, reason_name text, loss text, stops integer, loss_hours numeric,
               availability_loss_percent numeric)
LANGUAGE plpgsql STABLE SECURITY DEFINER
SET search_path = ''
AS $$
DECLARE
  v_org uuid := auth.org_id();
BEGIN
  PERFORM app_private.require_machine_period(equipment_availability_losses.equipment_id, period_start, period_end);
  RETURN QUERY
  WITH runs AS (
    SELECT r AS run, app_private.oee_small_stop_seconds(v_org) AS small
      FROM app.production_runs AS r
     WHERE r.organization_id = v_org AND r.equipment_id = equipment_availability_losses.equipment_id
       AND r.scheduled_start >= period_start AND r.scheduled_start < period_end
  ), planned AS (
    SELECT (r.run).part_id, sum(o.planned_production_seconds) AS secs
      FROM runs AS r CROSS JOIN LATERAL app_private.production_run_oee(r.run, r.small) AS o
     GROUP BY (r.run).part_id
  ), losses AS (
    SELECT (r.run).part_id, l.reason_id, l.loss, sum(l.stops)::integer AS stops, sum(l.loss_seconds) AS secs
      FROM runs AS r CROSS JOIN LATERAL app_private.production_run_stop_losses(r.run, r.small) AS l
     GROUP BY (r.run).part_id, l.reason_id, l.loss
  )
  SELECT l.part_id, l.reason_id, d.code, d.name, l.loss, l.stops, round(l.secs / 3600, 4), round(100 * l.secs / nullif(p.secs, 0), 2)
    FROM losses AS l
    JOIN planned AS p ON p.part_id = l.part_id
    JOIN app.downtime_reasons AS d ON d.organization_id = v_org AND d.id = l.reason_id
   ORDER BY l.part_id, l.secs DESC, d.code, l.loss;
END
$$;
COMMENT ON FUNCTION app.equipment_availability_losses(uuid, timestamptz, timestamptz) IS
  E'Availability loss of a machine by downtime reason\nFor the runs of a machine the caller sees (equipment.read tenant-wide or at its plant) that start in [period_start, period_end): per part, downtime reason and six-big-loss category (breakdown, setup, small_stop, other_stop), the stops that count as availability loss (inside the production schedule, cut to the runs'' windows; planned stops and stops outside the schedule are not loss), their hours and their share of the part''s planned production time. The shares of a part add up to 100 - its availability (app.equipment_oee). Largest loss first. PT404 equipment.not_found, PT422 oee.period_invalid.';

-- The materialized view, filtered by tenant and plant like app.production_kpi_oee.
CREATE OR REPLACE VIEW app.production_kpi_availability_losses WITH (security_barrier) AS
SELECT k.id, k.organization_id, k.site_id, k.equipment_id, k.part_id, k.day, k.reason_id, k.reason_code, k.reason_name, k.loss, k.stops,
       k.loss_hours, k.availability_loss_percent, k.computed_at
  FROM app_private.production_kpi_availability_losses AS k
 WHERE k.organization_id = (SELECT auth.org_id()) AND (SELECT auth.partner_id()) IS NULL
   AND ((SELECT auth.has_permission('equipment.read')) OR k.site_id = ANY ((SELECT auth.permitted_site_ids('equipment.read'))::uuid[]))
    OR (SELECT auth.is_platform_operator());
COMMENT ON VIEW app.production_kpi_availability_losses IS
  E'Availability loss by downtime reason\nPer machine, part, day (of the runs'' scheduled start, UTC), downtime reason and six-big-loss category (breakdown, setup, small_stop, other_stop): the stops that count as availability loss, their hours and share of the planned production time; the rows of a machine, part and day add up to 100 - availability_percent of production_kpi_oee. Staff with equipment.read tenant-wide or at the plant. Refreshed every 15 minutes (computed_at).';
COMMENT ON COLUMN app.production_kpi_availability_losses.id IS E'Row id\nA uuid made from the row''s grouping key (stable across refreshes).';
COMMENT ON COLUMN app.production_kpi_availability_losses.organization_id IS E'Tenant';
COMMENT ON COLUMN app.production_kpi_availability_losses.site_id IS E'Plant';
COMMENT ON COLUMN app.production_kpi_availability_losses.equipment_id IS E'Machine';
COMMENT ON COLUMN app.production_kpi_availability_losses.part_id IS E'Part';
COMMENT ON COLUMN app.production_kpi_availability_losses.day IS E'Day\nThe day of the runs'' scheduled start (UTC).';
COMMENT ON COLUMN app.production_kpi_availability_losses.reason_id IS E'Downtime reason\ndowntime_reasons.id.';
COMMENT ON COLUMN app.production_kpi_availability_losses.reason_code IS E'Reason code';
COMMENT ON COLUMN app.production_kpi_availability_losses.reason_name IS E'Reason name';
COMMENT ON COLUMN app.production_kpi_availability_losses.loss IS E'Loss category\nThe big loss the stops fell in: breakdown, setup, small_stop or other_stop.';
COMMENT ON COLUMN app.production_kpi_availability_losses.stops IS E'Stops';
COMMENT ON COLUMN app.production_kpi_availability_losses.loss_hours IS E'Loss (h)\nThe stops'' time inside the runs'' windows.';
COMMENT ON COLUMN app.production_kpi_availability_losses.availability_loss_percent IS E'Availability loss (%)\nShare of the planned production time of the machine, part and day.';
COMMENT ON COLUMN app.production_kpi_availability_losses.computed_at IS E'Computed at';
