-- The downtime log (migration platform/downtime): equipment stops with a
-- reason code, planned or not, inside the production schedule or not,
-- breakdown or not; never two overlapping stops of one piece of equipment;
-- the reliability figures OEE (availability loss) and MTBF/MTTR read.

CREATE OR REPLACE FUNCTION app_private.tg_downtime_events__prepare() RETURNS trigger
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = ''
AS $$
DECLARE
  v_equipment app.equipment;
  v_reason app.downtime_reasons;
  v_other text;
BEGIN
  PERFORM app_private.refuse_foreign_tenant(NEW.organization_id);
  v_equipment := app_private.visible_equipment(NEW.organization_id, NEW.equipment_id);
  IF app_private.is_member_call() THEN
    PERFORM auth.check_permission_at('downtime.record', v_equipment.site_id);
    IF TG_OP = 'INSERT' THEN
      NEW.recorded_by := auth.user_id();
    END IF;
  END IF;
  SELECT * INTO v_reason FROM app.downtime_reasons WHERE organization_id = NEW.organization_id AND id = NEW.reason_id;
  IF FOUND AND NOT v_reason.is_active AND (TG_OP = 'INSERT' OR NEW.reason_id IS DISTINCT FROM OLD.reason_id) THEN
    PERFORM app_private.raise_invalid('downtime_reason.inactive', pg_catalog.format('downtime reason %s is not active', v_reason.code),
      'Use an active reason (GET /downtime_reasons?is_active=is.true).');
  END IF;
  NEW.is_planned := coalesce(NEW.is_planned, v_reason.is_planned, false);
  NEW.is_breakdown := coalesce(NEW.is_breakdown, v_reason.is_breakdown, false);
  IF NEW.is_planned AND NEW.is_breakdown THEN
    PERFORM app_private.raise_invalid('downtime.breakdown_planned', 'a breakdown is never a planned stop',
      'Send is_planned false for a breakdown, or is_breakdown false for a planned stop.');
  END IF;
  IF NEW.started_at > pg_catalog.now() + interval '5 minutes' OR NEW.ended_at > pg_catalog.now() + interval '5 minutes' THEN
    PERFORM app_private.raise_invalid('downtime.in_future', 'a stop cannot start or end in the future',
      'Record a stop when it starts (leave ended_at out) and end it when it ends.');
  END IF;
  IF NEW.ended_at IS NOT NULL AND NEW.ended_at <= NEW.started_at THEN
    PERFORM app_private.raise_invalid('downtime.period_invalid', 'a stop must end after it starts',
      'ended_at is after started_at; leave it out while the equipment is still stopped.');
  END IF;
  -- The exclusion constraint downtime_events_no_overlap is the rule (it also
  -- decides between two writers at once, SQLSTATE 23P01); this names the stop.
  SELECT pg_catalog.format('%s to %s', d.started_at, coalesce(d.ended_at::text, 'now (still open)')) INTO v_other
    FROM app.downtime_events AS d
   WHERE d.organization_id = NEW.organization_id AND d.equipment_id = NEW.equipment_id AND d.id <> NEW.id
     AND pg_catalog.tstzrange(d.started_at, d.ended_at) && pg_catalog.tstzrange(NEW.started_at, NEW.ended_at)
   LIMIT 1;
  IF v_other IS NOT NULL THEN
    RAISE EXCEPTION 'the equipment is already stopped from %', v_other USING ERRCODE = 'PT409', DETAIL = 'downtime.overlap',
      HINT = 'One piece of equipment has one stop at a time: end or change the other stop first.';
  END IF;
  RETURN NEW;
END
$$;
COMMENT ON FUNCTION app_private.tg_downtime_events__prepare() IS
  'BEFORE INSERT/UPDATE: the tenant guard; the equipment is visible to the member (PT404 equipment.not_found), who holds downtime.record tenant-wide or at its site (PT403 permission.missing) and is the recorder; an active reason (PT422 downtime_reason.inactive), whose planned and breakdown flags are the defaults; a breakdown is never planned (PT422 downtime.breakdown_planned); nothing in the future (PT422 downtime.in_future), the end after the start (PT422 downtime.period_invalid); no overlap with another stop of the equipment (PT409 downtime.overlap, the exclusion constraint behind it).';

CREATE OR REPLACE TRIGGER _100_touch_updated_at BEFORE UPDATE ON app.downtime_events
  FOR EACH ROW EXECUTE FUNCTION app_private.tg__touch_updated_at();
