-- Deploy pulse:lab/runs to pg
-- requires: lab/core

BEGIN;

-- Runs (worksheets): analyses of one test batched on one instrument with QC
-- samples (blanks, controls, duplicates, reference materials), each with its
-- acceptance criteria and measured value. A QC sample outside its criteria
-- fails the run: the run's results are invalidated and its analyses go back
-- for retest (db/functions/70_lab/60_runs.sql).

CREATE TYPE app.run_status AS ENUM ('open', 'in_progress', 'completed', 'accepted', 'failed');
COMMENT ON TYPE app.run_status IS
  'A run (worksheet): open (analyses and QC samples are added) -> in_progress (measuring) -> completed -> accepted; failed (a QC sample outside its criteria, or failed by a reviewer: its results invalidated, its analyses back for retest). accepted and failed are final.';
CREATE TYPE app.qc_kind AS ENUM ('blank', 'control', 'duplicate', 'reference_material');
COMMENT ON TYPE app.qc_kind IS
  'A QC sample of a run: blank (at most max_value), control and reference_material (expected_value ± tolerance, or within min_value..max_value), duplicate (relative percent difference to its original analysis''s result at most max_rpd).';

CREATE TABLE app.runs (
  organization_id uuid NOT NULL REFERENCES app.organizations (id) ON DELETE CASCADE,
  id uuid NOT NULL,
  run_number text NOT NULL,
  test_code text NOT NULL CONSTRAINT runs_test_code_format CHECK (test_code ~ '^[a-z0-9][a-z0-9_.-]{0,62}$'),
  equipment_id uuid NOT NULL,
  site_id uuid,
  status app.run_status NOT NULL DEFAULT 'open',
  notes text NOT NULL DEFAULT '' CONSTRAINT runs_notes_length CHECK (length(notes) <= 4000),
  failure_reason text CONSTRAINT runs_failure_reason_length CHECK (length(btrim(failure_reason)) BETWEEN 1 AND 2000),
  created_by uuid REFERENCES app.users (id) ON DELETE SET NULL,
  started_at timestamptz,
  completed_at timestamptz,
  decided_by uuid REFERENCES app.users (id) ON DELETE SET NULL,
  decided_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (organization_id, id),
  CONSTRAINT runs_number_unique UNIQUE (organization_id, run_number),
  CONSTRAINT runs_failed_has_reason CHECK ((status = 'failed') = (failure_reason IS NOT NULL)),
  FOREIGN KEY (organization_id, equipment_id) REFERENCES app.equipment (organization_id, id),
  FOREIGN KEY (organization_id, site_id) REFERENCES app.sites (organization_id, id)
);
CREATE INDEX runs_equipment_idx ON app.runs (organization_id, equipment_id);
CREATE INDEX runs_site_idx ON app.runs (organization_id, site_id);
CREATE INDEX runs_status_idx ON app.runs (organization_id, status);
CREATE INDEX runs_created_by_idx ON app.runs (created_by);
CREATE INDEX runs_decided_by_idx ON app.runs (decided_by);
COMMENT ON TABLE app.runs IS
  E'Runs\nA worksheet: analyses of one test measured together on one instrument, with the QC samples that prove the run (blanks, controls, duplicates, reference materials). A QC sample outside its criteria fails the run, invalidating its results and sending its analyses back for retest. Site-scoped (the instrument''s site): result.enter builds and runs it, result.review accepts or fails it.';
COMMENT ON COLUMN app.runs.organization_id IS E'Tenant\nThe organization.';
COMMENT ON COLUMN app.runs.id IS E'Run id';
COMMENT ON COLUMN app.runs.run_number IS E'Run number\nHuman id (RUN-000123), the next of the tenant when not sent.';
COMMENT ON COLUMN app.runs.test_code IS E'Test\nThe test code (lab_tests.code) every analysis of the run is of.';
COMMENT ON COLUMN app.runs.equipment_id IS E'Instrument\nThe equipment (equipment.id) the run is measured on.';
COMMENT ON COLUMN app.runs.site_id IS E'Site\nThe instrument''s site (sites.id), filled in; the run is seen and worked at that site.';
COMMENT ON COLUMN app.runs.status IS E'Status\nopen, in_progress, completed, accepted or failed (app.run_status); changed by the run RPCs only.';
COMMENT ON COLUMN app.runs.notes IS E'Notes';
COMMENT ON COLUMN app.runs.failure_reason IS E'Failure reason\nWhy the run failed (the QC sample outside its criteria, or the reviewer''s reason); set exactly when failed.';
COMMENT ON COLUMN app.runs.created_by IS E'Created by';
COMMENT ON COLUMN app.runs.started_at IS E'Started at';
COMMENT ON COLUMN app.runs.completed_at IS E'Completed at';
COMMENT ON COLUMN app.runs.decided_by IS E'Decided by\nWho accepted or failed the run (users.id); empty when a QC sample failed it by itself.';
COMMENT ON COLUMN app.runs.decided_at IS E'Decided at\nWhen the run was accepted or failed.';
COMMENT ON COLUMN app.runs.created_at IS E'Created at';
COMMENT ON COLUMN app.runs.updated_at IS E'Updated at';

