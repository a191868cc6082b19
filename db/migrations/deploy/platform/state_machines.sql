-- Deploy pulse:platform/state_machines to pg
-- requires: platform/checklists

BEGIN;

-- State machines on any registered entity type. A tenant defines versions of
-- a machine for an entity type: states and transitions with guards and side
-- effects. A version is edited while draft and frozen once published;
-- publishing a newer version supersedes the older one for entities that
-- start from then on, while an entity keeps the version it started on
-- (app.migrate_entity_state moves one explicitly).

CREATE TYPE app.state_machine_status AS ENUM ('draft', 'published', 'superseded');
COMMENT ON TYPE app.state_machine_status IS
  'draft: being edited; published: the version new entities start on; superseded: frozen, still driving the entities that started on it.';

CREATE TABLE app.state_machines (
  organization_id uuid NOT NULL REFERENCES app.organizations (id) ON DELETE CASCADE,
  id uuid NOT NULL,
  entity_type text NOT NULL REFERENCES app_private.entity_types (entity_type),
  version integer NOT NULL CONSTRAINT state_machines_version_positive CHECK (version >= 1),
  name text NOT NULL CONSTRAINT state_machines_name_length CHECK (length(btrim(name)) BETWEEN 1 AND 200),
  labels jsonb NOT NULL DEFAULT '{}'
    CONSTRAINT state_machines_labels_object CHECK (jsonb_typeof(labels) = 'object' AND octet_length(labels::text) <= 8192),
  status app.state_machine_status NOT NULL DEFAULT 'draft',
  created_by uuid REFERENCES app.users (id) ON DELETE SET NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  published_by uuid REFERENCES app.users (id) ON DELETE SET NULL,
  published_at timestamptz,
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (organization_id, id),
  CONSTRAINT state_machines_version_unique UNIQUE (organization_id, entity_type, version),
  CONSTRAINT state_machines_typed_key UNIQUE (organization_id, id, entity_type),
  CONSTRAINT state_machines_published_stamped CHECK ((status = 'draft') = (published_at IS NULL))
);
CREATE UNIQUE INDEX state_machines_one_published ON app.state_machines (organization_id, entity_type) WHERE status = 'published';
CREATE UNIQUE INDEX state_machines_one_draft ON app.state_machines (organization_id, entity_type) WHERE status = 'draft';
CREATE INDEX state_machines_entity_type_idx ON app.state_machines (entity_type);
COMMENT ON TABLE app.state_machines IS
  E'State machines\nVersions of a tenant''s state machine for an entity type (app.define_state_machine, app.publish_state_machine). At most one draft and one published version per entity type.';
COMMENT ON COLUMN app.state_machines.organization_id IS 'Tenant.';
COMMENT ON COLUMN app.state_machines.id IS 'Version id.';
COMMENT ON COLUMN app.state_machines.entity_type IS E'Entity type\nThe registered entity type it drives (GET /entity_types).';
COMMENT ON COLUMN app.state_machines.version IS E'Version\n1, 2, ... per tenant and entity type.';
COMMENT ON COLUMN app.state_machines.name IS E'Name\nDefault text; labels holds its translations.';
COMMENT ON COLUMN app.state_machines.labels IS E'Translations\nThe name per locale; read through auth.localized.';
COMMENT ON COLUMN app.state_machines.status IS E'Status\ndraft (editable), published (new entities start on it) or superseded (frozen; its entities stay on it).';
COMMENT ON COLUMN app.state_machines.created_by IS E'Created by\nWho defined it.';
COMMENT ON COLUMN app.state_machines.created_at IS 'Created at.';
COMMENT ON COLUMN app.state_machines.published_by IS E'Published by\nWho published it.';
COMMENT ON COLUMN app.state_machines.published_at IS E'Published at\nEmpty while draft.';
COMMENT ON COLUMN app.state_machines.updated_at IS 'Updated at.';

