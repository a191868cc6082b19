-- Projects: human ids (app_private.take_human_id, 10_core), validation, pinned definitions, stage
-- changes (automatic, or a management override with a reason), progress
-- seeding on entering a stage, and the project workflow read.

CREATE OR REPLACE FUNCTION app_private.refuse_portal_user() RETURNS void
LANGUAGE plpgsql STABLE
SET search_path = ''
AS $$
BEGIN
  IF auth.partner_id() IS NOT NULL THEN
    RAISE EXCEPTION 'this is for the organization''s staff, not for portal users' USING ERRCODE = 'PT403',
      DETAIL = 'project.staff_only', HINT = 'Portal users read their customer''s projects through app.customer_projects.';
  END IF;
END
$$;

COMMENT ON FUNCTION app_private.refuse_portal_user() IS
  'Raises PT403 project.staff_only when the caller is a portal user (a member bound to a partner), whatever their permissions.';

CREATE OR REPLACE FUNCTION app_private.check_project_people(p_project app.projects) RETURNS void
LANGUAGE plpgsql STABLE
SET search_path = ''
AS $$
DECLARE
  v_kind app.partner_kind;
  v_outsider uuid;
BEGIN
  IF p_project.customer_organization_id IS NOT NULL THEN
    SELECT kind INTO v_kind FROM app.partners
     WHERE organization_id = p_project.organization_id AND id = p_project.customer_organization_id;
    IF v_kind = 'supplier' THEN
      PERFORM app_private.raise_invalid('project.customer_is_supplier', 'customer_organization_id names a supplier',
                                        'Pick a partner of kind customer or customer_and_supplier.');
    END IF;
  END IF;
  SELECT c INTO v_outsider FROM unnest(p_project.point_of_contacts) AS c
   WHERE NOT EXISTS (SELECT FROM app.contacts AS k
                      WHERE k.organization_id = p_project.organization_id AND k.id = c
                        AND k.partner_id = p_project.customer_organization_id)
   LIMIT 1;
  IF FOUND THEN
    PERFORM app_private.raise_invalid('project.contact_not_of_customer',
                                      format('point_of_contacts: %s is not a contact of the customer', v_outsider),
                                      'List ids of the customer''s contacts (GET /contacts?partner_id=eq.<customer>).');
  END IF;
  SELECT u INTO v_outsider FROM unnest(p_project.team_member_ids || p_project.assigned_to) AS u
   WHERE u IS NOT NULL AND NOT app_private.is_active_staff(p_project.organization_id, u)
   LIMIT 1;
  IF FOUND THEN
    PERFORM app_private.raise_invalid('project.member_not_staff',
                                      format('user %s is not an active member of the organization''s staff', v_outsider),
                                      'assigned_to and team_member_ids name colleagues, never portal users (GET /memberships).');
  END IF;
END
$$;

COMMENT ON FUNCTION app_private.check_project_people(app.projects) IS
  'Refuses (PT422) a supplier as customer (project.customer_is_supplier), contacts that are not the customer''s (project.contact_not_of_customer), and assignees or team members who are not active staff (project.member_not_staff: portal users never join a project team).';

CREATE OR REPLACE FUNCTION app_private.included_stage(p_organization_id uuid, p_definition_id uuid, p_stage_id uuid)
RETURNS app.workflow_definition_stage_settings
LANGUAGE plpgsql STABLE
SET search_path = ''
AS $$
DECLARE
  v_stage app.workflow_definition_stage_settings;
BEGIN
  SELECT * INTO v_stage FROM app.workflow_definition_stage_settings AS s
   WHERE s.organization_id = p_organization_id AND s.workflow_definition_id = p_definition_id AND s.is_included
     AND (s.workflow_stage_id = p_stage_id OR p_stage_id IS NULL)
   ORDER BY s.stage_order
   LIMIT 1;
  IF NOT FOUND AND p_stage_id IS NULL THEN
    PERFORM app_private.raise_invalid('workflow_definition.no_stage', 'the workflow definition includes no stage',
      'GET /workflow_definition_stage_settings?workflow_definition_id=eq.<id>&is_included=is.true lists the stages.');
  ELSIF NOT FOUND THEN
    PERFORM app_private.raise_invalid('stage.not_in_definition',
      format('stage %s is not a stage of the project''s workflow definition', p_stage_id),
      'GET /workflow_definition_stage_settings?workflow_definition_id=eq.<id>&is_included=is.true lists the stages.');
  END IF;
  RETURN v_stage;
END
$$;

COMMENT ON FUNCTION app_private.included_stage(uuid, uuid, uuid) IS
  'An included stage of a definition (the first one when p_stage_id is empty), or PT422 (stage.not_in_definition, workflow_definition.no_stage).';

CREATE OR REPLACE FUNCTION app_private.tg_projects__prepare_insert() RETURNS trigger
LANGUAGE plpgsql VOLATILE
SECURITY DEFINER
SET search_path = ''
AS $$
DECLARE
  v_definition app.workflow_definitions;
  v_stage app.workflow_definition_stage_settings;
