-- Deploy pulse:projects to pg
-- requires: workflow_catalog
-- requires: audit

BEGIN;

CREATE TYPE app.sub_stage_status AS ENUM ('pending', 'in_progress', 'in_review', 'blocked', 'skipped', 'completed');
COMMENT ON TYPE app.sub_stage_status IS
  'pending -> in_progress -> (in_review while an approval is open) -> completed; blocked and skipped where the rules allow.';

CREATE TYPE app.progress_action AS ENUM ('start', 'complete', 'skip', 'block');
COMMENT ON TYPE app.progress_action IS 'What app.update_progress does to a sub-stage.';

CREATE TYPE app.stage_transition_kind AS ENUM ('initial', 'automatic', 'manual');
COMMENT ON TYPE app.stage_transition_kind IS
  'initial: the project was created in the stage; automatic: every required sub-stage was done; manual: a management override with a reason.';

-- Race-free human ids: one counter row per tenant and kind, taken with
-- INSERT .. ON CONFLICT DO UPDATE, so concurrent creators queue on the row.
CREATE TABLE app_private.human_id_counters (
  organization_id uuid NOT NULL REFERENCES app.organizations (id) ON DELETE CASCADE,
  prefix text NOT NULL,
  last_number bigint NOT NULL,
  PRIMARY KEY (organization_id, prefix)
);
COMMENT ON TABLE app_private.human_id_counters IS 'The last number handed out per tenant and prefix (PRJ-000123).';

CREATE TABLE app.projects (
  organization_id uuid NOT NULL DEFAULT auth.jwt_org_id() REFERENCES app.organizations (id) ON DELETE CASCADE,
  id uuid NOT NULL DEFAULT public.uuid_generate_v7(),
  project_id text NOT NULL CONSTRAINT projects_project_id_format CHECK (project_id ~ '^PRJ-[0-9]{6,12}$'),
  title text NOT NULL CONSTRAINT projects_title_length CHECK (length(btrim(title)) BETWEEN 1 AND 200),
  description text NOT NULL DEFAULT '' CONSTRAINT projects_description_length CHECK (length(description) <= 20000),
  customer_organization_id uuid,
  workflow_definition_id uuid NOT NULL,
  current_stage_id uuid,
  status app.project_status NOT NULL DEFAULT 'inquiry',
  priority app.priority_level NOT NULL DEFAULT 'normal',
  requested_due_date date,
  promised_due_date date,
  stage_entered_at timestamptz NOT NULL DEFAULT now(),
  stage_change_reason text CONSTRAINT projects_stage_change_reason_length CHECK (length(stage_change_reason) <= 2000),
  quote_value numeric(14, 2) CONSTRAINT projects_quote_value_positive CHECK (quote_value >= 0),
  po_value numeric(14, 2) CONSTRAINT projects_po_value_positive CHECK (po_value >= 0),
  risk_flags text[] NOT NULL DEFAULT '{}'
    CONSTRAINT projects_risk_flags_known CHECK (risk_flags <@ ARRAY['regulated', 'export_controlled', 'special_process', 'expedited', 'critical_to_quality']),
  created_by uuid REFERENCES app.users (id) ON DELETE SET NULL,
  assigned_to uuid REFERENCES app.users (id) ON DELETE SET NULL,
  team_member_ids uuid[] NOT NULL DEFAULT '{}' CONSTRAINT projects_team_size CHECK (cardinality(team_member_ids) <= 100),
  point_of_contacts uuid[] NOT NULL DEFAULT '{}' CONSTRAINT projects_contacts_size CHECK (cardinality(point_of_contacts) <= 50),
  delivered_at timestamptz,
  completed_at timestamptz,
  metadata jsonb NOT NULL DEFAULT '{}'
    CONSTRAINT projects_metadata_object CHECK (jsonb_typeof(metadata) = 'object' AND octet_length(metadata::text) <= 65536),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (organization_id, id),
  CONSTRAINT projects_project_id_unique UNIQUE (organization_id, project_id),
  FOREIGN KEY (organization_id, customer_organization_id) REFERENCES app.partners (organization_id, id),
  FOREIGN KEY (organization_id, workflow_definition_id) REFERENCES app.workflow_definitions (organization_id, id),
  FOREIGN KEY (organization_id, current_stage_id) REFERENCES app.workflow_stages (organization_id, id)
);
CREATE INDEX projects_customer_idx ON app.projects (organization_id, customer_organization_id);
CREATE INDEX projects_status_idx ON app.projects (organization_id, status);
CREATE INDEX projects_stage_idx ON app.projects (organization_id, current_stage_id);
CREATE INDEX projects_definition_idx ON app.projects (organization_id, workflow_definition_id);
CREATE INDEX projects_assigned_idx ON app.projects (organization_id, assigned_to);
CREATE INDEX projects_title_trgm_idx ON app.projects USING gin (title gin_trgm_ops);

