-- Manufacturing on Acme (80_quality, 82_traceability): engineering's parts
-- master (a bracket made for Globex with revision A obsoleted by B, the
-- stainless sheet it is cut from, the pump housing it goes into) and a
-- three-level genealogy made through the API as QA would: a sheet lot
-- received from Initech Metals with their lot number, cut into a bracket
-- lot at the main plant, the brackets built into five serialized housings
-- at the assembly plant; a second sheet lot, partly used, is on hold.
-- Runs once per tenant (skipped when the tenant already has parts).

DO $$
DECLARE
  v_tenant uuid := (SELECT id FROM app.organizations WHERE slug = 'acme-manufacturing');
  v_engineering uuid := (SELECT id FROM app.users WHERE email = 'engineering@acme.test');
  v_qa uuid := (SELECT id FROM app.users WHERE email = 'qa@acme.test');
  v_plant_1 uuid;
  v_plant_2 uuid;
  v_globex uuid;
  v_initech uuid;
  v_sheet uuid;
  v_bracket uuid;
  v_housing uuid;
  v_sheet_lot uuid;
  v_sheet_lot_2 uuid;
  v_bracket_lot uuid;
  v_serial record;
BEGIN
  IF v_tenant IS NULL OR EXISTS (SELECT FROM app.parts WHERE organization_id = v_tenant) THEN
    RETURN;
  END IF;
  SELECT id INTO v_plant_1 FROM app.sites WHERE organization_id = v_tenant AND code = 'PLANT-1';
  SELECT id INTO v_plant_2 FROM app.sites WHERE organization_id = v_tenant AND code = 'PLANT-2';
  SELECT id INTO v_globex FROM app.partners WHERE organization_id = v_tenant AND name = 'Globex Corporation';
  SELECT id INTO v_initech FROM app.partners WHERE organization_id = v_tenant AND name = 'Initech Metals';

  -- Engineering keeps the parts master.
  PERFORM set_config('request.jwt.claims', jsonb_build_object('sub', v_engineering, 'role', 'app_user', 'org_id', v_tenant)::text, true);
  PERFORM set_config('role', 'app_user', true);
  INSERT INTO app.parts (part_number, name, description, unit) VALUES
    ('SS304-2.0', 'Stainless sheet 304, 2.0 mm', 'Cold-rolled 1.4301, 2B finish, 1000 x 2000 mm', 'kg')
  RETURNING id INTO v_sheet;
  INSERT INTO app.parts (part_number, name, description, unit, customer_id, customer_concession_required) VALUES
    ('BRK-1100', 'Mounting bracket', 'Laser-cut and bent bracket for the Globex pump housing', 'pcs', v_globex, true)
  RETURNING id INTO v_bracket;
  INSERT INTO app.parts (part_number, name, description, unit, customer_id, customer_concession_required) VALUES
    ('PH-2200', 'Pump housing assembly', 'Housing with two brackets, leak-tested', 'pcs', v_globex, true)
  RETURNING id INTO v_housing;
  INSERT INTO app.part_revisions (part_id, revision, description) VALUES
    (v_sheet, 'A', 'Initial'), (v_bracket, 'A', 'First article approved'), (v_bracket, 'B', 'Bend radius 3 mm (ECO-0012)'),
    (v_housing, 'A', 'Initial');
  PERFORM app.release_part_revision(r.id) FROM app.part_revisions AS r
    WHERE r.organization_id = v_tenant AND r.revision = 'A';
  PERFORM app.release_part_revision(r.id) FROM app.part_revisions AS r
    WHERE r.organization_id = v_tenant AND r.part_id = v_bracket AND r.revision = 'B';

  -- QA receives the sheet, production cuts and builds (QA holds traceability.manage tenant-wide).
  PERFORM set_config('request.jwt.claims', jsonb_build_object('sub', v_qa, 'role', 'app_user', 'org_id', v_tenant)::text, true);
  SELECT id INTO v_sheet_lot FROM app.create_lots(v_sheet, v_plant_1, 500, supplier_id => v_initech, supplier_lot => 'IM-88231',
                                                  quality_status => 'quarantined');
  PERFORM app.set_lot_quality_status(v_sheet_lot, 'released', 'Receiving inspection passed: certificate 3.1 checked, thickness 2.01 mm');
  SELECT id INTO v_sheet_lot_2 FROM app.create_lots(v_sheet, v_plant_1, 250, supplier_id => v_initech, supplier_lot => 'IM-88290');
  SELECT id INTO v_bracket_lot FROM app.create_lots(v_bracket, v_plant_1, 200);
  PERFORM app.record_consumption(jsonb_build_array(jsonb_build_object('lot_id', v_sheet_lot, 'quantity', 48, 'unit', 'kg'),
                                                   jsonb_build_object('lot_id', v_sheet_lot_2, 'quantity', 12000, 'unit', 'g')),
                                 produced_lot_id => v_bracket_lot);
  PERFORM app.set_lot_quality_status(v_sheet_lot_2, 'on_hold', 'Supplier notice: possible lamination in coil IM-88290');
  FOR v_serial IN SELECT s.id FROM app.create_serials(v_housing, v_plant_2, 5) AS s LOOP
    PERFORM app.record_consumption(jsonb_build_array(jsonb_build_object('lot_id', v_bracket_lot, 'quantity', 2)),
                                   produced_serial_id => v_serial.id);
  END LOOP;

  PERFORM set_config('role', 'none', true);
  PERFORM set_config('request.jwt.claims', '', true);
END
$$;
