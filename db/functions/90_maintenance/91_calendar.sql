-- Maintenance calendar and ICS feeds (migration maintenance/calendar).
-- app.maintenance_calendar(from, to, ...) is one union of event sources, each
-- with the same columns: scheduled work orders (their window), technician
-- availability (shifts and absences) and preventive-maintenance occurrences
-- (app_private.maintenance_calendar_pm: the days app.pm_forecast says are due). It runs as its owner with the
-- caller's visibility written into each branch (the work order policy's
-- auth.may_read_work_order, the availability policy's own-or-planner rule),
-- so that a feed, which runs as its owner through a token with no JWT,
-- sees exactly what its owner would through the API.
--
-- ICS feeds: app.calendar_feed(token) returns app."text/calendar", which
-- PostgREST serves as text/calendar (a media type handler). Calendar apps
-- cannot send a JWT, so a feed is a capability URL: app.issue_calendar_feed
-- returns a random 256-bit token once and stores its SHA-256; the feed reads
-- with its owner's rights at the time of the request (claims set for the
-- transaction), so leaving the tenant, losing a role or revoking the feed
-- (app.revoke_calendar_feed) ends it.

CREATE OR REPLACE FUNCTION app_private.maintenance_calendar_pm(p_from timestamptz, p_to timestamptz, p_team_id uuid, p_equipment_id uuid,
                                                               p_user_id uuid)
RETURNS TABLE (uid text, kind text, starts_at timestamptz, ends_at timestamptz, title text, description text, status text,
               work_order_id uuid, user_id uuid, team_id uuid, equipment_id uuid, site_id uuid)
LANGUAGE sql STABLE
SET search_path = ''
AS $$
  -- Occurrences not generated yet (app.pm_forecast, with the caller's visibility): a whole day at the plant, in the
  -- plant's time zone as the generator reads it. They belong to no one yet, so a person's or a team's calendar
  -- leaves them out; an asset's shows its own.
  SELECT 'pm-' || f.pm_schedule_id::text || '-' || f.due_date::text, 'pm'::text,
         (f.due_date::timestamp) AT TIME ZONE z.tz, ((f.due_date + 1)::timestamp) AT TIME ZONE z.tz,
         'PM due: ' || f.name || coalesce(' (' || e.name || ')', '') || CASE WHEN f.estimated THEN ' (estimated)' ELSE '' END,
         'Preventive maintenance due ' || f.due_date::text || '; its work order is generated on ' || f.generate_on::text || '.'
           || CASE WHEN f.estimated THEN ' Estimated from the meter''s average daily usage.' ELSE '' END,
         'forecast'::text, NULL::uuid, NULL::uuid, NULL::uuid, f.equipment_id, f.site_id
    FROM app.pm_forecast((p_from AT TIME ZONE 'UTC')::date - 1, (p_to AT TIME ZONE 'UTC')::date + 1) AS f
    LEFT JOIN app.equipment AS e ON e.organization_id = auth.org_id() AND e.id = f.equipment_id
    LEFT JOIN app.sites AS si ON si.organization_id = auth.org_id() AND si.id = f.site_id
    LEFT JOIN app.organizations AS o ON o.id = auth.org_id()
   CROSS JOIN LATERAL (SELECT coalesce(si.timezone, o.settings ->> 'timezone', 'UTC') AS tz) AS z
   WHERE p_team_id IS NULL AND p_user_id IS NULL
     AND (p_equipment_id IS NULL OR f.equipment_id = p_equipment_id)
     AND pg_catalog.tstzrange((f.due_date::timestamp) AT TIME ZONE z.tz, ((f.due_date + 1)::timestamp) AT TIME ZONE z.tz)
         OPERATOR(pg_catalog.&&) pg_catalog.tstzrange(p_from, p_to)
$$;
COMMENT ON FUNCTION app_private.maintenance_calendar_pm(timestamptz, timestamptz, uuid, uuid, uuid) IS
  'The preventive-maintenance occurrences of the calendar (kind pm, status forecast): each due day of an active schedule not generated yet (app.pm_forecast, the caller''s visibility; a meter-only schedule''s estimated day titled (estimated)), a whole day in the plant''s time zone; in the tenant''s and an asset''s calendar, not in a person''s or a team''s.';

CREATE OR REPLACE FUNCTION app.maintenance_calendar(from_at timestamptz, to_at timestamptz, for_team uuid DEFAULT NULL,
                                                    for_asset uuid DEFAULT NULL, for_user uuid DEFAULT NULL)
RETURNS TABLE (uid text, kind text, starts_at timestamptz, ends_at timestamptz, title text, description text, status text,
               work_order_id uuid, user_id uuid, team_id uuid, equipment_id uuid, site_id uuid)
LANGUAGE plpgsql STABLE SECURITY DEFINER
SET search_path = ''
AS $$
#variable_conflict use_column
DECLARE
  v_org uuid := auth.org_id();
  v_range tstzrange;
  v_may_see_everyone boolean := auth.has_permission_anywhere('work_order.manage') OR auth.has_permission_anywhere('team.manage');
  -- A person's calendar: the teams they ever belonged to, so that the per-row checks (visibility, membership at the
  -- time) run on their work only, not on every work order of the tenant in the range.
  v_user_teams uuid[] := CASE WHEN maintenance_calendar.for_user IS NOT NULL THEN ARRAY(
    SELECT DISTINCT m.team_id FROM app.maintenance_team_members AS m
     WHERE m.organization_id = auth.org_id() AND m.user_id = maintenance_calendar.for_user) END;