COMMENT ON TABLE app.projects IS
  'Customer projects from inquiry to delivery. Each follows one pinned workflow definition; entering a stage seeds its sub-stages into project_sub_stage_progress.';
COMMENT ON COLUMN app.projects.organization_id IS 'The tenant.';
COMMENT ON COLUMN app.projects.id IS 'Project id (uuid); the API paths use it.';
COMMENT ON COLUMN app.projects.project_id IS E'@hasDefault\nHuman id, unique in the tenant: PRJ- and six or more digits; handed out in sequence when not sent.';
COMMENT ON COLUMN app.projects.title IS 'Title.';
COMMENT ON COLUMN app.projects.description IS 'Description.';
COMMENT ON COLUMN app.projects.customer_organization_id IS 'The customer: a partner of the tenant (kind customer or customer_and_supplier).';
COMMENT ON COLUMN app.projects.workflow_definition_id IS E'@hasDefault\nThe workflow definition (version) the project follows; the tenant''s default when not sent. Fixed once set.';
COMMENT ON COLUMN app.projects.current_stage_id IS
  'The stage the project is in; the first stage of its definition when not sent. Changing it by hand is a management override and needs stage_change_reason.';
COMMENT ON COLUMN app.projects.status IS 'Commercial status; follows the stage, completed when the last stage is done, cancelled by hand.';
COMMENT ON COLUMN app.projects.priority IS 'Priority; urgent projects get urgent approvals.';
COMMENT ON COLUMN app.projects.requested_due_date IS 'The date the customer asked for.';
COMMENT ON COLUMN app.projects.promised_due_date IS 'The date the tenant promised; on-time delivery is measured against it.';
COMMENT ON COLUMN app.projects.stage_entered_at IS 'When the project entered its current stage.';
COMMENT ON COLUMN app.projects.stage_change_reason IS
  'Write-only: send it with a manual change of current_stage_id; it is recorded in project_stage_transitions and not kept here.';
COMMENT ON COLUMN app.projects.quote_value IS 'Value of the quote; approval chains route on it (quote_value).';
COMMENT ON COLUMN app.projects.po_value IS 'Value of the purchase order; approval chains route on it (po_value).';
COMMENT ON COLUMN app.projects.risk_flags IS 'Any of regulated, export_controlled, special_process, expedited, critical_to_quality; approval chains route on them.';
COMMENT ON COLUMN app.projects.created_by IS 'Who created the project.';
COMMENT ON COLUMN app.projects.assigned_to IS 'The project manager.';
COMMENT ON COLUMN app.projects.team_member_ids IS 'The project team (user ids, members of the tenant); notified of stage changes.';
COMMENT ON COLUMN app.projects.point_of_contacts IS 'The customer''s contact persons (app.contacts ids of the customer).';
COMMENT ON COLUMN app.projects.delivered_at IS 'When delivery was confirmed (the sub-stage that marks delivery was completed).';
COMMENT ON COLUMN app.projects.completed_at IS 'When the last stage was done.';
COMMENT ON COLUMN app.projects.metadata IS 'Free JSON (at most 64 KiB).';
COMMENT ON COLUMN app.projects.created_at IS 'When the project was created.';
COMMENT ON COLUMN app.projects.updated_at IS 'When the project was last changed.';

