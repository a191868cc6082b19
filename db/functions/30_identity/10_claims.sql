-- Claims and authorization helpers. PostgREST 12 sets request.jwt.claims
-- from the verified token; config/graphile/auth.mjs sets the same setting
-- for PostGraphile, so every policy behaves the same behind both servers.
--
-- The token is trusted for who is calling, never for what they may do.
-- Before every request both servers run auth.check_request(), which reads
-- who may act now (app_private.request_grants, kept by triggers on the
-- user, session, membership and tenant in the transaction that changes
-- them), so a suspension or revocation applies to the very next request; permissions are read from the RBAC tables on
-- every check. The claim helpers themselves stay plain SQL that the planner
-- inlines, which keeps the policies as cheap as a literal filter. The
-- helpers that read tables are SECURITY DEFINER, which SQL functions cannot
-- be inlined with; they are PL/pgSQL so their plans are cached per session
-- (a SQL function would be planned again on every call, ~10x slower).

CREATE OR REPLACE FUNCTION auth.claims() RETURNS jsonb
LANGUAGE sql STABLE PARALLEL SAFE
AS $$
  SELECT coalesce(nullif(pg_catalog.current_setting('request.jwt.claims', true), ''), '{}')::jsonb
$$;

COMMENT ON FUNCTION auth.claims() IS 'The verified JWT claims of the current request as sent, {} when there are none.';

-- A write to a view PostgreSQL cannot update by itself (joins, UNION,
-- aggregates) fails while the query is rewritten, before any privilege is
-- checked: SQLSTATE 55000, which PostgREST answers with 500. PostgREST names
-- the method and path of the request (request.method, request.path), so the
-- pre-request refuses such a write first: without the privilege as
-- PostgreSQL would (42501: HTTP 403, 401 when anonymous), with it as
-- read-only (PT405: HTTP 405). An INSTEAD OF trigger would do the same in
-- the database, but would make PostgREST advertise POST, PATCH and DELETE on
-- the view in its OpenAPI document.
CREATE OR REPLACE FUNCTION app_private.refuse_view_write(p_method text, p_path text, p_role text) RETURNS void
LANGUAGE plpgsql VOLATILE
SET search_path = ''
AS $$
DECLARE
  v_view regclass;
  v_privilege text := CASE p_method WHEN 'POST' THEN 'INSERT' WHEN 'PUT' THEN 'INSERT' WHEN 'PATCH' THEN 'UPDATE'
                                    WHEN 'DELETE' THEN 'DELETE' END;
BEGIN
  IF v_privilege IS NULL THEN
    RETURN;
  END IF;
  SELECT c.oid INTO v_view FROM pg_catalog.pg_class AS c
   WHERE c.relnamespace = 'app'::regnamespace AND c.relkind = 'v'
     AND c.relname = (pg_catalog.regexp_match(p_path, '^/([A-Za-z0-9_]+)/?$'))[1]
     AND pg_catalog.pg_relation_is_updatable(c.oid, true)
         & CASE v_privilege WHEN 'INSERT' THEN 8 WHEN 'UPDATE' THEN 4 ELSE 16 END = 0;
  IF v_view IS NULL THEN
    RETURN;
  END IF;
  IF NOT pg_catalog.has_table_privilege(p_role, v_view, v_privilege) THEN
    RAISE EXCEPTION 'permission denied for view %', v_view USING ERRCODE = '42501', DETAIL = 'view.no_privilege',
      HINT = 'It is read-only: read it with GET.';
  END IF;
  RAISE EXCEPTION '% is read-only: % refused', v_view, p_method USING ERRCODE = 'PT405', DETAIL = 'view.read_only',
    HINT = 'Read it with GET; change the rows it shows through their own tables or functions.';
END
$$;

COMMENT ON FUNCTION app_private.refuse_view_write(text, text, text) IS
  'Refuses an HTTP write (POST, PUT, PATCH, DELETE on /<view>) to a view of app that PostgreSQL cannot update for that command: 42501 view.no_privilege when p_role lacks the privilege (every API role: views are granted SELECT only), else PT405 view.read_only; never the rewrite error 55000 (HTTP 500). Other paths pass.';