BEGIN
  IF from_at IS NULL OR to_at IS NULL OR to_at <= from_at OR to_at - from_at > interval '400 days' THEN
    PERFORM app_private.raise_invalid('calendar.range_invalid', 'the calendar needs from_at before to_at, at most 400 days apart',
                                      'Send from_at < to_at within 400 days.');
  END IF;
  v_range := pg_catalog.tstzrange(from_at, to_at);
  RETURN QUERY
  SELECT 'work-order-' || w.id::text, 'work_order'::text, pg_catalog.lower(w.scheduled), pg_catalog.upper(w.scheduled),
         w.work_order_number || ' ' || w.title || CASE WHEN w.status = 'on_hold' THEN ' (on hold)' ELSE '' END,
         CASE WHEN w.status = 'on_hold' THEN 'On hold: ' || coalesce(w.hold_reason, '') || CASE WHEN coalesce(w.description, '') <> '' THEN E'\n\n' || w.description ELSE '' END
              ELSE w.description END,
         w.status, w.id, w.assignee_id, w.team_id, w.equipment_id, w.site_id
    FROM app.work_orders AS w
   WHERE w.organization_id = v_org AND w.scheduled OPERATOR(pg_catalog.&&) v_range
     AND w.status NOT IN ('cancelled')
     AND auth.may_read_work_order(w.site_id, w.contractor_id)
     AND (maintenance_calendar.for_team IS NULL OR w.team_id = maintenance_calendar.for_team)
     AND (maintenance_calendar.for_asset IS NULL
          OR EXISTS (SELECT FROM app.work_order_assets AS a
                      WHERE a.organization_id = w.organization_id AND a.work_order_id = w.id AND a.equipment_id = maintenance_calendar.for_asset))
     AND (maintenance_calendar.for_user IS NULL OR w.assignee_id = maintenance_calendar.for_user
          OR (w.team_id = ANY (v_user_teams)
              AND app_private.is_team_member(w.organization_id, w.team_id, maintenance_calendar.for_user, pg_catalog.lower(w.scheduled))))
  UNION ALL
  SELECT 'availability-' || a.id::text, a.kind, pg_catalog.lower(a.period), pg_catalog.upper(a.period),
         coalesce(u.display_name, 'A technician') || CASE a.kind WHEN 'absent' THEN ' absent' ELSE ' on shift' END
           || CASE WHEN a.reason <> '' THEN ': ' || a.reason ELSE '' END,
         a.reason, a.kind, NULL::uuid, a.user_id, NULL::uuid, NULL::uuid, NULL::uuid
    FROM app.technician_availability AS a
    LEFT JOIN app.users AS u ON u.id = a.user_id
   WHERE a.organization_id = v_org AND a.period OPERATOR(pg_catalog.&&) v_range AND auth.partner_id() IS NULL
     AND (a.user_id = auth.user_id() OR v_may_see_everyone)
     AND maintenance_calendar.for_asset IS NULL
     AND (maintenance_calendar.for_user IS NULL OR a.user_id = maintenance_calendar.for_user)
     AND (maintenance_calendar.for_team IS NULL
          OR app_private.is_team_member(a.organization_id, maintenance_calendar.for_team, a.user_id, pg_catalog.lower(a.period)))
  UNION ALL
  SELECT p.* FROM app_private.maintenance_calendar_pm(from_at, to_at, maintenance_calendar.for_team, maintenance_calendar.for_asset,
                                                      maintenance_calendar.for_user) AS p
  ORDER BY 3, 1;
