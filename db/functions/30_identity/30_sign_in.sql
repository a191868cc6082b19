-- Sign-in, sessions and passwords. Wrong passwords and unknown emails get
-- the same answer, and failures are counted per email whether or not it
-- exists, so neither the answer nor the lockout tells which emails exist.

-- Retired signature: refuse_grant now returns the refusal row (error in the body).
DROP FUNCTION IF EXISTS app_private.refuse_grant(text);

CREATE OR REPLACE FUNCTION app_private.check_password_strength(p_password text) RETURNS void
LANGUAGE plpgsql IMMUTABLE
AS $$
BEGIN
  IF length(coalesce(p_password, '')) < 10 THEN
    RAISE EXCEPTION 'the password is too short' USING ERRCODE = 'PT422', DETAIL = 'password.too_short', HINT = 'Use at least 10 characters.';
  END IF;
END
$$;

COMMENT ON FUNCTION app_private.check_password_strength(text) IS 'Refuses passwords shorter than 10 characters (PT422, reason password.too_short).';

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

CREATE OR REPLACE FUNCTION app_private.sign_in_client() RETURNS text
LANGUAGE sql STABLE
SET search_path = ''
AS $$
  -- An IPv6 client owns at least a /64, so it counts as one address.
  SELECT coalesce(CASE WHEN pg_catalog.family(a) = 6 THEN pg_catalog.network(pg_catalog.set_masklen(a, 64))::text
                       ELSE pg_catalog.host(a) END, 'unknown')
    FROM (SELECT app_private.client_address() AS a) AS request
$$;

COMMENT ON FUNCTION app_private.sign_in_client() IS
  'The client a sign-in attempt is counted against: its address (right-most X-Forwarded-For; IPv6 by /64), ''unknown'' outside an API request.';

CREATE OR REPLACE FUNCTION app_private.record_sign_in_failure(p_email text) RETURNS void
LANGUAGE sql VOLATILE
SET search_path = ''
AS $$
  -- Per email and client: from the fifth failure on, each failure locks the
  -- pair for 1, 2, 4, ... minutes (at most an hour); a day without a failure
  -- starts the count over. Other clients are not affected.
  INSERT INTO app_private.sign_in_throttle AS t (email, client, failed_count, last_failed_at)
  VALUES (p_email::public.citext, app_private.sign_in_client(), 1, pg_catalog.now())
  ON CONFLICT (email, client) DO UPDATE
    SET failed_count = CASE WHEN t.last_failed_at < pg_catalog.now() - interval '1 day' THEN 1 ELSE t.failed_count + 1 END,
        last_failed_at = pg_catalog.now(),
        locked_until = CASE WHEN t.last_failed_at >= pg_catalog.now() - interval '1 day' AND t.failed_count + 1 >= 5
                            THEN pg_catalog.now() + interval '1 minute' * (2.0::float8 ^ least(t.failed_count + 1 - 5, 6)) END;
  -- Per email, whatever the client: 100 failures within an hour lock it for
  -- an hour, so guessing stays bounded even from many addresses.
  INSERT INTO app_private.sign_in_failures AS f (email, failed_count, first_failed_at)
  VALUES (p_email::public.citext, 1, pg_catalog.now())
  ON CONFLICT (email) DO UPDATE
    SET failed_count = CASE WHEN f.first_failed_at < pg_catalog.now() - interval '1 hour' THEN 1
                            ELSE f.failed_count + 1 END,
        first_failed_at = CASE WHEN f.first_failed_at < pg_catalog.now() - interval '1 hour' THEN pg_catalog.now()
                               ELSE f.first_failed_at END,
        locked_until = CASE WHEN f.first_failed_at >= pg_catalog.now() - interval '1 hour' AND f.failed_count + 1 >= 100
                            THEN pg_catalog.now() + interval '1 hour' ELSE f.locked_until END;
$$;

COMMENT ON FUNCTION app_private.record_sign_in_failure(text) IS
  'Counts a failed password check (sign-in, password change, e-signature) for an email from the calling client: the client backs off from the fifth failure (1, 2, 4, ... minutes, at most an hour); 100 failures within an hour from anywhere lock the email for an hour.';

CREATE OR REPLACE FUNCTION app_private.lock_sign_in(p_email text) RETURNS timestamptz
LANGUAGE plpgsql VOLATILE
SET search_path = ''
AS $$
DECLARE
  v_email_locked_until timestamptz;
  v_client_locked_until timestamptz;
