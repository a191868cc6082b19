-- Demo tags and a comment thread (the collaboration blocks,
-- db/functions/50_platform/32_tags.sql, 33_comments.sql), made as users make
-- them, through the policies: management keeps the tag vocabulary, sales and
-- QA tag projects and discuss one, with a mention. Runs once per tenant (a
-- tenant with tags is left alone).

DO $$
DECLARE
  v_domain text;
  v_tenant uuid;
  v_management uuid;
  v_sales uuid;
  v_qa uuid;
  v_first uuid;
BEGIN
  FOREACH v_domain IN ARRAY ARRAY['acme.test', 'northwind.test'] LOOP
    SELECT m.organization_id, m.user_id INTO v_tenant, v_management
      FROM app.memberships AS m JOIN app.users AS u ON u.id = m.user_id WHERE u.email = 'management@' || v_domain;
    v_sales := (SELECT id FROM app.users WHERE email = 'sales@' || v_domain);
    v_qa := (SELECT id FROM app.users WHERE email = 'qa@' || v_domain);
    CONTINUE WHEN v_tenant IS NULL OR EXISTS (SELECT FROM app.tags WHERE organization_id = v_tenant);

    PERFORM set_config('request.jwt.claims', jsonb_build_object('sub', v_management, 'role', 'app_user', 'org_id', v_tenant)::text, true);
    PERFORM set_config('role', 'app_user', true);
    INSERT INTO app.tags (name, color, description) VALUES
      ('Urgent', '#dc2626', 'Needs an answer within a day'),
      ('Key account', '#2563eb', 'One of our ten largest customers'),
      ('Export', '#16a34a', 'Ships outside the EU: customs papers needed');

    PERFORM set_config('role', 'none', true);
    PERFORM set_config('request.jwt.claims', jsonb_build_object('sub', v_sales, 'role', 'app_user', 'org_id', v_tenant)::text, true);
    PERFORM set_config('role', 'app_user', true);
    INSERT INTO app.entity_tags (entity_type, entity_id, tag_id)
    SELECT 'project', p.id, t.id
      FROM app.projects AS p JOIN app.tags AS t ON t.organization_id = p.organization_id
     WHERE p.organization_id = v_tenant
       AND (p.title, t.name) IN (('Widget A Rev2', 'Urgent'), ('Widget A Rev2', 'Key account'),
                                 ('Pump impeller batch', 'Key account'), ('Conveyor roller set', 'Export'));

    INSERT INTO app.comments (entity_type, entity_id, body, mention_ids)
    SELECT 'project', p.id, 'The customer asks whether we can hold the 0.05 mm tolerance on the new bore. Can QA confirm before Friday?',
           ARRAY[v_qa]
      FROM app.projects AS p WHERE p.organization_id = v_tenant AND p.title = 'Widget A Rev2'
    RETURNING id INTO v_first;
    IF v_first IS NOT NULL THEN
      PERFORM set_config('role', 'none', true);
      PERFORM set_config('request.jwt.claims', jsonb_build_object('sub', v_qa, 'role', 'app_user', 'org_id', v_tenant)::text, true);
      PERFORM set_config('role', 'app_user', true);
      INSERT INTO app.comments (entity_type, entity_id, parent_id, body)
      SELECT entity_type, entity_id, id, 'Yes, with the new reamer. First-article inspection will measure every bore.'
        FROM app.comments WHERE id = v_first;
      PERFORM set_config('role', 'none', true);
      PERFORM set_config('request.jwt.claims', jsonb_build_object('sub', v_management, 'role', 'app_user', 'org_id', v_tenant)::text, true);
      PERFORM set_config('role', 'app_user', true);
      INSERT INTO app.comments (entity_type, entity_id, parent_id, body, mention_ids)
      SELECT entity_type, entity_id, id, 'Good. Sales, please confirm to the customer.', ARRAY[v_sales]
        FROM app.comments WHERE id = v_first;
    END IF;
    PERFORM set_config('role', 'none', true);
    PERFORM set_config('request.jwt.claims', '', true);
  END LOOP;
END
$$;
