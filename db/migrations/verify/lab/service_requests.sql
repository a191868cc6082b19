-- Verify pulse:lab/service_requests on pg

BEGIN;

SELECT submitted_at, accepted_by, accepted_at, cancelled_by, cancelled_at, cancel_reason, received_at, released_at
  FROM app.service_requests WHERE false;
SELECT 1 / (NOT has_column_privilege('app_user', 'app.service_requests', 'released_at', 'UPDATE'))::int;

ROLLBACK;
