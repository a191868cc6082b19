-- Northwind Testing Lab: a customer's service request with its samples and
-- analyses (the turnaround running), another waiting to be accepted, an SOP
-- with gated steps and the qualification it needs, and two SOP tasks: one in
-- progress, one overdue (70_lab, the sop part). Written as the owner; skips
-- a database that has it already.
DO $$
DECLARE
  v_org uuid := (SELECT id FROM app.organizations WHERE slug = 'northwind-labs');
  v_lab_a uuid;
  v_vandelay uuid;
  v_tech uuid := (SELECT id FROM app.users WHERE email = 'lab_tech@northwind.test');
  v_manager uuid := (SELECT id FROM app.users WHERE email = 'lab_manager@northwind.test');
  v_portal uuid := (SELECT id FROM app.users WHERE email = 'customer_portal@northwind.test');
  v_water uuid;
  v_request uuid;
  v_sample_1 uuid;
  v_sample_2 uuid;
  v_qualification uuid;
  v_sop uuid;
  v_calibrate uuid;
  v_measure uuid;
  v_report uuid;
  v_task uuid;
BEGIN
  IF v_org IS NULL OR EXISTS (SELECT FROM app.sop_templates WHERE organization_id = v_org) THEN
    RETURN;
  END IF;
  v_lab_a := (SELECT id FROM app.sites WHERE organization_id = v_org AND code = 'LAB-A');
  v_vandelay := (SELECT id FROM app.partners WHERE organization_id = v_org AND code = 'K-100');

  -- The configuration the request needs, unless another part's seed made it.
  INSERT INTO app.sample_types (organization_id, code, name, labels, default_unit, storage_min_celsius, storage_max_celsius, retention_days)
  VALUES (v_org, 'water', 'Water', '{"de": "Wasser"}', 'mL', 2, 8, 30)
  ON CONFLICT (organization_id, code) DO NOTHING;
  v_water := (SELECT id FROM app.sample_types WHERE organization_id = v_org AND code = 'water');
  INSERT INTO app.lab_tests (organization_id, code, name, method, unit, result_schema, turnaround_days)
  SELECT v_org, t.code, t.name, t.method, t.unit,
         '{"type": "object", "required": ["value"], "properties": {"value": {"type": "number"}}}', t.days
    FROM (VALUES ('ph', 'pH', 'ISO 10523', 'pH', 5), ('conductivity', 'Conductivity', 'EN 27888', 'uS/cm', 7)) AS t (code, name, method, unit, days)
   WHERE NOT EXISTS (SELECT FROM app.lab_tests AS x WHERE x.organization_id = v_org AND x.code = t.code);
  UPDATE app.lab_tests AS t SET status = 'published'
   WHERE t.organization_id = v_org AND t.code IN ('ph', 'conductivity') AND t.status = 'draft'
     AND NOT EXISTS (SELECT FROM app.lab_tests AS p WHERE p.organization_id = v_org AND p.code = t.code AND p.status = 'published');

  -- Vandelay's request: two well-water samples received three days ago, due at receipt + 7 days (conductivity).
  INSERT INTO app.service_requests (organization_id, title, partner_id, site_id, requested_tests, notes, status)
  VALUES (v_org, 'Quarterly well water survey', v_vandelay, v_lab_a, ARRAY['ph', 'conductivity'], 'Wells 3 and 4, sampled by the customer.', 'submitted')
  RETURNING id INTO v_request;
  UPDATE app.service_requests SET requested_by = v_portal, status = 'accepted', accepted_by = v_manager, accepted_at = now() - interval '4 days'
   WHERE organization_id = v_org AND id = v_request;
  INSERT INTO app.samples (organization_id, sample_type_id, site_id, partner_id, service_request_id, quantity, description, collected_at)
  VALUES (v_org, v_water, v_lab_a, v_vandelay, v_request, 500, 'Well 3', now() - interval '4 days')
  RETURNING id INTO v_sample_1;
  INSERT INTO app.samples (organization_id, sample_type_id, site_id, partner_id, service_request_id, quantity, description, collected_at)
  VALUES (v_org, v_water, v_lab_a, v_vandelay, v_request, 500, 'Well 4', now() - interval '4 days')
  RETURNING id INTO v_sample_2;
  UPDATE app.samples SET status = 'received', received_at = now() - interval '3 days'
   WHERE organization_id = v_org AND id IN (v_sample_1, v_sample_2);
  INSERT INTO app.analyses (organization_id, sample_id, lab_test_id, assigned_to, due_at)
  SELECT v_org, s.id, t.id, v_tech, CASE WHEN t.code = 'ph' THEN now() - interval '6 hours' ELSE now() + interval '4 days' END
    FROM app.samples AS s CROSS JOIN app.lab_tests AS t
   WHERE s.organization_id = v_org AND s.id IN (v_sample_1, v_sample_2)
     AND t.organization_id = v_org AND t.code IN ('ph', 'conductivity') AND t.status = 'published';
  -- Soylent's request, waiting for the lab to accept it.
  INSERT INTO app.service_requests (organization_id, title, partner_id, site_id, requested_tests, status)
  SELECT v_org, 'Process water, line 2', p.id, v_lab_a, ARRAY['ph'], 'submitted'
    FROM app.partners AS p WHERE p.organization_id = v_org AND p.code = 'K-101';

  -- The SOP: calibrate, then measure, then report; the pH meter qualification.
  INSERT INTO app.qualifications (organization_id, code, name, labels, kind, description, validity_days)
  VALUES (v_org, 'ph-meter', 'pH meter operation', '{"de": "Bedienung pH-Meter"}', 'qualification',
          'Calibrates and measures with the bench pH meters (SOP-PH-001).', 730)
  RETURNING id INTO v_qualification;
  INSERT INTO app.person_qualifications (organization_id, user_id, qualification_id, valid_from, evidence, granted_by)
  VALUES (v_org, v_tech, v_qualification, now() - interval '90 days', 'Supervised measurements, proficiency test PT-2026-04', v_manager);
  INSERT INTO app.sop_templates (organization_id, code, title, description, qualification_id)
  VALUES (v_org, 'SOP-PH-001', 'pH of water (electrode)', 'pH of drinking, ground and surface water by ISO 10523.', v_qualification)
  RETURNING id INTO v_sop;
  INSERT INTO app.sop_steps (organization_id, template_id, position, title, instructions, checks)
  VALUES (v_org, v_sop, 1, 'Calibrate', 'Two-point calibration with pH 4.01 and 7.00 buffers at room temperature.',
          '[{"key": "buffers_in_date", "label": "Buffers within expiry", "kind": "confirm"},
            {"key": "slope", "label": "Electrode slope", "kind": "number", "min": 95, "max": 105, "unit": "%"}]')
  RETURNING id INTO v_calibrate;
  INSERT INTO app.sop_steps (organization_id, template_id, position, title, instructions, checks)
  VALUES (v_org, v_sop, 2, 'Measure', 'Measure the stirred sample until the reading is stable for 30 s.',
          '[{"key": "temperature", "label": "Sample temperature", "kind": "number", "min": 15, "max": 25, "unit": "degC"},
            {"key": "electrode", "label": "Electrode id", "kind": "text"}]')
  RETURNING id INTO v_measure;
  INSERT INTO app.sop_steps (organization_id, template_id, position, title, instructions, checks)
  VALUES (v_org, v_sop, 3, 'Report', 'Enter the result and rinse the electrode.',
          '[{"key": "result_entered", "label": "Result entered", "kind": "confirm"}]')
  RETURNING id INTO v_report;
  INSERT INTO app.sop_step_dependencies (organization_id, step_id, depends_on_step_id)
  VALUES (v_org, v_measure, v_calibrate), (v_org, v_report, v_measure);
  UPDATE app.sop_templates SET status = 'published' WHERE organization_id = v_org AND id = v_sop;

  -- Two tasks for the technician: Well 3 in progress (calibrated), Well 4 overdue.
  INSERT INTO app.sop_tasks (organization_id, template_id, entity_type, entity_id, assigned_to, due_at)
  VALUES (v_org, v_sop, 'sample', v_sample_1, v_tech, now() + interval '1 day')
  RETURNING id INTO v_task;
  UPDATE app.sop_task_steps
     SET status = 'passed', check_values = '{"buffers_in_date": true, "slope": 98.7}', checks_passed = true,
         started_by = v_tech, started_at = now() - interval '2 hours', completed_by = v_tech, completed_at = now() - interval '100 minutes'
   WHERE organization_id = v_org AND task_id = v_task AND position = 1;
  UPDATE app.sop_tasks SET status = 'in_progress', started_at = now() - interval '2 hours' WHERE organization_id = v_org AND id = v_task;
  INSERT INTO app.sop_tasks (organization_id, template_id, entity_type, entity_id, assigned_to, due_at)
  VALUES (v_org, v_sop, 'sample', v_sample_2, v_tech, now() - interval '4 hours');
END
$$;
