-- Verify pulse:platform/realtime_outbox on pg

BEGIN;

SELECT organization_id, id, topic, payload, queued_at FROM app_private.realtime_outbox WHERE false;
SELECT 1 / (NOT has_table_privilege('app_user', 'app_private.realtime_outbox', 'SELECT'))::int;

ROLLBACK;
