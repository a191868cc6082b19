-- Deploy pulse:quality/control_plans to pg
-- requires: quality/parts
-- requires: platform/equipment

BEGIN;

-- Control plans (80_quality, 40_control_plans.sql): per part revision and
-- plant, process steps and the characteristics checked at each step (spec
-- limits, special class, sampling, gauge, reaction plan, chart type); gauge
-- R&R studies of a gauge on a characteristic with their readings. All
-- plant-scoped (site_id): read with control_plan.read tenant-wide or at the
-- site, written by RPCs only (control_plan.manage at the site).

CREATE TYPE app.control_plan_status AS ENUM ('draft', 'approved', 'obsolete');
COMMENT ON TYPE app.control_plan_status IS 'A control plan''s life: draft (characteristics are added), approved (inspections use it; frozen), obsolete (superseded).';
CREATE TYPE app.characteristic_kind AS ENUM ('variable', 'attribute');
COMMENT ON TYPE app.characteristic_kind IS 'variable: a measured value against LSL/USL; attribute: pass or defective per unit inspected.';
CREATE TYPE app.spc_chart_type AS ENUM ('xbar_r', 'xbar_s', 'imr', 'p', 'np');
COMMENT ON TYPE app.spc_chart_type IS 'The control chart of a characteristic: X̄-R, X̄-S (subgroups of 2..25), individuals/moving range (subgroups of 1) for variables; p or np for attributes.';

CREATE TABLE app.control_plans (
  organization_id uuid NOT NULL REFERENCES app.organizations (id) ON DELETE CASCADE,
  id uuid NOT NULL,
  part_revision_id uuid NOT NULL,
  site_id uuid NOT NULL,
  title text NOT NULL CONSTRAINT control_plans_title_length CHECK (length(btrim(title)) BETWEEN 1 AND 200),
  status app.control_plan_status NOT NULL DEFAULT 'draft',
  owner_id uuid REFERENCES app.users (id) ON DELETE SET NULL,
  approved_by uuid REFERENCES app.users (id) ON DELETE SET NULL,
  approved_at timestamptz,
  created_by uuid REFERENCES app.users (id) ON DELETE SET NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (organization_id, id),
  CONSTRAINT control_plans_approved_stamped CHECK (status = 'draft' OR approved_at IS NOT NULL),
  FOREIGN KEY (organization_id, part_revision_id) REFERENCES app.part_revisions (organization_id, id),
  FOREIGN KEY (organization_id, site_id) REFERENCES app.sites (organization_id, id)
);
CREATE INDEX control_plans_part_revision_idx ON app.control_plans (organization_id, part_revision_id);
CREATE INDEX control_plans_site_idx ON app.control_plans (organization_id, site_id);
CREATE INDEX control_plans_owner_idx ON app.control_plans (owner_id);
CREATE INDEX control_plans_approved_by_idx ON app.control_plans (approved_by);
CREATE INDEX control_plans_created_by_idx ON app.control_plans (created_by);
COMMENT ON TABLE app.control_plans IS
  E'Control plans\nWhat is checked, how and how often when a part revision is made at a plant: process steps and their characteristics. Drafted with app.create_control_plan, app.add_control_plan_step and app.add_characteristic, approved with app.approve_control_plan (then frozen), obsoleted with app.obsolete_control_plan. Seen with control_plan.read tenant-wide or at its plant.';
COMMENT ON COLUMN app.control_plans.organization_id IS E'Tenant';
COMMENT ON COLUMN app.control_plans.id IS E'Control plan id';
COMMENT ON COLUMN app.control_plans.part_revision_id IS E'Part revision\npart_revisions.id the plan is for.';
COMMENT ON COLUMN app.control_plans.site_id IS E'Plant\nThe site (sites.id) the plan applies at: who may see and use it.';
COMMENT ON COLUMN app.control_plans.title IS E'Title';
COMMENT ON COLUMN app.control_plans.status IS E'Status\ndraft, approved or obsolete; changed by app.approve_control_plan and app.obsolete_control_plan only.';
COMMENT ON COLUMN app.control_plans.owner_id IS E'Owner\nThe user notified of out-of-control signals of its characteristics.';
COMMENT ON COLUMN app.control_plans.approved_by IS E'Approved by';
COMMENT ON COLUMN app.control_plans.approved_at IS E'Approved at';
COMMENT ON COLUMN app.control_plans.created_by IS E'Created by';
COMMENT ON COLUMN app.control_plans.created_at IS E'Created at';
COMMENT ON COLUMN app.control_plans.updated_at IS E'Updated at';

