-- Engineering on Acme (80_quality: drawings, change orders, project BOM,
-- milestones), made through the API as the people would: engineering draws
-- the mounting bracket BRK-1100 (drawing DWG-1100; revision A released by
-- the routed RDA: design, then QA; revision B released through an ECO),
-- raises an ECO for the bend radius (routed: QA, engineering, production;
-- implemented: drawing revision B released, A superseded) and one for the
-- housing's revision B with a future effective date, keeps the three-level project BOM of the pump housing
-- PH-2200 on Acme's first project (housing -> 2 brackets -> 1.2 kg of
-- stainless sheet each; 8 screws, 10 from today by an implemented ECO
-- whose BOM item changes the line) and the project's milestones (one done
-- late, one open and overdue, one ahead). The drawing files are document
-- versions of the project (the demo holds no files: the upload check is
-- recorded as the verify worker would). Runs once per tenant (skipped when
-- the tenant already has drawings, or has no parts or project yet).

DO $$
DECLARE
  v_tenant uuid := (SELECT id FROM app.organizations WHERE slug = 'acme-manufacturing');
  v_engineering uuid := (SELECT id FROM app.users WHERE email = 'engineering@acme.test');
  v_qa uuid := (SELECT id FROM app.users WHERE email = 'qa@acme.test');
  v_management uuid := (SELECT id FROM app.users WHERE email = 'management@acme.test');
  v_production uuid := (SELECT id FROM app.users WHERE email = 'production@acme.test');
  v_eco_future uuid;
  v_eco_bom uuid;
  v_project uuid;
  v_sheet uuid;
  v_bracket uuid;
  v_housing uuid;
  v_screw uuid;
  v_version_a app.document_versions;
  v_version_b app.document_versions;
  v_drawing uuid;
  v_rev_a uuid;
  v_rev_b uuid;
  v_eco uuid;
