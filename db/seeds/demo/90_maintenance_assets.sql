-- Demo data of maintenance assets: Acme's two plants on a map (Joliet and
-- Aurora, IL). PLANT-1 is a site asset with its outline, a machining hall
-- (area) holding line 4 with the CNC lathe of the registers' demo and its
-- spindle, a press and an air compressor; PLANT-2 an assembly line with a
-- conveyor. Meters (operating hours of the lathe with a reset, press
-- strokes), failure codes for pumps/compressors and lathes with their allowed
-- combinations. The lathe's breakdowns (30_registers.sql) feed the
-- worst-assets Pareto. Written as the owner; idempotent (nothing is added
-- when Acme already has assets).

DO $$
DECLARE
  v_acme uuid := (SELECT id FROM app.organizations WHERE slug = 'acme-manufacturing');
  v_plant_1 uuid := (SELECT id FROM app.sites WHERE organization_id = v_acme AND code = 'PLANT-1');
  v_plant_2 uuid := (SELECT id FROM app.sites WHERE organization_id = v_acme AND code = 'PLANT-2');
  v_lathe uuid := (SELECT id FROM app.equipment WHERE organization_id = v_acme AND serial_number = 'DMG-350-0042');
  v_spindle uuid := (SELECT id FROM app.equipment WHERE organization_id = v_acme AND parent_id = v_lathe LIMIT 1);
  v_site_1 uuid;
  v_hall uuid;
  v_line_4 uuid;
  v_site_2 uuid;
  v_line_a uuid;
  v_meter uuid;