END
$$;
COMMENT ON FUNCTION app.maintenance_calendar(timestamptz, timestamptz, uuid, uuid, uuid) IS
  E'Maintenance calendar\nEvents between from_at and to_at (at most 400 days), as the caller may see them: scheduled work orders (kind work_order, their window; cancelled ones left out; one on hold keeps its window, titled (on hold) with the hold''s reason first in its description), technician shifts and absences (kind available / absent: your own, everyone''s with work_order.manage or team.manage) and preventive-maintenance occurrences (kind pm). Narrow to a team (for_team: its work orders and its members'' availability), an asset (for_asset: the work orders covering it) or a person (for_user: their work orders, their teams'' and their availability).\nErrors: PT422 calendar.range_invalid.';

-- RFC 5545 text: backslash, semicolon, comma and line breaks escaped.
CREATE OR REPLACE FUNCTION app_private.ics_text(p_text text) RETURNS text
LANGUAGE sql IMMUTABLE
SET search_path = ''
AS $$
  SELECT pg_catalog.replace(pg_catalog.replace(pg_catalog.replace(pg_catalog.replace(pg_catalog.replace(
           coalesce(p_text, ''), E'\\', E'\\\\'), ';', E'\\;'), ',', E'\\,'), E'\r\n', E'\\n'), E'\n', E'\\n')
$$;
COMMENT ON FUNCTION app_private.ics_text(text) IS 'Escapes a TEXT value for iCalendar (RFC 5545 3.3.11): \\ ; , and line breaks.';

-- RFC 5545 3.1: a content line longer than 75 octets is folded (CRLF and a
-- space), never inside a UTF-8 character; the line ends with CRLF.
CREATE OR REPLACE FUNCTION app_private.ics_line(p_line text) RETURNS text
LANGUAGE plpgsql IMMUTABLE
SET search_path = ''
AS $$
DECLARE
  v_out text := '';
  v_octets integer := 0;
  v_limit integer := 75;
  v_char text;
BEGIN
  p_line := pg_catalog.replace(pg_catalog.replace(p_line, E'\r', ''), E'\n', '');
  IF pg_catalog.octet_length(p_line) <= 75 THEN
    RETURN p_line || E'\r\n';
  END IF;
  FOREACH v_char IN ARRAY pg_catalog.regexp_split_to_array(p_line, '') LOOP
    IF v_octets + pg_catalog.octet_length(v_char) > v_limit THEN
      v_out := v_out || E'\r\n ';
      v_octets := 1;
    END IF;
    v_out := v_out || v_char;
    v_octets := v_octets + pg_catalog.octet_length(v_char);
  END LOOP;
  RETURN v_out || E'\r\n';
END
$$;
COMMENT ON FUNCTION app_private.ics_line(text) IS 'One iCalendar content line ending in CRLF, folded at 75 octets (RFC 5545 3.1) without splitting a UTF-8 character.';

CREATE OR REPLACE FUNCTION app_private.ics_time(p_at timestamptz) RETURNS text
LANGUAGE sql IMMUTABLE
SET search_path = ''
AS $$
  SELECT pg_catalog.to_char(p_at AT TIME ZONE 'UTC', 'YYYYMMDD"T"HH24MISS"Z"')
