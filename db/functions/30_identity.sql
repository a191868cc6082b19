-- Sign-in, sessions and passwords. Wrong passwords and unknown emails get
-- the same answer, and failures are counted per email whether or not it
-- exists, so neither the answer nor the lockout tells which emails exist.

CREATE OR REPLACE FUNCTION app_private.check_password_strength(p_password text) RETURNS void
LANGUAGE plpgsql IMMUTABLE
AS $$
BEGIN
  IF length(coalesce(p_password, '')) < 10 THEN
    RAISE EXCEPTION 'the password is too short' USING ERRCODE = 'PT422', HINT = 'Use at least 10 characters.';
  END IF;
END
$$;

COMMENT ON FUNCTION app_private.check_password_strength(text) IS 'Refuses passwords shorter than 10 characters (PT422).';

CREATE OR REPLACE FUNCTION app_private.store_password(p_user_id uuid, p_password text) RETURNS void
LANGUAGE sql VOLATILE
SET search_path = ''
AS $$
  SELECT app_private.check_password_strength(p_password);
  INSERT INTO app_private.credentials (user_id, password_hash)
  VALUES (p_user_id, public.crypt(p_password, public.gen_salt('bf', 10)))
  ON CONFLICT (user_id) DO UPDATE SET password_hash = excluded.password_hash, password_changed_at = pg_catalog.now();
  INSERT INTO audit.activity_log (actor_user_id, actor_role, entity_type, entity_id, action, new_values)
  VALUES (nullif(auth.claims() ->> 'sub', '')::uuid, coalesce(auth.claims() ->> 'role', session_user::text),
          'users', p_user_id::text, 'update', '{"password": "changed"}');
$$;

COMMENT ON FUNCTION app_private.store_password(uuid, text) IS
  'Stores a bcrypt hash (cost 10) of the password and records that it changed (never the hash) in the activity log.';

CREATE OR REPLACE FUNCTION app_private.record_sign_in_failure(p_email text) RETURNS void
LANGUAGE sql VOLATILE
SET search_path = ''
AS $$
  -- 5 failures within 15 minutes lock the email for 15 minutes.
  INSERT INTO app_private.sign_in_failures AS f (email, failed_count, first_failed_at)
  VALUES (p_email::public.citext, 1, pg_catalog.now())
  ON CONFLICT (email) DO UPDATE
    SET failed_count = CASE WHEN f.first_failed_at < pg_catalog.now() - interval '15 minutes' THEN 1
                            ELSE f.failed_count + 1 END,
        first_failed_at = CASE WHEN f.first_failed_at < pg_catalog.now() - interval '15 minutes' THEN pg_catalog.now()
                               ELSE f.first_failed_at END,
        locked_until = CASE WHEN f.first_failed_at >= pg_catalog.now() - interval '15 minutes' AND f.failed_count + 1 >= 5
                            THEN pg_catalog.now() + interval '15 minutes' END;
$$;

COMMENT ON FUNCTION app_private.record_sign_in_failure(text) IS 'Counts a failed sign-in for an email; the fifth within 15 minutes locks it for 15 minutes.';

CREATE OR REPLACE FUNCTION app_private.lock_sign_in(p_email text) RETURNS timestamptz
LANGUAGE sql VOLATILE
SET search_path = ''
AS $$
  -- Takes the email's row lock for the rest of the transaction, so attempts
  -- on one email run one after the other and none slips past the lockout.
  INSERT INTO app_private.sign_in_failures AS f (email) VALUES (p_email::public.citext)
  ON CONFLICT (email) DO UPDATE SET email = excluded.email
  RETURNING f.locked_until;
$$;

COMMENT ON FUNCTION app_private.lock_sign_in(text) IS 'Serializes sign-in attempts per email; returns until when the email is locked.';

