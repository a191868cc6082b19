-- Deploy pulse:quality/inspections to pg
-- requires: quality/control_plans
-- requires: traceability/lots
-- requires: platform/partitions

BEGIN;

-- Inspections, measurements and SPC (80_quality, 42_inspections.sql,
-- 54_spc_charts.sql). Inspections (first article per AS9102, in-process,
-- final, receiving) of a part revision against its approved control plan, at
-- a plant, optionally of a lot or a serial; their characteristics (AS9102
-- form 3 rows); measurements, partitioned by month of measured_at under
-- pg_partman; the closed subgroups of each characteristic (what charts read);
-- SPC baselines (frozen control limits) and out-of-control signals with
-- their assignable-cause record. Plant-scoped; API roles only read, RPCs
-- write.

CREATE TYPE app.inspection_kind AS ENUM ('first_article', 'in_process', 'final', 'receiving');
COMMENT ON TYPE app.inspection_kind IS 'first_article (AS9102 FAI), in_process, final or receiving inspection.';
CREATE TYPE app.inspection_status AS ENUM ('open', 'completed', 'approved', 'rejected');
COMMENT ON TYPE app.inspection_status IS 'An inspection''s life: open (measuring), completed (judged pass/fail), approved or rejected (signed off).';

CREATE TABLE app.inspections (
  organization_id uuid NOT NULL REFERENCES app.organizations (id) ON DELETE CASCADE,
  id uuid NOT NULL,
  kind app.inspection_kind NOT NULL,
  part_id uuid NOT NULL,
  part_revision_id uuid NOT NULL,
  control_plan_id uuid NOT NULL,
  lot_id uuid,
  serial_id uuid,
  site_id uuid NOT NULL,
  line text NOT NULL DEFAULT '' CONSTRAINT inspections_line_length CHECK (length(line) <= 100),
  fai_reason text NOT NULL DEFAULT '' CONSTRAINT inspections_fai_reason_length CHECK (length(fai_reason) <= 1000),
  status app.inspection_status NOT NULL DEFAULT 'open',
  passed boolean,
  passed_first_time boolean,
  completed_by uuid REFERENCES app.users (id) ON DELETE SET NULL,
  completed_at timestamptz,
  decided_by uuid REFERENCES app.users (id) ON DELETE SET NULL,
  decided_at timestamptz,
  decision_note text NOT NULL DEFAULT '' CONSTRAINT inspections_decision_note_length CHECK (length(decision_note) <= 4000),
  created_by uuid REFERENCES app.users (id) ON DELETE SET NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (organization_id, id),
  CONSTRAINT inspections_completed_judged CHECK (status = 'open' OR (completed_at IS NOT NULL AND passed IS NOT NULL AND passed_first_time IS NOT NULL)),
  CONSTRAINT inspections_decided_stamped CHECK (status NOT IN ('approved', 'rejected') OR decided_at IS NOT NULL),
  FOREIGN KEY (organization_id, part_id) REFERENCES app.parts (organization_id, id),
  FOREIGN KEY (organization_id, part_revision_id) REFERENCES app.part_revisions (organization_id, id),
  FOREIGN KEY (organization_id, control_plan_id) REFERENCES app.control_plans (organization_id, id),
  FOREIGN KEY (organization_id, lot_id) REFERENCES app.lots (organization_id, id),
  FOREIGN KEY (organization_id, serial_id) REFERENCES app.serials (organization_id, id),
  FOREIGN KEY (organization_id, site_id) REFERENCES app.sites (organization_id, id)
);
CREATE INDEX inspections_part_idx ON app.inspections (organization_id, part_id);
CREATE INDEX inspections_part_revision_idx ON app.inspections (organization_id, part_revision_id);
CREATE INDEX inspections_control_plan_idx ON app.inspections (organization_id, control_plan_id);
CREATE INDEX inspections_lot_idx ON app.inspections (organization_id, lot_id);
CREATE INDEX inspections_serial_idx ON app.inspections (organization_id, serial_id);
CREATE INDEX inspections_site_idx ON app.inspections (organization_id, site_id, completed_at);
CREATE INDEX inspections_completed_by_idx ON app.inspections (completed_by);
CREATE INDEX inspections_decided_by_idx ON app.inspections (decided_by);
CREATE INDEX inspections_created_by_idx ON app.inspections (created_by);
COMMENT ON TABLE app.inspections IS
  E'Inspections\nA first-article (AS9102), in-process, final or receiving inspection of a part revision against its approved control plan at a plant, optionally of a lot or serial: opened by app.open_inspection (its characteristics listed from the plan), measured with app.record_measurement, judged by app.complete_inspection (passed when every characteristic is in spec; passed_first_time when nothing was ever out of spec), signed off by app.decide_inspection. Seen with inspection.read tenant-wide or at its plant.';
