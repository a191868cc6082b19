-- Demo data of the operations registers: Northwind's lab instruments (a
-- calibrated balance, an HPLC with its column oven, a pipette whose
-- calibration is overdue) with their classes; Acme's gauges and machines (a
-- caliper, a torque wrench that failed its calibration, a CNC lathe and its
-- spindle), downtime reason codes and two weeks of stops of the lathe;
-- qualifications and training on a work instruction. Written as the owner;
-- idempotent (nothing is added to a tenant that already has equipment).

DO $$
DECLARE
  v_northwind uuid := (SELECT id FROM app.organizations WHERE slug = 'northwind-labs');
  v_acme uuid := (SELECT id FROM app.organizations WHERE slug = 'acme-manufacturing');
  v_lab_a uuid := (SELECT id FROM app.sites WHERE organization_id = v_northwind AND code = 'LAB-A');
  v_lab_b uuid := (SELECT id FROM app.sites WHERE organization_id = v_northwind AND code = 'LAB-B');
  v_plant_1 uuid := (SELECT id FROM app.sites WHERE organization_id = v_acme AND code = 'PLANT-1');
  v_plant_2 uuid := (SELECT id FROM app.sites WHERE organization_id = v_acme AND code = 'PLANT-2');
  v_stark uuid := (SELECT id FROM app.partners WHERE organization_id = v_northwind AND code = 'L-200');
  v_initech uuid := (SELECT id FROM app.partners WHERE organization_id = v_acme AND code = 'S-2001');
  v_lab_manager uuid := (SELECT id FROM app.users WHERE email = 'lab_manager@northwind.test');
  v_hplc uuid;
  v_lathe uuid;
  v_version app.document_versions;
  v_day integer;
