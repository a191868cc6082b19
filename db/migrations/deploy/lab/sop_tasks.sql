-- Deploy pulse:lab/sop_tasks to pg
-- requires: lab/service_requests

BEGIN;

-- Standard operating procedures as data: versioned templates (optionally the
-- controlled document people are trained on), their ordered steps with the
-- checks each must pass, the dependencies between steps (a DAG), and the
-- qualification each needs; task instances made from a published version
-- (the steps copied), on any registered entity (a sample, a service request,
-- a result), performed step by step by a qualified assignee.

CREATE TYPE app.sop_template_status AS ENUM ('draft', 'published', 'retired');
COMMENT ON TYPE app.sop_template_status IS 'An SOP template version: draft (editable, steps too), published (frozen, used for new tasks), retired (kept for the tasks made from it).';
CREATE TYPE app.sop_task_status AS ENUM ('open', 'in_progress', 'completed', 'cancelled');
COMMENT ON TYPE app.sop_task_status IS 'An SOP task: open (no step started), in_progress, completed (every step passed), cancelled (with a reason).';
CREATE TYPE app.sop_step_status AS ENUM ('pending', 'in_progress', 'passed', 'failed');
COMMENT ON TYPE app.sop_step_status IS 'A task''s step: pending, in_progress, passed (completed, every check within its limits) or failed (completed, a check outside; started again to repeat it).';

CREATE TABLE app.sop_templates (
  organization_id uuid NOT NULL REFERENCES app.organizations (id) ON DELETE CASCADE,
  id uuid NOT NULL,
  code text NOT NULL CONSTRAINT sop_templates_code_format CHECK (code ~ '^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$'),
  version integer NOT NULL DEFAULT 1 CONSTRAINT sop_templates_version_positive CHECK (version >= 1),
  title text NOT NULL CONSTRAINT sop_templates_title_length CHECK (length(btrim(title)) BETWEEN 1 AND 300),
  description text NOT NULL DEFAULT '' CONSTRAINT sop_templates_description_length CHECK (length(description) <= 4000),
  document_id uuid,
  document_version_id uuid,
  qualification_id uuid,
  status app.sop_template_status NOT NULL DEFAULT 'draft',
  published_at timestamptz,
  created_by uuid REFERENCES app.users (id) ON DELETE SET NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (organization_id, id),
  CONSTRAINT sop_templates_code_version_unique UNIQUE (organization_id, code, version),
  CONSTRAINT sop_templates_version_with_document CHECK (document_version_id IS NULL OR document_id IS NOT NULL),
  FOREIGN KEY (organization_id, document_id) REFERENCES app.documents (organization_id, id),
  FOREIGN KEY (organization_id, document_version_id) REFERENCES app.document_versions (organization_id, id),
  FOREIGN KEY (organization_id, qualification_id) REFERENCES app.qualifications (organization_id, id)
);
CREATE UNIQUE INDEX sop_templates_one_published_idx ON app.sop_templates (organization_id, code) WHERE status = 'published';
CREATE INDEX sop_templates_document_idx ON app.sop_templates (organization_id, document_id);
CREATE INDEX sop_templates_document_version_idx ON app.sop_templates (organization_id, document_version_id);
CREATE INDEX sop_templates_qualification_idx ON app.sop_templates (organization_id, qualification_id);
CREATE INDEX sop_templates_created_by_idx ON app.sop_templates (created_by);
COMMENT ON TABLE app.sop_templates IS
  E'SOP templates\nThe tenant''s standard operating procedures as versioned step lists: a published version is frozen and is the one new tasks use; it may name the controlled document (and its version) people are trained on, and a qualification every performer needs.';
