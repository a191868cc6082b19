-- Demo data of certificates of analysis (70_lab/90_certificates.sql):
-- Northwind Testing Lab tests drinking water for Vandelay Industries. Sample
-- DW-1 has its certificate (revision 1); the two samples of lot VAN-2026-11
-- had one too, and when the conductivity of one was amended (a transcription
-- error) it was reissued as revision 2, the first superseded. Signed by the
-- lab reviewer with the demo password; the PDFs are rendered by the worker
-- once object storage is configured (`pulse up`). Idempotent: nothing is
-- added once Northwind has a certificate.

CREATE OR REPLACE FUNCTION pg_temp.act_as(p_user_id uuid, p_organization_id uuid) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
  PERFORM set_config('role', 'none', true);
  PERFORM set_config('request.jwt.claims',
    jsonb_build_object('sub', p_user_id, 'role', 'app_user', 'org_id', p_organization_id)::text, true);
  PERFORM set_config('role', 'app_user', true);
END
$$;

CREATE OR REPLACE FUNCTION pg_temp.act_as_owner() RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
  PERFORM set_config('role', 'none', true);
  PERFORM set_config('request.jwt.claims', '', true);
END
$$;

-- A released result of the test on the sample, entered by the technician and
-- reviewed and released by the reviewer (as the owner); p_amends supersedes
-- a released result with this one.
CREATE OR REPLACE FUNCTION pg_temp.coa_release(p_org uuid, p_sample uuid, p_test uuid, p_value numeric, p_spec uuid, p_verdict app.spec_verdict,
                                p_tech uuid, p_reviewer uuid, p_amends uuid DEFAULT NULL) RETURNS uuid
LANGUAGE plpgsql AS $$
DECLARE
  v_analysis uuid := (SELECT a.id FROM app.analyses AS a WHERE a.organization_id = p_org AND a.sample_id = p_sample AND a.lab_test_id = p_test);
  v_result uuid;
BEGIN
  IF v_analysis IS NULL THEN
    INSERT INTO app.analyses (organization_id, sample_id, lab_test_id, assigned_to) VALUES (p_org, p_sample, p_test, p_tech)
    RETURNING id INTO v_analysis;
  END IF;
  IF p_amends IS NOT NULL THEN
    UPDATE app.results SET status = 'superseded' WHERE organization_id = p_org AND id = p_amends;
  END IF;
  INSERT INTO app.results (organization_id, analysis_id, value, numeric_value, specification_id, spec_verdict, entered_by, amends_id, amendment_reason)
  VALUES (p_org, v_analysis, jsonb_build_object('value', p_value), p_value, p_spec, p_verdict, p_tech, p_amends,
          CASE WHEN p_amends IS NOT NULL THEN 'Transcription error: 4 and 9 swapped when copying from the meter' END)
  RETURNING id INTO v_result;
  UPDATE app.results SET status = 'reviewed', reviewed_by = p_reviewer, reviewed_at = now() WHERE organization_id = p_org AND id = v_result;
  UPDATE app.results SET status = 'released', released_by = p_reviewer, released_at = now() WHERE organization_id = p_org AND id = v_result;
  RETURN v_result;
END
$$;

DO $$
DECLARE
  v_org uuid := (SELECT id FROM app.organizations WHERE slug = 'northwind-labs');
  v_site uuid := (SELECT id FROM app.sites WHERE organization_id = v_org AND code = 'LAB-A');
  v_vandelay uuid := (SELECT id FROM app.partners WHERE organization_id = v_org AND code = 'K-100');
  v_tech uuid := (SELECT id FROM app.users WHERE email = 'lab_tech@northwind.test');
  v_reviewer uuid := (SELECT id FROM app.users WHERE email = 'lab_reviewer@northwind.test');
  v_type uuid;
  v_ph uuid;
  v_cond uuid;
  v_spec uuid;
  v_sample uuid;
  v_amended uuid;
  v_lot_certificate uuid;
