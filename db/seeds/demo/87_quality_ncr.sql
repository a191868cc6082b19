-- Acme's NCR, concession and complaint (db/functions/80_quality/30_ncr,
-- 32_concessions, 34_complaints), on the parts and lots of
-- 80_manufacturing.sql: production reports burrs on a new bracket lot (held
-- at once); QA contains it and records Globex's concession GLX-DEV-0107;
-- engineering, on the MRB, dispositions 40 brackets to use as is under the
-- concession and scraps 10, so the NCR waits for verification. Globex's
-- portal user files a complaint about leaking pump housings, which QA
-- works as an 8D (a CAPA linked back) and links to the NCR. Laminations
-- found at the press in Initech's accepted coil IM-90117 become an NCR
-- against Initech (counted in its PPM after receipt), whose 12 kg the MRB
-- scraps (the scrap rate shows them apart from pieces).
-- Runs once per tenant (skipped when the tenant already has NCRs).

DO $$
DECLARE
  v_tenant uuid := (SELECT id FROM app.organizations WHERE slug = 'acme-manufacturing');
  v_qa uuid := (SELECT id FROM app.users WHERE email = 'qa@acme.test');
  v_production uuid := (SELECT id FROM app.users WHERE email = 'production@acme.test');
  v_engineering uuid := (SELECT id FROM app.users WHERE email = 'engineering@acme.test');
  v_portal uuid := (SELECT id FROM app.users WHERE email = 'customer_portal@acme.test');
  v_plant_1 uuid;
  v_globex uuid;
  v_bracket uuid;
  v_housing uuid;
  v_lot uuid;
  v_ncr app.ncrs;
  v_concession app.concessions;
  v_complaint app.customer_complaints;
  v_receipt app.receipts;
