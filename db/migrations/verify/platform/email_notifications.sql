-- Verify pulse:platform/email_notifications on pg

BEGIN;

SELECT organization_id, user_id, kind, channel, updated_at FROM app.notification_preferences WHERE false;
SELECT organization_id, id, user_id, notification_id, kind, recipient, subject, body, action_url, status, attempts, last_attempt_at,
       sent_at, message_id, server_response, error_code, created_at
  FROM app.email_deliveries WHERE false;
SELECT singleton, smtp_host, smtp_port, smtp_security, smtp_username, smtp_password, from_address, unsubscribe_url,
       app_url, unsubscribe_key, updated_at
  FROM app_private.email_settings WHERE false;
SELECT 1 / (NOT has_table_privilege('app_user', 'app_private.email_settings', 'SELECT'))::int;

ROLLBACK;
