-- Verify pulse:identity/request_grant_claims_key on pg

BEGIN;

SELECT claims_key FROM app_private.request_grants WHERE false;
SELECT 1 / count(*)::int FROM pg_catalog.pg_indexes
 WHERE schemaname = 'app_private' AND indexname = 'request_grants_claims_key_idx';

ROLLBACK;
