-- Manufacturing quality (db/functions/80_quality): the parts master. Parts
-- and their revisions are tenant-wide master data: read with part.read,
-- written with part.manage (revisions as drafts; their status changes only
-- through app.release_part_revision / app.obsolete_part_revision, so no
-- UPDATE grant on status). Platform operators read everything.

ALTER TABLE app.parts ENABLE ROW LEVEL SECURITY;
ALTER TABLE app.parts FORCE ROW LEVEL SECURITY;
GRANT SELECT ON app.parts TO app_user;
GRANT INSERT (organization_id, part_number, name, description, unit, customer_id, customer_concession_required, status, custom_fields, gtin),
      UPDATE (part_number, name, description, unit, customer_id, customer_concession_required, status, custom_fields, gtin),
      DELETE ON app.parts TO app_user;
GRANT INSERT (id), UPDATE (organization_id, id) ON app.parts TO app_user;
GRANT SELECT, INSERT, UPDATE, DELETE ON app.parts TO app_admin;
CREATE POLICY parts_select_reader ON app.parts FOR SELECT TO app_user
  USING (organization_id = (SELECT auth.org_id()) AND ((SELECT auth.has_permission('part.read')) OR (SELECT auth.has_permission('part.manage'))));
CREATE POLICY parts_insert_manager ON app.parts FOR INSERT TO app_user
  WITH CHECK (organization_id = (SELECT auth.org_id()) AND (SELECT auth.check_permission('part.manage')));
CREATE POLICY parts_update_manager ON app.parts FOR UPDATE TO app_user
  USING (organization_id = (SELECT auth.org_id()) AND (SELECT auth.has_permission('part.manage')))
  WITH CHECK (organization_id = (SELECT auth.org_id()));
-- A part is deleted only while nothing refers to it (foreign keys refuse otherwise); obsolete it instead.
CREATE POLICY parts_delete_manager ON app.parts FOR DELETE TO app_user
  USING (organization_id = (SELECT auth.org_id()) AND (SELECT auth.has_permission('part.manage')));
CREATE POLICY parts_all_operator ON app.parts FOR ALL TO app_admin
  USING ((SELECT auth.is_platform_operator())) WITH CHECK ((SELECT auth.is_platform_operator()));

ALTER TABLE app.part_revisions ENABLE ROW LEVEL SECURITY;
ALTER TABLE app.part_revisions FORCE ROW LEVEL SECURITY;
GRANT SELECT ON app.part_revisions TO app_user;
GRANT INSERT (organization_id, part_id, revision, description), UPDATE (part_id, revision, description), DELETE ON app.part_revisions TO app_user;
GRANT INSERT (id), UPDATE (organization_id, id) ON app.part_revisions TO app_user;
GRANT SELECT, INSERT, UPDATE, DELETE ON app.part_revisions TO app_admin;
CREATE POLICY part_revisions_select_reader ON app.part_revisions FOR SELECT TO app_user
  USING (organization_id = (SELECT auth.org_id()) AND ((SELECT auth.has_permission('part.read')) OR (SELECT auth.has_permission('part.manage'))));
CREATE POLICY part_revisions_insert_manager ON app.part_revisions FOR INSERT TO app_user
  WITH CHECK (organization_id = (SELECT auth.org_id()) AND (SELECT auth.check_permission('part.manage')));
CREATE POLICY part_revisions_update_manager ON app.part_revisions FOR UPDATE TO app_user
  USING (organization_id = (SELECT auth.org_id()) AND (SELECT auth.has_permission('part.manage')))
  WITH CHECK (organization_id = (SELECT auth.org_id()));
-- Only a draft is deleted: a released or obsolete revision is a record.
CREATE POLICY part_revisions_delete_manager ON app.part_revisions FOR DELETE TO app_user
  USING (organization_id = (SELECT auth.org_id()) AND status = 'draft' AND (SELECT auth.has_permission('part.manage')));
CREATE POLICY part_revisions_all_operator ON app.part_revisions FOR ALL TO app_admin
  USING ((SELECT auth.is_platform_operator())) WITH CHECK ((SELECT auth.is_platform_operator()));

GRANT EXECUTE ON FUNCTION app.release_part_revision(uuid), app.obsolete_part_revision(uuid) TO app_user;
