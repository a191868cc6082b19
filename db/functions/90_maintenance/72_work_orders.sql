-- Work orders (migration maintenance/work_orders). A fixed machine in code,
-- not a provisioned state machine: "on hold" returns to the state it left,
-- which a per-tenant transition table cannot say (it would need one on_hold
-- state per origin), and the guards (qualification at the scheduled time,
-- lockout/permit checklists, verification by someone else) are rules of the
-- domain, not tenant data.
--
--   planned -> scheduled -> in_progress -> completed -> verified -> closed
--   planned | scheduled | in_progress | on_hold -> cancelled (reason)
--   planned | scheduled | in_progress -> on_hold (reason) -> back to where it left
--
-- Preventive and emergency work orders are created directly
-- (app.create_work_order); corrective and inspection ones come from a work
-- request (app.convert_work_request) or directly, for faults a planner
-- finds without one. Who acts: work_order.manage (plan,
-- schedule, cancel, close), .execute (start, hold, resume, complete, log
-- labour), .verify (verify), each tenant-wide or at the work order's plant
-- (its primary asset's site). A contractor's portal user (bound to the
-- partner the work order is assigned to) reads it and nothing else.

CREATE OR REPLACE TRIGGER _100_touch_updated_at BEFORE UPDATE ON app.work_orders
  FOR EACH ROW EXECUTE FUNCTION app_private.tg__touch_updated_at();

SELECT app_private.register_entity_type('work_order', 'app.work_orders', 'title', 'Work order', 'work_order_number');
SELECT app_private.register_search('work_order', 't.search_vector', 't.description');

CREATE OR REPLACE FUNCTION auth.may_read_work_order(p_site_id uuid, p_contractor_id uuid) RETURNS boolean
LANGUAGE sql STABLE
AS $$
  SELECT CASE WHEN auth.partner_id() IS NULL
              THEN auth.has_permission('work_order.read', p_site_id)
                OR auth.has_permission('work_order.manage', p_site_id)
                OR auth.has_permission('work_order.execute', p_site_id)
                OR auth.has_permission('work_order.verify', p_site_id)
              ELSE p_contractor_id = auth.partner_id() AND auth.has_permission('work_order.read') END
$$;
COMMENT ON FUNCTION auth.may_read_work_order(uuid, uuid) IS
  'Staff: any work_order.* permission tenant-wide or at the site. A portal user: the work order''s contractor is their partner and they hold work_order.read.';

-- Inserts a work order on an asset (and its primary asset row), copying a
-- template; the caller needs work_order.manage at the asset's site.
CREATE OR REPLACE FUNCTION app_private.insert_work_order(
  p_organization_id uuid, p_work_type app.work_order_type, p_title text, p_description text, p_equipment_id uuid,
  p_priority integer, p_template_id uuid, p_request_id uuid, p_is_breakdown boolean, p_due_date date
) RETURNS app.work_orders
LANGUAGE plpgsql VOLATILE
SET search_path = ''
AS $$
DECLARE
  v_equipment app.equipment;
  v_template app.work_order_templates;
  v_order app.work_orders;
BEGIN
  IF auth.partner_id() IS NOT NULL THEN
    RAISE EXCEPTION 'a contractor''s portal user reads work orders only' USING ERRCODE = 'PT403', DETAIL = 'permission.missing',
      HINT = 'Maintenance planners create work orders.';
  END IF;
  SELECT e.* INTO v_equipment FROM app.equipment AS e WHERE e.organization_id = p_organization_id AND e.id = p_equipment_id;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'equipment not found' USING ERRCODE = 'PT404', DETAIL = 'equipment.not_found', HINT = 'GET /equipment lists the assets.';
  END IF;
  PERFORM auth.check_permission_at('work_order.manage', v_equipment.site_id);
  IF p_template_id IS NOT NULL THEN
    SELECT t.* INTO v_template FROM app.work_order_templates AS t
     WHERE t.organization_id = p_organization_id AND t.id = p_template_id AND t.is_active;
    IF NOT FOUND THEN
      RAISE EXCEPTION 'work order template not found' USING ERRCODE = 'PT404', DETAIL = 'work_order_template.not_found',
        HINT = 'GET /work_order_templates lists the active templates.';
    END IF;
  END IF;
  IF p_priority IS NULL OR p_priority NOT BETWEEN 1 AND 5 THEN
    PERFORM app_private.raise_invalid('work_order.priority_invalid', 'priority is 1 (highest) to 5', 'Send priority 1 to 5.');
  END IF;
  IF nullif(pg_catalog.btrim(coalesce(p_title, v_template.name)), '') IS NULL OR pg_catalog.length(coalesce(p_title, v_template.name)) > 200 THEN
    PERFORM app_private.raise_invalid('work_order.title_invalid', 'a title of 1 to 200 characters is required', 'Send title.');
  END IF;
  INSERT INTO app.work_orders AS w (organization_id, work_order_number, work_type, priority, title, description, equipment_id, site_id,
                                    work_request_id, template_id, is_breakdown, required_qualification, checklist_template_key,
                                    estimated_hours, due_date, created_by)
  VALUES (p_organization_id, app_private.take_human_id(p_organization_id, 'WO', NULL), p_work_type, p_priority,
          pg_catalog.btrim(coalesce(p_title, v_template.name)),
          coalesce(nullif(p_description, ''), v_template.task_text, ''), v_equipment.id, v_equipment.site_id, p_request_id, v_template.id,
          coalesce(p_is_breakdown, false), v_template.required_qualification, v_template.checklist_template_key, v_template.estimated_hours,
          p_due_date, auth.user_id())
  RETURNING w.* INTO v_order;
  INSERT INTO app.work_order_assets (organization_id, work_order_id, equipment_id, is_primary, site_id)
  VALUES (p_organization_id, v_order.id, v_equipment.id, true, v_equipment.site_id);
  IF v_template.checklist_template_key IS NOT NULL THEN
    PERFORM app_private.start_checklist(p_organization_id, app_private.checklist_template_of(p_organization_id, v_template.checklist_template_key), v_order.id);
  END IF;
  RETURN v_order;
END
$$;
COMMENT ON FUNCTION app_private.insert_work_order(uuid, app.work_order_type, text, text, uuid, integer, uuid, uuid, boolean, date) IS
  'Inserts a planned work order (WO-000123) on an asset at the asset''s plant, copying a template''s name (when no title), task text, qualification, checklist (started) and estimated hours; PT403 without work_order.manage at the asset''s site or for portal users, PT404 equipment.not_found / work_order_template.not_found, PT422 work_order.priority_invalid / work_order.title_invalid.';

CREATE OR REPLACE FUNCTION app.create_work_order(equipment_id uuid, work_type app.work_order_type, title text DEFAULT NULL,
                                                 description text DEFAULT '', priority integer DEFAULT 3, template_id uuid DEFAULT NULL,
                                                 due_date date DEFAULT NULL, is_breakdown boolean DEFAULT false)
RETURNS app.work_orders
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = ''
AS $$
BEGIN
  IF create_work_order.work_type IS NULL THEN
    PERFORM app_private.raise_invalid('work_order.type_missing', 'work_type is required', 'corrective, preventive, inspection or emergency.');
  END IF;
  RETURN app_private.insert_work_order(auth.org_id(), create_work_order.work_type, create_work_order.title, create_work_order.description,
                                       create_work_order.equipment_id, create_work_order.priority, create_work_order.template_id, NULL,
                                       create_work_order.is_breakdown, create_work_order.due_date);
END
$$;
COMMENT ON FUNCTION app.create_work_order(uuid, app.work_order_type, text, text, integer, uuid, date, boolean) IS
  E'Create a work order\nA planned work order (WO-000123) on an asset: preventive and emergency work always start here (they skip the request step); corrective and inspection work here when a planner finds it without a request. From a template (template_id) it copies the task text, checklist, estimated hours and required qualification. Needs work_order.manage tenant-wide or at the asset''s site.\nErrors: PT403 permission.missing, PT404 equipment.not_found / work_order_template.not_found, PT422 work_order.type_missing / priority_invalid / title_invalid.';

-- The caller's work order, locked, with the permission at its plant.
CREATE OR REPLACE FUNCTION app_private.lock_work_order(p_work_order_id uuid, p_permission text) RETURNS app.work_orders
LANGUAGE plpgsql VOLATILE
SET search_path = ''
AS $$
DECLARE
  v_order app.work_orders;
BEGIN
  SELECT * INTO v_order FROM app.work_orders AS w WHERE w.organization_id = auth.org_id() AND w.id = p_work_order_id FOR UPDATE;
  IF NOT FOUND OR NOT auth.may_read_work_order(v_order.site_id, v_order.contractor_id) THEN
    RAISE EXCEPTION 'work order not found' USING ERRCODE = 'PT404', DETAIL = 'work_order.not_found', HINT = 'GET /work_orders lists the work orders you may see.';
  END IF;
  IF auth.partner_id() IS NOT NULL THEN
    RAISE EXCEPTION 'a contractor''s portal user reads work orders only' USING ERRCODE = 'PT403', DETAIL = 'permission.missing',
      HINT = 'The plant''s maintenance staff act on work orders.';
  END IF;
  PERFORM auth.check_permission_at(p_permission, v_order.site_id);
  RETURN v_order;
END
$$;
COMMENT ON FUNCTION app_private.lock_work_order(uuid, text) IS
  'The work order, locked: PT404 work_order.not_found unless the caller may read it, PT403 permission.missing for portal users or without the permission tenant-wide or at its site.';

CREATE OR REPLACE FUNCTION app_private.refuse_work_order_move(p_order app.work_orders, p_to text) RETURNS void
LANGUAGE plpgsql VOLATILE
SET search_path = ''
AS $$
BEGIN
  RAISE EXCEPTION 'a % work order cannot go to %', p_order.status, p_to USING ERRCODE = 'PT409', DETAIL = 'work_order.transition_invalid',
    HINT = 'planned -> scheduled -> in_progress -> completed -> verified -> closed; cancel before completion; hold and resume from planned, scheduled or in_progress.';
END
$$;
COMMENT ON FUNCTION app_private.refuse_work_order_move(app.work_orders, text) IS 'Raises PT409 work_order.transition_invalid for a move the work order machine does not have.';

-- Whether someone may be assigned a work order at a time: an active staff
-- member holding the required qualification then.
CREATE OR REPLACE FUNCTION app_private.require_assignee_qualified(p_order app.work_orders, p_assignee uuid, p_at timestamptz) RETURNS void
LANGUAGE plpgsql VOLATILE
SET search_path = ''
AS $$
BEGIN
  IF NOT app_private.is_active_staff(p_order.organization_id, p_assignee) THEN
    RAISE EXCEPTION 'the assignee is not an active member' USING ERRCODE = 'PT404', DETAIL = 'user.not_member',
      HINT = 'Assign a staff member of your organization.';
  END IF;
  IF p_order.required_qualification IS NOT NULL
     AND NOT app_private.holds_qualification(p_order.organization_id, p_assignee, p_order.required_qualification, p_at) THEN
    RAISE EXCEPTION 'the assignee does not hold % at the scheduled time', p_order.required_qualification USING ERRCODE = 'PT409',
      DETAIL = 'work_order.assignee_unqualified', HINT = 'Assign someone holding the qualification then (GET /person_qualifications), or move the window.';
  END IF;
END
$$;
COMMENT ON FUNCTION app_private.require_assignee_qualified(app.work_orders, uuid, timestamptz) IS
  'PT404 user.not_member unless the assignee is active staff of the tenant; PT409 work_order.assignee_unqualified unless they hold the work order''s required qualification at the time (competence register).';

-- Entry guards, one function per state that has them, run by every move
-- into that state: the move along the line and the return from on_hold
-- (resume), so a hold never skips what the state checks on entry.
-- Entering scheduled: the person qualified and present for the window, or a
-- qualified member of the team present (90_teams.sql).
CREATE OR REPLACE FUNCTION app_private.require_scheduled_entry(p_order app.work_orders, p_assignee uuid, p_team_id uuid, p_window tstzrange)
RETURNS void
LANGUAGE plpgsql VOLATILE
SET search_path = ''
AS $$
BEGIN
  IF p_team_id IS NULL THEN
    PERFORM app_private.require_assignee_qualified(p_order, p_assignee, pg_catalog.lower(p_window));
    PERFORM app_private.require_assignee_available(p_order, p_assignee, p_window);
  ELSE
    PERFORM app_private.require_team_qualified(p_order, p_team_id, p_window);
  END IF;
END
$$;
COMMENT ON FUNCTION app_private.require_scheduled_entry(app.work_orders, uuid, uuid, tstzrange) IS
  'Entry guard of scheduled (scheduling, and resuming a hold taken while scheduled): the person qualified at the window''s start and not absent in it (PT404 user.not_member, PT409 work_order.assignee_unqualified / work_order.assignee_absent), or for a team a qualified member present (PT409 work_order.team_unqualified).';

-- Entry guards of a state: scheduled (above), in_progress (lockout and
-- permits, 76_lockout.sql). Called for the state a move lands in, whether
-- by its own move or by resume.
CREATE OR REPLACE FUNCTION app_private.require_work_order_entry(p_order app.work_orders, p_state text) RETURNS void
LANGUAGE plpgsql VOLATILE
SET search_path = ''
AS $$
BEGIN
  IF p_state = 'scheduled' THEN
    PERFORM app_private.require_scheduled_entry(p_order, p_order.assignee_id, p_order.team_id, p_order.scheduled);
  ELSIF p_state = 'in_progress' THEN
    PERFORM app_private.require_work_permits(p_order);
  END IF;
END
$$;
COMMENT ON FUNCTION app_private.require_work_order_entry(app.work_orders, text) IS
  'The entry guards of the state a work order moves into, the same whether it gets there along the line or back from on_hold: scheduled (app_private.require_scheduled_entry on its assignee or team and window), in_progress (app_private.require_work_permits: lockout checklist and applied signature, permit checklist).';

-- One path for scheduling: a person (app.schedule_work_order) or a team
-- (app.schedule_work_order_for_team, 90_teams.sql), never both.
CREATE OR REPLACE FUNCTION app_private.schedule_work_order(p_work_order_id uuid, p_to_team boolean, p_assignee_id uuid, p_team_id uuid,
                                                           p_starts_at timestamptz, p_ends_at timestamptz, p_due_date date)
RETURNS app.work_orders
LANGUAGE plpgsql VOLATILE
SET search_path = ''
AS $$
DECLARE
  v_order app.work_orders := app_private.lock_work_order(p_work_order_id, 'work_order.manage');
BEGIN
  IF v_order.status NOT IN ('planned', 'scheduled') THEN
    PERFORM app_private.refuse_work_order_move(v_order, 'scheduled');
  END IF;
  IF p_starts_at IS NULL OR p_ends_at IS NULL OR p_ends_at <= p_starts_at THEN
    PERFORM app_private.raise_invalid('work_order.window_invalid', 'the scheduled window needs a start before its end', 'Send starts_at < ends_at.');
  END IF;
  PERFORM app_private.require_scheduled_entry(v_order, CASE WHEN NOT p_to_team THEN p_assignee_id END,
                                              CASE WHEN p_to_team THEN p_team_id END, pg_catalog.tstzrange(p_starts_at, p_ends_at));
  UPDATE app.work_orders AS w
     SET status = 'scheduled', assignee_id = p_assignee_id, team_id = p_team_id, scheduled = pg_catalog.tstzrange(p_starts_at, p_ends_at),
         due_date = coalesce(p_due_date, w.due_date)
   WHERE w.organization_id = v_order.organization_id AND w.id = v_order.id
  RETURNING w.* INTO v_order;
  RETURN v_order;
END
$$;
COMMENT ON FUNCTION app_private.schedule_work_order(uuid, boolean, uuid, uuid, timestamptz, timestamptz, date) IS
  'Schedules a planned (or reschedules a scheduled) work order for a person or (p_to_team) a team: work_order.manage at its plant, a window with a start before its end, the person qualified and present or a qualified member of the team present; the other assignee is cleared.';

CREATE OR REPLACE FUNCTION app.schedule_work_order(work_order_id uuid, assignee_id uuid, starts_at timestamptz, ends_at timestamptz,
                                                   due_date date DEFAULT NULL)
RETURNS app.work_orders
LANGUAGE sql VOLATILE SECURITY DEFINER
SET search_path = ''
AS $$
  SELECT app_private.schedule_work_order(schedule_work_order.work_order_id, false, schedule_work_order.assignee_id, NULL,
                                         schedule_work_order.starts_at, schedule_work_order.ends_at, schedule_work_order.due_date)
$$;
COMMENT ON FUNCTION app.schedule_work_order(uuid, uuid, timestamptz, timestamptz, date) IS
  E'Schedule a work order\nAssigns a person and a window to a planned (or reschedules a scheduled) work order, which becomes scheduled (a team it had is replaced; app.schedule_work_order_for_team gives it to a team). The assignee must hold the required qualification at the window''s start and have no absence in the window (technician_availability). Needs work_order.manage at its plant.\nErrors: PT404 work_order.not_found / user.not_member, PT403 permission.missing, PT409 work_order.transition_invalid / work_order.assignee_unqualified / work_order.assignee_absent, PT422 work_order.window_invalid.';

-- Work is given to, and charged by, partners with the contractor role only
-- (app.partner_roles; a vendor supplies parts, a contractor does work): a
-- customer given a work order would read it through its portal users.
CREATE OR REPLACE FUNCTION app_private.require_contractor(p_organization_id uuid, p_partner_id uuid) RETURNS void
LANGUAGE plpgsql STABLE
SET search_path = ''
AS $$
BEGIN
  IF NOT EXISTS (SELECT FROM app.partners AS p WHERE p.organization_id = p_organization_id AND p.id = p_partner_id) THEN
    RAISE EXCEPTION 'partner not found' USING ERRCODE = 'PT404', DETAIL = 'partner.not_found', HINT = 'Send one of GET /partners.';
  END IF;
  IF NOT EXISTS (SELECT FROM app.partner_roles AS r
                  WHERE r.organization_id = p_organization_id AND r.partner_id = p_partner_id AND r.role = 'contractor') THEN
    RAISE EXCEPTION 'the partner is not a contractor' USING ERRCODE = 'PT422', DETAIL = 'partner.not_contractor',
      HINT = 'Only partners with the contractor role (POST /partner_roles, partner.manage) are given work orders and charge for them.';
  END IF;
END
$$;
COMMENT ON FUNCTION app_private.require_contractor(uuid, uuid) IS
  'PT404 partner.not_found unless the partner is the tenant''s, PT422 partner.not_contractor unless it has the contractor role (app.partner_roles); for contractor assignments and charges.';

CREATE OR REPLACE FUNCTION app.assign_work_order_contractor(work_order_id uuid, contractor_id uuid) RETURNS app.work_orders
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = ''
AS $$
DECLARE
  v_order app.work_orders := app_private.lock_work_order(assign_work_order_contractor.work_order_id, 'work_order.manage');
BEGIN
  IF contractor_id IS NOT NULL THEN
    PERFORM app_private.require_contractor(v_order.organization_id, assign_work_order_contractor.contractor_id);
  END IF;
  UPDATE app.work_orders AS w SET contractor_id = assign_work_order_contractor.contractor_id
   WHERE w.organization_id = v_order.organization_id AND w.id = v_order.id RETURNING w.* INTO v_order;
  RETURN v_order;
END
$$;
COMMENT ON FUNCTION app.assign_work_order_contractor(uuid, uuid) IS
  E'Give a work order to a contractor\nThe partner, which must have the contractor role (app.partner_roles), then sees it: its portal users (with work_order.read) read the work order, its assets, labour and charges, and change nothing. NULL takes it back. Needs work_order.manage at its plant.\nErrors: PT404 work_order.not_found / partner.not_found, PT403 permission.missing, PT422 partner.not_contractor.';

CREATE OR REPLACE FUNCTION app.add_work_order_asset(work_order_id uuid, equipment_id uuid) RETURNS app.work_order_assets
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = ''
AS $$
DECLARE
  v_order app.work_orders := app_private.lock_work_order(add_work_order_asset.work_order_id, 'work_order.manage');
  v_row app.work_order_assets;
BEGIN
  -- An asset the caller may see, at the work order's plant (the link is kept at that plant).
  IF (app_private.visible_equipment(v_order.organization_id, add_work_order_asset.equipment_id)).site_id <> v_order.site_id THEN
    PERFORM app_private.raise_invalid('work_order.asset_wrong_plant', 'the asset is not at the work order''s plant',
      'Link assets of the work order''s plant; open a work order at the other plant for its assets.');
  END IF;
  IF v_order.status IN ('completed', 'verified', 'closed', 'cancelled') THEN
    PERFORM app_private.refuse_work_order_move(v_order, 'more assets');
  END IF;
  INSERT INTO app.work_order_assets AS a (organization_id, work_order_id, equipment_id, is_primary, site_id)
  VALUES (v_order.organization_id, v_order.id, add_work_order_asset.equipment_id, false, v_order.site_id)
  ON CONFLICT ON CONSTRAINT work_order_assets_pkey DO UPDATE SET site_id = EXCLUDED.site_id
  RETURNING a.* INTO v_row;
  RETURN v_row;
END
$$;
COMMENT ON FUNCTION app.add_work_order_asset(uuid, uuid) IS
  E'Link another asset to a work order\nBefore it is completed; an asset the caller may see at the work order''s plant (the work order''s plant stays its primary asset''s). Needs work_order.manage at its plant.\nErrors: PT404 work_order.not_found / equipment.not_found, PT403 permission.missing, PT409 work_order.transition_invalid, PT422 work_order.asset_wrong_plant.';

CREATE OR REPLACE FUNCTION app.transition_work_order(work_order_id uuid, to_state text, reason text DEFAULT NULL) RETURNS app.work_orders
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = ''
AS $$
DECLARE
  v_permission text := CASE to_state WHEN 'in_progress' THEN 'work_order.execute' WHEN 'completed' THEN 'work_order.execute'
                                     WHEN 'on_hold' THEN 'work_order.execute' WHEN 'resume' THEN 'work_order.execute'
                                     WHEN 'verified' THEN 'work_order.verify' ELSE 'work_order.manage' END;
  v_order app.work_orders := app_private.lock_work_order(transition_work_order.work_order_id, v_permission);
  v_reason text := nullif(pg_catalog.btrim(reason), '');
  v_hold jsonb;
BEGIN
  IF to_state IN ('on_hold', 'cancelled') AND v_reason IS NULL THEN
    PERFORM app_private.raise_invalid('work_order.reason_required', format('%s needs a reason', to_state), 'Send reason.');
  END IF;
  IF NOT (   (to_state = 'in_progress' AND v_order.status = 'scheduled')
          OR (to_state = 'completed' AND v_order.status = 'in_progress')
          OR (to_state = 'verified' AND v_order.status = 'completed')
          OR (to_state = 'closed' AND v_order.status = 'verified')
          OR (to_state = 'cancelled' AND v_order.status IN ('planned', 'scheduled', 'in_progress', 'on_hold'))
          OR (to_state = 'on_hold' AND v_order.status IN ('planned', 'scheduled', 'in_progress'))
          OR (to_state = 'resume' AND v_order.status = 'on_hold')) THEN
    PERFORM app_private.refuse_work_order_move(v_order, coalesce(to_state, 'nothing'));
  END IF;
  -- The state it lands in (resume: where it left) checks what it checks on entry.
  PERFORM app_private.require_work_order_entry(v_order, CASE to_state WHEN 'resume' THEN v_order.held_from ELSE to_state END);
  IF to_state = 'completed' THEN
    PERFORM app_private.require_work_order_failure_codes(v_order);
  END IF;
  IF to_state = 'verified' THEN
    PERFORM app_private.require_independent_verifier(v_order);  -- 88_signatures.sql
  END IF;
  IF to_state = 'completed' THEN
    PERFORM app_private.require_lockout_removed(v_order);  -- 76_lockout.sql
  END IF;
  IF to_state = 'completed' THEN
    PERFORM app_private.require_work_order_checklist(v_order);  -- 86_checklists.sql
  END IF;
  IF to_state IN ('completed', 'verified') THEN
    PERFORM app_private.require_work_order_signature(v_order, to_state);  -- 88_signatures.sql
  END IF;
  -- The hold a move takes or ends, for the event (the row keeps only the current one).
  v_hold := CASE to_state WHEN 'on_hold' THEN pg_catalog.jsonb_build_object('reason', v_reason, 'returns_to', v_order.status)
                          WHEN 'resume' THEN pg_catalog.jsonb_build_object('reason', v_order.hold_reason, 'returns_to', v_order.held_from) END;
  UPDATE app.work_orders AS w
     SET status = CASE to_state WHEN 'resume' THEN w.held_from ELSE to_state END,
         held_from = CASE to_state WHEN 'on_hold' THEN w.status ELSE NULL END,
         hold_reason = CASE to_state WHEN 'on_hold' THEN v_reason ELSE NULL END,
         cancel_reason = CASE to_state WHEN 'cancelled' THEN v_reason ELSE w.cancel_reason END,
         started_at = CASE WHEN to_state = 'in_progress' THEN coalesce(w.started_at, pg_catalog.now()) ELSE w.started_at END,
         completed_at = CASE to_state WHEN 'completed' THEN pg_catalog.now() ELSE w.completed_at END,
         verified_at = CASE to_state WHEN 'verified' THEN pg_catalog.now() ELSE w.verified_at END,
         verified_by = CASE to_state WHEN 'verified' THEN auth.user_id() ELSE w.verified_by END,
         closed_at = CASE to_state WHEN 'closed' THEN pg_catalog.now() ELSE w.closed_at END
   WHERE w.organization_id = v_order.organization_id AND w.id = v_order.id
  RETURNING w.* INTO v_order;
  PERFORM app_private.publish_event(v_order.organization_id, 'work_order.' || to_state,
                                    pg_catalog.jsonb_build_object('work_order_id', v_order.id, 'work_order_number', v_order.work_order_number,
                                                                  'new', pg_catalog.jsonb_build_object('status', v_order.status), 'hold', v_hold),
                                    'work_order', v_order.id);
  RETURN v_order;
END
$$;
COMMENT ON FUNCTION app.transition_work_order(uuid, text, text) IS
  E'Move a work order\nto_state: in_progress (from scheduled; lockout/permit checklists complete where an asset''s class requires them, lockout applied signed: app.sign_work_order_lockout) and completed (from in_progress; every required checklist item answered with its photo where it takes one, every out-of-limit measurement followed up, an applied lockout signed removed) with work_order.execute; verified (from completed, not by the assignee, a member of the assigned team, anyone who logged labour on it or signed its completion or lockout) with .verify — both only signed, through app.complete_work_order and app.verify_work_order; closed (from verified) and cancelled (with a reason, before completion) with .manage; completing corrective or emergency breakdown work needs its failure codes when the asset''s class has any; on_hold (with a reason, from planned, scheduled or in_progress) and resume (back to the state it left) with .execute. Each at the work order''s plant. Publishes work_order.<to_state> (on_hold and resume with the hold: its reason and the state it returns to).\nErrors: PT404 work_order.not_found, PT403 permission.missing, PT409 work_order.transition_invalid / work_order.lockout_incomplete / work_order.permit_incomplete / work_order.lockout_unsigned / work_order.lockout_not_removed / work_order.failure_codes_required / work_order.self_verification / checklist.photo_missing / checklist.required_unanswered / checklist.out_of_limits / work_order.signature_required, PT422 work_order.reason_required. Cancelling or closing releases the work order''s open stock reservations.';

-- Failure codes on a work order (migration maintenance/joins): a problem ->
-- cause -> remedy triple allowed for the primary asset's class
-- (app.check_failure_codes), recorded while the work is not yet verified.
-- Completing corrective or emergency breakdown work needs them when the
-- class has any combination; other work may record them or not.
CREATE OR REPLACE FUNCTION app.set_work_order_failure_codes(work_order_id uuid, problem_code text, cause_code text, remedy_code text)
RETURNS app.work_orders
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = ''
AS $$
DECLARE
  v_order app.work_orders := app_private.lock_work_order(set_work_order_failure_codes.work_order_id, 'work_order.execute');
  v_problem uuid;
  v_cause uuid;
  v_remedy uuid;
BEGIN
  IF v_order.status IN ('verified', 'closed', 'cancelled') THEN
    RAISE EXCEPTION 'a % work order keeps its failure codes', v_order.status USING ERRCODE = 'PT409', DETAIL = 'work_order.failure_codes_fixed',
      HINT = 'Failure codes are recorded before the work is verified.';
  END IF;
  SELECT f.id INTO v_problem FROM app.failure_codes AS f WHERE f.organization_id = v_order.organization_id AND f.kind = 'problem' AND f.code = problem_code;
  SELECT f.id INTO v_cause FROM app.failure_codes AS f WHERE f.organization_id = v_order.organization_id AND f.kind = 'cause' AND f.code = cause_code;
  SELECT f.id INTO v_remedy FROM app.failure_codes AS f WHERE f.organization_id = v_order.organization_id AND f.kind = 'remedy' AND f.code = remedy_code;
  IF v_problem IS NULL OR v_cause IS NULL OR v_remedy IS NULL THEN
    RAISE EXCEPTION 'failure code % not found', CASE WHEN v_problem IS NULL THEN coalesce(problem_code, 'null') WHEN v_cause IS NULL
      THEN coalesce(cause_code, 'null') ELSE coalesce(remedy_code, 'null') END
      USING ERRCODE = 'PT404', DETAIL = 'failure_code.not_found', HINT = 'GET /failure_codes lists the problems, causes and remedies by kind.';
  END IF;
  PERFORM app.check_failure_codes(v_order.equipment_id, v_problem, v_cause, v_remedy);
  UPDATE app.work_orders AS w SET problem_code_id = v_problem, cause_code_id = v_cause, remedy_code_id = v_remedy
   WHERE w.organization_id = v_order.organization_id AND w.id = v_order.id
  RETURNING w.* INTO v_order;
  RETURN v_order;
END
$$;
COMMENT ON FUNCTION app.set_work_order_failure_codes(uuid, text, text, text) IS
  E'Record failure codes\nThe problem, cause and remedy (codes of GET /failure_codes) of a work order, replacing earlier ones: the triple must be allowed for the primary asset''s class and every code active. Before the work is verified; needs work_order.execute at its plant.\nErrors: PT404 work_order.not_found / failure_code.not_found / equipment.not_found, PT403 permission.missing, PT409 work_order.failure_codes_fixed, PT422 failure_code.combination_not_allowed / failure_code.inactive.';

CREATE OR REPLACE FUNCTION app_private.require_work_order_failure_codes(p_order app.work_orders) RETURNS void
LANGUAGE plpgsql STABLE
SET search_path = ''
AS $$
BEGIN
  IF p_order.is_breakdown AND p_order.work_type IN ('corrective', 'emergency') AND p_order.problem_code_id IS NULL
     AND EXISTS (SELECT FROM app.equipment AS e JOIN app.failure_code_combinations AS c ON c.organization_id = e.organization_id AND c.class_id = e.class_id
                  WHERE e.organization_id = p_order.organization_id AND e.id = p_order.equipment_id) THEN
    RAISE EXCEPTION 'breakdown work % needs its failure codes before completion', p_order.work_order_number
      USING ERRCODE = 'PT409', DETAIL = 'work_order.failure_codes_required',
            HINT = 'Record problem, cause and remedy (app.set_work_order_failure_codes) first.';
  END IF;
END
$$;
COMMENT ON FUNCTION app_private.require_work_order_failure_codes(app.work_orders) IS
  'PT409 work_order.failure_codes_required: a corrective or emergency breakdown on an asset whose class has failure code combinations completes only with its problem, cause and remedy recorded.';

-- A cancelled or closed work order needs no parts any more: its open stock
-- reservations are released (a reservation_release movement each, the reason
-- naming the work order), in the same transaction as the move.
CREATE OR REPLACE FUNCTION app_private.tg_work_orders__release_reservations() RETURNS trigger
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = ''
AS $$
DECLARE
  v_reservation app.stock_reservations;
  v_reason text := format('work order %s %s', NEW.work_order_number, NEW.status);
BEGIN
  FOR v_reservation IN
    SELECT * FROM app.stock_reservations AS r
     WHERE r.organization_id = NEW.organization_id AND r.entity_type = 'work_order' AND r.entity_id = NEW.id AND r.status = 'open'
     ORDER BY r.id FOR UPDATE
  LOOP
    INSERT INTO app.stock_movements (organization_id, part_id, bin_id, kind, reserved_delta, reason, entity_type, entity_id, reservation_id)
    VALUES (v_reservation.organization_id, v_reservation.part_id, v_reservation.bin_id, 'reservation_release',
            -(v_reservation.quantity - v_reservation.issued_quantity), v_reason, 'work_order', NEW.id, v_reservation.id);
    UPDATE app.stock_reservations AS r SET status = 'released', release_reason = v_reason, closed_at = pg_catalog.now()
     WHERE r.organization_id = v_reservation.organization_id AND r.id = v_reservation.id;
  END LOOP;
  RETURN NULL;
END
$$;
COMMENT ON FUNCTION app_private.tg_work_orders__release_reservations() IS
  'AFTER UPDATE OF status on work_orders, to cancelled or closed: releases the work order''s open stock reservations (what is left of each), the reason naming the work order.';
CREATE OR REPLACE TRIGGER _500_release_reservations AFTER UPDATE OF status ON app.work_orders
  FOR EACH ROW WHEN (NEW.status IN ('cancelled', 'closed') AND OLD.status IS DISTINCT FROM NEW.status)
  EXECUTE FUNCTION app_private.tg_work_orders__release_reservations();
