-- CAPA / 8D (migration platform/capa): one register of corrective and
-- preventive actions. A CAPA moves through the eight disciplines one step at
-- a time (app.advance_capa); a step ends only when its discipline is done.
-- Domains open one with app.open_capa (or app_private.open_capa from their
-- own functions) and link their records to it.

CREATE OR REPLACE FUNCTION app_private.first_non_member(p_organization_id uuid, p_user_ids uuid[]) RETURNS uuid
LANGUAGE sql STABLE
SET search_path = ''
AS $$
  SELECT u FROM pg_catalog.unnest(p_user_ids) AS u
   WHERE u IS NOT NULL AND NOT app_private.is_active_member(p_organization_id, u) LIMIT 1;
$$;
COMMENT ON FUNCTION app_private.first_non_member(uuid, uuid[]) IS
  'The first of the people who is not an active member of the tenant; NULL when all are.';

CREATE OR REPLACE FUNCTION app_private.require_capa_team(p_capa app.capas) RETURNS void
LANGUAGE plpgsql STABLE
SET search_path = ''
AS $$
DECLARE
  v_stranger uuid := app_private.first_non_member(p_capa.organization_id, p_capa.owner_id || p_capa.team_member_ids);
BEGIN
  IF v_stranger IS NOT NULL THEN
    RAISE EXCEPTION 'user % is not an active member of this organization', v_stranger
      USING ERRCODE = 'PT422', DETAIL = 'capa.team_not_member', HINT = 'Choose the owner and team from GET /memberships?status=eq.active.';
  END IF;
END
$$;
COMMENT ON FUNCTION app_private.require_capa_team(app.capas) IS
  'Refuses (PT422 capa.team_not_member) a CAPA whose owner or a team member is not an active member of the tenant.';

CREATE OR REPLACE FUNCTION app_private.tg_capas__prepare() RETURNS trigger
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = ''
AS $$
BEGIN
  PERFORM app_private.refuse_foreign_tenant(NEW.organization_id);
  NEW.capa_number := app_private.take_human_id(NEW.organization_id, 'CAPA', NEW.capa_number);
  NEW.status := 'open';
  NEW.opened_by := auth.user_id();
  NEW.status_changed_at := pg_catalog.now();
  NEW.closed_at := NULL;
  NEW.cancel_reason := NULL;
  NEW.effectiveness_result := NULL;
  NEW.effectiveness_checked_by := NULL;
  NEW.effectiveness_checked_at := NULL;
  PERFORM app_private.require_capa_team(NEW);
  RETURN NEW;
END
$$;
COMMENT ON FUNCTION app_private.tg_capas__prepare() IS
  'BEFORE INSERT on capas: the human id (CAPA-000123), step open, opened_by the caller; owner and team must be active members (capa.team_not_member).';

CREATE OR REPLACE FUNCTION app_private.tg_capas__guard() RETURNS trigger
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = ''
AS $$
BEGIN
  PERFORM app_private.refuse_foreign_tenant(NEW.organization_id);
  IF OLD.status IN ('closed', 'cancelled') THEN
    RAISE EXCEPTION 'CAPA % is %', OLD.capa_number, OLD.status
      USING ERRCODE = 'PT409', DETAIL = 'capa.closed', HINT = 'A closed or cancelled CAPA is a record: open a new one.';
  END IF;
  IF NEW.owner_id IS DISTINCT FROM OLD.owner_id OR NEW.team_member_ids IS DISTINCT FROM OLD.team_member_ids THEN
    PERFORM app_private.require_capa_team(NEW);
  END IF;
  IF NEW.effectiveness_result IS DISTINCT FROM OLD.effectiveness_result THEN
    IF OLD.status <> 'verification' THEN
      RAISE EXCEPTION 'CAPA % is not being verified', OLD.capa_number
        USING ERRCODE = 'PT409', DETAIL = 'capa.not_in_verification',
              HINT = 'Record the effectiveness result once the CAPA reached verification.';
    END IF;
    NEW.effectiveness_checked_by := CASE WHEN NEW.effectiveness_result IS NOT NULL THEN auth.user_id() END;
    NEW.effectiveness_checked_at := CASE WHEN NEW.effectiveness_result IS NOT NULL THEN pg_catalog.now() END;
  END IF;
  RETURN NEW;
