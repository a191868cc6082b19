-- Demo data of maintenance spare parts and stores (90_maintenance/40_*..44_*):
-- Acme's main store at plant 1 (two bins) and a store at plant 2; spares in
-- the one parts master (bearings, a belt, a spindle seal kit, hydraulic oil);
-- Initech Metals and a bearing distributor as vendors, a contractor; reorder
-- points, one part already below it (an open purchase request and its
-- notification), the lathe's spare-parts list with a critical seal kit below
-- its minimum, a reservation for the lathe and an issue against it. Written
-- as the owner, stock through the ledger; idempotent (nothing is added when
-- Acme has a storeroom).

DO $$
DECLARE
  v_acme uuid := (SELECT id FROM app.organizations WHERE slug = 'acme-manufacturing');
  v_plant_1 uuid := (SELECT id FROM app.sites WHERE organization_id = v_acme AND code = 'PLANT-1');
  v_plant_2 uuid := (SELECT id FROM app.sites WHERE organization_id = v_acme AND code = 'PLANT-2');
  v_initech uuid := (SELECT id FROM app.partners WHERE organization_id = v_acme AND code = 'S-2001');
  v_keeper uuid := (SELECT id FROM app.users WHERE email = 'storekeeper@acme.test');
  v_lathe uuid := (SELECT id FROM app.equipment WHERE organization_id = v_acme AND serial_number = 'DMG-350-0042');
  v_bearings uuid;
  v_contractor uuid;
  v_main uuid;
  v_plant2_store uuid;
  v_a01 uuid;
  v_a02 uuid;
  v_b01 uuid;
  v_reservation uuid;