BEGIN
  IF v_org IS NULL OR v_reviewer IS NULL OR EXISTS (SELECT FROM app.certificates WHERE organization_id = v_org) THEN
    RETURN;
  END IF;
  INSERT INTO app.sample_types (organization_id, code, name, labels, default_unit, storage_min_celsius, storage_max_celsius, retention_days)
  VALUES (v_org, 'drinking-water', 'Drinking water', '{"de": "Trinkwasser"}', 'mL', 2, 8, 30)
  ON CONFLICT (organization_id, code) DO NOTHING;
  v_type := (SELECT id FROM app.sample_types WHERE organization_id = v_org AND code = 'drinking-water');
  INSERT INTO app.lab_tests (organization_id, code, name, labels, method, unit, turnaround_days, result_schema)
  SELECT v_org, t.code, t.name, t.labels, t.method, t.unit, 5,
         '{"type": "object", "required": ["value"], "properties": {"value": {"type": "number"}}}'
    FROM (VALUES ('ph', 'pH', '{"de": "pH-Wert"}'::jsonb, 'DIN EN ISO 10523', 'pH'),
                 ('conductivity', 'Electrical conductivity', '{"de": "Elektrische Leitfähigkeit"}'::jsonb, 'DIN EN 27888', 'uS/cm')) AS t (code, name, labels, method, unit)
   WHERE NOT EXISTS (SELECT FROM app.lab_tests AS l WHERE l.organization_id = v_org AND l.code = t.code AND l.status = 'published');
  UPDATE app.lab_tests SET status = 'published' WHERE organization_id = v_org AND code IN ('ph', 'conductivity') AND status = 'draft'
     AND NOT EXISTS (SELECT FROM app.lab_tests AS p WHERE p.organization_id = v_org AND p.code = lab_tests.code AND p.status = 'published');
  v_ph := (SELECT id FROM app.lab_tests WHERE organization_id = v_org AND code = 'ph' AND status = 'published');
  v_cond := (SELECT id FROM app.lab_tests WHERE organization_id = v_org AND code = 'conductivity' AND status = 'published');
  INSERT INTO app.specifications (organization_id, code, name, product, sample_type_id, partner_id)
  VALUES (v_org, 'SPEC-TRINKWV-VANDELAY', 'Drinking water (TrinkwV) for Vandelay', 'drinking water', v_type, v_vandelay)
  RETURNING id INTO v_spec;
  INSERT INTO app.specification_limits (organization_id, specification_id, test_code, unit, action_low, warning_low, warning_high, action_high)
  VALUES (v_org, v_spec, 'ph', 'pH', 6.5, 6.8, 9.0, 9.5),
         (v_org, v_spec, 'conductivity', 'uS/cm', NULL, NULL, 2000, 2790);

  -- DW-1 (one sample) and lot VAN-2026-11 (two samples), released.
  FOR v_sample IN
    INSERT INTO app.samples (organization_id, sample_type_id, site_id, partner_id, quantity, description, lot_number, collected_at, barcode)
    VALUES (v_org, v_type, v_site, v_vandelay, 500, 'Tap water, plant entrance', NULL, now() - interval '6 days', 'DW-1'),
           (v_org, v_type, v_site, v_vandelay, 500, 'Bottled water, line 1', 'VAN-2026-11', now() - interval '6 days', 'DW-2'),
           (v_org, v_type, v_site, v_vandelay, 500, 'Bottled water, line 2', 'VAN-2026-11', now() - interval '6 days', 'DW-3')
    RETURNING id
  LOOP
    UPDATE app.samples SET status = 'received', received_at = now() - interval '5 days' WHERE organization_id = v_org AND id = v_sample;
    UPDATE app.samples SET status = 'in_progress' WHERE organization_id = v_org AND id = v_sample;
    PERFORM pg_temp.coa_release(v_org, v_sample, v_ph, 7.4, v_spec, 'within', v_tech, v_reviewer);
    PERFORM pg_temp.coa_release(v_org, v_sample, v_cond, 940, v_spec, 'within', v_tech, v_reviewer);
    UPDATE app.samples SET status = 'completed' WHERE organization_id = v_org AND id = v_sample;
    UPDATE app.samples SET status = 'released' WHERE organization_id = v_org AND id = v_sample;
  END LOOP;

  -- The reviewer signs both certificates.
  PERFORM pg_temp.act_as(v_reviewer, v_org);
  PERFORM app.issue_certificate((SELECT id FROM app.samples WHERE organization_id = v_org AND barcode = 'DW-1'),
                                signature_password => 'pulse-demo-password');
  v_lot_certificate := (SELECT certificate_id FROM app.issue_certificate(lot_number => 'VAN-2026-11', signature_password => 'pulse-demo-password'));
  PERFORM pg_temp.act_as_owner();

  -- DW-3's conductivity was 490, not 940: amended, the lot's certificate needs a reissue, and is reissued.
  v_sample := (SELECT id FROM app.samples WHERE organization_id = v_org AND barcode = 'DW-3');
  v_amended := (SELECT r.id FROM app.results AS r JOIN app.analyses AS a ON a.organization_id = r.organization_id AND a.id = r.analysis_id
                 WHERE r.organization_id = v_org AND r.sample_id = v_sample AND a.lab_test_id = v_cond AND r.status = 'released');
  PERFORM pg_temp.coa_release(v_org, v_sample, v_cond, 490, v_spec, 'within', v_tech, v_reviewer, v_amended);
  PERFORM pg_temp.act_as(v_reviewer, v_org);
  PERFORM app.reissue_certificate(v_lot_certificate, 'Conductivity of DW-3 amended (transcription error: 940 -> 490 uS/cm)',
                                  'pulse-demo-password');
  PERFORM pg_temp.act_as_owner();
END
$$;