CREATE OR REPLACE FUNCTION auth.check_request() RETURNS void
LANGUAGE plpgsql STABLE PARALLEL RESTRICTED SECURITY DEFINER
SET search_path = ''
AS $$
DECLARE
  v_claims jsonb := auth.claims();
  v_role text := coalesce(v_claims ->> 'role', 'anon');
  v_found record;
BEGIN
  -- PostgREST names the request; the GraphQL server does not (it never writes to a view).
  -- Reads (GET, HEAD, OPTIONS) skip the call.
  IF pg_catalog.current_setting('request.method', true) IN ('POST', 'PUT', 'PATCH', 'DELETE') THEN
    PERFORM app_private.refuse_view_write(pg_catalog.current_setting('request.method', true),
                                          pg_catalog.current_setting('request.path', true),
                                          coalesce(nullif(pg_catalog.current_setting('role'), 'none'), SESSION_USER));
  END IF;

  -- Anonymous requests need no check. A token's fast path is one statement:
  -- app_private.request_grants holds who may act now (kept by triggers,
  -- 30_identity/13-17), keyed by the claims' text, so an ordinary token is
  -- admitted by one index probe of one relation, without a pattern match or
  -- cast. It only ever admits: a role that is not the database role, a
  -- session claim that names no session, or a miss goes on to the lookup
  -- below, which says why. A platform operator acts as app_admin, and in
  -- any tenant, through their row without a tenant.
  IF v_role = 'anon' THEN
    RETURN;
  END IF;
  IF v_role = pg_catalog.current_setting('role')
     AND (NOT v_claims ? 'session_id' OR v_claims ->> 'session_id' <> '')
     AND (v_role <> 'app_admin'
          AND EXISTS (SELECT FROM app_private.request_grants AS g
                       WHERE g.claims_key = concat(v_claims ->> 'sub', '/', v_claims ->> 'org_id', '/',
                                                   v_claims ->> 'session_id'))
          OR EXISTS (SELECT FROM app_private.request_grants AS g
                      WHERE g.claims_key = concat(v_claims ->> 'sub', '//', v_claims ->> 'session_id')
                        AND g.is_platform_operator)) THEN
    RETURN;
  END IF;

  -- Both servers set the database role from the claim; a mismatch means the
  -- claims were not the ones the role was chosen by.
  IF pg_catalog.current_setting('role') <> v_role THEN
    RAISE EXCEPTION 'the token''s role % does not match the database role %', v_role, pg_catalog.current_setting('role')
      USING ERRCODE = 'PT401', DETAIL = 'token.role_mismatch', HINT = 'Sign in again with app.login.';
  END IF;
  IF coalesce(v_claims ->> 'sub', '') !~ '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$' THEN
    RAISE EXCEPTION 'the token does not name a user' USING ERRCODE = 'PT401', DETAIL = 'token.no_user', HINT = 'Sign in again with app.login.';
  END IF;

  SELECT u.email, u.status, u.is_platform_operator,
         NOT (v_claims ? 'session_id') OR EXISTS (
           SELECT FROM app.sessions AS s
            WHERE s.id = nullif(v_claims ->> 'session_id', '')::uuid AND s.user_id = u.id AND s.revoked_at IS NULL
         ) AS session_open,
         nullif(v_claims ->> 'org_id', '') IS NULL OR u.is_platform_operator OR EXISTS (
           SELECT FROM app.memberships AS m
             JOIN app.organizations AS o ON o.id = m.organization_id
            WHERE m.organization_id = (v_claims ->> 'org_id')::uuid AND m.user_id = u.id AND m.status = 'active'
              AND o.is_active AND o.deleted_at IS NULL
         ) AS member
    INTO v_found
    FROM app.users AS u
   WHERE u.id = (v_claims ->> 'sub')::uuid;

  IF NOT FOUND THEN
    RAISE EXCEPTION 'the token names an unknown user' USING ERRCODE = 'PT401', DETAIL = 'token.unknown_user', HINT = 'Sign in again with app.login.';
  ELSIF v_found.status NOT IN ('active', 'invited') THEN
    RAISE EXCEPTION 'user % is %', v_found.email, v_found.status
      USING ERRCODE = 'PT403', DETAIL = 'user.inactive', HINT = 'Ask a platform operator to reinstate the account.';
  ELSIF v_role = 'app_admin' AND NOT v_found.is_platform_operator THEN
    RAISE EXCEPTION 'only platform operators may act as app_admin' USING ERRCODE = 'PT403', DETAIL = 'operator.required',
      HINT = 'Sign in with app.login, which picks the role your account may take.';
  ELSIF NOT v_found.session_open THEN
    RAISE EXCEPTION 'the session has ended' USING ERRCODE = 'PT401', DETAIL = 'session.ended', HINT = 'Sign in again with app.login.';
  ELSIF NOT v_found.member THEN
    RAISE EXCEPTION 'user % is not an active member of organization %', v_found.email, v_claims ->> 'org_id'
      USING ERRCODE = 'PT403', DETAIL = 'membership.not_active', HINT = 'Switch to an organization you belong to with app.switch_organization.';
  END IF;
