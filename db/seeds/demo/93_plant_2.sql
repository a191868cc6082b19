-- Acme's assembly plant, PLANT-2 (Aurora, IL), worked by its own people so
-- that plant scoping shows: technician.plant2@acme.test and
-- inspector.plant2@acme.test hold their roles at PLANT-2 only
-- (10_tenants.sql), technician@acme.test at PLANT-1 only.
-- Maintenance: a leak tester on assembly line A and the assembly press P-3
-- on the map beside the conveyor, the plant's assembly crew, a conveyor belt
-- stocked in the plant 2 store, a monthly conveyor service (fixed) and a
-- quarterly leak tester calibration check (floating) with what is due
-- generated, and work orders planned, scheduled (for the crew, a belt
-- reserved), in progress (a bearing issued) and completed (signed), all done
-- by the PLANT-2 technician.
-- Quality and traceability: a control plan for the pump housing PH-2200 at
-- PLANT-2, two housing lots made by the PLANT-2 technician, the first lot's
-- final inspection recorded by the PLANT-2 inspector and released by QA, 24
-- housings of it shipped to Globex with a certificate of conformance; an NCR
-- the PLANT-2 inspector raises on the second lot (held).
-- Made through the API as these people would. Runs once per tenant (skipped
-- when PLANT-2 has work orders, or what it builds on is missing: the conveyor
-- of 90_maintenance_assets.sql, the plant 2 store of 90_maintenance_parts.sql,
-- the housing of 80_manufacturing.sql).

DO $$
DECLARE
  v_tenant uuid := (SELECT id FROM app.organizations WHERE slug = 'acme-manufacturing');
  v_plant_2 uuid;
  v_planner uuid := (SELECT id FROM app.users WHERE email = 'maintenance_planner@acme.test');
  v_keeper uuid := (SELECT id FROM app.users WHERE email = 'storekeeper@acme.test');
  v_tech uuid := (SELECT id FROM app.users WHERE email = 'technician.plant2@acme.test');
  v_inspector uuid := (SELECT id FROM app.users WHERE email = 'inspector.plant2@acme.test');
  v_qa uuid := (SELECT id FROM app.users WHERE email = 'qa@acme.test');
  v_logistics uuid := (SELECT id FROM app.users WHERE email = 'logistics@acme.test');
  v_conveyor uuid;
  v_press uuid;
  v_line_a uuid;
  v_tester uuid;
  v_store uuid;
  v_bin uuid;
  v_belt uuid;
  v_bearing uuid;
  v_team app.maintenance_teams;
  v_order app.work_orders;
  v_template uuid;
  v_housing uuid;
  v_revision uuid;
  v_globex uuid;
  v_plan uuid;
  v_step uuid;
  v_pressure uuid;
  v_leak uuid;
  v_lot_1 uuid;
  v_lot_2 uuid;
  v_final uuid;
  v_shipment app.shipments;
  v_unit app.shipping_units;
