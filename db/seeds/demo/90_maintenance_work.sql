-- Maintenance work on Acme (90_maintenance/70_* .. 80_*), made through the
-- API as its people would: the CNC lathe's QR code and an anonymous request
-- from it (converted), a member's request (rejected), a lockout checklist
-- template the lathe's class requires, a template, labour rates, and one
-- work order in every state with labour and a contractor charge (Hydro Service, the contractor),
-- the completed and verified ones signed (performed, verified), the lathe
-- service ones with their measurement checklist answered;
-- the converted breakdown with two bearings issued, its failure codes and
-- its stop in the downtime log (the failure-code Pareto), and a guard
-- checklist with a photo item whose photo is declared, awaiting its upload.
-- Lathe work orders are lockout-signed: applied before they start, removed
-- before they complete.
-- Runs once per tenant (skipped when it has work orders, or no lathe from
-- 30_registers.sql).

DO $$
DECLARE
  v_tenant uuid := (SELECT id FROM app.organizations WHERE slug = 'acme-manufacturing');
  v_planner uuid := (SELECT id FROM app.users WHERE email = 'maintenance_planner@acme.test');
  v_tech uuid := (SELECT id FROM app.users WHERE email = 'technician@acme.test');
  v_supervisor uuid := (SELECT id FROM app.users WHERE email = 'maintenance_supervisor@acme.test');
  v_operator uuid := (SELECT id FROM app.users WHERE email = 'production@acme.test');
  v_lathe uuid;
  v_caliper uuid;
  v_contractor uuid;
  v_token text;
  v_number text;
  v_request app.work_requests;
  v_order app.work_orders;
  v_orders uuid[] := '{}';
  v_state text;
  v_i integer := 0;
  -- Read as the owner (the technician does not read the parts master): the bearing and the main store's bin holding it.
  v_bearing uuid := (SELECT p.id FROM app.parts AS p WHERE p.organization_id = v_tenant AND p.part_number = 'MRO-BRG-6205');
  v_bearing_bin uuid := (SELECT s.bin_id FROM app.part_stock AS s JOIN app.storeroom_bins AS b ON b.organization_id = s.organization_id AND b.id = s.bin_id
                          WHERE s.organization_id = v_tenant AND s.part_id = v_bearing AND b.code = 'A-01' AND s.available >= 2);