END
$$;
COMMENT ON FUNCTION app_private.tg_capas__guard() IS
  'BEFORE UPDATE on capas: a closed or cancelled CAPA is not changed (capa.closed); owner and team stay active members; the effectiveness result is recorded during verification only (capa.not_in_verification), stamped with who and when.';

CREATE OR REPLACE TRIGGER _100_touch_updated_at BEFORE UPDATE ON app.capas
  FOR EACH ROW EXECUTE FUNCTION app_private.tg__touch_updated_at();
CREATE OR REPLACE TRIGGER _200_prepare BEFORE INSERT ON app.capas
  FOR EACH ROW EXECUTE FUNCTION app_private.tg_capas__prepare();
CREATE OR REPLACE TRIGGER _200_guard BEFORE UPDATE ON app.capas
  FOR EACH ROW EXECUTE FUNCTION app_private.tg_capas__guard();

-- What must be done before a step ends, as a list of what is missing.
CREATE OR REPLACE FUNCTION app_private.capa_step_missing(p_capa app.capas, p_to app.capa_status) RETURNS text[]
LANGUAGE sql STABLE
SET search_path = ''
AS $$
  WITH actions AS (
    SELECT discipline, status FROM app.capa_actions
     WHERE organization_id = p_capa.organization_id AND capa_id = p_capa.id
  )
  SELECT ARRAY(SELECT missing FROM (VALUES
    (p_capa.status = 'open' AND p_capa.owner_id IS NULL, 'D1 an owner (owner_id)'),
    (p_capa.status = 'containment' AND coalesce(btrim(p_capa.containment_summary), '') = '', 'D3 the containment summary'),
    (p_capa.status = 'containment' AND EXISTS (SELECT FROM actions WHERE discipline = 'containment' AND status = 'open'),
     'D3 every containment action done or cancelled'),
    (p_capa.status = 'root_cause' AND p_to <> 'cancelled' AND coalesce(btrim(p_capa.root_cause), '') = '', 'D4 the root cause'),
    (p_capa.status = 'root_cause' AND p_to <> 'cancelled' AND p_capa.root_cause_method IS NULL, 'D4 the root cause method'),
    (p_capa.status = 'root_cause' AND p_to <> 'cancelled' AND coalesce(btrim(p_capa.corrective_action_plan), '') = '',
     'D5 the corrective action plan'),
    (p_capa.status = 'root_cause' AND p_to <> 'cancelled'
       AND NOT EXISTS (SELECT FROM actions WHERE discipline = 'corrective' AND status <> 'cancelled'), 'D5 at least one corrective action'),
    (p_capa.status = 'corrective_action' AND p_to <> 'cancelled'
       AND EXISTS (SELECT FROM actions WHERE discipline IN ('corrective', 'preventive') AND status = 'open'),
     'D6 every corrective and preventive action done or cancelled'),
    (p_capa.status = 'corrective_action' AND p_to <> 'cancelled'
       AND NOT EXISTS (SELECT FROM actions WHERE discipline = 'corrective' AND status = 'done'), 'D6 at least one corrective action done'),
    (p_capa.status = 'corrective_action' AND p_to <> 'cancelled' AND coalesce(btrim(p_capa.prevention_summary), '') = '',
     'D7 the prevention summary'),
    (p_to = 'closed' AND p_capa.effectiveness_result IS DISTINCT FROM 'effective', 'an effectiveness result of effective'),
    (p_to = 'closed' AND coalesce(btrim(p_capa.closure_summary), '') = '', 'D8 the closure summary'),
    (p_capa.status = 'verification' AND p_to = 'root_cause' AND p_capa.effectiveness_result IS DISTINCT FROM 'not_effective',
     'an effectiveness result of not_effective')
  ) AS checks (failed, missing) WHERE failed);
$$;
COMMENT ON FUNCTION app_private.capa_step_missing(app.capas, app.capa_status) IS
  'What the CAPA still lacks to leave its step for p_to (D1 owner, D3 containment, D4/D5 cause and plan, D6/D7 actions done and prevention, effectiveness and D8 to close); empty when nothing.';