CREATE TABLE app.control_plan_steps (
  organization_id uuid NOT NULL REFERENCES app.organizations (id) ON DELETE CASCADE,
  id uuid NOT NULL,
  control_plan_id uuid NOT NULL,
  site_id uuid NOT NULL,
  step_number integer NOT NULL CONSTRAINT control_plan_steps_number_positive CHECK (step_number BETWEEN 1 AND 9999),
  name text NOT NULL CONSTRAINT control_plan_steps_name_length CHECK (length(btrim(name)) BETWEEN 1 AND 200),
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (organization_id, id),
  CONSTRAINT control_plan_steps_number_unique UNIQUE (organization_id, control_plan_id, step_number),
  FOREIGN KEY (organization_id, control_plan_id) REFERENCES app.control_plans (organization_id, id) ON DELETE CASCADE,
  FOREIGN KEY (organization_id, site_id) REFERENCES app.sites (organization_id, id)
);
CREATE INDEX control_plan_steps_site_idx ON app.control_plan_steps (organization_id, site_id);
COMMENT ON TABLE app.control_plan_steps IS
  E'Control plan steps\nThe process steps of a control plan (operation number and name), added by app.add_control_plan_step while the plan is a draft; plant-scoped like the plan.';
COMMENT ON COLUMN app.control_plan_steps.organization_id IS E'Tenant';
COMMENT ON COLUMN app.control_plan_steps.id IS E'Step id';
COMMENT ON COLUMN app.control_plan_steps.control_plan_id IS E'Control plan';
COMMENT ON COLUMN app.control_plan_steps.site_id IS E'Plant\nThe plan''s site.';
COMMENT ON COLUMN app.control_plan_steps.step_number IS E'Step\nThe operation number (10, 20, ...), unique in the plan.';
COMMENT ON COLUMN app.control_plan_steps.name IS E'Name';
COMMENT ON COLUMN app.control_plan_steps.created_at IS E'Created at';

CREATE TABLE app.characteristics (
  organization_id uuid NOT NULL REFERENCES app.organizations (id) ON DELETE CASCADE,
  id uuid NOT NULL,
  control_plan_id uuid NOT NULL,
  step_id uuid NOT NULL,
  site_id uuid NOT NULL,
  balloon integer NOT NULL CONSTRAINT characteristics_balloon_positive CHECK (balloon >= 1),
  name text NOT NULL CONSTRAINT characteristics_name_length CHECK (length(btrim(name)) BETWEEN 1 AND 200),
  kind app.characteristic_kind NOT NULL,
  nominal numeric,
  lsl numeric,
  usl numeric,
  unit text REFERENCES app.units (code),
  special_class text CONSTRAINT characteristics_special_class CHECK (special_class IN ('CC', 'SC')),
  sample_size integer NOT NULL,
  frequency text NOT NULL DEFAULT '' CONSTRAINT characteristics_frequency_length CHECK (length(frequency) <= 200),
  gauge_id uuid,
  reaction_plan text NOT NULL CONSTRAINT characteristics_reaction_plan_length CHECK (length(btrim(reaction_plan)) BETWEEN 1 AND 4000),
  chart_type app.spc_chart_type NOT NULL,
  open_subgroup integer NOT NULL DEFAULT 1,
  open_count integer NOT NULL DEFAULT 0,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (organization_id, id),
  CONSTRAINT characteristics_balloon_unique UNIQUE (organization_id, control_plan_id, balloon),
  CONSTRAINT characteristics_spec_order CHECK (lsl IS NULL OR usl IS NULL OR lsl < usl),
  CONSTRAINT characteristics_nominal_within CHECK (nominal IS NULL OR ((lsl IS NULL OR nominal >= lsl) AND (usl IS NULL OR nominal <= usl))),
  CONSTRAINT characteristics_variable_spec CHECK (kind = 'attribute' OR lsl IS NOT NULL OR usl IS NOT NULL),
  CONSTRAINT characteristics_attribute_no_spec CHECK (kind = 'variable' OR (lsl IS NULL AND usl IS NULL AND nominal IS NULL)),
  CONSTRAINT characteristics_chart_kind CHECK ((kind = 'variable') = (chart_type IN ('xbar_r', 'xbar_s', 'imr'))),
  CONSTRAINT characteristics_sample_size CHECK (CASE chart_type WHEN 'imr' THEN sample_size = 1
                                                                  WHEN 'xbar_r' THEN sample_size BETWEEN 2 AND 25
                                                                  WHEN 'xbar_s' THEN sample_size BETWEEN 2 AND 25
                                                                  ELSE sample_size BETWEEN 1 AND 100000 END),
  FOREIGN KEY (organization_id, control_plan_id) REFERENCES app.control_plans (organization_id, id) ON DELETE CASCADE,
  FOREIGN KEY (organization_id, step_id) REFERENCES app.control_plan_steps (organization_id, id) ON DELETE CASCADE,
  FOREIGN KEY (organization_id, gauge_id) REFERENCES app.equipment (organization_id, id),
  FOREIGN KEY (organization_id, site_id) REFERENCES app.sites (organization_id, id)
);
CREATE INDEX characteristics_step_idx ON app.characteristics (organization_id, step_id);
CREATE INDEX characteristics_gauge_idx ON app.characteristics (organization_id, gauge_id);
CREATE INDEX characteristics_site_idx ON app.characteristics (organization_id, site_id);
CREATE INDEX characteristics_unit_idx ON app.characteristics (unit);
COMMENT ON TABLE app.characteristics IS
  E'Characteristics\nWhat is checked at a control plan step: a variable (nominal, LSL/USL, one of them may be empty, unit) or an attribute (pass/defective), its special class (CC critical, SC significant), sample size and frequency, the gauge (equipment) used, the reaction plan and the control chart. Added by app.add_characteristic while the plan is a draft; measured in inspections (app.measurements).';