COMMENT ON COLUMN app.inspections.organization_id IS E'Tenant';
COMMENT ON COLUMN app.inspections.id IS E'Inspection id';
COMMENT ON COLUMN app.inspections.kind IS E'Kind\nfirst_article, in_process, final or receiving.';
COMMENT ON COLUMN app.inspections.part_id IS E'Part\nThe control plan''s part (parts.id).';
COMMENT ON COLUMN app.inspections.part_revision_id IS E'Part revision\nThe control plan''s part revision.';
COMMENT ON COLUMN app.inspections.control_plan_id IS E'Control plan\nAn approved plan of the same plant.';
COMMENT ON COLUMN app.inspections.lot_id IS E'Lot\nThe lot inspected (lots.id), if any.';
COMMENT ON COLUMN app.inspections.serial_id IS E'Serial\nThe piece inspected (serials.id), if any.';
COMMENT ON COLUMN app.inspections.site_id IS E'Plant\nThe control plan''s site: who may see and record.';
COMMENT ON COLUMN app.inspections.line IS E'Line\nThe production line or cell (free text, the FPY view''s line dimension).';
COMMENT ON COLUMN app.inspections.fai_reason IS E'FAI reason\nAS9102 form 1: why the first article inspection is done (new part, design change, ...).';
COMMENT ON COLUMN app.inspections.status IS E'Status\nopen, completed, approved or rejected.';
COMMENT ON COLUMN app.inspections.passed IS E'Passed\nEvery characteristic measured and in spec at completion.';
COMMENT ON COLUMN app.inspections.passed_first_time IS E'Passed first time\nPassed without any out-of-spec measurement on the way (first pass yield).';
COMMENT ON COLUMN app.inspections.completed_by IS E'Completed by';
COMMENT ON COLUMN app.inspections.completed_at IS E'Completed at';
COMMENT ON COLUMN app.inspections.decided_by IS E'Decided by\nWho approved or rejected it.';
COMMENT ON COLUMN app.inspections.decided_at IS E'Decided at';
COMMENT ON COLUMN app.inspections.decision_note IS E'Decision note';
COMMENT ON COLUMN app.inspections.created_by IS E'Created by';
COMMENT ON COLUMN app.inspections.created_at IS E'Created at';
COMMENT ON COLUMN app.inspections.updated_at IS E'Updated at';

CREATE TABLE app.inspection_characteristics (
  organization_id uuid NOT NULL REFERENCES app.organizations (id) ON DELETE CASCADE,
  id uuid NOT NULL,
  inspection_id uuid NOT NULL,
  characteristic_id uuid NOT NULL,
  site_id uuid NOT NULL,
  balloon integer NOT NULL,
  measured_count integer NOT NULL DEFAULT 0,
  out_of_spec_count integer NOT NULL DEFAULT 0,
  last_value numeric,
  last_in_spec boolean,
  PRIMARY KEY (organization_id, id),
  CONSTRAINT inspection_characteristics_once UNIQUE (organization_id, inspection_id, characteristic_id),
  FOREIGN KEY (organization_id, inspection_id) REFERENCES app.inspections (organization_id, id) ON DELETE CASCADE,
  FOREIGN KEY (organization_id, characteristic_id) REFERENCES app.characteristics (organization_id, id),
  FOREIGN KEY (organization_id, site_id) REFERENCES app.sites (organization_id, id)
);
CREATE INDEX inspection_characteristics_characteristic_idx ON app.inspection_characteristics (organization_id, characteristic_id);
CREATE INDEX inspection_characteristics_site_idx ON app.inspection_characteristics (organization_id, site_id);
COMMENT ON TABLE app.inspection_characteristics IS
  E'Inspection characteristics\nThe characteristics an inspection checks, listed from its control plan when it is opened (AS9102 form 3 rows, by balloon number), with how many measurements were taken, how many were out of spec and the latest result.';
