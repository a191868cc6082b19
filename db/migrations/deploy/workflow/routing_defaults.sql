-- Deploy pulse:workflow/routing_defaults to pg
-- requires: identity/session_tokens_error_fields

BEGIN;

-- Platform defaults, as rows: db/seeds/reference/20_workflow.sql fills them
-- on every migrate, and app_private.provision_workflow copies them into a
-- new tenant's own rows (approval_policies, approval_chains,
-- approval_fallbacks, document_category_settings), which its admins edit.

CREATE TABLE app_private.default_approval_policies (
  approval_type app.approval_type NOT NULL,
  priority app.approval_priority NOT NULL,
  sla_hours integer NOT NULL CONSTRAINT default_approval_policies_sla_range CHECK (sla_hours BETWEEN 1 AND 8760),
  requires_signature boolean NOT NULL,
  PRIMARY KEY (approval_type, priority)
);
COMMENT ON TABLE app_private.default_approval_policies IS
  'The SLA and signature rule of each approval type and priority that every tenant starts with (copied into app.approval_policies).';

CREATE TABLE app_private.default_approval_chains (
  chain_name text PRIMARY KEY CONSTRAINT default_approval_chains_name_length CHECK (length(btrim(chain_name)) BETWEEN 1 AND 100),
  approval_type app.approval_type NOT NULL,
  rank integer NOT NULL,
  conditions jsonb NOT NULL CONSTRAINT default_approval_chains_conditions_object CHECK (jsonb_typeof(conditions) = 'object'),
  steps jsonb NOT NULL
    CONSTRAINT default_approval_chains_steps_array CHECK (jsonb_typeof(steps) = 'array' AND jsonb_array_length(steps) BETWEEN 1 AND 10)
);
COMMENT ON TABLE app_private.default_approval_chains IS
  'The approval chains every tenant starts with (copied into app.approval_chains); steps name role keys of the system roles.';

CREATE TABLE app_private.default_approval_fallbacks (
  role_key text PRIMARY KEY,
  position integer NOT NULL UNIQUE CONSTRAINT default_approval_fallbacks_position_range CHECK (position BETWEEN 1 AND 10)
);
COMMENT ON TABLE app_private.default_approval_fallbacks IS
  'The fallback roles every tenant starts with (copied into app.approval_fallbacks), in order; role keys of the system roles.';

CREATE TABLE app_private.default_document_category_settings (
  category app.document_category PRIMARY KEY,
  is_regulated boolean NOT NULL,
  retention_years integer NOT NULL CONSTRAINT default_document_category_settings_retention_range CHECK (retention_years BETWEEN 1 AND 100)
);
COMMENT ON TABLE app_private.default_document_category_settings IS
  'The document category rules every tenant starts with (copied into app.document_category_settings).';

CREATE TABLE app.approval_fallbacks (
  organization_id uuid NOT NULL REFERENCES app.organizations (id) ON DELETE CASCADE,
  id uuid NOT NULL,
  position integer NOT NULL CONSTRAINT approval_fallbacks_position_range CHECK (position BETWEEN 1 AND 10),
  role_key text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (organization_id, id),
  CONSTRAINT approval_fallbacks_role_unique UNIQUE (organization_id, role_key),
  CONSTRAINT approval_fallbacks_role_fkey
    FOREIGN KEY (organization_id, role_key) REFERENCES app.roles (organization_id, key) ON UPDATE CASCADE ON DELETE CASCADE
);
CREATE INDEX approval_fallbacks_position_idx ON app.approval_fallbacks (organization_id, position);

COMMENT ON TABLE app.approval_fallbacks IS
  E'Fallback roles of approval routing, in order.\nThe first routes an approval no chain matches (one step, decided by its holder); all of them, in order, stand in for a step whose role has no holder who may decide; their holders may decide any step. Changed with workflow.manage; POST /rpc/approval_route shows the route that results.';
COMMENT ON COLUMN app.approval_fallbacks.organization_id IS 'The tenant.';
COMMENT ON COLUMN app.approval_fallbacks.id IS 'Row id.';
COMMENT ON COLUMN app.approval_fallbacks.position IS 'Order in which fallback roles are tried (1 first).';
COMMENT ON COLUMN app.approval_fallbacks.role_key IS 'A role key of the tenant (GET /roles?select=key); deleting the role removes the fallback.';
COMMENT ON COLUMN app.approval_fallbacks.created_at IS 'When the fallback was added.';
COMMENT ON COLUMN app.approval_fallbacks.updated_at IS 'When it was last changed.';

CREATE TYPE app.approval_route_step AS (
  approval_type app.approval_type,
  approval_chain_id uuid,
  chain_name text,
  step integer,
  role text,
  user_id uuid,
  approver_id uuid,
  priority app.approval_priority,
  sla_hours integer,
  requires_signature boolean,
  fallback_roles text[]
);
COMMENT ON TYPE app.approval_route_step IS 'One step of the route an approval takes (app.approval_route).';
COMMENT ON COLUMN app.approval_route_step.approval_type IS 'The approval type.';
COMMENT ON COLUMN app.approval_route_step.approval_chain_id IS 'The chain that applies; empty when none matches and the first fallback role decides.';
COMMENT ON COLUMN app.approval_route_step.chain_name IS 'Name of that chain.';
COMMENT ON COLUMN app.approval_route_step.step IS 'Position of the step (1-based).';
COMMENT ON COLUMN app.approval_route_step.role IS 'The role key the step names, if it names a role.';
COMMENT ON COLUMN app.approval_route_step.user_id IS 'The user the step names, if it names a user.';
COMMENT ON COLUMN app.approval_route_step.approver_id IS
  'Who decides the step if the approval were requested now; empty when nobody but the requester could.';
COMMENT ON COLUMN app.approval_route_step.priority IS 'The priority the SLA is read for (the facts'' priority, else normal).';
COMMENT ON COLUMN app.approval_route_step.sla_hours IS 'Hours each step has before it is overdue (approval_policies).';
COMMENT ON COLUMN app.approval_route_step.requires_signature IS 'Whether decisions must be signed (approval_policies).';
COMMENT ON COLUMN app.approval_route_step.fallback_roles IS 'The roles that stand in, in order (approval_fallbacks).';

-- The fallback every tenant had as a constant (management, then admin)
-- becomes rows, for the platform and for every existing tenant, so an
-- upgraded database holds what a fresh one provisions.
INSERT INTO app_private.default_approval_fallbacks (role_key, position) VALUES ('management', 1), ('admin', 2);
INSERT INTO app.approval_fallbacks (organization_id, id, position, role_key)
SELECT r.organization_id, public.uuid_generate_v7(), d.position, d.role_key
  FROM app_private.default_approval_fallbacks AS d
  JOIN app.roles AS r ON r.key = d.role_key;

COMMIT;
