-- Deploy pulse:maintenance/checklists to pg
-- requires: maintenance/joins
-- requires: platform/checklists
-- requires: platform/units

BEGIN;

-- Typed checklist items (every domain gains them; the platform block
-- validates and answers them): check, measurement (limits and a unit of the
-- units register), pass/fail, text. An answer is typed; a measurement
-- outside its limits is flagged by a generated column.
ALTER TABLE app.checklist_template_items
  ADD COLUMN kind text NOT NULL DEFAULT 'check'
    CONSTRAINT checklist_template_items_kind_known CHECK (kind IN ('check', 'measurement', 'pass_fail', 'text')),
  ADD COLUMN lower_limit numeric,
  ADD COLUMN upper_limit numeric,
  ADD COLUMN unit text REFERENCES app.units (code) ON UPDATE CASCADE,
  ADD CONSTRAINT checklist_template_items_limits_ordered CHECK (lower_limit IS NULL OR upper_limit IS NULL OR lower_limit <= upper_limit),
  ADD CONSTRAINT checklist_template_items_measurement_only CHECK (
    kind = 'measurement' OR (lower_limit IS NULL AND upper_limit IS NULL AND unit IS NULL));
CREATE INDEX checklist_template_items_unit_idx ON app.checklist_template_items (unit);
COMMENT ON COLUMN app.checklist_template_items.kind IS
  E'Kind\ncheck (done or not), measurement (a number within limits, in a unit), pass_fail, text.';
COMMENT ON COLUMN app.checklist_template_items.lower_limit IS E'Lower limit\nOf a measurement; empty: none.';
COMMENT ON COLUMN app.checklist_template_items.upper_limit IS E'Upper limit\nOf a measurement; empty: none.';
COMMENT ON COLUMN app.checklist_template_items.unit IS E'Unit\nOf a measurement: a code of GET /units.';

ALTER TABLE app.checklist_items
  ADD COLUMN kind text NOT NULL DEFAULT 'check'
    CONSTRAINT checklist_items_kind_known CHECK (kind IN ('check', 'measurement', 'pass_fail', 'text')),
  ADD COLUMN lower_limit numeric,
  ADD COLUMN upper_limit numeric,
  ADD COLUMN unit text REFERENCES app.units (code) ON UPDATE CASCADE,
  ADD COLUMN measured_value numeric,
  ADD COLUMN passed boolean,
  ADD COLUMN text_value text CONSTRAINT checklist_items_text_value_length CHECK (length(text_value) <= 2000),
  ADD COLUMN out_of_limits boolean GENERATED ALWAYS AS (
    kind = 'measurement' AND measured_value IS NOT NULL
    AND (measured_value < lower_limit OR measured_value > upper_limit)) STORED,
  ADD CONSTRAINT checklist_items_answer_typed CHECK (
        (kind = 'measurement' OR measured_value IS NULL)
    AND (kind = 'pass_fail' OR passed IS NULL)
    AND (kind = 'text' OR text_value IS NULL));
CREATE INDEX checklist_items_unit_idx ON app.checklist_items (unit);
COMMENT ON COLUMN app.checklist_items.kind IS E'Kind\nCopied from the template: check, measurement, pass_fail or text.';
COMMENT ON COLUMN app.checklist_items.lower_limit IS E'Lower limit\nOf a measurement, copied from the template.';
COMMENT ON COLUMN app.checklist_items.upper_limit IS E'Upper limit\nOf a measurement, copied from the template.';
COMMENT ON COLUMN app.checklist_items.unit IS E'Unit\nOf a measurement, copied from the template.';
COMMENT ON COLUMN app.checklist_items.measured_value IS E'Measured value\nThe answer of a measurement.';
COMMENT ON COLUMN app.checklist_items.passed IS E'Passed\nThe answer of a pass/fail item.';
COMMENT ON COLUMN app.checklist_items.text_value IS E'Text\nThe answer of a text item.';
COMMENT ON COLUMN app.checklist_items.out_of_limits IS E'Out of limits\nA measurement below its lower or above its upper limit (computed).';

