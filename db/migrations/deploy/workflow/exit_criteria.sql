-- Deploy pulse:workflow/exit_criteria to pg
-- requires: workflow/progress_approval_type

BEGIN;

-- A stage's exit criteria as data. Those that can be checked (at least N
-- qualified documents of a category, a value present on the project, an
-- approval of a type granted) are checked when the stage completes; text
-- ones are shown and not checked. They belong to a definition's stage, so
-- they freeze with the definition (a clone copies them), and a tenant starts
-- with the platform defaults (db/seeds/reference/20_workflow.sql).

CREATE TYPE app.exit_criterion_kind AS ENUM ('text', 'documents', 'project_value', 'approval');
COMMENT ON TYPE app.exit_criterion_kind IS
  'How an exit criterion is checked: text (informative, never checked), documents (at least min_count qualified documents of a category), project_value (a project column has a value), approval (an approval of a type was granted).';

CREATE TABLE app_private.default_exit_criteria (
  stage_slug text NOT NULL REFERENCES app_private.default_workflow_stages (slug) ON DELETE CASCADE,
  key text NOT NULL,
  position integer NOT NULL,
  kind app.exit_criterion_kind NOT NULL,
  description text NOT NULL,
  document_category app.document_category,
  min_count integer,
  project_field text,
  approval_type app.approval_type,
  waivable boolean NOT NULL DEFAULT false,
  PRIMARY KEY (stage_slug, key)
);
COMMENT ON TABLE app_private.default_exit_criteria IS
  'The exit criteria of the default stages every tenant starts with (copied into app.workflow_exit_criteria for its default definition).';

CREATE TABLE app.workflow_exit_criteria (
  organization_id uuid NOT NULL,
  id uuid NOT NULL,
  workflow_definition_id uuid NOT NULL,
  workflow_stage_id uuid NOT NULL,
  key text NOT NULL CONSTRAINT workflow_exit_criteria_key_format CHECK (key ~ '^[a-z0-9]+(-[a-z0-9]+)*$' AND length(key) <= 60),
  position integer NOT NULL DEFAULT 1 CONSTRAINT workflow_exit_criteria_position_positive CHECK (position > 0),
  kind app.exit_criterion_kind NOT NULL,
  description text NOT NULL CONSTRAINT workflow_exit_criteria_description_length CHECK (length(btrim(description)) BETWEEN 1 AND 300),
  document_category app.document_category,
  min_count integer CONSTRAINT workflow_exit_criteria_min_count_range CHECK (min_count BETWEEN 1 AND 100),
  project_field text CONSTRAINT workflow_exit_criteria_project_field_known CHECK (project_field IN
    ('customer_organization_id', 'assigned_to', 'requested_due_date', 'promised_due_date', 'quote_value', 'po_value', 'delivered_at')),
  approval_type app.approval_type,
  waivable boolean NOT NULL DEFAULT false,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (organization_id, id),
  CONSTRAINT workflow_exit_criteria_key_unique UNIQUE (organization_id, workflow_definition_id, workflow_stage_id, key),
  -- What each kind checks, and nothing else; a text criterion is never waived (it is never checked).
  CONSTRAINT workflow_exit_criteria_shape CHECK (CASE kind
    WHEN 'text' THEN document_category IS NULL AND min_count IS NULL AND project_field IS NULL AND approval_type IS NULL AND NOT waivable
    WHEN 'documents' THEN document_category IS NOT NULL AND min_count IS NOT NULL AND project_field IS NULL AND approval_type IS NULL
    WHEN 'project_value' THEN project_field IS NOT NULL AND document_category IS NULL AND min_count IS NULL AND approval_type IS NULL
    WHEN 'approval' THEN approval_type IS NOT NULL AND document_category IS NULL AND min_count IS NULL AND project_field IS NULL
  END),
  FOREIGN KEY (organization_id, workflow_definition_id, workflow_stage_id)
    REFERENCES app.workflow_definition_stages (organization_id, workflow_definition_id, workflow_stage_id) ON DELETE CASCADE
);

COMMENT ON TABLE app.workflow_exit_criteria IS
  E'Exit criteria of a definition''s stages.\nChecked ones (documents, project_value, approval) must be met, or waived for the project (app.waive_exit_criterion), before the stage completes; text ones are informative. Changed with workflow.manage while the definition is not locked (clone it otherwise); GET /project_exit_criteria shows them per project.';