BEGIN
  PERFORM app_private.refuse_foreign_tenant(NEW.organization_id);
  IF NEW.workflow_definition_id IS NULL THEN
    SELECT * INTO v_definition FROM app.workflow_definitions
     WHERE organization_id = NEW.organization_id AND is_default;
  ELSE
    SELECT * INTO v_definition FROM app.workflow_definitions
     WHERE organization_id = NEW.organization_id AND id = NEW.workflow_definition_id;
  END IF;
  IF v_definition.id IS NULL AND NEW.workflow_definition_id IS NULL THEN
    PERFORM app_private.raise_invalid('workflow_definition.no_default', 'the organization has no default workflow definition',
      'GET /workflow_definitions?is_active=is.true lists the versions projects can use.');
  ELSIF v_definition.id IS NULL THEN
    PERFORM app_private.raise_invalid('workflow_definition.unknown', format('no workflow definition %s', NEW.workflow_definition_id),
      'GET /workflow_definitions?is_active=is.true lists the versions projects can use.');
  ELSIF NOT v_definition.is_active THEN
    PERFORM app_private.raise_invalid('workflow_definition.retired',
      format('workflow definition "%s" v%s is retired', v_definition.name, v_definition.version),
      'GET /workflow_definitions?is_active=is.true lists the versions projects can use.');
  END IF;
  NEW.workflow_definition_id := v_definition.id;
  v_stage := app_private.included_stage(NEW.organization_id, v_definition.id, NEW.current_stage_id);
  -- Creating a project past the first stage is a management override.
  IF v_stage.workflow_stage_id <> (app_private.included_stage(NEW.organization_id, v_definition.id, NULL)).workflow_stage_id THEN
    PERFORM app_private.require_permission('project.override_stage');
  END IF;
  NEW.current_stage_id := v_stage.workflow_stage_id;
  NEW.status := coalesce(v_stage.project_status, 'inquiry');
  NEW.project_number := app_private.take_human_id(NEW.organization_id, 'PRJ', NEW.project_number);
  NEW.created_by := auth.user_id();
  NEW.stage_entered_at := pg_catalog.now();
  NEW.stage_change_reason := NULL;
  NEW.delivered_at := NULL;
  NEW.completed_at := NULL;
  PERFORM app_private.check_project_people(NEW);
  PERFORM app_private.lock_workflow_definition(NEW.organization_id, v_definition.id);
  RETURN NEW;
END
$$;

COMMENT ON FUNCTION app_private.tg_projects__prepare_insert() IS
  'BEFORE INSERT: the default definition and its first stage when not sent (a later stage needs project.override_stage: PT403 permission.missing; leave current_stage_id out), the next human id, validation (PT422 workflow_definition.no_default, .unknown, .retired, stage.not_in_definition, and those of app_private.check_project_people); locks the definition the project pins.';

CREATE OR REPLACE FUNCTION app_private.tg_projects__guard_update() RETURNS trigger
LANGUAGE plpgsql VOLATILE
SECURITY DEFINER
SET search_path = ''
AS $$
BEGIN
  PERFORM app_private.refuse_foreign_tenant(NEW.organization_id);
  IF NEW.workflow_definition_id <> OLD.workflow_definition_id THEN
    RAISE EXCEPTION 'project % is pinned to its workflow definition', OLD.project_number USING ERRCODE = 'PT409',
      DETAIL = 'project.definition_pinned',
      HINT = 'A project keeps the version it was created with; create a new project to follow another.';
  END IF;
  IF NEW.project_number <> OLD.project_number THEN
    RAISE EXCEPTION 'the human id % cannot change', OLD.project_number USING ERRCODE = 'PT409', DETAIL = 'project.number_fixed',
      HINT = 'A project keeps its human id; create a new project for a new one.';
  END IF;
  -- API roles hold no UPDATE privilege on current_stage_id: a stage changes
  -- only in app_private.move_project_stage, which records the transition
  -- first. A change without its transition (a stray UPDATE by the owner) is refused.
  IF NEW.current_stage_id IS DISTINCT FROM OLD.current_stage_id AND NOT EXISTS (
       SELECT FROM app.project_stage_transitions AS t
        WHERE t.organization_id = NEW.organization_id AND t.project_id = NEW.id AND t.from_stage_id = OLD.current_stage_id
          AND t.to_stage_id = NEW.current_stage_id AND t.changed_at = pg_catalog.now()) THEN
    RAISE EXCEPTION 'project % changes stage only through app.override_project_stage or the automatic advance', OLD.project_number
      USING ERRCODE = 'PT403', DETAIL = 'stage.not_through_workflow',
            HINT = 'Management moves a project with app.override_project_stage(project_id, stage_id, reason).';
  END IF;
  -- Status follows the stage. By hand it only becomes cancelled; the
  -- automatic completion also sets completed_at, which no API role may write.
  IF NEW.status IS DISTINCT FROM OLD.status AND NEW.current_stage_id IS NOT DISTINCT FROM OLD.current_stage_id THEN
    IF OLD.status IN ('completed', 'cancelled') THEN
      RAISE EXCEPTION 'project % is %', OLD.project_number, OLD.status USING ERRCODE = 'PT409', DETAIL = 'project.closed',
        HINT = 'A completed or cancelled project no longer changes status.';
    ELSIF NOT (NEW.status = 'cancelled'
               OR (NEW.status = 'completed' AND OLD.completed_at IS NULL AND NEW.completed_at IS NOT NULL)) THEN
      RAISE EXCEPTION 'status follows the workflow stage; by hand it can only be set to cancelled' USING ERRCODE = 'PT409',
        DETAIL = 'project.status_follows_stage',
        HINT = 'Management moves a project with app.override_project_stage(project_id, stage_id, reason).';
    END IF;
  END IF;

  IF ROW(NEW.customer_organization_id, NEW.point_of_contacts, NEW.team_member_ids, NEW.assigned_to)
     IS DISTINCT FROM ROW(OLD.customer_organization_id, OLD.point_of_contacts, OLD.team_member_ids, OLD.assigned_to) THEN
    PERFORM app_private.check_project_people(NEW);
  END IF;
  RETURN NEW;