CREATE OR REPLACE TRIGGER _000_require_site_permission BEFORE INSERT ON app.downtime_events
  FOR EACH STATEMENT EXECUTE FUNCTION app_private.tg_require_insert_permission_at_a_site('downtime.record');
CREATE OR REPLACE TRIGGER _200_prepare BEFORE INSERT OR UPDATE ON app.downtime_events
  FOR EACH ROW EXECUTE FUNCTION app_private.tg_downtime_events__prepare();

-- Reliability of equipment over a period, as the caller sees its stops.
-- The period ends at period_end or now, whichever is earlier; stops are cut
-- to it and an open stop lasts until its end. Every stop that overlaps the
-- period counts.
--   availability loss (OEE) = stops inside the production schedule
--   MTBF = (period - all downtime) / breakdowns
--   MTTR = breakdown downtime / breakdowns        (both NULL without breakdowns)
CREATE OR REPLACE FUNCTION app.equipment_reliability(equipment_id uuid, period_start timestamptz, period_end timestamptz)
RETURNS TABLE (period_hours numeric, stops integer, breakdowns integer, downtime_hours numeric,
               scheduled_downtime_hours numeric, unplanned_downtime_hours numeric, breakdown_downtime_hours numeric,
               uptime_hours numeric, mtbf_hours numeric, mttr_hours numeric)
LANGUAGE plpgsql STABLE
SET search_path = ''
AS $$
DECLARE
  v_org uuid := auth.org_id();
  v_end timestamptz := least(period_end, pg_catalog.now());
BEGIN
  IF NOT EXISTS (SELECT FROM app.equipment AS e WHERE e.organization_id = v_org AND e.id = equipment_reliability.equipment_id) THEN
    RAISE EXCEPTION 'equipment % not found', equipment_reliability.equipment_id USING ERRCODE = 'PT404',
      DETAIL = 'equipment.not_found', HINT = 'The equipment does not exist in your active tenant, or you may not see it.';
  END IF;
  IF period_start IS NULL OR period_end IS NULL OR period_end <= period_start OR period_start >= pg_catalog.now() THEN
    -- A plain RAISE: this runs as the caller, who may not call app_private.raise_invalid.
    RAISE EXCEPTION 'the period must start in the past and end after it starts' USING ERRCODE = 'PT422',
      DETAIL = 'downtime.period_invalid', HINT = 'Send period_start before period_end, with period_start in the past.';
  END IF;
  RETURN QUERY
  WITH cut AS (
    SELECT d.in_production_schedule, d.is_planned, d.is_breakdown,
           extract(epoch FROM least(coalesce(d.ended_at, v_end), v_end) - greatest(d.started_at, period_start)) / 3600 AS hours
      FROM app.downtime_events AS d
     WHERE d.organization_id = v_org AND d.equipment_id = equipment_reliability.equipment_id
       AND pg_catalog.tstzrange(d.started_at, d.ended_at) && pg_catalog.tstzrange(period_start, v_end)
  ), sums AS (
    SELECT extract(epoch FROM v_end - period_start) / 3600 AS period,
           count(*)::integer AS n, (count(*) FILTER (WHERE cut.is_breakdown))::integer AS b,
           coalesce(sum(cut.hours), 0) AS down,
           coalesce(sum(cut.hours) FILTER (WHERE cut.in_production_schedule), 0) AS scheduled,
           coalesce(sum(cut.hours) FILTER (WHERE NOT cut.is_planned), 0) AS unplanned,
           coalesce(sum(cut.hours) FILTER (WHERE cut.is_breakdown), 0) AS breakdown
      FROM cut
  )
  SELECT round(s.period, 4), s.n, s.b, round(s.down, 4), round(s.scheduled, 4), round(s.unplanned, 4), round(s.breakdown, 4),
         round(s.period - s.down, 4),
         CASE WHEN s.b > 0 THEN round((s.period - s.down) / s.b, 4) END,
         CASE WHEN s.b > 0 THEN round(s.breakdown / s.b, 4) END
    FROM sums AS s;
END
$$;
COMMENT ON FUNCTION app.equipment_reliability(uuid, timestamptz, timestamptz) IS
  E'Equipment reliability\nStops of the equipment over a period (cut to it; it ends at period_end or now, whichever is first; an open stop lasts to the end), as the caller sees them: how many, how many breakdowns, downtime in hours (all, inside the production schedule = OEE availability loss, unplanned, breakdowns), uptime = period - downtime, MTBF = uptime / breakdowns, MTTR = breakdown downtime / breakdowns (NULL without breakdowns). PT404 equipment.not_found, PT422 downtime.period_invalid.';