BEGIN
  IF v_tenant IS NULL OR EXISTS (SELECT FROM app.drawings WHERE organization_id = v_tenant) THEN
    RETURN;
  END IF;
  SELECT id INTO v_project FROM app.projects WHERE organization_id = v_tenant ORDER BY created_at, id LIMIT 1;
  SELECT id INTO v_sheet FROM app.parts WHERE organization_id = v_tenant AND part_number = 'SS304-2.0';
  SELECT id INTO v_bracket FROM app.parts WHERE organization_id = v_tenant AND part_number = 'BRK-1100';
  SELECT id INTO v_housing FROM app.parts WHERE organization_id = v_tenant AND part_number = 'PH-2200';
  IF v_project IS NULL OR v_bracket IS NULL THEN
    RETURN;
  END IF;

  -- Engineering uploads the two drawing files as project documents.
  PERFORM set_config('request.jwt.claims', jsonb_build_object('sub', v_engineering, 'role', 'app_user', 'org_id', v_tenant)::text, true);
  PERFORM set_config('role', 'app_user', true);
  v_version_a := app.create_document(v_project, 'Drawing DWG-1100 Mounting bracket', 'drawing', 'pdf',
    encode(sha256(convert_to('DWG-1100-A', 'UTF8')), 'hex'), 245760, 'application/pdf', 'Revision A');
  PERFORM app.confirm_document_upload(v_version_a.id);
  PERFORM set_config('role', 'none', true);
  PERFORM app_private.record_upload_check(v_version_a.id, v_version_a.size_bytes, v_version_a.checksum);
  PERFORM set_config('role', 'app_user', true);
  v_version_b := app.add_document_version(v_version_a.document_id, encode(sha256(convert_to('DWG-1100-B', 'UTF8')), 'hex'), 251904,
    'application/pdf', 'Revision B: bend radius 3 mm');
  PERFORM app.confirm_document_upload(v_version_b.id);
  PERFORM set_config('role', 'none', true);
  PERFORM app_private.record_upload_check(v_version_b.id, v_version_b.size_bytes, v_version_b.checksum);
  PERFORM set_config('role', 'app_user', true);

  -- The drawing, its part, revision A submitted for review.
  INSERT INTO app.drawings (drawing_number, title, description)
  VALUES ('DWG-1100', 'Mounting bracket', 'Laser-cut and bent bracket, stainless 304, 2.0 mm') RETURNING id INTO v_drawing;
  INSERT INTO app.drawing_parts (drawing_id, part_id) VALUES (v_drawing, v_bracket);
  INSERT INTO app.drawing_revisions (drawing_id, revision, description, document_version_id)
  VALUES (v_drawing, 'A', 'First issue', v_version_a.id) RETURNING id INTO v_rev_a;
  PERFORM app.submit_drawing_revision(v_rev_a);
  INSERT INTO app.drawing_revisions (drawing_id, revision, description, document_version_id)
  VALUES (v_drawing, 'B', 'Bend radius 3 mm (cracks at 2 mm)', v_version_b.id) RETURNING id INTO v_rev_b;

  -- The RDA routing releases A: the design step (no second engineer at
  -- Acme: management stands in as the fallback role), then QA.
  PERFORM set_config('request.jwt.claims', jsonb_build_object('sub', v_management, 'role', 'app_user', 'org_id', v_tenant)::text, true);
  PERFORM app.approve_drawing_revision(v_rev_a, 'Design reviewed');
  PERFORM set_config('request.jwt.claims', jsonb_build_object('sub', v_qa, 'role', 'app_user', 'org_id', v_tenant)::text, true);
  PERFORM app.approve_drawing_revision(v_rev_a, 'Checked against the customer drawing');

  -- Engineering raises the ECO for B, effective from a lot.
  PERFORM set_config('request.jwt.claims', jsonb_build_object('sub', v_engineering, 'role', 'app_user', 'org_id', v_tenant)::text, true);
  INSERT INTO app.change_orders (title, reason, description, project_id, effectivity, effective_lot_number)
  VALUES ('Bracket bend radius 3 mm', 'corrective_action', 'Cracks at the 2 mm bend radius found at final inspection; open the radius to 3 mm.',
          v_project, 'lot', 'LOT-BRK-0100')
  RETURNING id INTO v_eco;
  INSERT INTO app.change_order_items (change_order_id, kind, drawing_id, note) VALUES (v_eco, 'drawing', v_drawing, 'Bend radius');
  INSERT INTO app.change_order_items (change_order_id, kind, drawing_revision_id, note) VALUES (v_eco, 'drawing_revision', v_rev_b, 'Released by the ECO');
  INSERT INTO app.change_order_items (change_order_id, kind, part_id, note) VALUES (v_eco, 'part', v_bracket, 'Made to B from LOT-BRK-0100');
  PERFORM app.submit_change_order(v_eco);
  -- The ECO routing: quality, engineering (management stands in), production.
  PERFORM set_config('request.jwt.claims', jsonb_build_object('sub', v_qa, 'role', 'app_user', 'org_id', v_tenant)::text, true);
  PERFORM app.approve_change_order(v_eco, 'Approved by the MRB');
  PERFORM set_config('request.jwt.claims', jsonb_build_object('sub', v_management, 'role', 'app_user', 'org_id', v_tenant)::text, true);
  PERFORM app.approve_change_order(v_eco, 'Design change reviewed');
  PERFORM set_config('request.jwt.claims', jsonb_build_object('sub', v_production, 'role', 'app_user', 'org_id', v_tenant)::text, true);
  PERFORM app.approve_change_order(v_eco, 'Press brake tooling ready');
  PERFORM set_config('request.jwt.claims', jsonb_build_object('sub', v_engineering, 'role', 'app_user', 'org_id', v_tenant)::text, true);
  PERFORM app.implement_change_order(v_eco);

  -- A second ECO with a future effective date: housing revision B is
  -- released now but in effect only from the first of next month
  -- (app.effective_part_revision answers A until then).
  INSERT INTO app.part_revisions (part_id, revision, description) VALUES (v_housing, 'B', 'Leak test at 6 bar');
  INSERT INTO app.change_orders (title, reason, description, project_id, effectivity, effective_date)
  VALUES ('Housing leak test 6 bar', 'customer_request', 'The customer raises the leak test pressure from 4 to 6 bar from next month.',
          v_project, 'date', (date_trunc('month', CURRENT_DATE) + interval '1 month')::date)
  RETURNING id INTO v_eco_future;
  INSERT INTO app.change_order_items (change_order_id, kind, part_revision_id, note)
  SELECT v_eco_future, 'part_revision', r.id, 'Revision B' FROM app.part_revisions AS r WHERE r.part_id = v_housing AND r.revision = 'B';
  PERFORM app.submit_change_order(v_eco_future);
  PERFORM set_config('request.jwt.claims', jsonb_build_object('sub', v_qa, 'role', 'app_user', 'org_id', v_tenant)::text, true);
  PERFORM app.approve_change_order(v_eco_future, 'Test spec updated');
  PERFORM set_config('request.jwt.claims', jsonb_build_object('sub', v_management, 'role', 'app_user', 'org_id', v_tenant)::text, true);
  PERFORM app.approve_change_order(v_eco_future, 'No design impact');
  PERFORM set_config('request.jwt.claims', jsonb_build_object('sub', v_production, 'role', 'app_user', 'org_id', v_tenant)::text, true);
  PERFORM app.approve_change_order(v_eco_future, 'Test rig can do 6 bar');
  PERFORM set_config('request.jwt.claims', jsonb_build_object('sub', v_engineering, 'role', 'app_user', 'org_id', v_tenant)::text, true);
  PERFORM app.implement_change_order(v_eco_future);

  -- The project BOM: three levels (housing -> bracket -> sheet) and screws.
  INSERT INTO app.parts (part_number, name, unit) VALUES ('SCR-M6x12', 'Screw M6 x 12, A2', 'pcs') RETURNING id INTO v_screw;
  INSERT INTO app.project_bom_lines (project_id, parent_part_id, component_part_id, quantity, unit, position) VALUES
    (v_project, v_housing, v_bracket, 2, 'pcs', 10),
    (v_project, v_housing, v_screw, 8, 'pcs', 20),
    (v_project, v_bracket, v_sheet, 1200, 'g', 10);
  -- An ECO changes the BOM: 10 screws instead of 8 from today (the line of
  -- 8 is kept, end-dated; app.explode_project_bom(at => yesterday) still
  -- shows it).
  INSERT INTO app.change_orders (title, reason, description, project_id, effectivity, effective_date)
  VALUES ('Two more housing screws', 'corrective_action', 'Leak at the flange corners: 10 screws instead of 8.', v_project, 'date', CURRENT_DATE)
  RETURNING id INTO v_eco_bom;
  INSERT INTO app.change_order_items (change_order_id, kind, bom_action, bom_line_id, bom_quantity, bom_unit, note)
  SELECT v_eco_bom, 'bom_line', 'change', l.id, 10, 'pcs', '8 -> 10 screws'
    FROM app.project_bom_lines AS l WHERE l.project_id = v_project AND l.component_part_id = v_screw;
  PERFORM app.submit_change_order(v_eco_bom);
  PERFORM set_config('request.jwt.claims', jsonb_build_object('sub', v_qa, 'role', 'app_user', 'org_id', v_tenant)::text, true);
  PERFORM app.approve_change_order(v_eco_bom, 'Leak test passed with 10 screws');
  PERFORM set_config('request.jwt.claims', jsonb_build_object('sub', v_management, 'role', 'app_user', 'org_id', v_tenant)::text, true);
  PERFORM app.approve_change_order(v_eco_bom, 'Cost accepted');
  PERFORM set_config('request.jwt.claims', jsonb_build_object('sub', v_production, 'role', 'app_user', 'org_id', v_tenant)::text, true);
  PERFORM app.approve_change_order(v_eco_bom, 'Assembly instruction updated');
  PERFORM set_config('request.jwt.claims', jsonb_build_object('sub', v_engineering, 'role', 'app_user', 'org_id', v_tenant)::text, true);
  PERFORM app.implement_change_order(v_eco_bom);

  -- Milestones, as management.
  PERFORM set_config('request.jwt.claims', jsonb_build_object('sub', v_management, 'role', 'app_user', 'org_id', v_tenant)::text, true);
  INSERT INTO app.project_milestones (project_id, name, position, planned_date, actual_date) VALUES
    (v_project, 'Design freeze', 10, CURRENT_DATE - 60, CURRENT_DATE - 56),
    (v_project, 'First article inspection', 20, CURRENT_DATE - 7, NULL),
    (v_project, 'PPAP submission', 30, CURRENT_DATE + 30, NULL);

  PERFORM set_config('role', 'none', true);
  PERFORM set_config('request.jwt.claims', '', true);
