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
GRANT EXECUTE ON FUNCTION app.effective_part_revision(uuid, timestamptz, text, text) TO app_user, app_admin;

-- NCRs (30_ncr.sql): plant-scoped like lots: ncr.read (or ncr.manage /
-- ncr.disposition) tenant-wide, or at the NCR's site through a site-scoped
-- role. Their items and dispositions are seen with their NCR. API roles only
-- read; every write is an RPC that checks ncr.manage / ncr.disposition at
-- the NCR's site. Portal users see none of it.
ALTER TABLE app.ncrs ENABLE ROW LEVEL SECURITY;
ALTER TABLE app.ncrs FORCE ROW LEVEL SECURITY;
GRANT SELECT ON app.ncrs TO app_user;
GRANT SELECT ON app.ncrs TO app_admin;
CREATE POLICY ncrs_select_reader ON app.ncrs FOR SELECT TO app_user
  USING (organization_id = (SELECT auth.org_id()) AND (SELECT auth.partner_id()) IS NULL
         AND ((SELECT auth.has_permission('ncr.read'))
              OR site_id = ANY ((SELECT auth.permitted_site_ids('ncr.read'))::uuid[])
              OR site_id = ANY ((SELECT auth.permitted_site_ids('ncr.manage'))::uuid[])
              OR site_id = ANY ((SELECT auth.permitted_site_ids('ncr.disposition'))::uuid[])));
CREATE POLICY ncrs_select_operator ON app.ncrs FOR SELECT TO app_admin
  USING ((SELECT auth.is_platform_operator()));

ALTER TABLE app.ncr_items ENABLE ROW LEVEL SECURITY;
ALTER TABLE app.ncr_items FORCE ROW LEVEL SECURITY;
GRANT SELECT ON app.ncr_items TO app_user;
GRANT SELECT ON app.ncr_items TO app_admin;
CREATE POLICY ncr_items_select_reader ON app.ncr_items FOR SELECT TO app_user
  USING (organization_id = (SELECT auth.org_id())
         AND EXISTS (SELECT FROM app.ncrs AS n WHERE n.organization_id = ncr_items.organization_id AND n.id = ncr_items.ncr_id));
CREATE POLICY ncr_items_select_operator ON app.ncr_items FOR SELECT TO app_admin
  USING ((SELECT auth.is_platform_operator()));

ALTER TABLE app.ncr_dispositions ENABLE ROW LEVEL SECURITY;
ALTER TABLE app.ncr_dispositions FORCE ROW LEVEL SECURITY;
GRANT SELECT ON app.ncr_dispositions TO app_user;
GRANT SELECT ON app.ncr_dispositions TO app_admin;
CREATE POLICY ncr_dispositions_select_reader ON app.ncr_dispositions FOR SELECT TO app_user
  USING (organization_id = (SELECT auth.org_id())
         AND EXISTS (SELECT FROM app.ncrs AS n WHERE n.organization_id = ncr_dispositions.organization_id AND n.id = ncr_dispositions.ncr_id));
CREATE POLICY ncr_dispositions_select_operator ON app.ncr_dispositions FOR SELECT TO app_admin
  USING ((SELECT auth.is_platform_operator()));

-- Concessions (32_concessions.sql): tenant-wide agreements with customers,
-- read with concession.read (or .manage), written by the RPCs.
ALTER TABLE app.concessions ENABLE ROW LEVEL SECURITY;
ALTER TABLE app.concessions FORCE ROW LEVEL SECURITY;
GRANT SELECT ON app.concessions TO app_user;
GRANT SELECT ON app.concessions TO app_admin;
CREATE POLICY concessions_select_reader ON app.concessions FOR SELECT TO app_user
  USING (organization_id = (SELECT auth.org_id()) AND (SELECT auth.partner_id()) IS NULL
         AND ((SELECT auth.has_permission('concession.read')) OR (SELECT auth.has_permission('concession.manage'))));