$$;
COMMENT ON FUNCTION app_private.ics_time(timestamptz) IS 'An iCalendar DATE-TIME in UTC (20261207T134500Z).';

CREATE OR REPLACE FUNCTION app_private.calendar_feed_hash(p_token text) RETURNS bytea
LANGUAGE sql IMMUTABLE
SET search_path = ''
AS $$
  SELECT public.digest(coalesce(p_token, ''), 'sha256')
$$;
COMMENT ON FUNCTION app_private.calendar_feed_hash(text) IS 'The SHA-256 of a calendar feed token, as stored.';

CREATE OR REPLACE FUNCTION app.issue_calendar_feed(scope text DEFAULT 'user', team_id uuid DEFAULT NULL, equipment_id uuid DEFAULT NULL)
RETURNS jsonb
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = ''
AS $$
DECLARE
  v_org uuid := auth.org_id();
  v_user uuid := auth.user_id();
  v_token text := pg_catalog.translate(pg_catalog.encode(public.gen_random_bytes(32), 'base64'), '+/=', '-_');
  v_id uuid := pg_catalog.gen_random_uuid();
  v_site uuid;
BEGIN
  IF v_org IS NULL OR v_user IS NULL OR auth.partner_id() IS NOT NULL THEN
    RAISE EXCEPTION 'calendar feeds are for staff' USING ERRCODE = 'PT403', DETAIL = 'permission.missing',
      HINT = 'Sign in as a member of your organization.';
  END IF;
  IF issue_calendar_feed.scope IS NULL OR issue_calendar_feed.scope NOT IN ('user', 'team', 'asset')
     OR (issue_calendar_feed.scope = 'team') <> (issue_calendar_feed.team_id IS NOT NULL)
     OR (issue_calendar_feed.scope = 'asset') <> (issue_calendar_feed.equipment_id IS NOT NULL) THEN
    PERFORM app_private.raise_invalid('calendar_feed.scope_invalid', 'scope is user, team (with team_id) or asset (with equipment_id)',
                                      'Send scope user; team and team_id; or asset and equipment_id.');
  END IF;
  IF issue_calendar_feed.scope = 'team' THEN
    SELECT t.site_id INTO v_site FROM app.maintenance_teams AS t WHERE t.organization_id = v_org AND t.id = issue_calendar_feed.team_id;
    IF NOT FOUND OR NOT (app_private.is_team_member(v_org, issue_calendar_feed.team_id, v_user, pg_catalog.now())
                         OR auth.has_permission('team.manage', v_site) OR auth.may_read_work_order(v_site, NULL)) THEN
      RAISE EXCEPTION 'team not found' USING ERRCODE = 'PT404', DETAIL = 'team.not_found', HINT = 'GET /maintenance_teams lists the teams.';
    END IF;
  ELSIF issue_calendar_feed.scope = 'asset' THEN
    SELECT e.site_id INTO v_site FROM app.equipment AS e WHERE e.organization_id = v_org AND e.id = issue_calendar_feed.equipment_id;
    IF NOT FOUND OR NOT auth.may_read_work_order(v_site, NULL) THEN
      RAISE EXCEPTION 'equipment not found' USING ERRCODE = 'PT404', DETAIL = 'equipment.not_found', HINT = 'GET /equipment lists the assets.';
    END IF;
  END IF;
  INSERT INTO app_private.calendar_feeds (organization_id, id, user_id, scope, team_id, equipment_id, token_hash)
  VALUES (v_org, v_id, v_user, issue_calendar_feed.scope, issue_calendar_feed.team_id, issue_calendar_feed.equipment_id,
          app_private.calendar_feed_hash(v_token));
  RETURN pg_catalog.jsonb_build_object('feed_id', v_id, 'token', v_token, 'path', '/rpc/calendar_ics?token=' || v_token);