COMMENT ON COLUMN app.inspection_characteristics.organization_id IS E'Tenant';
COMMENT ON COLUMN app.inspection_characteristics.id IS E'Row id';
COMMENT ON COLUMN app.inspection_characteristics.inspection_id IS E'Inspection';
COMMENT ON COLUMN app.inspection_characteristics.characteristic_id IS E'Characteristic';
COMMENT ON COLUMN app.inspection_characteristics.site_id IS E'Plant';
COMMENT ON COLUMN app.inspection_characteristics.balloon IS E'Balloon\nThe characteristic''s drawing number (form 3, column 5).';
COMMENT ON COLUMN app.inspection_characteristics.measured_count IS E'Measured\nMeasurements taken in this inspection.';
COMMENT ON COLUMN app.inspection_characteristics.out_of_spec_count IS E'Out of spec\nMeasurements outside LSL..USL (or defective units).';
COMMENT ON COLUMN app.inspection_characteristics.last_value IS E'Last value';
COMMENT ON COLUMN app.inspection_characteristics.last_in_spec IS E'Last in spec\nWhether the latest measurement conformed.';

CREATE TABLE app.measurements (
  organization_id uuid NOT NULL,
  id uuid NOT NULL,
  measured_at timestamptz NOT NULL,
  inspection_id uuid NOT NULL,
  characteristic_id uuid NOT NULL,
  site_id uuid NOT NULL,
  subgroup integer NOT NULL CONSTRAINT measurements_subgroup_positive CHECK (subgroup >= 1),
  value numeric,
  defective boolean,
  in_spec boolean NOT NULL,
  gauge_id uuid,
  recorded_by uuid,
  created_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT measurements_pkey PRIMARY KEY (organization_id, id, measured_at),
  CONSTRAINT measurements_value_or_defective CHECK ((value IS NULL) <> (defective IS NULL)),
  CONSTRAINT measurements_organization_id_fkey FOREIGN KEY (organization_id) REFERENCES app.organizations (id) ON DELETE CASCADE,
  CONSTRAINT measurements_inspection_fkey FOREIGN KEY (organization_id, inspection_id)
    REFERENCES app.inspections (organization_id, id) ON DELETE CASCADE,
  CONSTRAINT measurements_characteristic_fkey FOREIGN KEY (organization_id, characteristic_id)
    REFERENCES app.characteristics (organization_id, id),
  CONSTRAINT measurements_gauge_fkey FOREIGN KEY (organization_id, gauge_id) REFERENCES app.equipment (organization_id, id),
  CONSTRAINT measurements_site_fkey FOREIGN KEY (organization_id, site_id) REFERENCES app.sites (organization_id, id),
  CONSTRAINT measurements_recorded_by_fkey FOREIGN KEY (recorded_by) REFERENCES app.users (id) ON DELETE SET NULL
) PARTITION BY RANGE (measured_at);
CREATE INDEX measurements_characteristic_idx ON app.measurements (organization_id, characteristic_id, subgroup);
CREATE INDEX measurements_inspection_idx ON app.measurements (organization_id, inspection_id);
CREATE INDEX measurements_site_idx ON app.measurements (organization_id, site_id, measured_at);
CREATE INDEX measurements_gauge_idx ON app.measurements (organization_id, gauge_id);
CREATE INDEX measurements_recorded_by_idx ON app.measurements (recorded_by);
COMMENT ON TABLE app.measurements IS
  E'Measurements\nOne measured value (variables) or one unit''s pass/defective (attributes) of a characteristic in an inspection, in its subgroup, with the gauge used (in service and calibrated when measured). Recorded by app.record_measurement only; partitioned by month of measured_at (pg_partman, retention in docs/manufacturing/inspection.md). Seen with inspection.read tenant-wide or at its plant.';
