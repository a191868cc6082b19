-- Tokens signed in the database: HS256 with the secret PostgREST and
-- PostGraphile verify, kept in app_private.token_settings where only these
-- definer functions read it.

CREATE OR REPLACE FUNCTION app_private.base64url(p_data bytea) RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
AS $$
  SELECT pg_catalog.translate(pg_catalog.encode(p_data, 'base64'), E'+/=\n', '-_')
$$;

COMMENT ON FUNCTION app_private.base64url(bytea) IS 'base64url without padding (RFC 7515), as JWTs are encoded.';

CREATE OR REPLACE FUNCTION app_private.sign_jwt(p_claims jsonb) RETURNS text
LANGUAGE plpgsql STABLE
SET search_path = ''
AS $$
DECLARE
  v_secret text;
  v_signing_input text;
BEGIN
  SELECT jwt_secret INTO v_secret FROM app_private.token_settings;
  IF v_secret IS NULL THEN
    RAISE EXCEPTION 'the token signing secret is not configured'
      USING ERRCODE = 'PT503', DETAIL = 'token.secret_missing', HINT = 'Run `pulse db migrate`, which stores the configured PULSE_JWT_SECRET.';
  END IF;
  v_signing_input := app_private.base64url(pg_catalog.convert_to('{"alg":"HS256","typ":"JWT"}', 'UTF8'))
    || '.' || app_private.base64url(pg_catalog.convert_to(p_claims::text, 'UTF8'));
  RETURN v_signing_input || '.'
    || app_private.base64url(public.hmac(pg_catalog.convert_to(v_signing_input, 'UTF8'),
                                          pg_catalog.convert_to(v_secret, 'UTF8'), 'sha256'));
END
$$;

COMMENT ON FUNCTION app_private.sign_jwt(jsonb) IS 'Signs claims as an HS256 JWT with the configured secret; PT503 (reason token.secret_missing) when none is configured.';

CREATE OR REPLACE FUNCTION app_private.request_header(p_name text) RETURNS text
LANGUAGE sql STABLE PARALLEL SAFE
AS $$
  SELECT nullif(pg_catalog.current_setting('request.headers', true), '')::jsonb ->> pg_catalog.lower(p_name)
$$;

COMMENT ON FUNCTION app_private.request_header(text) IS
  'A header of the current API request (PostgREST and PostGraphile both set request.headers), NULL outside one.';

CREATE OR REPLACE FUNCTION app_private.client_address() RETURNS inet
LANGUAGE plpgsql STABLE
AS $$
DECLARE
  v_header text := app_private.request_header('x-forwarded-for');
  -- The right-most entry is the one the nearest proxy added; entries to its
  -- left come from the client and prove nothing.
  v_entries text[] := pg_catalog.regexp_split_to_array(v_header, '\s*,\s*');
BEGIN
  -- Without the header there is nothing to parse: no exception block, which
  -- would cost a subtransaction on every audited statement.
  IF v_header IS NULL THEN
    RETURN NULL;
  END IF;
  BEGIN
    RETURN nullif(pg_catalog.btrim(v_entries[pg_catalog.array_length(v_entries, 1)]), '')::inet;
  EXCEPTION WHEN invalid_text_representation THEN
    RETURN NULL;
  END;
END
$$;

COMMENT ON FUNCTION app_private.client_address() IS 'The client address an API request came from (the right-most X-Forwarded-For entry, the one the nearest proxy added), NULL when unknown or not an address.';

CREATE OR REPLACE FUNCTION app_private.open_session_tokens(
  p_user app.users,
  p_organization_id uuid,
  p_session_id uuid DEFAULT NULL
) RETURNS app.session_tokens
LANGUAGE plpgsql VOLATILE
SET search_path = ''
AS $$
DECLARE
  v_settings app_private.token_settings;
  v_refresh_token text := pg_catalog.encode(public.gen_random_bytes(32), 'hex');
  v_role text := CASE WHEN p_user.is_platform_operator THEN 'app_admin' ELSE 'app_user' END;
  v_now timestamptz := pg_catalog.now();
  v_session_id uuid := p_session_id;
BEGIN
  SELECT * INTO v_settings FROM app_private.token_settings;
  IF v_session_id IS NULL THEN
    INSERT INTO app.sessions (user_id, organization_id, refresh_token_hash, ip_address, user_agent, expires_at)
    VALUES (p_user.id, p_organization_id, public.digest(v_refresh_token, 'sha256'), app_private.client_address(),
            app_private.request_header('user-agent'), v_now + coalesce(v_settings.refresh_token_ttl, '30 days'))
    RETURNING id INTO v_session_id;
  ELSE
    UPDATE app.sessions
       SET organization_id = p_organization_id, previous_refresh_token_hash = refresh_token_hash,
           refresh_token_hash = public.digest(v_refresh_token, 'sha256'),
           last_used_at = v_now, expires_at = v_now + coalesce(v_settings.refresh_token_ttl, '30 days')
     WHERE id = v_session_id;
  END IF;

  RETURN ROW(
    app_private.sign_jwt(jsonb_build_object(
      'sub', p_user.id, 'role', v_role, 'org_id', p_organization_id, 'session_id', v_session_id,
      'iat', extract(epoch FROM v_now)::bigint,
      'exp', extract(epoch FROM v_now + coalesce(v_settings.access_token_ttl, '1 hour'))::bigint)),
    'bearer',
    v_now + coalesce(v_settings.access_token_ttl, '1 hour'),
    v_refresh_token,
    p_user.id,
    p_organization_id,
    v_role,
    NULL, NULL, NULL, NULL
  )::app.session_tokens;
END
$$;

COMMENT ON FUNCTION app_private.open_session_tokens(app.users, uuid, uuid) IS
  'Opens a session (or renews p_session_id with a new refresh token) and returns a signed access token for it.';
