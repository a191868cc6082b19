-- Preventive schedules on Acme (90_maintenance/82_* .. 84_*), made by its
-- maintenance planner through the API: the lathe's monthly service (fixed,
-- the first Monday of every month, a week ahead), the lathe's 500-hour
-- service (floating, every 500 operating hours or 6 months, whichever comes
-- first), the press's 1.5M-stroke check (fixed, by meter, 20,000 strokes
-- ahead); then the planner generates what is due. Runs once per tenant
-- (skipped when it has schedules, or no lathe and template from
-- 90_maintenance_work.sql); after 90_maintenance_work.sql, which runs only
-- on a tenant without work orders.

DO $$
DECLARE
  v_tenant uuid := (SELECT id FROM app.organizations WHERE slug = 'acme-manufacturing');
  v_planner uuid := (SELECT id FROM app.users WHERE email = 'maintenance_planner@acme.test');
  v_lathe uuid;
  v_press uuid;
  v_lathe_hours uuid;
  v_press_strokes uuid;
  v_monthly uuid;
  v_service uuid;
BEGIN
  IF v_tenant IS NULL OR v_planner IS NULL OR EXISTS (SELECT FROM app.pm_schedules WHERE organization_id = v_tenant) THEN
    RETURN;
  END IF;
  SELECT id INTO v_lathe FROM app.equipment WHERE organization_id = v_tenant AND serial_number = 'DMG-350-0042';
  SELECT id INTO v_press FROM app.equipment WHERE organization_id = v_tenant AND serial_number = 'SCH-400-7781';
  SELECT id INTO v_lathe_hours FROM app.meters WHERE organization_id = v_tenant AND equipment_id = v_lathe AND name = 'Operating hours';
  SELECT id INTO v_press_strokes FROM app.meters WHERE organization_id = v_tenant AND equipment_id = v_press AND name = 'Strokes';
  SELECT id INTO v_monthly FROM app.work_order_templates WHERE organization_id = v_tenant AND code = 'lathe-monthly';
  IF v_lathe IS NULL OR v_monthly IS NULL THEN
    RETURN;
  END IF;
  PERFORM set_config('request.jwt.claims', jsonb_build_object('sub', v_planner, 'role', 'app_user', 'org_id', v_tenant)::text, true);
  PERFORM set_config('role', 'app_user', true);
  v_service := (app.define_work_order_template('machine-500h', '500-hour service', 'preventive',
    E'1. Lock out.\n2. Change spindle and hydraulic oil filters.\n3. Check belt tension.\n4. Grease the axes.', NULL, 4)).id;
  PERFORM app.define_pm_schedule(v_lathe, v_monthly, 'Monthly service', 'FREQ=MONTHLY;BYDAY=1MO', mode => 'fixed',
                                 anchor_date => current_date - 45, lead_days => 7);
  IF v_lathe_hours IS NOT NULL THEN
    PERFORM app.define_pm_schedule(v_lathe, v_service, '500-hour service', every => 6, unit => 'month', meter_id => v_lathe_hours,
                                   meter_interval => 500, meter_lead => 50, mode => 'floating', anchor_date => current_date - 30);
  END IF;
  IF v_press IS NOT NULL AND v_press_strokes IS NOT NULL THEN
    PERFORM app.define_pm_schedule(v_press, v_service, 'Ram guide check', meter_id => v_press_strokes, meter_interval => 100000,
                                   meter_lead => 20000, mode => 'fixed', priority => 2);
  END IF;
  PERFORM app.generate_pm_work_orders();
  PERFORM set_config('role', 'none', true);
  PERFORM set_config('request.jwt.claims', '', true);
END
$$;