CREATE OR REPLACE FUNCTION app_private.refuse_locked(p_locked_until timestamptz) RETURNS void
LANGUAGE plpgsql STABLE
AS $$
BEGIN
  IF p_locked_until > pg_catalog.now() THEN
    RAISE EXCEPTION 'too many failed sign-in attempts' USING ERRCODE = 'PT429',
      HINT = format('Try again after %s UTC.', pg_catalog.to_char(p_locked_until AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI'));
  END IF;
END
$$;

COMMENT ON FUNCTION app_private.refuse_locked(timestamptz) IS 'Raises PT429 while an email is locked.';

CREATE OR REPLACE FUNCTION app_private.end_sessions(p_user_id uuid, p_except_session_id uuid DEFAULT NULL)
RETURNS void
LANGUAGE sql VOLATILE
SET search_path = ''
AS $$
  UPDATE app.sessions SET revoked_at = pg_catalog.now()
   WHERE user_id = p_user_id AND revoked_at IS NULL AND id IS DISTINCT FROM p_except_session_id;
$$;

COMMENT ON FUNCTION app_private.end_sessions(uuid, uuid) IS 'Ends every open session of a user, except one when given.';

CREATE OR REPLACE FUNCTION app_private.refuse_grant(p_description text) RETURNS void
LANGUAGE sql VOLATILE
AS $$
  -- For refusals that must not roll back what they recorded: the function
  -- returns normally and PostgREST answers 401 with these headers.
  SELECT pg_catalog.set_config('response.status', '401', true);
  SELECT pg_catalog.set_config('response.headers',
    pg_catalog.json_build_array(pg_catalog.json_build_object('WWW-Authenticate',
      format('Bearer error="invalid_grant", error_description="%s"', p_description)))::text, true);
$$;

COMMENT ON FUNCTION app_private.refuse_grant(text) IS
  'Marks the response 401 (WWW-Authenticate: Bearer error="invalid_grant") without raising, so the caller''s bookkeeping commits.';

CREATE OR REPLACE FUNCTION app_private.default_organization(p_user app.users) RETURNS uuid
LANGUAGE sql STABLE
SET search_path = ''
AS $$
  SELECT m.organization_id
    FROM app.memberships AS m
    JOIN app.organizations AS o ON o.id = m.organization_id
   WHERE m.user_id = p_user.id AND m.status = 'active' AND o.is_active AND o.deleted_at IS NULL
   ORDER BY m.created_at, m.organization_id
   LIMIT 1
$$;

COMMENT ON FUNCTION app_private.default_organization(app.users) IS 'The tenant a sign-in lands in: the user''s oldest active membership.';

CREATE OR REPLACE FUNCTION app_private.require_membership(p_user app.users, p_organization_id uuid) RETURNS void
LANGUAGE plpgsql STABLE
SET search_path = ''
AS $$
BEGIN
  IF p_user.is_platform_operator AND EXISTS (
       SELECT FROM app.organizations WHERE id = p_organization_id AND deleted_at IS NULL) THEN
    RETURN;
  END IF;
  IF NOT EXISTS (
    SELECT FROM app.memberships AS m
      JOIN app.organizations AS o ON o.id = m.organization_id
     WHERE m.user_id = p_user.id AND m.organization_id = p_organization_id AND m.status = 'active'
       AND o.is_active AND o.deleted_at IS NULL
  ) THEN
    RAISE EXCEPTION '% is not an active member of organization %', p_user.email, p_organization_id
      USING ERRCODE = 'PT403', HINT = 'List your organizations with GET /memberships.';
  END IF;
END
$$;

COMMENT ON FUNCTION app_private.require_membership(app.users, uuid) IS 'Raises PT403 unless the user may act in the tenant.';

CREATE OR REPLACE FUNCTION app.login(email text, password text, organization_id uuid DEFAULT NULL)
RETURNS app.session_tokens
LANGUAGE plpgsql VOLATILE
SECURITY DEFINER
SET search_path = ''
AS $$
DECLARE
  v_user app.users;
  v_hash text;
  v_organization_id uuid;
BEGIN
  PERFORM app_private.refuse_locked(app_private.lock_sign_in(login.email));

  SELECT u.* INTO v_user FROM app.users AS u WHERE u.email = login.email::public.citext;
  SELECT c.password_hash INTO v_hash FROM app_private.credentials AS c WHERE c.user_id = v_user.id;
  -- Unknown emails pay for a bcrypt comparison too, so timing tells nothing either.
  IF public.crypt(coalesce(login.password, ''), coalesce(v_hash, public.gen_salt('bf', 10))) IS DISTINCT FROM v_hash THEN
    PERFORM app_private.record_sign_in_failure(login.email);
    -- Returning (rather than raising) keeps the failure counted.
    PERFORM app_private.refuse_grant('invalid email or password');
    RETURN NULL;
  END IF;

  DELETE FROM app_private.sign_in_failures AS f WHERE f.email = login.email::public.citext;
  IF v_user.status IN ('suspended', 'disabled') THEN
    RAISE EXCEPTION 'user % is %', v_user.email, v_user.status
      USING ERRCODE = 'PT403', HINT = 'Ask a platform operator to reinstate the account.';
  END IF;

  v_organization_id := coalesce(login.organization_id, app_private.default_organization(v_user));
  IF v_organization_id IS NOT NULL THEN
    PERFORM app_private.require_membership(v_user, v_organization_id);
  ELSIF NOT v_user.is_platform_operator AND NOT EXISTS (
      SELECT FROM app.memberships AS m WHERE m.user_id = v_user.id AND m.status = 'invited') THEN
    RAISE EXCEPTION '% has no active membership', v_user.email
      USING ERRCODE = 'PT403', HINT = 'Ask an administrator of your organization to add you.';
  END IF;

  UPDATE app.users AS u SET last_sign_in_at = pg_catalog.now(),
         status = CASE WHEN u.status = 'invited' THEN 'active'::app.user_status ELSE u.status END
   WHERE u.id = v_user.id
  RETURNING * INTO v_user;
  RETURN app_private.open_session_tokens(v_user, v_organization_id);
END
$$;

COMMENT ON FUNCTION app.login(text, text, uuid) IS
  'Signs in with email and password; returns an access token (JWT) and a refresh token, acting in organization_id or the user''s oldest membership (in none, for a user whose only memberships await app.accept_membership). A wrong password and an unknown email get the same answer: HTTP 401 from PostgREST, null from GraphQL. Five failures within 15 minutes lock the email for 15 minutes (PT429). Errors: PT403 suspended or not a member, PT429 locked.';

CREATE OR REPLACE FUNCTION app.refresh(refresh_token text) RETURNS app.session_tokens
LANGUAGE plpgsql VOLATILE
SECURITY DEFINER
SET search_path = ''
AS $$
DECLARE
  v_hash bytea := public.digest(coalesce(refresh.refresh_token, ''), 'sha256');
  v_session app.sessions;
  v_user app.users;
BEGIN
  SELECT s.* INTO v_session FROM app.sessions AS s WHERE s.refresh_token_hash = v_hash FOR UPDATE;
  IF NOT FOUND THEN
    -- A refresh token already traded in, presented again: someone kept a
    -- copy. End the session; returning (not raising) keeps that done.
    UPDATE app.sessions AS s SET revoked_at = pg_catalog.now()
     WHERE s.previous_refresh_token_hash = v_hash AND s.revoked_at IS NULL;
    IF FOUND THEN
      PERFORM app_private.refuse_grant('refresh token reused; the session has ended');
      RETURN NULL;
    END IF;
  END IF;
  IF v_session.id IS NULL OR v_session.revoked_at IS NOT NULL OR v_session.expires_at <= pg_catalog.now() THEN
    RAISE EXCEPTION 'the refresh token is invalid or expired' USING ERRCODE = 'PT401',
      HINT = 'Refresh tokens work once; sign in again with app.login.';
  END IF;
  SELECT u.* INTO v_user FROM app.users AS u WHERE u.id = v_session.user_id;
  IF v_user.status NOT IN ('active', 'invited') THEN
    RAISE EXCEPTION 'user % is %', v_user.email, v_user.status USING ERRCODE = 'PT403';
  END IF;
  IF v_session.organization_id IS NOT NULL THEN
    PERFORM app_private.require_membership(v_user, v_session.organization_id);
  END IF;
  RETURN app_private.open_session_tokens(v_user, v_session.organization_id, v_session.id);
END
$$;

COMMENT ON FUNCTION app.refresh(text) IS
  'Trades a refresh token for a new access token and a new refresh token; the old one stops working. Presenting an old one again ends the session (HTTP 401, null from GraphQL): it was copied. Errors: PT401 invalid or expired, PT403 suspended or no longer a member.';

CREATE OR REPLACE FUNCTION app.logout() RETURNS boolean
LANGUAGE plpgsql VOLATILE
SECURITY DEFINER
SET search_path = ''
AS $$
DECLARE
  v_session_id uuid := nullif(auth.claims() ->> 'session_id', '')::uuid;
BEGIN
  IF auth.user_id() IS NULL THEN
    RAISE EXCEPTION 'not signed in' USING ERRCODE = 'PT401';
  END IF;
  UPDATE app.sessions AS s SET revoked_at = pg_catalog.now()
   WHERE s.id = v_session_id AND s.user_id = auth.user_id() AND s.revoked_at IS NULL;
  RETURN FOUND;
END
$$;

COMMENT ON FUNCTION app.logout() IS
  'Ends the session of the calling token: its access token is refused from the next request on and its refresh token stops working. False when the token has no session (minted by `pulse jwt mint`).';

CREATE OR REPLACE FUNCTION app.switch_organization(organization_id uuid) RETURNS app.session_tokens
LANGUAGE plpgsql VOLATILE
SECURITY DEFINER
SET search_path = ''
AS $$
DECLARE
  v_user app.users;
  v_session_id uuid := nullif(auth.claims() ->> 'session_id', '')::uuid;
BEGIN
  SELECT u.* INTO v_user FROM app.users AS u WHERE u.id = auth.user_id();
  IF NOT FOUND THEN
    RAISE EXCEPTION 'not signed in' USING ERRCODE = 'PT401';
  END IF;
  PERFORM app_private.require_membership(v_user, switch_organization.organization_id);
  IF NOT EXISTS (SELECT FROM app.sessions WHERE id = v_session_id AND user_id = v_user.id) THEN
    v_session_id := NULL;
  END IF;
  RETURN app_private.open_session_tokens(v_user, switch_organization.organization_id, v_session_id);
END
$$;

COMMENT ON FUNCTION app.switch_organization(uuid) IS
  'For users in several tenants: new tokens acting in another organization the caller is an active member of. Errors: PT401, PT403.';

CREATE OR REPLACE FUNCTION app.change_password(current_password text, new_password text) RETURNS boolean
LANGUAGE plpgsql VOLATILE
SECURITY DEFINER
SET search_path = ''
AS $$
DECLARE
  v_user app.users;
  v_hash text;
BEGIN
  SELECT u.* INTO v_user FROM app.users AS u WHERE u.id = auth.user_id();
  IF NOT FOUND THEN
    RAISE EXCEPTION 'not signed in' USING ERRCODE = 'PT401';
  END IF;
  -- The current password is guessed no faster here than at sign-in.
  PERFORM app_private.refuse_locked(app_private.lock_sign_in(v_user.email));
  SELECT c.password_hash INTO v_hash FROM app_private.credentials AS c WHERE c.user_id = v_user.id;
  IF v_hash IS NULL OR public.crypt(coalesce(current_password, ''), v_hash) <> v_hash THEN
    PERFORM app_private.record_sign_in_failure(v_user.email);
    PERFORM pg_catalog.set_config('response.status', '403', true);
    RETURN false;
  END IF;
  DELETE FROM app_private.sign_in_failures AS f WHERE f.email = v_user.email;
  PERFORM app_private.store_password(v_user.id, new_password);
  -- Every other session ends: whoever knew the old password is signed out.
  PERFORM app_private.end_sessions(v_user.id, nullif(auth.claims() ->> 'session_id', '')::uuid);
  RETURN true;
END
$$;

COMMENT ON FUNCTION app.change_password(text, text) IS
  'Changes the caller''s password and ends their other sessions. A wrong current password returns false (HTTP 403) and counts towards the sign-in lockout. Errors: PT401, PT422 too short, PT429 locked.';

CREATE OR REPLACE FUNCTION app.set_user_password(user_id uuid, new_password text) RETURNS boolean
LANGUAGE plpgsql VOLATILE
SECURITY DEFINER
SET search_path = ''
AS $$
BEGIN
  PERFORM app_private.require_platform_operator();
  IF NOT EXISTS (SELECT FROM app.users AS u WHERE u.id = set_user_password.user_id) THEN
    RAISE EXCEPTION 'user % does not exist', set_user_password.user_id USING ERRCODE = 'PT404';
  END IF;
  PERFORM app_private.store_password(set_user_password.user_id, new_password);
  PERFORM app_private.end_sessions(set_user_password.user_id);
  RETURN true;
END
$$;

COMMENT ON FUNCTION app.set_user_password(uuid, text) IS
  'Sets a user''s password and ends their sessions (platform operators only). Errors: PT403, PT404, PT422.';

CREATE OR REPLACE FUNCTION app_private.tg_users__end_sessions() RETURNS trigger
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = ''
AS $$
BEGIN
  IF NEW.status IN ('suspended', 'disabled') THEN
    PERFORM app_private.end_sessions(NEW.id);
  END IF;
  RETURN NULL;
END
$$;

COMMENT ON FUNCTION app_private.tg_users__end_sessions() IS 'AFTER UPDATE OF status: a suspended or disabled user''s sessions end.';

CREATE OR REPLACE TRIGGER _100_touch_updated_at BEFORE UPDATE ON app.users
  FOR EACH ROW EXECUTE FUNCTION app_private.tg__touch_updated_at();
CREATE OR REPLACE TRIGGER _500_end_sessions AFTER UPDATE OF status ON app.users
  FOR EACH ROW WHEN (NEW.status IS DISTINCT FROM OLD.status) EXECUTE FUNCTION app_private.tg_users__end_sessions();
CREATE OR REPLACE TRIGGER _100_touch_updated_at BEFORE UPDATE ON app.memberships
  FOR EACH ROW EXECUTE FUNCTION app_private.tg__touch_updated_at();

CREATE OR REPLACE FUNCTION app.add_member(
  email text,
  display_name text,
  password text DEFAULT NULL,
  role_keys text[] DEFAULT '{}',
  site_id uuid DEFAULT NULL,
  partner_id uuid DEFAULT NULL
) RETURNS app.memberships
LANGUAGE plpgsql VOLATILE
SECURITY DEFINER
SET search_path = ''
AS $$
DECLARE
  v_organization_id uuid := auth.org_id();
  v_user app.users;
  v_membership app.memberships;
  v_role_key text;
  v_new_user boolean := false;
BEGIN
  PERFORM app_private.require_permission('membership.manage');
  IF v_organization_id IS NULL THEN
    RAISE EXCEPTION 'the token names no organization' USING ERRCODE = 'PT400';
  END IF;

  SELECT u.* INTO v_user FROM app.users AS u WHERE u.email = add_member.email::public.citext;
  IF FOUND THEN
    -- An existing account belongs to its owner: nobody sets its password,
    -- and it joins only once its owner accepts (app.accept_membership).
    IF add_member.password IS NOT NULL THEN
      RAISE EXCEPTION 'user % already exists and keeps their own password', add_member.email
        USING ERRCODE = 'PT409', HINT = 'Add them without a password; they accept with app.accept_membership.';
    END IF;
  ELSE
    INSERT INTO app.users (email, display_name, status)
    VALUES (add_member.email, add_member.display_name,
            CASE WHEN add_member.password IS NULL THEN 'invited' ELSE 'active' END::app.user_status)
    RETURNING * INTO v_user;
    v_new_user := true;
    IF add_member.password IS NOT NULL THEN
      PERFORM app_private.store_password(v_user.id, add_member.password);
    END IF;
  END IF;

  SELECT m.* INTO v_membership FROM app.memberships AS m
   WHERE m.organization_id = v_organization_id AND m.user_id = v_user.id;
  IF FOUND AND v_membership.partner_id IS DISTINCT FROM add_member.partner_id AND add_member.partner_id IS NOT NULL THEN
    RAISE EXCEPTION '% is already a member bound to another partner', add_member.email USING ERRCODE = 'PT409';
  ELSIF NOT FOUND THEN
    INSERT INTO app.memberships (organization_id, user_id, partner_id, status)
    VALUES (v_organization_id, v_user.id, add_member.partner_id,
            CASE WHEN v_new_user OR auth.is_platform_operator() THEN 'active' ELSE 'invited' END::app.membership_status)
    RETURNING * INTO v_membership;
  END IF;

  FOREACH v_role_key IN ARRAY coalesce(add_member.role_keys, '{}') LOOP
    PERFORM app.grant_role(v_membership.id, v_role_key, add_member.site_id);
  END LOOP;
  RETURN v_membership;
EXCEPTION WHEN foreign_key_violation THEN
  RAISE EXCEPTION 'partner % does not exist in this organization', add_member.partner_id USING ERRCODE = 'PT404';
END
$$;

COMMENT ON FUNCTION app.add_member(text, text, text, text[], uuid, uuid) IS
  'Adds a person to the caller''s tenant and grants role_keys (at site_id when given); partner_id makes them a portal user of that partner. A new email creates the user (with a password they can sign in at once). An existing user is invited: the membership waits until they accept with app.accept_membership, and their password is theirs alone (PT409 if one is given). Needs membership.manage, and app.grant_role''s rules for each role. Errors: PT400, PT403, PT404, PT409, PT422.';

CREATE OR REPLACE FUNCTION app.set_direct_manager(user_id uuid, manager_id uuid) RETURNS app.users
LANGUAGE plpgsql VOLATILE
SECURITY DEFINER
SET search_path = ''
AS $$
DECLARE
  v_user app.users;
  v_members_named integer;
BEGIN
  PERFORM app_private.require_permission('membership.manage');
  SELECT count(*) INTO v_members_named FROM app.memberships AS m
   WHERE m.organization_id = auth.org_id() AND m.status = 'active'
     AND m.user_id IN (set_direct_manager.user_id, set_direct_manager.manager_id);
  IF v_members_named < 1 + (set_direct_manager.manager_id IS NOT NULL)::integer THEN
    RAISE EXCEPTION 'the user and the manager must both be active members of this organization' USING ERRCODE = 'PT404';
  END IF;
  -- The manager is a property of the (global) user: a tenant may set it only
  -- for people who belong to no other tenant.
  IF EXISTS (SELECT FROM app.memberships AS m
              WHERE m.user_id = set_direct_manager.user_id AND m.organization_id <> auth.org_id()
                AND m.status <> 'revoked') AND NOT auth.is_platform_operator() THEN
    RAISE EXCEPTION 'the user also belongs to another organization' USING ERRCODE = 'PT409',
      HINT = 'Ask a platform operator to set their manager.';
  END IF;
  UPDATE app.users AS u SET direct_manager_id = set_direct_manager.manager_id
   WHERE u.id = set_direct_manager.user_id
  RETURNING * INTO v_user;
  RETURN v_user;
END
$$;

COMMENT ON FUNCTION app.set_direct_manager(uuid, uuid) IS
  'Sets (or clears, with manager_id null) the direct manager of a member; both must be active members of the caller''s tenant, and the member may belong to no other tenant. Needs membership.manage. Errors: PT403, PT404, PT409, 23514 own manager.';

CREATE OR REPLACE FUNCTION app.accept_membership(organization_id uuid) RETURNS app.memberships
LANGUAGE plpgsql VOLATILE
SECURITY DEFINER
SET search_path = ''
AS $$
DECLARE
  v_membership app.memberships;
BEGIN
  UPDATE app.memberships AS m SET status = 'active'
   WHERE m.organization_id = accept_membership.organization_id AND m.user_id = auth.user_id()
     AND m.status = 'invited'
  RETURNING * INTO v_membership;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'no invitation to organization % is waiting for you', accept_membership.organization_id
      USING ERRCODE = 'PT404';
  END IF;
  RETURN v_membership;
END
$$;

COMMENT ON FUNCTION app.accept_membership(uuid) IS
  'Accepts an invitation to a tenant (see app.add_member); then app.switch_organization acts in it. Errors: PT401, PT404 no invitation.';

CREATE OR REPLACE FUNCTION app.current_user_profile() RETURNS app.users
LANGUAGE sql STABLE SECURITY DEFINER
SET search_path = ''
AS $$
  SELECT u.* FROM app.users AS u WHERE u.id = auth.user_id()
$$;

COMMENT ON FUNCTION app.current_user_profile() IS
  'The signed-in user''s own row: GET /rpc/current_user_profile.';