CREATE POLICY concessions_select_operator ON app.concessions FOR SELECT TO app_admin
  USING ((SELECT auth.is_platform_operator()));

ALTER TABLE app.concession_scope ENABLE ROW LEVEL SECURITY;
ALTER TABLE app.concession_scope FORCE ROW LEVEL SECURITY;
GRANT SELECT ON app.concession_scope TO app_user;
GRANT SELECT ON app.concession_scope TO app_admin;
CREATE POLICY concession_scope_select_reader ON app.concession_scope FOR SELECT TO app_user
  USING (organization_id = (SELECT auth.org_id())
         AND EXISTS (SELECT FROM app.concessions AS c WHERE c.organization_id = concession_scope.organization_id AND c.id = concession_scope.concession_id));
CREATE POLICY concession_scope_select_operator ON app.concession_scope FOR SELECT TO app_admin
  USING ((SELECT auth.is_platform_operator()));

-- Customer complaints (34_complaints.sql): staff read with complaint.read
-- (or .manage) tenant-wide, or at the complaint's plant; a customer's portal
-- user with complaint.file reads their own company's complaints only.
ALTER TABLE app.customer_complaints ENABLE ROW LEVEL SECURITY;
ALTER TABLE app.customer_complaints FORCE ROW LEVEL SECURITY;
GRANT SELECT ON app.customer_complaints TO app_user;
GRANT SELECT ON app.customer_complaints TO app_admin;
CREATE POLICY customer_complaints_select_staff ON app.customer_complaints FOR SELECT TO app_user
  USING (organization_id = (SELECT auth.org_id()) AND (SELECT auth.partner_id()) IS NULL
         AND ((SELECT auth.has_permission('complaint.read')) OR (SELECT auth.has_permission('complaint.manage'))
              OR site_id = ANY ((SELECT auth.permitted_site_ids('complaint.read'))::uuid[])
              OR site_id = ANY ((SELECT auth.permitted_site_ids('complaint.manage'))::uuid[])));
CREATE POLICY customer_complaints_select_portal ON app.customer_complaints FOR SELECT TO app_user
  USING (organization_id = (SELECT auth.org_id()) AND customer_id = (SELECT auth.partner_id())
         AND (SELECT auth.has_permission('complaint.file')));
CREATE POLICY customer_complaints_select_operator ON app.customer_complaints FOR SELECT TO app_admin
  USING ((SELECT auth.is_platform_operator()));

ALTER TABLE app.complaint_items ENABLE ROW LEVEL SECURITY;
ALTER TABLE app.complaint_items FORCE ROW LEVEL SECURITY;
GRANT SELECT ON app.complaint_items TO app_user;
GRANT SELECT ON app.complaint_items TO app_admin;
CREATE POLICY complaint_items_select_staff ON app.complaint_items FOR SELECT TO app_user
  USING (organization_id = (SELECT auth.org_id()) AND (SELECT auth.partner_id()) IS NULL
         AND EXISTS (SELECT FROM app.customer_complaints AS c
                      WHERE c.organization_id = complaint_items.organization_id AND c.id = complaint_items.complaint_id));
CREATE POLICY complaint_items_select_operator ON app.complaint_items FOR SELECT TO app_admin
  USING ((SELECT auth.is_platform_operator()));

ALTER TABLE app.complaint_ncrs ENABLE ROW LEVEL SECURITY;
ALTER TABLE app.complaint_ncrs FORCE ROW LEVEL SECURITY;
GRANT SELECT ON app.complaint_ncrs TO app_user;
GRANT SELECT ON app.complaint_ncrs TO app_admin;
CREATE POLICY complaint_ncrs_select_staff ON app.complaint_ncrs FOR SELECT TO app_user
  USING (organization_id = (SELECT auth.org_id()) AND (SELECT auth.partner_id()) IS NULL
         AND EXISTS (SELECT FROM app.customer_complaints AS c
                      WHERE c.organization_id = complaint_ncrs.organization_id AND c.id = complaint_ncrs.complaint_id));
