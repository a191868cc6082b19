-- Maintenance assets (db/functions/90_maintenance/10_assets.sql ..
-- 30_failure_codes.sql). Assets, meters and readings hang off equipment and
-- are plant-scoped: staff read them with asset.read tenant-wide or at the
-- equipment's site (and see the equipment itself under its own policy:
-- the EXISTS reads app.equipment as the caller); asset.manage writes assets
-- and meters, meter.record adds readings (append-only). Failure codes and
-- their allowed combinations are tenant-wide lists: staff with asset.read
-- read them, asset.manage keeps them.

ALTER TABLE app.assets ENABLE ROW LEVEL SECURITY;
ALTER TABLE app.assets FORCE ROW LEVEL SECURITY;
-- No DELETE on assets, meters and failure codes (maintenance/soft_delete): an
-- asset leaves by moving its equipment to the trash, a meter or failure code
-- by moving it there (app.soft_delete); the purge-trash job deletes for good.
GRANT SELECT ON app.assets TO app_user;
GRANT INSERT (organization_id, equipment_id, level, criticality, commissioned_on, warranty_starts_on, warranty_ends_on, warranty_provider_id,
              longitude, latitude, boundary_geojson),
      UPDATE (level, criticality, commissioned_on, warranty_starts_on, warranty_ends_on, warranty_provider_id,
              longitude, latitude, boundary_geojson)
   ON app.assets TO app_user;
GRANT UPDATE (organization_id, equipment_id) ON app.assets TO app_user;
GRANT SELECT, INSERT, UPDATE ON app.assets TO app_admin;  -- no DELETE for operators either: the trash, then the purge job
CREATE POLICY assets_select_reader ON app.assets FOR SELECT TO app_user
  USING (organization_id = (SELECT auth.org_id())
         AND EXISTS (SELECT FROM app.equipment AS e WHERE e.organization_id = assets.organization_id AND e.id = assets.equipment_id
                        AND ((SELECT auth.has_permission('asset.read'))
                             OR e.site_id = ANY ((SELECT auth.permitted_site_ids('asset.read'))::uuid[]))));
-- A contractor's portal user reads the assets of the work orders given to
-- their company (work_order_assets shows only those to them: its policy
-- reads app.work_orders as the caller).
CREATE POLICY assets_select_contractor ON app.assets FOR SELECT TO app_user
  USING (organization_id = (SELECT auth.org_id()) AND (SELECT auth.partner_id()) IS NOT NULL
         AND EXISTS (SELECT FROM app.work_order_assets AS a
                      WHERE a.organization_id = assets.organization_id AND a.equipment_id = assets.equipment_id));
CREATE POLICY assets_insert_manager ON app.assets FOR INSERT TO app_user
  WITH CHECK (organization_id = (SELECT auth.org_id())
              AND EXISTS (SELECT FROM app.equipment AS e WHERE e.organization_id = assets.organization_id AND e.id = assets.equipment_id
                             AND ((SELECT auth.has_permission('asset.manage'))
                                  OR e.site_id = ANY ((SELECT auth.permitted_site_ids('asset.manage'))::uuid[]))));
CREATE POLICY assets_update_manager ON app.assets FOR UPDATE TO app_user
  USING (organization_id = (SELECT auth.org_id())
         AND EXISTS (SELECT FROM app.equipment AS e WHERE e.organization_id = assets.organization_id AND e.id = assets.equipment_id
                        AND e.deleted_at IS NULL
                        AND ((SELECT auth.has_permission('asset.manage'))
                             OR e.site_id = ANY ((SELECT auth.permitted_site_ids('asset.manage'))::uuid[]))))
  WITH CHECK (organization_id = (SELECT auth.org_id()));
CREATE POLICY assets_all_operator ON app.assets FOR ALL TO app_admin
  USING ((SELECT auth.is_platform_operator())) WITH CHECK ((SELECT auth.is_platform_operator()));

