-- Maintenance work (db/functions/90_maintenance/70_* .. 80_*): work orders
-- and what hangs off them are plant-scoped: staff read them with any
-- work_order.* permission tenant-wide or at the work order's
-- site (auth.may_read_work_order); a portal user bound to the contractor
-- the work order is given to reads it (work_order.read), its
-- assets, labour and charges, nothing else. Work requests are read by
-- planners (work_request.manage at the asset's site) and by the
-- member who asked. API roles only read; every write is an RPC. Anonymous
-- callers reach two RPCs: the QR code's asset name and submitting a request.

ALTER TABLE app.work_order_templates ENABLE ROW LEVEL SECURITY;
ALTER TABLE app.work_order_templates FORCE ROW LEVEL SECURITY;
GRANT SELECT ON app.work_order_templates TO app_user;
GRANT SELECT ON app.work_order_templates TO app_admin;
CREATE POLICY work_order_templates_select_staff ON app.work_order_templates FOR SELECT TO app_user
  USING (organization_id = (SELECT auth.org_id()) AND (SELECT auth.partner_id()) IS NULL
         AND ((SELECT auth.has_permission_anywhere('work_order.read'))
              OR (SELECT auth.has_permission_anywhere('work_order.manage'))));
CREATE POLICY work_order_templates_select_operator ON app.work_order_templates FOR SELECT TO app_admin
  USING ((SELECT auth.is_platform_operator()));

ALTER TABLE app.work_requests ENABLE ROW LEVEL SECURITY;
ALTER TABLE app.work_requests FORCE ROW LEVEL SECURITY;
GRANT SELECT ON app.work_requests TO app_user;
GRANT SELECT ON app.work_requests TO app_admin;
CREATE POLICY work_requests_select_planner_or_requester ON app.work_requests FOR SELECT TO app_user
  USING (organization_id = (SELECT auth.org_id()) AND (SELECT auth.partner_id()) IS NULL
         AND ((SELECT auth.has_permission('work_request.manage', site_id)) OR requested_by = (SELECT auth.user_id())));
CREATE POLICY work_requests_select_operator ON app.work_requests FOR SELECT TO app_admin
  USING ((SELECT auth.is_platform_operator()));

ALTER TABLE app.work_orders ENABLE ROW LEVEL SECURITY;
ALTER TABLE app.work_orders FORCE ROW LEVEL SECURITY;
GRANT SELECT ON app.work_orders TO app_user;
GRANT SELECT ON app.work_orders TO app_admin;
CREATE POLICY work_orders_select_reader ON app.work_orders FOR SELECT TO app_user
  USING (organization_id = (SELECT auth.org_id()) AND (SELECT auth.may_read_work_order(site_id, contractor_id)));
CREATE POLICY work_orders_select_operator ON app.work_orders FOR SELECT TO app_admin
  USING ((SELECT auth.is_platform_operator()));

ALTER TABLE app.work_order_assets ENABLE ROW LEVEL SECURITY;
ALTER TABLE app.work_order_assets FORCE ROW LEVEL SECURITY;
GRANT SELECT ON app.work_order_assets TO app_user;
GRANT SELECT ON app.work_order_assets TO app_admin;
CREATE POLICY work_order_assets_select_reader ON app.work_order_assets FOR SELECT TO app_user
  USING (organization_id = (SELECT auth.org_id())
         AND EXISTS (SELECT FROM app.work_orders AS w WHERE w.organization_id = work_order_assets.organization_id AND w.id = work_order_assets.work_order_id));
CREATE POLICY work_order_assets_select_operator ON app.work_order_assets FOR SELECT TO app_admin
  USING ((SELECT auth.is_platform_operator()));

ALTER TABLE app.labour_rates ENABLE ROW LEVEL SECURITY;
ALTER TABLE app.labour_rates FORCE ROW LEVEL SECURITY;
GRANT SELECT ON app.labour_rates TO app_user;
GRANT SELECT ON app.labour_rates TO app_admin;
CREATE POLICY labour_rates_select_manager ON app.labour_rates FOR SELECT TO app_user
  USING (organization_id = (SELECT auth.org_id()) AND (SELECT auth.has_permission('work_order.manage')));
CREATE POLICY labour_rates_select_operator ON app.labour_rates FOR SELECT TO app_admin
  USING ((SELECT auth.is_platform_operator()));

ALTER TABLE app.labour_entries ENABLE ROW LEVEL SECURITY;
ALTER TABLE app.labour_entries FORCE ROW LEVEL SECURITY;
-- Rates and costs are work_order.manage's (as app.labour_rates) and each
-- person's own: the API role reads every other column here and those two
-- through app.labour_entry_costs (db/functions/90_maintenance/80_labour_costs.sql).
REVOKE SELECT ON app.labour_entries FROM app_user;
GRANT SELECT (organization_id, id, work_order_id, user_id, started_at, ended_at, hours, currency, site_id, note, recorded_by, created_at,
              reverses_id, reversal_reason) ON app.labour_entries TO app_user;
GRANT SELECT ON app.labour_entries TO app_admin;
GRANT SELECT ON app.labour_entry_costs TO app_user, app_admin;
GRANT EXECUTE ON FUNCTION auth.may_see_labour_cost(uuid, uuid) TO app_user, app_admin;
-- Staff read the labour of the work orders they read; a contractor's portal
-- user only their own entries on their company's work orders (never the
-- staff's names, hours, rates and costs).
CREATE POLICY labour_entries_select_reader ON app.labour_entries FOR SELECT TO app_user
  USING (organization_id = (SELECT auth.org_id())
         AND ((SELECT auth.partner_id()) IS NULL OR user_id = (SELECT auth.user_id()))
         AND EXISTS (SELECT FROM app.work_orders AS w WHERE w.organization_id = labour_entries.organization_id AND w.id = labour_entries.work_order_id));
CREATE POLICY labour_entries_select_operator ON app.labour_entries FOR SELECT TO app_admin
  USING ((SELECT auth.is_platform_operator()));

ALTER TABLE app.contractor_charges ENABLE ROW LEVEL SECURITY;
ALTER TABLE app.contractor_charges FORCE ROW LEVEL SECURITY;
GRANT SELECT ON app.contractor_charges TO app_user;
GRANT SELECT ON app.contractor_charges TO app_admin;
CREATE POLICY contractor_charges_select_reader ON app.contractor_charges FOR SELECT TO app_user
  USING (organization_id = (SELECT auth.org_id())
         AND EXISTS (SELECT FROM app.work_orders AS w WHERE w.organization_id = contractor_charges.organization_id AND w.id = contractor_charges.work_order_id));
CREATE POLICY contractor_charges_select_operator ON app.contractor_charges FOR SELECT TO app_admin
  USING ((SELECT auth.is_platform_operator()));

GRANT SELECT ON app.work_order_cost_lines, app.work_order_costs, app.asset_maintenance_costs TO app_user, app_admin;

GRANT EXECUTE ON FUNCTION auth.may_read_work_order(uuid, uuid) TO app_user, app_admin;

GRANT EXECUTE ON FUNCTION app.work_request_asset(text), app.submit_work_request(text, text, text, text) TO anon, app_user;

GRANT EXECUTE ON FUNCTION
  app.issue_work_request_token(uuid), app.revoke_work_request_token(uuid), app.request_work(uuid, text, text),
  app.decide_work_request(uuid, boolean, text), app.convert_work_request(uuid, app.work_order_type, integer, uuid, boolean),
  app.create_work_order(uuid, app.work_order_type, text, text, integer, uuid, date, boolean),
  app.schedule_work_order(uuid, uuid, timestamptz, timestamptz, date), app.assign_work_order_contractor(uuid, uuid),
  app.add_work_order_asset(uuid, uuid), app.transition_work_order(uuid, text, text),
  app.define_work_order_template(text, text, app.work_order_type, text, text, numeric, text, boolean),
  app.set_labour_rate(numeric, text, uuid, text), app.log_labour(uuid, timestamptz, timestamptz, numeric, uuid, text),
  app.reverse_labour(uuid, text),
  app.add_contractor_charge(uuid, uuid, numeric, text, text), app.record_work_order_stop(uuid, text, timestamptz, timestamptz, text),
  app.search_work_orders(text), app.set_work_order_failure_codes(uuid, text, text, text),
  app.set_work_order_custom_fields(uuid, jsonb)
  TO app_user;