COMMENT ON COLUMN app.measurements.organization_id IS E'Tenant';
COMMENT ON COLUMN app.measurements.id IS E'Measurement id';
COMMENT ON COLUMN app.measurements.measured_at IS E'Measured at\nWhen it was taken (not in the future): the partition key.';
COMMENT ON COLUMN app.measurements.inspection_id IS E'Inspection';
COMMENT ON COLUMN app.measurements.characteristic_id IS E'Characteristic';
COMMENT ON COLUMN app.measurements.site_id IS E'Plant';
COMMENT ON COLUMN app.measurements.subgroup IS E'Subgroup\nThe characteristic''s subgroup number (1, 2, ...), assigned in order of recording.';
COMMENT ON COLUMN app.measurements.value IS E'Value\nThe measured value of a variable characteristic.';
COMMENT ON COLUMN app.measurements.defective IS E'Defective\nFor an attribute: whether the unit failed.';
COMMENT ON COLUMN app.measurements.in_spec IS E'In spec\nWithin LSL..USL (variables) or not defective (attributes).';
COMMENT ON COLUMN app.measurements.gauge_id IS E'Gauge\nequipment.id used.';
COMMENT ON COLUMN app.measurements.recorded_by IS E'Recorded by';
COMMENT ON COLUMN app.measurements.created_at IS E'Created at';

SELECT partman.create_parent('app.measurements', 'measured_at', 'native', '1 month',
         p_premake => (SELECT premake FROM app_private.partition_settings),
         p_start_partition => pg_catalog.date_trunc('month', now() - interval '1 year')::text,
         p_jobmon => false);

INSERT INTO app_private.append_heavy_tables (table_name, control_column, partition_interval, why)
VALUES ('app.measurements', 'measured_at', interval '1 month',
        'One row per value measured or unit judged in an inspection: the largest quality table (SPC streams of thousands a day per characteristic); never updated; charts read the subgroup summaries (app.spc_subgroups), not these rows.');

CREATE TABLE app.spc_subgroups (
  organization_id uuid NOT NULL REFERENCES app.organizations (id) ON DELETE CASCADE,
  id uuid NOT NULL,
  characteristic_id uuid NOT NULL,
  subgroup integer NOT NULL,
  site_id uuid NOT NULL,
  n integer NOT NULL CONSTRAINT spc_subgroups_n_positive CHECK (n >= 1),
  mean numeric,
  range numeric,
  stddev numeric,
  sum numeric,
  sum_squares numeric,
  defectives integer,
  closed_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (organization_id, id),
  CONSTRAINT spc_subgroups_once UNIQUE (organization_id, characteristic_id, subgroup),
  FOREIGN KEY (organization_id, characteristic_id) REFERENCES app.characteristics (organization_id, id) ON DELETE CASCADE,
  FOREIGN KEY (organization_id, site_id) REFERENCES app.sites (organization_id, id)
);
CREATE INDEX spc_subgroups_site_idx ON app.spc_subgroups (organization_id, site_id);
COMMENT ON TABLE app.spc_subgroups IS
  E'SPC subgroups\nOne row per closed subgroup of a characteristic (sample_size measurements): n, mean, range, standard deviation, sum and sum of squares (variables) or defectives (attributes). Written when the subgroup''s last measurement is recorded; what app.spc_chart and the baselines read, so a chart never scans the measurements.';
COMMENT ON COLUMN app.spc_subgroups.organization_id IS E'Tenant';
COMMENT ON COLUMN app.spc_subgroups.id IS E'Row id';
COMMENT ON COLUMN app.spc_subgroups.characteristic_id IS E'Characteristic';
COMMENT ON COLUMN app.spc_subgroups.subgroup IS E'Subgroup';
COMMENT ON COLUMN app.spc_subgroups.site_id IS E'Plant';
COMMENT ON COLUMN app.spc_subgroups.n IS E'n\nMeasurements (units) in the subgroup.';
COMMENT ON COLUMN app.spc_subgroups.mean IS E'Mean';
COMMENT ON COLUMN app.spc_subgroups.range IS E'Range';
COMMENT ON COLUMN app.spc_subgroups.stddev IS E'Standard deviation\nSample standard deviation (n - 1).';
COMMENT ON COLUMN app.spc_subgroups.sum IS E'Sum';
COMMENT ON COLUMN app.spc_subgroups.sum_squares IS E'Sum of squares';
COMMENT ON COLUMN app.spc_subgroups.defectives IS E'Defectives\nDefective units (attributes).';
COMMENT ON COLUMN app.spc_subgroups.closed_at IS E'Closed at';