CREATE OR REPLACE FUNCTION app_private.capa_next_steps(p_capa app.capas) RETURNS app.capa_status[]
LANGUAGE sql IMMUTABLE
SET search_path = ''
AS $$
  SELECT CASE p_capa.status
    WHEN 'open' THEN CASE p_capa.kind WHEN 'corrective' THEN ARRAY['containment']::app.capa_status[]
                                      ELSE ARRAY['root_cause']::app.capa_status[] END
    WHEN 'containment' THEN ARRAY['root_cause']::app.capa_status[]
    WHEN 'root_cause' THEN ARRAY['corrective_action']::app.capa_status[]
    WHEN 'corrective_action' THEN ARRAY['verification']::app.capa_status[]
    WHEN 'verification' THEN ARRAY['closed', 'root_cause']::app.capa_status[]
    ELSE ARRAY[]::app.capa_status[]
  END || CASE WHEN p_capa.status IN ('closed', 'cancelled') THEN ARRAY[]::app.capa_status[]
              ELSE ARRAY['cancelled']::app.capa_status[] END;
$$;
COMMENT ON FUNCTION app_private.capa_next_steps(app.capas) IS
  'The steps a CAPA may move to: the next discipline (a preventive CAPA has no containment), back to root_cause from a verification that found it not effective, or cancelled.';

CREATE OR REPLACE FUNCTION app.advance_capa(capa_id uuid, to_status app.capa_status, note text DEFAULT NULL) RETURNS app.capas
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = ''
AS $$
DECLARE
  v_capa app.capas;
  v_missing text[];
  v_from app.capa_status;
BEGIN
  SELECT * INTO v_capa FROM app.capas c WHERE c.organization_id = auth.org_id() AND c.id = advance_capa.capa_id FOR UPDATE;
  IF NOT FOUND OR NOT auth.has_permission('capa.read', v_capa.site_id) THEN
    RAISE EXCEPTION 'CAPA not found' USING ERRCODE = 'PT404', DETAIL = 'capa.not_found', HINT = 'GET /capas lists the ones you may see.';
  END IF;
  IF NOT auth.has_permission('capa.manage', v_capa.site_id) THEN
    RAISE EXCEPTION 'moving a CAPA needs capa.manage' USING ERRCODE = 'PT403', DETAIL = 'permission.missing',
      HINT = 'Ask for a role with capa.manage (quality).';
  END IF;
  IF v_capa.status IN ('closed', 'cancelled') THEN
    RAISE EXCEPTION 'CAPA % is %', v_capa.capa_number, v_capa.status
      USING ERRCODE = 'PT409', DETAIL = 'capa.closed', HINT = 'A closed or cancelled CAPA is a record: open a new one.';
  END IF;
  IF NOT to_status = ANY (app_private.capa_next_steps(v_capa)) THEN
    RAISE EXCEPTION 'a CAPA in % cannot move to %', v_capa.status, to_status
      USING ERRCODE = 'PT409', DETAIL = 'capa.transition_invalid',
            HINT = format('From %s it may move to: %s.', v_capa.status, app_private.message_list(app_private.capa_next_steps(v_capa)::text[]));
  END IF;
  IF to_status = 'cancelled' AND coalesce(btrim(note), '') = '' THEN
    PERFORM app_private.raise_invalid('capa.cancel_reason_required', 'cancelling a CAPA needs a reason',
                                      'Send note: why the CAPA is no longer needed.');
  END IF;
  v_missing := app_private.capa_step_missing(v_capa, to_status);
  IF cardinality(v_missing) > 0 THEN
    PERFORM app_private.raise_invalid('capa.step_incomplete',
      format('CAPA %s cannot leave %s yet: missing %s', v_capa.capa_number, v_capa.status, app_private.message_list(v_missing, '; ')),
      'Fill in what is missing (PATCH /capas, POST /capa_actions, app.complete_capa_action), then try again.');
  END IF;

  v_from := v_capa.status;
  UPDATE app.capas c
     SET status = to_status, status_changed_at = pg_catalog.now(),
         closed_at = CASE WHEN to_status = 'closed' THEN pg_catalog.now() END,
         cancel_reason = CASE WHEN to_status = 'cancelled' THEN btrim(note) END,
         -- Back to root cause: the next verification records a new result.
         effectiveness_result = CASE WHEN to_status = 'root_cause' THEN NULL ELSE c.effectiveness_result END
   WHERE c.organization_id = v_capa.organization_id AND c.id = v_capa.id
  RETURNING * INTO v_capa;

  PERFORM app_private.publish_event(v_capa.organization_id, 'capa.status_changed',
    pg_catalog.jsonb_build_object('capa_id', v_capa.id, 'capa_number', v_capa.capa_number, 'from', v_from, 'to', to_status,
                                  'note', note),
    'capa', v_capa.id);
  PERFORM app_private.notify_readers(v_capa.organization_id,
    ARRAY(SELECT u FROM pg_catalog.unnest(v_capa.owner_id || v_capa.team_member_ids) AS u WHERE u IS DISTINCT FROM auth.user_id()),
    'capa.read', 'quality', format('%s moved to %s', v_capa.capa_number, to_status), v_capa.title,
    'normal', NULL, 'capas', v_capa.id);
  RETURN v_capa;
