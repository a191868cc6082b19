ALTER TABLE app.organizations ENABLE ROW LEVEL SECURITY;
ALTER TABLE app.organizations FORCE ROW LEVEL SECURITY;
ALTER TABLE app.users ENABLE ROW LEVEL SECURITY;
ALTER TABLE app.users FORCE ROW LEVEL SECURITY;
ALTER TABLE app.memberships ENABLE ROW LEVEL SECURITY;
ALTER TABLE app.memberships FORCE ROW LEVEL SECURITY;

GRANT SELECT ON app.organizations, app.users, app.memberships TO app_user;
GRANT SELECT, INSERT, UPDATE, DELETE ON app.organizations, app.users, app.memberships TO app_admin;

CREATE POLICY organizations_select_own ON app.organizations
  FOR SELECT TO app_user
  USING (id = (SELECT auth.org_id()));

CREATE POLICY users_select_colleagues ON app.users
  FOR SELECT TO app_user
  USING (
    id = (SELECT auth.user_id())
    OR EXISTS (
      SELECT FROM app.memberships AS m
       WHERE m.user_id = users.id
         AND m.organization_id = (SELECT auth.org_id())
    )
  );

CREATE POLICY memberships_select_own_organization ON app.memberships
  FOR SELECT TO app_user
  USING (organization_id = (SELECT auth.org_id()));

CREATE POLICY organizations_operator_all ON app.organizations
  FOR ALL TO app_admin USING (true) WITH CHECK (true);
CREATE POLICY users_operator_all ON app.users
  FOR ALL TO app_admin USING (true) WITH CHECK (true);
CREATE POLICY memberships_operator_all ON app.memberships
  FOR ALL TO app_admin USING (true) WITH CHECK (true);
