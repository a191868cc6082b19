-- Demo results of Northwind Testing Lab, made the way users make them: the
-- technician records results (one on the HPLC), a reviewer reviews and the
-- lab manager releases them, e-signed with the demo password (Northwind is
-- a GLP tenant: results_review second_person). Shown: released results, a
-- warning, an OOS whose Phase I found an assignable cause (invalidated,
-- retested, closed), and an OOS that went to Phase II with a CAPA (open).
-- Runs once (skipped when the specification SPEC-DW exists).

DO $$
DECLARE
  v_lab uuid := (SELECT id FROM app.organizations WHERE slug = 'northwind-labs');
  v_site uuid;
  v_soylent uuid;
  v_vandelay uuid;
  v_tech uuid := (SELECT id FROM app.users WHERE email = 'lab_tech@northwind.test');
  v_reviewer uuid := (SELECT id FROM app.users WHERE email = 'lab_reviewer@northwind.test');
  v_manager uuid := (SELECT id FROM app.users WHERE email = 'lab_manager@northwind.test');
  v_qa uuid := (SELECT id FROM app.users WHERE email = 'qa@northwind.test');
  v_hplc uuid;
  v_water uuid;
  v_ph uuid;
  v_nitrate uuid;
  v_spec uuid;
  v_s1 uuid;
  v_s2 uuid;
  v_s3 uuid;
  v_result app.results;
  v_oos app.oos_investigations;
  v_sign jsonb := '{"password": "pulse-demo-password", "reason": "Checked against the raw data and the method"}';
