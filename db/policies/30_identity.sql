-- Users are global: a member reads the people of the active tenant (and
-- always themselves) and edits only their own name and preferences.
-- Colleagues select only what they need of each other (id, email, name,
-- status, manager, created_at); preferences, last sign-in and the operator
-- flag are read by their owner through app.current_user_profile().
-- Memberships: membership.manage changes who belongs; everyone reads the
-- members of their tenant.

ALTER TABLE app.users ENABLE ROW LEVEL SECURITY;
ALTER TABLE app.users FORCE ROW LEVEL SECURITY;
ALTER TABLE app.memberships ENABLE ROW LEVEL SECURITY;
ALTER TABLE app.memberships FORCE ROW LEVEL SECURITY;
ALTER TABLE app.sessions ENABLE ROW LEVEL SECURITY;
ALTER TABLE app.sessions FORCE ROW LEVEL SECURITY;

GRANT SELECT (id, email, display_name, status, direct_manager_id, created_at) ON app.users TO app_user;
GRANT UPDATE (display_name, preferences) ON app.users TO app_user;
GRANT SELECT, INSERT, UPDATE ON app.users TO app_admin;

CREATE POLICY users_select_colleagues ON app.users FOR SELECT TO app_user
  USING (id = (SELECT auth.user_id())
         OR ((SELECT auth.partner_id()) IS NULL AND id = ANY ((SELECT auth.colleague_user_ids())::uuid[])));
CREATE POLICY users_update_self ON app.users FOR UPDATE TO app_user
  USING (id = (SELECT auth.user_id()));
CREATE POLICY users_all_operator ON app.users FOR ALL TO app_admin
  USING ((SELECT auth.is_platform_operator())) WITH CHECK ((SELECT auth.is_platform_operator()));

GRANT SELECT ON app.memberships TO app_user;
GRANT UPDATE (status, partner_id), DELETE ON app.memberships TO app_user;
GRANT SELECT, INSERT, UPDATE, DELETE ON app.memberships TO app_admin;

CREATE POLICY memberships_select_member ON app.memberships FOR SELECT TO app_user
  USING (user_id = (SELECT auth.user_id())
         OR (organization_id = (SELECT auth.org_id()) AND (SELECT auth.partner_id()) IS NULL));
CREATE POLICY memberships_update_manager ON app.memberships FOR UPDATE TO app_user
  USING (organization_id = (SELECT auth.org_id()) AND (SELECT auth.has_permission('membership.manage')))
  WITH CHECK (organization_id = (SELECT auth.org_id()));
CREATE POLICY memberships_delete_manager ON app.memberships FOR DELETE TO app_user
  USING (organization_id = (SELECT auth.org_id()) AND (SELECT auth.has_permission('membership.manage')));
CREATE POLICY memberships_all_operator ON app.memberships FOR ALL TO app_admin
  USING ((SELECT auth.is_platform_operator())) WITH CHECK ((SELECT auth.is_platform_operator()));

-- Sessions are read by their owner; only the sign-in functions write them.
GRANT SELECT (id, user_id, organization_id, ip_address, user_agent, created_at, last_used_at, expires_at, revoked_at)
  ON app.sessions TO app_user, app_admin;
CREATE POLICY sessions_select_own ON app.sessions FOR SELECT TO app_user, app_admin
  USING (user_id = (SELECT auth.user_id()));

GRANT EXECUTE ON FUNCTION app.login(text, text, uuid), app.refresh(text), app.accept_invitation(text, text, text)
  TO anon, app_user, app_admin;
GRANT EXECUTE ON FUNCTION app.logout(), app.switch_organization(uuid), app.change_password(text, text),
  app.accept_membership(uuid), app.current_user_profile() TO app_user, app_admin;
GRANT EXECUTE ON FUNCTION app.add_member(text, text, text[], uuid, uuid), app.set_direct_manager(uuid, uuid)
  TO app_user, app_admin;
GRANT EXECUTE ON FUNCTION app.set_user_password(uuid, text) TO app_admin;

-- The permission catalog and the tenant's roles are readable by its
-- members; changes go through the RPCs, which hold the escalation rules.

ALTER TABLE app.permissions ENABLE ROW LEVEL SECURITY;
ALTER TABLE app.permissions FORCE ROW LEVEL SECURITY;
ALTER TABLE app.roles ENABLE ROW LEVEL SECURITY;
ALTER TABLE app.roles FORCE ROW LEVEL SECURITY;
ALTER TABLE app.role_permissions ENABLE ROW LEVEL SECURITY;
ALTER TABLE app.role_permissions FORCE ROW LEVEL SECURITY;
ALTER TABLE app.role_assignments ENABLE ROW LEVEL SECURITY;
ALTER TABLE app.role_assignments FORCE ROW LEVEL SECURITY;

GRANT SELECT ON app.permissions, app.roles, app.role_permissions, app.role_assignments TO app_user, app_admin;

CREATE POLICY permissions_select_everyone ON app.permissions FOR SELECT TO app_user, app_admin
  USING (true);

-- Portal users (bound to a partner) do not see how the tenant is organized.
CREATE POLICY roles_select_member ON app.roles FOR SELECT TO app_user
  USING (organization_id = (SELECT auth.org_id()) AND (SELECT auth.partner_id()) IS NULL);
CREATE POLICY roles_select_operator ON app.roles FOR SELECT TO app_admin
  USING ((SELECT auth.is_platform_operator()));

CREATE POLICY role_permissions_select_member ON app.role_permissions FOR SELECT TO app_user
  USING (organization_id = (SELECT auth.org_id()) AND (SELECT auth.partner_id()) IS NULL);
CREATE POLICY role_permissions_select_operator ON app.role_permissions FOR SELECT TO app_admin
  USING ((SELECT auth.is_platform_operator()));

CREATE POLICY role_assignments_select_member ON app.role_assignments FOR SELECT TO app_user
  USING (organization_id = (SELECT auth.org_id())
         AND ((SELECT auth.has_permission('role.read')) OR membership_id IN (
               SELECT m.id FROM app.memberships AS m
                WHERE m.organization_id = (SELECT auth.org_id()) AND m.user_id = (SELECT auth.user_id()))));
CREATE POLICY role_assignments_select_operator ON app.role_assignments FOR SELECT TO app_admin
  USING ((SELECT auth.is_platform_operator()));

GRANT EXECUTE ON FUNCTION
  app.create_role(text, text, text[], text), app.set_role_permissions(text, text[]), app.delete_role(text),
  app.grant_role(uuid, text, uuid), app.revoke_role(uuid, text, uuid)
  TO app_user, app_admin;
