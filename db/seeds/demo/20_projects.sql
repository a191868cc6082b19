-- Demo projects for both tenants, made the way users make them: created by
-- sales or management, then driven through the workflow with the same RPCs
-- the APIs call (documents uploaded, sub-stages started and completed,
-- approvals decided and signed by whoever they were routed to, dated back
-- over realistic spans). The result: projects in every stage, two delivered
-- (one early, one late), pending approvals (two of them
-- overdue and escalated), documents with several versions, a blocked
-- sub-stage, messages and unread notifications. Runs once per tenant.

CREATE FUNCTION pg_temp.act_as(p_user_id uuid, p_organization_id uuid) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
  PERFORM set_config('role', 'none', true);
  PERFORM set_config('request.jwt.claims',
    jsonb_build_object('sub', p_user_id, 'role', 'app_user', 'org_id', p_organization_id)::text, true);
  PERFORM set_config('role', 'app_user', true);
END
$$;

CREATE FUNCTION pg_temp.act_as_owner() RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
  PERFORM set_config('role', 'none', true);
  PERFORM set_config('request.jwt.claims', '', true);
END
$$;

CREATE FUNCTION pg_temp.user_id(p_email text) RETURNS uuid
LANGUAGE sql AS $$ SELECT id FROM app.users WHERE email = p_email $$;

-- Decides an open approval as whoever it waits for, signed where the
-- policy requires it (the demo users' password is known; checking it is a
-- bcrypt, so only then).
CREATE FUNCTION pg_temp.approve(p_approval app.approvals) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_temp.act_as(p_approval.current_approver_id, p_approval.organization_id);
  IF p_approval.requires_signature THEN
    PERFORM app.decide_approval(p_approval.id, 'approve', 'Checked and fine.', NULL, 'Reviewed for release', 'pulse-demo-password');
  ELSE
    PERFORM app.decide_approval(p_approval.id, 'approve', 'Checked and fine.');
  END IF;
END
$$;

-- A demo version's file is never uploaded (the demo holds no files): the
-- acting user confirms the upload and the check is recorded as the verify
-- worker would for a file as declared, so the version is stored and current.
-- Download URLs of demo versions point at objects that do not exist.
CREATE FUNCTION pg_temp.stored(p_version app.document_versions) RETURNS app.document_versions
LANGUAGE plpgsql AS $$
DECLARE
  v_claims jsonb := auth.claims();
  v_version app.document_versions;
BEGIN
  PERFORM app.confirm_document_upload(p_version.id);
  PERFORM pg_temp.act_as_owner();
  v_version := app_private.record_upload_check(p_version.id, p_version.size_bytes, p_version.checksum);
  PERFORM pg_temp.act_as((v_claims ->> 'sub')::uuid, (v_claims ->> 'org_id')::uuid);
  RETURN v_version;
END
$$;

-- Drives a project forward as its manager until it reaches the stage named
-- (or completes): uploads the stage's mandatory documents, works the
-- sub-stages in order, and has every approval decided.
CREATE FUNCTION pg_temp.drive(p_project_id uuid, p_manager uuid, p_until_stage text) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
  v_project app.projects;
  v_stage text;
  v_category app.document_category;
  v_missing app.document_category[];
  v_uploads text[];
  v_upload text;
  v_row app.project_sub_stage_progress;
  v_approval app.approvals;
  v_steps integer := 0;
