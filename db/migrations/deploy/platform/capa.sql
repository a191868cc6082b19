-- Deploy pulse:platform/capa to pg
-- requires: platform/entities

BEGIN;

-- One corrective and preventive action register (8D). Lab investigations,
-- NCRs, customer complaints, supplier issues and audits open a CAPA and link
-- to it; none of them keeps its own.

-- CAPA notifications (assigned actions, reminders, step changes) are about quality.
ALTER TYPE app.notification_type ADD VALUE IF NOT EXISTS 'quality';

CREATE TYPE app.capa_kind AS ENUM ('corrective', 'preventive');
COMMENT ON TYPE app.capa_kind IS 'corrective: a problem happened (8D from containment); preventive: a risk, nothing to contain.';

CREATE TYPE app.capa_source AS ENUM (
  'internal', 'nonconformance', 'customer_complaint', 'supplier_issue', 'lab_investigation', 'audit_finding', 'other');
COMMENT ON TYPE app.capa_source IS 'Where the CAPA came from (the linked source record says which one).';

CREATE TYPE app.capa_status AS ENUM ('open', 'containment', 'root_cause', 'corrective_action', 'verification', 'closed', 'cancelled');
COMMENT ON TYPE app.capa_status IS
  'The 8D step being worked on: open (D1 team, D2 problem), containment (D3), root_cause (D4 cause, D5 chosen actions), corrective_action (D6 implement, D7 prevent recurrence), verification (effectiveness check, D8 closure), closed; or cancelled.';

CREATE TYPE app.capa_action_discipline AS ENUM ('containment', 'corrective', 'preventive');
COMMENT ON TYPE app.capa_action_discipline IS 'containment (D3), corrective (D5/D6) or preventive (D7).';

CREATE TYPE app.capa_action_status AS ENUM ('open', 'done', 'cancelled');
COMMENT ON TYPE app.capa_action_status IS 'An action is open until its owner (or a CAPA manager) records it done, or it is cancelled.';

CREATE TABLE app.capas (
  organization_id uuid NOT NULL REFERENCES app.organizations (id) ON DELETE CASCADE,
  id uuid NOT NULL,
  capa_number text NOT NULL CONSTRAINT capas_number_format CHECK (capa_number ~ '^CAPA-[0-9]{6,12}$'),
  title text NOT NULL CONSTRAINT capas_title_length CHECK (length(btrim(title)) BETWEEN 1 AND 200),
  kind app.capa_kind NOT NULL DEFAULT 'corrective',
  source app.capa_source NOT NULL DEFAULT 'internal',
  status app.capa_status NOT NULL DEFAULT 'open',
  site_id uuid,
  owner_id uuid REFERENCES app.users (id) ON DELETE SET NULL,
  team_member_ids uuid[] NOT NULL DEFAULT '{}' CONSTRAINT capas_team_size CHECK (cardinality(team_member_ids) <= 50),
  problem_statement text NOT NULL CONSTRAINT capas_problem_length CHECK (length(btrim(problem_statement)) BETWEEN 1 AND 20000),
  containment_summary text CONSTRAINT capas_containment_length CHECK (length(containment_summary) <= 20000),
  root_cause text CONSTRAINT capas_root_cause_length CHECK (length(root_cause) <= 20000),
  root_cause_method text CONSTRAINT capas_root_cause_method_known CHECK (root_cause_method IN ('five_whys', 'fishbone', 'fault_tree', 'is_is_not', 'other')),
  corrective_action_plan text CONSTRAINT capas_plan_length CHECK (length(corrective_action_plan) <= 20000),
  prevention_summary text CONSTRAINT capas_prevention_length CHECK (length(prevention_summary) <= 20000),
  effectiveness_criteria text CONSTRAINT capas_effectiveness_criteria_length CHECK (length(effectiveness_criteria) <= 5000),
  effectiveness_due date,
  effectiveness_result text CONSTRAINT capas_effectiveness_result_known CHECK (effectiveness_result IN ('effective', 'not_effective')),
  effectiveness_note text CONSTRAINT capas_effectiveness_note_length CHECK (length(effectiveness_note) <= 5000),
  effectiveness_checked_by uuid REFERENCES app.users (id) ON DELETE SET NULL,
  effectiveness_checked_at timestamptz,
  closure_summary text CONSTRAINT capas_closure_length CHECK (length(closure_summary) <= 20000),
  due_date date,
  opened_by uuid REFERENCES app.users (id) ON DELETE SET NULL,
  status_changed_at timestamptz NOT NULL DEFAULT now(),
  closed_at timestamptz,
  cancel_reason text CONSTRAINT capas_cancel_reason_length CHECK (length(cancel_reason) <= 2000),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (organization_id, id),
  CONSTRAINT capas_number_unique UNIQUE (organization_id, capa_number),
  CONSTRAINT capas_closed_when CHECK ((status = 'closed') = (closed_at IS NOT NULL)),
  CONSTRAINT capas_cancel_reason_when CHECK ((status = 'cancelled') = (cancel_reason IS NOT NULL)),
  FOREIGN KEY (organization_id, site_id) REFERENCES app.sites (organization_id, id)
);
CREATE INDEX capas_status_idx ON app.capas (organization_id, status);
CREATE INDEX capas_site_idx ON app.capas (organization_id, site_id);
CREATE INDEX capas_owner_idx ON app.capas (owner_id);