END
$$;
COMMENT ON FUNCTION app.issue_calendar_feed(text, uuid, uuid) IS
  E'Issue a calendar feed\nA new ICS feed URL of your own (scope user: your work orders, your teams'' and your availability), of a team (scope team, team_id: you are a member or may read its plant''s work orders) or of an asset (scope asset, equipment_id). Returns {feed_id, token, path} (path: the URL to subscribe to, /rpc/calendar_ics?token=...): the token (256 random bits) is shown once, only its SHA-256 is kept. The feed shows what you may see when it is read. Revoke with app.revoke_calendar_feed.\nErrors: PT403 permission.missing, PT404 team.not_found / equipment.not_found, PT422 calendar_feed.scope_invalid.';

CREATE OR REPLACE FUNCTION app.revoke_calendar_feed(feed_id uuid) RETURNS boolean
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = ''
AS $$
BEGIN
  UPDATE app_private.calendar_feeds AS f SET revoked_at = pg_catalog.now()
   WHERE f.organization_id = auth.org_id() AND f.id = revoke_calendar_feed.feed_id AND f.user_id = auth.user_id() AND f.revoked_at IS NULL;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'calendar feed not found' USING ERRCODE = 'PT404', DETAIL = 'calendar_feed.not_found',
      HINT = 'app.my_calendar_feeds lists your feeds that still work.';
  END IF;
  RETURN true;
END
$$;
COMMENT ON FUNCTION app.revoke_calendar_feed(uuid) IS
  E'Revoke a calendar feed\nOne of your feeds stops working at once.\nErrors: PT404 calendar_feed.not_found (not yours, unknown or already revoked).';

CREATE OR REPLACE FUNCTION app.my_calendar_feeds()
RETURNS TABLE (feed_id uuid, scope text, team_id uuid, equipment_id uuid, created_at timestamptz, revoked_at timestamptz)
LANGUAGE sql STABLE SECURITY DEFINER
SET search_path = ''
AS $$
  SELECT f.id, f.scope, f.team_id, f.equipment_id, f.created_at, f.revoked_at
    FROM app_private.calendar_feeds AS f
   WHERE f.organization_id = auth.org_id() AND f.user_id = auth.user_id()
   ORDER BY f.created_at DESC
$$;
COMMENT ON FUNCTION app.my_calendar_feeds() IS
  E'My calendar feeds\nYour feeds in the active organization (never their tokens), newest first, revoked ones with their time.';

CREATE OR REPLACE FUNCTION app.calendar_feed(token text) RETURNS app."text/calendar"
LANGUAGE plpgsql STABLE SECURITY DEFINER
SET search_path = ''
AS $$
DECLARE
  v_feed app_private.calendar_feeds;
  v_claims text := pg_catalog.current_setting('request.jwt.claims', true);
  v_out text;
  v_name text;
  v_now text := app_private.ics_time(pg_catalog.now());
