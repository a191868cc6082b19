-- The default workflow every tenant starts with (§2 to §4 of the project
-- workflow specification): eight stages, 27 sub-stages, responsible roles,
-- tasks, decisions, exit criteria and mandatory documents; approval SLAs,
-- chains and fallback roles; document category rules. Applied by every
-- `pulse db migrate`; then every tenant without a workflow gets one (the
-- migration plan's "default definition per tenant"). Idempotent.

INSERT INTO app_private.default_workflow_stages
  (slug, name, stage_order, project_status, estimated_duration_days, required_document_categories, tasks, decisions, exit_criteria)
VALUES
  ('inquiry', 'Inquiry Received', 1, 'inquiry', 5, '{rfq,inquiry}',
   '{"Capture the inquiry","Attach the RFQ","Preliminary cost and lead-time evaluation"}',
   '{"Is it feasible?","Is the scope clarified?"}',
   '{"RFQ complete","Feasibility documented","Open questions closed"}'),
  ('technical-review', 'Technical Review', 2, 'reviewing', 5, '{design_spec,drawing}',
   '{"Review drawings and specifications","Assess tolerances","Plan capability","Identify risks"}',
   '{"Manufacturable as specified?","Special processes required?"}',
   '{"Signed technical review note","Risks mitigated or accepted"}'),
  ('supplier-rfq', 'Supplier RFQ Sent', 3, 'reviewing', 10, '{supplier_rfq,supplier_quote}',
   '{"Shortlist suppliers","Prepare and issue RFQs","Track responses"}',
   '{"Sufficient qualified quotes received?"}',
   '{"Minimum number of qualified quotes, or a waiver","Responses loaded"}'),
  ('quoted', 'Quoted', 4, 'quoted', 5, '{costing,customer_quote}',
   '{"Roll up cost (materials, labor, overhead)","Draft the quote","Route it for approval"}',
   '{"Margin threshold met?","Pricing approved?"}',
   '{"Approved quote issued to the customer"}'),
  ('order-confirmed', 'Order Confirmed', 5, 'confirmed', 5, '{po,contract}',
   '{"Validate the PO against the quote","Agree terms (Incoterms, payment)","Confirm dates"}',
   '{"PO accepted?","Exceptions resolved?"}',
   '{"Order acknowledged","Dates and budget baselined"}'),
  ('procurement-planning', 'Procurement Planning', 6, 'procurement', 10, '{bom,po}',
   '{"Freeze the BOM","Issue purchase orders","Obtain supplier confirmations and lead times"}',
   '{"Materials availability and dates aligned to plan?"}',
   '{"All critical POs placed and confirmed"}'),
  ('production', 'Production', 7, 'production', 20, '{work_order,work_instruction,qa_report,test_result}',
   '{"Prepare the work center and work instructions","Build","Test and inspect","Pack"}',
   '{"NCRs resolved?","Pass criteria met?"}',
   '{"All work orders complete","QA report passed","Packing complete"}'),
  ('completed', 'Completed', 8, NULL, 7, '{packing_list,shipping_doc,delivery_confirmation,invoice}',
   '{"Close-out inspection","Ship per terms","Confirm delivery","Archive documents"}',
   '{"All deliverables accepted by the customer?"}',
   '{"Delivery confirmed","Invoices issued","Project closed"}')
ON CONFLICT (slug) DO UPDATE SET
  name = excluded.name, stage_order = excluded.stage_order, project_status = excluded.project_status,
  estimated_duration_days = excluded.estimated_duration_days,
  required_document_categories = excluded.required_document_categories,
  tasks = excluded.tasks, decisions = excluded.decisions, exit_criteria = excluded.exit_criteria;

INSERT INTO app_private.default_workflow_sub_stages
  (slug, stage_slug, name, sub_stage_order, responsible_roles, is_required, requires_approval, approval_type, can_skip,
   auto_advance, marks_delivery, estimated_duration_hours)
VALUES
  ('rfq-review', 'inquiry', 'RFQ Review', 1, '{sales}', true, false, NULL, false, false, false, 8),
  ('feasibility-check', 'inquiry', 'Feasibility Check', 2, '{engineering}', true, false, NULL, false, true, false, 16),
  ('customer-clarification', 'inquiry', 'Customer Clarification', 3, '{sales}', false, false, NULL, true, false, false, 16),
  ('engineering-review', 'technical-review', 'Engineering Review', 1, '{engineering}', true, true, 'technical_review', false, false, false, 16),
  ('qa-review', 'technical-review', 'QA Review', 2, '{qa}', true, false, NULL, false, true, false, 8),
  ('production-review', 'technical-review', 'Production Review', 3, '{production}', true, false, NULL, false, true, false, 8),
  ('supplier-identification', 'supplier-rfq', 'Supplier Identification', 1, '{procurement}', true, false, NULL, false, false, false, 16),
  ('rfq-preparation', 'supplier-rfq', 'RFQ Preparation', 2, '{procurement}', true, false, NULL, false, true, false, 16),
  ('response-collection', 'supplier-rfq', 'Response Collection', 3, '{procurement}', true, true, 'supplier_selection', false, true, false, 48),
  ('cost-analysis', 'quoted', 'Cost Analysis', 1, '{finance,engineering}', true, false, NULL, false, false, false, 16),
  ('quote-preparation', 'quoted', 'Quote Preparation', 2, '{sales}', true, false, NULL, false, true, false, 8),
  ('internal-approval', 'quoted', 'Internal Approval', 3, '{management,finance}', true, true, 'quote_approval', false, true, false, 8),
  ('quote-sent', 'quoted', 'Quote Sent', 4, '{sales}', true, false, NULL, false, true, false, 4),
  ('po-review', 'order-confirmed', 'PO Review', 1, '{sales,finance}', true, true, 'po_approval', false, false, false, 8),
  ('contract-finalization', 'order-confirmed', 'Contract Finalization', 2, '{management}', true, false, NULL, true, true, false, 16),
  ('order-acknowledgement', 'order-confirmed', 'Order Acknowledgement', 3, '{sales}', true, false, NULL, false, true, false, 4),
  ('bom-finalization', 'procurement-planning', 'BOM Finalization', 1, '{engineering}', true, false, NULL, false, false, false, 16),
  ('purchase-order-creation', 'procurement-planning', 'Purchase Order Creation', 2, '{procurement}', true, true, 'po_approval', false, true, false, 16),
  ('supplier-confirmation', 'procurement-planning', 'Supplier Confirmation', 3, '{procurement}', true, false, NULL, false, true, false, 48),
  ('production-setup', 'production', 'Production Setup', 1, '{production}', true, false, NULL, false, false, false, 16),
  ('assembly', 'production', 'Assembly', 2, '{production}', true, false, NULL, false, true, false, 80),
  ('quality-testing', 'production', 'Quality Testing', 3, '{qa}', true, true, 'quality_review', false, true, false, 16),
  ('packaging', 'production', 'Packaging', 4, '{logistics}', true, false, NULL, false, true, false, 8),
  ('final-inspection', 'completed', 'Final Inspection', 1, '{qa}', true, true, 'quality_review', false, false, false, 8),
  ('shipping', 'completed', 'Shipping', 2, '{logistics}', true, true, 'shipment_release', false, true, false, 24),
  ('delivery-confirmation', 'completed', 'Delivery Confirmation', 3, '{sales,logistics}', true, false, NULL, false, true, true, 24),
  ('project-closure', 'completed', 'Project Closure', 4, '{management}', true, true, 'final_signoff', false, true, false, 8)
ON CONFLICT (slug) DO UPDATE SET
  stage_slug = excluded.stage_slug, name = excluded.name, sub_stage_order = excluded.sub_stage_order,
  responsible_roles = excluded.responsible_roles, is_required = excluded.is_required,
  requires_approval = excluded.requires_approval, approval_type = excluded.approval_type, can_skip = excluded.can_skip,
  auto_advance = excluded.auto_advance, marks_delivery = excluded.marks_delivery,
  estimated_duration_hours = excluded.estimated_duration_hours;

-- Exit criteria (§2): the ones that can be checked are data the stage
-- completion checks (documents of a category, a project value, an approval
-- granted); the others are text, shown and not checked. A tenant's default
-- definition gets a copy (app_private.provision_workflow).
INSERT INTO app_private.default_exit_criteria
  (stage_slug, key, position, kind, description, document_category, min_count, project_field, approval_type, waivable)
VALUES
  ('inquiry', 'rfq-complete', 1, 'text', 'RFQ complete', NULL, NULL, NULL, NULL, false),
  ('inquiry', 'feasibility-documented', 2, 'text', 'Feasibility documented', NULL, NULL, NULL, NULL, false),
  ('inquiry', 'open-questions-closed', 3, 'text', 'Open questions closed', NULL, NULL, NULL, NULL, false),
  ('technical-review', 'signed-review-note', 1, 'approval', 'Signed technical review note', NULL, NULL, NULL, 'technical_review', false),
  ('technical-review', 'risks-handled', 2, 'text', 'Risks mitigated or accepted', NULL, NULL, NULL, NULL, false),
  ('supplier-rfq', 'qualified-quotes', 1, 'documents', 'At least 2 qualified supplier quotes, or a waiver', 'supplier_quote', 2, NULL, NULL, true),
  ('supplier-rfq', 'responses-loaded', 2, 'text', 'Responses loaded', NULL, NULL, NULL, NULL, false),
  ('quoted', 'quote-approved', 1, 'approval', 'Quote approved', NULL, NULL, NULL, 'quote_approval', false),
  ('quoted', 'quote-issued', 2, 'documents', 'Quote issued to the customer', 'customer_quote', 1, NULL, NULL, false),
  ('order-confirmed', 'order-acknowledged', 1, 'text', 'Order acknowledged', NULL, NULL, NULL, NULL, false),
  ('order-confirmed', 'baselined', 2, 'text', 'Dates and budget baselined', NULL, NULL, NULL, NULL, false),
  ('procurement-planning', 'critical-pos', 1, 'text', 'All critical POs placed and confirmed', NULL, NULL, NULL, NULL, false),
  ('production', 'work-orders-complete', 1, 'text', 'All work orders complete', NULL, NULL, NULL, NULL, false),
  ('production', 'qa-passed', 2, 'approval', 'QA report passed', NULL, NULL, NULL, 'quality_review', false),
  ('production', 'packing-complete', 3, 'text', 'Packing complete', NULL, NULL, NULL, NULL, false),
  ('completed', 'delivery-confirmed', 1, 'project_value', 'Delivery confirmed', NULL, NULL, 'delivered_at', NULL, false),
  ('completed', 'invoices-issued', 2, 'documents', 'Invoices issued', 'invoice', 1, NULL, NULL, false),
  ('completed', 'project-closed', 3, 'approval', 'Project closed (final sign-off)', NULL, NULL, NULL, 'final_signoff', false)
ON CONFLICT (stage_slug, key) DO UPDATE SET
  position = excluded.position, kind = excluded.kind, description = excluded.description,
  document_category = excluded.document_category, min_count = excluded.min_count, project_field = excluded.project_field,
  approval_type = excluded.approval_type, waivable = excluded.waivable;

-- Approval routing (§4 of the specification): SLAs by priority (urgent 8 h,
-- high 24 h, normal 48 h, low 96 h; quality and final sign-off decisions are
-- signed), the chains (a quote goes to management when large or when its
-- margin is below 15 %), and the fallback roles that route what no chain
-- matches and stand in for a role nobody can decide for. New tenants get a
-- copy (app_private.provision_workflow) that their admins change; editing
-- these rows changes what later tenants start with, never existing tenants.
INSERT INTO app_private.default_approval_policies (approval_type, priority, sla_hours, requires_signature)
SELECT t, p, CASE p WHEN 'urgent' THEN 8 WHEN 'high' THEN 24 WHEN 'normal' THEN 48 ELSE 96 END,
       t IN ('quality_review', 'final_signoff')
  FROM unnest(enum_range(NULL::app.approval_type)) AS t, unnest(enum_range(NULL::app.approval_priority)) AS p
ON CONFLICT (approval_type, priority) DO UPDATE SET
  sla_hours = excluded.sla_hours, requires_signature = excluded.requires_signature;

INSERT INTO app_private.default_approval_chains (chain_name, approval_type, rank, conditions, steps)
VALUES
  ('Technical review', 'technical_review', 100, '{}', '[{"role": "engineering"}]'),
  ('Technical review, critical to quality', 'technical_review', 10,
   '{"risk_flags": {"any": ["critical_to_quality", "regulated", "special_process"]}}', '[{"role": "engineering"}, {"role": "qa"}]'),
  ('Quote approval', 'quote_approval', 100, '{}', '[{"role": "sales"}, {"role": "finance"}]'),
  ('Quote approval, large quote', 'quote_approval', 10,
   '{"quote_value": {"gte": 50000}}', '[{"role": "sales"}, {"role": "finance"}, {"role": "management"}]'),
  ('Quote approval, low margin', 'quote_approval', 20,
   '{"margin_percent": {"lt": 15}}', '[{"role": "sales"}, {"role": "finance"}, {"role": "management"}]'),
  ('PO approval', 'po_approval', 100, '{}', '[{"role": "procurement"}]'),
  ('PO approval, large spend', 'po_approval', 10,
   '{"po_value": {"gte": 25000}}', '[{"role": "procurement"}, {"role": "finance"}, {"role": "management"}]'),
  ('Supplier selection', 'supplier_selection', 100, '{}', '[{"role": "procurement"}]'),
  ('Quality review', 'quality_review', 100, '{}', '[{"role": "qa"}]'),
  ('Quality review, quality gate failed', 'quality_review', 10,
   '{"ctq_failures": {"gt": 0}}', '[{"role": "qa"}, {"role": "management"}]'),
  ('Shipment release', 'shipment_release', 100, '{}', '[{"role": "logistics"}]'),
  ('Shipment release, expedited or export-controlled', 'shipment_release', 10,
   '{"risk_flags": {"any": ["expedited", "export_controlled"]}}', '[{"role": "logistics"}, {"role": "management"}]'),
  ('Final sign-off', 'final_signoff', 100, '{}', '[{"role": "management"}]'),
  ('Final sign-off, promise slipped', 'final_signoff', 10,
   '{"slippage_days": {"gt": 5}}', '[{"role": "management"}, {"role": "admin"}]'),
  -- Quality workflows (80_quality/68_workflows.sql): an ECO is approved by
  -- quality, then engineering, then production; a drawing release (RDA) by
  -- design (engineering), then quality.
  ('Change order', 'change_order', 100, '{}', '[{"role": "qa"}, {"role": "engineering"}, {"role": "production"}]'),
  ('Drawing release (RDA)', 'drawing_release', 100, '{}', '[{"role": "engineering"}, {"role": "qa"}]')
ON CONFLICT (chain_name) DO UPDATE SET
  approval_type = excluded.approval_type, rank = excluded.rank, conditions = excluded.conditions, steps = excluded.steps;

INSERT INTO app_private.default_approval_fallbacks (role_key, position) VALUES ('management', 1), ('admin', 2)
ON CONFLICT (role_key) DO UPDATE SET position = excluded.position;

-- Two-person control, reminders and the hard deadline: a step nobody
-- eligible can decide refuses the request (a tenant may name a backup
-- approver instead), approvers are reminded at 75 % of the SLA, and an
-- approval still open 30 days after it was requested expires.
INSERT INTO app_private.default_approval_settings (when_no_approver, reminder_percent, expiry_hours) VALUES ('refuse', 75, 720)
ON CONFLICT (singleton) DO UPDATE SET
  when_no_approver = excluded.when_no_approver, reminder_percent = excluded.reminder_percent,
  expiry_hours = excluded.expiry_hours;

-- Document rules: drawings and work instructions are regulated (versions
-- need approval); quality, shipping, contract and money records are kept
-- 7 years, the rest 2.
INSERT INTO app_private.default_document_category_settings (category, is_regulated, retention_years)
SELECT c, c IN ('drawing', 'work_instruction'),
       CASE WHEN c IN ('qa_report', 'test_result', 'shipping_doc', 'packing_list', 'delivery_confirmation', 'drawing',
                       'work_instruction', 'contract', 'po', 'invoice') THEN 7 ELSE 2 END
  FROM unnest(enum_range(NULL::app.document_category)) AS c
ON CONFLICT (category) DO UPDATE SET is_regulated = excluded.is_regulated, retention_years = excluded.retention_years;

SELECT app_private.provision_workflow(o.id)
  FROM app.organizations AS o
 WHERE NOT EXISTS (SELECT FROM app.workflow_definitions AS d WHERE d.organization_id = o.id);