END
$$;

COMMENT ON FUNCTION auth.check_request() IS
  'Refuses a request whose user is unknown, suspended or disabled, whose session ended, whose role claim is not its database role or not theirs to take, or who is not an active member of the token''s tenant. An ordinary token is admitted by one index probe of app_private.request_grants (who may act now, kept by triggers); anything else reads users, sessions, memberships and organizations, which also gives the refusal. PostgREST runs it before every request (db-pre-request) and the GraphQL server before every operation. Refuses too a write to a view PostgreSQL cannot update (app_private.refuse_view_write). Errors: PT401 token.role_mismatch / token.no_user / token.unknown_user / session.ended, PT403 user.inactive / operator.required / membership.not_active, 42501 view.no_privilege, PT405 view.read_only.';

CREATE OR REPLACE FUNCTION auth.user_id() RETURNS uuid
LANGUAGE sql STABLE PARALLEL SAFE
AS $$
  SELECT nullif(auth.claims() ->> 'sub', '')::uuid
$$;

COMMENT ON FUNCTION auth.user_id() IS 'The signed-in user (sub claim, checked by auth.check_request), NULL when anonymous.';

CREATE OR REPLACE FUNCTION auth.org_id() RETURNS uuid
LANGUAGE sql STABLE PARALLEL SAFE
AS $$
  SELECT nullif(auth.claims() ->> 'org_id', '')::uuid
$$;

COMMENT ON FUNCTION auth.org_id() IS 'The active tenant (org_id claim, membership checked by auth.check_request), NULL when none.';

CREATE OR REPLACE FUNCTION auth.partner_id() RETURNS uuid
LANGUAGE plpgsql STABLE PARALLEL SAFE SECURITY DEFINER
SET search_path = ''
AS $$
DECLARE
  -- The claims bound once: inside the query, auth.org_id() and auth.user_id()
  -- would parse the claims again for every row a sequential scan filters.
  v_organization_id uuid := auth.org_id();
  v_user_id uuid := auth.user_id();
BEGIN
  RETURN (SELECT m.partner_id
      FROM app.memberships AS m
     WHERE m.organization_id = v_organization_id AND m.user_id = v_user_id);
END
$$;

COMMENT ON FUNCTION auth.partner_id() IS
  'The partner a portal user is bound to in the active tenant, NULL for everybody else. Policies confine portal users to it.';

CREATE OR REPLACE FUNCTION auth.is_platform_operator() RETURNS boolean
LANGUAGE sql STABLE PARALLEL SAFE
AS $$
  -- auth.check_request() admits the app_admin role only for platform operators.
  SELECT coalesce(auth.claims() ->> 'role', 'anon') = 'app_admin'
$$;

COMMENT ON FUNCTION auth.is_platform_operator() IS 'True for a platform operator acting with the app_admin role.';