ALTER TABLE app.meters ENABLE ROW LEVEL SECURITY;
ALTER TABLE app.meters FORCE ROW LEVEL SECURITY;
GRANT SELECT ON app.meters TO app_user;
GRANT INSERT (organization_id, equipment_id, name, unit, is_active), UPDATE (name, unit, is_active) ON app.meters TO app_user;
GRANT INSERT (id), UPDATE (organization_id, id, equipment_id) ON app.meters TO app_user;
GRANT SELECT, INSERT, UPDATE ON app.meters TO app_admin;  -- no DELETE for operators either: the trash, then the purge job
CREATE POLICY meters_select_reader ON app.meters FOR SELECT TO app_user
  USING (organization_id = (SELECT auth.org_id()) AND (deleted_at IS NULL OR (SELECT auth.has_permission('trash.manage')))
         AND EXISTS (SELECT FROM app.equipment AS e WHERE e.organization_id = meters.organization_id AND e.id = meters.equipment_id
                        AND ((SELECT auth.has_permission('asset.read'))
                             OR e.site_id = ANY ((SELECT auth.permitted_site_ids('asset.read'))::uuid[]))));
CREATE POLICY meters_insert_manager ON app.meters FOR INSERT TO app_user
  WITH CHECK (organization_id = (SELECT auth.org_id())
              AND EXISTS (SELECT FROM app.equipment AS e WHERE e.organization_id = meters.organization_id AND e.id = meters.equipment_id
                             AND ((SELECT auth.has_permission('asset.manage'))
                                  OR e.site_id = ANY ((SELECT auth.permitted_site_ids('asset.manage'))::uuid[]))));
CREATE POLICY meters_update_manager ON app.meters FOR UPDATE TO app_user
  USING (organization_id = (SELECT auth.org_id()) AND deleted_at IS NULL
         AND EXISTS (SELECT FROM app.equipment AS e WHERE e.organization_id = meters.organization_id AND e.id = meters.equipment_id
                        AND ((SELECT auth.has_permission('asset.manage'))
                             OR e.site_id = ANY ((SELECT auth.permitted_site_ids('asset.manage'))::uuid[]))))
  WITH CHECK (organization_id = (SELECT auth.org_id()));
CREATE POLICY meters_all_operator ON app.meters FOR ALL TO app_admin
  USING ((SELECT auth.is_platform_operator())) WITH CHECK ((SELECT auth.is_platform_operator()));

ALTER TABLE app.meter_readings ENABLE ROW LEVEL SECURITY;
ALTER TABLE app.meter_readings FORCE ROW LEVEL SECURITY;
GRANT SELECT ON app.meter_readings TO app_user;
GRANT INSERT (organization_id, id, meter_id, read_at, value, is_reset, reset_reason) ON app.meter_readings TO app_user;
GRANT SELECT, INSERT ON app.meter_readings TO app_admin;
CREATE POLICY meter_readings_select_reader ON app.meter_readings FOR SELECT TO app_user
  USING (organization_id = (SELECT auth.org_id())
         AND EXISTS (SELECT FROM app.meters AS m JOIN app.equipment AS e ON e.organization_id = m.organization_id AND e.id = m.equipment_id
                      WHERE m.organization_id = meter_readings.organization_id AND m.id = meter_readings.meter_id
                        AND ((SELECT auth.has_permission('asset.read'))
                             OR e.site_id = ANY ((SELECT auth.permitted_site_ids('asset.read'))::uuid[]))));
CREATE POLICY meter_readings_insert_recorder ON app.meter_readings FOR INSERT TO app_user
  WITH CHECK (organization_id = (SELECT auth.org_id()) AND recorded_by = (SELECT auth.user_id())
              AND EXISTS (SELECT FROM app.meters AS m JOIN app.equipment AS e ON e.organization_id = m.organization_id AND e.id = m.equipment_id
                           WHERE m.organization_id = meter_readings.organization_id AND m.id = meter_readings.meter_id
                             AND m.deleted_at IS NULL AND e.deleted_at IS NULL
                             AND ((SELECT auth.has_permission('meter.record'))
                                  OR e.site_id = ANY ((SELECT auth.permitted_site_ids('meter.record'))::uuid[]))));
CREATE POLICY meter_readings_all_operator ON app.meter_readings FOR ALL TO app_admin
  USING ((SELECT auth.is_platform_operator())) WITH CHECK ((SELECT auth.is_platform_operator()));

