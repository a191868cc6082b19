-- Demo data of runs and instrument ingest (70_lab/60_runs.sql,
-- 66_ingest.sql): Northwind's nitrate test on the HPLC in Lab A, six
-- received well-water samples of Vandelay Industries; a run whose QC passed
-- (accepted), a run whose control failed (its results invalidated, its
-- analyses back for retest), and an ingested instrument batch with one
-- rejected row. Written as the owner through the same private functions the
-- RPCs use; idempotent (nothing is added when Northwind has runs).

DO $$
DECLARE
  v_northwind uuid := (SELECT id FROM app.organizations WHERE slug = 'northwind-labs');
  v_lab_a uuid := (SELECT id FROM app.sites WHERE organization_id = v_northwind AND code = 'LAB-A');
  v_vandelay uuid := (SELECT id FROM app.partners WHERE organization_id = v_northwind AND code = 'K-100');
  v_manager uuid := (SELECT id FROM app.users WHERE email = 'lab_manager@northwind.test');
  v_hplc uuid := (SELECT id FROM app.equipment WHERE organization_id = v_northwind AND serial_number = 'DEAEK01234');
  v_type uuid;
  v_test uuid;
  v_analyses uuid[];
  v_passed app.runs;
  v_failed app.runs;
  v_qc app.run_qc_samples;
  v_verdict record;
  v_import app.instrument_imports;
