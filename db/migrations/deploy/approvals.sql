-- Deploy pulse:approvals to pg
-- requires: documents

BEGIN;

CREATE TYPE app.approval_status AS ENUM ('pending', 'in_review', 'approved', 'rejected', 'cancelled', 'expired');
COMMENT ON TYPE app.approval_status IS
  'pending: waiting for the first step; in_review: a later step of the chain is deciding; approved, rejected, cancelled, expired: closed.';

CREATE TYPE app.approval_action AS ENUM
  ('request', 'assign', 'reassign', 'delegate', 'approve', 'reject', 'comment', 'escalate', 'cancel');
COMMENT ON TYPE app.approval_action IS 'What an approval_history row records.';

CREATE TYPE app.approval_decision AS ENUM ('approve', 'reject');
COMMENT ON TYPE app.approval_decision IS 'The decision sent to app.decide_approval.';

CREATE TYPE app.approval_priority AS ENUM ('low', 'normal', 'high', 'urgent');
COMMENT ON TYPE app.approval_priority IS 'Priority of an approval; its SLA depends on it.';

CREATE TABLE app.approval_policies (
  organization_id uuid NOT NULL DEFAULT auth.jwt_org_id() REFERENCES app.organizations (id) ON DELETE CASCADE,
  approval_type app.approval_type NOT NULL,
  priority app.approval_priority NOT NULL,
  sla_hours integer NOT NULL CONSTRAINT approval_policies_sla_range CHECK (sla_hours BETWEEN 1 AND 8760),
  requires_signature boolean NOT NULL DEFAULT false,
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (organization_id, approval_type, priority)
);
COMMENT ON TABLE app.approval_policies IS
  'Per tenant, approval type and priority: the SLA (hours until sla_due_at) and whether a decision needs an electronic signature.';
COMMENT ON COLUMN app.approval_policies.organization_id IS 'The tenant.';
COMMENT ON COLUMN app.approval_policies.approval_type IS 'Approval type.';
COMMENT ON COLUMN app.approval_policies.priority IS 'Approval priority.';
COMMENT ON COLUMN app.approval_policies.sla_hours IS 'Hours from the request (or the last reassignment to a new step) until the SLA is breached.';
COMMENT ON COLUMN app.approval_policies.requires_signature IS 'Decisions must be signed (password re-entered, meaning and reason recorded with a sha256 of what was signed).';
COMMENT ON COLUMN app.approval_policies.updated_at IS 'When the policy was last changed.';

CREATE TABLE app.approval_chains (
  organization_id uuid NOT NULL DEFAULT auth.jwt_org_id() REFERENCES app.organizations (id) ON DELETE CASCADE,
  id uuid NOT NULL DEFAULT public.uuid_generate_v7(),
  chain_name text NOT NULL CONSTRAINT approval_chains_name_length CHECK (length(btrim(chain_name)) BETWEEN 1 AND 100),
  approval_type app.approval_type NOT NULL,
  rank integer NOT NULL DEFAULT 100,
  conditions jsonb NOT NULL DEFAULT '{}'
    CONSTRAINT approval_chains_conditions_object CHECK (jsonb_typeof(conditions) = 'object' AND octet_length(conditions::text) <= 8192),
  steps jsonb NOT NULL
    CONSTRAINT approval_chains_steps_array CHECK (jsonb_typeof(steps) = 'array' AND jsonb_array_length(steps) BETWEEN 1 AND 10),
  is_active boolean NOT NULL DEFAULT true,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (organization_id, id),
  CONSTRAINT approval_chains_name_unique UNIQUE (organization_id, chain_name)
);
CREATE INDEX approval_chains_type_idx ON app.approval_chains (organization_id, approval_type, rank) WHERE is_active;

COMMENT ON TABLE app.approval_chains IS
  E'Routing of approvals. For a new approval the active chain of its type with the lowest rank whose conditions all hold is used; its steps are decided in order.\nconditions: {"quote_value": {"gte": 50000}, "po_value": {"gt": 10000}, "risk_flags": {"any": ["export_controlled"]}, "ctq_failures": {"gt": 0}, "rework_percent": {"gte": 5}, "slippage_days": {"gt": 3}, "priority": {"in": ["urgent"]}}; operators eq, ne, gt, gte, lt, lte, in, any.\nsteps: [{"role": "sales"}, {"role": "finance"}, {"user_id": "..."}].';
