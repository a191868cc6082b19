-- Parts kits (migration maintenance/kits): written only by the RPCs of
-- 46_kits.sql .. 49_kit_usage.sql (SECURITY DEFINER); read as the caller.

ALTER TABLE app.work_order_template_parts ENABLE ROW LEVEL SECURITY;
ALTER TABLE app.work_order_template_parts FORCE ROW LEVEL SECURITY;
GRANT SELECT ON app.work_order_template_parts TO app_user;
GRANT SELECT ON app.work_order_template_parts TO app_admin;
CREATE POLICY work_order_template_parts_select_staff ON app.work_order_template_parts FOR SELECT TO app_user
  USING (organization_id = (SELECT auth.org_id()) AND (SELECT auth.partner_id()) IS NULL
         AND ((SELECT auth.has_permission_anywhere('work_order.read'))
              OR (SELECT auth.has_permission_anywhere('work_order.manage'))));
CREATE POLICY work_order_template_parts_select_operator ON app.work_order_template_parts FOR SELECT TO app_admin
  USING ((SELECT auth.is_platform_operator()));

ALTER TABLE app.work_order_parts ENABLE ROW LEVEL SECURITY;
ALTER TABLE app.work_order_parts FORCE ROW LEVEL SECURITY;
GRANT SELECT ON app.work_order_parts TO app_user;
GRANT SELECT ON app.work_order_parts TO app_admin;
CREATE POLICY work_order_parts_select_reader ON app.work_order_parts FOR SELECT TO app_user
  USING (organization_id = (SELECT auth.org_id())
         AND EXISTS (SELECT FROM app.work_orders AS w WHERE w.organization_id = work_order_parts.organization_id AND w.id = work_order_parts.work_order_id));
CREATE POLICY work_order_parts_select_operator ON app.work_order_parts FOR SELECT TO app_admin
  USING ((SELECT auth.is_platform_operator()));

GRANT SELECT ON app.work_order_kit_shortages TO app_user, app_admin;
GRANT EXECUTE ON FUNCTION auth.work_order_part_supply(uuid, uuid) TO app_user, app_admin;

GRANT EXECUTE ON FUNCTION
  app.set_work_order_template_part(uuid, uuid, numeric, text, uuid), app.remove_work_order_template_part(uuid, uuid),
  app.set_work_order_part(uuid, uuid, numeric, text, uuid), app.remove_work_order_part(uuid, uuid),
  app.record_work_order_part_usage(uuid, uuid, numeric, text)
  TO app_user;
