-- Parts kits on Acme (90_maintenance/46_* .. 49_*), made through the API as
-- its people would: the planner's "Lathe hydraulic service" template with
-- its kit (20 L of HLP 46 and two 6205 bearings); one work order from it
-- completed by the technician, who used 18 L (issued from the reservation,
-- the rest released; the oil drops below its reorder point: a purchase
-- request and its notification to the storekeeper), and one scheduled for
-- next week with its kit reserved (the oil only partly: short, shown in
-- work_order_kit_shortages, the planner notified). Runs once (skipped when
-- the template exists, or without the stores and work of 90_maintenance_*).

DO $$
DECLARE
  v_tenant uuid := (SELECT id FROM app.organizations WHERE slug = 'acme-manufacturing');
  v_planner uuid := (SELECT id FROM app.users WHERE email = 'maintenance_planner@acme.test');
  v_tech uuid := (SELECT id FROM app.users WHERE email = 'technician@acme.test');
  v_lathe uuid;
  v_oil uuid;
  v_bearing uuid;
  v_template uuid;
  v_order uuid;
BEGIN
  IF v_tenant IS NULL OR v_planner IS NULL OR v_tech IS NULL
     OR EXISTS (SELECT FROM app.work_order_templates WHERE organization_id = v_tenant AND code = 'lathe-hydraulic') THEN
    RETURN;
  END IF;
  SELECT id INTO v_lathe FROM app.equipment WHERE organization_id = v_tenant AND serial_number = 'DMG-350-0042';
  SELECT id INTO v_oil FROM app.parts WHERE organization_id = v_tenant AND part_number = 'MRO-OIL-HLP46';
  SELECT id INTO v_bearing FROM app.parts WHERE organization_id = v_tenant AND part_number = 'MRO-BRG-6205';
  IF v_lathe IS NULL OR v_oil IS NULL OR v_bearing IS NULL
     OR NOT EXISTS (SELECT FROM app.checklist_templates WHERE organization_id = v_tenant AND key = 'maintenance-lockout') THEN
    RETURN;
  END IF;

  PERFORM set_config('request.jwt.claims', jsonb_build_object('sub', v_planner, 'role', 'app_user', 'org_id', v_tenant)::text, true);
  PERFORM set_config('role', 'app_user', true);
  v_template := (app.define_work_order_template('lathe-hydraulic', 'Lathe hydraulic service', 'preventive',
    E'1. Lock out the lathe.\n2. Drain and refill the hydraulic unit (HLP 46).\n3. Replace the tailstock bearings.\n4. Run-in 10 minutes, check for leaks.',
    estimated_hours => 3)).id;
  PERFORM app.set_work_order_template_part(v_template, v_oil, 20, 'L');
  PERFORM app.set_work_order_template_part(v_template, v_bearing, 2);

  -- Done last week: kit reserved at scheduling, 18 L and the bearings used, issued at completion.
  v_order := (app.create_work_order(v_lathe, 'preventive', template_id => v_template)).id;
  PERFORM app.schedule_work_order(v_order, v_tech, now() - interval '7 days', now() - interval '7 days' + interval '3 hours');
  PERFORM set_config('request.jwt.claims', jsonb_build_object('sub', v_tech, 'role', 'app_user', 'org_id', v_tenant)::text, true);
  PERFORM app.start_checklist('maintenance-lockout', 'work_order', v_order);
  PERFORM app.check_checklist_item(i.id) FROM app.checklist_items AS i JOIN app.checklists AS c
      ON c.organization_id = i.organization_id AND c.id = i.checklist_id
   WHERE c.organization_id = v_tenant AND c.entity_type = 'work_order' AND c.entity_id = v_order;
  PERFORM app.sign_work_order_lockout(v_order, 'applied', 'pulse-demo-password', 'Lathe and hydraulic unit locked out, tag 7.');
  PERFORM app.transition_work_order(v_order, 'in_progress');
  PERFORM app.record_work_order_part_usage(v_order, v_oil, 18);
  PERFORM app.sign_work_order_lockout(v_order, 'removed', 'pulse-demo-password', 'Energy restored, guards back.');
  PERFORM app.complete_work_order(v_order, 'pulse-demo-password', 'Hydraulic service done; 18 L of oil used.');

  -- Next week's: its kit reserved as far as the store has it.
  PERFORM set_config('request.jwt.claims', jsonb_build_object('sub', v_planner, 'role', 'app_user', 'org_id', v_tenant)::text, true);
  v_order := (app.create_work_order(v_lathe, 'preventive', template_id => v_template)).id;
  PERFORM app.set_work_order_part(v_order, v_oil, 40, 'L');
  PERFORM app.schedule_work_order(v_order, v_tech, now() + interval '7 days', now() + interval '7 days' + interval '3 hours');
  PERFORM set_config('role', 'none', true);
  PERFORM set_config('request.jwt.claims', '', true);
END
$$;
