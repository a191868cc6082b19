-- Suppliers on Acme (80_quality, docs/manufacturing/suppliers.md), made
-- through the API as the people would: procurement approves Initech Metals
-- (ISO 9001 certificate) and Umbrella Components conditionally (100 %
-- receiving inspection, expiring in 20 days); logistics receives stainless
-- sheet at the main plant (one delivery late); QA accepts one receipt,
-- rejects part of another and issues Initech a SCAR on it; the scorecard is
-- refreshed. Runs once per tenant (skipped when the tenant already has an
-- approved supplier list), after 80_manufacturing.sql (the parts).

DO $$
DECLARE
  v_tenant uuid := (SELECT id FROM app.organizations WHERE slug = 'acme-manufacturing');
  v_procurement uuid := (SELECT id FROM app.users WHERE email = 'procurement@acme.test');
  v_logistics uuid := (SELECT id FROM app.users WHERE email = 'logistics@acme.test');
  v_qa uuid := (SELECT id FROM app.users WHERE email = 'qa@acme.test');
  v_plant_1 uuid;
  v_initech uuid;
  v_umbrella uuid;
  v_sheet uuid;
  v_good uuid;
  v_bad uuid;
  v_umbrella_receipt uuid;
BEGIN
  IF v_tenant IS NULL OR EXISTS (SELECT FROM app.approved_suppliers WHERE organization_id = v_tenant) THEN
    RETURN;
  END IF;
  SELECT id INTO v_plant_1 FROM app.sites WHERE organization_id = v_tenant AND code = 'PLANT-1';
  SELECT id INTO v_initech FROM app.partners WHERE organization_id = v_tenant AND code = 'S-2001';
  SELECT id INTO v_umbrella FROM app.partners WHERE organization_id = v_tenant AND code = 'CS-3001';
  SELECT id INTO v_sheet FROM app.parts WHERE organization_id = v_tenant AND part_number = 'SS304-2.0';
  IF v_sheet IS NULL THEN
    RETURN;
  END IF;

  PERFORM set_config('role', 'app_user', true);
  PERFORM set_config('request.jwt.claims', jsonb_build_object('sub', v_procurement, 'role', 'app_user', 'org_id', v_tenant)::text, true);
  INSERT INTO app.approved_suppliers (supplier_id, status, basis, certificate, certificate_number, certificate_expires_on, audited_on,
                                      valid_until, notes)
  VALUES (v_initech, 'approved', 'certificate', 'ISO 9001:2015', 'TUV-Q-118842', current_date + 540, current_date - 200, current_date + 365,
          'Mill certificates 3.1 with every delivery');
  INSERT INTO app.approved_suppliers (supplier_id, status, basis, audited_on, valid_until, conditions)
  VALUES (v_umbrella, 'conditional', 'audit', current_date - 60, current_date + 20,
          '100 % receiving inspection until three consecutive clean deliveries');

  PERFORM set_config('request.jwt.claims', jsonb_build_object('sub', v_logistics, 'role', 'app_user', 'org_id', v_tenant)::text, true);
  SELECT id INTO v_good FROM app.record_receipt(v_initech, v_sheet, v_plant_1, 400, 'IM-90117', current_date - 12,
                                                received_at => now() - interval '12 days', purchase_order => 'PO-45120');
  SELECT id INTO v_bad FROM app.record_receipt(v_initech, v_sheet, v_plant_1, 300, 'IM-90240', current_date - 8,
                                               received_at => now() - interval '5 days', purchase_order => 'PO-45188');
  SELECT id INTO v_umbrella_receipt FROM app.record_receipt(v_umbrella, v_sheet, v_plant_1, 120, 'UC-7781', current_date - 2,
                                                            received_at => now() - interval '2 days', purchase_order => 'PO-45201');

  PERFORM set_config('request.jwt.claims', jsonb_build_object('sub', v_qa, 'role', 'app_user', 'org_id', v_tenant)::text, true);
  PERFORM app.decide_receipt(v_good, 400);
  PERFORM app.decide_receipt(v_bad, 270, 30, 'Edge cracks on 30 kg of coil IM-90240 (visual, 10 % sample then 100 % sort)');
  PERFORM app.issue_scar(v_initech, 'Edge cracks on coil IM-90240',
                         '30 kg of 300 kg received on PO-45188 had edge cracks up to 4 mm. Contain stock at your site and in transit, '
                         || 'find the root cause and send your 8D.', current_date + 14, receipt_id => v_bad);

  PERFORM set_config('role', 'none', true);
  PERFORM set_config('request.jwt.claims', '', true);
  PERFORM app_private.refresh_kpis();
END
$$;