CREATE POLICY complaint_ncrs_select_operator ON app.complaint_ncrs FOR SELECT TO app_admin
  USING ((SELECT auth.is_platform_operator()));

ALTER TABLE app.complaint_shipments ENABLE ROW LEVEL SECURITY;
ALTER TABLE app.complaint_shipments FORCE ROW LEVEL SECURITY;
GRANT SELECT ON app.complaint_shipments TO app_user;
GRANT SELECT ON app.complaint_shipments TO app_admin;
CREATE POLICY complaint_shipments_select_staff ON app.complaint_shipments FOR SELECT TO app_user
  USING (organization_id = (SELECT auth.org_id()) AND (SELECT auth.partner_id()) IS NULL
         AND EXISTS (SELECT FROM app.customer_complaints AS c
                      WHERE c.organization_id = complaint_shipments.organization_id AND c.id = complaint_shipments.complaint_id));
CREATE POLICY complaint_shipments_select_operator ON app.complaint_shipments FOR SELECT TO app_admin
  USING ((SELECT auth.is_platform_operator()));

GRANT EXECUTE ON FUNCTION
  app.create_ncr(uuid, uuid, text, text, numeric, uuid[], uuid[], uuid, uuid, uuid, uuid, app.ncr_detection),
  app.raise_inspection_ncr(uuid, text, text, numeric, uuid),
  app.add_ncr_items(uuid, uuid[], uuid[]),
  app.advance_ncr(uuid, app.ncr_status, text),
  app.set_ncr_custom_fields(uuid, jsonb), app.set_ncr_defect_category(uuid, text), app.ncr_defect_pareto(timestamptz, timestamptz),
  app.add_ncr_disposition(uuid, app.ncr_disposition_kind, numeric, uuid, uuid, uuid, text),
  app.withdraw_ncr_disposition(uuid),
  app.record_ncr_verification(uuid, text, text),
  app.open_ncr_capa(uuid, text, text, uuid, date),
  auth.ncr_capa_allowed(uuid), auth.link_ncr_capa(uuid, uuid),
  app.concessions_current_status(app.concessions), app.concessions_used_quantity(app.concessions),
  app.request_concession(uuid, uuid, text, numeric, timestamptz, timestamptz, text, uuid[], uuid[], uuid[]),
  app.decide_concession(uuid, boolean, text, text),
  app.revoke_concession(uuid, text),
  app.file_complaint(uuid, text, text, app.complaint_severity, uuid, date, text, numeric, uuid),
  app.link_complaint(uuid, uuid[], uuid[], uuid[]),
  app.link_complaint_shipments(uuid, uuid[], uuid[]),
  app.open_complaint_8d(uuid, uuid, date),
  auth.complaint_8d_allowed(uuid), auth.link_complaint_capa(uuid, uuid),
  app.close_complaint(uuid, text, boolean)
  TO app_user;
GRANT EXECUTE ON FUNCTION app.concessions_current_status(app.concessions), app.concessions_used_quantity(app.concessions) TO app_admin;
-- Engineering (60_drawings, 62_change_orders, 64_project_bom, 66_milestones):
-- tenant-wide engineering data like the parts master. Drawings: drawing.read
-- reads, drawing.manage writes drafts (status only through the RDA RPCs;
-- drawing.approve releases). Change orders: change_order.read reads,
-- change_order.manage writes drafts and their items. Project BOM lines and
-- milestones belong to projects: the tenant's staff with project.read read
-- them; BOM lines are written with part.manage, milestones with
-- project.update. Portal users see none of it.
ALTER TABLE app.drawings ENABLE ROW LEVEL SECURITY;
ALTER TABLE app.drawings FORCE ROW LEVEL SECURITY;
GRANT SELECT ON app.drawings TO app_user;
GRANT INSERT (organization_id, id, drawing_number, title, description, project_id),
      UPDATE (organization_id, id, drawing_number, title, description, project_id), DELETE ON app.drawings TO app_user;
