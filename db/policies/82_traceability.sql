-- Traceability (db/functions/82_traceability): lots, serials, genealogy and
-- quality status changes are plant-scoped like equipment: traceability.read
-- (or traceability.manage) tenant-wide, or at the row's site through a
-- site-scoped role (auth.permitted_site_ids). API roles only read them;
-- every write is an RPC that checks traceability.manage at the sites it
-- touches (app_private.lock_lot, require_trace_site). Portal users (bound to
-- a partner) see none of it. The number patterns are tenant settings:
-- every staff member reads them, traceability.manage tenant-wide changes them.

ALTER TABLE app.trace_number_patterns ENABLE ROW LEVEL SECURITY;
ALTER TABLE app.trace_number_patterns FORCE ROW LEVEL SECURITY;
GRANT SELECT ON app.trace_number_patterns TO app_user;
GRANT INSERT (organization_id, kind, pattern), UPDATE (organization_id, kind, pattern), DELETE ON app.trace_number_patterns TO app_user;
GRANT SELECT, INSERT, UPDATE, DELETE ON app.trace_number_patterns TO app_admin;
CREATE POLICY trace_number_patterns_select_staff ON app.trace_number_patterns FOR SELECT TO app_user
  USING (organization_id = (SELECT auth.org_id()) AND (SELECT auth.partner_id()) IS NULL);
CREATE POLICY trace_number_patterns_insert_manager ON app.trace_number_patterns FOR INSERT TO app_user
  WITH CHECK (organization_id = (SELECT auth.org_id()) AND (SELECT auth.check_permission('traceability.manage')));
CREATE POLICY trace_number_patterns_update_manager ON app.trace_number_patterns FOR UPDATE TO app_user
  USING (organization_id = (SELECT auth.org_id()) AND (SELECT auth.has_permission('traceability.manage')))
  WITH CHECK (organization_id = (SELECT auth.org_id()));
CREATE POLICY trace_number_patterns_delete_manager ON app.trace_number_patterns FOR DELETE TO app_user
  USING (organization_id = (SELECT auth.org_id()) AND (SELECT auth.has_permission('traceability.manage')));
CREATE POLICY trace_number_patterns_all_operator ON app.trace_number_patterns FOR ALL TO app_admin
  USING ((SELECT auth.is_platform_operator())) WITH CHECK ((SELECT auth.is_platform_operator()));

ALTER TABLE app.lots ENABLE ROW LEVEL SECURITY;
ALTER TABLE app.lots FORCE ROW LEVEL SECURITY;
GRANT SELECT ON app.lots TO app_user;
GRANT SELECT ON app.lots TO app_admin;
CREATE POLICY lots_select_reader ON app.lots FOR SELECT TO app_user
  USING (organization_id = (SELECT auth.org_id()) AND (SELECT auth.partner_id()) IS NULL
         AND ((SELECT auth.has_permission('traceability.read'))
              OR site_id = ANY ((SELECT auth.permitted_site_ids('traceability.read'))::uuid[])));
CREATE POLICY lots_select_operator ON app.lots FOR SELECT TO app_admin
  USING ((SELECT auth.is_platform_operator()));

ALTER TABLE app.serials ENABLE ROW LEVEL SECURITY;
ALTER TABLE app.serials FORCE ROW LEVEL SECURITY;
GRANT SELECT ON app.serials TO app_user;
GRANT SELECT ON app.serials TO app_admin;
CREATE POLICY serials_select_reader ON app.serials FOR SELECT TO app_user
  USING (organization_id = (SELECT auth.org_id()) AND (SELECT auth.partner_id()) IS NULL
         AND ((SELECT auth.has_permission('traceability.read'))
              OR site_id = ANY ((SELECT auth.permitted_site_ids('traceability.read'))::uuid[])));
CREATE POLICY serials_select_operator ON app.serials FOR SELECT TO app_admin
  USING ((SELECT auth.is_platform_operator()));

ALTER TABLE app.genealogy_edges ENABLE ROW LEVEL SECURITY;
ALTER TABLE app.genealogy_edges FORCE ROW LEVEL SECURITY;
GRANT SELECT ON app.genealogy_edges TO app_user;
GRANT SELECT ON app.genealogy_edges TO app_admin;
CREATE POLICY genealogy_edges_select_reader ON app.genealogy_edges FOR SELECT TO app_user
  USING (organization_id = (SELECT auth.org_id()) AND (SELECT auth.partner_id()) IS NULL
         AND ((SELECT auth.has_permission('traceability.read'))
              OR site_id = ANY ((SELECT auth.permitted_site_ids('traceability.read'))::uuid[])));
CREATE POLICY genealogy_edges_select_operator ON app.genealogy_edges FOR SELECT TO app_admin
  USING ((SELECT auth.is_platform_operator()));

ALTER TABLE app.trace_status_changes ENABLE ROW LEVEL SECURITY;
ALTER TABLE app.trace_status_changes FORCE ROW LEVEL SECURITY;
GRANT SELECT ON app.trace_status_changes TO app_user;
GRANT SELECT ON app.trace_status_changes TO app_admin;
CREATE POLICY trace_status_changes_select_reader ON app.trace_status_changes FOR SELECT TO app_user
  USING (organization_id = (SELECT auth.org_id()) AND (SELECT auth.partner_id()) IS NULL
         AND ((SELECT auth.has_permission('traceability.read'))
              OR site_id = ANY ((SELECT auth.permitted_site_ids('traceability.read'))::uuid[])));
CREATE POLICY trace_status_changes_select_operator ON app.trace_status_changes FOR SELECT TO app_admin
  USING ((SELECT auth.is_platform_operator()));

GRANT EXECUTE ON FUNCTION
  app.create_lots(uuid, uuid, numeric, text, integer, text, uuid, uuid, text, app.trace_quality_status, timestamptz, timestamptz),
  app.create_serials(uuid, uuid, integer, uuid, uuid, app.trace_quality_status, timestamptz),
  app.record_consumption(jsonb, uuid, uuid),
  app.set_lot_quality_status(uuid, app.trace_quality_status, text), app.set_lot_custom_fields(uuid, jsonb),
  app.set_serial_quality_status(uuid, app.trace_quality_status, text),
  app.trace_forward(uuid, integer), app.trace_backward(uuid, integer), app.recall_simulation(uuid, integer)
  TO app_user;
-- The completeness checks the walks make as their caller (40_trace.sql): counts only.
GRANT EXECUTE ON FUNCTION auth.trace_reach_count(uuid, boolean, integer), auth.recall_shipment_line_count(uuid[]),
  auth.require_complete_trace(integer, integer, text) TO app_user, app_admin;
