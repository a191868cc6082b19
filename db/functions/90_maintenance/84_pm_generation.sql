-- PM generation (migration maintenance/pm_schedules): one set-based pass
-- over the due schedules makes their preventive work orders and moves the
-- schedules on. Due: active, no open work order of the schedule (open = not
-- closed or cancelled; the unique index work_orders_pm_one_open says so in
-- the table too), and the calendar's next due date within lead_days of the
-- plant's today, or the meter's usage total at least the next due point
-- less meter_lead. The work order's due date is the calendar occurrence
-- when the calendar triggered, else the plant's today (a meter point has
-- no date); one work order per schedule and due date (unique index
-- work_orders_pm_occurrence_unique), so a second run, or a second
-- generator racing the first, creates nothing: generators also take one
-- transaction-level advisory lock, so the second waits and then finds the
-- work orders made.
--
-- Moving on: the pending point of each trigger is consumed: the next due
-- date becomes the first occurrence after the later of the one just
-- generated and today (occurrences missed while a work order was open are
-- skipped, not piled up), the next meter point the first multiple of the
-- interval past the usage. A floating schedule is moved again when its
-- work order completes (83_pm_schedules.sql).

CREATE OR REPLACE FUNCTION app_private.generate_pm_work_orders(p_now timestamptz DEFAULT pg_catalog.now(), p_organization_id uuid DEFAULT NULL,
                                                              p_as_caller boolean DEFAULT false)
RETURNS integer
LANGUAGE plpgsql VOLATILE
SET search_path = ''
AS $$
DECLARE
  v_count integer;
  -- What was generated, column by column (unnested together below).
  v_orgs uuid[];
  v_orders uuid[];
  v_schedules uuid[];
  v_due_dates date[];
  v_todays date[];
  v_checklists text[];
