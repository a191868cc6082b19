-- Maintenance teams and technician availability (migration
-- maintenance/calendar). A team (optionally of one plant) is an assignee
-- alternative to a person: app.schedule_work_order_for_team gives a work
-- order to a team when at least one member holds the required qualification
-- at the window's start and is not absent during the window; team members
-- see their teams' work orders as theirs (app.my_work_orders). Availability
-- is shifts and absences per person with no overlap (exclusion constraint);
-- scheduling a person during an absence is refused, not warned
-- (work_order.assignee_absent): a planner who must override records the
-- absence's end first, which leaves a trace.

CREATE OR REPLACE FUNCTION app.define_maintenance_team(name text, site_id uuid DEFAULT NULL, is_active boolean DEFAULT true)
RETURNS app.maintenance_teams
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = ''
AS $$
DECLARE
  v_org uuid := auth.org_id();
  v_team app.maintenance_teams;
BEGIN
  PERFORM auth.check_permission_at('team.manage', define_maintenance_team.site_id);
  IF nullif(pg_catalog.btrim(define_maintenance_team.name), '') IS NULL OR pg_catalog.length(define_maintenance_team.name) > 100 THEN
    PERFORM app_private.raise_invalid('team.name_invalid', 'a team name of 1 to 100 characters is required', 'Send name.');
  END IF;
  IF define_maintenance_team.site_id IS NOT NULL
     AND NOT EXISTS (SELECT FROM app.sites AS s WHERE s.organization_id = v_org AND s.id = define_maintenance_team.site_id) THEN
    RAISE EXCEPTION 'site not found' USING ERRCODE = 'PT404', DETAIL = 'site.not_found', HINT = 'GET /sites lists the plants.';
  END IF;
  INSERT INTO app.maintenance_teams AS t (organization_id, id, name, site_id, is_active, created_by)
  VALUES (v_org, pg_catalog.gen_random_uuid(), pg_catalog.btrim(define_maintenance_team.name), define_maintenance_team.site_id,
          coalesce(define_maintenance_team.is_active, true), auth.user_id())
  ON CONFLICT ON CONSTRAINT maintenance_teams_name_unique DO UPDATE
    SET site_id = EXCLUDED.site_id, is_active = EXCLUDED.is_active
  RETURNING t.* INTO v_team;
  RETURN v_team;
END
$$;
COMMENT ON FUNCTION app.define_maintenance_team(text, uuid, boolean) IS
  E'Define a maintenance team\nCreates the team (or changes the plant and active flag of the team of that name). Needs team.manage tenant-wide, or at the plant for a plant''s team.\nErrors: PT403 permission.missing, PT404 site.not_found, PT422 team.name_invalid.';

-- The caller's team, with team.manage at its plant.
CREATE OR REPLACE FUNCTION app_private.managed_team(p_team_id uuid) RETURNS app.maintenance_teams
LANGUAGE plpgsql VOLATILE
SET search_path = ''
AS $$
DECLARE
  v_team app.maintenance_teams;
BEGIN
  SELECT t.* INTO v_team FROM app.maintenance_teams AS t WHERE t.organization_id = auth.org_id() AND t.id = p_team_id;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'team not found' USING ERRCODE = 'PT404', DETAIL = 'team.not_found', HINT = 'GET /maintenance_teams lists the teams.';
  END IF;
  PERFORM auth.check_permission_at('team.manage', v_team.site_id);
  RETURN v_team;
END
$$;
COMMENT ON FUNCTION app_private.managed_team(uuid) IS
  'The team of the caller''s tenant: PT404 team.not_found, PT403 permission.missing without team.manage tenant-wide or at its plant.';

CREATE OR REPLACE FUNCTION app.add_team_member(team_id uuid, user_id uuid, member_from timestamptz DEFAULT NULL, member_to timestamptz DEFAULT NULL)
RETURNS app.maintenance_team_members
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = ''
AS $$
DECLARE
  v_team app.maintenance_teams := app_private.managed_team(add_team_member.team_id);
  v_member app.maintenance_team_members;