BEGIN
  SELECT id INTO v_plant_2 FROM app.sites WHERE organization_id = v_tenant AND code = 'PLANT-2';
  SELECT id INTO v_conveyor FROM app.equipment WHERE organization_id = v_tenant AND serial_number = 'IR-8310-5521';
  SELECT id INTO v_press FROM app.equipment WHERE organization_id = v_tenant AND serial_number = 'SCH-400-0117';
  SELECT id INTO v_store FROM app.storerooms WHERE organization_id = v_tenant AND code = 'MS-P2';
  SELECT id INTO v_housing FROM app.parts WHERE organization_id = v_tenant AND part_number = 'PH-2200';
  SELECT id INTO v_bearing FROM app.parts WHERE organization_id = v_tenant AND part_number = 'MRO-BRG-6205';
  IF v_plant_2 IS NULL OR v_conveyor IS NULL OR v_store IS NULL OR v_housing IS NULL OR v_bearing IS NULL
     OR v_tech IS NULL OR v_inspector IS NULL OR v_planner IS NULL OR v_qa IS NULL OR v_logistics IS NULL
     OR EXISTS (SELECT FROM app.work_orders WHERE organization_id = v_tenant AND site_id = v_plant_2) THEN
    RETURN;
  END IF;
  SELECT parent_id INTO v_line_a FROM app.equipment WHERE organization_id = v_tenant AND id = v_conveyor;
  SELECT id INTO v_globex FROM app.partners WHERE organization_id = v_tenant AND code = 'C-1001';
  SELECT id INTO v_revision FROM app.part_revisions WHERE organization_id = v_tenant AND part_id = v_housing AND status = 'released';

  -- As the owner (the register and the stores are set up by their keepers): the leak tester on line A, both
  -- machines on the map a few metres from the conveyor, a second bin and a conveyor belt in the plant 2 store.
  INSERT INTO app.equipment_classes (organization_id, code, name, kind)
  VALUES (v_tenant, 'leak-tester', 'Leak tester', 'machine') ON CONFLICT (organization_id, code) DO NOTHING;
  INSERT INTO app.equipment (organization_id, name, class_id, site_id, parent_id, manufacturer, model, serial_number, location)
  SELECT v_tenant, 'Leak tester LT-1', c.id, v_plant_2, v_line_a, 'ATEQ', 'F620', 'AT-F620-3310', 'Assembly line A, end of line'
    FROM app.equipment_classes AS c WHERE c.organization_id = v_tenant AND c.code = 'leak-tester'
  RETURNING id INTO v_tester;
  UPDATE app.equipment SET parent_id = v_line_a WHERE organization_id = v_tenant AND id = v_press AND parent_id IS NULL;
  INSERT INTO app.assets (organization_id, equipment_id, level, criticality, commissioned_on, longitude, latitude)
  SELECT v_tenant, m.id, 'machine', m.criticality, m.commissioned, m.lon, m.lat
    FROM (VALUES (v_tester, 'A', date '2024-05-06', -88.31960, 41.76090), (v_press, 'B', date '2022-02-14', -88.31990, 41.76075))
         AS m (id, criticality, commissioned, lon, lat)
   WHERE m.id IS NOT NULL AND NOT EXISTS (SELECT FROM app.assets AS a WHERE a.organization_id = v_tenant AND a.equipment_id = m.id);
  INSERT INTO app.parts (organization_id, part_number, name, description, unit)
  VALUES (v_tenant, 'MRO-BELT-RM83', 'Conveyor belt RM 8310, 4.2 m', 'Flat belt of the assembly line conveyor C-2', 'pcs')
  ON CONFLICT ON CONSTRAINT parts_part_number_unique DO NOTHING;
  SELECT id INTO v_belt FROM app.parts WHERE organization_id = v_tenant AND part_number = 'MRO-BELT-RM83';
  INSERT INTO app.storeroom_bins (organization_id, storeroom_id, site_id, code) VALUES (v_tenant, v_store, v_plant_2, 'B-02')
  RETURNING id INTO v_bin;
  INSERT INTO app.stock_movements (organization_id, part_id, bin_id, kind, quantity, unit_cost, moved_by)
  VALUES (v_tenant, v_belt, v_bin, 'receipt', 3, 189.00, v_keeper);
  INSERT INTO app.part_storeroom_settings (organization_id, part_id, storeroom_id, reorder_point, reorder_quantity)
  VALUES (v_tenant, v_belt, v_store, 1, 2);
  INSERT INTO app.equipment_spare_parts (organization_id, equipment_id, part_id, quantity, storeroom_id, notes)
  VALUES (v_tenant, v_conveyor, v_belt, 1, v_store, 'One belt per conveyor'),
         (v_tenant, v_conveyor, v_bearing, 4, v_store, 'Drive and tail roller bearings');

  -- The planner: the plant's crew, a template, the PLANT-2 technician's rate, PM schedules and the work orders.
  PERFORM set_config('request.jwt.claims', jsonb_build_object('sub', v_planner, 'role', 'app_user', 'org_id', v_tenant)::text, true);
  PERFORM set_config('role', 'app_user', true);
  v_team := app.define_maintenance_team('Assembly crew', v_plant_2);
  PERFORM app.add_team_member(v_team.id, v_tech, now() - interval '60 days');
  PERFORM app.set_labour_rate(64, 'USD', user_id => v_tech);
  v_template := (app.define_work_order_template('conveyor-monthly', 'Conveyor monthly service', 'preventive',
    E'1. Stop and isolate the conveyor.\n2. Check belt tracking and tension.\n3. Check roller bearings for noise.\n4. Clean the sensors.',
    NULL, 1.5)).id;
  PERFORM app.define_pm_schedule(v_conveyor, v_template, 'Conveyor monthly service', 'FREQ=MONTHLY;BYDAY=2TU', mode => 'fixed',
                                 anchor_date => current_date - 40, lead_days => 10);
  PERFORM app.define_pm_schedule(v_tester, coalesce((SELECT id FROM app.work_order_templates WHERE organization_id = v_tenant AND code = 'machine-500h'), v_template),
                                 'Leak tester quarterly check', every => 3, unit => 'month', mode => 'floating',
                                 anchor_date => current_date - 85, lead_days => 14, priority => 2);
  PERFORM app.generate_pm_work_orders();

  -- Planned: a leak tester check; scheduled for the crew: the conveyor belt change, a belt reserved for it.
  PERFORM app.create_work_order(v_tester, 'inspection', 'Leak tester: verify the reference leak',
                                'Run the calibrated reference leak and compare with the last certificate.', 3, due_date => current_date + 12);
  v_order := app.create_work_order(v_conveyor, 'preventive', 'Replace the conveyor C-2 belt',
                                   'Belt worn at the splice; replace and re-track.', 2, due_date => current_date + 5);
  PERFORM app.schedule_work_order_for_team(v_order.id, v_team.id, date_trunc('hour', now()) + interval '4 days 1 hour',
                                           date_trunc('hour', now()) + interval '4 days 4 hours');
  PERFORM app.reserve_stock(v_belt, 1, 'work_order', v_order.id, v_bin, needed_by => current_date + 4);

  -- In progress: a noisy tail roller on the conveyor, the technician on it with a bearing from the plant 2 store.
  v_order := app.create_work_order(v_conveyor, 'corrective', 'Conveyor C-2: tail roller noise',
                                   'Grinding noise at the tail roller since Monday.', 2, due_date => current_date + 1);
  PERFORM app.schedule_work_order(v_order.id, v_tech, now() - interval '2 hours', now() + interval '2 hours');
  PERFORM set_config('request.jwt.claims', jsonb_build_object('sub', v_tech, 'role', 'app_user', 'org_id', v_tenant)::text, true);
  PERFORM app.transition_work_order(v_order.id, 'in_progress');
  PERFORM app.log_labour(v_order.id, now() - interval '90 minutes', hours => 1.5, note => 'Roller removed, bearing seized');
  PERFORM app.issue_stock(v_bearing, 1, 'work_order', v_order.id,
                          (SELECT b.id FROM app.storeroom_bins AS b WHERE b.organization_id = v_tenant AND b.storeroom_id = v_store AND b.code = 'B-01'));

  -- Completed: the leak tester's fixture seal, replaced and signed by the technician yesterday.
  PERFORM set_config('request.jwt.claims', jsonb_build_object('sub', v_planner, 'role', 'app_user', 'org_id', v_tenant)::text, true);
  v_order := app.create_work_order(v_tester, 'corrective', 'Leak tester LT-1: fixture seal replaced',
                                   'False rejects at the fixture; the seal is cut.', 2, due_date => current_date);
  PERFORM app.schedule_work_order(v_order.id, v_tech, now() - interval '26 hours', now() - interval '24 hours');
  PERFORM set_config('request.jwt.claims', jsonb_build_object('sub', v_tech, 'role', 'app_user', 'org_id', v_tenant)::text, true);
  PERFORM app.transition_work_order(v_order.id, 'in_progress');
  PERFORM app.log_labour(v_order.id, now() - interval '26 hours', hours => 1.25, note => 'Seal replaced, reference leak passed');
  PERFORM app.complete_work_order(v_order.id, 'pulse-demo-password', 'Fixture seal replaced; 20 good parts in a row.');

  -- Quality: QA's control plan for the housing at PLANT-2 (a pressure decay measurement and a pass/fail leak test).
  IF v_revision IS NOT NULL AND v_globex IS NOT NULL THEN
    PERFORM set_config('request.jwt.claims', jsonb_build_object('sub', v_qa, 'role', 'app_user', 'org_id', v_tenant)::text, true);
    SELECT id INTO v_plan FROM app.create_control_plan(v_revision, v_plant_2, 'PH-2200 rev A, assembly and leak test');
    SELECT id INTO v_step FROM app.add_control_plan_step(v_plan, 30, 'Leak test');
    SELECT id INTO v_pressure FROM app.add_characteristic(v_step, 'Pressure decay at 2 bar', 'variable', 'xbar_r',
      'Stop the line, re-test the last hour''s housings, check the fixture seal.', 5, 20, 0, 50, 'Pa', 'CC', 'five housings per shift');
    SELECT id INTO v_leak FROM app.add_characteristic(v_step, 'Leak test passed', 'attribute', 'p',
      'Quarantine the lot, inform quality.', 20, frequency => 'twenty housings per lot');
    PERFORM app.approve_control_plan(v_plan);

    -- The PLANT-2 technician makes two housing lots at the plant.
    PERFORM set_config('request.jwt.claims', jsonb_build_object('sub', v_tech, 'role', 'app_user', 'org_id', v_tenant)::text, true);
    SELECT id INTO v_lot_1 FROM app.create_lots(v_housing, v_plant_2, 60);
    SELECT id INTO v_lot_2 FROM app.create_lots(v_housing, v_plant_2, 30);

    -- The PLANT-2 inspector records the first lot's final inspection; QA releases it.
    PERFORM set_config('request.jwt.claims', jsonb_build_object('sub', v_inspector, 'role', 'app_user', 'org_id', v_tenant)::text, true);
    v_final := (app.open_inspection(v_plan, 'final', lot_id => v_lot_1, line => 'Assembly line A')).id;
    PERFORM app.record_measurements(v_final, v_pressure, ARRAY[18, 22, 19, 21, 20]);
    PERFORM app.record_measurement(v_final, v_leak, defective => false);
    PERFORM app.complete_inspection(v_final);
    -- The second lot leaks at the bracket seam: the inspector raises an NCR on it (the lot is held).
    PERFORM app.create_ncr(v_housing, v_plant_2, 'Leak at the bracket seam',
                           'Four of twenty housings sampled from the lot fail the leak test at the bracket weld seam.',
                           4, ARRAY[v_lot_2], customer_id => v_globex, detection => 'final_inspection');
    PERFORM set_config('request.jwt.claims', jsonb_build_object('sub', v_qa, 'role', 'app_user', 'org_id', v_tenant)::text, true);
    PERFORM app.decide_inspection(v_final, true, 'Final inspection of the lot: pressure decay and leak test in spec.');

    -- Logistics ships 24 housings of the first lot to Globex from PLANT-2, with a certificate of conformance.
    PERFORM set_config('request.jwt.claims', jsonb_build_object('sub', v_logistics, 'role', 'app_user', 'org_id', v_tenant)::text, true);
    v_shipment := app.create_shipment(v_globex, v_plant_2, 'UPS Freight', 'UPS-1Z88-0421', current_date + 3, 'Pump housings, call-off 12');
    v_unit := app.add_shipping_unit(v_shipment.id, 'pallet');
    PERFORM app.add_shipment_item(v_shipment.id, lot_id => v_lot_1, quantity => 24, shipping_unit_id => v_unit.id);
    PERFORM app.transition('shipment', v_shipment.id, 'picked', 'Picked from the assembly plant dock');
    PERFORM app.transition('shipment', v_shipment.id, 'packed', 'Wrapped, 1 pallet');
    PERFORM app.ship_shipment(v_shipment.id);
    PERFORM app.issue_shipment_certificate(v_shipment.id);
  END IF;

  PERFORM set_config('role', 'none', true);
  PERFORM set_config('request.jwt.claims', '', true);
END
$$;