BEGIN
  IF v_tenant IS NULL OR v_planner IS NULL OR v_tech IS NULL OR v_supervisor IS NULL
     OR EXISTS (SELECT FROM app.work_orders WHERE organization_id = v_tenant) THEN
    RETURN;
  END IF;
  SELECT id INTO v_lathe FROM app.equipment WHERE organization_id = v_tenant AND serial_number = 'DMG-350-0042';
  SELECT id INTO v_caliper FROM app.equipment WHERE organization_id = v_tenant AND serial_number = 'MT-55102';
  SELECT id INTO v_contractor FROM app.partners WHERE organization_id = v_tenant AND code = 'C-4001';
  IF v_lathe IS NULL OR v_contractor IS NULL THEN
    RETURN;
  END IF;
  -- The lathe's class requires lockout; the tenant's lockout checklist.
  UPDATE app.equipment_classes SET requires_lockout = true WHERE organization_id = v_tenant AND code = 'cnc-lathe';
  INSERT INTO app.checklist_templates (organization_id, key, name, entity_type)
  VALUES (v_tenant, 'maintenance-lockout', 'Lockout/tagout', 'work_order') ON CONFLICT DO NOTHING;
  INSERT INTO app.checklist_template_items (organization_id, template_id, position, label, required)
  SELECT v_tenant, t.id, i.position, i.label, true
    FROM app.checklist_templates AS t, (VALUES (1, 'Main switch off and locked'), (2, 'Stored energy released'), (3, 'Tag applied')) AS i (position, label)
   WHERE t.organization_id = v_tenant AND t.key = 'maintenance-lockout'
  ON CONFLICT DO NOTHING;
  -- A guard check with a photo item (kind photo) and a pass/fail that also needs a photo.
  INSERT INTO app.checklist_templates (organization_id, key, name, entity_type)
  VALUES (v_tenant, 'lathe-guard-photo', 'Lathe guards (photos)', 'work_order') ON CONFLICT DO NOTHING;
  INSERT INTO app.checklist_template_items (organization_id, template_id, position, label, required, kind, photo_required)
  SELECT v_tenant, t.id, i.position, i.label, true, i.kind, true
    FROM app.checklist_templates AS t,
         (VALUES (1, 'Photo of the refitted chuck guard', 'photo'), (2, 'Door interlock stops the spindle', 'pass_fail')) AS i (position, label, kind)
   WHERE t.organization_id = v_tenant AND t.key = 'lathe-guard-photo'
  ON CONFLICT DO NOTHING;
  -- The lathe's monthly service checklist: a check, two measurements with limits and units, a pass/fail, a note.
  INSERT INTO app.checklist_templates (organization_id, key, name, entity_type)
  VALUES (v_tenant, 'lathe-service', 'Lathe monthly service', 'work_order') ON CONFLICT DO NOTHING;
  INSERT INTO app.checklist_template_items (organization_id, template_id, position, label, required, kind, lower_limit, upper_limit, unit)
  SELECT v_tenant, t.id, i.position, i.label, i.required, i.kind, i.lower_limit, i.upper_limit, i.unit
    FROM app.checklist_templates AS t,
         (VALUES (1, 'Chip conveyor cleaned', true, 'check', NULL::numeric, NULL::numeric, NULL::text),
                 (2, 'Chuck pressure', true, 'measurement', 18, 22, 'bar'),
                 (3, 'Spindle bearing temperature after 10 min', true, 'measurement', 20, 45, 'degC'),
                 (4, 'Way lube level in the sight glass', true, 'pass_fail', NULL, NULL, NULL),
                 (5, 'Remarks', false, 'text', NULL, NULL, NULL)) AS i (position, label, required, kind, lower_limit, upper_limit, unit)
   WHERE t.organization_id = v_tenant AND t.key = 'lathe-service'
  ON CONFLICT DO NOTHING;

  -- The planner: a QR code on the lathe, a template, rates.
  PERFORM set_config('request.jwt.claims', jsonb_build_object('sub', v_planner, 'role', 'app_user', 'org_id', v_tenant)::text, true);
  PERFORM set_config('role', 'app_user', true);
  v_token := app.issue_work_request_token(v_lathe);
  PERFORM app.define_work_order_template('lathe-monthly', 'Lathe monthly service', 'preventive',
    E'1. Lock out.\n2. Clean chip conveyor.\n3. Check way lube level.\n4. Check chuck pressure.', 'lathe-service', 2);
  PERFORM app.set_labour_rate(68, 'USD', user_id => v_tech);
  PERFORM app.set_labour_rate(82, 'USD', user_id => v_supervisor);

  -- Someone at the lathe scans its QR code (no account); an operator reports too.
  PERFORM set_config('request.jwt.claims', '{"role": "anon"}', true);
  PERFORM set_config('role', 'anon', true);
  v_number := app.submit_work_request(v_token, 'Coolant leaking at the turret', 'Puddle under the turret since the night shift.', 'Night shift lead, ext. 214');
  PERFORM set_config('role', 'none', true);
  PERFORM set_config('request.jwt.claims', jsonb_build_object('sub', v_operator, 'role', 'app_user', 'org_id', v_tenant)::text, true);
  PERFORM set_config('role', 'app_user', true);
  PERFORM app.request_work(v_lathe, 'Coolant on the floor', 'Same leak as reported this morning.');

  -- The planner converts the QR request, rejects the duplicate, and plans one work order per state.
  PERFORM set_config('request.jwt.claims', jsonb_build_object('sub', v_planner, 'role', 'app_user', 'org_id', v_tenant)::text, true);
  SELECT * INTO v_request FROM app.work_requests WHERE organization_id = v_tenant AND request_number = v_number;
  v_order := app.convert_work_request(v_request.id, 'corrective', 2, NULL, true);
  v_orders := v_orders || v_order.id;
  PERFORM app.decide_work_request(r.id, false, 'Duplicate of ' || v_number || '; we are on it.')
     FROM app.work_requests AS r WHERE r.organization_id = v_tenant AND r.title = 'Coolant on the floor';
  FOREACH v_state IN ARRAY ARRAY['planned', 'scheduled', 'in_progress', 'on_hold', 'completed', 'verified', 'closed', 'cancelled'] LOOP
    v_i := v_i + 1;
    v_order := app.create_work_order(CASE WHEN v_i % 2 = 0 THEN v_caliper ELSE v_lathe END,
                                     (ARRAY['preventive', 'inspection', 'corrective', 'emergency'])[1 + v_i % 4]::app.work_order_type,
                                     CASE WHEN v_i % 4 = 1 THEN NULL ELSE 'Demo work order ' || v_i || ' (' || v_state || ')' END,
                                     '', 1 + v_i % 5, CASE WHEN v_i % 4 = 1 OR v_state = 'verified' THEN (SELECT id FROM app.work_order_templates
                                                                               WHERE organization_id = v_tenant AND code = 'lathe-monthly') END,
                                     current_date + v_i);
    v_orders := v_orders || v_order.id;
  END LOOP;

  -- Drive each into its state as the people who would.
  FOR v_i IN 1..array_length(v_orders, 1) LOOP
    SELECT * INTO v_order FROM app.work_orders WHERE organization_id = v_tenant AND id = v_orders[v_i];
    v_state := CASE WHEN v_i = 1 THEN 'in_progress' ELSE (ARRAY['planned', 'scheduled', 'in_progress', 'on_hold', 'completed', 'verified', 'closed', 'cancelled'])[v_i - 1] END;
    PERFORM set_config('request.jwt.claims', jsonb_build_object('sub', v_planner, 'role', 'app_user', 'org_id', v_tenant)::text, true);
    IF v_state = 'cancelled' THEN
      PERFORM app.transition_work_order(v_order.id, 'cancelled', 'Machine to be replaced next quarter.');
      CONTINUE;
    END IF;
    CONTINUE WHEN v_state = 'planned';
    PERFORM app.schedule_work_order(v_order.id, v_tech, now() - interval '3 hours' + make_interval(days => v_i - 5),
                                    now() - interval '1 hour' + make_interval(days => v_i - 5));
    IF v_i IN (1, 3, 7) THEN
      PERFORM app.assign_work_order_contractor(v_order.id, v_contractor);
      PERFORM app.add_contractor_charge(v_order.id, v_contractor, 350 + 40 * v_i, 'USD', 'Service technician, call-out and hours');
    END IF;
    CONTINUE WHEN v_state = 'scheduled';
    PERFORM set_config('request.jwt.claims', jsonb_build_object('sub', v_tech, 'role', 'app_user', 'org_id', v_tenant)::text, true);
    IF v_order.equipment_id = v_lathe THEN
      PERFORM app.start_checklist('maintenance-lockout', 'work_order', v_order.id);
      PERFORM app.check_checklist_item(i.id) FROM app.checklist_items AS i JOIN app.checklists AS c
          ON c.organization_id = i.organization_id AND c.id = i.checklist_id
        JOIN app.checklist_templates AS t ON t.organization_id = c.organization_id AND t.id = c.template_id
       WHERE c.organization_id = v_tenant AND c.entity_type = 'work_order' AND c.entity_id = v_order.id AND t.key = 'maintenance-lockout';
      -- The technician signs "lockout applied" before starting (app.sign_work_order_lockout).
      PERFORM app.sign_work_order_lockout(v_order.id, 'applied', 'pulse-demo-password', 'Main switch locked, padlock and tag 12 fitted.');
    END IF;
    PERFORM app.transition_work_order(v_order.id, 'in_progress');
    PERFORM app.log_labour(v_order.id, now() - interval '3 hours' + make_interval(days => least(v_i - 5, 0)), hours => 1 + v_i * 0.25,
                           note => 'Demo labour');
    -- A wrong entry corrected the only way labour is: its author reverses it with a reason (app.reverse_labour).
    IF v_i = 3 THEN
      PERFORM app.reverse_labour((app.log_labour(v_order.id, now() - interval '2 hours', hours => 0.5, note => 'Demo: meant for another job')).id,
                                 'Logged on the wrong work order.');
    END IF;
    IF v_state = 'on_hold' THEN
      PERFORM app.transition_work_order(v_order.id, 'on_hold', 'Waiting for a seal kit from Initech.');
      CONTINUE;
    END IF;
    CONTINUE WHEN v_state = 'in_progress';
    -- The technician answers the service checklist (measurements within their limits), then signs the completion.
    PERFORM app.answer_checklist_item(i.id, checked => CASE WHEN i.kind = 'check' THEN true END,
                                      measured_value => CASE WHEN i.kind = 'measurement' THEN round((i.lower_limit + i.upper_limit) / 2 + 0.4, 1) END,
                                      passed => CASE WHEN i.kind = 'pass_fail' THEN true END,
                                      text_value => CASE WHEN i.kind = 'text' THEN 'Slight chatter at 2,000 rpm, within tolerance.' END)
       FROM app.checklist_items AS i JOIN app.checklists AS c ON c.organization_id = i.organization_id AND c.id = i.checklist_id
      WHERE c.organization_id = v_tenant AND c.entity_type = 'work_order' AND c.entity_id = v_order.id AND i.checked_at IS NULL;
    IF v_order.equipment_id = v_lathe THEN
      PERFORM app.sign_work_order_lockout(v_order.id, 'removed', 'pulse-demo-password', 'Energy restored, guards back, lock 12 removed.');
    END IF;
    PERFORM app.complete_work_order(v_order.id, 'pulse-demo-password', 'Work done as planned.');
    CONTINUE WHEN v_state = 'completed';
    PERFORM set_config('request.jwt.claims', jsonb_build_object('sub', v_supervisor, 'role', 'app_user', 'org_id', v_tenant)::text, true);
    PERFORM app.verify_work_order(v_order.id, 'pulse-demo-password', 'Checked on site.');
    CONTINUE WHEN v_state = 'verified';
    PERFORM set_config('request.jwt.claims', jsonb_build_object('sub', v_planner, 'role', 'app_user', 'org_id', v_tenant)::text, true);
    PERFORM app.transition_work_order(v_order.id, 'closed');
  END LOOP;

  -- The converted coolant leak (in progress): the technician takes two bearings for it from the main store
  -- (costed at their receipt's 6.80, so they show in the work order's and the lathe's costs) and records
  -- its failure codes, which the breakdown needs before it completes.
  PERFORM set_config('request.jwt.claims', jsonb_build_object('sub', v_tech, 'role', 'app_user', 'org_id', v_tenant)::text, true);
  IF v_bearing IS NOT NULL AND v_bearing_bin IS NOT NULL THEN
    PERFORM app.issue_stock(v_bearing, 2, 'work_order', v_orders[1], v_bearing_bin);
  END IF;
  IF EXISTS (SELECT FROM app.failure_codes WHERE organization_id = v_tenant AND kind = 'problem' AND code = 'LEAK') THEN
    PERFORM app.set_work_order_failure_codes(v_orders[1], 'LEAK', 'SEAL-WORN', 'REPLACE-SEAL');
    -- Its stop yesterday goes to the downtime log, so the failure-code Pareto (app.failure_pareto) has a coded
    -- breakdown beside the register's uncoded spindle faults.
    PERFORM app.record_work_order_stop(v_orders[1], 'breakdown', date_trunc('day', now()) - interval '1 day' + interval '11 hours',
                                       date_trunc('day', now()) - interval '1 day' + interval '12 hours 30 minutes', 'Coolant leak at the pump seal');
  END IF;
  -- A photo item on it (a guard checklist): the technician has declared the photo; it waits for its upload
  -- (app.attachment_upload_url, PUT, app.confirm_attachment_upload), so the item is still unanswered.
  PERFORM app.start_checklist('lathe-guard-photo', 'work_order', v_orders[1]);
  PERFORM app.attach_checklist_photo(i.id, 'guard-refitted.jpg', 'image/jpeg', 182044, repeat('3b', 32))
     FROM app.checklist_items AS i JOIN app.checklists AS c ON c.organization_id = i.organization_id AND c.id = i.checklist_id
    WHERE c.organization_id = v_tenant AND c.entity_type = 'work_order' AND c.entity_id = v_orders[1] AND i.kind = 'photo';
  PERFORM set_config('role', 'none', true);
  PERFORM set_config('request.jwt.claims', '', true);
END
$$;