BEGIN
  IF NOT app_private.is_active_staff(v_team.organization_id, add_team_member.user_id) THEN
    RAISE EXCEPTION 'the person is not an active member' USING ERRCODE = 'PT404', DETAIL = 'user.not_member',
      HINT = 'Add a staff member of your organization.';
  END IF;
  IF add_team_member.member_to IS NOT NULL AND add_team_member.member_to <= coalesce(add_team_member.member_from, pg_catalog.now()) THEN
    PERFORM app_private.raise_invalid('team_member.period_invalid', 'member_to must be after member_from', 'Send member_from < member_to.');
  END IF;
  BEGIN
    INSERT INTO app.maintenance_team_members AS m (organization_id, id, team_id, user_id, member_from, member_to)
    VALUES (v_team.organization_id, pg_catalog.gen_random_uuid(), v_team.id, add_team_member.user_id,
            coalesce(add_team_member.member_from, pg_catalog.now()), add_team_member.member_to)
    RETURNING m.* INTO v_member;
  EXCEPTION WHEN exclusion_violation THEN
    RAISE EXCEPTION 'the person is already a member of the team then' USING ERRCODE = 'PT409', DETAIL = 'team_member.overlap',
      HINT = 'End the current membership first (app.end_team_member).';
  END;
  RETURN v_member;
END
$$;
COMMENT ON FUNCTION app.add_team_member(uuid, uuid, timestamptz, timestamptz) IS
  E'Add a team member\nThe person belongs to the team from member_from (now) until member_to (open). Needs team.manage at the team''s plant.\nErrors: PT403 permission.missing, PT404 team.not_found / user.not_member, PT409 team_member.overlap, PT422 team_member.period_invalid.';

CREATE OR REPLACE FUNCTION app.end_team_member(member_id uuid, member_to timestamptz DEFAULT NULL) RETURNS app.maintenance_team_members
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = ''
AS $$
DECLARE
  v_member app.maintenance_team_members;
BEGIN
  SELECT m.* INTO v_member FROM app.maintenance_team_members AS m WHERE m.organization_id = auth.org_id() AND m.id = end_team_member.member_id;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'team membership not found' USING ERRCODE = 'PT404', DETAIL = 'team_member.not_found',
      HINT = 'GET /maintenance_team_members lists the memberships.';
  END IF;
  PERFORM app_private.managed_team(v_member.team_id);
  IF coalesce(end_team_member.member_to, pg_catalog.now()) <= v_member.member_from THEN
    PERFORM app_private.raise_invalid('team_member.period_invalid', 'member_to must be after member_from', 'Send a later member_to.');
  END IF;
  UPDATE app.maintenance_team_members AS m SET member_to = coalesce(end_team_member.member_to, pg_catalog.now())
   WHERE m.organization_id = v_member.organization_id AND m.id = v_member.id
  RETURNING m.* INTO v_member;
  RETURN v_member;
END
$$;
COMMENT ON FUNCTION app.end_team_member(uuid, timestamptz) IS
  E'End a team membership\nThe person leaves the team at member_to (now). Needs team.manage at the team''s plant.\nErrors: PT403 permission.missing, PT404 team_member.not_found, PT422 team_member.period_invalid.';

-- Whether a person is a member of a team at a time.
CREATE OR REPLACE FUNCTION app_private.is_team_member(p_organization_id uuid, p_team_id uuid, p_user_id uuid, p_at timestamptz) RETURNS boolean
LANGUAGE sql STABLE
SET search_path = ''
AS $$
  SELECT EXISTS (SELECT FROM app.maintenance_team_members AS m
                  WHERE m.organization_id = p_organization_id AND m.team_id = p_team_id AND m.user_id = p_user_id
                    AND m.member_from <= p_at AND (m.member_to IS NULL OR m.member_to > p_at))
$$;
COMMENT ON FUNCTION app_private.is_team_member(uuid, uuid, uuid, timestamptz) IS 'Whether the person belongs to the team at the time.';

-- Whether a person is absent at some point of a window.
CREATE OR REPLACE FUNCTION app_private.is_absent(p_organization_id uuid, p_user_id uuid, p_window tstzrange) RETURNS boolean
LANGUAGE sql STABLE
SET search_path = ''
AS $$
  SELECT EXISTS (SELECT FROM app.technician_availability AS a
                  WHERE a.organization_id = p_organization_id AND a.user_id = p_user_id AND a.kind = 'absent' AND a.period OPERATOR(pg_catalog.&&) p_window)
$$;
COMMENT ON FUNCTION app_private.is_absent(uuid, uuid, tstzrange) IS 'Whether the person has an absence overlapping the window.';

CREATE OR REPLACE FUNCTION app_private.require_assignee_available(p_order app.work_orders, p_assignee uuid, p_window tstzrange) RETURNS void
LANGUAGE plpgsql VOLATILE
SET search_path = ''
AS $$
BEGIN
  IF app_private.is_absent(p_order.organization_id, p_assignee, p_window) THEN
    RAISE EXCEPTION 'the assignee is absent during the window' USING ERRCODE = 'PT409', DETAIL = 'work_order.assignee_absent',
      HINT = 'Assign someone else or move the window (GET /technician_availability shows the absences).';
  END IF;
