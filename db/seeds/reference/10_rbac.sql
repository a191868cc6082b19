-- The permission catalog and the system roles every tenant starts with.
-- Applied by every `pulse db migrate` and `pulse seed`; idempotent. Later
-- domains add their permissions here.

INSERT INTO app.permissions (code, description) VALUES
  ('organization.update', 'Change the organization''s name, settings and branding (its own texts: i18n_strings)'),
  ('branding.manage', 'Change the organization''s theme: display name, colours, fonts, logo and custom domain'),
  ('settings.manage', 'Change the organization''s settings (GET /settings names the permission each one needs)'),
  ('organization.manage_features', 'Turn the organization''s feature flags on and off (GLP e-signatures, training checks, ...)'),
  ('site.manage', 'Create, change and close sites'),
  ('partner.read', 'Read customers, suppliers and their contacts'),
  ('partner.manage', 'Create and change customers, suppliers and their contacts'),
  ('membership.manage', 'Add people to the organization, revoke memberships, set managers'),
  ('role.read', 'See who holds which roles'),
  ('role.manage', 'Create and change the organization''s own roles'),
  ('role.assign', 'Grant and revoke roles'),
  ('audit.read', 'Read the activity log'),
  ('project.read', 'Read projects, their workflow, progress, approvals, documents and messages'),
  ('project.create', 'Create projects'),
  ('project.update', 'Change projects: title, dates, team, customer contacts; cancel them'),
  ('project.override_stage', 'Move a project to another stage by hand, with a reason'),
  ('project.waive_exit_criteria', 'Waive a stage''s exit criterion for a project, with a reason'),
  ('progress.manage', 'Act on any sub-stage of any project, whoever is responsible for it'),
  ('workflow.manage', 'Change the stage catalog, workflow definitions, approval chains, SLAs and document rules'),
  ('approval.manage', 'Reassign, cancel and escalate any approval'),
  ('document.upload', 'Upload project documents and new versions'),
  ('capa.read', 'Read CAPAs (8D), their actions and links'),
  ('capa.manage', 'Open CAPAs, edit their disciplines, assign actions, move them through their steps'),
  ('personal_data.manage', 'Export anyone''s personal data and erase a person (GDPR requests)'),
  ('rule.manage', 'Create, change and delete the organization''s rules, read their runs and dry-run them'),
  ('trash.manage', 'See what is in the trash (soft-deleted projects, documents, ...) and restore it'),
  ('custom_field.manage', 'Define custom fields and type lists for the organization''s entities'),
  ('equipment.read', 'Read equipment, its calibrations, uses and downtime (tenant-wide, or at the sites of a site-scoped role)'),
  ('equipment.manage', 'Create and change equipment, equipment classes and downtime reason codes'),
  ('calibration.record', 'Record calibrations of equipment'),
  ('downtime.record', 'Record, change and end equipment stops'),
  ('production.record', 'Record, change and delete production runs (machine, part, scheduled window, counts) that OEE reads (tenant-wide, or at the sites of a site-scoped role)'),
  ('competence.read', 'Read everybody''s qualifications, training records and training due'),
  ('competence.manage', 'Define qualifications and training requirements; grant and revoke qualifications; record training'),
  ('webhook.manage', 'Register webhook endpoints, read their secrets and delivery log, replay deliveries'),
  ('document.release', 'Release and withdraw controlled documents (the document control state machine)'),
  ('state_machine.manage', 'Define and publish state machines and checklist templates; move an entity to another version'),
  ('tag.manage', 'Create, rename, recolour and delete the organization''s tags'),
  ('tag.apply', 'Put tags on and take them off what one may read'),
  ('comment.write', 'Comment on what one may read, and edit and delete one''s own comments'),
  ('comment.moderate', 'Delete anybody''s comments and attachments on what one may read'),
  ('attachment.upload', 'Attach files to what one may read'),
  ('lab.configure', 'Define sample types, tests and their versions, and the lab''s other configuration'),
  ('sample.read', 'Read samples, their analyses and service requests (tenant-wide, or at the sites of a site-scoped role)'),
  ('sample.manage', 'Register, receive, reject, split, move and dispose of samples; add analyses'),
  ('service_request.manage', 'Create, accept and change service requests'),
  ('result.enter', 'Enter results of analyses'),
  ('result.review', 'Review results others entered'),
  ('result.release', 'Release reviewed results (and amend released ones, with a reason)'),
  ('eln.read', 'Read lab notebook entries, their versions, links and signatures (tenant-wide, or at the sites of a site-scoped role)'),
  ('eln.write', 'Write lab notebook entries of one''s own, sign them as author, amend them, link them to records'),
  ('eln.witness', 'Witness other people''s signed lab notebook entries (e-signature with meaning witnessed)'),
  ('certificate.issue', 'Issue and reissue certificates of analysis, e-signed, at the samples'' sites'),
  ('instrument.book', 'Book instruments for oneself (tenant-wide, or at the sites of a site-scoped role) and cancel one''s own bookings'),
  ('instrument.schedule', 'Keep instrument calendars: maintenance, calibration and availability blocks; see, book for others and cancel anyone''s bookings'),
  -- The lab's results part: OOS investigations.
  ('oos.investigate', 'Investigate out-of-specification results: decide Phase I, open a CAPA for it, close the investigation'),
  ('sop.manage', 'Write SOP templates: versions, steps, checks, dependencies and qualifications; publish and retire them'),
  ('task.manage', 'Create SOP tasks, assign, reschedule and cancel them (tenant-wide, or at the sites of a site-scoped role)'),
  ('storage.manage', 'Create and change storage locations (sites, rooms, freezers, racks, boxes, positions; tenant-wide or at the sites of a site-scoped role)'),
  ('reagent.manage', 'Keep the reagent and consumable catalog; receive, quarantine and dispose of lots'),
  ('reagent.use', 'Use reagent lots for analyses, results, runs and tasks (deducts stock)'),
  -- Manufacturing (80_quality, 82_traceability).
  ('part.read', 'Read the parts master: parts and their revisions'),
  ('part.manage', 'Create and change parts, add draft revisions, release and obsolete revisions'),
  ('traceability.read', 'Read lots, serials, their genealogy and quality status history; trace and simulate recalls (tenant-wide, or at the sites of a site-scoped role)'),
  ('drawing.read', 'Read drawings, the parts they define and their revisions (which one is released)'),
  ('drawing.manage', 'Create and change drawings, add draft revisions with their files, submit them for approval (RDA)'),
  ('drawing.approve', 'Approve (release) or send back drawing revisions in review; never one''s own submission'),
  ('change_order.read', 'Read engineering change orders and what they affect'),
  ('change_order.manage', 'Write engineering change orders and their affected items, submit, cancel and implement them (releasing their revisions also needs part.manage)'),
  ('change_order.approve', 'Approve or reject submitted engineering change orders; never one''s own submission'),
  ('traceability.manage', 'Create lots and serials, record consumption, hold, quarantine and release material (tenant-wide, or at the sites of a site-scoped role); set the number patterns (tenant-wide)'),
  ('ncr.read', 'Read nonconformance reports, their material and MRB dispositions (tenant-wide, or at the sites of a site-scoped role)'),
  ('ncr.manage', 'Report nonconformances, add suspect material, move NCRs through the MRB steps, record the verification, open their CAPA'),
  ('ncr.disposition', 'Decide MRB dispositions of NCRs one did not report (use as is, rework, repair, scrap, return to supplier)'),
  ('concession.read', 'Read customer concessions (deviation permits) and their scope'),
  ('concession.manage', 'Request concessions from customers, record their decision, revoke them'),
  ('complaint.read', 'Read customer complaints, their material and NCRs (tenant-wide, or at the sites of a site-scoped role)'),
  ('complaint.manage', 'File customer complaints, link material and NCRs, open their 8D, answer and close them'),
  ('complaint.file', 'File complaints for one''s own company and read them (customer portal)'),
  -- Control plans, inspections and SPC (80_quality/40_control_plans.sql, 42_inspections.sql, 54_spc_charts.sql).
  ('control_plan.read', 'Read control plans, their steps and characteristics, and gauge R&R studies (tenant-wide, or at the sites of a site-scoped role)'),
  ('control_plan.manage', 'Draft control plans (steps, characteristics), obsolete them, record gauge R&R studies (tenant-wide, or at the sites of a site-scoped role)'),
  ('inspection.read', 'Read inspections, measurements, SPC charts, baselines and signals, FAI reports and first pass yield (tenant-wide, or at the sites of a site-scoped role)'),
  ('inspection.record', 'Open and complete inspections, record measurements, close SPC signals with their assignable cause (tenant-wide, or at the sites of a site-scoped role)'),
  ('inspection.approve', 'Approve control plans, approve or reject completed inspections, approve SPC baselines (frozen control limits)'),
  -- Suppliers (80_quality/20_suppliers.sql .. 26_scorecard.sql).
  ('supplier.read', 'Read the approved supplier list, receipts (tenant-wide, or at the sites of a site-scoped role), SCARs and the supplier scorecard'),
  ('supplier.manage', 'Keep the approved supplier list: add suppliers and parts, approve, approve conditionally, suspend, disapprove'),
  ('receipt.record', 'Record receipts of purchased material, which creates their quarantined lots (tenant-wide, or at the sites of a site-scoped role)'),
  ('receipt.decide', 'Make the receiving decision: accept and reject quantities, releasing the accepted lot (tenant-wide, or at the sites of a site-scoped role)'),
  ('scar.manage', 'Issue supplier corrective action requests (SCARs) and accept or return suppliers'' responses'),
  -- Logistics (84_logistics).
  ('shipment.read', 'Read shipments, their units, items, certificates of conformance and labels (tenant-wide, or at the sites of a site-scoped role; a portal user: their customer''s shipments)'),
  ('shipment.manage', 'Create shipments, add units and items, pick, pack, ship, deliver and cancel them, issue certificates of conformance (tenant-wide, or at the sites of a site-scoped role)'),
  ('label.print', 'Print GS1-128 labels for shipping units, lots and serials (tenant-wide, or at the sites of a site-scoped role)'),
  ('scan.record', 'Record barcode scans of shipping units, lots, serials and shipments (tenant-wide, or at the sites of a site-scoped role)'),
  -- Maintenance work (90_maintenance/70_* .. 80_*): work requests and work orders.
  ('work_request.manage', 'Issue and revoke QR codes of assets, read, approve, reject and convert work requests (tenant-wide, or at the sites of a site-scoped role)'),
  ('work_order.read', 'Read work orders, their assets, labour, charges and costs (tenant-wide, or at the sites of a site-scoped role; a contractor''s portal user: the work orders given to their company)'),
  ('work_order.manage', 'Create, schedule, assign, cancel and close work orders, define templates and labour rates, record contractor charges (tenant-wide, or at the sites of a site-scoped role)'),
  ('work_order.execute', 'Start, hold, resume and complete work orders, log labour and record stops (tenant-wide, or at the sites of a site-scoped role)'),
  ('work_order.verify', 'Verify completed work orders (tenant-wide, or at the sites of a site-scoped role)'),
  ('team.manage', 'Define maintenance teams and their members (tenant-wide, or at the sites of a site-scoped role); see everyone''s shifts and absences in the maintenance calendar'),
  -- Reporting (95_reporting): report definitions, executions, dashboards.
  ('report.use', 'Write one''s own report definitions and dashboards, run reports on the sources one may read, read shared ones'),
  ('report.manage', 'Share report definitions and dashboards with the organization, change and delete shared ones'),
  -- SAP sync (97_integration).
  ('integration.read', 'Read the SAP connection (never its password), mappings, outbound messages, the sync log and staged SAP data'),
  ('integration.manage', 'Set the SAP connection and its password, map entities to SAP objects, stage and apply SAP data, replay failed messages'),
  -- Maintenance spare parts and stores (90_maintenance/40_* .. 44_*).
  ('stock.read', 'Read storerooms, bins, spare-parts stock, movements, reservations, reorder settings and purchase requests (tenant-wide, or at the sites of a site-scoped role)'),
  ('stock.manage', 'Keep storerooms, bins, reorder settings, asset spare-parts lists and vendor parts; receive, count and transfer stock (tenant-wide, or at the sites of a site-scoped role)'),
  ('stock.issue', 'Reserve spare parts for planned work, issue them against an asset or work order, return unused ones (tenant-wide, or at the sites of a site-scoped role)'),
  ('purchase_request.manage', 'Be told about low stock and move purchase requests on: ordered, received, cancelled (tenant-wide, or at the sites of a site-scoped role)'),
  -- Maintenance assets (90_maintenance/10_assets.sql .. 30_failure_codes.sql).
  ('asset.read', 'Read maintenance assets (hierarchy level, criticality, warranty, location), meters and readings, failure codes; spatial searches (tenant-wide, or at the sites of a site-scoped role)'),
  ('asset.manage', 'Keep maintenance assets, their meters, failure codes and allowed combinations (tenant-wide, or at the sites of a site-scoped role)'),
  ('meter.record', 'Record meter readings, resets with their reason included (tenant-wide, or at the sites of a site-scoped role)')
