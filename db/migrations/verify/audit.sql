-- Verify pulse:audit on pg

BEGIN;

SELECT id, organization_id, occurred_at, actor_user_id, actor_role, entity_type, entity_id, action,
       old_values, new_values, request_id, client_address
  FROM audit.activity_log WHERE false;

SELECT 1 / (NOT pg_catalog.has_table_privilege('app_user', 'audit.activity_log', 'UPDATE'))::int;
SELECT 1 / (NOT pg_catalog.has_table_privilege('app_user', 'audit.activity_log', 'DELETE'))::int;

ROLLBACK;