COMMENT ON TABLE app.capas IS
  E'CAPAs (8D)\nCorrective and preventive actions: one register that NCRs, complaints, supplier issues, lab investigations and audits open and link to (app.capa_links). POST creates one (capa.manage); its step moves only through app.advance_capa, which checks the discipline that ends is complete.';
COMMENT ON COLUMN app.capas.organization_id IS 'The tenant.';
COMMENT ON COLUMN app.capas.id IS 'CAPA id.';
COMMENT ON COLUMN app.capas.capa_number IS 'Human id (CAPA-000123), from the tenant''s counter unless sent.';
COMMENT ON COLUMN app.capas.title IS 'Short title.';
COMMENT ON COLUMN app.capas.kind IS 'corrective or preventive (a preventive CAPA has no containment step).';
COMMENT ON COLUMN app.capas.source IS 'Where it came from: internal, nonconformance, customer_complaint, supplier_issue, lab_investigation, audit_finding, other.';
COMMENT ON COLUMN app.capas.status IS 'The step being worked on; changed only by app.advance_capa.';
COMMENT ON COLUMN app.capas.site_id IS 'The site it belongs to, if one: people scoped to other sites do not see it.';
COMMENT ON COLUMN app.capas.owner_id IS 'D1: the champion who drives it (an active member).';
COMMENT ON COLUMN app.capas.team_member_ids IS 'D1: the team (active members).';
COMMENT ON COLUMN app.capas.problem_statement IS 'D2: the problem (what, where, when, how many).';
COMMENT ON COLUMN app.capas.containment_summary IS 'D3: what was done to protect the customer meanwhile.';
COMMENT ON COLUMN app.capas.root_cause IS 'D4: the root cause found.';
COMMENT ON COLUMN app.capas.root_cause_method IS 'D4: how it was found: five_whys, fishbone, fault_tree, is_is_not, other.';
COMMENT ON COLUMN app.capas.corrective_action_plan IS 'D5: the corrective actions chosen and why they remove the cause.';
COMMENT ON COLUMN app.capas.prevention_summary IS 'D7: what prevents recurrence elsewhere (systems, procedures, similar products).';
COMMENT ON COLUMN app.capas.effectiveness_criteria IS 'How effectiveness will be judged.';
COMMENT ON COLUMN app.capas.effectiveness_due IS 'When effectiveness is to be checked.';
COMMENT ON COLUMN app.capas.effectiveness_result IS 'effective or not_effective (a not effective CAPA goes back to root_cause).';
COMMENT ON COLUMN app.capas.effectiveness_note IS 'The evidence of the effectiveness check.';
COMMENT ON COLUMN app.capas.effectiveness_checked_by IS 'Who recorded the effectiveness result (set by the server).';
COMMENT ON COLUMN app.capas.effectiveness_checked_at IS 'When the effectiveness result was recorded (set by the server).';
COMMENT ON COLUMN app.capas.closure_summary IS 'D8: closure and recognition of the team.';
COMMENT ON COLUMN app.capas.due_date IS 'When the CAPA should be closed.';
COMMENT ON COLUMN app.capas.opened_by IS 'Who opened it (set by the server).';
COMMENT ON COLUMN app.capas.status_changed_at IS 'When the step last changed.';
COMMENT ON COLUMN app.capas.closed_at IS 'When it was closed.';
COMMENT ON COLUMN app.capas.cancel_reason IS 'Why it was cancelled.';
COMMENT ON COLUMN app.capas.created_at IS 'When it was opened.';
COMMENT ON COLUMN app.capas.updated_at IS 'When it was last changed.';