BEGIN
  LOOP
    v_steps := v_steps + 1;
    IF v_steps > 300 THEN
      RAISE EXCEPTION 'demo project % does not advance', p_project_id;
    END IF;
    PERFORM pg_temp.act_as_owner();
    SELECT * INTO v_project FROM app.projects WHERE id = p_project_id;
    SELECT slug INTO v_stage FROM app.workflow_stages WHERE organization_id = v_project.organization_id AND id = v_project.current_stage_id;
    EXIT WHEN v_project.status = 'completed' OR v_stage = p_until_stage;

    SELECT * INTO v_approval FROM app.approvals
     WHERE organization_id = v_project.organization_id AND project_id = p_project_id AND status IN ('pending', 'in_review')
     ORDER BY created_at LIMIT 1;
    IF FOUND THEN
      PERFORM pg_temp.approve(v_approval);
      CONTINUE;
    END IF;

    v_missing := app_private.missing_documents(v_project, v_project.current_stage_id);
    PERFORM pg_temp.act_as(p_manager, v_project.organization_id);
    FOREACH v_category IN ARRAY v_missing LOOP
      PERFORM pg_temp.stored(app.create_document(
        p_project_id, initcap(replace(v_category::text, '_', ' ')) || ' for ' || v_project.title,
        v_category, 'pdf', encode(sha256(convert_to(p_project_id || v_category::text, 'UTF8')), 'hex'),
        184320 + length(v_category::text) * 1024, 'application/pdf', 'First issue',
        CASE WHEN v_category IN ('qa_report', 'test_result') THEN '{"result": "pass"}'::jsonb ELSE '{}' END));
    END LOOP;
    -- Exit criteria that count documents (two qualified supplier quotes): the rest.
    PERFORM pg_temp.act_as_owner();
    v_uploads := ARRAY(SELECT u.document_category || ':' || n
                         FROM app_private.unmet_exit_criteria(v_project) AS u, generate_series(u.document_count + 1, u.min_count) AS n
                        WHERE u.kind = 'documents');
    PERFORM pg_temp.act_as(p_manager, v_project.organization_id);
    FOREACH v_upload IN ARRAY v_uploads LOOP
      PERFORM pg_temp.stored(app.create_document(
        p_project_id, initcap(replace(split_part(v_upload, ':', 1), '_', ' ')) || ' ' || split_part(v_upload, ':', 2)
        || ' for ' || v_project.title, split_part(v_upload, ':', 1)::app.document_category, 'pdf',
        encode(sha256(convert_to(p_project_id || v_upload, 'UTF8')), 'hex'), 96256, 'application/pdf'));
    END LOOP;
    SELECT * INTO v_row FROM app.project_sub_stage_progress
     WHERE organization_id = v_project.organization_id AND project_id = p_project_id
       AND workflow_stage_id = v_project.current_stage_id AND status NOT IN ('completed', 'skipped')
     ORDER BY sub_stage_order LIMIT 1;
    CONTINUE WHEN NOT FOUND;
    PERFORM app.update_progress(p_project_id, v_row.sub_stage_id,
                                CASE WHEN v_row.status IN ('pending', 'blocked') THEN 'start' ELSE 'complete' END::app.progress_action,
                                'Done as planned.');
  END LOOP;
  PERFORM pg_temp.act_as_owner();
END
$$;

-- The helpers switch roles, so the roles they switch to must run them too.
GRANT EXECUTE ON FUNCTION pg_temp.act_as(uuid, uuid), pg_temp.act_as_owner(), pg_temp.user_id(text),
  pg_temp.approve(app.approvals), pg_temp.stored(app.document_versions), pg_temp.drive(uuid, uuid, text) TO app_user;

DO $$
DECLARE
  v_tenant record;
  v_project record;
  v_id uuid;
  v_manager uuid;
  v_sales uuid;
  v_team uuid[];
  v_document uuid;
  v_version app.document_versions;