CREATE OR REPLACE FUNCTION auth.has_permission(p_permission text, p_site_id uuid DEFAULT NULL) RETURNS boolean
LANGUAGE plpgsql STABLE PARALLEL SAFE SECURITY DEFINER
SET search_path = ''
AS $$
DECLARE
  v_organization_id uuid := auth.org_id();
  v_user_id uuid := auth.user_id();
BEGIN
  RETURN (SELECT EXISTS (
      SELECT
        FROM app.memberships AS m
        JOIN app.role_assignments AS ra ON ra.organization_id = m.organization_id AND ra.membership_id = m.id
        JOIN app.role_permissions AS rp ON rp.organization_id = ra.organization_id AND rp.role_id = ra.role_id
       WHERE m.organization_id = v_organization_id
         AND m.user_id = v_user_id
         AND m.status = 'active'
         AND rp.permission = p_permission
         AND (ra.site_id IS NULL OR ra.site_id = p_site_id)
    ));
END
$$;

COMMENT ON FUNCTION auth.has_permission(text, uuid) IS
  'The one permission check of policies and RPCs: does the caller hold p_permission in the active tenant, through a role for the whole tenant, or for site p_site_id when given? Read from the RBAC tables on every call.';

-- The one refusal for a missing permission (PT403, reason
-- permission.missing, the permission in the hint). Policies use it as a
-- boolean in a WITH CHECK; functions call app_private.require_permission,
-- which lets platform operators through and otherwise asks this.
CREATE OR REPLACE FUNCTION auth.check_permission(p_permission text) RETURNS boolean
LANGUAGE plpgsql STABLE
SET search_path = ''
AS $$
BEGIN
  IF NOT auth.has_permission(p_permission) THEN
    RAISE EXCEPTION 'this needs the % permission', p_permission USING ERRCODE = 'PT403',
      DETAIL = 'permission.missing', HINT = pg_catalog.format('Ask an administrator of your organization for a role with %s.', p_permission);
  END IF;
  RETURN true;
END
$$;

COMMENT ON FUNCTION auth.check_permission(text) IS
  'For the WITH CHECK of a policy that is the only way to write a row: true when the caller holds p_permission tenant-wide, otherwise raises PT403 (reason permission.missing) naming it, instead of the anonymous "violates row-level security policy". Written `(SELECT auth.check_permission(p))` after the tenant test, so it runs once per statement and only for rows of the caller''s tenant.';

CREATE OR REPLACE FUNCTION app_private.require_permission(p_permission text) RETURNS void
LANGUAGE plpgsql STABLE
SET search_path = ''
AS $$
BEGIN
  IF NOT auth.is_platform_operator() THEN
    PERFORM auth.check_permission(p_permission);
  END IF;
END
$$;

COMMENT ON FUNCTION app_private.require_permission(text) IS
  'The permission check of functions (PERFORM app_private.require_permission(p)): platform operators pass; anyone else must hold the permission tenant-wide, or auth.check_permission raises PT403 (reason permission.missing).';

CREATE OR REPLACE FUNCTION auth.permitted_site_ids(p_permission text) RETURNS uuid[]
LANGUAGE plpgsql STABLE PARALLEL SAFE SECURITY DEFINER
SET search_path = ''
AS $$
DECLARE
  v_organization_id uuid := auth.org_id();
  v_user_id uuid := auth.user_id();
BEGIN
  RETURN (SELECT coalesce(pg_catalog.array_agg(DISTINCT ra.site_id), '{}')
      FROM app.memberships AS m
      JOIN app.role_assignments AS ra ON ra.organization_id = m.organization_id AND ra.membership_id = m.id
      JOIN app.role_permissions AS rp ON rp.organization_id = ra.organization_id AND rp.role_id = ra.role_id
     WHERE m.organization_id = v_organization_id
       AND m.user_id = v_user_id
       AND m.status = 'active'
       AND rp.permission = p_permission
       AND ra.site_id IS NOT NULL);
END
$$;