COMMENT ON COLUMN app.approval_chains.organization_id IS 'The tenant.';
COMMENT ON COLUMN app.approval_chains.id IS 'Chain id.';
COMMENT ON COLUMN app.approval_chains.chain_name IS 'Name, unique in the tenant.';
COMMENT ON COLUMN app.approval_chains.approval_type IS 'The approval type it routes.';
COMMENT ON COLUMN app.approval_chains.rank IS 'Lower ranks are tried first; a chain without conditions is the fallback.';
COMMENT ON COLUMN app.approval_chains.conditions IS 'Facts that must all hold (see the table comment).';
COMMENT ON COLUMN app.approval_chains.steps IS 'Ordered steps, each {"role": key} (the holder with the fewest open approvals decides) or {"user_id": id}.';
COMMENT ON COLUMN app.approval_chains.is_active IS 'Inactive chains route nothing.';
COMMENT ON COLUMN app.approval_chains.created_at IS 'When the chain was created.';
COMMENT ON COLUMN app.approval_chains.updated_at IS 'When the chain was last changed.';

CREATE TABLE app.approver_backups (
  organization_id uuid NOT NULL DEFAULT auth.jwt_org_id() REFERENCES app.organizations (id) ON DELETE CASCADE,
  user_id uuid NOT NULL REFERENCES app.users (id) ON DELETE CASCADE,
  backup_user_id uuid NOT NULL REFERENCES app.users (id) ON DELETE CASCADE,
  valid_until timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (organization_id, user_id),
  CONSTRAINT approver_backups_not_self CHECK (backup_user_id <> user_id)
);
COMMENT ON TABLE app.approver_backups IS
  'Who stands in for an approver: app.delegate_approval hands approvals to the backup, and escalation reassigns breached approvals to it.';
COMMENT ON COLUMN app.approver_backups.organization_id IS 'The tenant.';
COMMENT ON COLUMN app.approver_backups.user_id IS 'The approver.';
COMMENT ON COLUMN app.approver_backups.backup_user_id IS 'The stand-in, an active member of the tenant.';
COMMENT ON COLUMN app.approver_backups.valid_until IS 'Until when the stand-in applies; empty: until removed.';
COMMENT ON COLUMN app.approver_backups.created_at IS 'When it was set.';

CREATE TABLE app.approvals (
  organization_id uuid NOT NULL,
  id uuid NOT NULL DEFAULT public.uuid_generate_v7(),
  approval_type app.approval_type NOT NULL,
  entity_type text NOT NULL CONSTRAINT approvals_entity_type_known CHECK (entity_type IN ('project_sub_stage', 'document_version')),
  entity_id uuid NOT NULL,
  project_id uuid,
  status app.approval_status NOT NULL DEFAULT 'pending',
  priority app.approval_priority NOT NULL DEFAULT 'normal',
  requested_by uuid REFERENCES app.users (id) ON DELETE SET NULL,
  current_approver_id uuid REFERENCES app.users (id) ON DELETE SET NULL,
  approval_chain_id uuid,
  steps jsonb NOT NULL CONSTRAINT approvals_steps_array CHECK (jsonb_typeof(steps) = 'array' AND jsonb_array_length(steps) >= 1),
  current_step integer NOT NULL DEFAULT 1,
  sla_due_at timestamptz NOT NULL,
  escalation_level integer NOT NULL DEFAULT 0,
  last_escalated_at timestamptz,
  requires_signature boolean NOT NULL DEFAULT false,
  decided_by uuid REFERENCES app.users (id) ON DELETE SET NULL,
  decided_at timestamptz,
  decision_comment text,
  decision_signature jsonb,
  metadata jsonb NOT NULL DEFAULT '{}'
    CONSTRAINT approvals_metadata_object CHECK (jsonb_typeof(metadata) = 'object' AND octet_length(metadata::text) <= 16384),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (organization_id, id),
  CONSTRAINT approvals_step_in_chain CHECK (current_step BETWEEN 1 AND jsonb_array_length(steps)),
  FOREIGN KEY (organization_id, project_id) REFERENCES app.projects (organization_id, id) ON DELETE CASCADE,
  FOREIGN KEY (organization_id, approval_chain_id) REFERENCES app.approval_chains (organization_id, id) ON DELETE SET NULL (approval_chain_id)
);
CREATE INDEX approvals_entity_idx ON app.approvals (organization_id, entity_type, entity_id);
CREATE UNIQUE INDEX approvals_one_open_per_entity ON app.approvals (organization_id, entity_type, entity_id)
  WHERE status IN ('pending', 'in_review');
CREATE INDEX approvals_status_idx ON app.approvals (organization_id, status);
CREATE INDEX approvals_open_due_idx ON app.approvals (sla_due_at) WHERE status IN ('pending', 'in_review');
CREATE INDEX approvals_approver_idx ON app.approvals (organization_id, current_approver_id) WHERE status IN ('pending', 'in_review');
CREATE INDEX approvals_project_idx ON app.approvals (organization_id, project_id);

COMMENT ON TABLE app.approvals IS
  'Approval requests. Opened by completing an approval-gated sub-stage (or by app.request_document_approval); routed through a chain of steps; decided with app.decide_approval. At most one open approval per entity.';