ON CONFLICT (code) DO UPDATE SET description = excluded.description;

INSERT INTO app_private.system_roles (key, name, description) VALUES
  ('admin', 'Administrator', 'Runs the organization in Pulse: people, roles, sites, settings'),
  ('management', 'Management', 'Oversees projects and approvals; overrides stages'),
  ('engineering', 'Engineering', 'Designs, drawings, change orders'),
  ('qa', 'Quality assurance', 'Inspections, NCRs, CAPA, quality gates'),
  ('inspector', 'Inspector', 'Measures and completes inspections at their plant; never approves them'),
  ('quality_engineer', 'Quality engineer', 'Control plans, inspection and SPC baseline approval, NCRs and the MRB, recalls; does not record inspections'),
  ('procurement', 'Procurement', 'Suppliers and purchasing'),
  ('production', 'Production', 'Manufacturing and work orders on the floor'),
  ('sales', 'Sales', 'Customers, inquiries and quotes'),
  ('finance', 'Finance', 'Costs, invoices and payments'),
  ('logistics', 'Logistics', 'Shipping, receiving and tracking'),
  ('auditor', 'Auditor', 'Reads everything needed for an audit, changes nothing'),
  ('lab_manager', 'Lab manager', 'Runs the lab: samples, instruments, methods'),
  ('lab_tech', 'Lab technician', 'Handles samples and runs tests'),
  ('lab_reviewer', 'Lab reviewer', 'Reviews and releases results others entered'),
  ('maintenance_planner', 'Maintenance planner', 'Plans maintenance work orders'),
  ('technician', 'Technician', 'Carries out maintenance work'),
  ('customer_portal', 'Customer portal', 'A customer''s or supplier''s person, bound to their partner'),
  ('storekeeper', 'Storekeeper', 'Keeps the maintenance stores: receives, counts, issues spare parts, follows purchase requests'),
  ('maintenance_supervisor', 'Maintenance supervisor', 'Leads the maintenance crew: verifies work, keeps assets and failure codes')