CREATE TABLE app.state_machine_states (
  organization_id uuid NOT NULL,
  id uuid NOT NULL,
  state_machine_id uuid NOT NULL,
  key text NOT NULL CONSTRAINT state_machine_states_key_format CHECK (key ~ '^[a-z][a-z0-9_]{0,62}$'),
  label text NOT NULL CONSTRAINT state_machine_states_label_length CHECK (length(btrim(label)) BETWEEN 1 AND 200),
  labels jsonb NOT NULL DEFAULT '{}'
    CONSTRAINT state_machine_states_labels_object CHECK (jsonb_typeof(labels) = 'object' AND octet_length(labels::text) <= 8192),
  is_initial boolean NOT NULL DEFAULT false,
  is_terminal boolean NOT NULL DEFAULT false,
  position integer NOT NULL,
  PRIMARY KEY (organization_id, id),
  CONSTRAINT state_machine_states_key_unique UNIQUE (organization_id, state_machine_id, key),
  CONSTRAINT state_machine_states_initial_not_terminal CHECK (NOT (is_initial AND is_terminal)),
  FOREIGN KEY (organization_id, state_machine_id) REFERENCES app.state_machines (organization_id, id) ON DELETE CASCADE
);
CREATE UNIQUE INDEX state_machine_states_one_initial ON app.state_machine_states (organization_id, state_machine_id) WHERE is_initial;
COMMENT ON TABLE app.state_machine_states IS E'State machine states\nThe states of a version: exactly one initial; terminal states have no way out.';
COMMENT ON COLUMN app.state_machine_states.organization_id IS 'Tenant.';
COMMENT ON COLUMN app.state_machine_states.id IS 'State id.';
COMMENT ON COLUMN app.state_machine_states.state_machine_id IS E'State machine\nThe version it belongs to.';
COMMENT ON COLUMN app.state_machine_states.key IS E'Key\nWhat app.transition and the history name it by (e.g. in_review).';
COMMENT ON COLUMN app.state_machine_states.label IS E'Label\nDefault text; labels holds its translations.';
COMMENT ON COLUMN app.state_machine_states.labels IS E'Translations\nThe label per locale; read through auth.localized.';
COMMENT ON COLUMN app.state_machine_states.is_initial IS E'Initial\nWhere an entity starts.';
COMMENT ON COLUMN app.state_machine_states.is_terminal IS E'Terminal\nNo transition leaves it.';
COMMENT ON COLUMN app.state_machine_states.position IS E'Position\nDisplay order.';

CREATE TABLE app.state_machine_transitions (
  organization_id uuid NOT NULL,
  id uuid NOT NULL,
  state_machine_id uuid NOT NULL,
  from_state text NOT NULL,
  to_state text NOT NULL,
  label text NOT NULL CONSTRAINT state_machine_transitions_label_length CHECK (length(btrim(label)) BETWEEN 1 AND 200),
  labels jsonb NOT NULL DEFAULT '{}'
    CONSTRAINT state_machine_transitions_labels_object CHECK (jsonb_typeof(labels) = 'object' AND octet_length(labels::text) <= 8192),
  guards jsonb NOT NULL DEFAULT '[]'
    CONSTRAINT state_machine_transitions_guards_array CHECK (jsonb_typeof(guards) = 'array' AND jsonb_array_length(guards) <= 20),
  effects jsonb NOT NULL DEFAULT '[]'
    CONSTRAINT state_machine_transitions_effects_array CHECK (jsonb_typeof(effects) = 'array' AND jsonb_array_length(effects) <= 20),
  position integer NOT NULL,
  PRIMARY KEY (organization_id, id),
  CONSTRAINT state_machine_transitions_pair_unique UNIQUE (organization_id, state_machine_id, from_state, to_state),
  CONSTRAINT state_machine_transitions_not_loop CHECK (from_state <> to_state),
  FOREIGN KEY (organization_id, state_machine_id) REFERENCES app.state_machines (organization_id, id) ON DELETE CASCADE,
  FOREIGN KEY (organization_id, state_machine_id, from_state)
    REFERENCES app.state_machine_states (organization_id, state_machine_id, key) ON DELETE CASCADE,
  FOREIGN KEY (organization_id, state_machine_id, to_state)
    REFERENCES app.state_machine_states (organization_id, state_machine_id, key) ON DELETE CASCADE
);
COMMENT ON TABLE app.state_machine_transitions IS
  E'State machine transitions\nThe ways from one state to another, each with guards that must hold (permission, site, fields, checklist, approval, signature, or any kind a domain adds as app_private.transition_guard_<kind>) and side effects when taken (notify, open_approval, start_checklist, event).';
