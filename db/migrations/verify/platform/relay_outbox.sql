-- Verify pulse:platform/relay_outbox on pg

BEGIN;

SELECT organization_id, id, kind, name, payload, queued_at, run_at, job_key, max_attempts, queue_name
  FROM app_private.relay_outbox WHERE false;
SELECT 1 / (NOT has_table_privilege('app_user', 'app_private.relay_outbox', 'SELECT'))::int;

ROLLBACK;
