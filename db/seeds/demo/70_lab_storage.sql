-- Demo data of lab storage, custody and reagents: Northwind's storage tree
-- at LAB-A (site -> cold room -> freezer and fridge -> rack -> box ->
-- positions), three received serum samples stored in the box (one taken out
-- to the bench and brought back: a custody trail of three events), and
-- reagent lots from Stark Reagents: a pH buffer with a lot in use, one
-- expired and one quarantined; an acetonitrile below its low-stock
-- threshold. Written as the owner; idempotent (nothing is added to a tenant
-- that already has storage locations).

DO $$
DECLARE
  v_org uuid := (SELECT id FROM app.organizations WHERE slug = 'northwind-labs');
  v_lab_a uuid := (SELECT id FROM app.sites WHERE organization_id = v_org AND code = 'LAB-A');
  v_stark uuid := (SELECT id FROM app.partners WHERE organization_id = v_org AND code = 'L-200');
  v_vandelay uuid := (SELECT id FROM app.partners WHERE organization_id = v_org AND code = 'K-100');
  v_tech uuid := (SELECT id FROM app.users WHERE email = 'lab_tech@northwind.test');
  v_manager uuid := (SELECT id FROM app.users WHERE email = 'lab_manager@northwind.test');
  v_site uuid;
  v_room uuid;
  v_freezer uuid;
  v_fridge uuid;
  v_rack uuid;
  v_box uuid;
  v_serum uuid;
  v_sample record;
  v_position uuid;
  v_event uuid;
  v_buffer uuid;
  v_acn uuid;
  v_lot uuid;
