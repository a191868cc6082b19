-- Preventive schedules (migration maintenance/pm_schedules): written by a
-- planner (work_order.manage tenant-wide or at the asset's plant) through
-- app.define_pm_schedule and app.set_pm_schedule_active; read by whoever
-- reads work orders at the plant. The rule is parsed and the next due date
-- and meter point computed here, on write; the generator
-- (84_pm_generation.sql) moves them on; a completed (or cancelled) work
-- order of a floating schedule restarts it from that day and usage.
--
-- Fixed: calendar occurrences from the anchor, meter points every interval
-- from the first one, whenever the work is done. Floating: the anchor moves
-- to the completion day and the meter point to the usage at completion
-- plus the interval. Whichever comes first (both set): either trigger
-- generates the work order, which consumes the pending point of both.

CREATE OR REPLACE TRIGGER _100_touch_updated_at BEFORE UPDATE ON app.pm_schedules
  FOR EACH ROW EXECUTE FUNCTION app_private.tg__touch_updated_at();

-- The plant's day: the site's time zone, else the tenant's, else UTC.
CREATE OR REPLACE FUNCTION app_private.pm_local_date(p_organization_id uuid, p_site_id uuid, p_at timestamptz) RETURNS date
LANGUAGE sql STABLE
SET search_path = ''
AS $$
  SELECT (p_at AT TIME ZONE coalesce(
            (SELECT s.timezone FROM app.sites AS s WHERE s.organization_id = p_organization_id AND s.id = p_site_id),
            (SELECT o.settings ->> 'timezone' FROM app.organizations AS o WHERE o.id = p_organization_id), 'UTC'))::date
$$;
COMMENT ON FUNCTION app_private.pm_local_date(uuid, uuid, timestamptz) IS
  'The day a moment falls on at a plant: in the site''s time zone, else the tenant''s (settings.timezone), else UTC.';

CREATE OR REPLACE FUNCTION app_private.tg_pm_schedules__prepare() RETURNS trigger
LANGUAGE plpgsql VOLATILE
SET search_path = ''
AS $$
DECLARE
  v_rule record;
  v_meter app.meters;
BEGIN
  PERFORM app_private.refuse_foreign_tenant(NEW.organization_id);
  SELECT e.site_id INTO NEW.site_id FROM app.equipment AS e WHERE e.organization_id = NEW.organization_id AND e.id = NEW.equipment_id;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'equipment not found' USING ERRCODE = 'PT404', DETAIL = 'equipment.not_found', HINT = 'GET /equipment lists the assets.';
  END IF;
  IF NOT EXISTS (SELECT FROM app.work_order_templates AS t WHERE t.organization_id = NEW.organization_id AND t.id = NEW.template_id
                                                             AND t.is_active AND t.work_type = 'preventive') THEN
    RAISE EXCEPTION 'preventive work order template not found' USING ERRCODE = 'PT404', DETAIL = 'work_order_template.not_found',
      HINT = 'Name an active template of work type preventive (GET /work_order_templates).';
  END IF;
  IF NEW.rrule IS NULL AND NEW.meter_id IS NULL THEN
    PERFORM app_private.raise_invalid('pm_schedule.trigger_missing', 'a schedule needs a calendar rule, a meter, or both',
      'Send rrule (or every and unit) and/or meter_id with meter_interval.');
  END IF;
  IF TG_OP = 'INSERT' OR NEW.rrule IS DISTINCT FROM OLD.rrule OR NEW.anchor_date IS DISTINCT FROM OLD.anchor_date THEN
    IF NEW.rrule IS NULL THEN
      NEW.rule_freq := NULL; NEW.rule_interval := NULL; NEW.rule_byday := NULL; NEW.rule_bymonthday := NULL;
      NEW.rule_count := NULL; NEW.rule_until := NULL; NEW.next_due_date := NULL;
    ELSE
      v_rule := app_private.parse_pm_rrule(NEW.rrule);
      IF v_rule.rule_count IS NOT NULL AND NEW.mode = 'floating' THEN
        PERFORM app_private.raise_invalid('pm_schedule.count_floating', 'COUNT counts occurrences from a fixed anchor; a floating schedule moves it',
          'Use UNTIL, or a fixed schedule.');
      END IF;
      NEW.rule_freq := v_rule.freq; NEW.rule_interval := v_rule.rule_interval; NEW.rule_byday := v_rule.byday;
      NEW.rule_bymonthday := v_rule.bymonthday; NEW.rule_count := v_rule.rule_count; NEW.rule_until := v_rule.until;
      NEW.next_due_date := app_private.pm_next_occurrence(NEW, NEW.anchor_date - 1);
      IF NEW.next_due_date IS NULL THEN
        PERFORM app_private.raise_invalid('pm_schedule.rrule_empty', 'the rule has no occurrence from the anchor on', 'Check UNTIL, BYMONTHDAY and the anchor date.');
      END IF;
    END IF;
  END IF;
  IF NEW.meter_id IS NOT NULL AND (TG_OP = 'INSERT' OR NEW.meter_id IS DISTINCT FROM OLD.meter_id OR NEW.meter_interval IS DISTINCT FROM OLD.meter_interval) THEN
    SELECT m.* INTO v_meter FROM app.meters AS m WHERE m.organization_id = NEW.organization_id AND m.id = NEW.meter_id;
    IF NOT FOUND OR v_meter.equipment_id <> NEW.equipment_id THEN
      RAISE EXCEPTION 'meter not found on the asset' USING ERRCODE = 'PT404', DETAIL = 'meter.not_found', HINT = 'Name a meter of the schedule''s asset (GET /meters).';
    END IF;
    IF NEW.meter_interval IS NULL OR NEW.meter_interval <= 0 OR NEW.meter_lead < 0 OR NEW.meter_lead >= NEW.meter_interval THEN
      PERFORM app_private.raise_invalid('pm_schedule.meter_interval_invalid', 'a meter schedule needs an interval above 0 and a lead from 0 to below the interval',
        'Send meter_interval > 0 and 0 <= meter_lead < meter_interval.');
    END IF;
    NEW.next_due_usage := v_meter.usage_total + NEW.meter_interval;
  ELSIF NEW.meter_id IS NULL THEN
    IF NEW.meter_interval IS NOT NULL THEN
      PERFORM app_private.raise_invalid('pm_schedule.meter_interval_invalid', 'a meter interval needs a meter', 'Send meter_id too.');
    END IF;
    NEW.next_due_usage := NULL;
  END IF;
  RETURN NEW;
END
$$;
COMMENT ON FUNCTION app_private.tg_pm_schedules__prepare() IS
  'BEFORE INSERT OR UPDATE on pm_schedules: plant from the asset; an active preventive template (PT404 work_order_template.not_found); a calendar rule or a meter of the asset (PT422 pm_schedule.trigger_missing, PT404 meter.not_found, PT422 pm_schedule.meter_interval_invalid); the rule parsed (PT422 pm_schedule.rrule_*, pm_schedule.count_floating) and the next due date from the anchor; the next meter point from the current usage.';
-- Not on the generator's moves (next due date and usage, last generated).
CREATE OR REPLACE TRIGGER _200_prepare
  BEFORE INSERT OR UPDATE OF equipment_id, template_id, mode, rrule, anchor_date, meter_id, meter_interval, meter_lead ON app.pm_schedules
  FOR EACH ROW EXECUTE FUNCTION app_private.tg_pm_schedules__prepare();
-- Paused is the schedule's side state: resuming it (is_active back to true)
-- passes the same checks as defining it (an active preventive template, the
-- meter on the asset), so a schedule paused while its template was retired
-- does not come back generating nothing.
CREATE OR REPLACE TRIGGER _201_prepare_on_resume
  BEFORE UPDATE OF is_active ON app.pm_schedules
  FOR EACH ROW WHEN (NEW.is_active AND NOT OLD.is_active) EXECUTE FUNCTION app_private.tg_pm_schedules__prepare();

CREATE OR REPLACE FUNCTION app.define_pm_schedule(equipment_id uuid, template_id uuid, name text, rrule text DEFAULT NULL,
                                                  every integer DEFAULT NULL, unit text DEFAULT NULL, meter_id uuid DEFAULT NULL,
                                                  meter_interval numeric DEFAULT NULL, meter_lead numeric DEFAULT 0, mode text DEFAULT 'fixed',
                                                  anchor_date date DEFAULT NULL, lead_days integer DEFAULT 0, priority integer DEFAULT 3,
                                                  compliance_window_days integer DEFAULT NULL)
RETURNS app.pm_schedules
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = ''
AS $$
DECLARE
  v_org uuid := auth.org_id();
  v_site uuid;
  v_rule text := nullif(pg_catalog.btrim(define_pm_schedule.rrule), '');
  v_row app.pm_schedules;
BEGIN
  IF auth.partner_id() IS NOT NULL THEN
    RAISE EXCEPTION 'a contractor''s portal user does not plan maintenance' USING ERRCODE = 'PT403', DETAIL = 'permission.missing',
      HINT = 'Maintenance planners keep PM schedules.';
  END IF;
  SELECT e.site_id INTO v_site FROM app.equipment AS e WHERE e.organization_id = v_org AND e.id = define_pm_schedule.equipment_id;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'equipment not found' USING ERRCODE = 'PT404', DETAIL = 'equipment.not_found', HINT = 'GET /equipment lists the assets.';
  END IF;
  PERFORM auth.check_permission_at('work_order.manage', v_site);
  IF every IS NOT NULL OR unit IS NOT NULL THEN
    IF v_rule IS NOT NULL THEN
      PERFORM app_private.raise_invalid('pm_schedule.calendar_ambiguous', 'send rrule or every with unit, not both', 'every => 3, unit => ''month'' is FREQ=MONTHLY;INTERVAL=3.');
    END IF;
    IF every IS NULL OR every NOT BETWEEN 1 AND 1000 OR unit IS NULL OR unit NOT IN ('day', 'week', 'month', 'year') THEN
      PERFORM app_private.raise_invalid('pm_schedule.every_invalid', 'every is 1 to 1000 days, weeks, months or years', 'Send every => 1..1000 and unit => day, week, month or year.');
    END IF;
    v_rule := pg_catalog.format('FREQ=%s;INTERVAL=%s', CASE unit WHEN 'day' THEN 'DAILY' WHEN 'week' THEN 'WEEKLY' WHEN 'month' THEN 'MONTHLY' ELSE 'YEARLY' END, every);
  END IF;
  IF mode IS NULL OR mode NOT IN ('fixed', 'floating') THEN
    PERFORM app_private.raise_invalid('pm_schedule.mode_invalid', 'mode is fixed or floating', 'fixed: due from the plan; floating: due from the last completion.');
  END IF;
  IF lead_days IS NULL OR lead_days NOT BETWEEN 0 AND 366 THEN
    PERFORM app_private.raise_invalid('pm_schedule.lead_days_invalid', 'lead_days is 0 to 366', 'Send lead_days => 0..366.');
  END IF;
  IF priority IS NULL OR priority NOT BETWEEN 1 AND 5 THEN
    PERFORM app_private.raise_invalid('work_order.priority_invalid', 'priority is 1 (highest) to 5', 'Send priority 1 to 5.');
  END IF;
  IF nullif(pg_catalog.btrim(name), '') IS NULL OR pg_catalog.length(name) > 200 THEN
    PERFORM app_private.raise_invalid('pm_schedule.name_invalid', 'a name of 1 to 200 characters is required', 'Send name.');
  END IF;
  INSERT INTO app.pm_schedules AS s (organization_id, id, name, equipment_id, template_id, mode, rrule, anchor_date, lead_days, meter_id,
                                     meter_interval, meter_lead, compliance_window_days, priority, created_by)
  VALUES (v_org, public.uuid_generate_v7(), pg_catalog.btrim(define_pm_schedule.name), define_pm_schedule.equipment_id, define_pm_schedule.template_id,
          define_pm_schedule.mode, v_rule, coalesce(define_pm_schedule.anchor_date, app_private.pm_local_date(v_org, v_site, pg_catalog.now())),
          define_pm_schedule.lead_days, define_pm_schedule.meter_id, define_pm_schedule.meter_interval, coalesce(define_pm_schedule.meter_lead, 0),
          define_pm_schedule.compliance_window_days, define_pm_schedule.priority, auth.user_id())
  ON CONFLICT ON CONSTRAINT pm_schedules_name_unique DO UPDATE
    SET template_id = EXCLUDED.template_id, mode = EXCLUDED.mode, rrule = EXCLUDED.rrule, anchor_date = EXCLUDED.anchor_date,
        lead_days = EXCLUDED.lead_days, meter_id = EXCLUDED.meter_id, meter_interval = EXCLUDED.meter_interval, meter_lead = EXCLUDED.meter_lead,
        compliance_window_days = EXCLUDED.compliance_window_days, priority = EXCLUDED.priority
  RETURNING s.* INTO v_row;
  RETURN v_row;
END
$$;
COMMENT ON FUNCTION app.define_pm_schedule(uuid, uuid, text, text, integer, text, uuid, numeric, numeric, text, date, integer, integer, integer) IS
  E'Define a PM schedule\nCreates or replaces (by asset and name) a preventive schedule: a preventive work order template; a calendar trigger (rrule, an RRULE subset: FREQ=DAILY|WEEKLY|MONTHLY|YEARLY, INTERVAL, BYDAY (1MO, -1FR in MONTHLY), BYMONTHDAY, COUNT or UNTIL; or every + unit: day, week, month, year) from anchor_date (today at the plant by default), and/or a meter of the asset every meter_interval units (generated meter_lead units early); whichever comes first when both; mode fixed (from the plan) or floating (from the last completion); lead_days; priority of the work orders; compliance_window_days (empty: 10 % of the interval). Needs work_order.manage tenant-wide or at the asset''s site.\nErrors: PT403 permission.missing, PT404 equipment.not_found / work_order_template.not_found / meter.not_found, PT422 pm_schedule.rrule_invalid / rrule_freq_unsupported / rrule_part_unsupported / rrule_empty / count_floating / calendar_ambiguous / every_invalid / trigger_missing / meter_interval_invalid / mode_invalid / lead_days_invalid / name_invalid, work_order.priority_invalid.';

CREATE OR REPLACE FUNCTION app.set_pm_schedule_active(pm_schedule_id uuid, active boolean) RETURNS app.pm_schedules
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = ''
AS $$
DECLARE
  v_row app.pm_schedules;
BEGIN
  SELECT s.* INTO v_row FROM app.pm_schedules AS s WHERE s.organization_id = auth.org_id() AND s.id = set_pm_schedule_active.pm_schedule_id FOR UPDATE;
  IF NOT FOUND OR auth.partner_id() IS NOT NULL OR NOT auth.may_read_work_order(v_row.site_id, NULL) THEN
    RAISE EXCEPTION 'PM schedule not found' USING ERRCODE = 'PT404', DETAIL = 'pm_schedule.not_found', HINT = 'GET /pm_schedules lists the schedules you may see.';
  END IF;
  PERFORM auth.check_permission_at('work_order.manage', v_row.site_id);
  UPDATE app.pm_schedules AS s SET is_active = coalesce(active, false)
   WHERE s.organization_id = v_row.organization_id AND s.id = v_row.id RETURNING s.* INTO v_row;
  RETURN v_row;
END
$$;
COMMENT ON FUNCTION app.set_pm_schedule_active(uuid, boolean) IS
  E'Pause or resume a PM schedule\nA paused schedule generates no work orders; resumed, it generates what is due then (missed occurrences are not made up). Needs work_order.manage at its plant.\nErrors: PT404 pm_schedule.not_found, PT403 permission.missing.';

-- A generated work order completed (or cancelled): the schedule records the
-- completion; a floating one restarts from that day and usage.
CREATE OR REPLACE FUNCTION app_private.tg_work_orders__advance_pm_schedule() RETURNS trigger
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = ''
AS $$
DECLARE
  v_schedule app.pm_schedules;
  v_day date;
BEGIN
  SELECT s.* INTO v_schedule FROM app.pm_schedules AS s WHERE s.organization_id = NEW.organization_id AND s.id = NEW.pm_schedule_id FOR UPDATE;
  IF NOT FOUND THEN
    RETURN NULL;
  END IF;
  IF NEW.status = 'completed' THEN
    v_schedule.last_completed_at := NEW.completed_at;
  END IF;
  IF v_schedule.mode = 'floating' THEN
    v_day := app_private.pm_local_date(NEW.organization_id, v_schedule.site_id, coalesce(NEW.completed_at, pg_catalog.now()));
    IF v_schedule.rrule IS NOT NULL THEN
      v_schedule.anchor_date := v_day;
      v_schedule.next_due_date := app_private.pm_next_occurrence(v_schedule, v_day);
    END IF;
    IF v_schedule.meter_id IS NOT NULL THEN
      v_schedule.next_due_usage := (SELECT m.usage_total FROM app.meters AS m WHERE m.organization_id = v_schedule.organization_id AND m.id = v_schedule.meter_id)
                                   + v_schedule.meter_interval;
    END IF;
  END IF;
  -- The prepare trigger recomputes the next due date when the anchor
  -- moves: set the columns it computes from, then the result again.
  UPDATE app.pm_schedules AS s
     SET last_completed_at = v_schedule.last_completed_at, anchor_date = v_schedule.anchor_date
   WHERE s.organization_id = v_schedule.organization_id AND s.id = v_schedule.id;
  UPDATE app.pm_schedules AS s
     SET next_due_date = v_schedule.next_due_date, next_due_usage = v_schedule.next_due_usage
   WHERE s.organization_id = v_schedule.organization_id AND s.id = v_schedule.id;
  RETURN NULL;
END
$$;
COMMENT ON FUNCTION app_private.tg_work_orders__advance_pm_schedule() IS
  'AFTER UPDATE OF status on work_orders of a PM schedule, to completed or cancelled: records the completion; a floating schedule restarts from that day (anchor, next calendar occurrence after it) and from the meter''s usage then plus the interval.';
CREATE OR REPLACE TRIGGER _510_advance_pm_schedule AFTER UPDATE OF status ON app.work_orders
  FOR EACH ROW WHEN (NEW.pm_schedule_id IS NOT NULL AND NEW.status IN ('completed', 'cancelled') AND OLD.status IS DISTINCT FROM NEW.status)
  EXECUTE FUNCTION app_private.tg_work_orders__advance_pm_schedule();

-- A meter's average daily usage, for the forecast of meter-only schedules:
-- the usage (resets counted, app.meter_readings.usage_total) between the
-- oldest reading of the 90 days before the latest reading and the latest,
-- per day between them. No estimate (no row) with fewer than two readings in
-- that window, readings less than 7 days apart, or no usage in it.
CREATE OR REPLACE FUNCTION app_private.meter_daily_usage(p_organization_id uuid, p_meter_id uuid)
RETURNS TABLE (daily_usage numeric, last_read_at timestamptz, usage_total numeric)
LANGUAGE sql STABLE
SET search_path = ''
AS $$
  SELECT (l.usage_total - f.usage_total) / (EXTRACT(epoch FROM l.read_at - f.read_at) / 86400), l.read_at, l.usage_total
    FROM (SELECT r.read_at, r.usage_total FROM app.meter_readings AS r
           WHERE r.organization_id = p_organization_id AND r.meter_id = p_meter_id
           ORDER BY r.read_at DESC LIMIT 1) AS l
   CROSS JOIN LATERAL (SELECT r.read_at, r.usage_total FROM app.meter_readings AS r
                        WHERE r.organization_id = p_organization_id AND r.meter_id = p_meter_id
                          AND r.read_at >= l.read_at - interval '90 days'
                        ORDER BY r.read_at LIMIT 1) AS f
   WHERE l.read_at - f.read_at >= interval '7 days' AND l.usage_total > f.usage_total
$$;
COMMENT ON FUNCTION app_private.meter_daily_usage(uuid, uuid) IS
  'A meter''s average usage per day over the 90 days before its latest reading (oldest reading of the window to the latest, resets counted), with the latest reading''s time and usage total; no row with fewer than two readings at least 7 days apart in the window, or no usage.';

-- Upcoming occurrences, for the calendar: the schedules the caller may read.
-- Calendar occurrences from the rule; meter-only schedules projected from the
-- meter's average daily usage (estimated).
CREATE OR REPLACE FUNCTION app.pm_forecast(p_from date, p_to date)
RETURNS TABLE (pm_schedule_id uuid, equipment_id uuid, site_id uuid, template_id uuid, name text, due_date date, generate_on date,
               estimated boolean)
LANGUAGE plpgsql STABLE SECURITY DEFINER
SET search_path = ''
AS $$
BEGIN
  IF p_from IS NULL OR p_to IS NULL OR p_to < p_from OR p_to - p_from > 731 THEN
    PERFORM app_private.raise_invalid('pm_forecast.range_invalid', 'the forecast covers p_from to p_to, at most two years', 'Send p_from <= p_to, at most 731 days apart.');
  END IF;
  RETURN QUERY
  SELECT f.* FROM (
    SELECT s.id, s.equipment_id, s.site_id, s.template_id, s.name, o.d, o.d - s.lead_days, false
      FROM app.pm_schedules AS s
     CROSS JOIN LATERAL app_private.pm_occurrences(s.rule_freq, s.rule_interval, s.rule_byday, s.rule_bymonthday, s.rule_count, s.rule_until,
                                                   s.anchor_date, greatest(p_from, s.next_due_date), p_to) AS o (d)
     WHERE s.organization_id = auth.org_id() AND s.is_active AND s.next_due_date IS NOT NULL
       AND auth.partner_id() IS NULL AND auth.may_read_work_order(s.site_id, NULL)
    UNION ALL
    -- Meter-only: the k-th due point (next_due_usage + k intervals) is reached
    -- after (point - usage now) / daily usage days from the latest reading's
    -- day; a point already reached by the estimate is due today.
    SELECT s.id, s.equipment_id, s.site_id, s.template_id, s.name, d.due, least(d.due, d.generate_on), true
      FROM app.pm_schedules AS s
     CROSS JOIN LATERAL app_private.meter_daily_usage(s.organization_id, s.meter_id) AS u
     CROSS JOIN LATERAL (SELECT app_private.pm_local_date(s.organization_id, s.site_id, u.last_read_at) AS last_day,
                                app_private.pm_local_date(s.organization_id, s.site_id, pg_catalog.now()) AS today) AS t
     CROSS JOIN LATERAL pg_catalog.generate_series(0, least(1000, pg_catalog.floor(
                          ((p_to - t.last_day) * u.daily_usage - (s.next_due_usage - u.usage_total)) / s.meter_interval)::integer)) AS k
     CROSS JOIN LATERAL (SELECT greatest(t.today, t.last_day + pg_catalog.ceil(
                                  (s.next_due_usage + k * s.meter_interval - u.usage_total) / u.daily_usage)::integer) AS due,
                                greatest(t.today, t.last_day + pg_catalog.ceil(
                                  (s.next_due_usage + k * s.meter_interval - s.meter_lead - u.usage_total) / u.daily_usage)::integer) AS generate_on) AS d
     WHERE s.organization_id = auth.org_id() AND s.is_active AND s.rrule IS NULL AND s.next_due_usage IS NOT NULL
       AND auth.partner_id() IS NULL AND auth.may_read_work_order(s.site_id, NULL)
       AND d.due BETWEEN p_from AND p_to
  ) AS f
  ORDER BY 6, 5;
END
$$;
COMMENT ON FUNCTION app.pm_forecast(date, date) IS
  E'PM forecast\nThe occurrences of the active PM schedules you may see from p_from to p_to (at most two years), not yet generated: schedule, asset, plant, template, due date and the day its work order will be generated (lead days before). Floating schedules forecast from their last completion. Meter-only schedules are projected from the meter''s average daily usage over the 90 days before its latest reading (estimated true): the next due points (next_due_usage, then every meter_interval) divided by that rate from the latest reading''s day, a point the estimate has passed due today, generated meter_lead units earlier; no dates when the window holds fewer than two readings at least 7 days apart or no usage.\nErrors: PT422 pm_forecast.range_invalid.';

-- Compliance: the one definition, app_private.pm_compliance_lines (migration
-- maintenance/pm_compliance), which the dashboard's KPIs read too. Per
-- schedule and month of the due date, the occurrences due so far; as the
-- caller (the tenant, staff with any work_order.* permission at the plant,
-- platform operators), since the lines are read as the view's owner.
CREATE OR REPLACE VIEW app.pm_schedule_compliance WITH (security_barrier) AS
SELECT l.organization_id, l.pm_schedule_id, l.site_id, l.month,
       pg_catalog.count(*)::integer AS due,
       (pg_catalog.count(*) FILTER (WHERE l.on_time))::integer AS completed_on_time,
       (pg_catalog.count(*) FILTER (WHERE l.completed_on IS NOT NULL AND l.status <> 'cancelled'))::integer AS completed
  FROM app_private.pm_compliance_lines AS l
 WHERE l.is_due AND l.pm_schedule_id IS NOT NULL
   AND ((l.organization_id = (SELECT auth.org_id()) AND (SELECT auth.partner_id()) IS NULL AND auth.may_read_work_order(l.site_id, NULL))
        OR (SELECT auth.is_platform_operator()))
 GROUP BY l.organization_id, l.pm_schedule_id, l.site_id, l.month;
COMMENT ON VIEW app.pm_schedule_compliance IS
  E'PM compliance per schedule and month\nThe schedule''s work orders due in the month (due date up to today) and how many were completed within the window: the schedule''s compliance_window_days, else 10 % of the interval (at least a day), else (meter-only) the tenant''s pm_compliance_grace_days; cancelled ones count as missed. The same definition as the dashboard (app.maintenance_kpi_plant_month). Staff with any work_order permission tenant-wide or at the plant.';
COMMENT ON COLUMN app.pm_schedule_compliance.organization_id IS E'Tenant';
COMMENT ON COLUMN app.pm_schedule_compliance.pm_schedule_id IS E'PM schedule';
COMMENT ON COLUMN app.pm_schedule_compliance.site_id IS E'Plant';
COMMENT ON COLUMN app.pm_schedule_compliance.month IS E'Month\nFirst day of the month of the due dates.';
COMMENT ON COLUMN app.pm_schedule_compliance.due IS E'Due\nWork orders of the schedule due in the month, cancelled ones included.';
COMMENT ON COLUMN app.pm_schedule_compliance.completed_on_time IS E'Completed on time\nCompleted within the window after the due date.';
COMMENT ON COLUMN app.pm_schedule_compliance.completed IS E'Completed\nCompleted at all (late included).';

CREATE OR REPLACE VIEW app.pm_plant_compliance WITH (security_barrier) AS
SELECT l.organization_id, l.site_id, l.month, pg_catalog.count(*)::integer AS due, (pg_catalog.count(*) FILTER (WHERE l.on_time))::integer AS completed_on_time,
       round(100.0 * pg_catalog.count(*) FILTER (WHERE l.on_time) / pg_catalog.count(*), 2) AS compliance_percent
  FROM app_private.pm_compliance_lines AS l
 WHERE l.is_due
   AND ((l.organization_id = (SELECT auth.org_id()) AND (SELECT auth.partner_id()) IS NULL AND auth.may_read_work_order(l.site_id, NULL))
        OR (SELECT auth.is_platform_operator()))
 GROUP BY l.organization_id, l.site_id, l.month;
COMMENT ON VIEW app.pm_plant_compliance IS
  E'PM compliance per plant and month\nPreventive work orders due in the month (due date up to today; generated by a schedule or not), those completed within their window, and their share in percent: the definition of app.pm_schedule_compliance and of the dashboard, so compliance_percent equals app.maintenance_kpi_plant_month.pm_compliance_percent. Staff with any work_order permission tenant-wide or at the plant.';
COMMENT ON COLUMN app.pm_plant_compliance.organization_id IS E'Tenant';
COMMENT ON COLUMN app.pm_plant_compliance.site_id IS E'Plant';
COMMENT ON COLUMN app.pm_plant_compliance.month IS E'Month';
COMMENT ON COLUMN app.pm_plant_compliance.due IS E'Due';
COMMENT ON COLUMN app.pm_plant_compliance.completed_on_time IS E'Completed on time';
COMMENT ON COLUMN app.pm_plant_compliance.compliance_percent IS E'Compliance %\n100 x completed on time / due.';
