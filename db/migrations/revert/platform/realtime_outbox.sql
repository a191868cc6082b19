-- Revert pulse:platform/realtime_outbox from pg

BEGIN;

DROP TABLE app_private.realtime_outbox;

COMMIT;
