-- Deploy pulse:workflow_catalog to pg
-- requires: rbac

BEGIN;

CREATE TYPE app.project_status AS ENUM
  ('draft', 'inquiry', 'reviewing', 'quoted', 'confirmed', 'procurement', 'production', 'completed', 'cancelled');
COMMENT ON TYPE app.project_status IS 'Where a project stands commercially; follows its workflow stage.';

CREATE TYPE app.priority_level AS ENUM ('low', 'normal', 'high', 'urgent');
COMMENT ON TYPE app.priority_level IS 'Priority of a project or a notification.';

CREATE TYPE app.approval_type AS ENUM
  ('technical_review', 'quote_approval', 'po_approval', 'supplier_selection', 'quality_review', 'shipment_release',
   'final_signoff');
COMMENT ON TYPE app.approval_type IS 'What an approval decides; SLAs and routing chains are set per type.';

CREATE TYPE app.document_category AS ENUM
  ('inquiry', 'rfq', 'design_spec', 'drawing', 'bom', 'supplier_rfq', 'supplier_quote', 'costing', 'customer_quote',
   'po', 'contract', 'work_order', 'work_instruction', 'qa_report', 'test_result', 'packing_list', 'shipping_doc',
   'delivery_confirmation', 'invoice', 'other');
COMMENT ON TYPE app.document_category IS 'The document taxonomy; a category can be mandatory for a stage and regulated.';

-- Short code used in document names (<ORG>-PRJ-000123-...).
ALTER TABLE app.organizations ADD COLUMN short_code text
  CONSTRAINT organizations_short_code_format CHECK (short_code ~ '^[A-Z0-9]{1,10}$');
COMMENT ON COLUMN app.organizations.short_code IS
  'Upper-case code (1-10 letters or digits) that starts document names, e.g. FP in FP-PRJ-000123-qa_report-20250907-v03.pdf; the initials of the slug when empty.';

-- The platform's default workflow, copied into every tenant's catalog when
-- the tenant is created (db/seeds/reference/20_workflow.sql keeps it).
CREATE TABLE app_private.default_workflow_stages (
  slug text PRIMARY KEY,
  name text NOT NULL,
  stage_order integer NOT NULL UNIQUE,
  project_status app.project_status,
  estimated_duration_days integer NOT NULL,
  required_document_categories app.document_category[] NOT NULL,
  tasks text[] NOT NULL,
  decisions text[] NOT NULL,
  exit_criteria text[] NOT NULL
);
COMMENT ON TABLE app_private.default_workflow_stages IS 'The default stages every tenant starts with.';

CREATE TABLE app_private.default_workflow_sub_stages (
  slug text PRIMARY KEY,
  stage_slug text NOT NULL REFERENCES app_private.default_workflow_stages (slug) ON DELETE CASCADE,
  name text NOT NULL,
  sub_stage_order integer NOT NULL,
  responsible_roles text[] NOT NULL,
  is_required boolean NOT NULL,
  requires_approval boolean NOT NULL,
  approval_type app.approval_type,
  can_skip boolean NOT NULL,
  auto_advance boolean NOT NULL,
  marks_delivery boolean NOT NULL,
  estimated_duration_hours integer NOT NULL,
  UNIQUE (stage_slug, sub_stage_order)
);
COMMENT ON TABLE app_private.default_workflow_sub_stages IS 'The default sub-stages every tenant starts with.';

