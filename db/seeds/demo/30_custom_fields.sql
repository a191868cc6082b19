-- Demo custom fields (the configuration engine, docs/platform/custom-fields.md):
-- in both demo tenants, management defines two type lists and project and
-- document fields; sales fills them in on the demo projects, through the
-- same checks the APIs go through. A deactivated list value (legacy) stays
-- on the project that had it. Runs once per tenant.
DO $$
DECLARE
  v_tenant record;
  v_risk uuid;
  v_certs uuid;
  v_related uuid;
BEGIN
  FOR v_tenant IN
    SELECT o.id, t.domain
      FROM (VALUES ('acme-manufacturing', 'acme.test'), ('northwind-labs', 'northwind.test')) AS t (slug, domain)
      JOIN app.organizations AS o ON o.slug = t.slug
     WHERE NOT EXISTS (SELECT FROM app.type_lists AS l WHERE l.organization_id = o.id)
  LOOP
    PERFORM set_config('request.jwt.claims', jsonb_build_object('sub', (SELECT id FROM app.users WHERE email = 'management@' || v_tenant.domain),
                                                                'role', 'app_user', 'org_id', v_tenant.id)::text, true);
    PERFORM set_config('role', 'app_user', true);
    INSERT INTO app.type_lists (code, label, labels, description)
    VALUES ('risk_class', 'Risk class', '{"de": "Risikoklasse", "fr": "Classe de risque"}', 'How much can go wrong in production.')
    RETURNING id INTO v_risk;
    INSERT INTO app.type_list_values (type_list_id, code, label, labels, color, position, is_active) VALUES
      (v_risk, 'low', 'Low', '{"de": "Niedrig", "fr": "Faible"}', '#2E7D32', 1, true),
      (v_risk, 'medium', 'Medium', '{"de": "Mittel", "fr": "Moyen"}', '#F9A825', 2, true),
      (v_risk, 'high', 'High', '{"de": "Hoch", "fr": "Élevé"}', '#C62828', 3, true),
      (v_risk, 'legacy', 'Legacy (pre-2024 scale)', '{"de": "Alt (Skala vor 2024)"}', '#9E9E9E', 4, true);
    INSERT INTO app.type_lists (code, label, labels, description)
    VALUES ('certification', 'Certification', '{"de": "Zertifizierung"}', 'Quality system certifications a job requires.')
    RETURNING id INTO v_certs;
    INSERT INTO app.type_list_values (type_list_id, code, label, position) VALUES
      (v_certs, 'iso9001', 'ISO 9001', 1), (v_certs, 'as9100', 'AS9100', 2), (v_certs, 'iatf16949', 'IATF 16949', 3);

    INSERT INTO app.custom_field_definitions (entity_type, code, label, labels, field_type, position, help_text, pattern, max_length,
                                              min_value, max_value, unit, type_list_id, target_entity_type)
    VALUES
      ('project', 'customer_reference', 'Customer reference', '{"de": "Kundenreferenz"}', 'text', 1,
       'The customer''s purchase order reference, e.g. PO-2026-0042.', 'PO-[0-9]{4}-[0-9]{4}', 12, NULL, NULL, NULL, NULL, NULL),
      ('project', 'risk_class', 'Risk class', '{"de": "Risikoklasse"}', 'single_select', 2, '', NULL, NULL, NULL, NULL, NULL, v_risk, NULL),
      ('project', 'certifications', 'Certifications', '{"de": "Zertifizierungen"}', 'multi_select', 3, 'Certifications the customer requires.',
       NULL, NULL, NULL, NULL, NULL, v_certs, NULL),
      ('project', 'wall_thickness', 'Wall thickness', '{"de": "Wandstärke"}', 'decimal', 4, 'Nominal wall thickness of the main part.',
       NULL, NULL, 0.5, 50, 'mm', NULL, NULL),
      ('project', 'first_article', 'First article inspection', '{"de": "Erstmusterprüfung"}', 'boolean', 5, '', NULL, NULL, NULL, NULL,
       NULL, NULL, NULL),
      ('project', 'target_ship_date', 'Target ship date', '{"de": "Geplanter Versand"}', 'date', 6, '', NULL, NULL, NULL, NULL, NULL, NULL, NULL),
      ('project', 'follows_project', 'Follows project', '{"de": "Folgeprojekt von"}', 'reference', 7, 'The earlier project this one repeats.',
       NULL, NULL, NULL, NULL, NULL, NULL, 'project'),
      ('document', 'sheet_count', 'Sheets', '{"de": "Blätter"}', 'integer', 1, 'Number of drawing sheets.', NULL, NULL, 1, 500, NULL, NULL, NULL);

    PERFORM set_config('request.jwt.claims', jsonb_build_object('sub', (SELECT id FROM app.users WHERE email = 'sales@' || v_tenant.domain),
                                                                'role', 'app_user', 'org_id', v_tenant.id)::text, true);
    SELECT id INTO v_related FROM app.projects WHERE organization_id = v_tenant.id AND title = 'Bracket kit, zinc plated';
    UPDATE app.projects AS p SET custom_fields = v.fields
      FROM (VALUES
        ('Widget A Rev2', '{"customer_reference": "PO-2026-0042", "risk_class": "low", "certifications": ["iso9001"], "wall_thickness": 3.2}'::jsonb),
        ('Hydraulic manifold block', '{"customer_reference": "PO-2026-0107", "risk_class": "high", "certifications": ["iso9001", "as9100"],
          "wall_thickness": {"value": 0.5, "unit": "in"}, "first_article": true}'),
        ('Sensor housing, anodized', '{"risk_class": "medium", "wall_thickness": 2.5, "first_article": true}'),
        ('Gearbox cover casting', '{"customer_reference": "PO-2026-0110", "risk_class": "high", "certifications": ["iatf16949"],
          "wall_thickness": 8}'),
        ('Pump impeller batch', '{"risk_class": "medium", "first_article": false, "wall_thickness": 6.5}'),
        ('Conveyor roller set', '{"customer_reference": "PO-2025-0981", "risk_class": "legacy", "wall_thickness": 4}'),
        ('Calibration fixture', '{"risk_class": "low", "first_article": false}')
      ) AS v (title, fields)
     WHERE p.organization_id = v_tenant.id AND p.title = v.title;
    UPDATE app.projects SET custom_fields = custom_fields || jsonb_build_object('follows_project', v_related,
                                                                                 'target_ship_date', (current_date + 45)::text)
     WHERE organization_id = v_tenant.id AND title = 'Widget A Rev2';
    UPDATE app.documents SET custom_fields = '{"sheet_count": 4}'
     WHERE organization_id = v_tenant.id
       AND id = (SELECT d.id FROM app.documents AS d JOIN app.projects AS p ON p.organization_id = d.organization_id AND p.id = d.project_id
                  WHERE p.organization_id = v_tenant.id AND p.title = 'Hydraulic manifold block' ORDER BY d.created_at, d.id LIMIT 1);

    -- The old risk scale is retired: the project that has it keeps it.
    PERFORM set_config('request.jwt.claims', jsonb_build_object('sub', (SELECT id FROM app.users WHERE email = 'management@' || v_tenant.domain),
                                                                'role', 'app_user', 'org_id', v_tenant.id)::text, true);
    UPDATE app.type_list_values SET is_active = false WHERE type_list_id = v_risk AND code = 'legacy';
    PERFORM set_config('role', 'none', true);
    PERFORM set_config('request.jwt.claims', '', true);
  END LOOP;
END
$$;