COMMENT ON COLUMN app.characteristics.organization_id IS E'Tenant';
COMMENT ON COLUMN app.characteristics.id IS E'Characteristic id';
COMMENT ON COLUMN app.characteristics.control_plan_id IS E'Control plan';
COMMENT ON COLUMN app.characteristics.step_id IS E'Step\ncontrol_plan_steps.id.';
COMMENT ON COLUMN app.characteristics.site_id IS E'Plant\nThe plan''s site.';
COMMENT ON COLUMN app.characteristics.balloon IS E'Balloon\nThe characteristic''s number on the drawing, unique in the plan (AS9102 form 3).';
COMMENT ON COLUMN app.characteristics.name IS E'Name';
COMMENT ON COLUMN app.characteristics.kind IS E'Kind\nvariable or attribute.';
COMMENT ON COLUMN app.characteristics.nominal IS E'Nominal\nWithin LSL..USL.';
COMMENT ON COLUMN app.characteristics.lsl IS E'LSL\nLower specification limit (empty: one-sided).';
COMMENT ON COLUMN app.characteristics.usl IS E'USL\nUpper specification limit (empty: one-sided).';
COMMENT ON COLUMN app.characteristics.unit IS E'Unit\nunits.code of the measured value.';
COMMENT ON COLUMN app.characteristics.special_class IS E'Special class\nCC (critical) or SC (significant) characteristic; empty for a standard one.';
COMMENT ON COLUMN app.characteristics.sample_size IS E'Sample size\nUnits per subgroup: 2..25 for X̄ charts, 1 for I-MR, the units inspected per sample for p/np.';
COMMENT ON COLUMN app.characteristics.frequency IS E'Frequency\nHow often a subgroup is taken (free text: every hour, 1 per lot, ...).';
COMMENT ON COLUMN app.characteristics.gauge_id IS E'Gauge\nequipment.id of the gauge measurements are taken with by default.';
COMMENT ON COLUMN app.characteristics.reaction_plan IS E'Reaction plan\nWhat to do when the process goes out of control or out of spec; shown on every SPC signal.';
COMMENT ON COLUMN app.characteristics.chart_type IS E'Chart\nxbar_r, xbar_s, imr (variables), p or np (attributes).';
COMMENT ON COLUMN app.characteristics.open_subgroup IS E'Open subgroup\nThe number of the subgroup the next measurement joins (kept by app.record_measurement).';
COMMENT ON COLUMN app.characteristics.open_count IS E'Open count\nMeasurements in the open subgroup so far; at sample_size the subgroup is closed and judged.';
COMMENT ON COLUMN app.characteristics.created_at IS E'Created at';
COMMENT ON COLUMN app.characteristics.updated_at IS E'Updated at';