CREATE TABLE app.spc_baselines (
  organization_id uuid NOT NULL REFERENCES app.organizations (id) ON DELETE CASCADE,
  id uuid NOT NULL,
  characteristic_id uuid NOT NULL,
  site_id uuid NOT NULL,
  from_subgroup integer NOT NULL,
  to_subgroup integer NOT NULL,
  subgroups integer NOT NULL,
  center numeric NOT NULL,
  ucl numeric,
  lcl numeric,
  dispersion_center numeric,
  dispersion_ucl numeric,
  dispersion_lcl numeric,
  sigma_within numeric,
  reason text NOT NULL CONSTRAINT spc_baselines_reason_length CHECK (length(btrim(reason)) BETWEEN 1 AND 2000),
  change_reference text CONSTRAINT spc_baselines_change_reference_length CHECK (length(btrim(change_reference)) BETWEEN 1 AND 200),
  approved_by uuid REFERENCES app.users (id) ON DELETE SET NULL,
  approved_at timestamptz NOT NULL DEFAULT now(),
  superseded_at timestamptz,
  PRIMARY KEY (organization_id, id),
  CONSTRAINT spc_baselines_range_order CHECK (from_subgroup >= 1 AND to_subgroup >= from_subgroup),
  FOREIGN KEY (organization_id, characteristic_id) REFERENCES app.characteristics (organization_id, id) ON DELETE CASCADE,
  FOREIGN KEY (organization_id, site_id) REFERENCES app.sites (organization_id, id)
);
CREATE UNIQUE INDEX spc_baselines_one_current ON app.spc_baselines (organization_id, characteristic_id) WHERE superseded_at IS NULL;
CREATE INDEX spc_baselines_characteristic_idx ON app.spc_baselines (organization_id, characteristic_id, approved_at);
CREATE INDEX spc_baselines_site_idx ON app.spc_baselines (organization_id, site_id);
CREATE INDEX spc_baselines_approved_by_idx ON app.spc_baselines (approved_by);
COMMENT ON TABLE app.spc_baselines IS
  E'SPC baselines\nThe frozen control limits of a characteristic, computed from a range of its subgroups by the SPC library and approved by app.approve_spc_baseline. One current baseline per characteristic; a new one (a recalculation) needs the approved process change it follows (change_reference) and supersedes the old. Charts and signals judge against the current one.';
COMMENT ON COLUMN app.spc_baselines.organization_id IS E'Tenant';
COMMENT ON COLUMN app.spc_baselines.id IS E'Baseline id';
COMMENT ON COLUMN app.spc_baselines.characteristic_id IS E'Characteristic';
COMMENT ON COLUMN app.spc_baselines.site_id IS E'Plant';
COMMENT ON COLUMN app.spc_baselines.from_subgroup IS E'From subgroup\nFirst subgroup of the baseline study.';
COMMENT ON COLUMN app.spc_baselines.to_subgroup IS E'To subgroup\nLast subgroup of the baseline study.';
COMMENT ON COLUMN app.spc_baselines.subgroups IS E'Subgroups\nSubgroups the limits were computed from.';
COMMENT ON COLUMN app.spc_baselines.center IS E'Center line\nX̿ (X̄ charts), X̄ (I chart), p̄ (p chart) or n·p̄ (np chart).';
COMMENT ON COLUMN app.spc_baselines.ucl IS E'UCL\nUpper control limit (empty for a p chart: it varies with each subgroup''s size).';
COMMENT ON COLUMN app.spc_baselines.lcl IS E'LCL\nLower control limit (empty for a p chart).';
COMMENT ON COLUMN app.spc_baselines.dispersion_center IS E'Dispersion center\nR̄, S̄ or MR̄.';
COMMENT ON COLUMN app.spc_baselines.dispersion_ucl IS E'Dispersion UCL';
COMMENT ON COLUMN app.spc_baselines.dispersion_lcl IS E'Dispersion LCL';
COMMENT ON COLUMN app.spc_baselines.sigma_within IS E'Sigma within\nR̄/d2, S̄/c4 or MR̄/d2: the Cp/Cpk sigma.';
COMMENT ON COLUMN app.spc_baselines.reason IS E'Reason\nWhy these limits (initial capability study, the process change made).';
COMMENT ON COLUMN app.spc_baselines.change_reference IS E'Process change\nThe approved process change (ECO, change request number) a recalculation follows; required for every baseline after the first.';
COMMENT ON COLUMN app.spc_baselines.approved_by IS E'Approved by';
COMMENT ON COLUMN app.spc_baselines.approved_at IS E'Approved at';
COMMENT ON COLUMN app.spc_baselines.superseded_at IS E'Superseded at\nWhen a newer baseline replaced it (empty: current).';