BEGIN
  SELECT f.* INTO v_feed
    FROM app_private.calendar_feeds AS f
    JOIN app.organizations AS o ON o.id = f.organization_id AND o.is_active AND o.deleted_at IS NULL
   WHERE f.token_hash = app_private.calendar_feed_hash(calendar_feed.token) AND f.revoked_at IS NULL
     AND app_private.is_active_staff(f.organization_id, f.user_id);
  IF NOT FOUND THEN
    RAISE EXCEPTION 'unknown or revoked calendar feed' USING ERRCODE = 'PT404', DETAIL = 'calendar_feed.token_unknown',
      HINT = 'The feed was revoked or its owner left; issue a new one (app.issue_calendar_feed) and subscribe again.';
  END IF;
  -- Read as the feed's owner, for this transaction only.
  PERFORM pg_catalog.set_config('request.jwt.claims',
    pg_catalog.jsonb_build_object('sub', v_feed.user_id, 'org_id', v_feed.organization_id, 'role', 'app_user')::text, true);
  v_name := CASE v_feed.scope
              WHEN 'team' THEN (SELECT t.name FROM app.maintenance_teams AS t WHERE t.organization_id = v_feed.organization_id AND t.id = v_feed.team_id)
              WHEN 'asset' THEN (SELECT e.name FROM app.equipment AS e WHERE e.organization_id = v_feed.organization_id AND e.id = v_feed.equipment_id)
              ELSE 'My maintenance work' END;
  SELECT app_private.ics_line('BEGIN:VCALENDAR') || app_private.ics_line('VERSION:2.0')
         || app_private.ics_line('PRODID:-//Pulse//Maintenance calendar//EN') || app_private.ics_line('CALSCALE:GREGORIAN')
         || app_private.ics_line('METHOD:PUBLISH') || app_private.ics_line('X-WR-CALNAME:' || app_private.ics_text(v_name))
         || coalesce(pg_catalog.string_agg(
              app_private.ics_line('BEGIN:VEVENT')
              || app_private.ics_line('UID:' || e.uid || '@pulse')
              || app_private.ics_line('DTSTAMP:' || v_now)
              || app_private.ics_line('DTSTART:' || app_private.ics_time(e.starts_at))
              || app_private.ics_line('DTEND:' || app_private.ics_time(e.ends_at))
              || app_private.ics_line('SUMMARY:' || app_private.ics_text(e.title))
              || CASE WHEN coalesce(e.description, '') <> '' THEN app_private.ics_line('DESCRIPTION:' || app_private.ics_text(e.description)) ELSE '' END
              || app_private.ics_line('CATEGORIES:' || app_private.ics_text(e.kind))
              || CASE WHEN e.kind = 'work_order' AND e.status = 'on_hold' THEN app_private.ics_line('STATUS:TENTATIVE') ELSE '' END
              || CASE WHEN e.kind = 'absent' THEN app_private.ics_line('TRANSP:OPAQUE') ELSE '' END
              || app_private.ics_line('END:VEVENT'), '' ORDER BY e.starts_at, e.uid), '')
         || app_private.ics_line('END:VCALENDAR')
    INTO v_out
    FROM app.maintenance_calendar(pg_catalog.now() - interval '30 days', pg_catalog.now() + interval '180 days',
                                  v_feed.team_id, v_feed.equipment_id, CASE WHEN v_feed.scope = 'user' THEN v_feed.user_id END) AS e;
  PERFORM pg_catalog.set_config('request.jwt.claims', coalesce(v_claims, ''), true);
  PERFORM pg_catalog.set_config('response.headers',
    '[{"Content-Disposition": "inline; filename=\"maintenance.ics\""}, {"Cache-Control": "private, max-age=300"}]', true);
  RETURN v_out;
END
$$;
COMMENT ON FUNCTION app.calendar_feed(text) IS
  E'Calendar feed (ICS)\nThe iCalendar (RFC 5545, text/calendar) of a feed token from app.issue_calendar_feed, for calendar apps (no sign-in: the token is the credential): events from 30 days ago to 180 days ahead as the feed''s owner may see them now; a work order on hold is STATUS:TENTATIVE with the hold''s reason. GET /rpc/calendar_feed?token=...\nErrors: PT404 calendar_feed.token_unknown (unknown or revoked token, or its owner no longer a member).';

CREATE OR REPLACE FUNCTION app.calendar_ics(token text) RETURNS app."*/*"
LANGUAGE plpgsql STABLE
SET search_path = ''
AS $$
DECLARE
  v_ics text := app.calendar_feed(calendar_ics.token);
BEGIN
  PERFORM pg_catalog.set_config('response.headers',
    '[{"Content-Type": "text/calendar; charset=utf-8"}, {"Content-Disposition": "inline; filename=\"maintenance.ics\""}, {"Cache-Control": "private, max-age=300"}]', true);
  RETURN pg_catalog.convert_to(v_ics, 'UTF8');
END
$$;
COMMENT ON FUNCTION app.calendar_ics(text) IS
  E'Calendar feed for calendar apps (ICS)\nThe same iCalendar as calendar_feed, answered as text/calendar whatever the Accept header (calendar apps send */*): the URL to subscribe to, GET /rpc/calendar_ics?token=...\nErrors: PT404 calendar_feed.token_unknown.';