BEGIN
  -- Takes the email's row lock for the rest of the transaction, so attempts
  -- on one email run one after the other and none slips past the lockout.
  INSERT INTO app_private.sign_in_failures AS f (email) VALUES (p_email::public.citext)
  ON CONFLICT (email) DO UPDATE SET email = excluded.email
  RETURNING f.locked_until INTO v_email_locked_until;
  -- A statement of its own, so it sees what the attempt we waited for wrote.
  SELECT t.locked_until INTO v_client_locked_until FROM app_private.sign_in_throttle AS t
   WHERE t.email = p_email::public.citext AND t.client = app_private.sign_in_client();
  RETURN greatest(v_email_locked_until, v_client_locked_until);
END
$$;

COMMENT ON FUNCTION app_private.lock_sign_in(text) IS
  'Serializes password checks per email; returns until when the email is locked for the calling client (its own back-off or the email-wide cap).';

CREATE OR REPLACE FUNCTION app_private.clear_sign_in_failures(p_email text) RETURNS void
LANGUAGE sql VOLATILE
SET search_path = ''
AS $$
  -- The email-wide count stays: it bounds guessing whoever signs in meanwhile.
  DELETE FROM app_private.sign_in_throttle AS t
   WHERE t.email = p_email::public.citext AND t.client = app_private.sign_in_client();
$$;

COMMENT ON FUNCTION app_private.clear_sign_in_failures(text) IS 'After a right password: the calling client''s back-off for the email starts over.';

