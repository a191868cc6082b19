-- Preventive schedules (db/functions/90_maintenance/82_* .. 84_*): plant-scoped
-- like work orders: staff read a schedule with any work_order.* permission
-- tenant-wide or at its site (auth.may_read_work_order; a contractor's
-- portal user reads none); every write is an RPC (app.define_pm_schedule,
-- app.set_pm_schedule_active) or the generator.

ALTER TABLE app.pm_schedules ENABLE ROW LEVEL SECURITY;
ALTER TABLE app.pm_schedules FORCE ROW LEVEL SECURITY;
GRANT SELECT ON app.pm_schedules TO app_user;
GRANT SELECT ON app.pm_schedules TO app_admin;
CREATE POLICY pm_schedules_select_reader ON app.pm_schedules FOR SELECT TO app_user
  USING (organization_id = (SELECT auth.org_id()) AND (SELECT auth.partner_id()) IS NULL
         AND (SELECT auth.may_read_work_order(site_id, NULL)));
CREATE POLICY pm_schedules_select_operator ON app.pm_schedules FOR SELECT TO app_admin
  USING ((SELECT auth.is_platform_operator()));

GRANT SELECT ON app.pm_schedule_compliance, app.pm_plant_compliance TO app_user, app_admin;

GRANT EXECUTE ON FUNCTION
  app.define_pm_schedule(uuid, uuid, text, text, integer, text, uuid, numeric, numeric, text, date, integer, integer, integer),
  app.set_pm_schedule_active(uuid, boolean), app.generate_pm_work_orders(), app.pm_forecast(date, date)
  TO app_user;
