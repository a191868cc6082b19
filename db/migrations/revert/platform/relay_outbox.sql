-- Revert pulse:platform/relay_outbox from pg

BEGIN;

DROP TABLE app_private.relay_outbox CASCADE;

COMMIT;
