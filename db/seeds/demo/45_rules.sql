-- A rule for the demo tenant (docs/platform/rules.md): when a project with
-- a quote over 50,000 reaches Quoted, QA is notified, the project's
-- priority is raised and rule.big_quote_quoted is published for webhooks.
-- Saved by Acme's management member, who becomes its author (set_field
-- runs with their authority). Idempotent: the key decides.

DO $$
DECLARE
  v_organization_id uuid := (SELECT id FROM app.organizations WHERE slug = 'acme-manufacturing');
  v_author uuid := (SELECT id FROM app.users WHERE email = 'management@acme.test');
BEGIN
  IF v_organization_id IS NULL OR v_author IS NULL
     OR EXISTS (SELECT FROM app.rules WHERE organization_id = v_organization_id AND key = 'big_quote_quoted') THEN
    RETURN;
  END IF;
  PERFORM set_config('request.jwt.claims',
    jsonb_build_object('sub', v_author, 'role', 'app_user', 'org_id', v_organization_id)::text, true);
  INSERT INTO app.rules (organization_id, key, name, description, event_type, condition, actions)
  VALUES (v_organization_id, 'big_quote_quoted', 'Big quote reaches Quoted',
          'Quality plans its review early for quotes over 50,000.',
          'project.stage_changed',
          '{"all": [{"field": "new.quote_value", "gt": 50000}, {"field": "stage", "changed_to": "quoted"}]}',
          '[{"kind": "notify", "roles": ["qa"], "title": "{{project_number}} reached {{new.stage}}",
             "message": "Quote value {{new.quote_value}}: plan the quality review.", "priority": "high"},
            {"kind": "set_field", "field": "priority", "value": "high"},
            {"kind": "webhook", "data": {"channel": "quality"}}]');
  PERFORM set_config('request.jwt.claims', '', true);
END
$$;
