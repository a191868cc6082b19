-- Control plans, inspections and SPC (db/functions/80_quality/40_control_plans.sql,
-- 42_inspections.sql, 54_spc_charts.sql) are plant-scoped like lots and
-- equipment: control plans, their steps, characteristics and gauge studies
-- are read with control_plan.read (or .manage), inspections, measurements,
-- subgroups, baselines and signals with inspection.read (or .record),
-- tenant-wide or at the row's site through a site-scoped role
-- (auth.permitted_site_ids). API roles only read them; every write is an RPC
-- that checks control_plan.manage / inspection.record / inspection.approve
-- at the row's site. Portal users (bound to a partner) see none of it.

ALTER TABLE app.control_plans ENABLE ROW LEVEL SECURITY;
ALTER TABLE app.control_plans FORCE ROW LEVEL SECURITY;
GRANT SELECT ON app.control_plans TO app_user;
GRANT SELECT ON app.control_plans TO app_admin;
CREATE POLICY control_plans_select_reader ON app.control_plans FOR SELECT TO app_user
  USING (organization_id = (SELECT auth.org_id()) AND (SELECT auth.partner_id()) IS NULL
         AND ((SELECT auth.has_permission('control_plan.read')) OR (SELECT auth.has_permission('control_plan.manage'))
              OR site_id = ANY ((SELECT auth.permitted_site_ids('control_plan.read'))::uuid[])
              OR site_id = ANY ((SELECT auth.permitted_site_ids('control_plan.manage'))::uuid[])));
CREATE POLICY control_plans_select_operator ON app.control_plans FOR SELECT TO app_admin
  USING ((SELECT auth.is_platform_operator()));

ALTER TABLE app.control_plan_steps ENABLE ROW LEVEL SECURITY;
ALTER TABLE app.control_plan_steps FORCE ROW LEVEL SECURITY;
GRANT SELECT ON app.control_plan_steps TO app_user;
GRANT SELECT ON app.control_plan_steps TO app_admin;
CREATE POLICY control_plan_steps_select_reader ON app.control_plan_steps FOR SELECT TO app_user
  USING (organization_id = (SELECT auth.org_id()) AND (SELECT auth.partner_id()) IS NULL
         AND ((SELECT auth.has_permission('control_plan.read')) OR (SELECT auth.has_permission('control_plan.manage'))
              OR site_id = ANY ((SELECT auth.permitted_site_ids('control_plan.read'))::uuid[])
              OR site_id = ANY ((SELECT auth.permitted_site_ids('control_plan.manage'))::uuid[])));
CREATE POLICY control_plan_steps_select_operator ON app.control_plan_steps FOR SELECT TO app_admin
  USING ((SELECT auth.is_platform_operator()));

ALTER TABLE app.characteristics ENABLE ROW LEVEL SECURITY;
ALTER TABLE app.characteristics FORCE ROW LEVEL SECURITY;
GRANT SELECT ON app.characteristics TO app_user;
GRANT SELECT ON app.characteristics TO app_admin;
CREATE POLICY characteristics_select_reader ON app.characteristics FOR SELECT TO app_user
  USING (organization_id = (SELECT auth.org_id()) AND (SELECT auth.partner_id()) IS NULL
         AND ((SELECT auth.has_permission('control_plan.read')) OR (SELECT auth.has_permission('control_plan.manage'))
              OR site_id = ANY ((SELECT auth.permitted_site_ids('control_plan.read'))::uuid[])
              OR site_id = ANY ((SELECT auth.permitted_site_ids('control_plan.manage'))::uuid[])));
CREATE POLICY characteristics_select_operator ON app.characteristics FOR SELECT TO app_admin
  USING ((SELECT auth.is_platform_operator()));

ALTER TABLE app.gauge_studies ENABLE ROW LEVEL SECURITY;
ALTER TABLE app.gauge_studies FORCE ROW LEVEL SECURITY;
GRANT SELECT ON app.gauge_studies TO app_user;
GRANT SELECT ON app.gauge_studies TO app_admin;
CREATE POLICY gauge_studies_select_reader ON app.gauge_studies FOR SELECT TO app_user
  USING (organization_id = (SELECT auth.org_id()) AND (SELECT auth.partner_id()) IS NULL
         AND ((SELECT auth.has_permission('control_plan.read')) OR (SELECT auth.has_permission('control_plan.manage'))
              OR site_id = ANY ((SELECT auth.permitted_site_ids('control_plan.read'))::uuid[])
              OR site_id = ANY ((SELECT auth.permitted_site_ids('control_plan.manage'))::uuid[])));
CREATE POLICY gauge_studies_select_operator ON app.gauge_studies FOR SELECT TO app_admin
  USING ((SELECT auth.is_platform_operator()));