CREATE TABLE app.project_stage_transitions (
  organization_id uuid NOT NULL,
  id uuid NOT NULL DEFAULT public.uuid_generate_v7(),
  project_id uuid NOT NULL,
  from_stage_id uuid,
  to_stage_id uuid,
  kind app.stage_transition_kind NOT NULL,
  reason text,
  missing_document_categories app.document_category[] NOT NULL DEFAULT '{}',
  changed_by uuid REFERENCES app.users (id) ON DELETE SET NULL,
  changed_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (organization_id, id),
  FOREIGN KEY (organization_id, project_id) REFERENCES app.projects (organization_id, id) ON DELETE CASCADE,
  FOREIGN KEY (organization_id, from_stage_id) REFERENCES app.workflow_stages (organization_id, id),
  FOREIGN KEY (organization_id, to_stage_id) REFERENCES app.workflow_stages (organization_id, id)
);
CREATE INDEX project_stage_transitions_project_idx ON app.project_stage_transitions (organization_id, project_id, changed_at);

COMMENT ON TABLE app.project_stage_transitions IS 'Every stage change of every project: automatic, or a management override with its reason. Append-only.';
COMMENT ON COLUMN app.project_stage_transitions.organization_id IS 'The tenant.';
COMMENT ON COLUMN app.project_stage_transitions.id IS 'Transition id.';
COMMENT ON COLUMN app.project_stage_transitions.project_id IS 'The project.';
COMMENT ON COLUMN app.project_stage_transitions.from_stage_id IS 'The stage left; empty when the project was created.';
COMMENT ON COLUMN app.project_stage_transitions.to_stage_id IS 'The stage entered; empty when the last stage was done.';
COMMENT ON COLUMN app.project_stage_transitions.kind IS 'initial, automatic or manual.';
COMMENT ON COLUMN app.project_stage_transitions.reason IS 'Why a manual override was made.';
COMMENT ON COLUMN app.project_stage_transitions.missing_document_categories IS 'Mandatory documents of the stage left that were missing when a manual override moved on.';
COMMENT ON COLUMN app.project_stage_transitions.changed_by IS 'Who caused the change.';
COMMENT ON COLUMN app.project_stage_transitions.changed_at IS 'When.';

CREATE TABLE app.project_sub_stage_progress (
  organization_id uuid NOT NULL,
  id uuid NOT NULL DEFAULT public.uuid_generate_v7(),
  project_id uuid NOT NULL,
  workflow_stage_id uuid NOT NULL,
  sub_stage_id uuid NOT NULL,
  sub_stage_order integer NOT NULL,
  status app.sub_stage_status NOT NULL DEFAULT 'pending',
  is_required boolean NOT NULL,
  requires_approval boolean NOT NULL,
  approval_type app.approval_type NOT NULL,
  can_skip boolean NOT NULL,
  auto_advance boolean NOT NULL,
  responsible_roles text[] NOT NULL,
  assigned_to uuid REFERENCES app.users (id) ON DELETE SET NULL,
  started_at timestamptz,
  due_at timestamptz,
  completed_at timestamptz,
  blocked_reason text CONSTRAINT project_sub_stage_progress_blocked_reason_length CHECK (length(blocked_reason) <= 2000),
  metadata jsonb NOT NULL DEFAULT '{}'
    CONSTRAINT project_sub_stage_progress_metadata_object CHECK (jsonb_typeof(metadata) = 'object' AND octet_length(metadata::text) <= 65536),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (organization_id, id),
  CONSTRAINT project_sub_stage_progress_unique UNIQUE (organization_id, project_id, sub_stage_id),
  CONSTRAINT project_sub_stage_progress_blocked_has_reason CHECK ((status = 'blocked') = (blocked_reason IS NOT NULL)),
  FOREIGN KEY (organization_id, project_id) REFERENCES app.projects (organization_id, id) ON DELETE CASCADE,
  FOREIGN KEY (organization_id, workflow_stage_id) REFERENCES app.workflow_stages (organization_id, id),
  FOREIGN KEY (organization_id, sub_stage_id) REFERENCES app.workflow_sub_stages (organization_id, id)
);
CREATE INDEX project_sub_stage_progress_stage_idx ON app.project_sub_stage_progress (organization_id, project_id, workflow_stage_id);
CREATE INDEX project_sub_stage_progress_status_idx ON app.project_sub_stage_progress (organization_id, status);
CREATE INDEX project_sub_stage_progress_open_due_idx ON app.project_sub_stage_progress (organization_id, due_at)
  WHERE status IN ('pending', 'in_progress', 'in_review', 'blocked');

