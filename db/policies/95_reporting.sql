-- Reporting (db/functions/95_reporting/): who reads and writes report
-- sources, definitions, executions and dashboards. Reports are for staff
-- (not portal users) holding report.use; sharing needs report.manage
-- (_200_prepare); what a report shows is decided again by its source's
-- row-level security, as the requester (app_private.report_execution_start).

ALTER TABLE app.report_sources ENABLE ROW LEVEL SECURITY;
ALTER TABLE app.report_sources FORCE ROW LEVEL SECURITY;
GRANT SELECT ON app.report_sources TO app_user, app_admin;
CREATE POLICY report_sources_select_everyone ON app.report_sources FOR SELECT TO app_user, app_admin
  USING (true);

ALTER TABLE app.report_definitions ENABLE ROW LEVEL SECURITY;
ALTER TABLE app.report_definitions FORCE ROW LEVEL SECURITY;
GRANT SELECT ON app.report_definitions TO app_user, app_admin;
GRANT INSERT (organization_id, name, description, source_key, columns, filters, sort, row_limit, parameters, visibility),
      UPDATE (name, description, source_key, columns, filters, sort, row_limit, parameters, visibility), DELETE
   ON app.report_definitions TO app_user;
GRANT INSERT (id), UPDATE (organization_id, id, owner_id) ON app.report_definitions TO app_user;
CREATE POLICY report_definitions_select_user ON app.report_definitions FOR SELECT TO app_user
  USING (organization_id = (SELECT auth.org_id()) AND (SELECT auth.partner_id()) IS NULL
         AND (SELECT auth.has_permission_anywhere('report.use'))
         AND (owner_id = (SELECT auth.user_id()) OR visibility = 'shared'));
CREATE POLICY report_definitions_insert_user ON app.report_definitions FOR INSERT TO app_user
  WITH CHECK (organization_id = (SELECT auth.org_id()) AND (SELECT auth.partner_id()) IS NULL
              AND owner_id = (SELECT auth.user_id()) AND (SELECT auth.has_permission_anywhere('report.use')));
CREATE POLICY report_definitions_update_owner ON app.report_definitions FOR UPDATE TO app_user
  USING (organization_id = (SELECT auth.org_id()) AND (SELECT auth.partner_id()) IS NULL
         AND (SELECT auth.has_permission_anywhere('report.use'))
         AND (owner_id = (SELECT auth.user_id()) OR visibility = 'shared' AND (SELECT auth.has_permission('report.manage'))))
  WITH CHECK (organization_id = (SELECT auth.org_id()));
CREATE POLICY report_definitions_delete_owner ON app.report_definitions FOR DELETE TO app_user
  USING (organization_id = (SELECT auth.org_id()) AND (SELECT auth.partner_id()) IS NULL
         AND (SELECT auth.has_permission_anywhere('report.use'))
         AND (owner_id = (SELECT auth.user_id()) OR visibility = 'shared' AND (SELECT auth.has_permission('report.manage'))));
CREATE POLICY report_definitions_select_operator ON app.report_definitions FOR SELECT TO app_admin
  USING ((SELECT auth.is_platform_operator()));

ALTER TABLE app.report_executions ENABLE ROW LEVEL SECURITY;
ALTER TABLE app.report_executions FORCE ROW LEVEL SECURITY;
GRANT SELECT ON app.report_executions TO app_user, app_admin;
CREATE POLICY report_executions_select_requester ON app.report_executions FOR SELECT TO app_user
  USING (organization_id = (SELECT auth.org_id()) AND requested_by = (SELECT auth.user_id()));
CREATE POLICY report_executions_select_operator ON app.report_executions FOR SELECT TO app_admin
  USING ((SELECT auth.is_platform_operator()));

ALTER TABLE app.dashboards ENABLE ROW LEVEL SECURITY;
ALTER TABLE app.dashboards FORCE ROW LEVEL SECURITY;
GRANT SELECT ON app.dashboards TO app_user, app_admin;
GRANT INSERT (organization_id, name, description, layout, visibility), UPDATE (name, description, layout, visibility), DELETE
   ON app.dashboards TO app_user;
GRANT INSERT (id), UPDATE (organization_id, id, owner_id) ON app.dashboards TO app_user;
CREATE POLICY dashboards_select_user ON app.dashboards FOR SELECT TO app_user
  USING (organization_id = (SELECT auth.org_id()) AND (SELECT auth.partner_id()) IS NULL
         AND (SELECT auth.has_permission_anywhere('report.use'))
         AND (owner_id = (SELECT auth.user_id()) OR visibility = 'shared'));