ALTER TABLE app.gauge_study_readings ENABLE ROW LEVEL SECURITY;
ALTER TABLE app.gauge_study_readings FORCE ROW LEVEL SECURITY;
GRANT SELECT ON app.gauge_study_readings TO app_user;
GRANT SELECT ON app.gauge_study_readings TO app_admin;
CREATE POLICY gauge_study_readings_select_reader ON app.gauge_study_readings FOR SELECT TO app_user
  USING (organization_id = (SELECT auth.org_id()) AND (SELECT auth.partner_id()) IS NULL
         AND ((SELECT auth.has_permission('control_plan.read')) OR (SELECT auth.has_permission('control_plan.manage'))
              OR site_id = ANY ((SELECT auth.permitted_site_ids('control_plan.read'))::uuid[])
              OR site_id = ANY ((SELECT auth.permitted_site_ids('control_plan.manage'))::uuid[])));
CREATE POLICY gauge_study_readings_select_operator ON app.gauge_study_readings FOR SELECT TO app_admin
  USING ((SELECT auth.is_platform_operator()));

ALTER TABLE app.inspections ENABLE ROW LEVEL SECURITY;
ALTER TABLE app.inspections FORCE ROW LEVEL SECURITY;
GRANT SELECT ON app.inspections TO app_user;
GRANT SELECT ON app.inspections TO app_admin;
CREATE POLICY inspections_select_reader ON app.inspections FOR SELECT TO app_user
  USING (organization_id = (SELECT auth.org_id()) AND (SELECT auth.partner_id()) IS NULL
         AND ((SELECT auth.has_permission('inspection.read')) OR (SELECT auth.has_permission('inspection.record'))
              OR site_id = ANY ((SELECT auth.permitted_site_ids('inspection.read'))::uuid[])
              OR site_id = ANY ((SELECT auth.permitted_site_ids('inspection.record'))::uuid[])));
CREATE POLICY inspections_select_operator ON app.inspections FOR SELECT TO app_admin
  USING ((SELECT auth.is_platform_operator()));

ALTER TABLE app.inspection_characteristics ENABLE ROW LEVEL SECURITY;
ALTER TABLE app.inspection_characteristics FORCE ROW LEVEL SECURITY;
GRANT SELECT ON app.inspection_characteristics TO app_user;
GRANT SELECT ON app.inspection_characteristics TO app_admin;
CREATE POLICY inspection_characteristics_select_reader ON app.inspection_characteristics FOR SELECT TO app_user
  USING (organization_id = (SELECT auth.org_id()) AND (SELECT auth.partner_id()) IS NULL
         AND ((SELECT auth.has_permission('inspection.read')) OR (SELECT auth.has_permission('inspection.record'))
              OR site_id = ANY ((SELECT auth.permitted_site_ids('inspection.read'))::uuid[])
              OR site_id = ANY ((SELECT auth.permitted_site_ids('inspection.record'))::uuid[])));
CREATE POLICY inspection_characteristics_select_operator ON app.inspection_characteristics FOR SELECT TO app_admin
  USING ((SELECT auth.is_platform_operator()));

ALTER TABLE app.measurements ENABLE ROW LEVEL SECURITY;
ALTER TABLE app.measurements FORCE ROW LEVEL SECURITY;
GRANT SELECT ON app.measurements TO app_user;
GRANT SELECT ON app.measurements TO app_admin;
CREATE POLICY measurements_select_reader ON app.measurements FOR SELECT TO app_user
  USING (organization_id = (SELECT auth.org_id()) AND (SELECT auth.partner_id()) IS NULL
         AND ((SELECT auth.has_permission('inspection.read')) OR (SELECT auth.has_permission('inspection.record'))
              OR site_id = ANY ((SELECT auth.permitted_site_ids('inspection.read'))::uuid[])
              OR site_id = ANY ((SELECT auth.permitted_site_ids('inspection.record'))::uuid[])));
CREATE POLICY measurements_select_operator ON app.measurements FOR SELECT TO app_admin
  USING ((SELECT auth.is_platform_operator()));

ALTER TABLE app.spc_subgroups ENABLE ROW LEVEL SECURITY;
ALTER TABLE app.spc_subgroups FORCE ROW LEVEL SECURITY;
GRANT SELECT ON app.spc_subgroups TO app_user;
GRANT SELECT ON app.spc_subgroups TO app_admin;
CREATE POLICY spc_subgroups_select_reader ON app.spc_subgroups FOR SELECT TO app_user
  USING (organization_id = (SELECT auth.org_id()) AND (SELECT auth.partner_id()) IS NULL
         AND ((SELECT auth.has_permission('inspection.read')) OR (SELECT auth.has_permission('inspection.record'))
              OR site_id = ANY ((SELECT auth.permitted_site_ids('inspection.read'))::uuid[])
              OR site_id = ANY ((SELECT auth.permitted_site_ids('inspection.record'))::uuid[])));
