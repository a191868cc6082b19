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