BEGIN
  FOR v_tenant IN
    SELECT o.id, o.slug, t.domain, t.customers, pg_temp.user_id(t.admin_email) AS admin_id
      FROM (VALUES ('acme-manufacturing', 'acme.test', ARRAY['C-1001', 'C-1002'], 'ada@acme.test'),
                   ('northwind-labs', 'northwind.test', ARRAY['K-100', 'K-101'], 'grace@northwind.test'))
           AS t (slug, domain, customers, admin_email)
      JOIN app.organizations AS o ON o.slug = t.slug
     WHERE NOT EXISTS (SELECT FROM app.projects AS p WHERE p.organization_id = o.id)
  LOOP
    v_manager := pg_temp.user_id('management@' || v_tenant.domain);
    v_sales := pg_temp.user_id('sales@' || v_tenant.domain);
    v_team := ARRAY[pg_temp.user_id('engineering@' || v_tenant.domain), pg_temp.user_id('qa@' || v_tenant.domain)];

    FOR v_project IN
      SELECT * FROM (VALUES
        (1, 'Widget A Rev2', 'inquiry', 'normal', 40, 0::numeric, '{}'::text[]),
        (2, 'Hydraulic manifold block', 'technical-review', 'high', 55, 0, '{critical_to_quality}'),
        (3, 'Sensor housing, anodized', 'supplier-rfq', 'normal', 60, 0, '{}'),
        (4, 'Gearbox cover casting', 'quoted', 'urgent', 30, 0, '{}'),
        (5, 'Pump impeller batch', 'order-confirmed', 'normal', 70, 68000, '{}'),
        (6, 'Control cabinet wiring', 'procurement-planning', 'normal', 75, 42000, '{export_controlled}'),
        (7, 'Conveyor roller set', 'production', 'high', 20, 31000, '{}'),
        (8, 'Bracket kit, zinc plated', 'completed', 'normal', 50, 12000, '{}'),
        (9, 'Calibration fixture', NULL, 'low', 90, 9500, '{}'),
        (10, 'Prototype enclosure', 'inquiry', 'low', -3, 0, '{}'),
        (11, 'Valve seat repair', NULL, 'normal', -4, 8000, '{}')
      ) AS p (n, title, until_stage, priority, promised_in_days, quote_value, risk_flags)
    LOOP
      PERFORM pg_temp.act_as(v_sales, v_tenant.id);
      INSERT INTO app.projects (title, description, customer_organization_id, requested_due_date, promised_due_date,
                                priority, quote_value, risk_flags, assigned_to, team_member_ids)
      SELECT v_project.title, 'Demo project ' || v_project.n || ' of ' || v_tenant.slug, pa.id,
             current_date + v_project.promised_in_days - 5, current_date + v_project.promised_in_days,
             v_project.priority::app.priority_level, nullif(v_project.quote_value, 0), v_project.risk_flags, v_manager,
             v_team
        FROM app.partners AS pa
       WHERE pa.organization_id = v_tenant.id AND pa.code = v_tenant.customers[1 + v_project.n % 2]
      RETURNING id INTO v_id;
      PERFORM pg_temp.drive(v_id, v_manager, v_project.until_stage);
    END LOOP;

    -- A quote that needs a second revision, and an open approval on it.
    SELECT d.id INTO v_document FROM app.documents AS d JOIN app.projects AS p ON p.id = d.project_id
     WHERE d.organization_id = v_tenant.id AND p.title = 'Gearbox cover casting' AND d.category = 'costing';
    PERFORM pg_temp.act_as(v_manager, v_tenant.id);
    IF v_document IS NULL THEN
      SELECT id INTO v_id FROM app.projects WHERE organization_id = v_tenant.id AND title = 'Gearbox cover casting';
      SELECT document_id INTO v_document FROM pg_temp.stored(app.create_document(v_id, 'Cost roll-up', 'costing', 'xlsx',
        encode(sha256(convert_to(v_id || 'cost-1', 'UTF8')), 'hex'), 48213, 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'));
    END IF;
    PERFORM pg_temp.stored(app.add_document_version(v_document, encode(sha256(convert_to(v_document || 'cost-2', 'UTF8')), 'hex'),
                                                    51022, 'application/pdf', 'Overhead rate updated'));
    PERFORM pg_temp.stored(app.add_document_version(v_document, encode(sha256(convert_to(v_document || 'cost-3', 'UTF8')), 'hex'),
                                                    52877, 'application/pdf', 'Customer asked for tooling split out'));

    -- Get the approval-gated sub-stages of two projects into review, then
    -- pretend they were requested long ago so the SLA is breached, and run
    -- the escalation the scheduler would run.
    FOR v_project IN
      SELECT p.id, ss.sub_stage_id FROM app.projects AS p
        JOIN app.project_sub_stage_progress AS ss ON ss.project_id = p.id AND ss.organization_id = p.organization_id
       WHERE p.organization_id = v_tenant.id AND p.title IN ('Hydraulic manifold block', 'Gearbox cover casting')
         AND ss.requires_approval AND ss.workflow_stage_id = p.current_stage_id
    LOOP
      PERFORM pg_temp.act_as(v_manager, v_tenant.id);
      WHILE (SELECT status FROM app.project_sub_stage_progress WHERE project_id = v_project.id AND sub_stage_id = v_project.sub_stage_id)
            IN ('pending', 'in_progress') LOOP
        PERFORM app.update_progress(v_project.id, x.sub_stage_id,
                                    CASE WHEN x.status = 'pending' THEN 'start' ELSE 'complete' END::app.progress_action)
           FROM app.project_sub_stage_progress AS x
          WHERE x.project_id = v_project.id AND x.workflow_stage_id = (SELECT current_stage_id FROM app.projects WHERE id = v_project.id)
            AND x.status IN ('pending', 'in_progress')
          ORDER BY x.sub_stage_order LIMIT 1;
      END LOOP;
    END LOOP;
    PERFORM pg_temp.act_as_owner();
    UPDATE app.approvals SET created_at = now() - interval '60 hours', sla_due_at = now() - interval '12 hours'
     WHERE organization_id = v_tenant.id AND status IN ('pending', 'in_review');
    -- The seed decides every approval the moment it is requested; people
    -- take from two hours to a few days (some past their SLA). Each decided
    -- approval is dated back by its own span, so the cycle-time dashboard
    -- shows what a real month would.
    UPDATE app.approvals AS a
       SET created_at = a.decided_at - s.span, sla_due_at = a.sla_due_at - s.span
      FROM (SELECT x.id, make_interval(mins => 120 + abs(hashtext(x.id::text)) % 3600) AS span
              FROM app.approvals AS x WHERE x.organization_id = v_tenant.id) AS s
     WHERE a.organization_id = v_tenant.id AND a.id = s.id AND a.status IN ('approved', 'rejected');
    UPDATE app.project_sub_stage_progress AS pr SET due_at = now() - interval '30 hours'
      FROM app.projects AS p
     WHERE p.id = pr.project_id AND p.organization_id = v_tenant.id AND p.title = 'Sensor housing, anodized'
       AND pr.status IN ('pending', 'in_progress');
    PERFORM app_private.escalate_overdue_approvals(v_tenant.id);

    -- Evidence on an open approval, documents opened, a stand-in approver.
    PERFORM pg_temp.act_as(v_manager, v_tenant.id);
    PERFORM app.add_approval_attachment(a.id, d.id, d.version)
       FROM app.approvals AS a JOIN app.documents AS d ON d.project_id = a.project_id AND d.category = 'costing'
      WHERE a.organization_id = v_tenant.id AND a.status IN ('pending', 'in_review');
    PERFORM app.log_document_access(d.id, NULL, 'view') FROM app.documents AS d WHERE d.organization_id = v_tenant.id AND d.category = 'costing';
    INSERT INTO app.approver_backups (user_id, backup_user_id) VALUES (v_manager, v_tenant.admin_id);

    -- A blocked sub-stage, a cancelled project, a few messages.
    PERFORM pg_temp.act_as(v_manager, v_tenant.id);
    PERFORM app.update_progress(p.id, pr.sub_stage_id, 'block', 'Waiting for the customer''s revised drawing')
       FROM app.projects AS p JOIN app.project_sub_stage_progress AS pr ON pr.project_id = p.id AND pr.status = 'in_progress'
      WHERE p.organization_id = v_tenant.id AND p.title = 'Sensor housing, anodized';
    UPDATE app.projects SET status = 'cancelled' WHERE organization_id = v_tenant.id AND title = 'Prototype enclosure';
    INSERT INTO app.messages (project_id, subject, content)
    SELECT p.id, 'Kick-off', 'Kick-off call on Monday at 10:00; agenda in the project folder.'
      FROM app.projects AS p WHERE p.organization_id = v_tenant.id AND p.title IN ('Widget A Rev2', 'Conveyor roller set');
    PERFORM pg_temp.act_as(v_sales, v_tenant.id);
    INSERT INTO app.messages (project_id, recipient_id, subject, content)
    SELECT p.id, v_manager, 'Customer call', 'The customer asks whether we can pull delivery in by a week.'
      FROM app.projects AS p WHERE p.organization_id = v_tenant.id AND p.title = 'Pump impeller batch';
    PERFORM pg_temp.act_as_owner();
  END LOOP;
END
$$;