GRANT SELECT, INSERT, UPDATE, DELETE ON app.drawings TO app_admin;
CREATE POLICY drawings_select_reader ON app.drawings FOR SELECT TO app_user
  USING (organization_id = (SELECT auth.org_id()) AND ((SELECT auth.has_permission('drawing.read')) OR (SELECT auth.has_permission('drawing.manage'))));
-- A drawing's project (optional) is one the caller may read (PT404 entity.not_found).
CREATE POLICY drawings_insert_manager ON app.drawings FOR INSERT TO app_user
  WITH CHECK (organization_id = (SELECT auth.org_id()) AND (SELECT auth.check_permission('drawing.manage'))
              AND (project_id IS NULL OR (SELECT auth.check_entity('project', project_id))));
CREATE POLICY drawings_update_manager ON app.drawings FOR UPDATE TO app_user
  USING (organization_id = (SELECT auth.org_id()) AND (SELECT auth.has_permission('drawing.manage')))
  WITH CHECK (organization_id = (SELECT auth.org_id()) AND (project_id IS NULL OR (SELECT auth.check_entity('project', project_id))));
-- A drawing is deleted only while no revision of it left draft (foreign keys refuse one an ECO names).
CREATE POLICY drawings_delete_manager ON app.drawings FOR DELETE TO app_user
  USING (organization_id = (SELECT auth.org_id()) AND (SELECT auth.has_permission('drawing.manage'))
         AND NOT EXISTS (SELECT FROM app.drawing_revisions AS r WHERE r.organization_id = drawings.organization_id
                           AND r.drawing_id = drawings.id AND r.status <> 'draft'));
CREATE POLICY drawings_all_operator ON app.drawings FOR ALL TO app_admin
  USING ((SELECT auth.is_platform_operator())) WITH CHECK ((SELECT auth.is_platform_operator()));

ALTER TABLE app.drawing_parts ENABLE ROW LEVEL SECURITY;
ALTER TABLE app.drawing_parts FORCE ROW LEVEL SECURITY;
GRANT SELECT, INSERT (organization_id, drawing_id, part_id), DELETE ON app.drawing_parts TO app_user;
GRANT SELECT, INSERT, UPDATE, DELETE ON app.drawing_parts TO app_admin;
CREATE POLICY drawing_parts_select_reader ON app.drawing_parts FOR SELECT TO app_user
  USING (organization_id = (SELECT auth.org_id()) AND ((SELECT auth.has_permission('drawing.read')) OR (SELECT auth.has_permission('drawing.manage'))));
CREATE POLICY drawing_parts_insert_manager ON app.drawing_parts FOR INSERT TO app_user
  WITH CHECK (organization_id = (SELECT auth.org_id()) AND (SELECT auth.check_permission('drawing.manage')));
CREATE POLICY drawing_parts_delete_manager ON app.drawing_parts FOR DELETE TO app_user
  USING (organization_id = (SELECT auth.org_id()) AND (SELECT auth.has_permission('drawing.manage')));
CREATE POLICY drawing_parts_all_operator ON app.drawing_parts FOR ALL TO app_admin
  USING ((SELECT auth.is_platform_operator())) WITH CHECK ((SELECT auth.is_platform_operator()));

ALTER TABLE app.drawing_revisions ENABLE ROW LEVEL SECURITY;
ALTER TABLE app.drawing_revisions FORCE ROW LEVEL SECURITY;
GRANT SELECT ON app.drawing_revisions TO app_user;
GRANT INSERT (organization_id, id, drawing_id, revision, description, document_version_id),
      UPDATE (organization_id, id, drawing_id, revision, description, document_version_id), DELETE ON app.drawing_revisions TO app_user;
