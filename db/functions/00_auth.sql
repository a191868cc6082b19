-- Claims helpers. PostgREST 12 sets request.jwt.claims from the verified
-- token; config/graphile.config.mjs sets the same setting for PostGraphile,
-- so every policy behaves the same behind both servers.

CREATE OR REPLACE FUNCTION auth.claims() RETURNS jsonb
LANGUAGE sql STABLE PARALLEL SAFE
AS $$
  SELECT coalesce(nullif(pg_catalog.current_setting('request.jwt.claims', true), ''), '{}')::jsonb
$$;

COMMENT ON FUNCTION auth.claims() IS 'The verified JWT claims of the current request, {} when anonymous.';

CREATE OR REPLACE FUNCTION auth.user_id() RETURNS uuid
LANGUAGE sql STABLE PARALLEL SAFE
AS $$
  SELECT nullif(auth.claims() ->> 'sub', '')::uuid
$$;

COMMENT ON FUNCTION auth.user_id() IS 'The signed-in user (sub claim), NULL when anonymous.';

CREATE OR REPLACE FUNCTION auth.org_id() RETURNS uuid
LANGUAGE sql STABLE PARALLEL SAFE
AS $$
  SELECT nullif(auth.claims() ->> 'org_id', '')::uuid
$$;

COMMENT ON FUNCTION auth.org_id() IS 'The active tenant (org_id claim), NULL when none.';

CREATE OR REPLACE FUNCTION auth.token_claims_for(p_email text, p_organization_slug text) RETURNS jsonb
LANGUAGE plpgsql STABLE
SET search_path = ''
AS $$
DECLARE
  v_user app.users;
  v_organization_id uuid;
BEGIN
  SELECT * INTO v_user FROM app.users WHERE email = p_email::public.citext;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'no user with email %', p_email
      USING ERRCODE = 'PT404', HINT = 'Check the email, or seed the demo data with `pulse seed --demo`.';
  END IF;

  SELECT o.id INTO v_organization_id
    FROM app.organizations AS o
    JOIN app.memberships AS m ON m.organization_id = o.id AND m.user_id = v_user.id AND m.is_active
   WHERE o.slug = p_organization_slug AND o.is_active;
  IF NOT FOUND THEN
    RAISE EXCEPTION '% is not an active member of organization %', p_email, p_organization_slug
      USING ERRCODE = 'PT403', HINT = 'Pick an organization the user belongs to.';
  END IF;

  RETURN jsonb_build_object(
    'sub', v_user.id,
    'role', CASE WHEN v_user.is_platform_operator THEN 'app_admin' ELSE 'app_user' END,
    'org_id', v_organization_id
  );
END
$$;

COMMENT ON FUNCTION auth.token_claims_for(text, text) IS
  'Claims (sub, role, org_id) for a token that `pulse jwt mint` signs. Owner only. Errors: PT404 unknown email, PT403 not a member.';