CREATE TABLE app.run_analyses (
  organization_id uuid NOT NULL REFERENCES app.organizations (id) ON DELETE CASCADE,
  id uuid NOT NULL,
  run_id uuid NOT NULL,
  analysis_id uuid NOT NULL,
  position integer NOT NULL CONSTRAINT run_analyses_position_positive CHECK (position >= 1),
  added_by uuid REFERENCES app.users (id) ON DELETE SET NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (organization_id, id),
  CONSTRAINT run_analyses_analysis_once UNIQUE (organization_id, analysis_id),
  CONSTRAINT run_analyses_position_unique UNIQUE (organization_id, run_id, position),
  FOREIGN KEY (organization_id, run_id) REFERENCES app.runs (organization_id, id) ON DELETE CASCADE,
  FOREIGN KEY (organization_id, analysis_id) REFERENCES app.analyses (organization_id, id) ON DELETE CASCADE
);
CREATE INDEX run_analyses_added_by_idx ON app.run_analyses (added_by);
COMMENT ON TABLE app.run_analyses IS
  E'Run analyses\nThe analyses on a run''s worksheet, in position order; an analysis is on one run at most (a retest is a new analysis). Added and removed while the run is open.';
COMMENT ON COLUMN app.run_analyses.organization_id IS E'Tenant\nThe organization.';
COMMENT ON COLUMN app.run_analyses.id IS E'Run analysis id';
COMMENT ON COLUMN app.run_analyses.run_id IS E'Run\nruns.id.';
COMMENT ON COLUMN app.run_analyses.analysis_id IS E'Analysis\nanalyses.id: a pending or in-progress analysis of the run''s test.';
COMMENT ON COLUMN app.run_analyses.position IS E'Position\nThe place on the worksheet (1, 2, ...), the next one when not sent.';
COMMENT ON COLUMN app.run_analyses.added_by IS E'Added by';
COMMENT ON COLUMN app.run_analyses.created_at IS E'Added at';

CREATE TABLE app.run_qc_samples (
  organization_id uuid NOT NULL REFERENCES app.organizations (id) ON DELETE CASCADE,
  id uuid NOT NULL,
  run_id uuid NOT NULL,
  kind app.qc_kind NOT NULL,
  label text NOT NULL CONSTRAINT run_qc_samples_label_length CHECK (length(btrim(label)) BETWEEN 1 AND 200),
  lot text CONSTRAINT run_qc_samples_lot_length CHECK (length(btrim(lot)) BETWEEN 1 AND 200),
  duplicate_of_id uuid,
  expected_value numeric,
  tolerance numeric CONSTRAINT run_qc_samples_tolerance_positive CHECK (tolerance >= 0),
  min_value numeric,
  max_value numeric,
  max_rpd numeric CONSTRAINT run_qc_samples_max_rpd_positive CHECK (max_rpd >= 0),
  unit text REFERENCES app.units (code),
  measured_value numeric,
  rpd numeric,
  passed boolean,
  evaluation text,
  recorded_by uuid REFERENCES app.users (id) ON DELETE SET NULL,
  recorded_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (organization_id, id),
  FOREIGN KEY (organization_id, run_id) REFERENCES app.runs (organization_id, id) ON DELETE CASCADE,
  FOREIGN KEY (organization_id, duplicate_of_id) REFERENCES app.analyses (organization_id, id),
  CONSTRAINT run_qc_samples_range_order CHECK (min_value IS NULL OR max_value IS NULL OR min_value <= max_value),
  CONSTRAINT run_qc_samples_criteria CHECK (CASE kind
    WHEN 'blank' THEN max_value IS NOT NULL AND num_nonnulls(expected_value, tolerance, min_value, max_rpd, duplicate_of_id) = 0
    WHEN 'duplicate' THEN duplicate_of_id IS NOT NULL AND max_rpd IS NOT NULL AND num_nonnulls(expected_value, tolerance, min_value, max_value) = 0
    ELSE duplicate_of_id IS NULL AND max_rpd IS NULL
         AND ((expected_value IS NOT NULL AND tolerance IS NOT NULL AND min_value IS NULL AND max_value IS NULL)
              OR (expected_value IS NULL AND tolerance IS NULL AND min_value IS NOT NULL AND max_value IS NOT NULL)) END),
  CONSTRAINT run_qc_samples_evaluated_with_value CHECK ((measured_value IS NULL) = (passed IS NULL))
);
CREATE INDEX run_qc_samples_run_idx ON app.run_qc_samples (organization_id, run_id);
CREATE INDEX run_qc_samples_duplicate_of_idx ON app.run_qc_samples (organization_id, duplicate_of_id);
CREATE INDEX run_qc_samples_unit_idx ON app.run_qc_samples (unit);
CREATE INDEX run_qc_samples_recorded_by_idx ON app.run_qc_samples (recorded_by);
COMMENT ON TABLE app.run_qc_samples IS
  E'Run QC samples\nThe blanks, controls, duplicates and reference materials of a run, each with its acceptance criteria and, once measured, its value and verdict (evaluated when recorded with app.record_qc_value). Added while the run is open or in progress.';