COMMENT ON COLUMN app.state_machine_transitions.organization_id IS 'Tenant.';
COMMENT ON COLUMN app.state_machine_transitions.id IS 'Transition id.';
COMMENT ON COLUMN app.state_machine_transitions.state_machine_id IS E'State machine\nThe version it belongs to.';
COMMENT ON COLUMN app.state_machine_transitions.from_state IS E'From\nThe state key it leaves.';
COMMENT ON COLUMN app.state_machine_transitions.to_state IS E'To\nThe state key it enters.';
COMMENT ON COLUMN app.state_machine_transitions.label IS E'Label\nThe button text; labels holds its translations.';
COMMENT ON COLUMN app.state_machine_transitions.labels IS E'Translations\nThe label per locale; read through auth.localized.';
COMMENT ON COLUMN app.state_machine_transitions.guards IS
  E'Guards\nAll must hold: [{"kind": "permission", "permission": "document.release"}, {"kind": "fields", "fields": ["title", "custom_fields.owner"]}, {"kind": "checklist", "template": "release"}, {"kind": "approval", "approval_type": "quality_review"}, {"kind": "signature", "meaning": "released"}, {"kind": "site"}].';
COMMENT ON COLUMN app.state_machine_transitions.effects IS
  E'Side effects\nRun in order when taken: [{"kind": "notify", "roles": ["qa"]}, {"kind": "open_approval", "approval_type": "quality_review"}, {"kind": "start_checklist", "template": "release"}, {"kind": "event"}].';
COMMENT ON COLUMN app.state_machine_transitions.position IS E'Position\nDisplay order.';

CREATE TABLE app.entity_states (
  organization_id uuid NOT NULL,
  id uuid NOT NULL,
  entity_type text NOT NULL,
  entity_id uuid NOT NULL,
  state_machine_id uuid NOT NULL,
  state text NOT NULL,
  entered_at timestamptz NOT NULL DEFAULT clock_timestamp(),
  revision integer NOT NULL DEFAULT 1,
  started_by uuid REFERENCES app.users (id) ON DELETE SET NULL,
  started_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (organization_id, id),
  CONSTRAINT entity_states_one_per_entity UNIQUE (organization_id, entity_type, entity_id),
  FOREIGN KEY (organization_id, entity_type, entity_id) REFERENCES app_private.entities (organization_id, entity_type, id) ON DELETE CASCADE,
  FOREIGN KEY (organization_id, state_machine_id, entity_type) REFERENCES app.state_machines (organization_id, id, entity_type),
  FOREIGN KEY (organization_id, state_machine_id, state) REFERENCES app.state_machine_states (organization_id, state_machine_id, key)
);
CREATE INDEX entity_states_machine_state_idx ON app.entity_states (organization_id, state_machine_id, state);
COMMENT ON TABLE app.entity_states IS
  E'Entity states\nWhere each entity on a state machine stands: the version it started on and its current state (app.start_state_machine, app.transition). Visible to whoever may read the entity.';
COMMENT ON COLUMN app.entity_states.organization_id IS 'Tenant.';
COMMENT ON COLUMN app.entity_states.id IS 'Row id.';
COMMENT ON COLUMN app.entity_states.entity_type IS E'Entity type\nWhat kind of entity.';
COMMENT ON COLUMN app.entity_states.entity_id IS E'Entity\nThe entity.';
COMMENT ON COLUMN app.entity_states.state_machine_id IS E'State machine\nThe version it started on (kept when newer versions are published).';
COMMENT ON COLUMN app.entity_states.state IS E'State\nThe current state key.';
COMMENT ON COLUMN app.entity_states.entered_at IS E'Entered at\nWhen it entered the current state.';
COMMENT ON COLUMN app.entity_states.revision IS E'Revision\nCounts the transitions; of two simultaneous transitions the one that finds it changed is refused (PT409).';
COMMENT ON COLUMN app.entity_states.started_by IS E'Started by\nWho put it on the machine.';
COMMENT ON COLUMN app.entity_states.started_at IS E'Started at\nWhen it was put on the machine.';