CREATE OR REPLACE FUNCTION app_private.refuse_locked(p_locked_until timestamptz) RETURNS void
LANGUAGE plpgsql STABLE
AS $$
BEGIN
  IF p_locked_until > pg_catalog.now() THEN
    RAISE EXCEPTION 'too many failed sign-in attempts' USING ERRCODE = 'PT429', DETAIL = 'sign_in.locked',
      HINT = format('Try again after %s UTC.', pg_catalog.to_char(p_locked_until AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS'));
  END IF;
END
$$;

COMMENT ON FUNCTION app_private.refuse_locked(timestamptz) IS 'Raises PT429 (sign_in.locked) while an email is locked for the caller.';

CREATE OR REPLACE FUNCTION app_private.purge_sign_in_failures() RETURNS text
LANGUAGE plpgsql VOLATILE
SET search_path = ''
AS $$
DECLARE
  v_emails integer;
  v_clients integer;
BEGIN
  -- Every email ever tried leaves a row; once nothing counts any more it goes.
  DELETE FROM app_private.sign_in_failures AS f
   WHERE f.first_failed_at < pg_catalog.now() - interval '1 day'
     AND (f.locked_until IS NULL OR f.locked_until < pg_catalog.now());
  GET DIAGNOSTICS v_emails = ROW_COUNT;
  DELETE FROM app_private.sign_in_throttle AS t
   WHERE t.last_failed_at < pg_catalog.now() - interval '1 day'
     AND (t.locked_until IS NULL OR t.locked_until < pg_catalog.now());
  GET DIAGNOSTICS v_clients = ROW_COUNT;
  RETURN format('%s email rows, %s client rows purged', v_emails, v_clients);
END
$$;

COMMENT ON FUNCTION app_private.purge_sign_in_failures() IS
  'Scheduled job: deletes sign-in failure counts older than a day that no longer lock anything (an unknown email tried once leaves no row for good).';

CREATE OR REPLACE FUNCTION app_private.end_sessions(p_user_id uuid, p_except_session_id uuid DEFAULT NULL)
RETURNS void
LANGUAGE sql VOLATILE
SET search_path = ''
AS $$
  UPDATE app.sessions SET revoked_at = pg_catalog.now()
   WHERE user_id = p_user_id AND revoked_at IS NULL AND id IS DISTINCT FROM p_except_session_id;
$$;

COMMENT ON FUNCTION app_private.end_sessions(uuid, uuid) IS 'Ends every open session of a user, except one when given.';

CREATE OR REPLACE FUNCTION app_private.refuse_grant(p_message text, p_reason text, p_hint text)
RETURNS app.session_tokens
LANGUAGE sql VOLATILE
SET search_path = ''
AS $$
  -- For refusals that must not roll back what they recorded: the caller
  -- returns this row instead of raising. PostgREST answers 401 with it as the
  -- body, the same fields as a raised error's; config/graphile/errors.mjs
  -- (RefusalPlugin) turns it into a GraphQL error.
  SELECT pg_catalog.set_config('response.status', '401', true);
  SELECT pg_catalog.set_config('response.headers',
    pg_catalog.json_build_array(pg_catalog.json_build_object('WWW-Authenticate',
      pg_catalog.format('Bearer error="invalid_grant", error_description="%s"', p_message)))::text, true);
  SELECT pg_catalog.jsonb_populate_record(NULL::app.session_tokens, pg_catalog.jsonb_build_object(
    'code', 'PT401', 'message', p_message, 'details', p_reason, 'hint', p_hint));
$$;

COMMENT ON FUNCTION app_private.refuse_grant(text, text, text) IS
  'A refused grant that still commits: marks the response 401 (WWW-Authenticate: Bearer error="invalid_grant") and returns the session_tokens row carrying code PT401, message, details (reason) and hint, which becomes the error body.';

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
      USING ERRCODE = 'PT403', DETAIL = 'membership.not_active', HINT = 'List your organizations with GET /memberships.';
  END IF;
END
$$;

COMMENT ON FUNCTION app_private.require_membership(app.users, uuid) IS 'Raises PT403 (reason membership.not_active) unless the user may act in the tenant.';

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
    RETURN app_private.refuse_grant('invalid email or password', 'sign_in.invalid_credentials',
                                    'Check the email and password; repeated failures slow further attempts down.');
  END IF;

  PERFORM app_private.clear_sign_in_failures(login.email);
  IF v_user.status IN ('suspended', 'disabled') THEN
    RAISE EXCEPTION 'user % is %', v_user.email, v_user.status
      USING ERRCODE = 'PT403', DETAIL = 'user.inactive', HINT = 'Ask a platform operator to reinstate the account.';
  END IF;

  v_organization_id := coalesce(login.organization_id, app_private.default_organization(v_user));
  IF v_organization_id IS NOT NULL THEN
    PERFORM app_private.require_membership(v_user, v_organization_id);
  ELSIF NOT v_user.is_platform_operator AND NOT EXISTS (
      SELECT FROM app.memberships AS m WHERE m.user_id = v_user.id AND m.status = 'invited') THEN
    RAISE EXCEPTION '% has no active membership', v_user.email
      USING ERRCODE = 'PT403', DETAIL = 'membership.none', HINT = 'Ask an administrator of your organization to add you.';
  END IF;

  UPDATE app.users AS u SET last_sign_in_at = pg_catalog.now(),
         status = CASE WHEN u.status = 'invited' THEN 'active'::app.user_status ELSE u.status END
   WHERE u.id = v_user.id
  RETURNING * INTO v_user;
  RETURN app_private.open_session_tokens(v_user, v_organization_id);
END
$$;

COMMENT ON FUNCTION app.login(text, text, uuid) IS
  'Signs in with email and password; returns an access token (JWT) and a refresh token, acting in organization_id or the user''s oldest membership (in none, for a user whose only memberships await app.accept_membership). A wrong password and an unknown email get the same answer: HTTP 401 (GraphQL: an error) with code PT401, message and details sign_in.invalid_credentials in the body; the failure is counted. Failures are throttled per email and client address: from the fifth, that client waits 1, 2, 4, ... minutes (at most an hour); 100 failures within an hour from anywhere lock the email for an hour (PT429, sign_in.locked). Errors: PT403 user.inactive / membership.not_active / membership.none, PT429 sign_in.locked.';

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
      RETURN app_private.refuse_grant('refresh token reused; the session has ended', 'session.refresh_token_reused',
                                      'Sign in again with app.login.');
    END IF;
  END IF;
  IF v_session.id IS NULL OR v_session.revoked_at IS NOT NULL OR v_session.expires_at <= pg_catalog.now() THEN
    RAISE EXCEPTION 'the refresh token is invalid or expired' USING ERRCODE = 'PT401',
      DETAIL = 'session.refresh_token_invalid', HINT = 'Refresh tokens work once; sign in again with app.login.';
  END IF;
  SELECT u.* INTO v_user FROM app.users AS u WHERE u.id = v_session.user_id;
  IF v_user.status NOT IN ('active', 'invited') THEN
    RAISE EXCEPTION 'user % is %', v_user.email, v_user.status USING ERRCODE = 'PT403', DETAIL = 'user.inactive',
      HINT = 'Ask a platform operator to reinstate the account.';
  END IF;
  IF v_session.organization_id IS NOT NULL THEN
    PERFORM app_private.require_membership(v_user, v_session.organization_id);
  END IF;
  RETURN app_private.open_session_tokens(v_user, v_session.organization_id, v_session.id);
END
$$;

COMMENT ON FUNCTION app.refresh(text) IS
  'Trades a refresh token for a new access token and a new refresh token; the old one stops working. Presenting an old one again ends the session (HTTP 401, GraphQL error, code PT401, details session.refresh_token_reused): it was copied. Errors: PT401 session.refresh_token_invalid, PT403 user.inactive / membership.not_active.';

CREATE OR REPLACE FUNCTION app.logout() RETURNS boolean
LANGUAGE plpgsql VOLATILE
SECURITY DEFINER
SET search_path = ''
AS $$
DECLARE
  v_session_id uuid := nullif(auth.claims() ->> 'session_id', '')::uuid;
BEGIN
  IF auth.user_id() IS NULL THEN
    RAISE EXCEPTION 'not signed in' USING ERRCODE = 'PT401', DETAIL = 'session.required', HINT = 'Sign in with app.login.';
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
    RAISE EXCEPTION 'not signed in' USING ERRCODE = 'PT401', DETAIL = 'session.required', HINT = 'Sign in with app.login.';
  END IF;
  PERFORM app_private.require_membership(v_user, switch_organization.organization_id);
  IF NOT EXISTS (SELECT FROM app.sessions WHERE id = v_session_id AND user_id = v_user.id) THEN
    v_session_id := NULL;
  END IF;
  RETURN app_private.open_session_tokens(v_user, switch_organization.organization_id, v_session_id);
END
$$;

COMMENT ON FUNCTION app.switch_organization(uuid) IS
  'For users in several tenants: new tokens acting in another organization the caller is an active member of. Errors: PT401 session.required, PT403 membership.not_active.';

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
    RAISE EXCEPTION 'not signed in' USING ERRCODE = 'PT401', DETAIL = 'session.required', HINT = 'Sign in with app.login.';
  END IF;
  -- The current password is guessed no faster here than at sign-in.
  PERFORM app_private.refuse_locked(app_private.lock_sign_in(v_user.email));
  SELECT c.password_hash INTO v_hash FROM app_private.credentials AS c WHERE c.user_id = v_user.id;
  IF v_hash IS NULL OR public.crypt(coalesce(current_password, ''), v_hash) <> v_hash THEN
    PERFORM app_private.record_sign_in_failure(v_user.email);
    PERFORM pg_catalog.set_config('response.status', '403', true);
    RETURN false;
  END IF;
  PERFORM app_private.clear_sign_in_failures(v_user.email);
  PERFORM app_private.store_password(v_user.id, new_password);
  -- Every other session ends: whoever knew the old password is signed out.
  PERFORM app_private.end_sessions(v_user.id, nullif(auth.claims() ->> 'session_id', '')::uuid);
  RETURN true;
END
$$;

COMMENT ON FUNCTION app.change_password(text, text) IS
  'Changes the caller''s password and ends their other sessions. A wrong current password returns false (HTTP 403) and counts towards the sign-in lockout. Errors: PT401 session.required, PT422 password.too_short, PT429 sign_in.locked.';

CREATE OR REPLACE FUNCTION app.set_user_password(user_id uuid, new_password text) RETURNS boolean
LANGUAGE plpgsql VOLATILE
SECURITY DEFINER
SET search_path = ''
AS $$
BEGIN
  PERFORM app_private.require_platform_operator();
  IF NOT EXISTS (SELECT FROM app.users AS u WHERE u.id = set_user_password.user_id) THEN
    RAISE EXCEPTION 'user % does not exist', set_user_password.user_id USING ERRCODE = 'PT404', DETAIL = 'user.not_found';
  END IF;
  PERFORM app_private.store_password(set_user_password.user_id, new_password);
  PERFORM app_private.end_sessions(set_user_password.user_id);
  RETURN true;
END
$$;

COMMENT ON FUNCTION app.set_user_password(uuid, text) IS
  'Sets a user''s password and ends their sessions (platform operators only). Errors: PT403 operator.required, PT404 user.not_found, PT422 password.too_short.';

CREATE OR REPLACE FUNCTION app_private.tg_users__end_sessions() RETURNS trigger
LANGUAGE plpgsql VOLATILE
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
