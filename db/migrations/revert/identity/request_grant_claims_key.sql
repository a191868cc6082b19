-- Revert pulse:identity/request_grant_claims_key from pg

BEGIN;

ALTER TABLE app_private.request_grants DROP COLUMN claims_key;

COMMIT;