BEGIN
  IF v_tenant IS NULL OR EXISTS (SELECT FROM app.ncrs WHERE organization_id = v_tenant) THEN
    RETURN;
  END IF;
  SELECT id INTO v_plant_1 FROM app.sites WHERE organization_id = v_tenant AND code = 'PLANT-1';
  SELECT id INTO v_globex FROM app.partners WHERE organization_id = v_tenant AND name = 'Globex Corporation';
  SELECT id INTO v_bracket FROM app.parts WHERE organization_id = v_tenant AND part_number = 'BRK-1100';
  SELECT id INTO v_housing FROM app.parts WHERE organization_id = v_tenant AND part_number = 'PH-2200';
  IF v_bracket IS NULL OR v_plant_1 IS NULL THEN
    RETURN;
  END IF;

  -- Production makes a bracket lot and reports the burrs found on it.
  PERFORM set_config('request.jwt.claims', jsonb_build_object('sub', v_production, 'role', 'app_user', 'org_id', v_tenant)::text, true);
  PERFORM set_config('role', 'app_user', true);
  SELECT id INTO v_lot FROM app.create_lots(v_bracket, v_plant_1, 50);
  v_ncr := app.create_ncr(v_bracket, v_plant_1, 'Burr on bend edge', 'Burr height up to 0.3 mm on the bend edge (drawing: 0.1 mm max); found at the in-process check, all 50 pieces of the lot.',
                          lot_ids => ARRAY[v_lot], detection => 'in_process');

  -- QA contains it and records Globex's concession.
  PERFORM set_config('request.jwt.claims', jsonb_build_object('sub', v_qa, 'role', 'app_user', 'org_id', v_tenant)::text, true);
  PERFORM app.advance_ncr(v_ncr.id, 'containment');
  PERFORM app.advance_ncr(v_ncr.id, 'disposition', 'Lot segregated in the MRB cage; the two lots before it checked, no burr.');
  v_concession := app.request_concession(v_globex, v_bracket, 'Burr up to 0.3 mm on the bend edge accepted: not a sealing or mating surface.',
                                         50, now() - interval '1 day', now() + interval '60 days', lot_ids => ARRAY[v_lot]);
  PERFORM app.decide_concession(v_concession.id, true, 'GLX-DEV-0107', 'Granted by Globex SQE by e-mail');
  PERFORM app.open_ncr_capa(v_ncr.id, owner_id => v_qa, due_date => current_date + 30);

  -- Engineering, on the MRB, dispositions the lot.
  PERFORM set_config('request.jwt.claims', jsonb_build_object('sub', v_engineering, 'role', 'app_user', 'org_id', v_tenant)::text, true);
  PERFORM app.add_ncr_disposition(v_ncr.id, 'use_as_is', 40, lot_id => v_lot, concession_id => v_concession.id,
                                  instructions => 'Deliver with the concession number on the delivery note.');
  PERFORM app.add_ncr_disposition(v_ncr.id, 'scrap', 10, lot_id => v_lot, instructions => 'Burr above 0.3 mm: scrap.');
  PERFORM set_config('request.jwt.claims', jsonb_build_object('sub', v_qa, 'role', 'app_user', 'org_id', v_tenant)::text, true);
  PERFORM app.advance_ncr(v_ncr.id, 'verification');

  -- Globex's portal user files a complaint; QA opens its 8D and links the NCR.
  IF v_portal IS NOT NULL AND v_housing IS NOT NULL
     AND EXISTS (SELECT FROM app.memberships WHERE organization_id = v_tenant AND user_id = v_portal AND partner_id = v_globex) THEN
    PERFORM set_config('request.jwt.claims', jsonb_build_object('sub', v_portal, 'role', 'app_user', 'org_id', v_tenant)::text, true);
    v_complaint := app.file_complaint(v_housing, 'Housings leak at the bracket seam', 'Three of 120 housings leaked at our incoming leak test, at the bracket weld seam.',
                                      'major', customer_reference => 'GLX-Q-2291', quantity_affected => 3);
    PERFORM set_config('request.jwt.claims', jsonb_build_object('sub', v_qa, 'role', 'app_user', 'org_id', v_tenant)::text, true);
    PERFORM app.link_complaint(v_complaint.id, ncr_ids => ARRAY[v_ncr.id]);
    PERFORM app.open_complaint_8d(v_complaint.id, v_qa, current_date + 21);
  END IF;

  -- Found after receipt: at the press, 12 kg of Initech's accepted coil
  -- IM-90117 turn out laminated. QA raises the NCR against Initech on the
  -- received lot: it counts in Initech's PPM this month (the scorecard).
  PERFORM set_config('request.jwt.claims', jsonb_build_object('sub', v_qa, 'role', 'app_user', 'org_id', v_tenant)::text, true);
  SELECT * INTO v_receipt FROM app.receipts AS r WHERE r.organization_id = v_tenant AND r.supplier_lot = 'IM-90117';
  IF v_receipt.id IS NOT NULL THEN
    v_ncr := app.create_ncr(v_receipt.part_id, v_receipt.site_id, 'Laminations in coil IM-90117',
                            'Laminated sheet found at the press on 12 kg of Initech coil IM-90117 (accepted at receipt).',
                            12, ARRAY[v_receipt.lot_id], supplier_id => v_receipt.supplier_id, detection => 'in_process');
    -- The MRB scraps the 12 kg. The scrap rate counts pieces, and kg has no
    -- conversion to pieces: production_kpi_scrap shows the sheet's 12 kg
    -- apart (scrap_unconverted 1, scrap_unconverted_quantity 12, unit kg),
    -- not as 12 pieces scrapped.
    PERFORM app.advance_ncr(v_ncr.id, 'containment');
    PERFORM app.advance_ncr(v_ncr.id, 'disposition', 'Coil IM-90117 blocked at the press; the rest of the coil checked, no lamination.');
    PERFORM set_config('request.jwt.claims', jsonb_build_object('sub', v_engineering, 'role', 'app_user', 'org_id', v_tenant)::text, true);
    PERFORM app.add_ncr_disposition(v_ncr.id, 'scrap', 12, lot_id => v_receipt.lot_id, instructions => 'Laminated sheet: scrap, to the metal recycling bin.');
    PERFORM set_config('request.jwt.claims', jsonb_build_object('sub', v_qa, 'role', 'app_user', 'org_id', v_tenant)::text, true);
    PERFORM app.advance_ncr(v_ncr.id, 'verification');
  END IF;

  PERFORM set_config('role', 'none', true);
  PERFORM set_config('request.jwt.claims', '', true);
  PERFORM app_private.refresh_kpis();
END
$$;
