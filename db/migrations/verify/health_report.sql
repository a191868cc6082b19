-- Verify pulse:health_report on pg

BEGIN;

SELECT database_ok, server_version, deployed_changes, last_change, last_deployed_at, checked_at
  FROM (SELECT NULL::app.health_report AS r) AS t, LATERAL (SELECT (t.r).*) AS fields
 WHERE false;

ROLLBACK;