END
$$;
COMMENT ON FUNCTION app.advance_capa(uuid, app.capa_status, text) IS
  E'Moves a CAPA to its next step\nopen → containment (corrective) or root_cause (preventive) → corrective_action → verification → closed; verification → root_cause when not effective; any open step → cancelled (note: the reason). The step being left must be complete (D1 owner; D3 containment summary and actions; D4 cause and method, D5 plan and a corrective action; D6 actions done, D7 prevention; effective and D8 to close). Needs capa.manage. Errors: PT404 capa.not_found, PT403 permission.missing, PT409 capa.closed or capa.transition_invalid, PT422 capa.step_incomplete or capa.cancel_reason_required.';

CREATE OR REPLACE FUNCTION app_private.tg_capa_actions__prepare() RETURNS trigger
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = ''
AS $$
DECLARE
  v_capa app.capas;
BEGIN
  PERFORM app_private.refuse_foreign_tenant(NEW.organization_id);
  SELECT * INTO v_capa FROM app.capas WHERE organization_id = NEW.organization_id AND id = NEW.capa_id;
  IF v_capa.status IN ('closed', 'cancelled') THEN
    RAISE EXCEPTION 'CAPA % is %', v_capa.capa_number, v_capa.status
      USING ERRCODE = 'PT409', DETAIL = 'capa.closed', HINT = 'A closed or cancelled CAPA is a record: open a new one.';
  END IF;
  IF TG_OP = 'INSERT' OR NEW.owner_id IS DISTINCT FROM OLD.owner_id THEN
    IF app_private.first_non_member(NEW.organization_id, ARRAY[NEW.owner_id]) IS NOT NULL THEN
      RAISE EXCEPTION 'the action''s owner is not an active member of this organization'
        USING ERRCODE = 'PT422', DETAIL = 'capa_action.owner_not_member', HINT = 'Choose people from GET /memberships?status=eq.active.';
    END IF;
  END IF;
  IF TG_OP = 'INSERT' THEN
    NEW.status := 'open';
    NEW.completed_by := NULL;
    NEW.completed_at := NULL;
    NEW.reminded_at := NULL;
  ELSIF NEW.status IS DISTINCT FROM OLD.status THEN
    NEW.completed_by := CASE WHEN NEW.status = 'done' THEN auth.user_id() END;
    NEW.completed_at := CASE WHEN NEW.status = 'done' THEN pg_catalog.now() END;
  END IF;
  IF NEW.due_date IS DISTINCT FROM OLD.due_date THEN
    NEW.reminded_at := NULL;
  END IF;
  RETURN NEW;
END
$$;
COMMENT ON FUNCTION app_private.tg_capa_actions__prepare() IS
  'BEFORE INSERT or UPDATE on capa_actions: not on a closed or cancelled CAPA (capa.closed); the owner is an active member (capa_action.owner_not_member); a new action is open; done stamps who and when; a new due date may remind again.';