END
$$;

COMMENT ON FUNCTION app_private.tg_projects__guard_update() IS
  'BEFORE UPDATE: the definition and human id are fixed (PT409 project.definition_pinned, project.number_fixed); the stage changes only with its recorded transition (PT403 stage.not_through_workflow); status by hand only to cancelled (PT409 project.status_follows_stage), and never again once closed (PT409 project.closed).';

CREATE OR REPLACE FUNCTION app_private.missing_documents(p_project app.projects, p_stage_id uuid) RETURNS app.document_category[]
LANGUAGE plpgsql STABLE
AS $$
BEGIN
  RETURN (SELECT coalesce(pg_catalog.array_agg(c ORDER BY c), '{}')
      FROM app.workflow_definition_stage_settings AS s, unnest(s.required_document_categories) AS c
     WHERE s.organization_id = p_project.organization_id AND s.workflow_definition_id = p_project.workflow_definition_id
       AND s.workflow_stage_id = p_stage_id
       AND NOT EXISTS (
         SELECT FROM app.documents AS d
          WHERE d.organization_id = p_project.organization_id AND d.project_id = p_project.id AND d.category = c
            AND d.version > 0 AND d.approval_state IN ('not_required', 'approved')));
END
$$;

COMMENT ON FUNCTION app_private.missing_documents(app.projects, uuid) IS
  'Mandatory document categories of a stage the project does not hold yet (a regulated category counts once its current version is approved).';

CREATE OR REPLACE FUNCTION app_private.seed_stage_progress(p_project app.projects) RETURNS integer
LANGUAGE plpgsql VOLATILE
SET search_path = ''
AS $$
DECLARE
  v_count integer;
