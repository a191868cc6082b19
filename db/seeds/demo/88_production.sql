-- Production KPIs on Acme (95_reporting/50_production_runs.sql): the
-- changeover reason is a setup loss; ideal cycle times for the bracket on the
-- CNC lathe L-20 (plant 1) and the pump housing on a new assembly press
-- (plant 2); a week of runs on both, with the lathe's changeovers and
-- breakdowns from 30_registers.sql and the press's own stops (a small stop
-- and a wait for material a day), so the OEE view shows the six big losses.
-- Runs once per tenant (skipped when it already has production runs).

DO $$
DECLARE
  v_acme uuid := (SELECT id FROM app.organizations WHERE slug = 'acme-manufacturing');
  v_plant_2 uuid;
  v_lathe uuid;
  v_press uuid := public.uuid_generate_v7();
  v_bracket uuid;
  v_housing uuid;
  v_day integer;
  v_start timestamptz;
BEGIN
  IF v_acme IS NULL OR EXISTS (SELECT FROM app.production_runs WHERE organization_id = v_acme) THEN
    RETURN;
  END IF;
  SELECT id INTO v_plant_2 FROM app.sites WHERE organization_id = v_acme AND code = 'PLANT-2';
  SELECT id INTO v_lathe FROM app.equipment WHERE organization_id = v_acme AND serial_number = 'DMG-350-0042';
  SELECT id INTO v_bracket FROM app.parts WHERE organization_id = v_acme AND part_number = 'BRK-1100';
  SELECT id INTO v_housing FROM app.parts WHERE organization_id = v_acme AND part_number = 'PH-2200';
  IF v_plant_2 IS NULL OR v_lathe IS NULL OR v_bracket IS NULL OR v_housing IS NULL THEN
    RETURN;
  END IF;
  UPDATE app.downtime_reasons SET loss_category = 'setup' WHERE organization_id = v_acme AND code = 'changeover';
  INSERT INTO app.equipment (organization_id, id, name, class_id, site_id, manufacturer, model, serial_number, location)
  SELECT v_acme, v_press, 'Assembly press P-3', c.id, v_plant_2, 'Schuler', 'MSP 400', 'SCH-400-0117', 'Assembly line 2'
    FROM app.equipment_classes AS c WHERE c.organization_id = v_acme AND c.code = 'cnc-lathe';
  INSERT INTO app.ideal_cycle_times (organization_id, id, equipment_id, part_id, cycle_seconds, notes)
  VALUES (v_acme, public.uuid_generate_v7(), v_lathe, v_bracket, 45, 'Program BRK-1100-B, two parts per clamping'),
         (v_acme, public.uuid_generate_v7(), v_press, v_housing, 120, 'Press-fit and leak test');
  FOR v_day IN REVERSE 7..1 LOOP
    v_start := date_trunc('day', now()) - make_interval(days => v_day);
    -- The lathe: two shifts, 06:00-22:00.
    INSERT INTO app.production_runs (organization_id, id, equipment_id, part_id, scheduled_start, scheduled_end,
                                     total_count, good_count, startup_rejects)
    VALUES (v_acme, public.uuid_generate_v7(), v_lathe, v_bracket, v_start + interval '6 hours', v_start + interval '22 hours',
            820 - 30 * (v_day % 3), 805 - 30 * (v_day % 3) - v_day, 6);
    -- The press: one shift, 06:00-14:00; a 3-minute jam and 25 minutes waiting for brackets.
    INSERT INTO app.production_runs (organization_id, id, equipment_id, part_id, scheduled_start, scheduled_end,
                                     total_count, good_count, startup_rejects)
    VALUES (v_acme, public.uuid_generate_v7(), v_press, v_housing, v_start + interval '6 hours', v_start + interval '14 hours',
            205 + v_day, 200 + v_day - (v_day % 2), 2);
    INSERT INTO app.downtime_events (organization_id, id, equipment_id, started_at, ended_at, reason_id, notes)
    SELECT v_acme, public.uuid_generate_v7(), v_press, v_start + s.from_t, v_start + s.to_t, r.id, s.notes
      FROM (VALUES (interval '08:10', interval '08:13', 'no-material', 'Jam at the infeed'),
                   (interval '11:00', interval '11:25', 'no-material', 'Waiting for brackets')) AS s (from_t, to_t, code, notes)
      JOIN app.downtime_reasons AS r ON r.organization_id = v_acme AND r.code = s.code;
  END LOOP;
  PERFORM app_private.refresh_kpis();
END
$$;