COMMENT ON COLUMN app.sop_templates.organization_id IS E'Tenant\nThe organization.';
COMMENT ON COLUMN app.sop_templates.id IS E'Template version id';
COMMENT ON COLUMN app.sop_templates.code IS E'Code\nStable key of the SOP across its versions (e.g. SOP-PH-001).';
COMMENT ON COLUMN app.sop_templates.version IS E'Version\n1, 2, ... per code.';
COMMENT ON COLUMN app.sop_templates.title IS E'Title';
COMMENT ON COLUMN app.sop_templates.description IS E'Description\nScope and purpose.';
COMMENT ON COLUMN app.sop_templates.document_id IS E'Controlled document\nThe SOP document (documents.id) people are trained on, if any.';
COMMENT ON COLUMN app.sop_templates.document_version_id IS E'Document version\nThe document version (document_versions.id) this template follows; the document''s current version when it is published, unless set.';
COMMENT ON COLUMN app.sop_templates.qualification_id IS E'Qualification\nThe qualification (qualifications.id) whoever performs a task of this SOP must hold, if any.';
COMMENT ON COLUMN app.sop_templates.status IS E'Status\ndraft, published or retired.';
COMMENT ON COLUMN app.sop_templates.published_at IS E'Published at';
COMMENT ON COLUMN app.sop_templates.created_by IS E'Created by';
COMMENT ON COLUMN app.sop_templates.created_at IS E'Created at';
COMMENT ON COLUMN app.sop_templates.updated_at IS E'Updated at';

CREATE TABLE app.sop_steps (
  organization_id uuid NOT NULL REFERENCES app.organizations (id) ON DELETE CASCADE,
  id uuid NOT NULL,
  template_id uuid NOT NULL,
  position integer NOT NULL CONSTRAINT sop_steps_position_range CHECK (position BETWEEN 1 AND 1000),
  title text NOT NULL CONSTRAINT sop_steps_title_length CHECK (length(btrim(title)) BETWEEN 1 AND 300),
  instructions text NOT NULL DEFAULT '' CONSTRAINT sop_steps_instructions_length CHECK (length(instructions) <= 20000),
  checks jsonb NOT NULL DEFAULT '[]' CONSTRAINT sop_steps_checks_array CHECK (jsonb_typeof(checks) = 'array'),
  qualification_id uuid,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (organization_id, id),
  CONSTRAINT sop_steps_template_id_unique UNIQUE (organization_id, template_id, id),
  CONSTRAINT sop_steps_position_unique UNIQUE (organization_id, template_id, position),
  FOREIGN KEY (organization_id, template_id) REFERENCES app.sop_templates (organization_id, id) ON DELETE CASCADE,
  FOREIGN KEY (organization_id, qualification_id) REFERENCES app.qualifications (organization_id, id)
);
CREATE INDEX sop_steps_qualification_idx ON app.sop_steps (organization_id, qualification_id);
COMMENT ON TABLE app.sop_steps IS
  E'SOP steps\nThe ordered steps of an SOP template version: instructions, the checks a performer records (items to confirm, values measured within limits, text), the qualification the step needs. Changed only while the version is a draft.';
COMMENT ON COLUMN app.sop_steps.organization_id IS E'Tenant\nThe organization.';
COMMENT ON COLUMN app.sop_steps.id IS E'Step id';
COMMENT ON COLUMN app.sop_steps.template_id IS E'Template\nsop_templates.id.';
COMMENT ON COLUMN app.sop_steps.position IS E'Position\n1, 2, ... in the template.';
COMMENT ON COLUMN app.sop_steps.title IS E'Title';
COMMENT ON COLUMN app.sop_steps.instructions IS E'Instructions';
COMMENT ON COLUMN app.sop_steps.checks IS E'Checks\nWhat the performer records: [{"key": "temp", "label": "Bath temperature", "kind": "number", "min": 19, "max": 21, "unit": "degC"}, {"key": "clean", "label": "Glassware clean", "kind": "confirm"}, {"key": "lot", "label": "Buffer lot", "kind": "text"}].';
COMMENT ON COLUMN app.sop_steps.qualification_id IS E'Qualification\nThe qualification (qualifications.id) whoever performs this step must hold, besides the template''s.';
COMMENT ON COLUMN app.sop_steps.created_at IS E'Created at';
COMMENT ON COLUMN app.sop_steps.updated_at IS E'Updated at';

