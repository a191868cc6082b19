-- Maintenance teams, availability and calendar (db/functions/90_maintenance/90_* .. 91_*).
-- Teams are read by whoever may read their plant's work orders (any
-- work_order.* permission tenant-wide or at the team's plant), by team.manage
-- holders there and by their members; memberships with their team.
-- Availability is read by the person and by planners (work_order.manage or
-- team.manage anywhere). API roles only read; every write is an RPC. The ICS
-- feed (app.calendar_feed) is granted to anon: its token is the credential.

ALTER TABLE app.maintenance_teams ENABLE ROW LEVEL SECURITY;
ALTER TABLE app.maintenance_teams FORCE ROW LEVEL SECURITY;
GRANT SELECT ON app.maintenance_teams TO app_user;
GRANT SELECT ON app.maintenance_teams TO app_admin;
CREATE POLICY maintenance_teams_select_staff ON app.maintenance_teams FOR SELECT TO app_user
  USING (organization_id = (SELECT auth.org_id()) AND (SELECT auth.partner_id()) IS NULL
         AND ((SELECT auth.may_read_work_order(site_id, NULL)) OR (SELECT auth.has_permission('team.manage', site_id))
              OR (SELECT auth.is_in_team(organization_id, id))));
CREATE POLICY maintenance_teams_select_operator ON app.maintenance_teams FOR SELECT TO app_admin
  USING ((SELECT auth.is_platform_operator()));

ALTER TABLE app.maintenance_team_members ENABLE ROW LEVEL SECURITY;
ALTER TABLE app.maintenance_team_members FORCE ROW LEVEL SECURITY;
GRANT SELECT ON app.maintenance_team_members TO app_user;
GRANT SELECT ON app.maintenance_team_members TO app_admin;
CREATE POLICY maintenance_team_members_select_staff ON app.maintenance_team_members FOR SELECT TO app_user
  USING (organization_id = (SELECT auth.org_id()) AND (SELECT auth.partner_id()) IS NULL
         AND (user_id = (SELECT auth.user_id())
              OR EXISTS (SELECT FROM app.maintenance_teams AS t
                          WHERE t.organization_id = maintenance_team_members.organization_id AND t.id = maintenance_team_members.team_id
                            AND ((SELECT auth.may_read_work_order(t.site_id, NULL)) OR (SELECT auth.has_permission('team.manage', t.site_id))))));
CREATE POLICY maintenance_team_members_select_operator ON app.maintenance_team_members FOR SELECT TO app_admin
  USING ((SELECT auth.is_platform_operator()));

ALTER TABLE app.technician_availability ENABLE ROW LEVEL SECURITY;
ALTER TABLE app.technician_availability FORCE ROW LEVEL SECURITY;
GRANT SELECT ON app.technician_availability TO app_user;
GRANT SELECT ON app.technician_availability TO app_admin;
CREATE POLICY technician_availability_select_own_or_planner ON app.technician_availability FOR SELECT TO app_user
  USING (organization_id = (SELECT auth.org_id()) AND (SELECT auth.partner_id()) IS NULL
         AND (user_id = (SELECT auth.user_id()) OR (SELECT auth.has_permission_anywhere('work_order.manage'))
              OR (SELECT auth.has_permission_anywhere('team.manage'))));
CREATE POLICY technician_availability_select_operator ON app.technician_availability FOR SELECT TO app_admin
  USING ((SELECT auth.is_platform_operator()));

GRANT EXECUTE ON FUNCTION auth.is_in_team(uuid, uuid) TO app_user;
GRANT USAGE ON DOMAIN app."text/calendar", app."*/*" TO anon, app_user, app_admin;
GRANT EXECUTE ON FUNCTION app.calendar_feed(text), app.calendar_ics(text) TO anon, app_user;

GRANT EXECUTE ON FUNCTION
  app.define_maintenance_team(text, uuid, boolean), app.add_team_member(uuid, uuid, timestamptz, timestamptz),
  app.end_team_member(uuid, timestamptz), app.schedule_work_order_for_team(uuid, uuid, timestamptz, timestamptz, date),
  app.my_work_orders(), app.set_availability(uuid, timestamptz, timestamptz, text, text), app.delete_availability(uuid),
  app.maintenance_calendar(timestamptz, timestamptz, uuid, uuid, uuid),
  app.issue_calendar_feed(text, uuid, uuid), app.revoke_calendar_feed(uuid), app.my_calendar_feeds()
  TO app_user;