-- A corrective work order raised from a checklist item (an out-of-limit
-- measurement's follow-up, app.raise_checklist_follow_up).
ALTER TABLE app.work_orders ADD COLUMN follow_up_of_item_id uuid;
ALTER TABLE app.work_orders ADD CONSTRAINT work_orders_follow_up_of_item_fkey
  FOREIGN KEY (organization_id, follow_up_of_item_id) REFERENCES app.checklist_items (organization_id, id);
CREATE INDEX work_orders_follow_up_of_item_idx ON app.work_orders (organization_id, follow_up_of_item_id);
COMMENT ON COLUMN app.work_orders.follow_up_of_item_id IS
  E'Follow-up of\nThe checklist item (an out-of-limit measurement of another work order) this corrective work order follows up.';

-- The e-signatures of a work order's completion (meaning performed) and
-- verification (meaning verified): app_private.sign_payload's record, kept
-- with the transition it signed. Append-only.
CREATE TABLE app.work_order_signatures (
  organization_id uuid NOT NULL REFERENCES app.organizations (id) ON DELETE CASCADE,
  id uuid NOT NULL,
  work_order_id uuid NOT NULL,
  to_status text NOT NULL CONSTRAINT work_order_signatures_to_status_known CHECK (to_status IN ('completed', 'verified')),
  meaning text NOT NULL CONSTRAINT work_order_signatures_meaning_known CHECK (meaning IN ('performed', 'verified')),
  reason text NOT NULL CONSTRAINT work_order_signatures_reason_length CHECK (length(btrim(reason)) BETWEEN 1 AND 2000),
  payload jsonb NOT NULL,
  payload_sha256 text NOT NULL CONSTRAINT work_order_signatures_sha256_format CHECK (payload_sha256 ~ '^[0-9a-f]{64}$'),
  signed_by uuid REFERENCES app.users (id) ON DELETE SET NULL,
  signed_at timestamptz NOT NULL DEFAULT now(),
  transaction_id bigint NOT NULL DEFAULT (pg_current_xact_id()::text::bigint),
  site_id uuid,
  PRIMARY KEY (organization_id, id),
  FOREIGN KEY (organization_id, work_order_id) REFERENCES app.work_orders (organization_id, id) ON DELETE CASCADE,
  FOREIGN KEY (organization_id, site_id) REFERENCES app.sites (organization_id, id)
);
CREATE INDEX work_order_signatures_work_order_idx ON app.work_order_signatures (organization_id, work_order_id);
CREATE INDEX work_order_signatures_signed_by_idx ON app.work_order_signatures (signed_by);
CREATE INDEX work_order_signatures_site_idx ON app.work_order_signatures (organization_id, site_id);
COMMENT ON TABLE app.work_order_signatures IS
  E'Work order signatures\nThe technician''s e-signature completing a work order (meaning performed) and the supervisor''s verifying it (meaning verified), from app.complete_work_order and app.verify_work_order. Append-only; read by whoever may read the work order.';
COMMENT ON COLUMN app.work_order_signatures.organization_id IS 'Tenant.';
COMMENT ON COLUMN app.work_order_signatures.id IS 'Signature id.';
COMMENT ON COLUMN app.work_order_signatures.work_order_id IS E'Work order';
COMMENT ON COLUMN app.work_order_signatures.to_status IS E'Transition\nThe state the signed move went to: completed or verified.';
COMMENT ON COLUMN app.work_order_signatures.meaning IS E'Meaning\nperformed (the technician) or verified (the supervisor).';
COMMENT ON COLUMN app.work_order_signatures.reason IS E'Reason\nWhat the signer wrote.';
COMMENT ON COLUMN app.work_order_signatures.payload IS
  E'Signed payload\nThe work order (id, number, from and to state, checklist answers) plus signer, time, meaning and reason.';
COMMENT ON COLUMN app.work_order_signatures.payload_sha256 IS E'Payload hash\nsha256 of the payload text, hex.';
COMMENT ON COLUMN app.work_order_signatures.signed_by IS E'Signed by';
COMMENT ON COLUMN app.work_order_signatures.signed_at IS E'Signed at';
COMMENT ON COLUMN app.work_order_signatures.transaction_id IS
  E'Transaction\nThe transaction that signed; the work order''s move to completed or verified needs a signature of its own transaction.';
COMMENT ON COLUMN app.work_order_signatures.site_id IS E'Plant\nThe work order''s site.';

COMMIT;