BEGIN
  IF v_acme IS NULL OR v_lathe IS NULL OR EXISTS (SELECT FROM app.assets WHERE organization_id = v_acme) THEN
    RETURN;
  END IF;
  INSERT INTO app.equipment_classes (organization_id, code, name, kind)
  VALUES (v_acme, 'plant', 'Plant', 'other'), (v_acme, 'area', 'Production area', 'other'), (v_acme, 'line', 'Production line', 'other'),
         (v_acme, 'press', 'Hydraulic press', 'machine'), (v_acme, 'compressor', 'Air compressor', 'machine'),
         (v_acme, 'conveyor', 'Conveyor', 'machine')
  ON CONFLICT (organization_id, code) DO NOTHING;

  INSERT INTO app.equipment (organization_id, name, class_id, site_id, location)
  SELECT v_acme, 'Main plant Joliet', id, v_plant_1, '1200 Industrial Pkwy' FROM app.equipment_classes WHERE organization_id = v_acme AND code = 'plant'
  RETURNING id INTO v_site_1;
  INSERT INTO app.equipment (organization_id, name, class_id, site_id, parent_id, location)
  SELECT v_acme, 'Machining hall', id, v_plant_1, v_site_1, 'Hall B' FROM app.equipment_classes WHERE organization_id = v_acme AND code = 'area'
  RETURNING id INTO v_hall;
  INSERT INTO app.equipment (organization_id, name, class_id, site_id, parent_id, location)
  SELECT v_acme, 'Line 4', id, v_plant_1, v_hall, 'Hall B, bay 4' FROM app.equipment_classes WHERE organization_id = v_acme AND code = 'line'
  RETURNING id INTO v_line_4;
  UPDATE app.equipment SET parent_id = v_line_4 WHERE organization_id = v_acme AND id = v_lathe;
  INSERT INTO app.equipment (organization_id, name, class_id, site_id, parent_id, manufacturer, model, serial_number, location)
  SELECT v_acme, e.name, c.id, v_plant_1, CASE WHEN e.on_line THEN v_line_4 ELSE v_hall END, e.manufacturer, e.model, e.serial, e.location
    FROM (VALUES ('Press P-7', 'press', true, 'Schuler', 'MSP 400', 'SCH-400-7781', 'Hall B, bay 4'),
                 ('Air compressor K-1', 'compressor', false, 'Atlas Copco', 'GA 37', 'AC-GA37-1190', 'Hall B, utility room')
         ) AS e (name, class_code, on_line, manufacturer, model, serial, location)
    JOIN app.equipment_classes AS c ON c.organization_id = v_acme AND c.code = e.class_code;
  INSERT INTO app.equipment (organization_id, name, class_id, site_id, location)
  SELECT v_acme, 'Assembly plant Aurora', id, v_plant_2, '88 Assembly Rd' FROM app.equipment_classes WHERE organization_id = v_acme AND code = 'plant'
  RETURNING id INTO v_site_2;
  INSERT INTO app.equipment (organization_id, name, class_id, site_id, parent_id)
  SELECT v_acme, 'Assembly line A', id, v_plant_2, v_site_2 FROM app.equipment_classes WHERE organization_id = v_acme AND code = 'line'
  RETURNING id INTO v_line_a;
  INSERT INTO app.equipment (organization_id, name, class_id, site_id, parent_id, manufacturer, model, serial_number)
  SELECT v_acme, 'Conveyor C-2', id, v_plant_2, v_line_a, 'Interroll', 'RM 8310', 'IR-8310-5521'
    FROM app.equipment_classes WHERE organization_id = v_acme AND code = 'conveyor';

  -- On the map: PLANT-1 near Joliet with its outline, PLANT-2 in Aurora.
  INSERT INTO app.assets (organization_id, equipment_id, level, criticality, longitude, latitude, boundary_geojson)
  VALUES (v_acme, v_site_1, 'site', 'A', -88.0817, 41.5250,
          '{"type": "Polygon", "coordinates": [[[-88.0850, 41.5230], [-88.0780, 41.5230], [-88.0780, 41.5272], [-88.0850, 41.5272], [-88.0850, 41.5230]]]}'),
         (v_acme, v_site_2, 'site', 'B', -88.3201, 41.7606, NULL);
  INSERT INTO app.assets (organization_id, equipment_id, level, criticality, longitude, latitude, boundary_geojson)
  VALUES (v_acme, v_hall, 'area', 'A', -88.0810, 41.5255,
          '{"type": "Polygon", "coordinates": [[[-88.0825, 41.5248], [-88.0795, 41.5248], [-88.0795, 41.5262], [-88.0825, 41.5262], [-88.0825, 41.5248]]]}'),
         (v_acme, v_line_a, 'line', 'B', -88.3198, 41.7608, NULL);
  INSERT INTO app.assets (organization_id, equipment_id, level, criticality, longitude, latitude)
  VALUES (v_acme, v_line_4, 'line', 'A', -88.0812, 41.5256);
  INSERT INTO app.assets (organization_id, equipment_id, level, criticality, commissioned_on, warranty_starts_on, warranty_ends_on,
                          longitude, latitude)
  SELECT v_acme, e.id, 'machine', m.criticality, m.commissioned::date, m.commissioned::date, (m.commissioned::date + interval '2 years')::date,
         m.lon, m.lat
    FROM (VALUES ('DMG-350-0042', 'A', '2023-03-01', -88.08115, 41.52558), ('SCH-400-7781', 'A', '2021-06-15', -88.08128, 41.52565),
                 ('AC-GA37-1190', 'B', '2019-09-01', -88.08030, 41.52500), ('IR-8310-5521', 'C', '2024-01-10', -88.31975, 41.76085)
         ) AS m (serial, criticality, commissioned, lon, lat)
    JOIN app.equipment AS e ON e.organization_id = v_acme AND e.serial_number = m.serial;
  IF v_spindle IS NOT NULL THEN
    INSERT INTO app.assets (organization_id, equipment_id, level, criticality, longitude, latitude)
    VALUES (v_acme, v_spindle, 'component', 'A', -88.08115, 41.52558);
  END IF;

  -- Meters: the lathe's operating hours (the hour meter was replaced once), the press's strokes.
  INSERT INTO app.meters (organization_id, equipment_id, name, unit) VALUES (v_acme, v_lathe, 'Operating hours', 'h')
  RETURNING id INTO v_meter;
  INSERT INTO app.meter_readings (organization_id, meter_id, read_at, value, is_reset, reset_reason)
  VALUES (v_acme, v_meter, now() - interval '60 days', 11800, false, NULL),
         (v_acme, v_meter, now() - interval '45 days', 12150, false, NULL),
         (v_acme, v_meter, now() - interval '30 days', 40, true, 'hour meter replaced with the control unit'),
         (v_acme, v_meter, now() - interval '15 days', 390, false, NULL),
         (v_acme, v_meter, now() - interval '1 day', 725, false, NULL);
  INSERT INTO app.meters (organization_id, equipment_id, name, unit)
  SELECT v_acme, id, 'Strokes', '1' FROM app.equipment WHERE organization_id = v_acme AND serial_number = 'SCH-400-7781'
  RETURNING id INTO v_meter;
  INSERT INTO app.meter_readings (organization_id, meter_id, read_at, value)
  VALUES (v_acme, v_meter, now() - interval '15 days', 1250000), (v_acme, v_meter, now() - interval '8 days', 1283000),
         (v_acme, v_meter, now() - interval '1 day', 1318400);

  -- Failure codes and the combinations allowed per class.
  INSERT INTO app.failure_codes (organization_id, kind, code, name, labels) VALUES
    (v_acme, 'problem', 'LEAK', 'Leak', '{"de": "Leckage"}'),
    (v_acme, 'problem', 'NOISE', 'Abnormal noise', '{"de": "Ungewöhnliches Geräusch"}'),
    (v_acme, 'problem', 'NO-START', 'Does not start', '{"de": "Startet nicht"}'),
    (v_acme, 'cause', 'SEAL-WORN', 'Seal worn', '{"de": "Dichtung verschlissen"}'),
    (v_acme, 'cause', 'BEARING-WORN', 'Bearing worn', '{"de": "Lager verschlissen"}'),
    (v_acme, 'cause', 'SENSOR-FAULT', 'Sensor fault', '{"de": "Sensorfehler"}'),
    (v_acme, 'remedy', 'REPLACE-SEAL', 'Replace seal', '{"de": "Dichtung ersetzen"}'),
    (v_acme, 'remedy', 'REPLACE-BEARING', 'Replace bearing', '{"de": "Lager ersetzen"}'),
    (v_acme, 'remedy', 'REPLACE-SENSOR', 'Replace sensor', '{"de": "Sensor ersetzen"}')
  ON CONFLICT (organization_id, kind, code) DO NOTHING;
  INSERT INTO app.failure_code_combinations (organization_id, class_id, problem_id, cause_id, remedy_id)
  SELECT v_acme, c.id, p.id, k.id, r.id
    FROM (VALUES ('press', 'LEAK', 'SEAL-WORN', 'REPLACE-SEAL'), ('compressor', 'LEAK', 'SEAL-WORN', 'REPLACE-SEAL'),
                 ('compressor', 'NOISE', 'BEARING-WORN', 'REPLACE-BEARING'), ('cnc-lathe', 'NOISE', 'BEARING-WORN', 'REPLACE-BEARING'),
                 ('cnc-lathe', 'NO-START', 'SENSOR-FAULT', 'REPLACE-SENSOR'),
                 ('cnc-lathe', 'LEAK', 'SEAL-WORN', 'REPLACE-SEAL'), ('conveyor', 'NO-START', 'SENSOR-FAULT', 'REPLACE-SENSOR')
         ) AS x (class_code, problem, cause, remedy)
    JOIN app.equipment_classes AS c ON c.organization_id = v_acme AND c.code = x.class_code
    JOIN app.failure_codes AS p ON p.organization_id = v_acme AND p.kind = 'problem' AND p.code = x.problem
    JOIN app.failure_codes AS k ON k.organization_id = v_acme AND k.kind = 'cause' AND k.code = x.cause
    JOIN app.failure_codes AS r ON r.organization_id = v_acme AND r.kind = 'remedy' AND r.code = x.remedy
  ON CONFLICT ON CONSTRAINT failure_code_combinations_unique DO NOTHING;
END
$$;
