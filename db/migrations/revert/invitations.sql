-- Revert pulse:invitations from pg

BEGIN;

DROP INDEX app_private.sign_in_failures_first_failed_idx;
DROP TABLE app_private.sign_in_throttle, app_private.outbox, app_private.invitations;

COMMIT;