BEGIN
  PERFORM pg_catalog.pg_advisory_xact_lock(pg_catalog.hashtext('pulse.generate_pm_work_orders'));
  WITH due AS (
    SELECT s.organization_id, s.id AS pm_schedule_id, s.name, s.priority, s.equipment_id, s.site_id, s.template_id,
           t.task_text, t.required_qualification, t.checklist_template_key, t.estimated_hours, l.today, z.tz,
           CASE WHEN s.next_due_date IS NOT NULL AND s.next_due_date - s.lead_days <= l.today THEN s.next_due_date
                ELSE l.today END AS pm_due_date
      FROM app.pm_schedules AS s
      JOIN app.organizations AS o ON o.id = s.organization_id AND o.deleted_at IS NULL
      JOIN app.work_order_templates AS t ON t.organization_id = s.organization_id AND t.id = s.template_id AND t.is_active
      LEFT JOIN app.sites AS si ON si.organization_id = s.organization_id AND si.id = s.site_id
      LEFT JOIN app.meters AS m ON m.organization_id = s.organization_id AND m.id = s.meter_id
      CROSS JOIN LATERAL (SELECT coalesce(si.timezone, o.settings ->> 'timezone', 'UTC') AS tz) AS z
      CROSS JOIN LATERAL (SELECT (p_now AT TIME ZONE z.tz)::date AS today) AS l
     WHERE s.is_active
       AND (p_organization_id IS NULL OR s.organization_id = p_organization_id)
       AND (NOT p_as_caller OR auth.has_permission('work_order.manage', s.site_id))
       AND ((s.next_due_date IS NOT NULL AND s.next_due_date - s.lead_days <= l.today)
            OR (m.is_active AND m.usage_total >= s.next_due_usage - s.meter_lead))
       AND NOT EXISTS (SELECT FROM app.work_orders AS w
                        WHERE w.organization_id = s.organization_id AND w.pm_schedule_id = s.id AND w.status NOT IN ('closed', 'cancelled'))
  ), numbers AS (
    -- One counter move per tenant for all its work orders (app_private.take_human_id's counter).
    INSERT INTO app_private.human_id_counters AS c (organization_id, prefix, last_number)
    SELECT d.organization_id, 'WO', pg_catalog.count(*) FROM due AS d GROUP BY d.organization_id
    ON CONFLICT (organization_id, prefix) DO UPDATE SET last_number = c.last_number + excluded.last_number
    RETURNING c.organization_id, c.last_number
  ), made AS (
    INSERT INTO app.work_orders AS w (organization_id, id, work_order_number, work_type, priority, title, description, equipment_id, site_id,
                                      template_id, required_qualification, checklist_template_key, estimated_hours, due_date,
                                      scheduled, pm_schedule_id, pm_due_date, created_by)
    SELECT d.organization_id, public.uuid_generate_v7(),
           'WO-' || pg_catalog.lpad((n.last_number - d.tenant_due + d.tenant_row)::text, 6, '0'), 'preventive', d.priority,
           d.name, coalesce(d.task_text, ''), d.equipment_id, d.site_id, d.template_id, d.required_qualification, d.checklist_template_key,
           d.estimated_hours, d.pm_due_date,
           -- The suggested window: 08:00 on the due day at the plant, as long as the estimate (at least an hour).
           pg_catalog.tstzrange((d.pm_due_date + time '08:00') AT TIME ZONE d.tz, (d.pm_due_date + time '08:00') AT TIME ZONE d.tz
                                + pg_catalog.make_interval(mins => greatest(60, ceil(coalesce(d.estimated_hours, 1) * 60))::integer)),
           d.pm_schedule_id, d.pm_due_date, CASE WHEN p_as_caller THEN auth.user_id() END
      FROM (SELECT due.*, pg_catalog.count(*) OVER (PARTITION BY due.organization_id) AS tenant_due,
                   pg_catalog.row_number() OVER (PARTITION BY due.organization_id ORDER BY due.pm_due_date, due.pm_schedule_id) AS tenant_row
              FROM due) AS d
      JOIN numbers AS n ON n.organization_id = d.organization_id
     ORDER BY d.organization_id, d.tenant_row
    ON CONFLICT DO NOTHING
    RETURNING w.organization_id, w.id, w.pm_schedule_id, w.pm_due_date, w.checklist_template_key
  )
  SELECT pg_catalog.count(*), coalesce(pg_catalog.array_agg(m.organization_id), '{}'), coalesce(pg_catalog.array_agg(m.id), '{}'),
         coalesce(pg_catalog.array_agg(m.pm_schedule_id), '{}'), coalesce(pg_catalog.array_agg(m.pm_due_date), '{}'),
         coalesce(pg_catalog.array_agg(d.today), '{}'), coalesce(pg_catalog.array_agg(m.checklist_template_key), '{}')
    INTO v_count, v_orgs, v_orders, v_schedules, v_due_dates, v_todays, v_checklists
    FROM made AS m JOIN due AS d ON d.organization_id = m.organization_id AND d.pm_schedule_id = m.pm_schedule_id;

  INSERT INTO app.work_order_assets (organization_id, work_order_id, equipment_id, is_primary, site_id)
  SELECT w.organization_id, w.id, w.equipment_id, true, w.site_id
    FROM unnest(v_orgs, v_orders, v_schedules, v_due_dates, v_todays, v_checklists) AS g (organization_id, work_order_id, pm_schedule_id, pm_due_date, today, checklist_template_key)
    JOIN app.work_orders AS w ON w.organization_id = g.organization_id AND w.id = g.work_order_id;

  PERFORM app_private.start_checklist(g.organization_id, app_private.checklist_template_of(g.organization_id, g.checklist_template_key), g.work_order_id)
     FROM unnest(v_orgs, v_orders, v_schedules, v_due_dates, v_todays, v_checklists) AS g (organization_id, work_order_id, pm_schedule_id, pm_due_date, today, checklist_template_key)
    WHERE g.checklist_template_key IS NOT NULL;

  UPDATE app.pm_schedules AS s
     SET next_due_date = CASE WHEN s.next_due_date IS NOT NULL
                              THEN app_private.pm_next_occurrence(s, greatest(s.next_due_date, g.pm_due_date, g.today)) END,
         next_due_usage = CASE WHEN s.meter_id IS NOT NULL
                               THEN s.next_due_usage + s.meter_interval * (floor(greatest(
                                      (SELECT m.usage_total FROM app.meters AS m WHERE m.organization_id = s.organization_id AND m.id = s.meter_id)
                                      - s.next_due_usage, 0) / s.meter_interval) + 1) END,
         last_generated_at = p_now
    FROM unnest(v_orgs, v_orders, v_schedules, v_due_dates, v_todays, v_checklists) AS g (organization_id, work_order_id, pm_schedule_id, pm_due_date, today, checklist_template_key)
   WHERE s.organization_id = g.organization_id AND s.id = g.pm_schedule_id;
  RETURN v_count;
END
$$;
COMMENT ON FUNCTION app_private.generate_pm_work_orders(timestamptz, uuid, boolean) IS
  'Generates the due preventive work orders (all tenants, or one; as the caller: only at sites where they hold work_order.manage) in one set-based pass, under an advisory lock, idempotently (one per schedule and due date, none while one of the schedule is open), starts their checklists, moves the schedules on; returns how many. The job generate-pm-work-orders.';

CREATE OR REPLACE FUNCTION app.generate_pm_work_orders() RETURNS integer
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = ''
AS $$
BEGIN
  IF auth.partner_id() IS NOT NULL OR NOT auth.has_permission_anywhere('work_order.manage') THEN
    RAISE EXCEPTION 'generating PM work orders needs work_order.manage' USING ERRCODE = 'PT403', DETAIL = 'permission.missing',
      HINT = 'Maintenance planners generate PM work orders; the job generate-pm-work-orders does it for everyone.';
  END IF;
  RETURN app_private.generate_pm_work_orders(pg_catalog.now(), auth.org_id(), true);
END
$$;
COMMENT ON FUNCTION app.generate_pm_work_orders() IS
  E'Generate PM work orders now\nWhat the job generate-pm-work-orders does, for your tenant and the plants where you hold work_order.manage: a preventive work order for every active schedule due (calendar within its lead days, meter within its lead units), none while one of the schedule is open, one per schedule and due date (a second call creates nothing). Returns how many were made.\nErrors: PT403 permission.missing.';