GRANT SELECT, INSERT, UPDATE, DELETE ON app.drawing_revisions TO app_admin;
CREATE POLICY drawing_revisions_select_reader ON app.drawing_revisions FOR SELECT TO app_user
  USING (organization_id = (SELECT auth.org_id()) AND ((SELECT auth.has_permission('drawing.read')) OR (SELECT auth.has_permission('drawing.manage'))));
CREATE POLICY drawing_revisions_insert_manager ON app.drawing_revisions FOR INSERT TO app_user
  WITH CHECK (organization_id = (SELECT auth.org_id()) AND (SELECT auth.check_permission('drawing.manage')));
CREATE POLICY drawing_revisions_update_manager ON app.drawing_revisions FOR UPDATE TO app_user
  USING (organization_id = (SELECT auth.org_id()) AND (SELECT auth.has_permission('drawing.manage')))
  WITH CHECK (organization_id = (SELECT auth.org_id()));
-- Only a draft is deleted: a revision in review, released or superseded is a record.
CREATE POLICY drawing_revisions_delete_manager ON app.drawing_revisions FOR DELETE TO app_user
  USING (organization_id = (SELECT auth.org_id()) AND status = 'draft' AND (SELECT auth.has_permission('drawing.manage')));
CREATE POLICY drawing_revisions_all_operator ON app.drawing_revisions FOR ALL TO app_admin
  USING ((SELECT auth.is_platform_operator())) WITH CHECK ((SELECT auth.is_platform_operator()));
GRANT SELECT ON app.released_drawings TO app_user, app_admin;

ALTER TABLE app.change_orders ENABLE ROW LEVEL SECURITY;
ALTER TABLE app.change_orders FORCE ROW LEVEL SECURITY;
GRANT SELECT ON app.change_orders TO app_user;
GRANT INSERT (organization_id, id, eco_number, title, reason, description, project_id, effectivity, effective_date, effective_lot_number,
              effective_serial_number, site_ids),
      UPDATE (title, reason, description, project_id, effectivity, effective_date, effective_lot_number, effective_serial_number, site_ids),
      DELETE ON app.change_orders TO app_user;
GRANT UPDATE (organization_id, id, eco_number) ON app.change_orders TO app_user;
GRANT SELECT, INSERT, UPDATE, DELETE ON app.change_orders TO app_admin;
-- Read tenant-wide, or at a plant the change order affects (site_ids) like
-- the other plant-scoped manufacturing rows: a plant-scoped reader or
-- approver sees the change orders of its plants, not those of other plants
-- nor those that name no plant.
CREATE POLICY change_orders_select_reader ON app.change_orders FOR SELECT TO app_user
  USING (organization_id = (SELECT auth.org_id()) AND (SELECT auth.partner_id()) IS NULL
         AND ((SELECT auth.has_permission('change_order.read')) OR (SELECT auth.has_permission('change_order.manage'))
              OR site_ids && (SELECT auth.permitted_site_ids('change_order.read'))::uuid[]
              OR site_ids && (SELECT auth.permitted_site_ids('change_order.approve'))::uuid[]));
CREATE POLICY change_orders_insert_manager ON app.change_orders FOR INSERT TO app_user
  WITH CHECK (organization_id = (SELECT auth.org_id()) AND (SELECT auth.check_permission('change_order.manage')));
CREATE POLICY change_orders_update_manager ON app.change_orders FOR UPDATE TO app_user
  USING (organization_id = (SELECT auth.org_id()) AND (SELECT auth.has_permission('change_order.manage')))
  WITH CHECK (organization_id = (SELECT auth.org_id()));
-- Only a draft is deleted; a submitted change order is cancelled instead.
CREATE POLICY change_orders_delete_manager ON app.change_orders FOR DELETE TO app_user
  USING (organization_id = (SELECT auth.org_id()) AND status = 'draft' AND (SELECT auth.has_permission('change_order.manage')));
