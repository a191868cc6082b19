-- Verify pulse:identity/request_grants on pg

BEGIN;

SELECT user_id, organization_id, session_id, is_platform_operator FROM app_private.request_grants WHERE false;
SELECT user_id, organization_id, refreshed_at FROM app_private.request_grant_locks WHERE false;
SELECT 1 / (NOT has_table_privilege('app_user', 'app_private.request_grants', 'SELECT'))::int;
SELECT 1 / (NOT has_table_privilege('app_user', 'app_private.request_grant_locks', 'SELECT'))::int;

ROLLBACK;