COMMENT ON COLUMN app.approvals.organization_id IS 'The tenant.';
COMMENT ON COLUMN app.approvals.id IS 'Approval id.';
COMMENT ON COLUMN app.approvals.approval_type IS 'What is decided.';
COMMENT ON COLUMN app.approvals.entity_type IS 'project_sub_stage (entity_id: a project_sub_stage_progress id) or document_version (a document_versions id).';
COMMENT ON COLUMN app.approvals.entity_id IS 'The row the approval gates.';
COMMENT ON COLUMN app.approvals.project_id IS 'The project it belongs to.';
COMMENT ON COLUMN app.approvals.status IS 'pending, in_review, approved, rejected, cancelled or expired.';
COMMENT ON COLUMN app.approvals.priority IS 'Priority (urgent for urgent projects); sets the SLA.';
COMMENT ON COLUMN app.approvals.requested_by IS 'Who asked.';
COMMENT ON COLUMN app.approvals.current_approver_id IS 'Who decides the current step.';
COMMENT ON COLUMN app.approvals.approval_chain_id IS 'The chain that routed it; empty when the fallback route (management) was used.';
COMMENT ON COLUMN app.approvals.steps IS 'The resolved steps: [{"role": ..., "approver_id": ...}], in order.';
COMMENT ON COLUMN app.approvals.current_step IS 'The step being decided (1-based).';
COMMENT ON COLUMN app.approvals.sla_due_at IS 'When the current step breaches its SLA; escalation starts after it.';
COMMENT ON COLUMN app.approvals.escalation_level IS 'How many times it has been escalated (each level notifies one manager further up).';
COMMENT ON COLUMN app.approvals.last_escalated_at IS 'When it was last escalated.';
COMMENT ON COLUMN app.approvals.requires_signature IS 'Decisions must carry an electronic signature (approval_policies).';
COMMENT ON COLUMN app.approvals.decided_by IS 'Who made the final decision.';
COMMENT ON COLUMN app.approvals.decided_at IS 'When it was closed.';
COMMENT ON COLUMN app.approvals.decision_comment IS 'The final decision''s comment.';
COMMENT ON COLUMN app.approvals.decision_signature IS
  'The electronic signature of the final decision: signer_id, signer_email, signed_at, meaning, reason, payload_sha256.';
COMMENT ON COLUMN app.approvals.metadata IS 'The facts it was routed on (quote_value, po_value, risk_flags, slippage_days, ...).';
COMMENT ON COLUMN app.approvals.created_at IS 'When it was requested.';
COMMENT ON COLUMN app.approvals.updated_at IS 'When it last changed.';

CREATE TABLE app.approval_history (
  organization_id uuid NOT NULL,
  id uuid NOT NULL DEFAULT public.uuid_generate_v7(),
  approval_id uuid NOT NULL,
  action_by uuid REFERENCES app.users (id) ON DELETE SET NULL,
  action_type app.approval_action NOT NULL,
  old_status app.approval_status,
  new_status app.approval_status NOT NULL,
  step integer NOT NULL,
  from_approver_id uuid REFERENCES app.users (id) ON DELETE SET NULL,
  to_approver_id uuid REFERENCES app.users (id) ON DELETE SET NULL,
  comments text CONSTRAINT approval_history_comments_length CHECK (length(comments) <= 4000),
  signature_meaning text,
  signature_reason text,
  signed_payload jsonb,
  signed_payload_sha256 text,
  action_at timestamptz NOT NULL DEFAULT clock_timestamp(),
  PRIMARY KEY (organization_id, id),
  CONSTRAINT approval_history_signature_complete
    CHECK ((signed_payload_sha256 IS NULL) = (signature_meaning IS NULL AND signed_payload IS NULL)),
  FOREIGN KEY (organization_id, approval_id) REFERENCES app.approvals (organization_id, id) ON DELETE CASCADE
);
CREATE INDEX approval_history_approval_idx ON app.approval_history (organization_id, approval_id, action_at);