COMMENT ON COLUMN app.workflow_exit_criteria.organization_id IS 'The tenant.';
COMMENT ON COLUMN app.workflow_exit_criteria.id IS 'Criterion id.';
COMMENT ON COLUMN app.workflow_exit_criteria.workflow_definition_id IS 'The definition (version).';
COMMENT ON COLUMN app.workflow_exit_criteria.workflow_stage_id IS 'The stage it lets a project leave.';
COMMENT ON COLUMN app.workflow_exit_criteria.key IS 'Stable key, unique in the definition''s stage (e.g. qualified-quotes).';
COMMENT ON COLUMN app.workflow_exit_criteria.position IS 'Display order in the stage.';
COMMENT ON COLUMN app.workflow_exit_criteria.kind IS 'text, documents, project_value or approval.';
COMMENT ON COLUMN app.workflow_exit_criteria.description IS 'What must hold, in words (e.g. At least 2 qualified supplier quotes, or a waiver).';
COMMENT ON COLUMN app.workflow_exit_criteria.document_category IS 'documents: the category counted.';
COMMENT ON COLUMN app.workflow_exit_criteria.min_count IS 'documents: how many qualified documents of the category (current version approved, or not needing approval).';
COMMENT ON COLUMN app.workflow_exit_criteria.project_field IS
  'project_value: the project column that must have a value (customer_organization_id, assigned_to, requested_due_date, promised_due_date, quote_value, po_value, delivered_at).';
COMMENT ON COLUMN app.workflow_exit_criteria.approval_type IS 'approval: the type of which one approval of the project must be approved.';
COMMENT ON COLUMN app.workflow_exit_criteria.waivable IS 'Whether someone holding project.waive_exit_criteria may waive it for a project, with a reason.';
COMMENT ON COLUMN app.workflow_exit_criteria.created_at IS 'When the criterion was created.';
COMMENT ON COLUMN app.workflow_exit_criteria.updated_at IS 'When the criterion was last changed.';

CREATE TABLE app.exit_criterion_waivers (
  organization_id uuid NOT NULL,
  id uuid NOT NULL,
  project_id uuid NOT NULL,
  criterion_id uuid NOT NULL,
  reason text NOT NULL CONSTRAINT exit_criterion_waivers_reason_length CHECK (length(btrim(reason)) BETWEEN 1 AND 2000),
  waived_by uuid REFERENCES app.users (id) ON DELETE SET NULL,
  waived_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (organization_id, id),
  CONSTRAINT exit_criterion_waivers_once UNIQUE (organization_id, project_id, criterion_id),
  FOREIGN KEY (organization_id, project_id) REFERENCES app.projects (organization_id, id) ON DELETE CASCADE,
  FOREIGN KEY (organization_id, criterion_id) REFERENCES app.workflow_exit_criteria (organization_id, id) ON DELETE CASCADE
);
CREATE INDEX exit_criterion_waivers_criterion_idx ON app.exit_criterion_waivers (organization_id, criterion_id);

COMMENT ON TABLE app.exit_criterion_waivers IS
  E'Waived exit criteria of projects.\nRecorded with a reason by someone holding project.waive_exit_criteria (app.waive_exit_criterion); audited; a waived criterion counts as met for that project.';
COMMENT ON COLUMN app.exit_criterion_waivers.organization_id IS 'The tenant.';
COMMENT ON COLUMN app.exit_criterion_waivers.id IS 'Waiver id.';
COMMENT ON COLUMN app.exit_criterion_waivers.project_id IS 'The project.';
COMMENT ON COLUMN app.exit_criterion_waivers.criterion_id IS 'The criterion waived (app.workflow_exit_criteria).';
COMMENT ON COLUMN app.exit_criterion_waivers.reason IS 'Why it is waived.';
COMMENT ON COLUMN app.exit_criterion_waivers.waived_by IS 'Who waived it.';
COMMENT ON COLUMN app.exit_criterion_waivers.waived_at IS 'When.';

-- The defaults, and the tenants that exist get them on every definition
-- whose stages carry the default slugs, so an upgraded database holds what a
-- fresh one provisions (the reference seed keeps the defaults from now on).
INSERT INTO app_private.default_exit_criteria
  (stage_slug, key, position, kind, description, document_category, min_count, project_field, approval_type, waivable)
SELECT c.stage_slug, c.key, c.position, c.kind::app.exit_criterion_kind, c.description, c.document_category::app.document_category,
       c.min_count, c.project_field, c.approval_type::app.approval_type, c.waivable
  FROM (VALUES
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
  ) AS c (stage_slug, key, position, kind, description, document_category, min_count, project_field, approval_type, waivable)
  JOIN app_private.default_workflow_stages AS s ON s.slug = c.stage_slug;

INSERT INTO app.workflow_exit_criteria
  (organization_id, id, workflow_definition_id, workflow_stage_id, key, position, kind, description, document_category, min_count,
   project_field, approval_type, waivable)
SELECT ds.organization_id, public.uuid_generate_v7(), ds.workflow_definition_id, ds.workflow_stage_id, d.key, d.position, d.kind,
       d.description, d.document_category, d.min_count, d.project_field, d.approval_type, d.waivable
  FROM app.workflow_definition_stages AS ds
  JOIN app.workflow_stages AS s ON s.organization_id = ds.organization_id AND s.id = ds.workflow_stage_id
  JOIN app_private.default_exit_criteria AS d ON d.stage_slug = s.slug;

COMMIT;
