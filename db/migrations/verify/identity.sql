-- Verify pulse:identity on pg

BEGIN;

SELECT id, email, display_name, status, direct_manager_id, preferences, is_platform_operator, last_sign_in_at,
       created_at, updated_at
  FROM app.users WHERE false;
SELECT organization_id, id, user_id, status, partner_id, created_at, updated_at FROM app.memberships WHERE false;
SELECT user_id, password_hash, password_changed_at FROM app_private.credentials WHERE false;
SELECT email, failed_count, first_failed_at, locked_until FROM app_private.sign_in_failures WHERE false;
SELECT id, user_id, organization_id, refresh_token_hash, previous_refresh_token_hash, ip_address, user_agent, created_at, last_used_at,
       expires_at, revoked_at
  FROM app.sessions WHERE false;
SELECT jwt_secret, access_token_ttl, refresh_token_ttl FROM app_private.token_settings WHERE false;
SELECT (NULL::app.session_tokens).access_token;

-- The secret and password hashes are out of reach of every API role.
SELECT 1 / (NOT pg_catalog.has_table_privilege('app_user', 'app_private.token_settings', 'SELECT'))::int;
SELECT 1 / (NOT pg_catalog.has_table_privilege('anon', 'app_private.credentials', 'SELECT'))::int;

ROLLBACK;
