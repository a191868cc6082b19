-- Demo data of the lab's notebook: Northwind's published template for an
-- HPLC assay, and an entry written by the lab technician at LAB-A: version 1
-- (a draft), version 2 signed by its author and witnessed by the reviewer,
-- and version 3, an amendment of version 2 with its reason, not yet signed.
-- It links to the HPLC it was run on. Written as the owner (the signature
-- records are built as app.sign_eln_entry builds them); idempotent.

DO $$
DECLARE
  v_northwind uuid := (SELECT id FROM app.organizations WHERE slug = 'northwind-labs');
  v_lab_a uuid := (SELECT id FROM app.sites WHERE organization_id = v_northwind AND code = 'LAB-A');
  v_tech app.users := (SELECT u FROM app.users AS u WHERE email = 'lab_tech@northwind.test');
  v_reviewer app.users := (SELECT u FROM app.users AS u WHERE email = 'lab_reviewer@northwind.test');
  v_template uuid;
  v_entry app.eln_entries;
  v_version app.eln_entry_versions;
  v_signer app.users;
  v_meaning text;
  v_payload jsonb;
BEGIN
  IF v_northwind IS NULL OR v_tech.id IS NULL OR EXISTS (SELECT FROM app.eln_templates WHERE organization_id = v_northwind) THEN
    RETURN;
  END IF;

  INSERT INTO app.eln_templates (organization_id, code, name, description, sections)
  VALUES (v_northwind, 'hplc-assay', 'HPLC assay', 'An assay run on the HPLC: aim, method, observations and results.',
    '[{"key": "aim", "title": "Aim", "required": true,
       "schema": {"type": "object", "required": ["text"], "additionalProperties": false, "properties": {"text": {"type": "string", "minLength": 1}}}},
      {"key": "method", "title": "Method", "required": true,
       "schema": {"type": "object", "required": ["sop", "column"], "properties": {"sop": {"type": "string"}, "column": {"type": "string"},
                  "flow_ml_min": {"type": "number", "exclusiveMinimum": 0}, "run_date": {"type": "string", "format": "date"}}}},
      {"key": "observations", "title": "Observations", "schema": {"type": "object", "properties": {"text": {"type": "string"}}}},
      {"key": "results", "title": "Results",
       "schema": {"type": "object", "properties": {"caffeine_mg_l": {"type": "number", "minimum": 0},
                                                   "recovery_percent": {"type": "number", "minimum": 0, "maximum": 200}}}}]')
  RETURNING id INTO v_template;
  UPDATE app.eln_templates SET status = 'published' WHERE organization_id = v_northwind AND id = v_template;

  INSERT INTO app.eln_entries (organization_id, title, template_id, site_id, author_id)
  VALUES (v_northwind, 'Caffeine in energy drinks, batch 42', v_template, v_lab_a, v_tech.id)
  RETURNING * INTO v_entry;
  INSERT INTO app.eln_entry_versions (organization_id, entry_id, content) VALUES (v_northwind, v_entry.id,
    '{"aim": {"text": "Determine caffeine in energy drink batch 42"},
      "method": {"sop": "SOP-HPLC-007", "column": "C18 150 x 4.6 mm", "flow_ml_min": 1.0, "run_date": "2026-12-01"}}');
  INSERT INTO app.eln_entry_versions (organization_id, entry_id, content) VALUES (v_northwind, v_entry.id,
    '{"aim": {"text": "Determine caffeine in energy drink batch 42"},
      "method": {"sop": "SOP-HPLC-007", "column": "C18 150 x 4.6 mm", "flow_ml_min": 1.0, "run_date": "2026-12-01"},
      "observations": {"text": "Baseline stable; peak at 3.2 min, no co-elution"},
      "results": {"caffeine_mg_l": 318.5, "recovery_percent": 98.7}}')
  RETURNING * INTO v_version;

  -- Version 2: signed by its author, witnessed by the reviewer.
  FOREACH v_meaning IN ARRAY ARRAY['authored', 'witnessed'] LOOP
    v_signer := CASE v_meaning WHEN 'authored' THEN v_tech ELSE v_reviewer END;
    v_payload := pg_catalog.jsonb_build_object('entity_type', 'eln_entry', 'entry_id', v_entry.id, 'entry_number', v_entry.entry_number,
      'version', 2, 'content_sha256', v_version.content_sha256, 'signer_id', v_signer.id, 'signer_email', v_signer.email,
      'signed_at', now(), 'meaning', v_meaning,
      'reason', CASE v_meaning WHEN 'authored' THEN 'I performed this work' ELSE 'I witnessed this work and understood it' END);
    INSERT INTO app.eln_signatures (organization_id, entry_id, version, meaning, signer_id, reason, signature)
    VALUES (v_northwind, v_entry.id, 2, v_meaning::app.eln_signature_meaning, v_signer.id, v_payload ->> 'reason',
            pg_catalog.jsonb_build_object('meaning', v_meaning, 'reason', v_payload ->> 'reason', 'payload', v_payload,
              'payload_sha256', pg_catalog.encode(pg_catalog.sha256(pg_catalog.convert_to(v_payload::text, 'UTF8')), 'hex')));
  END LOOP;
  UPDATE app.eln_entries SET status = 'witnessed', completed_at = now() WHERE organization_id = v_northwind AND id = v_entry.id;

  -- Version 3 amends it: the recovery was transcribed wrongly.
  INSERT INTO app.eln_entry_versions (organization_id, entry_id, content, amendment_reason) VALUES (v_northwind, v_entry.id,
    '{"aim": {"text": "Determine caffeine in energy drink batch 42"},
      "method": {"sop": "SOP-HPLC-007", "column": "C18 150 x 4.6 mm", "flow_ml_min": 1.0, "run_date": "2026-12-01"},
      "observations": {"text": "Baseline stable; peak at 3.2 min, no co-elution"},
      "results": {"caffeine_mg_l": 318.5, "recovery_percent": 97.8}}',
    'Recovery transcribed as 98.7 %; the chromatography report says 97.8 %');

  INSERT INTO app.eln_links (organization_id, entry_id, entity_type, entity_id, note)
  SELECT v_northwind, v_entry.id, 'equipment', e.id, 'run on'
    FROM app.equipment AS e WHERE e.organization_id = v_northwind AND e.name = 'HPLC 1260 Infinity II';
END
$$;