BEGIN
  IF v_org IS NULL OR EXISTS (SELECT FROM app.storage_locations WHERE organization_id = v_org) THEN
    RETURN;
  END IF;

  INSERT INTO app.storage_locations (organization_id, kind, code, name, site_id)
  VALUES (v_org, 'site', 'LAB-A', 'Analytical chemistry lab', v_lab_a) RETURNING id INTO v_site;
  INSERT INTO app.storage_locations (organization_id, kind, code, name, parent_id, min_celsius, max_celsius)
  VALUES (v_org, 'room', 'LAB-A/CR1', 'Cold room 1', v_site, 15, 25) RETURNING id INTO v_room;
  INSERT INTO app.storage_locations (organization_id, kind, code, name, parent_id, capacity, min_celsius, max_celsius)
  VALUES (v_org, 'freezer', 'LAB-A/CR1/FRZ-01', 'Freezer -20 °C', v_room, 6, -25, -15) RETURNING id INTO v_freezer;
  INSERT INTO app.storage_locations (organization_id, kind, code, name, parent_id, capacity, min_celsius, max_celsius)
  VALUES (v_org, 'fridge', 'LAB-A/CR1/FRG-01', 'Sample fridge 2-8 °C', v_room, 4, 2, 8) RETURNING id INTO v_fridge;
  INSERT INTO app.storage_locations (organization_id, kind, code, name, parent_id, capacity)
  VALUES (v_org, 'rack', 'LAB-A/CR1/FRG-01/R1', 'Rack 1', v_fridge, 5) RETURNING id INTO v_rack;
  INSERT INTO app.storage_locations (organization_id, kind, code, name, parent_id, capacity)
  VALUES (v_org, 'box', 'LAB-A/CR1/FRG-01/R1/B01', 'Box 01 (9 x 9)', v_rack, 81) RETURNING id INTO v_box;
  INSERT INTO app.storage_locations (organization_id, kind, code, name, parent_id)
  SELECT v_org, 'position', 'LAB-A/CR1/FRG-01/R1/B01/' || r || c, r || c, v_box
    FROM unnest(ARRAY['A', 'B', 'C', 'D', 'E', 'F', 'G', 'H', 'I']) AS r CROSS JOIN generate_series(1, 9) AS c;

  -- Serum samples, received, stored in A1..A3 (custody from the courier).
  INSERT INTO app.sample_types (organization_id, code, name, labels, default_unit, storage_min_celsius, storage_max_celsius, retention_days)
  VALUES (v_org, 'serum', 'Serum', '{"de": "Serum"}', 'mL', 2, 8, 90)
  ON CONFLICT (organization_id, code) DO NOTHING;
  v_serum := (SELECT id FROM app.sample_types WHERE organization_id = v_org AND code = 'serum');
  FOR v_sample IN
    WITH s AS (
      INSERT INTO app.samples (organization_id, sample_type_id, description, site_id, partner_id, collected_at, quantity)
      SELECT v_org, v_serum, 'Stability serum pool ' || n, v_lab_a, v_vandelay, now() - interval '3 days', 5
        FROM generate_series(1, 3) AS n
      RETURNING id, sample_number)
    SELECT s.id, s.sample_number, row_number() OVER (ORDER BY s.sample_number) AS n FROM s
  LOOP
    UPDATE app.samples SET status = 'received', received_at = now() - interval '2 days' WHERE organization_id = v_org AND id = v_sample.id;
    v_position := (SELECT id FROM app.storage_locations WHERE organization_id = v_org AND code = 'LAB-A/CR1/FRG-01/R1/B01/A' || v_sample.n);
    INSERT INTO app.custody_events (organization_id, sample_id, from_external, to_location_id, condition, reason, recorded_by, recorded_at)
    VALUES (v_org, v_sample.id, 'Vandelay courier', v_position, 'intact, 4 °C on arrival', 'stored at receipt', v_tech, now() - interval '2 days')
    RETURNING id INTO v_event;
    UPDATE app.samples SET storage_location_id = v_position, storage_is_position = true WHERE organization_id = v_org AND id = v_sample.id;
    IF v_sample.n = 1 THEN
      -- Taken to the bench by the technician and brought back.
      INSERT INTO app.custody_events (organization_id, sample_id, previous_event_id, from_location_id, to_holder_id, condition, reason,
                                      recorded_by, recorded_at)
      VALUES (v_org, v_sample.id, v_event, v_position, v_tech, 'intact', 'aliquoting for HPLC', v_tech, now() - interval '1 day')
      RETURNING id INTO v_event;
      INSERT INTO app.custody_events (organization_id, sample_id, previous_event_id, from_holder_id, to_location_id, condition, reason,
                                      recorded_by, recorded_at)
      VALUES (v_org, v_sample.id, v_event, v_tech, v_position, 'intact', 'returned after aliquoting', v_tech, now() - interval '20 hours');
    END IF;
  END LOOP;

  -- Reagents and consumables.
  INSERT INTO app.reagent_items (organization_id, code, name, kind, unit, low_stock_threshold, catalog_number)
  VALUES (v_org, 'BUF-PH7', 'pH 7.00 buffer', 'standard', 'mL', 250, 'SR-7700') RETURNING id INTO v_buffer;
  INSERT INTO app.reagent_items (organization_id, code, name, kind, unit, low_stock_threshold, catalog_number)
  VALUES (v_org, 'ACN-HPLC', 'Acetonitrile, HPLC grade', 'reagent', 'L', 5, 'SR-1020') RETURNING id INTO v_acn;
  INSERT INTO app.reagent_items (organization_id, code, name, kind, unit, low_stock_threshold)
  VALUES (v_org, 'TIPS-200', 'Pipette tips 200 µL', 'consumable', 'mL', NULL);
  INSERT INTO app.reagent_lots (organization_id, item_id, lot_number, supplier_id, received_on, expires_on, received_quantity, unit,
                                storage_location_id, created_by)
  VALUES (v_org, v_buffer, 'B7-2611', v_stark, current_date - 60, current_date + 300, 1, 'L', v_room, v_manager)
  RETURNING id INTO v_lot;
  INSERT INTO app.reagent_lots (organization_id, item_id, lot_number, supplier_id, received_on, expires_on, received_quantity, unit, created_by)
  VALUES (v_org, v_buffer, 'B7-2502', v_stark, current_date - 400, current_date - 5, 500, 'mL', v_manager);
  INSERT INTO app.reagent_lots (organization_id, item_id, lot_number, supplier_id, received_on, expires_on, received_quantity, unit, status,
                                status_reason, created_by)
  VALUES (v_org, v_buffer, 'B7-2612', v_stark, current_date - 2, current_date + 330, 500, 'mL', 'quarantined',
          'Certificate of analysis missing', v_manager);
  -- Some of the buffer used for the first serum sample (its reagent provenance).
  UPDATE app.reagent_lots SET remaining_quantity = remaining_quantity - 0.05 WHERE organization_id = v_org AND id = v_lot;
  INSERT INTO app.reagent_uses (organization_id, lot_id, quantity, unit, lot_quantity, entity_type, entity_id, used_by, used_at)
  SELECT v_org, v_lot, 50, 'mL', 0.05, 'sample', s.id, v_tech, now() - interval '1 day'
    FROM app.samples AS s WHERE s.organization_id = v_org AND s.sample_type_id = v_serum ORDER BY s.sample_number LIMIT 1;
  -- Acetonitrile: 4 L left of the threshold of 5 L (announced as low stock).
  INSERT INTO app.reagent_lots (organization_id, item_id, lot_number, supplier_id, received_on, expires_on, received_quantity, unit,
                                storage_location_id, created_by)
  VALUES (v_org, v_acn, 'ACN-88121', v_stark, current_date - 30, current_date + 700, 4, 'L', v_room, v_manager);
END
$$;