BEGIN
  IF v_northwind IS NULL OR v_acme IS NULL
     OR EXISTS (SELECT FROM app.equipment WHERE organization_id IN (v_northwind, v_acme)) THEN
    RETURN;
  END IF;

  -- Northwind: lab instruments.
  INSERT INTO app.equipment_classes (organization_id, code, name, labels, kind, requires_calibration, calibration_interval_days, due_soon_days)
  VALUES (v_northwind, 'balance', 'Analytical balance', '{"de": "Analysenwaage"}', 'instrument', true, 365, 30),
         (v_northwind, 'hplc', 'HPLC system', '{"de": "HPLC-Anlage"}', 'instrument', true, 365, 30),
         (v_northwind, 'pipette', 'Pipette', '{"de": "Pipette"}', 'instrument', true, 180, 14),
         (v_northwind, 'hplc-module', 'HPLC module', '{"de": "HPLC-Modul"}', 'component', false, NULL, 30);
  INSERT INTO app.equipment (organization_id, name, class_id, site_id, manufacturer, model, serial_number, location)
  SELECT v_northwind, e.name, c.id, e.site, e.manufacturer, e.model, e.serial, e.location
    FROM (VALUES ('Balance XS205', 'balance', v_lab_a, 'Mettler Toledo', 'XS205', 'B-20931', 'Weighing room 1'),
                 ('HPLC 1260 Infinity II', 'hplc', v_lab_a, 'Agilent', '1260 Infinity II', 'DEAEK01234', 'Lab A bench 3'),
                 ('Pipette P200', 'pipette', v_lab_b, 'Gilson', 'Pipetman P200', 'GA12345', 'Micro bench 2')
         ) AS e (name, class_code, site, manufacturer, model, serial, location)
    JOIN app.equipment_classes AS c ON c.organization_id = v_northwind AND c.code = e.class_code;
  SELECT id INTO v_hplc FROM app.equipment WHERE organization_id = v_northwind AND serial_number = 'DEAEK01234';
  INSERT INTO app.equipment (organization_id, name, class_id, site_id, parent_id, manufacturer, model, serial_number)
  SELECT v_northwind, 'Column oven', c.id, v_lab_a, v_hplc, 'Agilent', 'G7116A', 'DEAEK05678'
    FROM app.equipment_classes AS c WHERE c.organization_id = v_northwind AND c.code = 'hplc-module';

  INSERT INTO app.calibrations (organization_id, equipment_id, performed_at, result, as_found, as_left, certificate_number,
                                certificate_key, performed_by_partner_id, performed_by_user_id)
  SELECT v_northwind, e.id, now() - k.age, k.result::app.calibration_result, k.as_found::jsonb, k.as_left::jsonb, k.certificate,
         'calibration-certificates/' || k.certificate || '.pdf', CASE WHEN k.external THEN v_stark END,
         CASE WHEN NOT k.external THEN v_lab_manager END
    FROM (VALUES
      ('B-20931', interval '120 days', 'pass', '{"points": [{"nominal_g": 100, "reading_g": 100.0002}, {"nominal_g": 200, "reading_g": 199.9997}]}',
       '{}', 'DKD-2026-0412', true),
      ('DEAEK01234', interval '90 days', 'adjusted', '{"flow_accuracy_pct": 1.8}', '{"flow_accuracy_pct": 0.4}', 'HPLC-OQ-2026-07', false),
      -- Overdue: calibrated 200 days ago, valid 180 days.
      ('GA12345', interval '200 days', 'pass', '{"volume_ul": 199.2}', '{}', 'PIP-2026-0033', true)
    ) AS k (serial, age, result, as_found, as_left, certificate, external)
    JOIN app.equipment AS e ON e.organization_id = v_northwind AND e.serial_number = k.serial;

  INSERT INTO app.qualifications (organization_id, code, name, labels, kind, description, validity_days)
  VALUES (v_northwind, 'hplc-operator', 'HPLC operator', '{"de": "HPLC-Bediener"}', 'qualification',
          'Runs HPLC sequences and reviews chromatograms.', 730),
         (v_northwind, 'balance-use', 'Analytical balance use', '{"de": "Umgang mit Analysenwaagen"}', 'skill', '', NULL);
  INSERT INTO app.person_qualifications (organization_id, user_id, qualification_id, level, valid_from, evidence, granted_by)
  SELECT v_northwind, u.id, q.id, g.level, now() - interval '60 days', g.evidence, v_lab_manager
    FROM (VALUES ('lab_tech@northwind.test', 'hplc-operator', NULL::smallint, 'Supervised runs 2026-09, exam 94%'),
                 ('lab_tech@northwind.test', 'balance-use', 4::smallint, 'Observed weighing, SOP-BAL-01'),
                 ('qa@northwind.test', 'balance-use', 3::smallint, 'Observed weighing, SOP-BAL-01')
         ) AS g (email, code, level, evidence)
    JOIN app.users AS u ON u.email = g.email
    JOIN app.qualifications AS q ON q.organization_id = v_northwind AND q.code = g.code;

  -- Acme: gauges and machines.
  INSERT INTO app.equipment_classes (organization_id, code, name, kind, requires_calibration, calibration_interval_days, due_soon_days)
  VALUES (v_acme, 'caliper', 'Digital caliper', 'gauge', true, 365, 30),
         (v_acme, 'torque-wrench', 'Torque wrench', 'tool', true, 365, 30),
         (v_acme, 'cnc-lathe', 'CNC lathe', 'machine', false, NULL, 30),
         (v_acme, 'machine-component', 'Machine component', 'component', false, NULL, 30);
  INSERT INTO app.equipment (organization_id, name, class_id, site_id, manufacturer, model, serial_number, location)
  SELECT v_acme, e.name, c.id, e.site, e.manufacturer, e.model, e.serial, e.location
    FROM (VALUES ('Caliper 150 mm', 'caliper', v_plant_1, 'Mitutoyo', 'CD-6"ASX', 'MT-55102', 'QC bench'),
                 ('Torque wrench 5-60 Nm', 'torque-wrench', v_plant_2, 'Norbar', 'TTi60', 'NB-7781', 'Assembly line 2'),
                 ('CNC lathe L-20', 'cnc-lathe', v_plant_1, 'DMG Mori', 'CLX 350', 'DMG-350-0042', 'Cell 4')
         ) AS e (name, class_code, site, manufacturer, model, serial, location)
    JOIN app.equipment_classes AS c ON c.organization_id = v_acme AND c.code = e.class_code;
  SELECT id INTO v_lathe FROM app.equipment WHERE organization_id = v_acme AND serial_number = 'DMG-350-0042';
  INSERT INTO app.equipment (organization_id, name, class_id, site_id, parent_id, manufacturer, serial_number)
  SELECT v_acme, 'Main spindle', c.id, v_plant_1, v_lathe, 'DMG Mori', 'SP-0042'
    FROM app.equipment_classes AS c WHERE c.organization_id = v_acme AND c.code = 'machine-component';
  INSERT INTO app.calibrations (organization_id, equipment_id, performed_at, result, as_found, certificate_number, performed_by_partner_id, notes)
  SELECT v_acme, e.id, now() - k.age, k.result::app.calibration_result, k.as_found::jsonb, k.certificate, v_initech, k.notes
    FROM (VALUES ('MT-55102', interval '30 days', 'pass', '{"error_mm": 0.01}', 'CAL-2026-118', ''),
                 ('NB-7781', interval '400 days', 'pass', '{"error_pct": 1.2}', 'CAL-2025-301', ''),
                 ('NB-7781', interval '3 days', 'fail', '{"error_pct": 6.5}', 'CAL-2026-377', 'Out of tolerance at 60 Nm; sent for repair.')
         ) AS k (serial, age, result, as_found, certificate, notes)
    JOIN app.equipment AS e ON e.organization_id = v_acme AND e.serial_number = k.serial;

  INSERT INTO app.downtime_reasons (organization_id, code, name, is_planned, is_breakdown, position)
  VALUES (v_acme, 'breakdown', 'Breakdown', false, true, 1),
         (v_acme, 'changeover', 'Changeover', true, false, 2),
         (v_acme, 'preventive-maintenance', 'Preventive maintenance', true, false, 3),
         (v_acme, 'no-material', 'Waiting for material', false, false, 4);
  -- Two weeks of the lathe: a changeover every other day, a breakdown every
  -- fifth day, preventive maintenance on a weekend (outside the schedule).
  FOR v_day IN REVERSE 14..1 LOOP
    IF v_day % 2 = 0 THEN
      INSERT INTO app.downtime_events (organization_id, equipment_id, started_at, ended_at, reason_id, notes)
      SELECT v_acme, v_lathe, date_trunc('day', now()) - make_interval(days => v_day) + interval '9 hours',
             date_trunc('day', now()) - make_interval(days => v_day) + interval '9 hours 40 minutes', r.id, 'Job change'
        FROM app.downtime_reasons AS r WHERE r.organization_id = v_acme AND r.code = 'changeover';
    END IF;
    IF v_day % 5 = 0 THEN
      INSERT INTO app.downtime_events (organization_id, equipment_id, started_at, ended_at, reason_id, notes)
      SELECT v_acme, v_lathe, date_trunc('day', now()) - make_interval(days => v_day) + interval '14 hours',
             date_trunc('day', now()) - make_interval(days => v_day) + interval '16 hours 30 minutes', r.id,
             'Spindle drive fault; encoder replaced'
        FROM app.downtime_reasons AS r WHERE r.organization_id = v_acme AND r.code = 'breakdown';
    END IF;
  END LOOP;
  INSERT INTO app.downtime_events (organization_id, equipment_id, started_at, ended_at, reason_id, in_production_schedule, notes)
  SELECT v_acme, v_lathe, date_trunc('day', now()) - interval '6 days' + interval '18 hours',
         date_trunc('day', now()) - interval '6 days' + interval '22 hours', r.id, false, 'Quarterly service'
    FROM app.downtime_reasons AS r WHERE r.organization_id = v_acme AND r.code = 'preventive-maintenance';

  INSERT INTO app.qualifications (organization_id, code, name, kind, description, validity_days)
  VALUES (v_acme, 'cnc-setter', 'CNC setter', 'qualification', 'Sets up and proves out CNC programs.', 1095),
         (v_acme, 'release-authority', 'Release authority', 'authorization', 'Releases product after final inspection.', NULL);
  INSERT INTO app.person_qualifications (organization_id, user_id, qualification_id, valid_from, evidence, granted_by)
  SELECT v_acme, u.id, q.id, now() - interval '200 days', g.evidence, (SELECT id FROM app.users WHERE email = 'ada@acme.test')
    FROM (VALUES ('production@acme.test', 'cnc-setter', 'Apprenticeship certificate, internal assessment'),
                 ('qa@acme.test', 'release-authority', 'Appointed by the quality manager')
         ) AS g (email, code, evidence)
    JOIN app.users AS u ON u.email = g.email
    JOIN app.qualifications AS q ON q.organization_id = v_acme AND q.code = g.code;

  -- Training on a work instruction: production and QA must be trained on its current version.
  SELECT v.* INTO v_version FROM app.document_versions AS v JOIN app.documents AS d ON d.organization_id = v.organization_id AND d.id = v.document_id
   WHERE v.organization_id = v_acme AND d.category = 'work_instruction' AND v.is_current ORDER BY d.created_at LIMIT 1;
  IF v_version.id IS NOT NULL THEN
    INSERT INTO app.training_requirements (organization_id, document_id, role_id, retrain_days)
    SELECT v_acme, v_version.document_id, r.id, 365 FROM app.roles AS r WHERE r.organization_id = v_acme AND r.key IN ('production', 'qa');
    INSERT INTO app.training_records (organization_id, user_id, document_version_id, completed_at, trainer_id)
    SELECT v_acme, u.id, v_version.id, now() - interval '20 days', (SELECT id FROM app.users WHERE email = 'ada@acme.test')
      FROM app.users AS u WHERE u.email = 'production@acme.test';
  END IF;
END
$$;
