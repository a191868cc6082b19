-- Deploy pulse:identity/request_grant_claims_key to pg
-- requires: identity/request_grants

BEGIN;

-- The row a token's claims name, written the way the claims carry it
-- (sub/org_id/session_id as text, an absent part empty), so that
-- auth.check_request() finds it by comparing text: no pattern match and no
-- uuid cast per request. A uuid's text has no '/', so the key has exactly
-- two and names one (user, tenant, session).
ALTER TABLE app_private.request_grants
  ADD COLUMN claims_key text NOT NULL GENERATED ALWAYS AS (
    user_id::text || '/' || coalesce(organization_id::text, '') || '/' || coalesce(session_id::text, '')
  ) STORED;

CREATE UNIQUE INDEX request_grants_claims_key_idx ON app_private.request_grants (claims_key);

COMMENT ON COLUMN app_private.request_grants.claims_key IS
  'user_id/organization_id/session_id as the token''s claims carry them (sub/org_id/session_id), an absent one empty: what auth.check_request() looks up.';

COMMIT;