BEGIN
  IF v_acme IS NULL OR v_plant_1 IS NULL OR v_lathe IS NULL OR EXISTS (SELECT FROM app.storerooms WHERE organization_id = v_acme) THEN
    RETURN;
  END IF;

  INSERT INTO app.parts (organization_id, part_number, name, description, unit) VALUES
    (v_acme, 'MRO-BRG-6205', 'Deep groove ball bearing 6205-2RS', 'Spare for the lathe''s tailstock and the conveyor rollers', 'pcs'),
    (v_acme, 'MRO-BELT-XPZ', 'V-belt XPZ 1250', 'Coolant pump drive belt', 'pcs'),
    (v_acme, 'MRO-SEAL-SP42', 'Spindle seal kit SP-0042', 'Seal kit of the lathe''s main spindle (long lead time)', 'pcs'),
    (v_acme, 'MRO-OIL-HLP46', 'Hydraulic oil HLP 46', 'Hydraulic unit oil', 'L')
  ON CONFLICT ON CONSTRAINT parts_part_number_unique DO NOTHING;

  INSERT INTO app.partners (organization_id, kind, name, code, website)
  VALUES (v_acme, 'supplier', 'Bearing Point Distribution', 'S-3001', 'https://bearingpoint.example'),
         (v_acme, 'supplier', 'Hydro Service GmbH', 'C-4001', 'https://hydroservice.example')
  ON CONFLICT ON CONSTRAINT partners_code_unique DO NOTHING;
  SELECT id INTO v_bearings FROM app.partners WHERE organization_id = v_acme AND code = 'S-3001';
  SELECT id INTO v_contractor FROM app.partners WHERE organization_id = v_acme AND code = 'C-4001';
  INSERT INTO app.partner_roles (organization_id, partner_id, role)
  VALUES (v_acme, v_bearings, 'vendor'), (v_acme, v_initech, 'vendor'), (v_acme, v_contractor, 'contractor'), (v_acme, v_contractor, 'vendor')
  ON CONFLICT DO NOTHING;
  INSERT INTO app.contacts (organization_id, partner_id, contact_type, full_name, job_title, email, phone, is_primary)
  VALUES (v_acme, v_bearings, 'commercial', 'Rita Roller', 'Sales', 'rita@bearingpoint.example', '+49 30 555 0101', true),
         (v_acme, v_contractor, 'commercial', 'Hans Hydraulik', 'Service technician', 'hans@hydroservice.example', '+49 89 555 0199', true);

  INSERT INTO app.vendor_parts (organization_id, partner_id, part_id, vendor_part_number, unit_price, currency, lead_time_days, is_preferred)
  SELECT v_acme, v.partner, p.id, v.number, v.price, 'USD', v.lead, v.preferred
    FROM (VALUES (v_bearings, 'MRO-BRG-6205', 'BP-6205-2RS', 6.80, 3, true),
                 (v_initech, 'MRO-BRG-6205', 'IN-6205', 5.90, 14, false),
                 (v_bearings, 'MRO-BELT-XPZ', 'BP-XPZ1250', 14.50, 5, true),
                 (v_contractor, 'MRO-SEAL-SP42', 'HS-SP42-KIT', 412.00, 42, true),
                 (v_contractor, 'MRO-OIL-HLP46', 'HS-HLP46-20', 3.10, 7, true)) AS v (partner, part_number, number, price, lead, preferred)
    JOIN app.parts AS p ON p.organization_id = v_acme AND p.part_number = v.part_number;

  INSERT INTO app.storerooms (organization_id, site_id, code, name, responsible_user_id)
  VALUES (v_acme, v_plant_1, 'MS-P1', 'Plant 1 main store', v_keeper) RETURNING id INTO v_main;
  INSERT INTO app.storerooms (organization_id, site_id, code, name, responsible_user_id)
  VALUES (v_acme, coalesce(v_plant_2, v_plant_1), 'MS-P2', 'Plant 2 store', v_keeper) RETURNING id INTO v_plant2_store;
  INSERT INTO app.storeroom_bins (organization_id, storeroom_id, site_id, code) VALUES (v_acme, v_main, v_plant_1, 'A-01') RETURNING id INTO v_a01;
  INSERT INTO app.storeroom_bins (organization_id, storeroom_id, site_id, code) VALUES (v_acme, v_main, v_plant_1, 'A-02') RETURNING id INTO v_a02;
  INSERT INTO app.storeroom_bins (organization_id, storeroom_id, site_id, code)
  VALUES (v_acme, v_plant2_store, coalesce(v_plant_2, v_plant_1), 'B-01') RETURNING id INTO v_b01;

  -- Receipts (through the ledger), then the settings: the belt ends below its point.
  INSERT INTO app.stock_movements (organization_id, part_id, bin_id, kind, quantity, unit_cost, moved_by)
  SELECT v_acme, p.id, r.bin, 'receipt', r.quantity, r.cost, v_keeper
    FROM (VALUES ('MRO-BRG-6205', v_a01, 24, 6.80), ('MRO-BELT-XPZ', v_a02, 2, 14.50), ('MRO-OIL-HLP46', v_a02, 60, 3.10),
                 ('MRO-SEAL-SP42', v_a01, 1, 412.00), ('MRO-BRG-6205', v_b01, 8, 6.80)) AS r (part_number, bin, quantity, cost)
    JOIN app.parts AS p ON p.organization_id = v_acme AND p.part_number = r.part_number;
  INSERT INTO app.part_storeroom_settings (organization_id, part_id, storeroom_id, reorder_point, reorder_quantity)
  SELECT v_acme, p.id, s.room, s.point, s.quantity
    FROM (VALUES ('MRO-BRG-6205', v_main, 10, 20), ('MRO-BELT-XPZ', v_main, 4, 6), ('MRO-OIL-HLP46', v_main, 40, 100),
                 ('MRO-BRG-6205', v_plant2_store, 4, 10)) AS s (part_number, room, point, quantity)
    JOIN app.parts AS p ON p.organization_id = v_acme AND p.part_number = s.part_number;

  -- The lathe's spare-parts list: the seal kit is critical, 2 kept whatever the usage (1 on hand: below).
  INSERT INTO app.equipment_spare_parts (organization_id, equipment_id, part_id, quantity, is_critical, storeroom_id, minimum_stock, notes)
  SELECT v_acme, v_lathe, p.id, l.quantity, l.critical, CASE WHEN l.critical THEN v_main END, l.minimum, l.notes
    FROM (VALUES ('MRO-SEAL-SP42', 1, true, 2, '42 days lead time: a spindle failure without it stops cell 4 for six weeks'),
                 ('MRO-BRG-6205', 2, false, NULL, 'Tailstock bearings'),
                 ('MRO-OIL-HLP46', 20, false, NULL, 'Hydraulic unit fill')) AS l (part_number, quantity, critical, minimum, notes)
    JOIN app.parts AS p ON p.organization_id = v_acme AND p.part_number = l.part_number;

  -- Two bearings reserved for next week's lathe service; one issued against the lathe.
  INSERT INTO app.stock_reservations (organization_id, part_id, bin_id, storeroom_id, site_id, quantity, needed_by, entity_type, entity_id, created_by)
  SELECT v_acme, p.id, v_a01, v_main, v_plant_1, 2, current_date + 7, 'equipment', v_lathe, v_keeper
    FROM app.parts AS p WHERE p.organization_id = v_acme AND p.part_number = 'MRO-BRG-6205'
  RETURNING id INTO v_reservation;
  INSERT INTO app.stock_movements (organization_id, part_id, bin_id, kind, reserved_delta, entity_type, entity_id, reservation_id, moved_by)
  SELECT v_acme, r.part_id, r.bin_id, 'reservation', r.quantity, r.entity_type, r.entity_id, r.id, v_keeper
    FROM app.stock_reservations AS r WHERE r.organization_id = v_acme AND r.id = v_reservation;
  INSERT INTO app.stock_movements (organization_id, part_id, bin_id, kind, quantity, entity_type, entity_id, moved_by)
  SELECT v_acme, p.id, v_a02, 'issue', -10, 'equipment', v_lathe, v_keeper
    FROM app.parts AS p WHERE p.organization_id = v_acme AND p.part_number = 'MRO-OIL-HLP46';
END
$$;