CREATE POLICY dashboards_insert_user ON app.dashboards FOR INSERT TO app_user
  WITH CHECK (organization_id = (SELECT auth.org_id()) AND (SELECT auth.partner_id()) IS NULL
              AND owner_id = (SELECT auth.user_id()) AND (SELECT auth.has_permission_anywhere('report.use')));
CREATE POLICY dashboards_update_owner ON app.dashboards FOR UPDATE TO app_user
  USING (organization_id = (SELECT auth.org_id()) AND (SELECT auth.partner_id()) IS NULL
         AND (SELECT auth.has_permission_anywhere('report.use'))
         AND (owner_id = (SELECT auth.user_id()) OR visibility = 'shared' AND (SELECT auth.has_permission('report.manage'))))
  WITH CHECK (organization_id = (SELECT auth.org_id()));
CREATE POLICY dashboards_delete_owner ON app.dashboards FOR DELETE TO app_user
  USING (organization_id = (SELECT auth.org_id()) AND (SELECT auth.partner_id()) IS NULL
         AND (SELECT auth.has_permission_anywhere('report.use'))
         AND (owner_id = (SELECT auth.user_id()) OR visibility = 'shared' AND (SELECT auth.has_permission('report.manage'))));
CREATE POLICY dashboards_select_operator ON app.dashboards FOR SELECT TO app_admin
  USING ((SELECT auth.is_platform_operator()));

GRANT EXECUTE ON FUNCTION auth.has_permission_anywhere(text) TO app_user, app_admin;
GRANT EXECUTE ON FUNCTION app.run_report(uuid, jsonb, text), app.report_execution_url(uuid, integer) TO app_user;

-- Production KPIs (95_reporting/50_production_runs.sql .. 54_quality_kpis.sql).
-- Ideal cycle times and production runs hang off a machine and are
-- plant-scoped like it: read with equipment.read, ideal cycle times written
-- with equipment.manage, runs with production.record, tenant-wide or at the
-- row's site (the machine's).
ALTER TABLE app.ideal_cycle_times ENABLE ROW LEVEL SECURITY;
ALTER TABLE app.ideal_cycle_times FORCE ROW LEVEL SECURITY;
GRANT SELECT, DELETE ON app.ideal_cycle_times TO app_user;
GRANT INSERT (organization_id, equipment_id, part_id, part_revision_id, cycle_seconds, notes),
      UPDATE (cycle_seconds, notes) ON app.ideal_cycle_times TO app_user;
GRANT INSERT (id), UPDATE (organization_id, id, equipment_id, part_id, part_revision_id) ON app.ideal_cycle_times TO app_user;
GRANT SELECT, INSERT, UPDATE, DELETE ON app.ideal_cycle_times TO app_admin;
CREATE POLICY ideal_cycle_times_select_reader ON app.ideal_cycle_times FOR SELECT TO app_user
  USING (organization_id = (SELECT auth.org_id()) AND (SELECT auth.partner_id()) IS NULL
         AND EXISTS (SELECT FROM app.equipment AS e WHERE e.organization_id = ideal_cycle_times.organization_id AND e.id = ideal_cycle_times.equipment_id
                        AND ((SELECT auth.has_permission('equipment.read'))
                             OR e.site_id = ANY ((SELECT auth.permitted_site_ids('equipment.read'))::uuid[]))));
CREATE POLICY ideal_cycle_times_insert_manager ON app.ideal_cycle_times FOR INSERT TO app_user
  WITH CHECK (organization_id = (SELECT auth.org_id())
              AND EXISTS (SELECT FROM app.equipment AS e WHERE e.organization_id = ideal_cycle_times.organization_id
                             AND e.id = ideal_cycle_times.equipment_id AND ((SELECT auth.has_permission('equipment.manage'))
                                  OR e.site_id = ANY ((SELECT auth.permitted_site_ids('equipment.manage'))::uuid[]))));
CREATE POLICY ideal_cycle_times_update_manager ON app.ideal_cycle_times FOR UPDATE TO app_user
  USING (organization_id = (SELECT auth.org_id())
         AND EXISTS (SELECT FROM app.equipment AS e WHERE e.organization_id = ideal_cycle_times.organization_id
                        AND e.id = ideal_cycle_times.equipment_id AND ((SELECT auth.has_permission('equipment.manage'))
                                  OR e.site_id = ANY ((SELECT auth.permitted_site_ids('equipment.manage'))::uuid[]))))
  WITH CHECK (organization_id = (SELECT auth.org_id()));