END
$$;
COMMENT ON FUNCTION app_private.require_assignee_available(app.work_orders, uuid, tstzrange) IS
  'PT409 work_order.assignee_absent when the person has an absence overlapping the window.';

-- A team may take a work order when a member at the window's start holds the
-- required qualification then and is not absent during the window.
CREATE OR REPLACE FUNCTION app_private.require_team_qualified(p_order app.work_orders, p_team_id uuid, p_window tstzrange) RETURNS void
LANGUAGE plpgsql VOLATILE
SET search_path = ''
AS $$
DECLARE
  v_team app.maintenance_teams;
BEGIN
  SELECT t.* INTO v_team FROM app.maintenance_teams AS t WHERE t.organization_id = p_order.organization_id AND t.id = p_team_id;
  IF NOT FOUND OR NOT v_team.is_active OR (v_team.site_id IS NOT NULL AND v_team.site_id IS DISTINCT FROM p_order.site_id) THEN
    RAISE EXCEPTION 'team not found' USING ERRCODE = 'PT404', DETAIL = 'team.not_found',
      HINT = 'Assign an active team of the work order''s plant or a tenant-wide team (GET /maintenance_teams).';
  END IF;
  IF NOT EXISTS (
      SELECT FROM app.maintenance_team_members AS m
       WHERE m.organization_id = p_order.organization_id AND m.team_id = p_team_id
         AND m.member_from <= pg_catalog.lower(p_window) AND (m.member_to IS NULL OR m.member_to > pg_catalog.lower(p_window))
         AND app_private.is_active_staff(m.organization_id, m.user_id)
         AND (p_order.required_qualification IS NULL
              OR app_private.holds_qualification(m.organization_id, m.user_id, p_order.required_qualification, pg_catalog.lower(p_window)))
         AND NOT app_private.is_absent(m.organization_id, m.user_id, p_window)) THEN
    RAISE EXCEPTION 'no member of the team holds % and is present then', coalesce(p_order.required_qualification, 'the work') USING ERRCODE = 'PT409',
      DETAIL = 'work_order.team_unqualified',
      HINT = 'Add a qualified member (app.add_team_member), assign a person, or move the window.';
  END IF;
END
$$;
COMMENT ON FUNCTION app_private.require_team_qualified(app.work_orders, uuid, tstzrange) IS
  'PT404 team.not_found unless an active team of the work order''s plant (or tenant-wide); PT409 work_order.team_unqualified unless a member at the window''s start holds the required qualification then (competence register) and has no absence during the window.';

CREATE OR REPLACE FUNCTION app.schedule_work_order_for_team(work_order_id uuid, team_id uuid, starts_at timestamptz, ends_at timestamptz,
                                                            due_date date DEFAULT NULL)
RETURNS app.work_orders
LANGUAGE sql VOLATILE SECURITY DEFINER
SET search_path = ''
AS $$
  SELECT app_private.schedule_work_order(schedule_work_order_for_team.work_order_id, true, NULL, schedule_work_order_for_team.team_id,
                                         schedule_work_order_for_team.starts_at, schedule_work_order_for_team.ends_at,
                                         schedule_work_order_for_team.due_date)
$$;
COMMENT ON FUNCTION app.schedule_work_order_for_team(uuid, uuid, timestamptz, timestamptz, date) IS
  E'Schedule a work order for a team\nGives a planned (or scheduled) work order to a team for a window: at least one member at the window''s start must hold the required qualification then and have no absence in the window. The work order becomes scheduled; its members see it as theirs. Needs work_order.manage at its plant.\nErrors: PT404 work_order.not_found / team.not_found, PT403 permission.missing, PT409 work_order.transition_invalid / work_order.team_unqualified, PT422 work_order.window_invalid.';

CREATE OR REPLACE FUNCTION app.my_work_orders() RETURNS SETOF app.work_orders
LANGUAGE sql STABLE
SET search_path = ''
AS $$
  SELECT w.* FROM app.work_orders AS w
   WHERE w.organization_id = auth.org_id()
     AND (w.assignee_id = auth.user_id()
          OR w.team_id IN (SELECT m.team_id FROM app.maintenance_team_members AS m
                            WHERE m.organization_id = w.organization_id AND m.user_id = auth.user_id()
                              AND m.member_from <= pg_catalog.now() AND (m.member_to IS NULL OR m.member_to > pg_catalog.now())))
$$;
COMMENT ON FUNCTION app.my_work_orders() IS
  E'My work orders\nThe work orders assigned to the caller or to a team they belong to now, as the caller may read them (filter and order as a table: ?status=in.(scheduled,in_progress)&order=due_date).';

