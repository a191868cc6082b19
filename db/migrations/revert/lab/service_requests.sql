-- Revert pulse:lab/service_requests from pg

BEGIN;

DROP FUNCTION IF EXISTS app.submit_service_request(text, text[], uuid, uuid, uuid, text) CASCADE;
DROP FUNCTION IF EXISTS app.accept_service_request(uuid) CASCADE;
DROP FUNCTION IF EXISTS app.cancel_service_request(uuid, text) CASCADE;
DROP FUNCTION IF EXISTS app_private.tg_samples__track_service_request() CASCADE;
DROP FUNCTION IF EXISTS app_private.refresh_service_request(uuid, uuid) CASCADE;
DROP FUNCTION IF EXISTS app_private.tg_service_requests__check_tests() CASCADE;
ALTER TABLE app.service_requests
  DROP CONSTRAINT service_requests_released_after_received,
  DROP CONSTRAINT service_requests_cancelled_has_reason,
  DROP COLUMN released_at, DROP COLUMN received_at, DROP COLUMN cancel_reason, DROP COLUMN cancelled_at,
  DROP COLUMN cancelled_by, DROP COLUMN accepted_at, DROP COLUMN accepted_by, DROP COLUMN submitted_at CASCADE;

COMMIT;