COMMENT ON TABLE app.approval_history IS 'The full trail of every approval: each request, assignment, decision, comment, escalation and cancellation. Append-only.';
COMMENT ON COLUMN app.approval_history.organization_id IS 'The tenant.';
COMMENT ON COLUMN app.approval_history.id IS 'Entry id.';
COMMENT ON COLUMN app.approval_history.approval_id IS 'The approval.';
COMMENT ON COLUMN app.approval_history.action_by IS 'Who acted; empty for the escalation job.';
COMMENT ON COLUMN app.approval_history.action_type IS 'request, assign, reassign, delegate, approve, reject, comment, escalate or cancel.';
COMMENT ON COLUMN app.approval_history.old_status IS 'Status before.';
COMMENT ON COLUMN app.approval_history.new_status IS 'Status after.';
COMMENT ON COLUMN app.approval_history.step IS 'The chain step it concerned.';
COMMENT ON COLUMN app.approval_history.from_approver_id IS 'The approver before a reassignment.';
COMMENT ON COLUMN app.approval_history.to_approver_id IS 'The approver after an assignment.';
COMMENT ON COLUMN app.approval_history.comments IS 'Comment or reason.';
COMMENT ON COLUMN app.approval_history.signature_meaning IS 'Electronic signature: what the signature means (e.g. approved, rejected, reviewed).';
COMMENT ON COLUMN app.approval_history.signature_reason IS 'Electronic signature: the signer''s stated reason.';
COMMENT ON COLUMN app.approval_history.signed_payload IS 'Electronic signature: exactly what was signed (approval, decision, signer, time, meaning, reason).';
COMMENT ON COLUMN app.approval_history.signed_payload_sha256 IS 'Electronic signature: sha256 (hex) of signed_payload as text.';
COMMENT ON COLUMN app.approval_history.action_at IS 'When.';

CREATE TABLE app.approval_attachments (
  organization_id uuid NOT NULL,
  id uuid NOT NULL DEFAULT public.uuid_generate_v7(),
  approval_id uuid NOT NULL,
  document_id uuid NOT NULL,
  version_number integer NOT NULL,
  file_url text NOT NULL,
  uploaded_by uuid REFERENCES app.users (id) ON DELETE SET NULL,
  uploaded_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (organization_id, id),
  CONSTRAINT approval_attachments_unique UNIQUE (organization_id, approval_id, document_id, version_number),
  FOREIGN KEY (organization_id, approval_id) REFERENCES app.approvals (organization_id, id) ON DELETE CASCADE,
  FOREIGN KEY (organization_id, document_id, version_number)
    REFERENCES app.document_versions (organization_id, document_id, version_number) ON DELETE CASCADE
);
COMMENT ON TABLE app.approval_attachments IS 'Supporting documents of an approval: document versions (app.add_approval_attachment).';
COMMENT ON COLUMN app.approval_attachments.organization_id IS 'The tenant.';
COMMENT ON COLUMN app.approval_attachments.id IS 'Attachment id.';
COMMENT ON COLUMN app.approval_attachments.approval_id IS 'The approval.';
COMMENT ON COLUMN app.approval_attachments.document_id IS 'The document.';
COMMENT ON COLUMN app.approval_attachments.version_number IS 'The version attached.';
COMMENT ON COLUMN app.approval_attachments.file_url IS 'Storage path of the attached version.';
COMMENT ON COLUMN app.approval_attachments.uploaded_by IS 'Who attached it.';
COMMENT ON COLUMN app.approval_attachments.uploaded_at IS 'When.';

CREATE TABLE app.approval_notifications (
  organization_id uuid NOT NULL,
  id uuid NOT NULL DEFAULT public.uuid_generate_v7(),
  approval_id uuid NOT NULL,
  recipient_id uuid NOT NULL REFERENCES app.users (id) ON DELETE CASCADE,
  reason text NOT NULL CONSTRAINT approval_notifications_reason_known CHECK (reason IN ('assigned', 'escalated', 'decided', 'cancelled')),
  escalation_level integer NOT NULL DEFAULT 0,
  sent_at timestamptz NOT NULL DEFAULT now(),
  read_at timestamptz,
  PRIMARY KEY (organization_id, id),
  FOREIGN KEY (organization_id, approval_id) REFERENCES app.approvals (organization_id, id) ON DELETE CASCADE
);
CREATE INDEX approval_notifications_approval_idx ON app.approval_notifications (organization_id, approval_id);
CREATE INDEX approval_notifications_recipient_idx ON app.approval_notifications (recipient_id, sent_at);

COMMENT ON TABLE app.approval_notifications IS 'Who was told about an approval and why (assigned, escalated, decided, cancelled); the message itself is in notifications.';
COMMENT ON COLUMN app.approval_notifications.organization_id IS 'The tenant.';
COMMENT ON COLUMN app.approval_notifications.id IS 'Entry id.';
COMMENT ON COLUMN app.approval_notifications.approval_id IS 'The approval.';
COMMENT ON COLUMN app.approval_notifications.recipient_id IS 'Who was told.';
COMMENT ON COLUMN app.approval_notifications.reason IS 'assigned, escalated, decided or cancelled.';
COMMENT ON COLUMN app.approval_notifications.escalation_level IS 'For escalations: the level (1: the approver''s manager, 2: theirs, ...).';
COMMENT ON COLUMN app.approval_notifications.sent_at IS 'When.';
COMMENT ON COLUMN app.approval_notifications.read_at IS 'When the recipient read the matching notification.';

COMMIT;
