-- Revert pulse:platform/email_notifications from pg

BEGIN;

-- CASCADE: the repeatables hang functions and triggers off these.
DROP TABLE app_private.email_settings;
DROP TABLE app.email_deliveries CASCADE;
DROP TYPE app.email_delivery_status CASCADE;
DROP TABLE app.notification_preferences CASCADE;
DROP TYPE app.notification_channel CASCADE;

COMMIT;
