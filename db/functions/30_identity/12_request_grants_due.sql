-- What app_private.request_grants must hold for a user, read from the
-- source tables: the same decision auth.check_request() makes by reading
-- them (10_claims.sql), one row per tenant (or none) and open session (or
-- none) the user may act with now.

CREATE OR REPLACE FUNCTION app_private.request_grants_due(p_user_id uuid)
RETURNS TABLE (user_id uuid, organization_id uuid, session_id uuid, is_platform_operator boolean)
LANGUAGE sql STABLE
SET search_path = ''
AS $$
  SELECT u.id, o.organization_id, s.session_id, u.is_platform_operator
    FROM app.users AS u
   CROSS JOIN LATERAL (
     SELECT NULL::uuid AS organization_id
     UNION ALL
     SELECT m.organization_id
       FROM app.memberships AS m
       JOIN app.organizations AS org ON org.id = m.organization_id
      WHERE m.user_id = u.id AND m.status = 'active' AND org.is_active AND org.deleted_at IS NULL
   ) AS o
   CROSS JOIN LATERAL (
     SELECT NULL::uuid AS session_id
     UNION ALL
     SELECT ses.id FROM app.sessions AS ses WHERE ses.user_id = u.id AND ses.revoked_at IS NULL
   ) AS s
   WHERE u.id = p_user_id AND u.status IN ('active', 'invited')
$$;

COMMENT ON FUNCTION app_private.request_grants_due(uuid) IS
  'The rows app_private.request_grants must hold for user p_user_id, read from users, sessions, memberships and organizations: none unless the user is active or invited; else (tenant, session) for every active membership of an active, not deleted tenant and NULL (no tenant), times every open session and NULL (no session). What app_private.refresh_request_grants writes; db/tests/30_identity/test_request_grants.sql compares it with the table and with auth.check_request().';