CREATE TABLE app.workflow_stages (
  organization_id uuid NOT NULL DEFAULT auth.jwt_org_id() REFERENCES app.organizations (id) ON DELETE CASCADE,
  id uuid NOT NULL DEFAULT public.uuid_generate_v7(),
  name text NOT NULL CONSTRAINT workflow_stages_name_length CHECK (length(btrim(name)) BETWEEN 1 AND 100),
  slug text NOT NULL CONSTRAINT workflow_stages_slug_format CHECK (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$' AND length(slug) <= 60),
  stage_order integer NOT NULL CONSTRAINT workflow_stages_order_positive CHECK (stage_order > 0),
  is_active boolean NOT NULL DEFAULT true,
  estimated_duration_days integer CONSTRAINT workflow_stages_duration_range CHECK (estimated_duration_days BETWEEN 0 AND 3650),
  project_status app.project_status,
  responsible_roles text[] NOT NULL DEFAULT '{}' CONSTRAINT workflow_stages_roles_size CHECK (cardinality(responsible_roles) <= 20),
  required_document_categories app.document_category[] NOT NULL DEFAULT '{}',
  tasks text[] NOT NULL DEFAULT '{}' CONSTRAINT workflow_stages_tasks_size CHECK (cardinality(tasks) <= 50 AND length(tasks::text) <= 10000),
  decisions text[] NOT NULL DEFAULT '{}' CONSTRAINT workflow_stages_decisions_size CHECK (cardinality(decisions) <= 50 AND length(decisions::text) <= 10000),
  exit_criteria text[] NOT NULL DEFAULT '{}' CONSTRAINT workflow_stages_exit_size CHECK (cardinality(exit_criteria) <= 50 AND length(exit_criteria::text) <= 10000),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (organization_id, id),
  CONSTRAINT workflow_stages_slug_unique UNIQUE (organization_id, slug)
);
CREATE INDEX workflow_stages_order_idx ON app.workflow_stages (organization_id, stage_order);

COMMENT ON TABLE app.workflow_stages IS
  'The tenant''s catalog of workflow stages (Inquiry Received .. Completed). Definitions (versioned templates) choose and order them.';
COMMENT ON COLUMN app.workflow_stages.organization_id IS 'The tenant.';
COMMENT ON COLUMN app.workflow_stages.id IS 'Stage id.';
COMMENT ON COLUMN app.workflow_stages.name IS 'Display name.';
COMMENT ON COLUMN app.workflow_stages.slug IS 'Stable key, unique in the tenant (e.g. technical-review).';
COMMENT ON COLUMN app.workflow_stages.stage_order IS 'Position in the workflow; a definition may override it.';
COMMENT ON COLUMN app.workflow_stages.is_active IS 'Inactive stages are left out of definitions not yet used by a project.';
COMMENT ON COLUMN app.workflow_stages.estimated_duration_days IS 'Planned length; spread over sub-stages without their own estimate.';
COMMENT ON COLUMN app.workflow_stages.project_status IS 'The project status while a project is in this stage; empty keeps the status.';
COMMENT ON COLUMN app.workflow_stages.responsible_roles IS 'Role keys accountable for the stage (app.roles.key).';
COMMENT ON COLUMN app.workflow_stages.required_document_categories IS
  'Documents a project must hold (regulated categories: an approved version) before it leaves this stage automatically.';
COMMENT ON COLUMN app.workflow_stages.tasks IS 'What is done in the stage.';
COMMENT ON COLUMN app.workflow_stages.decisions IS 'The questions the stage answers.';
COMMENT ON COLUMN app.workflow_stages.exit_criteria IS 'What must hold before the stage is left.';
COMMENT ON COLUMN app.workflow_stages.created_at IS 'When the stage was created.';
COMMENT ON COLUMN app.workflow_stages.updated_at IS 'When the stage was last changed.';

CREATE TABLE app.workflow_sub_stages (
  organization_id uuid NOT NULL DEFAULT auth.jwt_org_id(),
  id uuid NOT NULL DEFAULT public.uuid_generate_v7(),
  workflow_stage_id uuid NOT NULL,
  name text NOT NULL CONSTRAINT workflow_sub_stages_name_length CHECK (length(btrim(name)) BETWEEN 1 AND 100),
  slug text NOT NULL CONSTRAINT workflow_sub_stages_slug_format CHECK (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$' AND length(slug) <= 60),
  sub_stage_order integer NOT NULL CONSTRAINT workflow_sub_stages_order_positive CHECK (sub_stage_order > 0),
  is_required boolean NOT NULL DEFAULT true,
  requires_approval boolean NOT NULL DEFAULT false,
  approval_type app.approval_type,
  can_skip boolean NOT NULL DEFAULT false,
  auto_advance boolean NOT NULL DEFAULT false,
  marks_delivery boolean NOT NULL DEFAULT false,
  estimated_duration_hours integer CONSTRAINT workflow_sub_stages_duration_range CHECK (estimated_duration_hours BETWEEN 0 AND 87600),
  responsible_roles text[] NOT NULL DEFAULT '{}' CONSTRAINT workflow_sub_stages_roles_size CHECK (cardinality(responsible_roles) <= 20),
  metadata jsonb NOT NULL DEFAULT '{}'
    CONSTRAINT workflow_sub_stages_metadata_object CHECK (jsonb_typeof(metadata) = 'object' AND octet_length(metadata::text) <= 16384),
  is_active boolean NOT NULL DEFAULT true,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (organization_id, id),
  CONSTRAINT workflow_sub_stages_slug_unique UNIQUE (organization_id, slug),
  FOREIGN KEY (organization_id, workflow_stage_id) REFERENCES app.workflow_stages (organization_id, id) ON DELETE CASCADE
);
CREATE INDEX workflow_sub_stages_stage_order_idx ON app.workflow_sub_stages (organization_id, workflow_stage_id, sub_stage_order);
CREATE INDEX workflow_sub_stages_active_idx ON app.workflow_sub_stages (organization_id, is_active);

COMMENT ON TABLE app.workflow_sub_stages IS 'The tenant''s catalog of sub-stages: the steps inside a stage, with who does them and the rules they follow.';
COMMENT ON COLUMN app.workflow_sub_stages.organization_id IS 'The tenant.';
COMMENT ON COLUMN app.workflow_sub_stages.id IS 'Sub-stage id.';
COMMENT ON COLUMN app.workflow_sub_stages.workflow_stage_id IS 'The stage it belongs to.';
COMMENT ON COLUMN app.workflow_sub_stages.name IS 'Display name.';
COMMENT ON COLUMN app.workflow_sub_stages.slug IS 'Stable key, unique in the tenant (e.g. engineering-review).';
COMMENT ON COLUMN app.workflow_sub_stages.sub_stage_order IS 'Position inside the stage; a definition may override it.';
COMMENT ON COLUMN app.workflow_sub_stages.is_required IS 'The stage advances only when every required sub-stage is completed or skipped.';
COMMENT ON COLUMN app.workflow_sub_stages.requires_approval IS 'Completing it opens an approval; it is completed when the approval is approved.';
COMMENT ON COLUMN app.workflow_sub_stages.approval_type IS 'The type of the approval it opens (SLA and routing); final_signoff when empty.';
COMMENT ON COLUMN app.workflow_sub_stages.can_skip IS 'Whether the skip action is allowed.';
COMMENT ON COLUMN app.workflow_sub_stages.auto_advance IS 'Starts by itself (in_progress) when the sub-stage before it is completed or skipped.';
COMMENT ON COLUMN app.workflow_sub_stages.marks_delivery IS 'Completing it records the project''s delivery date (on-time delivery KPI).';
COMMENT ON COLUMN app.workflow_sub_stages.estimated_duration_hours IS 'Planned length; due dates are computed from it.';
COMMENT ON COLUMN app.workflow_sub_stages.responsible_roles IS 'Role keys (app.roles.key) whose holders may act on it; management may always act.';
COMMENT ON COLUMN app.workflow_sub_stages.metadata IS 'Free JSON (at most 16 KiB).';
COMMENT ON COLUMN app.workflow_sub_stages.is_active IS 'Inactive sub-stages are left out of definitions not yet used by a project.';
COMMENT ON COLUMN app.workflow_sub_stages.created_at IS 'When the sub-stage was created.';
COMMENT ON COLUMN app.workflow_sub_stages.updated_at IS 'When the sub-stage was last changed.';

CREATE TABLE app.workflow_definitions (
  organization_id uuid NOT NULL DEFAULT auth.jwt_org_id() REFERENCES app.organizations (id) ON DELETE CASCADE,
  id uuid NOT NULL DEFAULT public.uuid_generate_v7(),
  name text NOT NULL CONSTRAINT workflow_definitions_name_length CHECK (length(btrim(name)) BETWEEN 1 AND 100),
  version integer NOT NULL DEFAULT 1 CONSTRAINT workflow_definitions_version_positive CHECK (version > 0),
  description text NOT NULL DEFAULT '' CONSTRAINT workflow_definitions_description_length CHECK (length(description) <= 4000),
  is_active boolean NOT NULL DEFAULT true,
  is_default boolean NOT NULL DEFAULT false,
  based_on_id uuid,
  locked_at timestamptz,
  created_by uuid REFERENCES app.users (id) ON DELETE SET NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (organization_id, id),
  CONSTRAINT workflow_definitions_version_unique UNIQUE (organization_id, name, version),
  FOREIGN KEY (organization_id, based_on_id) REFERENCES app.workflow_definitions (organization_id, id) ON DELETE SET NULL (based_on_id)
);
CREATE INDEX workflow_definitions_active_idx ON app.workflow_definitions (organization_id, is_active);
CREATE UNIQUE INDEX workflow_definitions_one_default ON app.workflow_definitions (organization_id) WHERE is_default;

COMMENT ON TABLE app.workflow_definitions IS
  'Versioned workflow templates: which catalog stages and sub-stages a project goes through, with overrides. Once a project uses a version it is locked; changes go to a clone (app.clone_workflow_definition).';
COMMENT ON COLUMN app.workflow_definitions.organization_id IS 'The tenant.';
COMMENT ON COLUMN app.workflow_definitions.id IS 'Definition (version) id.';
COMMENT ON COLUMN app.workflow_definitions.name IS 'Template name; versions of one template share it.';
COMMENT ON COLUMN app.workflow_definitions.version IS 'Version number, unique per name.';
COMMENT ON COLUMN app.workflow_definitions.description IS 'What the template is for and what changed in this version.';
COMMENT ON COLUMN app.workflow_definitions.is_active IS 'Inactive versions cannot be chosen for new projects.';
COMMENT ON COLUMN app.workflow_definitions.is_default IS 'The version new projects get when they name none; one per tenant.';
COMMENT ON COLUMN app.workflow_definitions.based_on_id IS 'The version this one was cloned from.';
COMMENT ON COLUMN app.workflow_definitions.locked_at IS
  'When the first project started using it: from then on the version is frozen, every override holds the value in force.';
COMMENT ON COLUMN app.workflow_definitions.created_by IS 'Who created the version.';
COMMENT ON COLUMN app.workflow_definitions.created_at IS 'When the version was created.';
COMMENT ON COLUMN app.workflow_definitions.updated_at IS 'When the version was last changed.';

CREATE TABLE app.workflow_definition_stages (
  organization_id uuid NOT NULL DEFAULT auth.jwt_org_id(),
  id uuid NOT NULL DEFAULT public.uuid_generate_v7(),
  workflow_definition_id uuid NOT NULL,
  workflow_stage_id uuid NOT NULL,
  is_included boolean NOT NULL DEFAULT true,
  stage_order_override integer CONSTRAINT workflow_definition_stages_order_positive CHECK (stage_order_override > 0),
  responsible_roles_override text[] CONSTRAINT workflow_definition_stages_roles_size CHECK (cardinality(responsible_roles_override) <= 20),
  estimated_duration_days_override integer CONSTRAINT workflow_definition_stages_duration_range CHECK (estimated_duration_days_override BETWEEN 0 AND 3650),
  requires_approval_override boolean,
  required_document_categories_override app.document_category[],
  metadata jsonb NOT NULL DEFAULT '{}'
    CONSTRAINT workflow_definition_stages_metadata_object CHECK (jsonb_typeof(metadata) = 'object' AND octet_length(metadata::text) <= 16384),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (organization_id, id),
  CONSTRAINT workflow_definition_stages_unique UNIQUE (organization_id, workflow_definition_id, workflow_stage_id),
  FOREIGN KEY (organization_id, workflow_definition_id) REFERENCES app.workflow_definitions (organization_id, id) ON DELETE CASCADE,
  FOREIGN KEY (organization_id, workflow_stage_id) REFERENCES app.workflow_stages (organization_id, id) ON DELETE CASCADE
);
CREATE INDEX workflow_definition_stages_stage_idx ON app.workflow_definition_stages (organization_id, workflow_stage_id);

COMMENT ON TABLE app.workflow_definition_stages IS 'The stages a definition includes, with its overrides of the catalog values (empty: the catalog value).';
COMMENT ON COLUMN app.workflow_definition_stages.organization_id IS 'The tenant.';
COMMENT ON COLUMN app.workflow_definition_stages.id IS 'Row id.';
COMMENT ON COLUMN app.workflow_definition_stages.workflow_definition_id IS 'The definition (version).';
COMMENT ON COLUMN app.workflow_definition_stages.workflow_stage_id IS 'The catalog stage.';
COMMENT ON COLUMN app.workflow_definition_stages.is_included IS 'False leaves the stage out of this version.';
COMMENT ON COLUMN app.workflow_definition_stages.stage_order_override IS 'Position in this version.';
COMMENT ON COLUMN app.workflow_definition_stages.responsible_roles_override IS 'Accountable role keys in this version.';
COMMENT ON COLUMN app.workflow_definition_stages.estimated_duration_days_override IS 'Planned length in this version.';
COMMENT ON COLUMN app.workflow_definition_stages.requires_approval_override IS
  'True: every sub-stage of the stage needs an approval in this version; false: none does; empty: as each sub-stage says.';
COMMENT ON COLUMN app.workflow_definition_stages.required_document_categories_override IS 'Mandatory documents of the stage in this version.';
COMMENT ON COLUMN app.workflow_definition_stages.metadata IS 'Free JSON (at most 16 KiB).';
COMMENT ON COLUMN app.workflow_definition_stages.created_at IS 'When the row was created.';
COMMENT ON COLUMN app.workflow_definition_stages.updated_at IS 'When the row was last changed.';

CREATE TABLE app.workflow_definition_sub_stages (
  organization_id uuid NOT NULL DEFAULT auth.jwt_org_id(),
  id uuid NOT NULL DEFAULT public.uuid_generate_v7(),
  workflow_definition_id uuid NOT NULL,
  workflow_sub_stage_id uuid NOT NULL,
  is_included boolean NOT NULL DEFAULT true,
  sub_stage_order_override integer CONSTRAINT workflow_definition_sub_stages_order_positive CHECK (sub_stage_order_override > 0),
  responsible_roles_override text[] CONSTRAINT workflow_definition_sub_stages_roles_size CHECK (cardinality(responsible_roles_override) <= 20),
  is_required_override boolean,
  requires_approval_override boolean,
  approval_type_override app.approval_type,
  can_skip_override boolean,
  auto_advance_override boolean,
  estimated_duration_hours_override integer CONSTRAINT workflow_definition_sub_stages_duration_range CHECK (estimated_duration_hours_override BETWEEN 0 AND 87600),
  metadata jsonb NOT NULL DEFAULT '{}'
    CONSTRAINT workflow_definition_sub_stages_metadata_object CHECK (jsonb_typeof(metadata) = 'object' AND octet_length(metadata::text) <= 16384),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (organization_id, id),
  CONSTRAINT workflow_definition_sub_stages_unique UNIQUE (organization_id, workflow_definition_id, workflow_sub_stage_id),
  FOREIGN KEY (organization_id, workflow_definition_id) REFERENCES app.workflow_definitions (organization_id, id) ON DELETE CASCADE,
  FOREIGN KEY (organization_id, workflow_sub_stage_id) REFERENCES app.workflow_sub_stages (organization_id, id) ON DELETE CASCADE
);
CREATE INDEX workflow_definition_sub_stages_sub_stage_idx ON app.workflow_definition_sub_stages (organization_id, workflow_sub_stage_id);

COMMENT ON TABLE app.workflow_definition_sub_stages IS 'The sub-stages a definition includes, with its overrides of the catalog values (empty: the catalog value).';
COMMENT ON COLUMN app.workflow_definition_sub_stages.organization_id IS 'The tenant.';
COMMENT ON COLUMN app.workflow_definition_sub_stages.id IS 'Row id.';
COMMENT ON COLUMN app.workflow_definition_sub_stages.workflow_definition_id IS 'The definition (version).';
COMMENT ON COLUMN app.workflow_definition_sub_stages.workflow_sub_stage_id IS 'The catalog sub-stage.';
COMMENT ON COLUMN app.workflow_definition_sub_stages.is_included IS 'False leaves the sub-stage out of this version.';
COMMENT ON COLUMN app.workflow_definition_sub_stages.sub_stage_order_override IS 'Position inside its stage in this version.';
COMMENT ON COLUMN app.workflow_definition_sub_stages.responsible_roles_override IS 'Role keys that may act on it in this version.';
COMMENT ON COLUMN app.workflow_definition_sub_stages.is_required_override IS 'Whether it must be done before the stage advances, in this version.';
COMMENT ON COLUMN app.workflow_definition_sub_stages.requires_approval_override IS 'Whether completing it needs an approval, in this version.';
COMMENT ON COLUMN app.workflow_definition_sub_stages.approval_type_override IS 'The type of approval it opens, in this version.';
COMMENT ON COLUMN app.workflow_definition_sub_stages.can_skip_override IS 'Whether it may be skipped, in this version.';
COMMENT ON COLUMN app.workflow_definition_sub_stages.auto_advance_override IS 'Whether it starts by itself after its predecessor, in this version.';
COMMENT ON COLUMN app.workflow_definition_sub_stages.estimated_duration_hours_override IS 'Planned length in this version.';
COMMENT ON COLUMN app.workflow_definition_sub_stages.metadata IS 'Free JSON (at most 16 KiB).';
COMMENT ON COLUMN app.workflow_definition_sub_stages.created_at IS 'When the row was created.';
COMMENT ON COLUMN app.workflow_definition_sub_stages.updated_at IS 'When the row was last changed.';

CREATE TABLE app.workflow_settings (
  organization_id uuid PRIMARY KEY DEFAULT auth.jwt_org_id() REFERENCES app.organizations (id) ON DELETE CASCADE,
  enforce_mandatory_documents boolean NOT NULL DEFAULT true,
  updated_at timestamptz NOT NULL DEFAULT now()
);
COMMENT ON TABLE app.workflow_settings IS 'Per-tenant workflow switches; one row per tenant.';
COMMENT ON COLUMN app.workflow_settings.organization_id IS 'The tenant.';
COMMENT ON COLUMN app.workflow_settings.enforce_mandatory_documents IS
  'True: a stage advances automatically only once the project holds the stage''s mandatory documents.';
COMMENT ON COLUMN app.workflow_settings.updated_at IS 'When the settings were last changed.';

COMMIT;
