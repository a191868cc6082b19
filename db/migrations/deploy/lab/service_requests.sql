-- Deploy pulse:lab/service_requests to pg
-- requires: lab/core

BEGIN;

-- What the service-request workflow records beyond lab/core: who accepted
-- or cancelled a request and why, and the two ends of its turnaround
-- (receipt of the first sample, release of the last).

ALTER TABLE app.service_requests
  ADD COLUMN submitted_at timestamptz,
  ADD COLUMN accepted_by uuid REFERENCES app.users (id) ON DELETE SET NULL,
  ADD COLUMN accepted_at timestamptz,
  ADD COLUMN cancelled_by uuid REFERENCES app.users (id) ON DELETE SET NULL,
  ADD COLUMN cancelled_at timestamptz,
  ADD COLUMN cancel_reason text CONSTRAINT service_requests_cancel_reason_length CHECK (length(btrim(cancel_reason)) BETWEEN 1 AND 2000),
  ADD COLUMN received_at timestamptz,
  ADD COLUMN released_at timestamptz,
  ADD CONSTRAINT service_requests_cancelled_has_reason CHECK (status <> 'cancelled' OR cancel_reason IS NOT NULL),
  ADD CONSTRAINT service_requests_released_after_received CHECK (released_at IS NULL OR received_at IS NULL OR released_at >= received_at);
CREATE INDEX service_requests_accepted_by_idx ON app.service_requests (accepted_by);
CREATE INDEX service_requests_cancelled_by_idx ON app.service_requests (cancelled_by);
CREATE INDEX service_requests_released_idx ON app.service_requests (organization_id, released_at) WHERE status = 'completed';
COMMENT ON COLUMN app.service_requests.submitted_at IS E'Submitted at\nWhen the customer (or staff) submitted it.';
COMMENT ON COLUMN app.service_requests.accepted_by IS E'Accepted by\nThe lab member who accepted it.';
COMMENT ON COLUMN app.service_requests.accepted_at IS E'Accepted at';
COMMENT ON COLUMN app.service_requests.cancelled_by IS E'Cancelled by';
COMMENT ON COLUMN app.service_requests.cancelled_at IS E'Cancelled at';
COMMENT ON COLUMN app.service_requests.cancel_reason IS E'Cancellation reason\nRequired when cancelled.';
COMMENT ON COLUMN app.service_requests.received_at IS E'Received at\nWhen its first sample was received: the turnaround starts here.';
COMMENT ON COLUMN app.service_requests.released_at IS E'Released at\nWhen its last sample was released or rejected (the request completed): the turnaround ends here.';

COMMIT;
