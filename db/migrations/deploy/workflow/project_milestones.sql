-- Deploy pulse:workflow/project_milestones to pg
-- requires: projects

BEGIN;

-- Project milestones (80_quality/66_milestones.sql): planned and actual
-- dates on existing projects; slippage is computed by the view
-- app.project_milestone_slippage (it depends on today's date).

CREATE TYPE app.project_milestone_status AS ENUM ('planned', 'in_progress', 'done', 'cancelled');
COMMENT ON TYPE app.project_milestone_status IS
  'A milestone''s status: planned, in_progress, done (has its actual date), cancelled (no slippage counted).';

CREATE TABLE app.project_milestones (
  organization_id uuid NOT NULL REFERENCES app.organizations (id) ON DELETE CASCADE,
  id uuid NOT NULL,
  project_id uuid NOT NULL,
  name text NOT NULL CONSTRAINT project_milestones_name_length CHECK (length(btrim(name)) BETWEEN 1 AND 200),
  position integer NOT NULL DEFAULT 10 CONSTRAINT project_milestones_position_range CHECK (position BETWEEN 0 AND 100000),
  planned_date date NOT NULL,
  actual_date date,
  status app.project_milestone_status NOT NULL DEFAULT 'planned',
  note text NOT NULL DEFAULT '' CONSTRAINT project_milestones_note_length CHECK (length(note) <= 2000),
  created_by uuid REFERENCES app.users (id) ON DELETE SET NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (organization_id, id),
  CONSTRAINT project_milestones_name_unique UNIQUE (organization_id, project_id, name),
  CONSTRAINT project_milestones_done_has_date CHECK ((status = 'done') = (actual_date IS NOT NULL)),
  FOREIGN KEY (organization_id, project_id) REFERENCES app.projects (organization_id, id) ON DELETE CASCADE
);
CREATE INDEX project_milestones_project_idx ON app.project_milestones (organization_id, project_id, position);
CREATE INDEX project_milestones_created_by_idx ON app.project_milestones (created_by);
COMMENT ON TABLE app.project_milestones IS
  E'Project milestones\nA project''s milestones in order (position), planned and actual dates; a done milestone has its actual date and only a done one has. Read with project.read, written with project.update; slippage in days: app.project_milestone_slippage.';
COMMENT ON COLUMN app.project_milestones.organization_id IS E'Tenant\nThe organization.';
COMMENT ON COLUMN app.project_milestones.id IS E'Milestone id';
COMMENT ON COLUMN app.project_milestones.project_id IS E'Project\nprojects.id.';
COMMENT ON COLUMN app.project_milestones.name IS E'Name\nUnique in the project.';
COMMENT ON COLUMN app.project_milestones.position IS E'Position\nOrder in the project (10, 20, ...).';
COMMENT ON COLUMN app.project_milestones.planned_date IS E'Planned date';
COMMENT ON COLUMN app.project_milestones.actual_date IS E'Actual date\nWhen it was reached; set exactly when status is done.';
COMMENT ON COLUMN app.project_milestones.status IS E'Status\nplanned, in_progress, done or cancelled.';
COMMENT ON COLUMN app.project_milestones.note IS E'Note';
COMMENT ON COLUMN app.project_milestones.created_by IS E'Created by';
COMMENT ON COLUMN app.project_milestones.created_at IS E'Created at';
COMMENT ON COLUMN app.project_milestones.updated_at IS E'Updated at';

COMMIT;
