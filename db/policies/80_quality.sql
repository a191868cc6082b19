-- Manufacturing quality (db/functions/80_quality): the parts master. Parts
-- and their revisions are tenant-wide master data: read with part.read,
-- written with part.manage (revisions as drafts; their status changes only
-- through app.release_part_revision / app.obsolete_part_revision, so no
-- UPDATE grant on status). Platform operators read everything.

ALTER TABLE app.parts ENABLE ROW LEVEL SECURITY;
ALTER TABLE app.parts FORCE ROW LEVEL SECURITY;
GRANT SELECT ON app.parts TO app_user;
GRANT INSERT (organization_id, part_number, name, description, unit, customer_id, customer_concession_required, status, custom_fields),
      UPDATE (part_number, name, description, unit, customer_id, customer_concession_required, status, custom_fields),
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

-- Suppliers (80_quality/20_suppliers.sql .. 26_scorecard.sql). The approved
-- supplier list is tenant-wide master data: supplier.read reads it,
-- supplier.manage writes it (staff only; approved_by is stamped by its
-- trigger). Receipts are plant-scoped: supplier.read tenant-wide or at the
-- receipt's site; written by app.record_receipt and app.decide_receipt only.
-- SCARs: staff with supplier.read or scar.manage read them; a supplier's
-- portal user (bound to the partner, partner.read) reads only their own;
-- written by app.issue_scar, app.respond_to_scar, app.review_scar_response.
ALTER TABLE app.approved_suppliers ENABLE ROW LEVEL SECURITY;
ALTER TABLE app.approved_suppliers FORCE ROW LEVEL SECURITY;
GRANT SELECT ON app.approved_suppliers TO app_user;
GRANT INSERT (organization_id, supplier_id, part_id, status, basis, certificate, certificate_number, certificate_expires_on, audited_on,
              valid_until, conditions, notes),
      UPDATE (supplier_id, part_id, status, basis, certificate, certificate_number, certificate_expires_on, audited_on, valid_until,
              conditions, notes),
      DELETE ON app.approved_suppliers TO app_user;
GRANT INSERT (id), UPDATE (organization_id, id) ON app.approved_suppliers TO app_user;
GRANT SELECT, INSERT, UPDATE, DELETE ON app.approved_suppliers TO app_admin;
CREATE POLICY approved_suppliers_select_reader ON app.approved_suppliers FOR SELECT TO app_user
  USING (organization_id = (SELECT auth.org_id()) AND (SELECT auth.partner_id()) IS NULL
         AND ((SELECT auth.has_permission('supplier.read')) OR (SELECT auth.has_permission('supplier.manage'))));
CREATE POLICY approved_suppliers_insert_manager ON app.approved_suppliers FOR INSERT TO app_user
  WITH CHECK (organization_id = (SELECT auth.org_id()) AND (SELECT auth.partner_id()) IS NULL
              AND (SELECT auth.check_permission('supplier.manage')));
CREATE POLICY approved_suppliers_update_manager ON app.approved_suppliers FOR UPDATE TO app_user
  USING (organization_id = (SELECT auth.org_id()) AND (SELECT auth.partner_id()) IS NULL AND (SELECT auth.has_permission('supplier.manage')))
  WITH CHECK (organization_id = (SELECT auth.org_id()));
CREATE POLICY approved_suppliers_delete_manager ON app.approved_suppliers FOR DELETE TO app_user
  USING (organization_id = (SELECT auth.org_id()) AND (SELECT auth.partner_id()) IS NULL AND (SELECT auth.has_permission('supplier.manage')));
CREATE POLICY approved_suppliers_all_operator ON app.approved_suppliers FOR ALL TO app_admin
  USING ((SELECT auth.is_platform_operator())) WITH CHECK ((SELECT auth.is_platform_operator()));

ALTER TABLE app.receipts ENABLE ROW LEVEL SECURITY;
ALTER TABLE app.receipts FORCE ROW LEVEL SECURITY;
GRANT SELECT ON app.receipts TO app_user;
GRANT SELECT ON app.receipts TO app_admin;
CREATE POLICY receipts_select_reader ON app.receipts FOR SELECT TO app_user
  USING (organization_id = (SELECT auth.org_id()) AND (SELECT auth.partner_id()) IS NULL
         AND ((SELECT auth.has_permission('supplier.read'))
              OR site_id = ANY ((SELECT auth.permitted_site_ids('supplier.read'))::uuid[])));
CREATE POLICY receipts_select_operator ON app.receipts FOR SELECT TO app_admin
  USING ((SELECT auth.is_platform_operator()));

ALTER TABLE app.scars ENABLE ROW LEVEL SECURITY;
ALTER TABLE app.scars FORCE ROW LEVEL SECURITY;
GRANT SELECT ON app.scars TO app_user;
GRANT SELECT ON app.scars TO app_admin;
CREATE POLICY scars_select_staff ON app.scars FOR SELECT TO app_user
  USING (organization_id = (SELECT auth.org_id()) AND (SELECT auth.partner_id()) IS NULL
         AND ((SELECT auth.has_permission('supplier.read')) OR (SELECT auth.has_permission('scar.manage'))));
CREATE POLICY scars_select_supplier ON app.scars FOR SELECT TO app_user
  USING (organization_id = (SELECT auth.org_id()) AND supplier_id = (SELECT auth.partner_id())
         AND (SELECT auth.has_permission('partner.read')));
CREATE POLICY scars_select_operator ON app.scars FOR SELECT TO app_admin
  USING ((SELECT auth.is_platform_operator()));

GRANT SELECT ON app.quality_kpi_supplier_scorecard TO app_user, app_admin;
GRANT EXECUTE ON FUNCTION
  app.approved_suppliers_effective_status(app.approved_suppliers),
  app.record_receipt(uuid, uuid, uuid, numeric, text, date, text, timestamptz, text, timestamptz),
  app.decide_receipt(uuid, numeric, numeric, text),
  app.issue_scar(uuid, text, text, date, uuid, uuid, uuid),
  app.respond_to_scar(uuid, text, text, text),
  app.review_scar_response(uuid, boolean, text)
  TO app_user;