COMMENT ON COLUMN app.run_qc_samples.organization_id IS E'Tenant\nThe organization.';
COMMENT ON COLUMN app.run_qc_samples.id IS E'QC sample id';
COMMENT ON COLUMN app.run_qc_samples.run_id IS E'Run\nruns.id.';
COMMENT ON COLUMN app.run_qc_samples.kind IS E'Kind\nblank, control, duplicate or reference_material (app.qc_kind).';
COMMENT ON COLUMN app.run_qc_samples.label IS E'Label\nWhat it is (e.g. "Method blank", "pH 7.00 buffer").';
COMMENT ON COLUMN app.run_qc_samples.lot IS E'Lot\nThe lot of the control or reference material, if any.';
COMMENT ON COLUMN app.run_qc_samples.duplicate_of_id IS E'Duplicate of\nFor a duplicate: the run''s analysis (analyses.id) it repeats; its result is the original value.';
COMMENT ON COLUMN app.run_qc_samples.expected_value IS E'Expected value\nFor a control or reference material: the certified or nominal value (with tolerance).';
COMMENT ON COLUMN app.run_qc_samples.tolerance IS E'Tolerance\nThe allowed absolute deviation from expected_value.';
COMMENT ON COLUMN app.run_qc_samples.min_value IS E'Lowest acceptable value\nFor a control or reference material given as a range.';
COMMENT ON COLUMN app.run_qc_samples.max_value IS E'Highest acceptable value\nFor a blank: the most it may read; for a control or reference material given as a range, its top.';
COMMENT ON COLUMN app.run_qc_samples.max_rpd IS E'Largest relative percent difference\nFor a duplicate: |a - b| / ((a + b) / 2) × 100 against its original must not exceed it.';
COMMENT ON COLUMN app.run_qc_samples.unit IS E'Unit\nunits.code of the criteria and the measured value; the test''s unit when not sent.';
COMMENT ON COLUMN app.run_qc_samples.measured_value IS E'Measured value\nRecorded with app.record_qc_value; empty until measured.';
COMMENT ON COLUMN app.run_qc_samples.rpd IS E'Relative percent difference\nFor a duplicate: the RPD computed when recorded.';
COMMENT ON COLUMN app.run_qc_samples.passed IS E'Passed\nWhether the measured value meets the criteria; empty until measured.';
COMMENT ON COLUMN app.run_qc_samples.evaluation IS E'Evaluation\nThe verdict in words (e.g. "7.31 is outside 7.00 ± 0.05").';
COMMENT ON COLUMN app.run_qc_samples.recorded_by IS E'Recorded by';
COMMENT ON COLUMN app.run_qc_samples.recorded_at IS E'Recorded at';
COMMENT ON COLUMN app.run_qc_samples.created_at IS E'Created at';
COMMENT ON COLUMN app.run_qc_samples.updated_at IS E'Updated at';

ALTER TABLE app.results
  ADD COLUMN run_id uuid,
  ADD CONSTRAINT results_run_fkey FOREIGN KEY (organization_id, run_id) REFERENCES app.runs (organization_id, id);
CREATE INDEX results_run_idx ON app.results (organization_id, run_id);
COMMENT ON COLUMN app.results.run_id IS E'Run\nThe run (runs.id) the result was measured in, filled in from the analysis''s run; invalidated with it when the run fails.';

COMMIT;