CREATE TABLE app.sop_step_dependencies (
  organization_id uuid NOT NULL REFERENCES app.organizations (id) ON DELETE CASCADE,
  id uuid NOT NULL,
  template_id uuid NOT NULL,
  step_id uuid NOT NULL,
  depends_on_step_id uuid NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (organization_id, id),
  CONSTRAINT sop_step_dependencies_unique UNIQUE (organization_id, step_id, depends_on_step_id),
  CONSTRAINT sop_step_dependencies_not_self CHECK (step_id <> depends_on_step_id),
  FOREIGN KEY (organization_id, template_id) REFERENCES app.sop_templates (organization_id, id) ON DELETE CASCADE,
  FOREIGN KEY (organization_id, template_id, step_id) REFERENCES app.sop_steps (organization_id, template_id, id) ON DELETE CASCADE,
  FOREIGN KEY (organization_id, template_id, depends_on_step_id) REFERENCES app.sop_steps (organization_id, template_id, id) ON DELETE CASCADE
);
CREATE INDEX sop_step_dependencies_template_idx ON app.sop_step_dependencies (organization_id, template_id, step_id);
CREATE INDEX sop_step_dependencies_depends_on_idx ON app.sop_step_dependencies (organization_id, template_id, depends_on_step_id);
COMMENT ON TABLE app.sop_step_dependencies IS
  E'SOP step dependencies\nWhich steps must be passed before a step may start, within one template version; together they form a DAG (a cycle is refused).';
COMMENT ON COLUMN app.sop_step_dependencies.organization_id IS E'Tenant\nThe organization.';
COMMENT ON COLUMN app.sop_step_dependencies.id IS E'Dependency id';
COMMENT ON COLUMN app.sop_step_dependencies.template_id IS E'Template\nsop_templates.id, the template of both steps.';
COMMENT ON COLUMN app.sop_step_dependencies.step_id IS E'Step\nThe step (sop_steps.id) that waits.';
COMMENT ON COLUMN app.sop_step_dependencies.depends_on_step_id IS E'Depends on\nThe step (sop_steps.id) that must be passed first.';
COMMENT ON COLUMN app.sop_step_dependencies.created_at IS E'Created at';

CREATE TABLE app.sop_tasks (
  organization_id uuid NOT NULL REFERENCES app.organizations (id) ON DELETE CASCADE,
  id uuid NOT NULL,
  task_number text NOT NULL,
  template_id uuid NOT NULL,
  entity_type text NOT NULL,
  entity_id uuid NOT NULL,
  site_id uuid,
  assigned_to uuid REFERENCES app.users (id) ON DELETE SET NULL,
  status app.sop_task_status NOT NULL DEFAULT 'open',
  due_at timestamptz,
  started_at timestamptz,
  completed_at timestamptz,
  cancel_reason text CONSTRAINT sop_tasks_cancel_reason_length CHECK (length(btrim(cancel_reason)) BETWEEN 1 AND 2000),
  created_by uuid REFERENCES app.users (id) ON DELETE SET NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (organization_id, id),
  CONSTRAINT sop_tasks_number_unique UNIQUE (organization_id, task_number),
  CONSTRAINT sop_tasks_cancelled_has_reason CHECK (status <> 'cancelled' OR cancel_reason IS NOT NULL),
  FOREIGN KEY (organization_id, template_id) REFERENCES app.sop_templates (organization_id, id),
  FOREIGN KEY (organization_id, entity_type, entity_id) REFERENCES app_private.entities (organization_id, entity_type, id) ON DELETE CASCADE,
  FOREIGN KEY (organization_id, site_id) REFERENCES app.sites (organization_id, id)
);
CREATE INDEX sop_tasks_template_idx ON app.sop_tasks (organization_id, template_id);
CREATE INDEX sop_tasks_entity_idx ON app.sop_tasks (organization_id, entity_type, entity_id);
CREATE INDEX sop_tasks_site_idx ON app.sop_tasks (organization_id, site_id);
CREATE INDEX sop_tasks_assigned_idx ON app.sop_tasks (assigned_to);
CREATE INDEX sop_tasks_created_by_idx ON app.sop_tasks (created_by);
CREATE INDEX sop_tasks_open_due_idx ON app.sop_tasks (organization_id, due_at) WHERE status IN ('open', 'in_progress');
COMMENT ON TABLE app.sop_tasks IS
  E'SOP tasks\nOne performance of a published SOP template version on a sample, service request or other entity, by its assignee (who holds the qualifications the SOP and its steps need); its steps are copied from the version. Seen by lab staff who read samples (tenant-wide or at the task''s site) and by the assignee, as far as they may see the entity.';
