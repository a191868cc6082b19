-- Logistics on Acme (84_logistics): the GS1 company prefix (GS1's example
-- 0614141), a GTIN on the bracket, and a shipment of 100 brackets to Globex
-- from the main plant made through the API as logistics@acme.test would:
-- one pallet with its SSCC, picked, packed, shipped, an SSCC label and a lot
-- label queued for the worker, scans at the dock and on the truck, the
-- lot's final inspection (measured by production, released by QA) and a
-- certificate of conformance that lists it. Runs once per tenant (skipped when it has
-- shipments, or no bracket lot from 80_manufacturing.sql).

DO $$
DECLARE
  v_tenant uuid := (SELECT id FROM app.organizations WHERE slug = 'acme-manufacturing');
  v_logistics uuid := (SELECT id FROM app.users WHERE email = 'logistics@acme.test');
  v_lot app.lots;
  v_globex uuid;
  v_shipment app.shipments;
  v_unit app.shipping_units;
  v_production uuid := (SELECT id FROM app.users WHERE email = 'production@acme.test');
  v_qa uuid := (SELECT id FROM app.users WHERE email = 'qa@acme.test');
  v_plan uuid;
  v_final uuid;
BEGIN
  IF v_tenant IS NULL OR EXISTS (SELECT FROM app.shipments WHERE organization_id = v_tenant) THEN
    RETURN;
  END IF;
  SELECT l.* INTO v_lot FROM app.lots AS l JOIN app.parts AS p ON p.organization_id = l.organization_id AND p.id = l.part_id
   WHERE l.organization_id = v_tenant AND p.part_number = 'BRK-1100' ORDER BY l.created_at LIMIT 1;
  IF v_lot.id IS NULL THEN
    RETURN;
  END IF;
  SELECT id INTO v_globex FROM app.partners WHERE organization_id = v_tenant AND name = 'Globex Corporation';
  INSERT INTO app.tenant_settings (organization_id, setting_key, value) VALUES (v_tenant, 'gs1_company_prefix', '"0614141"')
  ON CONFLICT (organization_id, setting_key) DO NOTHING;
  UPDATE app.parts SET gtin = '00614141110001' WHERE organization_id = v_tenant AND part_number = 'BRK-1100' AND gtin IS NULL;

  PERFORM set_config('request.jwt.claims', jsonb_build_object('sub', v_logistics, 'role', 'app_user', 'org_id', v_tenant)::text, true);
  PERFORM set_config('role', 'app_user', true);
  v_shipment := app.create_shipment(v_globex, v_lot.site_id, 'DHL Freight', 'DHL-4711-0815', current_date + 2,
                                    'Pump housing brackets, call-off 7');
  v_unit := app.add_shipping_unit(v_shipment.id, 'pallet');
  PERFORM app.add_shipment_item(v_shipment.id, lot_id => v_lot.id, quantity => 100, shipping_unit_id => v_unit.id);
  PERFORM app.transition('shipment', v_shipment.id, 'picked', 'Picked from rack B-12');
  PERFORM app.scan(v_unit.sscc, 'Dock 2', 'dock-scanner-1');
  PERFORM app.transition('shipment', v_shipment.id, 'packed', 'Wrapped, 1 pallet');
  PERFORM app.request_label(shipping_unit_id => v_unit.id);
  PERFORM app.request_label(lot_id => v_lot.id);
  PERFORM app.ship_shipment(v_shipment.id);
  PERFORM app.scan('(00)' || v_unit.sscc, 'Truck DHL-4711', 'handheld-7');

  -- The lot's final inspection against the bracket's control plan: measured by production, released by QA
  -- (a certificate of conformance states released inspections; without one it is refused).
  PERFORM set_config('request.jwt.claims', jsonb_build_object('sub', v_production, 'role', 'app_user', 'org_id', v_tenant)::text, true);
  SELECT p.id INTO v_plan FROM app.control_plans AS p
    JOIN app.part_revisions AS r ON r.organization_id = p.organization_id AND r.id = p.part_revision_id
   WHERE p.organization_id = v_tenant AND r.part_id = v_lot.part_id AND p.site_id = v_lot.site_id AND p.status = 'approved'
   ORDER BY p.part_revision_id = v_lot.part_revision_id DESC, p.approved_at DESC LIMIT 1;
  IF v_plan IS NOT NULL AND v_production IS NOT NULL AND v_qa IS NOT NULL THEN
    v_final := (app.open_inspection(v_plan, 'final', lot_id => v_lot.id, line => 'Final inspection')).id;
    PERFORM app.record_measurements(v_final, c.id, ARRAY[25.00, 25.01, 24.99, 25.00, 25.01])
       FROM app.characteristics AS c WHERE c.organization_id = v_tenant AND c.control_plan_id = v_plan AND c.kind = 'variable';
    PERFORM app.record_measurement(v_final, c.id, defective => false)
       FROM app.characteristics AS c WHERE c.organization_id = v_tenant AND c.control_plan_id = v_plan AND c.kind = 'attribute';
    PERFORM app.complete_inspection(v_final);
    PERFORM set_config('request.jwt.claims', jsonb_build_object('sub', v_qa, 'role', 'app_user', 'org_id', v_tenant)::text, true);
    PERFORM app.decide_inspection(v_final, true, 'Final inspection of the call-off lot: all characteristics in spec.');
    PERFORM set_config('request.jwt.claims', jsonb_build_object('sub', v_logistics, 'role', 'app_user', 'org_id', v_tenant)::text, true);
    PERFORM app.issue_shipment_certificate(v_shipment.id);
  END IF;

  PERFORM set_config('role', 'none', true);
  PERFORM set_config('request.jwt.claims', '', true);
END
$$;