CREATE TABLE app.gauge_studies (
  organization_id uuid NOT NULL REFERENCES app.organizations (id) ON DELETE CASCADE,
  id uuid NOT NULL,
  gauge_id uuid NOT NULL,
  characteristic_id uuid NOT NULL,
  site_id uuid NOT NULL,
  method text NOT NULL CONSTRAINT gauge_studies_method CHECK (method IN ('average_range', 'anova')),
  tolerance numeric,
  result jsonb NOT NULL CONSTRAINT gauge_studies_result_object CHECK (jsonb_typeof(result) = 'object'),
  percent_grr numeric,
  ndc integer,
  created_by uuid REFERENCES app.users (id) ON DELETE SET NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (organization_id, id),
  FOREIGN KEY (organization_id, gauge_id) REFERENCES app.equipment (organization_id, id),
  FOREIGN KEY (organization_id, characteristic_id) REFERENCES app.characteristics (organization_id, id) ON DELETE CASCADE,
  FOREIGN KEY (organization_id, site_id) REFERENCES app.sites (organization_id, id)
);
CREATE INDEX gauge_studies_gauge_idx ON app.gauge_studies (organization_id, gauge_id);
CREATE INDEX gauge_studies_characteristic_idx ON app.gauge_studies (organization_id, characteristic_id);
CREATE INDEX gauge_studies_site_idx ON app.gauge_studies (organization_id, site_id);
CREATE INDEX gauge_studies_created_by_idx ON app.gauge_studies (created_by);
COMMENT ON TABLE app.gauge_studies IS
  E'Gauge R&R studies\nA repeatability and reproducibility study of a gauge on a characteristic: its readings (gauge_study_readings, operators × parts × trials) and the result computed by the Gauge R&R library (average-and-range or ANOVA), stored by app.record_gauge_study.';
COMMENT ON COLUMN app.gauge_studies.organization_id IS E'Tenant';
COMMENT ON COLUMN app.gauge_studies.id IS E'Study id';
COMMENT ON COLUMN app.gauge_studies.gauge_id IS E'Gauge\nequipment.id.';
COMMENT ON COLUMN app.gauge_studies.characteristic_id IS E'Characteristic';
COMMENT ON COLUMN app.gauge_studies.site_id IS E'Plant\nThe characteristic''s site.';
COMMENT ON COLUMN app.gauge_studies.method IS E'Method\naverage_range (AIAG) or anova.';
COMMENT ON COLUMN app.gauge_studies.tolerance IS E'Tolerance\nUSL - LSL of the characteristic when both are set (for %GRR of tolerance).';
COMMENT ON COLUMN app.gauge_studies.result IS E'Result\nEvery output column of the library function (EV, AV, GRR, PV, TV, %GRR, ndc, ...).';
COMMENT ON COLUMN app.gauge_studies.percent_grr IS E'%GRR\nGRR as a percentage of the total variation.';
COMMENT ON COLUMN app.gauge_studies.ndc IS E'ndc\nNumber of distinct categories.';
COMMENT ON COLUMN app.gauge_studies.created_by IS E'Created by';
COMMENT ON COLUMN app.gauge_studies.created_at IS E'Created at';

CREATE TABLE app.gauge_study_readings (
  organization_id uuid NOT NULL REFERENCES app.organizations (id) ON DELETE CASCADE,
  id uuid NOT NULL,
  study_id uuid NOT NULL,
  site_id uuid NOT NULL,
  operator text NOT NULL CONSTRAINT gauge_study_readings_operator_length CHECK (length(btrim(operator)) BETWEEN 1 AND 100),
  part text NOT NULL CONSTRAINT gauge_study_readings_part_length CHECK (length(btrim(part)) BETWEEN 1 AND 100),
  trial integer NOT NULL CONSTRAINT gauge_study_readings_trial_positive CHECK (trial >= 1),
  value numeric NOT NULL,
  PRIMARY KEY (organization_id, id),
  CONSTRAINT gauge_study_readings_once UNIQUE (organization_id, study_id, operator, part, trial),
  FOREIGN KEY (organization_id, study_id) REFERENCES app.gauge_studies (organization_id, id) ON DELETE CASCADE,
  FOREIGN KEY (organization_id, site_id) REFERENCES app.sites (organization_id, id)
);
CREATE INDEX gauge_study_readings_site_idx ON app.gauge_study_readings (organization_id, site_id);
COMMENT ON TABLE app.gauge_study_readings IS
  E'Gauge study readings\nOne reading of a Gauge R&R study: operator, part, trial and value.';
COMMENT ON COLUMN app.gauge_study_readings.organization_id IS E'Tenant';
COMMENT ON COLUMN app.gauge_study_readings.id IS E'Reading id';
COMMENT ON COLUMN app.gauge_study_readings.study_id IS E'Study';
COMMENT ON COLUMN app.gauge_study_readings.site_id IS E'Plant';
COMMENT ON COLUMN app.gauge_study_readings.operator IS E'Operator\nThe appraiser''s label.';
COMMENT ON COLUMN app.gauge_study_readings.part IS E'Part\nThe sample part''s label.';
COMMENT ON COLUMN app.gauge_study_readings.trial IS E'Trial';
COMMENT ON COLUMN app.gauge_study_readings.value IS E'Value';

COMMIT;
