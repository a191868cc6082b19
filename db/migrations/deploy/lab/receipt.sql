-- Deploy pulse:lab/receipt to pg
-- requires: lab/core

BEGIN;

-- Receipt of samples (the condition each arrived in, received or rejected
-- with a reason from the tenant's type list sample_rejection_reasons) and
-- the append-only history of every sample status change the lab's RPCs make.

CREATE TYPE app.sample_receipt_outcome AS ENUM ('received', 'rejected');
COMMENT ON TYPE app.sample_receipt_outcome IS 'What receipt decided about a sample: received into the lab, or rejected (terminal).';

CREATE TABLE app.sample_receipts (
  organization_id uuid NOT NULL REFERENCES app.organizations (id) ON DELETE CASCADE,
  id uuid NOT NULL,
  sample_id uuid NOT NULL,
  batch_id uuid NOT NULL,
  outcome app.sample_receipt_outcome NOT NULL,
  temperature_celsius numeric CONSTRAINT sample_receipts_temperature_range CHECK (temperature_celsius BETWEEN -273.15 AND 1000),
  container_intact boolean,
  seal_intact boolean,
  notes text NOT NULL DEFAULT '' CONSTRAINT sample_receipts_notes_length CHECK (length(notes) <= 2000),
  rejection_reason text CONSTRAINT sample_receipts_rejection_reason_format CHECK (rejection_reason ~ '^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$'),
  received_by uuid REFERENCES app.users (id) ON DELETE SET NULL,
  received_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (organization_id, id),
  CONSTRAINT sample_receipts_one_per_outcome UNIQUE (organization_id, sample_id, outcome),
  CONSTRAINT sample_receipts_reason_when_rejected CHECK ((outcome = 'rejected') = (rejection_reason IS NOT NULL)),
  FOREIGN KEY (organization_id, sample_id) REFERENCES app.samples (organization_id, id) ON DELETE CASCADE
);
CREATE INDEX sample_receipts_batch_idx ON app.sample_receipts (organization_id, batch_id);
CREATE INDEX sample_receipts_received_by_idx ON app.sample_receipts (received_by);
COMMENT ON TABLE app.sample_receipts IS
  E'Sample receipts\nHow each sample arrived (temperature, container and seal) and whether the lab received or rejected it, with the reason; at most one received and one rejected row per sample (a received sample found unfit later is rejected too), written by app.receive_samples and app.reject_sample only, never changed. Seen by whoever may see the sample.';
COMMENT ON COLUMN app.sample_receipts.organization_id IS E'Tenant\nThe organization.';
COMMENT ON COLUMN app.sample_receipts.id IS E'Receipt id';
COMMENT ON COLUMN app.sample_receipts.sample_id IS E'Sample\nsamples.id.';
COMMENT ON COLUMN app.sample_receipts.batch_id IS E'Batch\nThe samples accessioned together share it (one call of app.receive_samples).';
COMMENT ON COLUMN app.sample_receipts.outcome IS E'Outcome\nreceived or rejected.';
COMMENT ON COLUMN app.sample_receipts.temperature_celsius IS E'Temperature on arrival\nIn °C, as measured at the bench.';
COMMENT ON COLUMN app.sample_receipts.container_intact IS E'Container intact\nWhether the container arrived undamaged (empty: not checked).';
COMMENT ON COLUMN app.sample_receipts.seal_intact IS E'Seal intact\nWhether the seal (custody seal, lid) arrived unbroken (empty: not checked).';
COMMENT ON COLUMN app.sample_receipts.notes IS E'Notes\nWhat the receiving technician saw.';
COMMENT ON COLUMN app.sample_receipts.rejection_reason IS E'Rejection reason\nThe value code of the tenant''s type list sample_rejection_reasons; set exactly when rejected.';
COMMENT ON COLUMN app.sample_receipts.received_by IS E'Received by\nWho checked the sample in (users.id).';
COMMENT ON COLUMN app.sample_receipts.received_at IS E'Received at\nServer time of the receipt.';

CREATE TABLE app.sample_status_changes (
  organization_id uuid NOT NULL REFERENCES app.organizations (id) ON DELETE CASCADE,
  id uuid NOT NULL,
  sample_id uuid NOT NULL,
  from_status app.sample_status NOT NULL,
  to_status app.sample_status NOT NULL,
  reason text CONSTRAINT sample_status_changes_reason_length CHECK (length(reason) <= 2000),
  changed_by uuid REFERENCES app.users (id) ON DELETE SET NULL,
  changed_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (organization_id, id),
  FOREIGN KEY (organization_id, sample_id) REFERENCES app.samples (organization_id, id) ON DELETE CASCADE
);
CREATE INDEX sample_status_changes_sample_idx ON app.sample_status_changes (organization_id, sample_id, changed_at);
CREATE INDEX sample_status_changes_changed_by_idx ON app.sample_status_changes (changed_by);
COMMENT ON TABLE app.sample_status_changes IS
  E'Sample status history\nEvery status change of a sample made through app_private.set_sample_status (receipt, rejection, invalidation, retest, disposal, and the runs and results that move samples on): from, to, why, who, when. Append-only. Seen by whoever may see the sample.';
COMMENT ON COLUMN app.sample_status_changes.organization_id IS E'Tenant\nThe organization.';
COMMENT ON COLUMN app.sample_status_changes.id IS E'Change id';
COMMENT ON COLUMN app.sample_status_changes.sample_id IS E'Sample\nsamples.id.';
COMMENT ON COLUMN app.sample_status_changes.from_status IS E'From\nThe status before.';
COMMENT ON COLUMN app.sample_status_changes.to_status IS E'To\nThe status after.';
COMMENT ON COLUMN app.sample_status_changes.reason IS E'Reason\nWhy (required for rejection, invalidation and disposal).';
COMMENT ON COLUMN app.sample_status_changes.changed_by IS E'Changed by\nThe member (users.id), empty for the system.';
COMMENT ON COLUMN app.sample_status_changes.changed_at IS E'Changed at';

COMMIT;
