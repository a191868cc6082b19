-- Deploy pulse:lab/retention to pg
-- requires: lab/lineage

BEGIN;

-- Retained portions (kept for the sample type's retention period, then due
-- for disposal) and the disposal record of every disposed sample.

CREATE TABLE app.sample_retentions (
  organization_id uuid NOT NULL REFERENCES app.organizations (id) ON DELETE CASCADE,
  id uuid NOT NULL,
  sample_id uuid NOT NULL,
  retained_sample_id uuid NOT NULL,
  keep_until timestamptz NOT NULL,
  notes text NOT NULL DEFAULT '' CONSTRAINT sample_retentions_notes_length CHECK (length(notes) <= 2000),
  due_notified_at timestamptz,
  created_by uuid REFERENCES app.users (id) ON DELETE SET NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (organization_id, id),
  CONSTRAINT sample_retentions_one_per_portion UNIQUE (organization_id, retained_sample_id),
  FOREIGN KEY (organization_id, sample_id) REFERENCES app.samples (organization_id, id) ON DELETE CASCADE,
  FOREIGN KEY (organization_id, retained_sample_id) REFERENCES app.samples (organization_id, id) ON DELETE CASCADE
);
CREATE INDEX sample_retentions_sample_idx ON app.sample_retentions (organization_id, sample_id);
CREATE INDEX sample_retentions_keep_until_idx ON app.sample_retentions (keep_until);
CREATE INDEX sample_retentions_created_by_idx ON app.sample_retentions (created_by);
COMMENT ON TABLE app.sample_retentions IS
  E'Retained portions\nA portion of a sample (an aliquot, itself a sample) kept for the sample type''s retention period in case the testing must be repeated or disputed; due for disposal after keep_until. Made by app.retain_sample; seen with the sample.';
COMMENT ON COLUMN app.sample_retentions.organization_id IS E'Tenant\nThe organization.';
COMMENT ON COLUMN app.sample_retentions.id IS E'Retention id';
COMMENT ON COLUMN app.sample_retentions.sample_id IS E'Sample\nThe sample (samples.id) the portion was kept from.';
COMMENT ON COLUMN app.sample_retentions.retained_sample_id IS E'Retained portion\nThe aliquot (samples.id) that is kept.';
COMMENT ON COLUMN app.sample_retentions.keep_until IS E'Keep until\nWhen it was retained plus the sample type''s retention_days; afterwards it is due for disposal.';
COMMENT ON COLUMN app.sample_retentions.notes IS E'Notes';
COMMENT ON COLUMN app.sample_retentions.due_notified_at IS E'Due notice sent at\nWhen the job notify-retention-due announced it (once).';
COMMENT ON COLUMN app.sample_retentions.created_by IS E'Retained by';
COMMENT ON COLUMN app.sample_retentions.created_at IS E'Retained at';

CREATE TABLE app.sample_disposals (
  organization_id uuid NOT NULL REFERENCES app.organizations (id) ON DELETE CASCADE,
  id uuid NOT NULL,
  sample_id uuid NOT NULL,
  method text NOT NULL CONSTRAINT sample_disposals_method_length CHECK (length(btrim(method)) BETWEEN 1 AND 200),
  reason text NOT NULL CONSTRAINT sample_disposals_reason_length CHECK (length(btrim(reason)) BETWEEN 1 AND 2000),
  disposed_by uuid REFERENCES app.users (id) ON DELETE SET NULL,
  disposed_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (organization_id, id),
  CONSTRAINT sample_disposals_one_per_sample UNIQUE (organization_id, sample_id),
  FOREIGN KEY (organization_id, sample_id) REFERENCES app.samples (organization_id, id) ON DELETE CASCADE
);
CREATE INDEX sample_disposals_disposed_by_idx ON app.sample_disposals (disposed_by);
COMMENT ON TABLE app.sample_disposals IS
  E'Sample disposals\nHow, why, by whom and when a sample was disposed of (autoclaved, incinerated, returned to the customer, ...); one per sample, written by app.dispose_sample, never changed. Seen with the sample.';
COMMENT ON COLUMN app.sample_disposals.organization_id IS E'Tenant\nThe organization.';
COMMENT ON COLUMN app.sample_disposals.id IS E'Disposal id';
COMMENT ON COLUMN app.sample_disposals.sample_id IS E'Sample\nsamples.id.';
COMMENT ON COLUMN app.sample_disposals.method IS E'Method\nHow it was disposed of (e.g. autoclave then incineration, returned to customer).';
COMMENT ON COLUMN app.sample_disposals.reason IS E'Reason\nWhy (retention period ended, rejected at receipt, ...).';
COMMENT ON COLUMN app.sample_disposals.disposed_by IS E'Disposed by';
COMMENT ON COLUMN app.sample_disposals.disposed_at IS E'Disposed at\nServer time.';

COMMIT;