ALTER TABLE app.failure_codes ENABLE ROW LEVEL SECURITY;
ALTER TABLE app.failure_codes FORCE ROW LEVEL SECURITY;
GRANT SELECT ON app.failure_codes TO app_user;
GRANT INSERT (organization_id, kind, code, name, labels, is_active), UPDATE (code, name, labels, is_active) ON app.failure_codes TO app_user;
GRANT INSERT (id), UPDATE (organization_id, id, kind) ON app.failure_codes TO app_user;
GRANT SELECT, INSERT, UPDATE ON app.failure_codes TO app_admin;  -- no DELETE for operators either: the trash, then the purge job
CREATE POLICY failure_codes_select_reader ON app.failure_codes FOR SELECT TO app_user
  USING (organization_id = (SELECT auth.org_id()) AND (deleted_at IS NULL OR (SELECT auth.has_permission('trash.manage')))
         AND ((SELECT auth.has_permission('asset.read')) OR cardinality((SELECT auth.permitted_site_ids('asset.read'))) > 0));
CREATE POLICY failure_codes_insert_manager ON app.failure_codes FOR INSERT TO app_user
  WITH CHECK (organization_id = (SELECT auth.org_id()) AND (SELECT auth.check_permission('asset.manage')));
CREATE POLICY failure_codes_update_manager ON app.failure_codes FOR UPDATE TO app_user
  USING (organization_id = (SELECT auth.org_id()) AND deleted_at IS NULL AND (SELECT auth.has_permission('asset.manage')))
  WITH CHECK (organization_id = (SELECT auth.org_id()));
CREATE POLICY failure_codes_all_operator ON app.failure_codes FOR ALL TO app_admin
  USING ((SELECT auth.is_platform_operator())) WITH CHECK ((SELECT auth.is_platform_operator()));

ALTER TABLE app.failure_code_combinations ENABLE ROW LEVEL SECURITY;
ALTER TABLE app.failure_code_combinations FORCE ROW LEVEL SECURITY;
GRANT SELECT, DELETE ON app.failure_code_combinations TO app_user;
GRANT INSERT (organization_id, id, class_id, problem_id, cause_id, remedy_id) ON app.failure_code_combinations TO app_user;
GRANT SELECT, INSERT, DELETE ON app.failure_code_combinations TO app_admin;
CREATE POLICY failure_code_combinations_select_reader ON app.failure_code_combinations FOR SELECT TO app_user
  USING (organization_id = (SELECT auth.org_id())
         AND ((SELECT auth.has_permission('asset.read')) OR cardinality((SELECT auth.permitted_site_ids('asset.read'))) > 0));
CREATE POLICY failure_code_combinations_insert_manager ON app.failure_code_combinations FOR INSERT TO app_user
  WITH CHECK (organization_id = (SELECT auth.org_id()) AND (SELECT auth.check_permission('asset.manage')));
CREATE POLICY failure_code_combinations_delete_manager ON app.failure_code_combinations FOR DELETE TO app_user
  USING (organization_id = (SELECT auth.org_id()) AND (SELECT auth.has_permission('asset.manage')));
CREATE POLICY failure_code_combinations_all_operator ON app.failure_code_combinations FOR ALL TO app_admin
  USING ((SELECT auth.is_platform_operator())) WITH CHECK ((SELECT auth.is_platform_operator()));

GRANT EXECUTE ON FUNCTION app.assets_geojson(app.assets), app.equipment_ancestors(uuid),
  app.assets_within(double precision, double precision, double precision),
  app.nearest_assets(double precision, double precision, integer), app.assets_in_area(uuid),
  app.meter_usage_since(uuid), app.check_failure_codes(uuid, uuid, uuid, uuid),
  app.worst_assets(timestamptz, timestamptz, integer),
  app.failure_pareto(timestamptz, timestamptz, text, uuid, uuid, integer),
  auth.asset_candidates_within(double precision, double precision, double precision),
  auth.asset_candidates_nearest(double precision, double precision, integer), auth.asset_candidates_in_boundary(uuid) TO app_user, app_admin;
