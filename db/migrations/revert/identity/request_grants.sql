-- Revert pulse:identity/request_grants from pg

BEGIN;

DROP TABLE app_private.request_grant_locks CASCADE;
DROP TABLE app_private.request_grants CASCADE;

COMMIT;