COMMENT ON FUNCTION auth.permitted_site_ids(text) IS
  'Sites where the caller holds p_permission through a site-scoped role. Site-scoped policies read `(SELECT auth.has_permission(p)) OR site_id = ANY ((SELECT auth.permitted_site_ids(p))::uuid[])`, both evaluated once per statement.';

CREATE OR REPLACE FUNCTION auth.colleague_user_ids() RETURNS uuid[]
LANGUAGE plpgsql STABLE PARALLEL SAFE SECURITY DEFINER
SET search_path = ''
AS $$
DECLARE
  v_organization_id uuid := auth.org_id();
BEGIN
  RETURN (SELECT coalesce(pg_catalog.array_agg(m.user_id), '{}')
      FROM app.memberships AS m
     WHERE m.organization_id = v_organization_id AND m.status = 'active');
END
$$;

COMMENT ON FUNCTION auth.colleague_user_ids() IS
  'The users with an active membership in the active tenant (someone merely invited stays private until they accept); lets the users policy run one index lookup per statement.';

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
      USING ERRCODE = 'PT404', DETAIL = 'user.not_found', HINT = 'Check the email, or seed the demo data with `pulse seed --demo`.';
  END IF;

  SELECT o.id INTO v_organization_id
    FROM app.organizations AS o
    LEFT JOIN app.memberships AS m ON m.organization_id = o.id AND m.user_id = v_user.id AND m.status = 'active'
   WHERE o.slug = p_organization_slug AND o.deleted_at IS NULL
     AND (m.id IS NOT NULL OR v_user.is_platform_operator);
  IF NOT FOUND THEN
    RAISE EXCEPTION '% is not an active member of organization %', p_email, p_organization_slug
      USING ERRCODE = 'PT403', DETAIL = 'membership.not_active', HINT = 'Pick an organization the user belongs to.';
  END IF;

  RETURN jsonb_build_object(
    'sub', v_user.id,
    'role', CASE WHEN v_user.is_platform_operator THEN 'app_admin' ELSE 'app_user' END,
    'org_id', v_organization_id
  );
END
$$;

COMMENT ON FUNCTION auth.token_claims_for(text, text) IS
  'Claims (sub, role, org_id) for a token that `pulse jwt mint` signs. Owner only. Errors: PT404 user.not_found, PT403 membership.not_active.';

-- For DBAs in psql: become a tenant user, as a request under their token
-- would, to see what they see. Invoker rights on purpose: only a function
-- running as the caller can change the caller's role (a SECURITY DEFINER
-- function may not SET ROLE), and it is owner-only because no API role or
-- PUBLIC may execute it (db/policies/00_reset.sql revokes, nothing grants).
CREATE OR REPLACE FUNCTION auth.act_as(p_email text, p_organization_slug text, p_for_transaction boolean DEFAULT false)
RETURNS jsonb
LANGUAGE plpgsql VOLATILE
SET search_path = ''
AS $$
DECLARE
  v_claims jsonb := auth.token_claims_for(p_email, p_organization_slug);
BEGIN
  PERFORM pg_catalog.set_config('request.jwt.claims', v_claims::text, p_for_transaction);
  -- The audit log records who acted through this, in its request_id column.
  PERFORM pg_catalog.set_config('request.headers',
    pg_catalog.jsonb_build_object('x-request-id', 'auth.act_as by ' || session_user)::text, p_for_transaction);
  PERFORM pg_catalog.set_config('role', v_claims ->> 'role', p_for_transaction);
  -- What both servers run before every request: a suspended user stays refused.
  PERFORM auth.check_request();
  RETURN v_claims;
END
$$;

COMMENT ON FUNCTION auth.act_as(text, text, boolean) IS
  E'Act as a tenant user in psql (owner only): sets the claims a token would carry (sub, role, org_id) and the API role, so what follows runs under row-level security as that user; the audit log names it in request_id. For the session, or until the transaction ends with p_for_transaction. Back to the owner: RESET ROLE; RESET ALL; (RESET ALL alone keeps the role). See docs/dba.md. Errors: PT404 user.not_found, PT403 membership.not_active or user.inactive (and what auth.check_request refuses).';