COMMENT ON TABLE app.project_sub_stage_progress IS
  'Per-project progress of each sub-stage, seeded when the project enters a stage. The rules in force (required, approval, skip, roles) are copied from the pinned definition. Change it through app.update_progress.';
COMMENT ON COLUMN app.project_sub_stage_progress.organization_id IS 'The tenant.';
COMMENT ON COLUMN app.project_sub_stage_progress.id IS 'Progress row id.';
COMMENT ON COLUMN app.project_sub_stage_progress.project_id IS 'The project (projects.id).';
COMMENT ON COLUMN app.project_sub_stage_progress.workflow_stage_id IS 'The stage.';
COMMENT ON COLUMN app.project_sub_stage_progress.sub_stage_id IS 'The catalog sub-stage.';
COMMENT ON COLUMN app.project_sub_stage_progress.sub_stage_order IS 'Position inside the stage, per the definition.';
COMMENT ON COLUMN app.project_sub_stage_progress.status IS 'pending, in_progress, in_review, blocked, skipped or completed.';
COMMENT ON COLUMN app.project_sub_stage_progress.is_required IS 'Whether the stage waits for it.';
COMMENT ON COLUMN app.project_sub_stage_progress.requires_approval IS 'Whether completing it needs an approved decision.';
COMMENT ON COLUMN app.project_sub_stage_progress.approval_type IS 'The type of approval completing it opens.';
COMMENT ON COLUMN app.project_sub_stage_progress.can_skip IS 'Whether it may be skipped.';
COMMENT ON COLUMN app.project_sub_stage_progress.auto_advance IS 'Whether it starts by itself when its predecessor is done.';
COMMENT ON COLUMN app.project_sub_stage_progress.responsible_roles IS 'Role keys whose holders may act on it (management may always).';
COMMENT ON COLUMN app.project_sub_stage_progress.assigned_to IS 'Who works on it; the first person to act when empty.';
COMMENT ON COLUMN app.project_sub_stage_progress.started_at IS 'When it was started.';
COMMENT ON COLUMN app.project_sub_stage_progress.due_at IS 'When it is due, from the estimates when the stage was entered.';
COMMENT ON COLUMN app.project_sub_stage_progress.completed_at IS 'When it was completed or skipped.';
COMMENT ON COLUMN app.project_sub_stage_progress.blocked_reason IS 'Why it is blocked (set exactly while blocked), e.g. an approval''s rejection.';
COMMENT ON COLUMN app.project_sub_stage_progress.metadata IS
  'Free JSON (at most 64 KiB): comments, attachments, quality figures (ctq_failures, rework_percent) that approval chains route on.';
COMMENT ON COLUMN app.project_sub_stage_progress.created_at IS 'When it was seeded.';
COMMENT ON COLUMN app.project_sub_stage_progress.updated_at IS 'When it last changed.';

ALTER TABLE audit.activity_log ADD COLUMN project_id uuid;
CREATE INDEX activity_log_project_idx ON audit.activity_log (organization_id, project_id, occurred_at) WHERE project_id IS NOT NULL;
CREATE INDEX activity_log_actor_idx ON audit.activity_log (organization_id, actor_user_id, occurred_at);
COMMENT ON COLUMN audit.activity_log.project_id IS 'The project the changed row belongs to, when it belongs to one.';

COMMIT;