CREATE OR REPLACE FUNCTION app_private.tg_capa_actions__assigned() RETURNS trigger
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = ''
AS $$
DECLARE
  v_number text := (SELECT capa_number FROM app.capas WHERE organization_id = NEW.organization_id AND id = NEW.capa_id);
BEGIN
  IF NEW.owner_id IS DISTINCT FROM auth.user_id() THEN
    PERFORM app_private.notify_readers(NEW.organization_id, ARRAY[NEW.owner_id], 'capa.read', 'quality',
      format('%s: an action for you, due %s', v_number, NEW.due_date), NEW.description, 'normal', NULL, 'capas', NEW.capa_id);
  END IF;
  RETURN NULL;
END
$$;
COMMENT ON FUNCTION app_private.tg_capa_actions__assigned() IS
  'AFTER INSERT or owner change on capa_actions: tells the owner (unless they assigned it to themselves).';

CREATE OR REPLACE TRIGGER _100_touch_updated_at BEFORE UPDATE ON app.capa_actions
  FOR EACH ROW EXECUTE FUNCTION app_private.tg__touch_updated_at();
CREATE OR REPLACE TRIGGER _200_prepare BEFORE INSERT OR UPDATE ON app.capa_actions
  FOR EACH ROW EXECUTE FUNCTION app_private.tg_capa_actions__prepare();
CREATE OR REPLACE TRIGGER _500_assigned AFTER INSERT OR UPDATE OF owner_id ON app.capa_actions
  FOR EACH ROW EXECUTE FUNCTION app_private.tg_capa_actions__assigned();

CREATE OR REPLACE FUNCTION app.complete_capa_action(action_id uuid, note text) RETURNS app.capa_actions
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = ''
AS $$
DECLARE
  v_action app.capa_actions;
  v_site uuid;
BEGIN
  SELECT * INTO v_action FROM app.capa_actions a
   WHERE a.organization_id = auth.org_id() AND a.id = complete_capa_action.action_id FOR UPDATE;
  SELECT site_id INTO v_site FROM app.capas WHERE organization_id = v_action.organization_id AND id = v_action.capa_id;
  IF v_action.id IS NULL
     OR NOT (v_action.owner_id = auth.user_id() OR auth.has_permission('capa.read', v_site)) THEN
    RAISE EXCEPTION 'CAPA action not found' USING ERRCODE = 'PT404', DETAIL = 'capa_action.not_found',
      HINT = 'GET /capa_actions?owner_id=eq.<you> lists yours.';
  END IF;
  IF NOT (v_action.owner_id = auth.user_id() OR auth.has_permission('capa.manage', v_site)) THEN
    RAISE EXCEPTION 'only the action''s owner or a CAPA manager records it done' USING ERRCODE = 'PT403',
      DETAIL = 'permission.missing', HINT = 'Ask the owner, or for a role with capa.manage.';
  END IF;
  IF v_action.status <> 'open' THEN
    RAISE EXCEPTION 'the action is already %', v_action.status USING ERRCODE = 'PT409', DETAIL = 'capa_action.not_open',
      HINT = 'Only an open action is recorded done.';
  END IF;
  IF coalesce(btrim(note), '') = '' THEN
    PERFORM app_private.raise_invalid('capa_action.note_required', 'recording an action done needs a note',
                                      'Send note: what was done (the evidence).');
  END IF;
  UPDATE app.capa_actions a SET status = 'done', completion_note = btrim(note)
   WHERE a.organization_id = v_action.organization_id AND a.id = v_action.id
  RETURNING * INTO v_action;
  RETURN v_action;
END
$$;
COMMENT ON FUNCTION app.complete_capa_action(uuid, text) IS
  E'Records a CAPA action done\nBy its owner (whatever their roles) or a CAPA manager, with a note (the evidence). Errors: PT404 capa_action.not_found, PT403 permission.missing, PT409 capa_action.not_open or capa.closed, PT422 capa_action.note_required.';

CREATE OR REPLACE FUNCTION app_private.tg_capa_links__prepare() RETURNS trigger
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = ''
AS $$
BEGIN
  PERFORM app_private.refuse_foreign_tenant(NEW.organization_id);
  NEW.linked_by := auth.user_id();
  RETURN NEW;
