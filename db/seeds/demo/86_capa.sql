-- A CAPA on Acme, opened by QA from a delivered project's field failure and
-- worked up to its corrective actions: containment done, the root cause
-- found, one corrective action done and one open (overdue), so the CAPA
-- screens, the reminder job and the 8D steps all have something to show.
-- Runs once per tenant (skipped when the tenant already has CAPAs).

DO $$
DECLARE
  v_tenant uuid := (SELECT id FROM app.organizations WHERE slug = 'acme-manufacturing');
  v_qa uuid := (SELECT id FROM app.users WHERE email = 'qa@acme.test');
  v_production uuid := (SELECT id FROM app.users WHERE email = 'production@acme.test');
  v_engineering uuid := (SELECT id FROM app.users WHERE email = 'engineering@acme.test');
  v_project uuid;
  v_capa app.capas;
BEGIN
  IF v_tenant IS NULL OR EXISTS (SELECT FROM app.capas WHERE organization_id = v_tenant) THEN
    RETURN;
  END IF;
  SELECT id INTO v_project FROM app.projects WHERE organization_id = v_tenant ORDER BY delivered_at NULLS LAST, created_at LIMIT 1;

  PERFORM set_config('request.jwt.claims', jsonb_build_object('sub', v_qa, 'role', 'app_user', 'org_id', v_tenant)::text, true);
  PERFORM set_config('role', 'app_user', true);

  v_capa := app.open_capa('Cracked housings at final test', 'Three of 200 housings of lot 42 cracked at the final pressure test.',
                          'corrective', 'customer_complaint', 'project', v_project, v_qa, current_date + 30);
  UPDATE app.capas SET team_member_ids = ARRAY[v_production, v_engineering],
                       containment_summary = 'Lot 42 quarantined; customer stock sorted, 2 more rejected.'
   WHERE id = v_capa.id;
  PERFORM app.advance_capa(v_capa.id, 'containment');
  INSERT INTO app.capa_actions (capa_id, discipline, description, owner_id, due_date)
  VALUES (v_capa.id, 'containment', 'Sort the customer''s stock of lot 42', v_production, current_date - 10);
  PERFORM app.complete_capa_action(a.id, 'Sorted 180 pieces, 2 rejected') FROM app.capa_actions a
    WHERE a.capa_id = v_capa.id AND a.discipline = 'containment';
  PERFORM app.advance_capa(v_capa.id, 'root_cause');
  UPDATE app.capas SET root_cause = 'Mould temperature drifted 12 K below the set point during the night shift.',
                       root_cause_method = 'five_whys',
                       corrective_action_plan = 'Closed-loop mould temperature control with an alarm; night shift check sheet.'
   WHERE id = v_capa.id;
  INSERT INTO app.capa_actions (capa_id, discipline, description, owner_id, due_date) VALUES
    (v_capa.id, 'corrective', 'Install closed-loop temperature control on mould 7', v_engineering, current_date - 3),
    (v_capa.id, 'corrective', 'Add the mould temperature to the night shift check sheet', v_production, current_date + 7);
  PERFORM app.advance_capa(v_capa.id, 'corrective_action');
  PERFORM app.complete_capa_action(a.id, 'Check sheet revision C released') FROM app.capa_actions a
    WHERE a.capa_id = v_capa.id AND a.description LIKE 'Add the mould%';

  PERFORM set_config('role', 'none', true);
  PERFORM set_config('request.jwt.claims', '', true);
END
$$;
