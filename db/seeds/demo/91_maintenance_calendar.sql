-- Maintenance teams and calendar on Acme (90_maintenance/90_* .. 91_*), made
-- through the API as its people would: the planner's mechanical crew with
-- the technician in it, a preventive work order given to the crew next week,
-- the technician's early shift tomorrow and annual leave in two weeks, and a
-- calendar feed of the technician's (its token is returned once and kept
-- nowhere: sign in as technician@acme.test and issue your own to subscribe).
-- Runs once per tenant (skipped when it has a team, or no lathe from
-- 30_registers.sql).

DO $$
DECLARE
  v_tenant uuid := (SELECT id FROM app.organizations WHERE slug = 'acme-manufacturing');
  v_planner uuid := (SELECT id FROM app.users WHERE email = 'maintenance_planner@acme.test');
  v_tech uuid := (SELECT id FROM app.users WHERE email = 'technician@acme.test');
  v_lathe uuid;
  v_team app.maintenance_teams;
  v_order app.work_orders;
BEGIN
  IF v_tenant IS NULL OR v_planner IS NULL OR v_tech IS NULL
     OR EXISTS (SELECT FROM app.maintenance_teams WHERE organization_id = v_tenant) THEN
    RETURN;
  END IF;
  SELECT id INTO v_lathe FROM app.equipment WHERE organization_id = v_tenant AND serial_number = 'DMG-350-0042';
  IF v_lathe IS NULL THEN
    RETURN;
  END IF;
  PERFORM set_config('request.jwt.claims', jsonb_build_object('sub', v_planner, 'role', 'app_user', 'org_id', v_tenant)::text, true);
  PERFORM set_config('role', 'app_user', true);
  v_team := app.define_maintenance_team('Mechanical crew', (SELECT site_id FROM app.equipment WHERE organization_id = v_tenant AND id = v_lathe));
  PERFORM app.add_team_member(v_team.id, v_tech, now() - interval '30 days');
  v_order := app.create_work_order(v_lathe, 'preventive', 'Quarterly lubrication of the lathe spindle and ways',
                                   'Grease the spindle bearings, oil the ways, check the lubrication pump.', 3);
  PERFORM app.schedule_work_order_for_team(v_order.id, v_team.id, date_trunc('hour', now()) + interval '7 days 2 hours',
                                           date_trunc('hour', now()) + interval '7 days 5 hours');
  PERFORM app.set_availability(v_tech, date_trunc('day', now()) + interval '1 day 6 hours', date_trunc('day', now()) + interval '1 day 14 hours',
                               'available', 'Early shift');
  PERFORM app.set_availability(v_tech, date_trunc('day', now()) + interval '14 days', date_trunc('day', now()) + interval '19 days',
                               'absent', 'Annual leave');
  PERFORM set_config('request.jwt.claims', jsonb_build_object('sub', v_tech, 'role', 'app_user', 'org_id', v_tenant)::text, true);
  PERFORM app.issue_calendar_feed();
  PERFORM set_config('role', 'none', true);
  PERFORM set_config('request.jwt.claims', '', true);
END
$$;