END
$$;

-- Change orders tied to plants: the assembly plant's production lead holds
-- the production role at PLANT-2 only. An ECO for the housing's assembly
-- names PLANT-2; QA and engineering approved it, and it waits for the
-- production step, which Pat (or a tenant-wide production approver)
-- decides; a PLANT-1-scoped approver could not (change_order.outside_plants).
INSERT INTO app.users (email, display_name) VALUES ('production.plant2@acme.test', 'Pat, production lead at the assembly plant')
ON CONFLICT (email) DO NOTHING;
INSERT INTO app.memberships (organization_id, user_id)
SELECT o.id, u.id FROM app.organizations AS o, app.users AS u
 WHERE o.slug = 'acme-manufacturing' AND u.email = 'production.plant2@acme.test'
ON CONFLICT (organization_id, user_id) DO NOTHING;
INSERT INTO app.role_assignments (organization_id, membership_id, role_id, site_id)
SELECT m.organization_id, m.id, r.id, s.id
  FROM app.memberships AS m
  JOIN app.users AS u ON u.id = m.user_id AND u.email = 'production.plant2@acme.test'
  JOIN app.roles AS r ON r.organization_id = m.organization_id AND r.key = 'production'
  JOIN app.sites AS s ON s.organization_id = m.organization_id AND s.code = 'PLANT-2'
