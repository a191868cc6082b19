-- Revert pulse:platform/webhooks from pg

BEGIN;

DROP TABLE app_private.webhook_settings;
DROP TABLE app.webhook_attempts CASCADE;
DROP TABLE app.webhook_deliveries CASCADE;
DROP TABLE app_private.webhook_secrets CASCADE;
DROP TABLE app.webhook_endpoints CASCADE;

COMMIT;