CREATE TABLE app.entity_state_history (
  organization_id uuid NOT NULL,
  id uuid NOT NULL,
  entity_type text NOT NULL,
  entity_id uuid NOT NULL,
  state_machine_id uuid NOT NULL,
  from_state text,
  to_state text NOT NULL,
  reason text CONSTRAINT entity_state_history_reason_length CHECK (length(reason) <= 2000),
  signature jsonb CONSTRAINT entity_state_history_signature_shape
    CHECK (signature IS NULL OR (signature ?& ARRAY['meaning', 'reason', 'payload', 'payload_sha256'])),
  transitioned_by uuid REFERENCES app.users (id) ON DELETE SET NULL,
  transitioned_at timestamptz NOT NULL DEFAULT clock_timestamp(),
  PRIMARY KEY (organization_id, id),
  FOREIGN KEY (organization_id, entity_type, entity_id) REFERENCES app_private.entities (organization_id, entity_type, id) ON DELETE CASCADE,
  FOREIGN KEY (organization_id, state_machine_id, entity_type) REFERENCES app.state_machines (organization_id, id, entity_type)
);
CREATE INDEX entity_state_history_entity_idx ON app.entity_state_history (organization_id, entity_type, entity_id, transitioned_at);
CREATE INDEX entity_state_history_machine_idx ON app.entity_state_history (organization_id, state_machine_id, entity_type);
COMMENT ON TABLE app.entity_state_history IS
  E'Entity state history\nEvery start, transition and migration of an entity on a state machine: who, when, from, to, why, and the electronic signature where the transition needs one. Append-only.';
COMMENT ON COLUMN app.entity_state_history.organization_id IS 'Tenant.';
COMMENT ON COLUMN app.entity_state_history.id IS 'Entry id.';
COMMENT ON COLUMN app.entity_state_history.entity_type IS E'Entity type\nWhat kind of entity.';
COMMENT ON COLUMN app.entity_state_history.entity_id IS E'Entity\nThe entity.';
COMMENT ON COLUMN app.entity_state_history.state_machine_id IS E'State machine\nThe version the entity was on after this entry.';
COMMENT ON COLUMN app.entity_state_history.from_state IS E'From\nThe state left; empty when the entity started.';
COMMENT ON COLUMN app.entity_state_history.to_state IS E'To\nThe state entered.';
COMMENT ON COLUMN app.entity_state_history.reason IS E'Reason\nWhy, as the person said.';
COMMENT ON COLUMN app.entity_state_history.signature IS
  E'Electronic signature\n{meaning, reason, payload (what was signed: entity, transition, signer, time), payload_sha256}; empty when the transition needs none.';
COMMENT ON COLUMN app.entity_state_history.transitioned_by IS E'By\nWho.';
COMMENT ON COLUMN app.entity_state_history.transitioned_at IS E'At\nWhen.';

-- Approvals gate any registered entity type, not only sub-stages and
-- document versions: a transition opens one (effect open_approval) and its
-- guard (kind approval) holds once it is approved. The trigger
-- app_private.tg_approvals__entity_known checks the type and the entity.
ALTER TABLE app.approvals DROP CONSTRAINT approvals_entity_type_known;
ALTER TABLE app.approvals ADD CONSTRAINT approvals_entity_type_format CHECK (entity_type ~ '^[a-z][a-z0-9_]{0,62}$');
COMMENT ON COLUMN app.approvals.entity_type IS
  'project_sub_stage (entity_id: a project_sub_stage_progress id), document_version (a document_versions id), or a registered entity type (GET /entity_types) whose state-machine transition opened it.';

COMMIT;
