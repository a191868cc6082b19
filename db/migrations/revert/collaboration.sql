-- Revert pulse:collaboration from pg

BEGIN;

DROP TABLE app.notifications, app.messages CASCADE;
DROP TYPE app.notification_type CASCADE;

COMMIT;