CREATE OR REPLACE FUNCTION app.set_availability(user_id uuid, starts_at timestamptz, ends_at timestamptz, kind text DEFAULT 'absent',
                                                reason text DEFAULT '')
RETURNS app.technician_availability
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = ''
AS $$
DECLARE
  v_org uuid := auth.org_id();
  v_row app.technician_availability;
BEGIN
  IF set_availability.user_id IS DISTINCT FROM auth.user_id() AND NOT auth.has_permission_anywhere('work_order.manage') THEN
    PERFORM auth.check_permission('work_order.manage');
  END IF;
  IF auth.partner_id() IS NOT NULL OR NOT app_private.is_active_staff(v_org, set_availability.user_id) THEN
    RAISE EXCEPTION 'the person is not an active member' USING ERRCODE = 'PT404', DETAIL = 'user.not_member',
      HINT = 'Record the availability of a staff member of your organization.';
  END IF;
  IF starts_at IS NULL OR ends_at IS NULL OR ends_at <= starts_at THEN
    PERFORM app_private.raise_invalid('availability.period_invalid', 'the period needs a start before its end', 'Send starts_at < ends_at.');
  END IF;
  IF set_availability.kind IS NULL OR set_availability.kind NOT IN ('available', 'absent') THEN
    PERFORM app_private.raise_invalid('availability.kind_invalid', 'kind is available or absent', 'Send kind available or absent.');
  END IF;
  IF pg_catalog.length(coalesce(set_availability.reason, '')) > 500 THEN
    PERFORM app_private.raise_invalid('availability.reason_too_long', 'the reason is at most 500 characters', 'Shorten reason.');
  END IF;
  BEGIN
    INSERT INTO app.technician_availability AS a (organization_id, id, user_id, period, kind, reason, created_by)
    VALUES (v_org, pg_catalog.gen_random_uuid(), set_availability.user_id, pg_catalog.tstzrange(starts_at, ends_at), set_availability.kind,
            coalesce(set_availability.reason, ''), auth.user_id())
    RETURNING a.* INTO v_row;
  EXCEPTION WHEN exclusion_violation THEN
    RAISE EXCEPTION 'the period overlaps another shift or absence of the person' USING ERRCODE = 'PT409', DETAIL = 'availability.overlap',
      HINT = 'Delete or shorten the other period first (GET /technician_availability).';
  END;
  RETURN v_row;
END
$$;
COMMENT ON FUNCTION app.set_availability(uuid, timestamptz, timestamptz, text, text) IS
  E'Record availability\nA shift (kind available) or an absence (kind absent, with a reason) of a person; one person''s periods never overlap. Your own, or anyone''s with work_order.manage. An absence refuses work orders scheduled on the person in it.\nErrors: PT403 permission.missing, PT404 user.not_member, PT409 availability.overlap, PT422 availability.period_invalid / kind_invalid / reason_too_long.';

CREATE OR REPLACE FUNCTION app.delete_availability(availability_id uuid) RETURNS boolean
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = ''
AS $$
DECLARE
  v_row app.technician_availability;
BEGIN
  SELECT a.* INTO v_row FROM app.technician_availability AS a WHERE a.organization_id = auth.org_id() AND a.id = delete_availability.availability_id;
  IF NOT FOUND OR (v_row.user_id IS DISTINCT FROM auth.user_id() AND NOT auth.has_permission_anywhere('work_order.manage')) THEN
    RAISE EXCEPTION 'availability not found' USING ERRCODE = 'PT404', DETAIL = 'availability.not_found',
      HINT = 'GET /technician_availability lists what you may change.';
  END IF;
  DELETE FROM app.technician_availability AS a WHERE a.organization_id = v_row.organization_id AND a.id = v_row.id;
  RETURN true;
END
$$;
COMMENT ON FUNCTION app.delete_availability(uuid) IS
  E'Delete availability\nRemoves a shift or absence: your own, or anyone''s with work_order.manage.\nErrors: PT404 availability.not_found.';

-- For the teams policy: membership read past the members' own policy (which
-- asks the teams', so the policies would recurse).
CREATE OR REPLACE FUNCTION auth.is_in_team(p_organization_id uuid, p_team_id uuid) RETURNS boolean
LANGUAGE plpgsql STABLE SECURITY DEFINER
SET search_path = ''
AS $$
DECLARE
  v_user_id uuid := auth.user_id();
BEGIN
  RETURN EXISTS (SELECT FROM app.maintenance_team_members AS m
                  WHERE m.organization_id = p_organization_id AND m.team_id = p_team_id AND m.user_id = v_user_id);
END
$$;
COMMENT ON FUNCTION auth.is_in_team(uuid, uuid) IS 'Whether the caller is or was a member of the team (the teams policy).';