ON CONFLICT ON CONSTRAINT role_assignments_unique DO NOTHING;

DO $$
DECLARE
  v_tenant uuid := (SELECT id FROM app.organizations WHERE slug = 'acme-manufacturing');
  v_engineering uuid := (SELECT id FROM app.users WHERE email = 'engineering@acme.test');
  v_qa uuid := (SELECT id FROM app.users WHERE email = 'qa@acme.test');
  v_management uuid := (SELECT id FROM app.users WHERE email = 'management@acme.test');
  v_housing uuid;
  v_eco uuid;
BEGIN
  SELECT p.id INTO v_housing FROM app.parts AS p WHERE p.organization_id = v_tenant AND p.part_number = 'PH-2200';
  IF v_tenant IS NULL OR v_housing IS NULL
     OR EXISTS (SELECT FROM app.change_orders WHERE organization_id = v_tenant AND title = 'Housing torque sequence at assembly') THEN
    RETURN;
  END IF;
  PERFORM set_config('request.jwt.claims', jsonb_build_object('sub', v_engineering, 'role', 'app_user', 'org_id', v_tenant)::text, true);
  INSERT INTO app.change_orders (title, reason, description, effectivity, effective_date, site_ids)
  VALUES ('Housing torque sequence at assembly', 'corrective_action', 'Cross-pattern torque sequence for the flange screws at the assembly plant.',
          'date', CURRENT_DATE + 14, ARRAY[(SELECT s.id FROM app.sites AS s WHERE s.organization_id = v_tenant AND s.code = 'PLANT-2')])
  RETURNING id INTO v_eco;
  INSERT INTO app.change_order_items (change_order_id, kind, part_id, note) VALUES (v_eco, 'part', v_housing, 'Assembly instruction');
  PERFORM app.submit_change_order(v_eco);
  PERFORM set_config('request.jwt.claims', jsonb_build_object('sub', v_qa, 'role', 'app_user', 'org_id', v_tenant)::text, true);
  PERFORM app.approve_change_order(v_eco, 'No effect on the leak test');
  PERFORM set_config('request.jwt.claims', jsonb_build_object('sub', v_management, 'role', 'app_user', 'org_id', v_tenant)::text, true);
  PERFORM app.approve_change_order(v_eco, 'Sequence reviewed');
  PERFORM set_config('role', 'none', true);
  PERFORM set_config('request.jwt.claims', '', true);
END
$$;
