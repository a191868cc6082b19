-- Who holds a role in a tenant, and who is an active member or staff:
-- the questions notifications, approvals and every domain's routing ask.

CREATE OR REPLACE FUNCTION auth.holds_any_role(p_role_keys text[]) RETURNS boolean
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
        JOIN app.roles AS r ON r.organization_id = ra.organization_id AND r.id = ra.role_id
       WHERE m.organization_id = v_organization_id
         AND m.user_id = v_user_id
         AND m.status = 'active'
         AND r.key = ANY (p_role_keys)
    ));
END
$$;

COMMENT ON FUNCTION auth.holds_any_role(text[]) IS
  'Does the caller hold one of these roles (app.roles.key) in the active tenant? Workflow responsibilities are roles; permissions stay the check for everything else.';

CREATE OR REPLACE FUNCTION app_private.role_holders(p_organization_id uuid, p_role_keys text[]) RETURNS uuid[]
LANGUAGE plpgsql STABLE
AS $$
BEGIN
  RETURN (SELECT coalesce(pg_catalog.array_agg(DISTINCT m.user_id), '{}')
      FROM app.memberships AS m
      JOIN app.users AS u ON u.id = m.user_id AND u.status = 'active'
      JOIN app.role_assignments AS ra ON ra.organization_id = m.organization_id AND ra.membership_id = m.id
      JOIN app.roles AS r ON r.organization_id = ra.organization_id AND r.id = ra.role_id
     WHERE m.organization_id = p_organization_id AND m.status = 'active' AND r.key = ANY (p_role_keys));
END
$$;

COMMENT ON FUNCTION app_private.role_holders(uuid, text[]) IS 'Active members of a tenant who hold one of the roles.';

CREATE OR REPLACE FUNCTION app_private.is_active_member(p_organization_id uuid, p_user_id uuid) RETURNS boolean
LANGUAGE plpgsql STABLE
AS $$
BEGIN
  RETURN (SELECT EXISTS (
      SELECT FROM app.memberships AS m JOIN app.users AS u ON u.id = m.user_id
       WHERE m.organization_id = p_organization_id AND m.user_id = p_user_id AND m.status = 'active' AND u.status = 'active'));
END
$$;

COMMENT ON FUNCTION app_private.is_active_member(uuid, uuid) IS 'Is the user an active member of the tenant with an active account?';

CREATE OR REPLACE FUNCTION app_private.is_active_staff(p_organization_id uuid, p_user_id uuid) RETURNS boolean
LANGUAGE sql STABLE
AS $$
  SELECT EXISTS (
    SELECT FROM app.memberships AS m JOIN app.users AS u ON u.id = m.user_id
     WHERE m.organization_id = p_organization_id AND m.user_id = p_user_id AND m.status = 'active' AND u.status = 'active'
       AND m.partner_id IS NULL)
$$;

COMMENT ON FUNCTION app_private.is_active_staff(uuid, uuid) IS
  'Is the user an active member of the tenant''s own staff (an active account, not a portal user bound to a partner)?';
