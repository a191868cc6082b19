-- Demo data of instrument scheduling: Northwind's HPLC and balance need
-- their operators' qualifications; the HPLC is open Mon-Fri 07:00-19:00 (the
-- site's time zone), has a weekly purge and leak check on Monday mornings
-- (maintenance) and a quarterly performance verification on Friday
-- afternoons (calibration); the lab technician has bookings this week (the
-- coming one from Saturday on). Written as the owner; idempotent (nothing is
-- added when Northwind has blocks already).

DO $$
DECLARE
  v_northwind uuid := (SELECT id FROM app.organizations WHERE slug = 'northwind-labs');
  v_tech uuid := (SELECT id FROM app.users WHERE email = 'lab_tech@northwind.test');
  v_hplc uuid;
  v_balance uuid;
  v_tz text;
  v_monday date;
BEGIN
  SELECT e.id INTO v_hplc FROM app.equipment AS e WHERE e.organization_id = v_northwind AND e.serial_number = 'DEAEK01234';
  SELECT e.id INTO v_balance FROM app.equipment AS e WHERE e.organization_id = v_northwind AND e.serial_number = 'B-20931';
  IF v_hplc IS NULL OR v_balance IS NULL OR v_tech IS NULL
     OR EXISTS (SELECT FROM app.instrument_blocks WHERE organization_id = v_northwind) THEN
    RETURN;
  END IF;
  v_tz := coalesce((SELECT s.timezone FROM app.equipment AS e JOIN app.sites AS s ON s.organization_id = e.organization_id AND s.id = e.site_id
                     WHERE e.id = v_hplc), 'Europe/Berlin');
  v_monday := date_trunc('week', (now() AT TIME ZONE v_tz) + interval '2 days')::date;

  INSERT INTO app.equipment_class_qualifications (organization_id, class_id, qualification_id)
  SELECT v_northwind, c.id, q.id
    FROM (VALUES ('hplc', 'hplc-operator'), ('balance', 'balance-use')) AS m (class_code, qualification_code)
    JOIN app.equipment_classes AS c ON c.organization_id = v_northwind AND c.code = m.class_code
    JOIN app.qualifications AS q ON q.organization_id = v_northwind AND q.code = m.qualification_code;

  INSERT INTO app.instrument_blocks (organization_id, equipment_id, kind, title, first_start, duration, recurrence, notes)
  VALUES (v_northwind, v_hplc, 'availability', 'Opening hours', v_monday - 28 + time '07:00', interval '12 hours',
          'FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR', 'Staffed hours of Lab A'),
         (v_northwind, v_hplc, 'maintenance', 'Weekly purge and leak check', v_monday - 28 + time '07:00', interval '1 hour',
          'FREQ=WEEKLY;BYDAY=MO', 'SOP-HPLC-07'),
         (v_northwind, v_hplc, 'calibration', 'Quarterly performance verification', v_monday + 4 + time '13:00', interval '4 hours',
          'FREQ=WEEKLY;INTERVAL=13;BYDAY=FR', 'Flow, temperature and detector linearity (OQ/PV)'),
         (v_northwind, v_balance, 'calibration', 'Daily balance check', v_monday - 28 + time '07:30', interval '15 minutes',
          'FREQ=DAILY;BYDAY=MO,TU,WE,TH,FR', 'Check weights 10 g and 200 g');

  INSERT INTO app.instrument_reservations (organization_id, equipment_id, user_id, booked_by, purpose, during)
  SELECT v_northwind, b.equipment, v_tech, v_tech, b.purpose,
         tstzrange((v_monday + b.day + b.starts) AT TIME ZONE v_tz, (v_monday + b.day + b.ends) AT TIME ZONE v_tz)
    FROM (VALUES (v_hplc, 1, time '09:00', time '12:00', 'Assay sequence, stability batch 12'),
                 (v_hplc, 2, time '13:00', time '16:30', 'Related substances, SR-000001'),
                 (v_hplc, 3, time '08:00', time '11:00', 'System suitability and content uniformity'),
                 (v_balance, 1, time '08:00', time '09:00', 'Weighing reference standards'),
                 (v_balance, 3, time '14:00', time '14:30', 'Sample weighing, SR-000001')
         ) AS b (equipment, day, starts, ends, purpose);
END
$$;