CREATE TABLE app.spc_signals (
  organization_id uuid NOT NULL REFERENCES app.organizations (id) ON DELETE CASCADE,
  id uuid NOT NULL,
  characteristic_id uuid NOT NULL,
  baseline_id uuid NOT NULL,
  site_id uuid NOT NULL,
  subgroup integer NOT NULL,
  value numeric NOT NULL,
  rules integer[] NOT NULL,
  rule_names text[] NOT NULL,
  reaction_plan text NOT NULL,
  status text NOT NULL DEFAULT 'open' CONSTRAINT spc_signals_status CHECK (status IN ('open', 'closed')),
  cause text CONSTRAINT spc_signals_cause_length CHECK (length(btrim(cause)) BETWEEN 1 AND 4000),
  action text CONSTRAINT spc_signals_action_length CHECK (length(btrim(action)) BETWEEN 1 AND 4000),
  closed_by uuid REFERENCES app.users (id) ON DELETE SET NULL,
  closed_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (organization_id, id),
  CONSTRAINT spc_signals_once UNIQUE (organization_id, characteristic_id, subgroup),
  CONSTRAINT spc_signals_closed_with_cause CHECK (status = 'open' OR (cause IS NOT NULL AND action IS NOT NULL AND closed_at IS NOT NULL)),
  FOREIGN KEY (organization_id, characteristic_id) REFERENCES app.characteristics (organization_id, id) ON DELETE CASCADE,
  FOREIGN KEY (organization_id, baseline_id) REFERENCES app.spc_baselines (organization_id, id) ON DELETE CASCADE,
  FOREIGN KEY (organization_id, site_id) REFERENCES app.sites (organization_id, id)
);
CREATE INDEX spc_signals_open_idx ON app.spc_signals (organization_id, site_id, status);
CREATE INDEX spc_signals_baseline_idx ON app.spc_signals (organization_id, baseline_id);
CREATE INDEX spc_signals_closed_by_idx ON app.spc_signals (closed_by);
COMMENT ON TABLE app.spc_signals IS
  E'SPC signals\nAn out-of-control signal: a closed subgroup of a characteristic broke a Nelson rule against the current baseline''s frozen limits. Raised when the subgroup closes, notifies the control plan''s owner, carries the characteristic''s reaction plan, and is closed only with an assignable-cause record (cause, action) by app.close_spc_signal. Not a nonconformance by itself.';
COMMENT ON COLUMN app.spc_signals.organization_id IS E'Tenant';
COMMENT ON COLUMN app.spc_signals.id IS E'Signal id';
COMMENT ON COLUMN app.spc_signals.characteristic_id IS E'Characteristic';
COMMENT ON COLUMN app.spc_signals.baseline_id IS E'Baseline\nThe frozen limits judged against.';
COMMENT ON COLUMN app.spc_signals.site_id IS E'Plant';
COMMENT ON COLUMN app.spc_signals.subgroup IS E'Subgroup\nThe subgroup that signalled.';
COMMENT ON COLUMN app.spc_signals.value IS E'Value\nThe plotted statistic (mean, individual, proportion or count).';
COMMENT ON COLUMN app.spc_signals.rules IS E'Rules\nNelson rule numbers broken (1..8).';
COMMENT ON COLUMN app.spc_signals.rule_names IS E'Rule names';
COMMENT ON COLUMN app.spc_signals.reaction_plan IS E'Reaction plan\nThe characteristic''s reaction plan when the signal was raised.';
COMMENT ON COLUMN app.spc_signals.status IS E'Status\nopen or closed.';
COMMENT ON COLUMN app.spc_signals.cause IS E'Assignable cause\nWhat caused the signal (required to close).';
COMMENT ON COLUMN app.spc_signals.action IS E'Action\nWhat was done about it (required to close).';
COMMENT ON COLUMN app.spc_signals.closed_by IS E'Closed by';
COMMENT ON COLUMN app.spc_signals.closed_at IS E'Closed at';
COMMENT ON COLUMN app.spc_signals.created_at IS E'Raised at';
COMMENT ON COLUMN app.spc_signals.updated_at IS E'Updated at';

COMMIT;