COMMENT ON COLUMN app.sop_tasks.organization_id IS E'Tenant\nThe organization.';
COMMENT ON COLUMN app.sop_tasks.id IS E'Task id';
COMMENT ON COLUMN app.sop_tasks.task_number IS E'Task number\nHuman id (TSK-000123), the next of the tenant when not sent.';
COMMENT ON COLUMN app.sop_tasks.template_id IS E'SOP version\nThe published template version (sop_templates.id) it follows.';
COMMENT ON COLUMN app.sop_tasks.entity_type IS E'On\nThe entity type it is performed on (sample, service_request, result, ...).';
COMMENT ON COLUMN app.sop_tasks.entity_id IS E'Entity\nThe entity''s id.';
COMMENT ON COLUMN app.sop_tasks.site_id IS E'Site\nThe site of the sample or service request it is on (sites.id), filled in.';
COMMENT ON COLUMN app.sop_tasks.assigned_to IS E'Assigned to\nThe performer (users.id); must hold the qualifications of the SOP and its steps.';
COMMENT ON COLUMN app.sop_tasks.status IS E'Status\nopen, in_progress, completed or cancelled; moved on by its steps, cancelled with a reason.';
COMMENT ON COLUMN app.sop_tasks.due_at IS E'Due';
COMMENT ON COLUMN app.sop_tasks.started_at IS E'Started at\nWhen its first step was started.';
COMMENT ON COLUMN app.sop_tasks.completed_at IS E'Completed at\nWhen its last step passed.';
COMMENT ON COLUMN app.sop_tasks.cancel_reason IS E'Cancellation reason';
COMMENT ON COLUMN app.sop_tasks.created_by IS E'Created by';
COMMENT ON COLUMN app.sop_tasks.created_at IS E'Created at';
COMMENT ON COLUMN app.sop_tasks.updated_at IS E'Updated at';

