-- Maintenance history on Acme, so the dashboards and the archive have
-- something to show: six past months (two to seven months ago) of the
-- lathe's, the press's and the compressor's closed work (a monthly preventive
-- work order, done on time but one month each, and a breakdown every other
-- month with its stop in the downtime log and the technician's labour), and
-- four work orders closed in 2018, which the archive job (run here, as
-- pg_cron runs it nightly) moves to the archive: Acme keeps 7 years. Then
-- the KPI materialized views are refreshed (pg_cron does it every 15
-- minutes), last of all the demo seeds, so every maintenance dashboard has
-- data at once. Written as the owner (history cannot be made through the
-- API, which stamps now()); runs once (skipped when Acme has history or an
-- archive).

DO $$
DECLARE
  v_tenant uuid := (SELECT id FROM app.organizations WHERE slug = 'acme-manufacturing');
  v_tech uuid := (SELECT id FROM app.users WHERE email = 'technician@acme.test');
  v_breakdown uuid;
  v_asset record;
  v_month date;
  v_order uuid;
  v_start timestamptz;
  v_hours numeric;
  v_m integer;
  v_year integer;
BEGIN
  IF v_tenant IS NULL OR v_tech IS NULL
     OR EXISTS (SELECT FROM app.work_orders WHERE organization_id = v_tenant AND title LIKE 'History: %')
     OR EXISTS (SELECT FROM app_private.archived_work_orders WHERE organization_id = v_tenant) THEN
    RETURN;
  END IF;
  SELECT id INTO v_breakdown FROM app.downtime_reasons WHERE organization_id = v_tenant AND code = 'breakdown';
  FOR v_asset IN
    SELECT e.id, e.site_id, e.name, row_number() OVER (ORDER BY e.serial_number) AS n
      FROM app.equipment AS e
     WHERE e.organization_id = v_tenant AND e.serial_number IN ('DMG-350-0042', 'SCH-400-7781', 'AC-GA37-1190')
  LOOP
    FOR v_m IN 2..7 LOOP
      v_month := (date_trunc('month', now() AT TIME ZONE 'UTC') - make_interval(months => v_m))::date;
      -- The monthly preventive: due on the 5th, done that day (one month per asset three days late).
      v_start := (v_month + 4)::timestamp AT TIME ZONE 'UTC' + interval '7 hours'
                 + CASE WHEN v_m = 3 + v_asset.n::integer THEN interval '3 days' ELSE interval '0' END;
      v_order := public.uuid_generate_v7();
      INSERT INTO app.work_orders (organization_id, id, work_order_number, work_type, title, equipment_id, site_id, status, priority,
                                   due_date, estimated_hours, assignee_id, scheduled, started_at, completed_at, closed_at, created_at)
      VALUES (v_tenant, v_order, app_private.take_human_id(v_tenant, 'WO', NULL), 'preventive',
              'History: monthly service, ' || v_asset.name, v_asset.id, v_asset.site_id, 'closed', 3, v_month + 4, 2, v_tech,
              tstzrange(v_start, v_start + interval '2 hours'), v_start, v_start + interval '2 hours', v_start + interval '1 day',
              v_month::timestamp AT TIME ZONE 'UTC');
      INSERT INTO app.work_order_assets (organization_id, work_order_id, equipment_id, is_primary, site_id)
      VALUES (v_tenant, v_order, v_asset.id, true, v_asset.site_id);
      INSERT INTO app.labour_entries (organization_id, work_order_id, user_id, started_at, ended_at, hours, hourly_rate, currency, site_id, note)
      VALUES (v_tenant, v_order, v_tech, v_start, v_start + interval '2 hours', 2, 68, 'USD', v_asset.site_id, 'Monthly service');
      CONTINUE WHEN (v_m + v_asset.n::integer) % 2 = 1;
      -- A breakdown: stopped 2 to 6 hours on the 18th, repaired by the technician.
      v_hours := 2 + (v_m + v_asset.n::integer) % 5;
      v_start := (v_month + 17)::timestamp AT TIME ZONE 'UTC' + interval '9 hours';
      v_order := public.uuid_generate_v7();
      INSERT INTO app.work_orders (organization_id, id, work_order_number, work_type, title, equipment_id, site_id, status, priority,
                                   due_date, is_breakdown, assignee_id, scheduled, started_at, completed_at, closed_at, created_at)
      VALUES (v_tenant, v_order, app_private.take_human_id(v_tenant, 'WO', NULL), 'corrective',
              'History: breakdown, ' || v_asset.name, v_asset.id, v_asset.site_id, 'closed', 1, v_month + 17, true, v_tech,
              tstzrange(v_start, v_start + make_interval(hours => v_hours::integer)), v_start,
              v_start + make_interval(hours => v_hours::integer), v_start + interval '2 days', v_start);
      INSERT INTO app.work_order_assets (organization_id, work_order_id, equipment_id, is_primary, site_id)
      VALUES (v_tenant, v_order, v_asset.id, true, v_asset.site_id);
      INSERT INTO app.labour_entries (organization_id, work_order_id, user_id, started_at, ended_at, hours, hourly_rate, currency, site_id, note)
      VALUES (v_tenant, v_order, v_tech, v_start, v_start + make_interval(hours => v_hours::integer), v_hours, 68, 'USD', v_asset.site_id,
              'Breakdown repair');
      IF v_breakdown IS NOT NULL THEN
        INSERT INTO app.downtime_events (organization_id, equipment_id, started_at, ended_at, reason_id, is_planned, is_breakdown, notes, work_order_id)
        VALUES (v_tenant, v_asset.id, v_start, v_start + make_interval(hours => v_hours::integer), v_breakdown, false, true,
                'Breakdown (history)', v_order);
      END IF;
    END LOOP;
  END LOOP;

  -- 2018: four work orders on the lathe, closed 8 years ago, with their labour: past Acme's 7 years.
  FOR v_year IN 1..4 LOOP
    v_start := make_timestamptz(2018, 1 + v_year * 2, 10, 8, 0, 0, 'UTC');
    v_order := public.uuid_generate_v7();
    INSERT INTO app.work_orders (organization_id, id, work_order_number, work_type, title, equipment_id, site_id, status, priority,
                                 due_date, assignee_id, scheduled, started_at, completed_at, closed_at, created_at)
    SELECT v_tenant, v_order, app_private.take_human_id(v_tenant, 'WO', NULL), 'preventive', 'History: 2018 service ' || v_year, e.id, e.site_id,
           'closed', 3, v_start::date, v_tech, tstzrange(v_start, v_start + interval '3 hours'), v_start, v_start + interval '3 hours',
           v_start + interval '1 day', v_start - interval '7 days'
      FROM app.equipment AS e WHERE e.organization_id = v_tenant AND e.serial_number = 'DMG-350-0042';
    CONTINUE WHEN NOT FOUND;
    INSERT INTO app.labour_entries (organization_id, work_order_id, user_id, started_at, hours, hourly_rate, currency, note)
    VALUES (v_tenant, v_order, v_tech, v_start, 3, 61, 'USD', '2018 service');
  END LOOP;

  PERFORM app_private.archive_work_orders();
  PERFORM app_private.refresh_kpis();
END
$$;