END
$$;
COMMENT ON FUNCTION app_private.tg_capa_links__prepare() IS 'BEFORE INSERT on capa_links: linked_by is the caller.';

CREATE OR REPLACE TRIGGER _200_prepare BEFORE INSERT ON app.capa_links
  FOR EACH ROW EXECUTE FUNCTION app_private.tg_capa_links__prepare();

-- SECURITY INVOKER: the caller's own rights open the CAPA (capa.manage) and
-- link the source record (they must see it).
CREATE OR REPLACE FUNCTION app.open_capa(
  title text, problem_statement text, kind app.capa_kind DEFAULT 'corrective', source app.capa_source DEFAULT 'internal',
  source_entity_type text DEFAULT NULL, source_entity_id uuid DEFAULT NULL, owner_id uuid DEFAULT NULL,
  due_date date DEFAULT NULL, site_id uuid DEFAULT NULL
) RETURNS app.capas
LANGUAGE plpgsql VOLATILE
SET search_path = ''
AS $$
DECLARE
  v_capa app.capas;
BEGIN
  IF (source_entity_type IS NULL) <> (source_entity_id IS NULL) THEN
    RAISE EXCEPTION 'a source is an entity type and an id' USING ERRCODE = 'PT422', DETAIL = 'capa.source_incomplete',
      HINT = 'Send both source_entity_type and source_entity_id, or neither.';
  END IF;
  INSERT INTO app.capas (title, problem_statement, kind, source, owner_id, due_date, site_id)
  VALUES (open_capa.title, open_capa.problem_statement, open_capa.kind, open_capa.source, open_capa.owner_id,
          open_capa.due_date, open_capa.site_id)
  RETURNING * INTO v_capa;
  IF source_entity_id IS NOT NULL AND source_entity_type IS NOT NULL THEN
    INSERT INTO app.capa_links (capa_id, entity_type, entity_id, relation)
    VALUES (v_capa.id, source_entity_type, source_entity_id, 'source');
  END IF;
  RETURN v_capa;
END
$$;
COMMENT ON FUNCTION app.open_capa(text, text, app.capa_kind, app.capa_source, text, uuid, uuid, date, uuid) IS
  E'Opens a CAPA\nWith the record that caused it (source_entity_type and source_entity_id: an NCR, a complaint, a project, ...) linked as its source. Needs capa.manage and sight of the source record. Errors: PT403 permission.missing, PT404 entity.not_found, PT422 entity_type.unknown, capa.source_incomplete or capa.team_not_member.';

CREATE OR REPLACE FUNCTION app_private.remind_overdue_capa_actions(p_as_of timestamptz DEFAULT now()) RETURNS integer
LANGUAGE plpgsql VOLATILE
SET search_path = ''
AS $$
DECLARE
  v_action record;
  v_count integer := 0;
BEGIN
  FOR v_action IN
    UPDATE app.capa_actions a SET reminded_at = p_as_of
      FROM app.capas c
     WHERE c.organization_id = a.organization_id AND c.id = a.capa_id AND c.status NOT IN ('closed', 'cancelled')
       AND a.status = 'open' AND a.due_date < (p_as_of AT TIME ZONE 'UTC')::date AND a.reminded_at IS NULL
    RETURNING a.organization_id, a.owner_id, a.capa_id, a.description, a.due_date, c.capa_number
  LOOP
    v_count := v_count + app_private.notify_readers(v_action.organization_id, ARRAY[v_action.owner_id], 'capa.read', 'quality',
      format('%s: your action was due %s', v_action.capa_number, v_action.due_date), v_action.description, 'high',
      NULL, 'capas', v_action.capa_id);
  END LOOP;
  RETURN v_count;
END
$$;
COMMENT ON FUNCTION app_private.remind_overdue_capa_actions(timestamptz) IS
  'Job remind-overdue-capa-actions: tells each owner of an open action past its due date, once (until its due date changes); returns how many were told.';

SELECT app_private.register_entity_type('capa', 'app.capas', 'title', 'CAPA', 'capa_number');