BEGIN
  IF v_lab IS NULL OR EXISTS (SELECT FROM app.specifications WHERE organization_id = v_lab AND code = 'SPEC-DW') THEN
    RETURN;
  END IF;
  v_site := (SELECT id FROM app.sites WHERE organization_id = v_lab AND code = 'LAB-A');
  v_soylent := (SELECT id FROM app.partners WHERE organization_id = v_lab AND code = 'K-101');
  v_vandelay := (SELECT id FROM app.partners WHERE organization_id = v_lab AND code = 'K-100');
  v_hplc := (SELECT id FROM app.equipment WHERE organization_id = v_lab AND serial_number = 'DEAEK01234');

  -- Configuration (as the owner): water, the product field, pH and nitrate (on the HPLC), the specifications.
  INSERT INTO app.sample_types (organization_id, code, name, labels, default_unit, storage_min_celsius, storage_max_celsius, retention_days)
  VALUES (v_lab, 'water', 'Water', '{"de": "Wasser"}', 'mL', 2, 8, 30)
  ON CONFLICT (organization_id, code) DO NOTHING;
  v_water := (SELECT id FROM app.sample_types WHERE organization_id = v_lab AND code = 'water');
  INSERT INTO app.custom_field_definitions (organization_id, entity_type, code, label, labels, field_type, help_text)
  VALUES (v_lab, 'sample', 'product', 'Product', '{"de": "Produkt"}', 'text', 'The product the sample is of; specifications match on it.')
  ON CONFLICT DO NOTHING;
  IF NOT EXISTS (SELECT FROM app.lab_tests WHERE organization_id = v_lab AND code = 'ph' AND status = 'published') THEN
    INSERT INTO app.lab_tests (organization_id, code, name, labels, method, unit, result_schema, turnaround_days)
    VALUES (v_lab, 'ph', 'pH', '{"de": "pH-Wert"}', 'ISO 10523', 'pH',
            '{"type": "object", "required": ["value"], "properties": {"value": {"type": "number", "minimum": 0, "maximum": 14}, "temperature_c": {"type": "number"}}}', 3);
    UPDATE app.lab_tests SET status = 'published' WHERE organization_id = v_lab AND code = 'ph' AND status = 'draft';
  END IF;
  IF NOT EXISTS (SELECT FROM app.lab_tests WHERE organization_id = v_lab AND code = 'nitrate' AND status = 'published') THEN
    INSERT INTO app.lab_tests (organization_id, code, name, labels, method, unit, result_schema, turnaround_days, equipment_class_id)
    VALUES (v_lab, 'nitrate', 'Nitrate by HPLC', '{"de": "Nitrat (HPLC)"}', 'DIN EN ISO 10304-1', 'mg/L',
            '{"type": "object", "required": ["value"], "properties": {"value": {"type": "number", "minimum": 0}, "replicates": {"type": "array", "items": {"type": "number"}}}}',
            5, (SELECT id FROM app.equipment_classes WHERE organization_id = v_lab AND code = 'hplc'));
    UPDATE app.lab_tests SET status = 'published' WHERE organization_id = v_lab AND code = 'nitrate' AND status = 'draft';
  END IF;
  v_ph := (SELECT id FROM app.lab_tests WHERE organization_id = v_lab AND code = 'ph' AND status = 'published');
  v_nitrate := (SELECT id FROM app.lab_tests WHERE organization_id = v_lab AND code = 'nitrate' AND status = 'published');
  INSERT INTO app.specifications (organization_id, code, name, sample_type_id)
  VALUES (v_lab, 'SPEC-DW', 'Drinking water (TrinkwV)', v_water) RETURNING id INTO v_spec;
  INSERT INTO app.specification_limits (organization_id, specification_id, test_code, unit, action_low, warning_low, warning_high, action_high)
  VALUES (v_lab, v_spec, 'ph', 'pH', 6.5, 6.8, 9.2, 9.5), (v_lab, v_spec, 'nitrate', 'mg/L', NULL, NULL, 40, 50);
  INSERT INTO app.specifications (organization_id, code, name, product, sample_type_id, partner_id)
  VALUES (v_lab, 'SPEC-VANDELAY-MW', 'Vandelay mineral water', 'mineral water', v_water, v_vandelay) RETURNING id INTO v_spec;
  INSERT INTO app.specification_limits (organization_id, specification_id, test_code, unit, action_low, warning_low, warning_high, action_high)
  VALUES (v_lab, v_spec, 'ph', 'pH', 5.5, 5.8, 7.8, 8.0), (v_lab, v_spec, 'nitrate', 'mg/L', NULL, NULL, 8, 10);

  -- Three received samples: Soylent's tap water, two of Vandelay's mineral water.
  INSERT INTO app.samples (organization_id, sample_type_id, site_id, partner_id, quantity, description, collected_at, custom_fields)
  VALUES (v_lab, v_water, v_site, v_soylent, 500, 'Tap water, canteen', now() - interval '3 days', '{}') RETURNING id INTO v_s1;
  INSERT INTO app.samples (organization_id, sample_type_id, site_id, partner_id, quantity, description, collected_at, custom_fields)
  VALUES (v_lab, v_water, v_site, v_vandelay, 1000, 'Mineral water, lot 2611', now() - interval '3 days', '{"product": "mineral water"}')
  RETURNING id INTO v_s2;
  INSERT INTO app.samples (organization_id, sample_type_id, site_id, partner_id, quantity, description, collected_at, custom_fields)
  VALUES (v_lab, v_water, v_site, v_vandelay, 1000, 'Mineral water, lot 2612', now() - interval '3 days', '{"product": "mineral water"}')
  RETURNING id INTO v_s3;
  UPDATE app.samples SET status = 'received', received_at = now() - interval '2 days' WHERE id IN (v_s1, v_s2, v_s3);
  INSERT INTO app.analyses (organization_id, sample_id, lab_test_id)
  VALUES (v_lab, v_s1, v_ph), (v_lab, v_s1, v_nitrate), (v_lab, v_s2, v_nitrate), (v_lab, v_s3, v_ph);

  -- The technician records.
  PERFORM set_config('request.jwt.claims', jsonb_build_object('sub', v_tech, 'role', 'app_user', 'org_id', v_lab)::text, true);
  PERFORM set_config('role', 'app_user', true);
  PERFORM app.record_result(a.id, '{"value": 7.4, "temperature_c": 20.1}', 'pH', measured_at => now() - interval '1 day')
     FROM app.analyses AS a WHERE a.sample_id = v_s1 AND a.lab_test_id = v_ph;
  PERFORM app.record_result(a.id, '{"value": 44.2, "replicates": [44.0, 44.4]}', 'mg/L', v_hplc, now() - interval '1 day',
                            'raw/hplc/2026/seq-0412.cdf', repeat('ab', 32), 'Sequence 0412')
     FROM app.analyses AS a WHERE a.sample_id = v_s1 AND a.lab_test_id = v_nitrate;
  PERFORM app.record_result(a.id, '{"value": 14.2, "replicates": [14.1, 14.3]}', 'mg/L', v_hplc, now() - interval '1 day',
                            'raw/hplc/2026/seq-0412.cdf', repeat('ab', 32), 'Sequence 0412')
     FROM app.analyses AS a WHERE a.sample_id = v_s2 AND a.lab_test_id = v_nitrate;
  PERFORM app.record_result(a.id, '{"value": 8.6, "temperature_c": 19.8}', 'pH', measured_at => now() - interval '1 day')
     FROM app.analyses AS a WHERE a.sample_id = v_s3 AND a.lab_test_id = v_ph;

  -- A second person reviews, the lab manager releases (within and warning).
  PERFORM set_config('request.jwt.claims', jsonb_build_object('sub', v_reviewer, 'role', 'app_user', 'org_id', v_lab)::text, true);
  PERFORM app.review_result(r.id, v_sign) FROM app.results AS r WHERE r.sample_id = v_s1;
  PERFORM set_config('request.jwt.claims', jsonb_build_object('sub', v_manager, 'role', 'app_user', 'org_id', v_lab)::text, true);
  PERFORM app.release_result(r.id, v_sign || '{"reason": "Released to the customer"}') FROM app.results AS r WHERE r.sample_id = v_s1;

  -- OOS 1 (nitrate, lot 2611): Phase I finds a dilution error; the retest is within; closed.
  SELECT o.* INTO v_oos FROM app.oos_investigations AS o WHERE o.sample_id = v_s2;
  v_oos := app.decide_oos_phase_1(v_oos.id, true, 'Standard diluted 1:10 instead of 1:5 (worksheet line 4); calculation confirmed the error.',
                                  '{"calculation_checked": true, "instrument_checked": true, "standards_checked": false, "sample_prep_checked": true, "analyst_interviewed": true}');
  PERFORM set_config('request.jwt.claims', jsonb_build_object('sub', v_tech, 'role', 'app_user', 'org_id', v_lab)::text, true);
  v_result := app.record_result(v_oos.retest_analysis_id, '{"value": 6.1, "replicates": [6.0, 6.2]}', 'mg/L', v_hplc, now() - interval '2 hours',
                                'raw/hplc/2026/seq-0415.cdf', repeat('cd', 32), 'Retest after OOS');
  PERFORM set_config('request.jwt.claims', jsonb_build_object('sub', v_reviewer, 'role', 'app_user', 'org_id', v_lab)::text, true);
  PERFORM app.review_result(v_result.id, v_sign);
  PERFORM set_config('request.jwt.claims', jsonb_build_object('sub', v_manager, 'role', 'app_user', 'org_id', v_lab)::text, true);
  PERFORM app.close_oos_investigation(v_oos.id, 'Laboratory error (dilution); original result invalidated, retest 6.1 mg/L within specification.',
                                      NULL, v_sign || '{"reason": "Investigation complete"}');

  -- OOS 2 (pH, lot 2612): no laboratory error; Phase II; QA opens a CAPA.
  PERFORM set_config('request.jwt.claims', jsonb_build_object('sub', v_qa, 'role', 'app_user', 'org_id', v_lab)::text, true);
  SELECT o.* INTO v_oos FROM app.oos_investigations AS o WHERE o.sample_id = v_s3;
  v_oos := app.decide_oos_phase_1(v_oos.id, false, 'Meter calibrated that morning, buffers in date, duplicate 8.6; no laboratory error found.',
                                  '{"calculation_checked": true, "instrument_checked": true, "standards_checked": true, "sample_prep_checked": true, "analyst_interviewed": true}');
  PERFORM app.open_oos_capa(v_oos.id, 'pH above specification in mineral water lot 2612',
                            'OOS-investigated pH 8.6 (limit 8.0) without a laboratory cause; bottling line CO2 dosing suspected.', v_qa, current_date + 30);

  PERFORM set_config('role', 'none', true);
  PERFORM set_config('request.jwt.claims', '', true);
END
$$;
