-- Verify pulse:platform/webhooks on pg

BEGIN;

SELECT organization_id, id, url, description, event_types, is_active, max_attempts, created_by, created_at, updated_at
  FROM app.webhook_endpoints WHERE false;
SELECT organization_id, endpoint_id, secret, created_at FROM app_private.webhook_secrets WHERE false;
SELECT organization_id, id, endpoint_id, event_id, event_type, status, attempt_count, round_attempts, next_attempt_at,
       last_attempt_at, last_response_code, last_error, delivered_at, replay_count, created_at, updated_at
  FROM app.webhook_deliveries WHERE false;
SELECT organization_id, id, delivery_id, attempt_number, outcome, response_code, duration_ms, error, response_excerpt,
       attempted_at FROM app.webhook_attempts WHERE false;
SELECT 1 / count(*)::int FROM app_private.webhook_settings;

-- Secrets and settings are internal: no API role reads them.
SELECT 1 / (NOT has_table_privilege('app_user', 'app_private.webhook_secrets', 'SELECT'))::int;
SELECT 1 / (NOT has_table_privilege('app_admin', 'app_private.webhook_secrets', 'SELECT'))::int;
SELECT 1 / (NOT has_table_privilege('app_user', 'app_private.webhook_settings', 'SELECT'))::int;

ROLLBACK;