CREATE POLICY ideal_cycle_times_delete_manager ON app.ideal_cycle_times FOR DELETE TO app_user
  USING (organization_id = (SELECT auth.org_id())
         AND EXISTS (SELECT FROM app.equipment AS e WHERE e.organization_id = ideal_cycle_times.organization_id
                        AND e.id = ideal_cycle_times.equipment_id AND ((SELECT auth.has_permission('equipment.manage'))
                                  OR e.site_id = ANY ((SELECT auth.permitted_site_ids('equipment.manage'))::uuid[]))));
CREATE POLICY ideal_cycle_times_all_operator ON app.ideal_cycle_times FOR ALL TO app_admin
  USING ((SELECT auth.is_platform_operator())) WITH CHECK ((SELECT auth.is_platform_operator()));

ALTER TABLE app.production_runs ENABLE ROW LEVEL SECURITY;
ALTER TABLE app.production_runs FORCE ROW LEVEL SECURITY;
GRANT SELECT, DELETE ON app.production_runs TO app_user;
GRANT INSERT (organization_id, equipment_id, part_id, part_revision_id, scheduled_start, scheduled_end, total_count, good_count,
              startup_rejects, notes),
      UPDATE (part_id, part_revision_id, scheduled_start, scheduled_end, total_count, good_count, startup_rejects, notes)
   ON app.production_runs TO app_user;
GRANT INSERT (id), UPDATE (organization_id, id, equipment_id, site_id) ON app.production_runs TO app_user;
GRANT SELECT, INSERT, UPDATE, DELETE ON app.production_runs TO app_admin;
CREATE POLICY production_runs_select_reader ON app.production_runs FOR SELECT TO app_user
  USING (organization_id = (SELECT auth.org_id()) AND (SELECT auth.partner_id()) IS NULL
         AND ((SELECT auth.has_permission('equipment.read')) OR site_id = ANY ((SELECT auth.permitted_site_ids('equipment.read'))::uuid[])));
CREATE POLICY production_runs_insert_recorder ON app.production_runs FOR INSERT TO app_user
  WITH CHECK (organization_id = (SELECT auth.org_id())
              AND ((SELECT auth.has_permission('production.record')) OR site_id = ANY ((SELECT auth.permitted_site_ids('production.record'))::uuid[])));
CREATE POLICY production_runs_update_recorder ON app.production_runs FOR UPDATE TO app_user
  USING (organization_id = (SELECT auth.org_id())
         AND ((SELECT auth.has_permission('production.record')) OR site_id = ANY ((SELECT auth.permitted_site_ids('production.record'))::uuid[])))
  WITH CHECK (organization_id = (SELECT auth.org_id()));
CREATE POLICY production_runs_delete_recorder ON app.production_runs FOR DELETE TO app_user
  USING (organization_id = (SELECT auth.org_id())
         AND ((SELECT auth.has_permission('production.record')) OR site_id = ANY ((SELECT auth.permitted_site_ids('production.record'))::uuid[])));
CREATE POLICY production_runs_all_operator ON app.production_runs FOR ALL TO app_admin
  USING ((SELECT auth.is_platform_operator())) WITH CHECK ((SELECT auth.is_platform_operator()));

-- The KPI views filter by tenant and plant themselves (they read app_private).
GRANT SELECT ON app.production_kpi_oee, app.production_kpi_otd, app.production_kpi_scrap, app.production_kpi_fpy,
                app.production_kpi_aging, app.production_kpi_availability_losses TO app_user, app_admin;
GRANT EXECUTE ON FUNCTION app.production_run_oee(uuid), app.equipment_oee(uuid, timestamptz, timestamptz),
                          app.equipment_availability_losses(uuid, timestamptz, timestamptz) TO app_user, app_admin;

-- The quality and logistics report sources (42_dashboard_data.sql): views as their reader, read through the
-- tables' policies; widget data runs as the caller (auth.dashboard_widget_query builds and checks the query).
GRANT SELECT ON app.report_ncrs, app.report_lots, app.report_shipments, app.report_inspections, app.report_spc_signals TO app_user, app_admin;
GRANT EXECUTE ON FUNCTION auth.dashboard_widget_query(uuid, text, jsonb), app.dashboard_widget_data(uuid, text, jsonb) TO app_user;