BEGIN
  IF v_northwind IS NULL OR v_hplc IS NULL OR EXISTS (SELECT FROM app.runs WHERE organization_id = v_northwind) THEN
    RETURN;
  END IF;

  INSERT INTO app.sample_types (organization_id, code, name, labels, default_unit, storage_min_celsius, storage_max_celsius, retention_days)
  VALUES (v_northwind, 'water', 'Water', '{"de": "Wasser"}', 'mL', 2, 8, 30)
  ON CONFLICT (organization_id, code) DO NOTHING;
  v_type := (SELECT id FROM app.sample_types WHERE organization_id = v_northwind AND code = 'water');
  v_test := (SELECT id FROM app.lab_tests WHERE organization_id = v_northwind AND code = 'nitrate' AND status = 'published');
  IF v_test IS NULL THEN
    INSERT INTO app.lab_tests (organization_id, code, name, labels, method, unit, result_schema, turnaround_days, equipment_class_id)
    VALUES (v_northwind, 'nitrate', 'Nitrate', '{"de": "Nitrat"}', 'DIN EN ISO 10304-1', 'mg/L',
            '{"type": "object", "required": ["value"], "properties": {"value": {"type": "number", "minimum": 0}}}', 5,
            (SELECT id FROM app.equipment_classes WHERE organization_id = v_northwind AND code = 'hplc'))
    RETURNING id INTO v_test;
    UPDATE app.lab_tests SET status = 'published' WHERE organization_id = v_northwind AND id = v_test;
  END IF;

  -- Six received well-water samples, each with a pending nitrate analysis.
  INSERT INTO app.samples (organization_id, sample_type_id, site_id, partner_id, quantity, description, collected_at)
  SELECT v_northwind, v_type, v_lab_a, v_vandelay, 500, 'Well ' || n || ', quarterly nitrate', now() - interval '3 days'
    FROM generate_series(1, 6) AS n;
  UPDATE app.samples SET status = 'received', received_at = now() - interval '2 days'
   WHERE organization_id = v_northwind AND description LIKE 'Well _, quarterly nitrate' AND status = 'registered';
  WITH made AS (
    INSERT INTO app.analyses (organization_id, sample_id, lab_test_id, assigned_to)
    SELECT v_northwind, s.id, v_test, (SELECT id FROM app.users WHERE email = 'lab_tech@northwind.test')
      FROM app.samples AS s WHERE s.organization_id = v_northwind AND s.description LIKE 'Well _, quarterly nitrate'
    RETURNING id, sample_id)
  SELECT array_agg(m.id ORDER BY s.description) INTO v_analyses
    FROM made AS m JOIN app.samples AS s ON s.organization_id = v_northwind AND s.id = m.sample_id;

  -- A run whose QC passed, accepted: wells 1 and 2, a control, a blank, a duplicate of well 1.
  INSERT INTO app.runs (organization_id, test_code, equipment_id, notes) VALUES (v_northwind, 'nitrate', v_hplc, 'Morning sequence')
  RETURNING * INTO v_passed;
  INSERT INTO app.run_analyses (organization_id, run_id, analysis_id) VALUES (v_northwind, v_passed.id, v_analyses[1]), (v_northwind, v_passed.id, v_analyses[2]);
  INSERT INTO app.run_qc_samples (organization_id, run_id, kind, label, lot, expected_value, tolerance, min_value, max_value, duplicate_of_id, max_rpd)
  VALUES (v_northwind, v_passed.id, 'control', 'Nitrate check standard 10 mg/L', 'CS-2611', 10, 0.5, NULL, NULL, NULL, NULL),
         (v_northwind, v_passed.id, 'blank', 'Method blank', NULL, NULL, NULL, NULL, 0.05, NULL, NULL),
         (v_northwind, v_passed.id, 'duplicate', 'Duplicate of well 1', NULL, NULL, NULL, NULL, NULL, v_analyses[1], 10);
  UPDATE app.runs SET status = 'in_progress', started_at = now() - interval '5 hours' WHERE organization_id = v_northwind AND id = v_passed.id;
  UPDATE app.analyses SET status = 'in_progress' WHERE organization_id = v_northwind AND id IN (v_analyses[1], v_analyses[2]);
  PERFORM app_private.runs_move_sample(v_northwind, a.sample_id, 'in_progress') FROM app.analyses AS a WHERE a.id IN (v_analyses[1], v_analyses[2]);
  INSERT INTO app.results (organization_id, analysis_id, value, numeric_value, equipment_id, measured_at)
  VALUES (v_northwind, v_analyses[1], '{"value": 4.2}', 4.2, v_hplc, now() - interval '4 hours'),
         (v_northwind, v_analyses[2], '{"value": 3.8}', 3.8, v_hplc, now() - interval '4 hours');
  UPDATE app.analyses SET status = 'resulted' WHERE organization_id = v_northwind AND id IN (v_analyses[1], v_analyses[2]);
  FOR v_qc IN SELECT * FROM app.run_qc_samples WHERE organization_id = v_northwind AND run_id = v_passed.id LOOP
    v_verdict := app_private.evaluate_qc(v_qc, CASE v_qc.kind WHEN 'control' THEN 10.12 WHEN 'blank' THEN 0.01 ELSE 4.3 END, 4.2);
    UPDATE app.run_qc_samples SET measured_value = CASE v_qc.kind WHEN 'control' THEN 10.12 WHEN 'blank' THEN 0.01 ELSE 4.3 END,
                                  rpd = v_verdict.rpd, passed = v_verdict.passed, evaluation = v_verdict.evaluation, recorded_at = now() - interval '4 hours'
     WHERE organization_id = v_northwind AND id = v_qc.id;
  END LOOP;
  UPDATE app.runs SET status = 'completed', completed_at = now() - interval '3 hours' WHERE organization_id = v_northwind AND id = v_passed.id;
  UPDATE app.runs SET status = 'accepted', decided_by = v_manager, decided_at = now() - interval '2 hours'
   WHERE organization_id = v_northwind AND id = v_passed.id;

  -- A run whose control failed: wells 3 and 4 invalidated and back for retest.
  INSERT INTO app.runs (organization_id, test_code, equipment_id, notes) VALUES (v_northwind, 'nitrate', v_hplc, 'Afternoon sequence')
  RETURNING * INTO v_failed;
  INSERT INTO app.run_analyses (organization_id, run_id, analysis_id) VALUES (v_northwind, v_failed.id, v_analyses[3]), (v_northwind, v_failed.id, v_analyses[4]);
  INSERT INTO app.run_qc_samples (organization_id, run_id, kind, label, lot, expected_value, tolerance)
  VALUES (v_northwind, v_failed.id, 'control', 'Nitrate check standard 10 mg/L', 'CS-2611', 10, 0.5)
  RETURNING * INTO v_qc;
  UPDATE app.runs SET status = 'in_progress', started_at = now() - interval '90 minutes' WHERE organization_id = v_northwind AND id = v_failed.id
  RETURNING * INTO v_failed;
  UPDATE app.analyses SET status = 'in_progress' WHERE organization_id = v_northwind AND id IN (v_analyses[3], v_analyses[4]);
  PERFORM app_private.runs_move_sample(v_northwind, a.sample_id, 'in_progress') FROM app.analyses AS a WHERE a.id IN (v_analyses[3], v_analyses[4]);
  INSERT INTO app.results (organization_id, analysis_id, value, numeric_value, equipment_id, measured_at)
  VALUES (v_northwind, v_analyses[3], '{"value": 5.9}', 5.9, v_hplc, now() - interval '1 hour'),
         (v_northwind, v_analyses[4], '{"value": 6.4}', 6.4, v_hplc, now() - interval '1 hour');
  v_verdict := app_private.evaluate_qc(v_qc, 11.2, NULL);
  UPDATE app.run_qc_samples SET measured_value = 11.2, passed = v_verdict.passed, evaluation = v_verdict.evaluation, recorded_at = now() - interval '50 minutes'
   WHERE organization_id = v_northwind AND id = v_qc.id;
  PERFORM app_private.fail_run(v_failed, 'control ' || v_qc.label || ' failed: ' || v_verdict.evaluation, NULL);

  -- An instrument batch: wells 5 and 6 accepted, a row with an unknown barcode rejected.
  INSERT INTO app.instrument_imports (organization_id, equipment_id, external_run_id, source, rows)
  SELECT v_northwind, v_hplc, 'HPLC-SEQ-2026-1187', 'OpenLab CDS export',
         jsonb_agg(r ORDER BY n)
    FROM (SELECT n, jsonb_build_object('barcode', s.barcode, 'test', 'nitrate', 'value', v, 'unit', 'mg/L', 'measured_at', now() - interval '30 minutes') AS r
            FROM (VALUES (1, 5, 2.7), (2, 6, 8.1)) AS x (n, well, v)
            JOIN app.samples AS s ON s.organization_id = v_northwind AND s.description = 'Well ' || x.well || ', quarterly nitrate'
          UNION ALL
          SELECT 3, jsonb_build_object('barcode', 'S-999999', 'test', 'nitrate', 'value', 4.4, 'unit', 'mg/L')) AS rows
  RETURNING * INTO v_import;
  PERFORM app_private.ingest_import(v_import);
END
$$;