CREATE POLICY change_orders_all_operator ON app.change_orders FOR ALL TO app_admin
  USING ((SELECT auth.is_platform_operator())) WITH CHECK ((SELECT auth.is_platform_operator()));

ALTER TABLE app.change_order_items ENABLE ROW LEVEL SECURITY;
ALTER TABLE app.change_order_items FORCE ROW LEVEL SECURITY;
GRANT SELECT ON app.change_order_items TO app_user;
GRANT INSERT (organization_id, id, change_order_id, kind, part_id, part_revision_id, drawing_id, drawing_revision_id, bom_line_id, note,
              bom_action, bom_project_id, bom_parent_part_id, bom_component_part_id, bom_quantity, bom_unit),
      UPDATE (organization_id, id, change_order_id, kind, part_id, part_revision_id, drawing_id, drawing_revision_id, bom_line_id, note,
              bom_action, bom_project_id, bom_parent_part_id, bom_component_part_id, bom_quantity, bom_unit),
      DELETE ON app.change_order_items TO app_user;
GRANT SELECT, INSERT, UPDATE, DELETE ON app.change_order_items TO app_admin;
-- Read with its change order (tenant-wide, or at a plant it affects).
CREATE POLICY change_order_items_select_reader ON app.change_order_items FOR SELECT TO app_user
  USING (organization_id = (SELECT auth.org_id()) AND (SELECT auth.partner_id()) IS NULL
         AND ((SELECT auth.has_permission('change_order.read')) OR (SELECT auth.has_permission('change_order.manage'))
              OR EXISTS (SELECT FROM app.change_orders AS o
                          WHERE o.organization_id = change_order_items.organization_id AND o.id = change_order_items.change_order_id)));
CREATE POLICY change_order_items_insert_manager ON app.change_order_items FOR INSERT TO app_user
  WITH CHECK (organization_id = (SELECT auth.org_id()) AND (SELECT auth.check_permission('change_order.manage')));
CREATE POLICY change_order_items_update_manager ON app.change_order_items FOR UPDATE TO app_user
  USING (organization_id = (SELECT auth.org_id()) AND (SELECT auth.has_permission('change_order.manage')))
  WITH CHECK (organization_id = (SELECT auth.org_id()));
CREATE POLICY change_order_items_delete_manager ON app.change_order_items FOR DELETE TO app_user
  USING (organization_id = (SELECT auth.org_id()) AND (SELECT auth.has_permission('change_order.manage')));
CREATE POLICY change_order_items_all_operator ON app.change_order_items FOR ALL TO app_admin
  USING ((SELECT auth.is_platform_operator())) WITH CHECK ((SELECT auth.is_platform_operator()));

ALTER TABLE app.project_bom_lines ENABLE ROW LEVEL SECURITY;
ALTER TABLE app.project_bom_lines FORCE ROW LEVEL SECURITY;
GRANT SELECT ON app.project_bom_lines TO app_user;
GRANT INSERT (organization_id, id, project_id, parent_part_id, component_part_id, quantity, unit, position, note),
      UPDATE (organization_id, id, project_id, parent_part_id, component_part_id, quantity, unit, position, note),
      DELETE ON app.project_bom_lines TO app_user;
GRANT SELECT, INSERT, UPDATE, DELETE ON app.project_bom_lines TO app_admin;
GRANT EXECUTE ON FUNCTION auth.bom_line_in_effect(app.project_bom_lines, timestamptz, text, text) TO app_user, app_admin;
CREATE POLICY project_bom_lines_select_staff ON app.project_bom_lines FOR SELECT TO app_user
  USING (organization_id = (SELECT auth.org_id()) AND (SELECT auth.has_permission('project.read')) AND (SELECT auth.partner_id()) IS NULL);
CREATE POLICY project_bom_lines_insert_engineer ON app.project_bom_lines FOR INSERT TO app_user
  WITH CHECK (organization_id = (SELECT auth.org_id()) AND (SELECT auth.check_permission('part.manage')) AND (SELECT auth.partner_id()) IS NULL);