CREATE TABLE app.capa_actions (
  organization_id uuid NOT NULL,
  id uuid NOT NULL,
  capa_id uuid NOT NULL,
  discipline app.capa_action_discipline NOT NULL,
  description text NOT NULL CONSTRAINT capa_actions_description_length CHECK (length(btrim(description)) BETWEEN 1 AND 5000),
  owner_id uuid NOT NULL REFERENCES app.users (id),
  due_date date NOT NULL,
  status app.capa_action_status NOT NULL DEFAULT 'open',
  completed_by uuid REFERENCES app.users (id) ON DELETE SET NULL,
  completed_at timestamptz,
  completion_note text CONSTRAINT capa_actions_note_length CHECK (length(completion_note) <= 5000),
  reminded_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (organization_id, id),
  CONSTRAINT capa_actions_done_when CHECK ((status = 'done') = (completed_at IS NOT NULL)),
  FOREIGN KEY (organization_id, capa_id) REFERENCES app.capas (organization_id, id) ON DELETE CASCADE
);
CREATE INDEX capa_actions_capa_idx ON app.capa_actions (organization_id, capa_id);
CREATE INDEX capa_actions_owner_idx ON app.capa_actions (owner_id);
CREATE INDEX capa_actions_open_due_idx ON app.capa_actions (due_date) WHERE status = 'open';

COMMENT ON TABLE app.capa_actions IS
  E'CAPA actions\nContainment, corrective and preventive actions with an owner and a due date. Added and changed by CAPA managers; the owner records theirs done with app.complete_capa_action.';
COMMENT ON COLUMN app.capa_actions.organization_id IS 'The tenant.';
COMMENT ON COLUMN app.capa_actions.id IS 'Action id.';
COMMENT ON COLUMN app.capa_actions.capa_id IS 'The CAPA.';
COMMENT ON COLUMN app.capa_actions.discipline IS 'containment (D3), corrective (D5/D6) or preventive (D7).';
COMMENT ON COLUMN app.capa_actions.description IS 'What is to be done.';
COMMENT ON COLUMN app.capa_actions.owner_id IS 'Who does it (an active member; told when assigned, reminded when overdue).';
COMMENT ON COLUMN app.capa_actions.due_date IS 'When it is due.';
COMMENT ON COLUMN app.capa_actions.status IS 'open, done or cancelled.';
COMMENT ON COLUMN app.capa_actions.completed_by IS 'Who recorded it done.';
COMMENT ON COLUMN app.capa_actions.completed_at IS 'When it was recorded done.';
COMMENT ON COLUMN app.capa_actions.completion_note IS 'What was done (evidence).';
COMMENT ON COLUMN app.capa_actions.reminded_at IS 'When the owner was reminded it is overdue (once).';
COMMENT ON COLUMN app.capa_actions.created_at IS 'When it was added.';
COMMENT ON COLUMN app.capa_actions.updated_at IS 'When it was last changed.';

CREATE TABLE app.capa_links (
  organization_id uuid NOT NULL,
  id uuid NOT NULL,
  capa_id uuid NOT NULL,
  entity_type text NOT NULL,
  entity_id uuid NOT NULL,
  relation text NOT NULL DEFAULT 'related' CONSTRAINT capa_links_relation_known CHECK (relation IN ('source', 'related')),
  linked_by uuid REFERENCES app.users (id) ON DELETE SET NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (organization_id, id),
  CONSTRAINT capa_links_unique UNIQUE (organization_id, capa_id, entity_type, entity_id),
  FOREIGN KEY (organization_id, capa_id) REFERENCES app.capas (organization_id, id) ON DELETE CASCADE,
  FOREIGN KEY (organization_id, entity_type, entity_id) REFERENCES app_private.entities (organization_id, entity_type, id) ON DELETE CASCADE
);
CREATE INDEX capa_links_entity_idx ON app.capa_links (organization_id, entity_type, entity_id);

COMMENT ON TABLE app.capa_links IS
  E'CAPA links\nWhat a CAPA is about: the record that opened it (relation source) and related ones, of any entity type (GET /entity_types).';
COMMENT ON COLUMN app.capa_links.organization_id IS 'The tenant.';
COMMENT ON COLUMN app.capa_links.id IS 'Link id.';
COMMENT ON COLUMN app.capa_links.capa_id IS 'The CAPA.';
COMMENT ON COLUMN app.capa_links.entity_type IS 'The linked record''s entity type (project, document, ...).';
COMMENT ON COLUMN app.capa_links.entity_id IS 'The linked record.';
COMMENT ON COLUMN app.capa_links.relation IS 'source (it opened the CAPA) or related.';
COMMENT ON COLUMN app.capa_links.linked_by IS 'Who linked it (set by the server).';
COMMENT ON COLUMN app.capa_links.created_at IS 'When it was linked.';

COMMIT;