BEGIN
  -- Included sub-stages of the stage in the definition's order; the first
  -- starts at once; due dates follow one after the other from the estimates
  -- (a sub-stage without one gets its share of the stage's estimate, else a day).
  INSERT INTO app.project_sub_stage_progress
    (id, organization_id, project_id, workflow_stage_id, sub_stage_id, sub_stage_order, status, is_required,
     requires_approval, approval_type, can_skip, auto_advance, responsible_roles, started_at, due_at)
  SELECT public.uuid_generate_v7(), p_project.organization_id, p_project.id, e.workflow_stage_id, e.sub_stage_id,
         e.sub_stage_order,
         CASE WHEN e.position = 1 THEN 'in_progress' ELSE 'pending' END::app.sub_stage_status,
         e.is_required, e.requires_approval, e.approval_type, e.can_skip, e.auto_advance, e.responsible_roles,
         CASE WHEN e.position = 1 THEN p_project.stage_entered_at END,
         p_project.stage_entered_at + pg_catalog.make_interval(hours => e.hours_until_due::integer)
    FROM (
      SELECT x.*, row_number() OVER w AS position, sum(x.hours) OVER w AS hours_until_due
        FROM (
          -- The project's definition is locked: its overrides hold the values in force.
          SELECT ss.workflow_stage_id, ss.id AS sub_stage_id, ss.slug,
                 coalesce(dss.sub_stage_order_override, ss.sub_stage_order) AS sub_stage_order,
                 coalesce(dss.is_required_override, ss.is_required) AS is_required,
                 coalesce(dss.requires_approval_override, ss.requires_approval) AS requires_approval,
                 CASE WHEN coalesce(dss.requires_approval_override, ss.requires_approval)
                      THEN coalesce(dss.approval_type_override, ss.approval_type, 'final_signoff') END AS approval_type,
                 coalesce(dss.can_skip_override, ss.can_skip) AS can_skip,
                 coalesce(dss.auto_advance_override, ss.auto_advance) AS auto_advance,
                 coalesce(dss.responsible_roles_override, ss.responsible_roles) AS responsible_roles,
                 coalesce(dss.estimated_duration_hours_override, ss.estimated_duration_hours,
                          coalesce(ds.estimated_duration_days_override, st.estimated_duration_days) * 24 / count(*) OVER (), 24) AS hours
            -- The stage's sub-stages (an index range), each with its
            -- definition's row by the definition's unique key: planned
            -- generically, the join was driven from the definition's every
            -- sub-stage, scanning the stage's for each.
            FROM app.workflow_sub_stages AS ss
            CROSS JOIN LATERAL (
                  SELECT d.* FROM app.workflow_definition_sub_stages AS d
                   WHERE d.organization_id = ss.organization_id AND d.workflow_definition_id = p_project.workflow_definition_id
                     AND d.workflow_sub_stage_id = ss.id
                   LIMIT 1) AS dss
            JOIN app.workflow_stages AS st ON st.organization_id = ss.organization_id AND st.id = ss.workflow_stage_id
            JOIN app.workflow_definition_stages AS ds
              ON ds.organization_id = dss.organization_id AND ds.workflow_definition_id = dss.workflow_definition_id
             AND ds.workflow_stage_id = st.id
           WHERE ss.organization_id = p_project.organization_id AND ss.workflow_stage_id = p_project.current_stage_id
             AND dss.is_included AND ds.is_included
        ) AS x
      WINDOW w AS (ORDER BY x.sub_stage_order, x.slug ROWS UNBOUNDED PRECEDING)
    ) AS e
  ON CONFLICT (organization_id, project_id, sub_stage_id) DO NOTHING;
  GET DIAGNOSTICS v_count = ROW_COUNT;
  RETURN v_count;
END
$$;

COMMENT ON FUNCTION app_private.seed_stage_progress(app.projects) IS
  'create_project_sub_stage_progress_v2: seeds the included sub-stages of the project''s current stage from its pinned definition (order overrides respected, first one in_progress, due_at from the estimates); rows already there are left alone.';

CREATE OR REPLACE FUNCTION app_private.enter_stage(p_project app.projects) RETURNS void
LANGUAGE plpgsql VOLATILE
SET search_path = ''
AS $$
DECLARE
  v_stage_name text;
  v_next_roles text[];
BEGIN
  PERFORM app_private.seed_stage_progress(p_project);

  -- handle_project_stage_change: the team and whoever is responsible next.
  SELECT s.name INTO v_stage_name FROM app.workflow_stages AS s
   WHERE s.organization_id = p_project.organization_id AND s.id = p_project.current_stage_id;
  SELECT coalesce(pg_catalog.array_agg(DISTINCT r), '{}') INTO v_next_roles
    FROM app.project_sub_stage_progress AS p, unnest(p.responsible_roles) AS r
   WHERE p.organization_id = p_project.organization_id AND p.project_id = p_project.id
     AND p.workflow_stage_id = p_project.current_stage_id;
  PERFORM app_private.notify(
    p_project.organization_id,
    array_remove(ARRAY[p_project.assigned_to, p_project.created_by] || p_project.team_member_ids
                 || app_private.role_holders(p_project.organization_id, v_next_roles), auth.user_id()),
    'workflow', format('%s entered %s', p_project.project_number, v_stage_name),
    format('%s "%s" is now in stage %s.', p_project.project_number, p_project.title, v_stage_name),
    p_project.priority, p_project.id, 'projects', p_project.id);
END
$$;

COMMENT ON FUNCTION app_private.enter_stage(app.projects) IS
  'A project has entered its current stage: seeds the stage''s sub-stages and notifies the project team and the holders of the roles responsible for it.';

CREATE OR REPLACE FUNCTION app_private.tg_projects__created() RETURNS trigger
LANGUAGE plpgsql VOLATILE
SECURITY DEFINER
SET search_path = ''
AS $$
BEGIN
  INSERT INTO app.project_stage_transitions (organization_id, project_id, from_stage_id, to_stage_id, kind, changed_by)
  VALUES (NEW.organization_id, NEW.id, NULL, NEW.current_stage_id, 'initial', auth.user_id());
  PERFORM app_private.enter_stage(NEW);
  -- contracts/events/workflow/project.created.schema.json
  PERFORM app_private.publish_event(NEW.organization_id, 'project.created', pg_catalog.jsonb_build_object(
    'project_id', NEW.id, 'project_number', NEW.project_number, 'title', NEW.title, 'status', NEW.status,
    'priority', NEW.priority, 'stage_id', NEW.current_stage_id,
    'stage_slug', (SELECT s.slug FROM app.workflow_stages AS s WHERE s.organization_id = NEW.organization_id AND s.id = NEW.current_stage_id),
    'customer_organization_id', NEW.customer_organization_id, 'created_by', NEW.created_by, 'assigned_to', NEW.assigned_to),
    'project', NEW.id);
  RETURN NULL;
END
$$;

COMMENT ON FUNCTION app_private.tg_projects__created() IS
  'AFTER INSERT: records the initial transition, enters the first stage (sub-stages seeded, team notified) and publishes project.created.';

CREATE OR REPLACE FUNCTION app_private.project_stage_facts(p_project app.projects) RETURNS jsonb
LANGUAGE plpgsql STABLE
SET search_path = ''
AS $$
BEGIN
  -- PL/pgSQL, not SQL: a SQL function with a sub-select is never inlined and
  -- was planned again on each of its two calls per stage change.
  RETURN pg_catalog.jsonb_build_object(
    'stage', (SELECT s.slug FROM app.workflow_stages AS s WHERE s.organization_id = p_project.organization_id AND s.id = p_project.current_stage_id),
    'stage_id', p_project.current_stage_id, 'status', p_project.status, 'priority', p_project.priority,
    'quote_value', p_project.quote_value);
END
$$;

COMMENT ON FUNCTION app_private.project_stage_facts(app.projects) IS
  'The old and new of a project.stage_changed event: stage (slug), stage_id, status, priority, quote_value.';

CREATE OR REPLACE FUNCTION app_private.move_project_stage(p_organization_id uuid, p_project_id uuid, p_stage_id uuid,
                                                          p_kind app.stage_transition_kind, p_reason text)
RETURNS app.projects
LANGUAGE plpgsql VOLATILE
SECURITY DEFINER
SET search_path = ''
AS $$
DECLARE
  v_project app.projects;
  v_stage app.workflow_definition_stage_settings;
  v_missing app.document_category[] := '{}';
  v_old jsonb;
BEGIN
  -- The one place a project changes stage. How, and why, come from the
  -- caller as parameters: 'automatic' from advance_project_if_ready,
  -- 'manual' with its reason from app.override_project_stage.
  SELECT * INTO v_project FROM app.projects
   WHERE organization_id = p_organization_id AND id = p_project_id FOR UPDATE;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'no project %', p_project_id USING ERRCODE = 'PT404', DETAIL = 'project.not_found';
  ELSIF v_project.status IN ('completed', 'cancelled') THEN
    RAISE EXCEPTION 'project % is %: its stage cannot change', v_project.project_number, v_project.status
      USING ERRCODE = 'PT409', DETAIL = 'project.closed', HINT = 'A completed or cancelled project stays where it ended.';
  ELSIF p_stage_id IS NOT DISTINCT FROM v_project.current_stage_id THEN
    RAISE EXCEPTION 'project % is already in stage %', v_project.project_number,
      (SELECT s.name FROM app.workflow_stages AS s WHERE s.organization_id = p_organization_id AND s.id = p_stage_id)
      USING ERRCODE = 'PT409', DETAIL = 'stage.already_current', HINT = 'Name another stage of the project''s workflow.';
  ELSIF p_stage_id IS NULL THEN
    RAISE EXCEPTION 'a project always has a stage' USING ERRCODE = 'PT422', DETAIL = 'stage.required',
      HINT = 'Name a stage of the project''s workflow.';
  END IF;
  v_stage := app_private.included_stage(p_organization_id, v_project.workflow_definition_id, p_stage_id);
  v_old := app_private.project_stage_facts(v_project);

  -- A manual override leaves the stage behind: what it lacked is recorded,
  -- and its open sub-stages are skipped (one in review keeps waiting for its approval).
  IF p_kind = 'manual' THEN
    v_missing := app_private.missing_documents(v_project, v_project.current_stage_id);
    UPDATE app.project_sub_stage_progress
       SET status = 'skipped', completed_at = pg_catalog.now(), blocked_reason = NULL,
           metadata = metadata || pg_catalog.jsonb_build_object('skipped_by_stage_override', true)
     WHERE organization_id = p_organization_id AND project_id = p_project_id
       AND workflow_stage_id = v_project.current_stage_id AND status IN ('pending', 'in_progress', 'blocked');
  END IF;
  INSERT INTO app.project_stage_transitions
    (organization_id, project_id, from_stage_id, to_stage_id, kind, reason, missing_document_categories, changed_by)
  VALUES (p_organization_id, p_project_id, v_project.current_stage_id, p_stage_id, p_kind,
          CASE WHEN p_kind = 'manual' THEN p_reason END, v_missing, auth.user_id());
  UPDATE app.projects
     SET current_stage_id = p_stage_id, stage_entered_at = pg_catalog.now(),
         status = coalesce(v_stage.project_status, status)
   WHERE organization_id = p_organization_id AND id = p_project_id
  RETURNING * INTO v_project;
  PERFORM app_private.enter_stage(v_project);
  -- contracts/events/workflow/project.stage_changed.schema.json: before and after under old and new (the rules' changed_to)
  PERFORM app_private.publish_event(p_organization_id, 'project.stage_changed', pg_catalog.jsonb_build_object(
    'project_id', v_project.id, 'project_number', v_project.project_number, 'title', v_project.title,
    'kind', p_kind, 'reason', CASE WHEN p_kind = 'manual' THEN p_reason END, 'changed_by', auth.user_id(),
    'old', v_old, 'new', app_private.project_stage_facts(v_project)),
    'project', v_project.id);
  RETURN v_project;
END
$$;

COMMENT ON FUNCTION app_private.move_project_stage(uuid, uuid, uuid, app.stage_transition_kind, text) IS
  'Moves a project to an included stage of its definition: records the transition (automatic, or manual with its reason and the documents it lacked), skips what a manual override left open, enters the new stage, publishes project.stage_changed. Errors: PT404 project.not_found, PT409 project.closed or stage.already_current, PT422 stage.required or stage.not_in_definition.';

CREATE OR REPLACE FUNCTION app_private.tg_projects__notify_assignee() RETURNS trigger
LANGUAGE plpgsql VOLATILE
SECURITY DEFINER
SET search_path = ''
AS $$
BEGIN
  PERFORM app_private.notify(NEW.organization_id, array_remove(ARRAY[NEW.assigned_to], auth.user_id()), 'workflow',
    format('%s assigned to you', NEW.project_number),
    format('You are now the project manager of %s "%s".', NEW.project_number, NEW.title),
    NEW.priority, NEW.id, 'projects', NEW.id);
  RETURN NULL;
END
$$;

COMMENT ON FUNCTION app_private.tg_projects__notify_assignee() IS
  'AFTER UPDATE of assigned_to: notifies the new project manager (unless they assigned themselves).';

CREATE OR REPLACE FUNCTION app_private.tg_projects__cancelled() RETURNS trigger
LANGUAGE plpgsql VOLATILE
SECURITY DEFINER
SET search_path = ''
AS $$
BEGIN
  UPDATE app.approvals SET status = 'cancelled', decided_at = pg_catalog.now(), decision_comment = 'project cancelled'
   WHERE organization_id = NEW.organization_id AND project_id = NEW.id AND status IN ('pending', 'in_review');
  RETURN NULL;
END
$$;

COMMENT ON FUNCTION app_private.tg_projects__cancelled() IS 'AFTER UPDATE to cancelled: closes the project''s open approvals.';

CREATE OR REPLACE FUNCTION app_private.advance_project_if_ready(p_organization_id uuid, p_project_id uuid) RETURNS boolean
LANGUAGE plpgsql VOLATILE
SECURITY DEFINER
SET search_path = ''
AS $$
DECLARE
  v_project app.projects;
  v_missing app.document_category[];
  v_unmet text[];
  v_current app.workflow_definition_stage_settings;
  v_next uuid;
BEGIN
  SELECT * INTO v_project FROM app.projects
   WHERE organization_id = p_organization_id AND id = p_project_id FOR UPDATE;
  IF v_project.status IN ('completed', 'cancelled') OR EXISTS (
       SELECT FROM app.project_sub_stage_progress AS p
        WHERE p.organization_id = p_organization_id AND p.project_id = p_project_id
          AND p.workflow_stage_id = v_project.current_stage_id AND p.is_required
          AND p.status NOT IN ('completed', 'skipped')) THEN
    RETURN false;
  END IF;

  IF (SELECT enforce_mandatory_documents FROM app.workflow_settings WHERE organization_id = p_organization_id) THEN
    v_missing := app_private.missing_documents(v_project, v_project.current_stage_id);
    IF v_missing <> '{}' THEN
      PERFORM app_private.notify(p_organization_id, ARRAY[v_project.assigned_to, v_project.created_by], 'workflow',
        format('%s waits for documents', v_project.project_number),
        format('Every required sub-stage is done; the stage advances once these documents are uploaded%s: %s.',
               ' (regulated ones approved)', pg_catalog.array_to_string(v_missing, ', ')),
        v_project.priority, v_project.id, 'projects', v_project.id);
      RETURN false;
    END IF;
  END IF;

  -- Exit criteria (55_exit_criteria.sql): the action that completes the
  -- stage is refused while one is unmet; should one still be unmet here (an
  -- approval decided meanwhile), the stage waits and a waiver, an upload or
  -- the value set retries.
  SELECT coalesce(pg_catalog.array_agg(u.description ORDER BY u.position, u.key), '{}') INTO v_unmet
    FROM app_private.unmet_exit_criteria(v_project) AS u;
  IF v_unmet <> '{}' THEN
    PERFORM app_private.notify(p_organization_id, ARRAY[v_project.assigned_to, v_project.created_by], 'workflow',
      format('%s waits for exit criteria', v_project.project_number),
      format('Every required sub-stage is done; the stage advances once these exit criteria are met or waived: %s.',
             app_private.message_list(v_unmet, '; ')),
      v_project.priority, v_project.id, 'projects', v_project.id);
    RETURN false;
  END IF;

  SELECT * INTO v_current FROM app.workflow_definition_stage_settings AS s
   WHERE s.organization_id = p_organization_id AND s.workflow_definition_id = v_project.workflow_definition_id
     AND s.workflow_stage_id = v_project.current_stage_id;
  SELECT s.workflow_stage_id INTO v_next FROM app.workflow_definition_stage_settings AS s
   WHERE s.organization_id = p_organization_id AND s.workflow_definition_id = v_project.workflow_definition_id
     AND s.is_included AND (s.stage_order, s.slug) > (v_current.stage_order, v_current.slug)
   ORDER BY s.stage_order, s.slug
   LIMIT 1;

  IF v_next IS NULL THEN
    UPDATE app.projects SET status = 'completed', completed_at = pg_catalog.now()
     WHERE organization_id = p_organization_id AND id = p_project_id;
    INSERT INTO app.project_stage_transitions (organization_id, project_id, from_stage_id, to_stage_id, kind, changed_by)
    VALUES (p_organization_id, p_project_id, v_project.current_stage_id, NULL, 'automatic', auth.user_id());
    PERFORM app_private.notify(p_organization_id, ARRAY[v_project.assigned_to, v_project.created_by] || v_project.team_member_ids,
      'workflow', format('%s completed', v_project.project_number), format('%s "%s" is completed.', v_project.project_number, v_project.title),
      v_project.priority, v_project.id, 'projects', v_project.id);
  ELSE
    PERFORM app_private.move_project_stage(p_organization_id, p_project_id, v_next, 'automatic', NULL);
  END IF;
  RETURN true;
END
$$;

COMMENT ON FUNCTION app_private.advance_project_if_ready(uuid, uuid) IS
  'Moves a project to its next included stage (or completes it after the last) once every required sub-stage of its stage is completed or skipped, where the tenant enforces it the stage''s mandatory documents are there, and every checked exit criterion is met or waived (else the manager and creator are told what it waits for). Returns whether it moved.';

CREATE OR REPLACE FUNCTION app.override_project_stage(project_id uuid, stage_id uuid, reason text) RETURNS app.projects
LANGUAGE plpgsql VOLATILE
SECURITY DEFINER
SET search_path = ''
AS $$
BEGIN
  -- Permission first, then the project, then the input.
  PERFORM app_private.require_permission('project.override_stage');
  PERFORM app_private.refuse_portal_user();
  IF NOT EXISTS (SELECT FROM app.projects AS p
                  WHERE p.organization_id = auth.org_id() AND p.id = override_project_stage.project_id) THEN
    RAISE EXCEPTION 'no project %', override_project_stage.project_id USING ERRCODE = 'PT404', DETAIL = 'project.not_found',
      HINT = 'GET /projects lists the projects of your organization.';
  END IF;
  IF override_project_stage.stage_id IS NULL THEN
    RAISE EXCEPTION 'stage_id is required: a project always has a stage' USING ERRCODE = 'PT422', DETAIL = 'stage.required',
      HINT = 'GET /workflow_definition_stage_settings?workflow_definition_id=eq.<id>&is_included=is.true lists the stages.';
  END IF;
  IF coalesce(btrim(override_project_stage.reason), '') = '' THEN
    RAISE EXCEPTION 'a manual stage change needs a reason' USING ERRCODE = 'PT422', DETAIL = 'stage.reason_required',
      HINT = 'Send {"project_id": ..., "stage_id": ..., "reason": "why"}.';
  END IF;
  RETURN app_private.move_project_stage(auth.org_id(), override_project_stage.project_id, override_project_stage.stage_id,
                                        'manual', btrim(override_project_stage.reason));
END
$$;

COMMENT ON FUNCTION app.override_project_stage(uuid, uuid, text) IS
  'Management override: moves a project to another stage of its definition, recording the reason; the only way to change a project''s stage by hand (current_stage_id is not writable). Errors: PT403 permission.missing (project.override_stage) or project.staff_only, PT404 project.not_found, PT422 stage.required, stage.reason_required or stage.not_in_definition, PT409 project.closed or stage.already_current.';

CREATE OR REPLACE TRIGGER _100_touch_updated_at BEFORE UPDATE ON app.projects
  FOR EACH ROW EXECUTE FUNCTION app_private.tg__touch_updated_at();
CREATE OR REPLACE TRIGGER _200_prepare BEFORE INSERT ON app.projects
  FOR EACH ROW EXECUTE FUNCTION app_private.tg_projects__prepare_insert();
CREATE OR REPLACE TRIGGER _200_guard BEFORE UPDATE ON app.projects
  FOR EACH ROW EXECUTE FUNCTION app_private.tg_projects__guard_update();
CREATE OR REPLACE TRIGGER _500_stage_entered AFTER INSERT ON app.projects
  FOR EACH ROW EXECUTE FUNCTION app_private.tg_projects__created();
CREATE OR REPLACE TRIGGER _520_notify_assignee AFTER UPDATE OF assigned_to ON app.projects
  FOR EACH ROW WHEN (NEW.assigned_to IS DISTINCT FROM OLD.assigned_to AND NEW.assigned_to IS NOT NULL)
  EXECUTE FUNCTION app_private.tg_projects__notify_assignee();
CREATE OR REPLACE TRIGGER _510_cancelled AFTER UPDATE OF status ON app.projects
  FOR EACH ROW WHEN (NEW.status = 'cancelled' AND OLD.status <> 'cancelled')
  EXECUTE FUNCTION app_private.tg_projects__cancelled();

-- A project's definition is locked, so its override columns hold every
-- value in force: the view reads them directly, starting from the project
-- (the settings views would first build every definition of the tenant).
CREATE OR REPLACE VIEW app.project_workflow WITH (security_invoker) AS
SELECT p.organization_id, p.id AS project_id, p.project_number,
       s.id AS workflow_stage_id, s.name AS stage_name, s.slug AS stage_slug,
       coalesce(ds.stage_order_override, s.stage_order) AS stage_order,
       s.id = p.current_stage_id AS is_current_stage,
       ss.id AS sub_stage_id, ss.name AS sub_stage_name, ss.slug AS sub_stage_slug,
       coalesce(dss.sub_stage_order_override, ss.sub_stage_order) AS sub_stage_order,
       coalesce(pr.is_required, dss.is_required_override, ss.is_required) AS is_required,
       coalesce(pr.requires_approval, dss.requires_approval_override, ss.requires_approval) AS requires_approval,
       coalesce(pr.can_skip, dss.can_skip_override, ss.can_skip) AS can_skip,
       coalesce(pr.responsible_roles, dss.responsible_roles_override, ss.responsible_roles) AS responsible_roles,
       pr.id AS progress_id, pr.status, pr.assigned_to, pr.started_at, pr.due_at, pr.completed_at, pr.blocked_reason
  FROM app.projects AS p
  JOIN app.workflow_definition_stages AS ds
    ON ds.organization_id = p.organization_id AND ds.workflow_definition_id = p.workflow_definition_id AND ds.is_included
  JOIN app.workflow_stages AS s ON s.organization_id = ds.organization_id AND s.id = ds.workflow_stage_id
  JOIN app.workflow_sub_stages AS ss ON ss.organization_id = s.organization_id AND ss.workflow_stage_id = s.id
  JOIN app.workflow_definition_sub_stages AS dss
    ON dss.organization_id = p.organization_id AND dss.workflow_definition_id = p.workflow_definition_id
   AND dss.workflow_sub_stage_id = ss.id AND dss.is_included
  LEFT JOIN app.project_sub_stage_progress AS pr
    ON pr.organization_id = p.organization_id AND pr.project_id = p.id AND pr.sub_stage_id = ss.id;

COMMENT ON VIEW app.project_workflow IS
  E'GET /projects/:id/workflow: every stage and sub-stage of a project''s pinned definition with its progress (status empty until the project reaches the stage), due dates and who may act. Filter by project_id; order by stage_order,sub_stage_order.';
COMMENT ON COLUMN app.project_workflow.organization_id IS 'The tenant.';
COMMENT ON COLUMN app.project_workflow.project_id IS 'The project (projects.id).';
COMMENT ON COLUMN app.project_workflow.project_number IS 'The project''s human id (PRJ-000123).';
COMMENT ON COLUMN app.project_workflow.workflow_stage_id IS 'The stage.';
COMMENT ON COLUMN app.project_workflow.stage_name IS 'Stage name.';
COMMENT ON COLUMN app.project_workflow.stage_slug IS 'Stage key.';
COMMENT ON COLUMN app.project_workflow.stage_order IS 'Stage position.';
COMMENT ON COLUMN app.project_workflow.is_current_stage IS 'Whether the project is in this stage.';
COMMENT ON COLUMN app.project_workflow.sub_stage_id IS 'The sub-stage.';
COMMENT ON COLUMN app.project_workflow.sub_stage_name IS 'Sub-stage name.';
COMMENT ON COLUMN app.project_workflow.sub_stage_slug IS 'Sub-stage key.';
COMMENT ON COLUMN app.project_workflow.sub_stage_order IS 'Position inside the stage.';
COMMENT ON COLUMN app.project_workflow.is_required IS 'Whether the stage waits for it.';
COMMENT ON COLUMN app.project_workflow.requires_approval IS 'Whether completing it needs an approval.';
COMMENT ON COLUMN app.project_workflow.can_skip IS 'Whether it may be skipped.';
COMMENT ON COLUMN app.project_workflow.responsible_roles IS 'Role keys that may act on it.';
COMMENT ON COLUMN app.project_workflow.progress_id IS 'The progress row, empty until the stage is reached.';
COMMENT ON COLUMN app.project_workflow.status IS 'Progress status, empty until the stage is reached.';
COMMENT ON COLUMN app.project_workflow.assigned_to IS 'Who works on it.';
COMMENT ON COLUMN app.project_workflow.started_at IS 'When it started.';
COMMENT ON COLUMN app.project_workflow.due_at IS 'When it is due.';
COMMENT ON COLUMN app.project_workflow.completed_at IS 'When it was completed or skipped.';
COMMENT ON COLUMN app.project_workflow.blocked_reason IS 'Why it is blocked.';

-- Projects carry the platform blocks (custom fields, state machines, tags, comments, attachments, search).
SELECT app_private.register_entity_type('project', 'app.projects', 'title', 'Project', 'project_number');
SELECT app_private.register_rule_target('project', 'project.update');
-- Staff search projects by human id, title and description (portal users: 80_portal.sql).
SELECT app_private.register_search('project', 't.search_vector', 't.description');
-- Trash: project.update holders move projects to it, trash.manage holders see and restore them.
SELECT app_private.enable_soft_delete('project', 'project.update');
SELECT app_private.enable_custom_fields('project');