CREATE POLICY project_bom_lines_update_engineer ON app.project_bom_lines FOR UPDATE TO app_user
  USING (organization_id = (SELECT auth.org_id()) AND (SELECT auth.has_permission('part.manage')) AND (SELECT auth.partner_id()) IS NULL)
  WITH CHECK (organization_id = (SELECT auth.org_id()));
CREATE POLICY project_bom_lines_delete_engineer ON app.project_bom_lines FOR DELETE TO app_user
  USING (organization_id = (SELECT auth.org_id()) AND (SELECT auth.has_permission('part.manage')) AND (SELECT auth.partner_id()) IS NULL);
CREATE POLICY project_bom_lines_all_operator ON app.project_bom_lines FOR ALL TO app_admin
  USING ((SELECT auth.is_platform_operator())) WITH CHECK ((SELECT auth.is_platform_operator()));

ALTER TABLE app.project_milestones ENABLE ROW LEVEL SECURITY;
ALTER TABLE app.project_milestones FORCE ROW LEVEL SECURITY;
GRANT SELECT ON app.project_milestones TO app_user;
GRANT INSERT (organization_id, id, project_id, name, position, planned_date, actual_date, status, note),
      UPDATE (organization_id, id, project_id, name, position, planned_date, actual_date, status, note),
      DELETE ON app.project_milestones TO app_user;
GRANT SELECT, INSERT, UPDATE, DELETE ON app.project_milestones TO app_admin;
CREATE POLICY project_milestones_select_staff ON app.project_milestones FOR SELECT TO app_user
  USING (organization_id = (SELECT auth.org_id()) AND (SELECT auth.has_permission('project.read')) AND (SELECT auth.partner_id()) IS NULL);
CREATE POLICY project_milestones_insert_editor ON app.project_milestones FOR INSERT TO app_user
  WITH CHECK (organization_id = (SELECT auth.org_id()) AND (SELECT auth.check_permission('project.update')) AND (SELECT auth.partner_id()) IS NULL);
CREATE POLICY project_milestones_update_editor ON app.project_milestones FOR UPDATE TO app_user
  USING (organization_id = (SELECT auth.org_id()) AND (SELECT auth.has_permission('project.update')) AND (SELECT auth.partner_id()) IS NULL)
  WITH CHECK (organization_id = (SELECT auth.org_id()));
CREATE POLICY project_milestones_delete_editor ON app.project_milestones FOR DELETE TO app_user
  USING (organization_id = (SELECT auth.org_id()) AND (SELECT auth.has_permission('project.update')) AND (SELECT auth.partner_id()) IS NULL);
CREATE POLICY project_milestones_all_operator ON app.project_milestones FOR ALL TO app_admin
  USING ((SELECT auth.is_platform_operator())) WITH CHECK ((SELECT auth.is_platform_operator()));
GRANT SELECT ON app.project_milestone_slippage TO app_user, app_admin;

GRANT EXECUTE ON FUNCTION app.submit_drawing_revision(uuid), app.approve_drawing_revision(uuid, text), app.reject_drawing_revision(uuid, text),
  app.released_drawing(uuid), app.submit_change_order(uuid), app.approve_change_order(uuid, text), app.reject_change_order(uuid, text),
  app.cancel_change_order(uuid, text), app.implement_change_order(uuid), app.explode_project_bom(uuid, uuid, numeric, integer, timestamptz, text, text),
  app.part_where_used(uuid, uuid, timestamptz, text, text) TO app_user;
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
  app.record_receipt(uuid, uuid, uuid, numeric, text, date, text, timestamptz, text, timestamptz, uuid),
  app.decide_receipt(uuid, numeric, numeric, text),
  app.issue_scar(uuid, text, text, date, uuid, uuid, uuid),
  app.respond_to_scar(uuid, text, text, text),
  app.review_scar_response(uuid, boolean, text)
  TO app_user;