CREATE TABLE app.sop_task_steps (
  organization_id uuid NOT NULL REFERENCES app.organizations (id) ON DELETE CASCADE,
  id uuid NOT NULL,
  task_id uuid NOT NULL,
  step_id uuid NOT NULL,
  position integer NOT NULL,
  title text NOT NULL,
  instructions text NOT NULL,
  checks jsonb NOT NULL,
  qualification_id uuid,
  status app.sop_step_status NOT NULL DEFAULT 'pending',
  check_values jsonb NOT NULL DEFAULT '{}' CONSTRAINT sop_task_steps_values_object CHECK (jsonb_typeof(check_values) = 'object'),
  checks_passed boolean,
  failed_checks text[] NOT NULL DEFAULT '{}',
  notes text NOT NULL DEFAULT '' CONSTRAINT sop_task_steps_notes_length CHECK (length(notes) <= 4000),
  started_by uuid REFERENCES app.users (id) ON DELETE SET NULL,
  started_at timestamptz,
  completed_by uuid REFERENCES app.users (id) ON DELETE SET NULL,
  completed_at timestamptz,
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (organization_id, id),
  CONSTRAINT sop_task_steps_step_unique UNIQUE (organization_id, task_id, step_id),
  FOREIGN KEY (organization_id, task_id) REFERENCES app.sop_tasks (organization_id, id) ON DELETE CASCADE,
  FOREIGN KEY (organization_id, step_id) REFERENCES app.sop_steps (organization_id, id),
  FOREIGN KEY (organization_id, qualification_id) REFERENCES app.qualifications (organization_id, id),
  CONSTRAINT sop_task_steps_completed_has_verdict CHECK (status NOT IN ('passed', 'failed') OR (completed_at IS NOT NULL AND checks_passed IS NOT NULL))
);
CREATE INDEX sop_task_steps_step_idx ON app.sop_task_steps (organization_id, step_id);
CREATE INDEX sop_task_steps_qualification_idx ON app.sop_task_steps (organization_id, qualification_id);
CREATE INDEX sop_task_steps_started_by_idx ON app.sop_task_steps (started_by);
CREATE INDEX sop_task_steps_completed_by_idx ON app.sop_task_steps (completed_by);
COMMENT ON TABLE app.sop_task_steps IS
  E'SOP task steps\nA task''s copy of its template''s steps and what happened: who started and completed each, when, the check values recorded and whether they passed. Written only by app.start_sop_step and app.complete_sop_step.';
COMMENT ON COLUMN app.sop_task_steps.organization_id IS E'Tenant\nThe organization.';
COMMENT ON COLUMN app.sop_task_steps.id IS E'Task step id';
COMMENT ON COLUMN app.sop_task_steps.task_id IS E'Task\nsop_tasks.id.';
COMMENT ON COLUMN app.sop_task_steps.step_id IS E'Template step\nThe sop_steps.id it was copied from (its dependencies gate it).';
COMMENT ON COLUMN app.sop_task_steps.position IS E'Position';
COMMENT ON COLUMN app.sop_task_steps.title IS E'Title';
COMMENT ON COLUMN app.sop_task_steps.instructions IS E'Instructions';
COMMENT ON COLUMN app.sop_task_steps.checks IS E'Checks\nThe checks to record, as in the template.';
COMMENT ON COLUMN app.sop_task_steps.qualification_id IS E'Qualification\nThe qualification the step needs, if any.';
COMMENT ON COLUMN app.sop_task_steps.status IS E'Status\npending, in_progress, passed or failed.';
COMMENT ON COLUMN app.sop_task_steps.check_values IS E'Check values\nWhat the performer recorded, by check key.';
COMMENT ON COLUMN app.sop_task_steps.checks_passed IS E'Checks passed\nWhether every check was confirmed and every value within its limits.';
COMMENT ON COLUMN app.sop_task_steps.failed_checks IS E'Failed checks\nThe keys of the checks that did not pass.';
COMMENT ON COLUMN app.sop_task_steps.notes IS E'Notes';
COMMENT ON COLUMN app.sop_task_steps.started_by IS E'Started by';
COMMENT ON COLUMN app.sop_task_steps.started_at IS E'Started at';
COMMENT ON COLUMN app.sop_task_steps.completed_by IS E'Completed by\nWho signed the step off.';
COMMENT ON COLUMN app.sop_task_steps.completed_at IS E'Completed at';
COMMENT ON COLUMN app.sop_task_steps.updated_at IS E'Updated at';

ALTER TABLE app.results
  ADD COLUMN task_id uuid,
  ADD FOREIGN KEY (organization_id, task_id) REFERENCES app.sop_tasks (organization_id, id);
CREATE INDEX results_task_idx ON app.results (organization_id, task_id);
COMMENT ON COLUMN app.results.task_id IS E'SOP task\nThe SOP task (sop_tasks.id) the result was produced in; the SOP version is the task''s template.';

COMMIT;
