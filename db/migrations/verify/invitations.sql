-- Verify pulse:invitations on pg

BEGIN;

SELECT organization_id, id, membership_id, token_hash, role_keys, site_id, invited_by, created_at, expires_at, accepted_at
  FROM app_private.invitations WHERE false;
SELECT id, recipient, subject, body, payload, created_at, sent_at FROM app_private.outbox WHERE false;
SELECT email, client, failed_count, last_failed_at, locked_until FROM app_private.sign_in_throttle WHERE false;
SELECT 1 / count(*) FROM pg_catalog.pg_indexes
 WHERE schemaname = 'app_private' AND indexname = 'sign_in_failures_first_failed_idx';
-- Nothing of it is reachable by an API role.
SELECT 1 / (NOT has_table_privilege(r, t, 'SELECT, INSERT, UPDATE, DELETE'))::int
  FROM unnest(ARRAY['anon', 'app_user', 'app_admin']) AS r,
       unnest(ARRAY['app_private.invitations', 'app_private.outbox', 'app_private.sign_in_throttle']) AS t;

ROLLBACK;