CREATE POLICY spc_subgroups_select_operator ON app.spc_subgroups FOR SELECT TO app_admin
  USING ((SELECT auth.is_platform_operator()));

ALTER TABLE app.spc_baselines ENABLE ROW LEVEL SECURITY;
ALTER TABLE app.spc_baselines FORCE ROW LEVEL SECURITY;
GRANT SELECT ON app.spc_baselines TO app_user;
GRANT SELECT ON app.spc_baselines TO app_admin;
CREATE POLICY spc_baselines_select_reader ON app.spc_baselines FOR SELECT TO app_user
  USING (organization_id = (SELECT auth.org_id()) AND (SELECT auth.partner_id()) IS NULL
         AND ((SELECT auth.has_permission('inspection.read')) OR (SELECT auth.has_permission('inspection.record'))
              OR site_id = ANY ((SELECT auth.permitted_site_ids('inspection.read'))::uuid[])
              OR site_id = ANY ((SELECT auth.permitted_site_ids('inspection.record'))::uuid[])));
CREATE POLICY spc_baselines_select_operator ON app.spc_baselines FOR SELECT TO app_admin
  USING ((SELECT auth.is_platform_operator()));

ALTER TABLE app.spc_signals ENABLE ROW LEVEL SECURITY;
ALTER TABLE app.spc_signals FORCE ROW LEVEL SECURITY;
GRANT SELECT ON app.spc_signals TO app_user;
GRANT SELECT ON app.spc_signals TO app_admin;
CREATE POLICY spc_signals_select_reader ON app.spc_signals FOR SELECT TO app_user
  USING (organization_id = (SELECT auth.org_id()) AND (SELECT auth.partner_id()) IS NULL
         AND ((SELECT auth.has_permission('inspection.read')) OR (SELECT auth.has_permission('inspection.record'))
              OR site_id = ANY ((SELECT auth.permitted_site_ids('inspection.read'))::uuid[])
              OR site_id = ANY ((SELECT auth.permitted_site_ids('inspection.record'))::uuid[])));
CREATE POLICY spc_signals_select_operator ON app.spc_signals FOR SELECT TO app_admin
  USING ((SELECT auth.is_platform_operator()));

-- AS9102 form 2 lines of a first article: read like their inspection; written by the RPCs.
ALTER TABLE app.fai_form2_items ENABLE ROW LEVEL SECURITY;
ALTER TABLE app.fai_form2_items FORCE ROW LEVEL SECURITY;
GRANT SELECT ON app.fai_form2_items TO app_user;
GRANT SELECT ON app.fai_form2_items TO app_admin;
CREATE POLICY fai_form2_items_select_reader ON app.fai_form2_items FOR SELECT TO app_user
  USING (organization_id = (SELECT auth.org_id()) AND (SELECT auth.partner_id()) IS NULL
         AND ((SELECT auth.has_permission('inspection.read')) OR (SELECT auth.has_permission('inspection.record'))
              OR site_id = ANY ((SELECT auth.permitted_site_ids('inspection.read'))::uuid[])
              OR site_id = ANY ((SELECT auth.permitted_site_ids('inspection.record'))::uuid[])));
CREATE POLICY fai_form2_items_select_operator ON app.fai_form2_items FOR SELECT TO app_admin
  USING ((SELECT auth.is_platform_operator()));

GRANT SELECT ON app.inspection_fpy TO app_user, app_admin;

GRANT EXECUTE ON FUNCTION
  app.create_control_plan(uuid, uuid, text, uuid),
  app.add_control_plan_step(uuid, integer, text),
  app.add_characteristic(uuid, text, app.characteristic_kind, app.spc_chart_type, text, integer, numeric, numeric, numeric, text, text, text, uuid, integer),
  app.approve_control_plan(uuid), app.obsolete_control_plan(uuid),
  app.record_gauge_study(uuid, uuid, text, jsonb),
  app.open_inspection(uuid, app.inspection_kind, uuid, uuid, text, text),
  app.record_measurement(uuid, uuid, numeric, boolean, uuid, timestamptz),
  app.record_measurements(uuid, uuid, numeric[], uuid),
  app.complete_inspection(uuid), app.decide_inspection(uuid, boolean, text),
  app.fai_report(uuid), app.set_fai_details(uuid, text, text, text, text),
  app.add_fai_form2_item(uuid, text, text, text, text, uuid, text, text, text, uuid, text, text), app.remove_fai_form2_item(uuid),
  app.approve_spc_baseline(uuid, integer, integer, text, text),
  app.spc_chart(uuid, integer),
  app.close_spc_signal(uuid, text, text)
  TO app_user;