ON CONFLICT (key) DO UPDATE SET name = excluded.name, description = excluded.description;

DELETE FROM app_private.system_role_permissions;
INSERT INTO app_private.system_role_permissions (role_key, permission)
SELECT 'admin', code FROM app.permissions
UNION ALL
SELECT role_key, permission
  FROM (VALUES
    ('management', 'partner.read'), ('management', 'role.read'), ('management', 'audit.read'),
    ('management', 'project.read'), ('management', 'project.create'), ('management', 'project.update'),
    ('management', 'project.override_stage'), ('management', 'project.waive_exit_criteria'), ('management', 'progress.manage'), ('management', 'workflow.manage'),
    ('management', 'approval.manage'), ('management', 'document.upload'), ('management', 'capa.read'), ('management', 'capa.manage'),
    ('management', 'rule.manage'), ('management', 'trash.manage'), ('management', 'custom_field.manage'),
    ('engineering', 'partner.read'), ('engineering', 'project.read'), ('engineering', 'document.upload'),
    ('qa', 'partner.read'), ('qa', 'audit.read'), ('qa', 'project.read'), ('qa', 'document.upload'),
    ('qa', 'capa.read'), ('qa', 'capa.manage'), ('engineering', 'capa.read'), ('production', 'capa.read'),
    ('procurement', 'capa.read'), ('lab_manager', 'capa.read'), ('lab_manager', 'capa.manage'),
    ('management', 'document.release'),
    ('management', 'state_machine.manage'),
    ('qa', 'document.release'),
    ('procurement', 'partner.read'), ('procurement', 'partner.manage'), ('procurement', 'project.read'),
    ('procurement', 'document.upload'),
    ('production', 'project.read'), ('production', 'document.upload'),
    ('sales', 'partner.read'), ('sales', 'partner.manage'), ('sales', 'project.read'), ('sales', 'project.create'),
    ('sales', 'project.update'), ('sales', 'document.upload'),
    ('finance', 'partner.read'), ('finance', 'project.read'), ('finance', 'document.upload'),
    ('logistics', 'partner.read'), ('logistics', 'project.read'), ('logistics', 'document.upload'),
    ('auditor', 'partner.read'), ('auditor', 'role.read'), ('auditor', 'audit.read'), ('auditor', 'project.read'), ('auditor', 'capa.read'),
    ('lab_manager', 'partner.read'),
    ('customer_portal', 'partner.read'), ('customer_portal', 'project.read'),
    -- The operations registers: equipment, calibration, downtime, competence.
    ('management', 'equipment.read'), ('management', 'competence.read'), ('management', 'competence.manage'),
    ('engineering', 'equipment.read'),
    ('qa', 'equipment.read'), ('qa', 'calibration.record'), ('qa', 'competence.read'),
    ('production', 'equipment.read'), ('production', 'downtime.record'), ('production', 'production.record'),
    ('auditor', 'equipment.read'), ('auditor', 'competence.read'),
    ('lab_manager', 'equipment.read'), ('lab_manager', 'equipment.manage'), ('lab_manager', 'calibration.record'),
    ('lab_manager', 'downtime.record'), ('lab_manager', 'competence.read'), ('lab_manager', 'competence.manage'),
    ('lab_tech', 'equipment.read'), ('lab_tech', 'calibration.record'),
    ('maintenance_planner', 'equipment.read'), ('maintenance_planner', 'equipment.manage'),
    ('maintenance_planner', 'calibration.record'), ('maintenance_planner', 'downtime.record'),
    ('technician', 'equipment.read'), ('technician', 'calibration.record'), ('technician', 'downtime.record'),
    -- Maintenance assets (90_maintenance): planners and supervisors keep assets, meters and failure codes;
    -- technicians (usually scoped to their plant) read them and record readings; management and auditors read.
    ('maintenance_planner', 'asset.read'), ('maintenance_planner', 'asset.manage'), ('maintenance_planner', 'meter.record'),
    ('maintenance_supervisor', 'equipment.read'), ('maintenance_supervisor', 'equipment.manage'), ('maintenance_supervisor', 'downtime.record'),
    ('maintenance_supervisor', 'asset.read'), ('maintenance_supervisor', 'asset.manage'), ('maintenance_supervisor', 'meter.record'),
    ('maintenance_supervisor', 'comment.write'),
    ('technician', 'asset.read'), ('technician', 'meter.record'),
    ('management', 'asset.read'), ('auditor', 'asset.read'),
      -- Collaboration (tags, comments, attachments): every staff role but the auditor, who changes nothing.
    ('management', 'tag.manage'), ('management', 'tag.apply'), ('management', 'comment.write'),
    ('management', 'comment.moderate'), ('management', 'attachment.upload'),
    ('engineering', 'tag.apply'), ('engineering', 'comment.write'), ('engineering', 'attachment.upload'),
    ('qa', 'tag.apply'), ('qa', 'comment.write'), ('qa', 'attachment.upload'),
    ('procurement', 'tag.apply'), ('procurement', 'comment.write'), ('procurement', 'attachment.upload'),
    ('production', 'tag.apply'), ('production', 'comment.write'), ('production', 'attachment.upload'),
    ('sales', 'tag.apply'), ('sales', 'comment.write'), ('sales', 'attachment.upload'),
    ('finance', 'tag.apply'), ('finance', 'comment.write'), ('finance', 'attachment.upload'),
    ('logistics', 'tag.apply'), ('logistics', 'comment.write'), ('logistics', 'attachment.upload'),
    ('lab_manager', 'comment.write'), ('lab_tech', 'comment.write'), ('maintenance_planner', 'comment.write'),
    ('technician', 'comment.write'),
    -- The lab (70_lab): technicians handle samples and enter results; reviewers review and release what others
    -- entered; the lab manager does all of it and configures the lab; QA and auditors read.
    ('lab_manager', 'lab.configure'), ('lab_manager', 'sample.read'), ('lab_manager', 'sample.manage'),
    ('lab_manager', 'service_request.manage'), ('lab_manager', 'result.enter'), ('lab_manager', 'result.review'),
    ('lab_manager', 'result.release'),
    ('lab_tech', 'sample.read'), ('lab_tech', 'sample.manage'), ('lab_tech', 'result.enter'), ('lab_tech', 'partner.read'),
    ('lab_reviewer', 'sample.read'), ('lab_reviewer', 'result.review'), ('lab_reviewer', 'result.release'),
    ('lab_reviewer', 'equipment.read'), ('lab_reviewer', 'competence.read'), ('lab_reviewer', 'comment.write'),
    ('lab_reviewer', 'partner.read'),
    ('qa', 'sample.read'), ('qa', 'result.review'), ('auditor', 'sample.read'),
    -- The lab's notebook (70_lab/40_eln.sql): technicians and the lab manager write and sign their own entries;
    -- reviewers, QA and the lab manager witness others'; auditors read.
    ('lab_manager', 'eln.read'), ('lab_manager', 'eln.write'), ('lab_manager', 'eln.witness'), ('lab_manager', 'attachment.upload'),
    ('lab_tech', 'eln.read'), ('lab_tech', 'eln.write'), ('lab_tech', 'attachment.upload'),
    ('lab_reviewer', 'eln.read'), ('lab_reviewer', 'eln.witness'),
    ('qa', 'eln.read'), ('qa', 'eln.witness'), ('auditor', 'eln.read'),
    -- Certificates of analysis (70_lab/90_certificates.sql): whoever releases results may certify them.
    ('lab_manager', 'certificate.issue'), ('lab_reviewer', 'certificate.issue'),
    -- Instrument scheduling (70_lab/80_scheduling.sql): technicians and reviewers book instruments; the lab manager
    -- keeps the calendars.
    ('lab_manager', 'instrument.book'), ('lab_manager', 'instrument.schedule'), ('lab_tech', 'instrument.book'),
    ('lab_reviewer', 'instrument.book'),
    -- The lab's results part: the lab manager and QA investigate OOS results.
    ('lab_manager', 'oos.investigate'), ('qa', 'oos.investigate'),
    -- SOP templates and tasks (70_lab/52_sop_tasks.sql): the lab manager writes SOPs and hands out tasks; QA
    -- co-owns the SOPs.
    ('lab_manager', 'sop.manage'), ('lab_manager', 'task.manage'), ('qa', 'sop.manage'),
    -- Lab storage, custody and reagents (70_lab/30_storage, 34_reagents): the lab manager sets up storage and
    -- keeps the reagent stock; technicians use reagents (moving samples is sample.manage).
    ('lab_manager', 'storage.manage'), ('lab_manager', 'reagent.manage'), ('lab_manager', 'reagent.use'),
    ('lab_tech', 'reagent.use'),
    -- Manufacturing (80_quality, 82_traceability): engineering keeps the parts master; quality holds and releases
    -- material and traces it; production and technicians (usually scoped to their plant) make lots and serials and
    -- record what went into them; logistics, management, sales and auditors read.
    ('engineering', 'part.read'), ('engineering', 'part.manage'), ('engineering', 'traceability.read'),
    ('qa', 'part.read'), ('qa', 'traceability.read'), ('qa', 'traceability.manage'),
    ('production', 'part.read'), ('production', 'traceability.read'), ('production', 'traceability.manage'),
    ('technician', 'part.read'), ('technician', 'traceability.read'), ('technician', 'traceability.manage'),
    ('procurement', 'part.read'), ('procurement', 'traceability.read'),
    ('logistics', 'part.read'), ('logistics', 'traceability.read'),
    ('management', 'part.read'), ('management', 'traceability.read'),
    ('sales', 'part.read'), ('auditor', 'part.read'), ('auditor', 'traceability.read'),
    -- NCRs, concessions, complaints (80_quality/30_ncr, 32_concessions, 34_complaints): QA runs the MRB, the
    -- concessions and the complaints; production and technicians report NCRs at their plant; engineering sits on
    -- the MRB (dispositions); sales files complaints and asks for concessions; management and auditors read; a
    -- customer's portal user files and reads their own company's complaints.
    ('qa', 'ncr.read'), ('qa', 'ncr.manage'), ('qa', 'ncr.disposition'), ('qa', 'concession.read'), ('qa', 'concession.manage'),
    ('qa', 'complaint.read'), ('qa', 'complaint.manage'),
    ('production', 'ncr.read'), ('production', 'ncr.manage'), ('technician', 'ncr.read'), ('technician', 'ncr.manage'),
    ('engineering', 'ncr.read'), ('engineering', 'ncr.disposition'), ('engineering', 'concession.read'), ('engineering', 'complaint.read'),
    ('procurement', 'ncr.read'), ('logistics', 'ncr.read'),
    ('sales', 'concession.read'), ('sales', 'concession.manage'), ('sales', 'complaint.read'), ('sales', 'complaint.manage'),
    ('management', 'ncr.read'), ('management', 'concession.read'), ('management', 'complaint.read'),
    ('auditor', 'ncr.read'), ('auditor', 'concession.read'), ('auditor', 'complaint.read'),
    ('customer_portal', 'complaint.file'),
    -- Engineering (80_quality/60_drawings, 62_change_orders): engineering writes drawings and change orders; QA and
    -- management approve them (never their own submission); production, technicians and auditors read drawings.
    ('engineering', 'drawing.read'), ('engineering', 'drawing.manage'), ('engineering', 'change_order.read'),
    ('engineering', 'change_order.manage'),
    -- The approval routing (80_quality/68_workflows: chains change_order qa -> engineering -> production, drawing_release
    -- engineering -> qa) decides which step a holder of the approve permission may decide.
    ('engineering', 'drawing.approve'), ('engineering', 'change_order.approve'), ('production', 'change_order.approve'),
    ('qa', 'drawing.read'), ('qa', 'drawing.approve'), ('qa', 'change_order.read'), ('qa', 'change_order.approve'),
    ('management', 'drawing.read'), ('management', 'drawing.approve'), ('management', 'change_order.read'),
    ('management', 'change_order.approve'),
    ('production', 'drawing.read'), ('production', 'change_order.read'), ('technician', 'drawing.read'),
    ('procurement', 'drawing.read'), ('auditor', 'drawing.read'), ('auditor', 'change_order.read'),
    -- Control plans and inspections: quality owns them (approves plans, inspections and SPC baselines); engineering
    -- drafts plans; production and technicians (usually scoped to their plant) inspect and measure; auditors and
    -- management read.
    ('qa', 'control_plan.read'), ('qa', 'control_plan.manage'), ('qa', 'inspection.read'), ('qa', 'inspection.record'),
    ('qa', 'inspection.approve'),
    ('engineering', 'control_plan.read'), ('engineering', 'control_plan.manage'), ('engineering', 'inspection.read'),
    ('production', 'control_plan.read'), ('production', 'inspection.read'), ('production', 'inspection.record'),
    ('technician', 'control_plan.read'), ('technician', 'inspection.read'), ('technician', 'inspection.record'),
    ('management', 'control_plan.read'), ('management', 'inspection.read'),
    ('auditor', 'control_plan.read'), ('auditor', 'inspection.read'),
    -- The inspector / quality engineer split (separation of duties, app.decide_inspection): the inspector records and
    -- completes, the quality engineer plans and approves; neither holds the other's permission.
    ('inspector', 'control_plan.read'), ('inspector', 'inspection.read'), ('inspector', 'inspection.record'),
    ('inspector', 'part.read'), ('inspector', 'equipment.read'), ('inspector', 'ncr.read'), ('inspector', 'ncr.manage'), ('inspector', 'traceability.read'),
    ('quality_engineer', 'control_plan.read'), ('quality_engineer', 'control_plan.manage'), ('quality_engineer', 'inspection.read'),
    ('quality_engineer', 'inspection.approve'), ('quality_engineer', 'equipment.read'), ('quality_engineer', 'ncr.read'),
    ('quality_engineer', 'ncr.manage'), ('quality_engineer', 'ncr.disposition'), ('quality_engineer', 'capa.read'),
    ('quality_engineer', 'capa.manage'), ('quality_engineer', 'traceability.read'), ('quality_engineer', 'shipment.read'),
    ('quality_engineer', 'partner.read'), ('quality_engineer', 'concession.read'), ('quality_engineer', 'complaint.read'), ('quality_engineer', 'drawing.read'),
    ('quality_engineer', 'part.read'), ('quality_engineer', 'change_order.read'), ('quality_engineer', 'supplier.read'), ('quality_engineer', 'report.use'),
    -- Suppliers: procurement keeps the approved supplier list; quality decides on receipts and issues SCARs;
    -- logistics records receipts at the dock. A supplier's portal users (customer_portal, bound to the supplier, partner.read)
    -- read and answer their own supplier's SCARs with no permission of their own (80_quality/24_scars.sql).
    ('procurement', 'supplier.read'), ('procurement', 'supplier.manage'), ('procurement', 'receipt.record'),
    ('qa', 'supplier.read'), ('qa', 'receipt.decide'), ('qa', 'scar.manage'),
    ('logistics', 'supplier.read'), ('logistics', 'receipt.record'),
    ('management', 'supplier.read'), ('auditor', 'supplier.read'), ('engineering', 'supplier.read'),
    -- Logistics (84_logistics): logistics ships, labels and scans; production labels and scans at its plant; quality
    -- reads shipments (recalls, certificates); management, sales and auditors read; a customer's portal user reads
    -- the shipments of their customer.
    ('logistics', 'shipment.read'), ('logistics', 'shipment.manage'), ('logistics', 'label.print'), ('logistics', 'scan.record'),
    ('production', 'shipment.read'), ('production', 'label.print'), ('production', 'scan.record'),
    ('technician', 'scan.record'),
    ('qa', 'shipment.read'), ('qa', 'label.print'), ('management', 'shipment.read'), ('sales', 'shipment.read'),
    ('auditor', 'shipment.read'), ('customer_portal', 'shipment.read'),
    -- Reporting (95_reporting/): staff who read data report on it (the source's own permission still decides);
    -- management shares reports and dashboards with everyone.
    ('management', 'report.use'), ('management', 'report.manage'), ('engineering', 'report.use'), ('qa', 'report.use'),
    ('procurement', 'report.use'), ('production', 'report.use'), ('sales', 'report.use'), ('finance', 'report.use'),
    ('logistics', 'report.use'), ('auditor', 'report.use'), ('lab_manager', 'report.use'), ('lab_reviewer', 'report.use'),
    ('maintenance_planner', 'report.use'), ('technician', 'report.use'),
    -- Maintenance work (90_maintenance/70_* .. 80_*): planners plan and decide requests; technicians (usually plant-scoped)
    -- execute; supervisors verify; a contractor's portal user (customer_portal bound to the contractor) reads the work
    -- orders given to their company.
    ('maintenance_planner', 'work_request.manage'), ('maintenance_planner', 'work_order.read'),
    ('maintenance_planner', 'work_order.manage'), ('technician', 'work_order.read'),
    ('technician', 'work_order.execute'), ('maintenance_supervisor', 'work_order.read'),
    ('maintenance_supervisor', 'work_order.verify'), ('maintenance_supervisor', 'work_order.execute'),
    ('management', 'work_order.read'),
    ('maintenance_planner', 'team.manage'), ('maintenance_supervisor', 'team.manage'),
    ('customer_portal', 'work_order.read'),
    -- SAP sync (97_integration): admins run it (every permission); procurement and auditors read the sync log.
    ('procurement', 'integration.read'), ('auditor', 'integration.read'),
    -- Maintenance spare parts and stores (90_maintenance/40_* .. 44_*): the storekeeper keeps the
    -- stores and follows purchase requests; planners read stock, reserve and issue for planned work and see
    -- purchase requests; technicians (usually scoped to their plant) read stock, issue and return parts; management
    -- and auditors read. Storekeepers and planners read the parts master and vendors (partner.read).
    ('storekeeper', 'stock.read'), ('storekeeper', 'stock.manage'), ('storekeeper', 'stock.issue'),
    ('storekeeper', 'purchase_request.manage'), ('storekeeper', 'part.read'), ('storekeeper', 'partner.read'),
    ('storekeeper', 'equipment.read'),
    ('maintenance_planner', 'stock.read'), ('maintenance_planner', 'stock.issue'),
    ('maintenance_planner', 'purchase_request.manage'), ('maintenance_planner', 'part.read'),
    ('technician', 'stock.read'), ('technician', 'stock.issue'),
    ('management', 'stock.read'), ('auditor', 'stock.read')
  ) AS grants (role_key, permission);

SELECT app_private.sync_system_roles(id) FROM app.organizations;
