-- Deploy pulse:identity/request_grants to pg
-- requires: identity

BEGIN;

-- Who may act now, kept by triggers on the tables that decide it
-- (db/functions/30_identity/13_refresh_request_grants.sql, triggers in 14-17), so that
-- auth.check_request() proves an ordinary token allowed with one index
-- probe of one relation instead of reading users, sessions, memberships
-- and organizations on every request. A row is never more than the source
-- tables allow: a revocation deletes the rows it ends in its own
-- transaction, and every refresh first writes its user's (and tenant's) row
-- of request_grant_locks, so concurrent changes serialize (see there).
CREATE TABLE app_private.request_grants (
  user_id uuid NOT NULL REFERENCES app.users (id) ON DELETE CASCADE,
  organization_id uuid REFERENCES app.organizations (id) ON DELETE CASCADE,
  session_id uuid REFERENCES app.sessions (id) ON DELETE CASCADE,
  is_platform_operator boolean NOT NULL,
  CONSTRAINT request_grants_key UNIQUE NULLS NOT DISTINCT (user_id, organization_id, session_id)
);

CREATE INDEX request_grants_organization_idx ON app_private.request_grants (organization_id) WHERE organization_id IS NOT NULL;
CREATE INDEX request_grants_session_idx ON app_private.request_grants (session_id) WHERE session_id IS NOT NULL;

COMMENT ON TABLE app_private.request_grants IS
  'Who may act now, one row per user, tenant (or none) and open session (or none) that auth.check_request() admits: the user is active or invited, the session is open (NULL: a token without session_id), and the user is an active member of that active, not deleted tenant (NULL: a token without org_id; platform operators act in any tenant through their NULL row). Kept by triggers on users, sessions, memberships and organizations (app_private.refresh_request_grants); equals app_private.request_grants_due(). A miss is not a refusal: the check then reads the source tables for the precise error.';
COMMENT ON COLUMN app_private.request_grants.user_id IS 'The user (token sub).';
COMMENT ON COLUMN app_private.request_grants.organization_id IS 'A tenant the user is an active member of (token org_id); NULL: a token naming no tenant.';
COMMENT ON COLUMN app_private.request_grants.session_id IS 'An open session of the user (token session_id); NULL: a token without a session (pulse jwt mint, auth.act_as).';
COMMENT ON COLUMN app_private.request_grants.is_platform_operator IS 'The user is a platform operator: may take the app_admin role and act in any tenant.';

CREATE TABLE app_private.request_grant_locks (
  user_id uuid REFERENCES app.users (id) ON DELETE CASCADE,
  organization_id uuid REFERENCES app.organizations (id) ON DELETE CASCADE,
  refreshed_at timestamptz NOT NULL DEFAULT clock_timestamp(),
  CONSTRAINT request_grant_locks_one_subject CHECK (num_nonnulls(user_id, organization_id) = 1),
  CONSTRAINT request_grant_locks_key UNIQUE NULLS NOT DISTINCT (user_id, organization_id)
);

CREATE INDEX request_grant_locks_organization_idx ON app_private.request_grant_locks (organization_id)
  WHERE organization_id IS NOT NULL;

COMMENT ON TABLE app_private.request_grant_locks IS
  'Where refreshes of app_private.request_grants serialize: every refresh writes the row of its user, and of its tenant when a membership or the tenant changed, before it reads the source tables. Two refreshes of one user or tenant therefore conflict on a written row: under READ COMMITTED the second waits and then reads what the first committed; under REPEATABLE READ it fails with a serialization error (40001) instead of writing from a stale snapshot. A lock alone would not do: a row only locked by a committed transaction lets a REPEATABLE READ writer through.';
COMMENT ON COLUMN app_private.request_grant_locks.user_id IS 'The user whose grants were refreshed (NULL on a tenant''s row).';
COMMENT ON COLUMN app_private.request_grant_locks.organization_id IS 'The tenant whose members'' grants were refreshed (NULL on a user''s row).';
COMMENT ON COLUMN app_private.request_grant_locks.refreshed_at IS 'When a refresh last wrote the row.';

-- What the triggers would have written, for the data there is.
INSERT INTO app_private.request_grants (user_id, organization_id, session_id, is_platform_operator)
SELECT u.id, o.organization_id, s.session_id, u.is_platform_operator
  FROM app.users AS u
 CROSS JOIN LATERAL (
   SELECT NULL::uuid AS organization_id
   UNION ALL
   SELECT m.organization_id
     FROM app.memberships AS m
     JOIN app.organizations AS org ON org.id = m.organization_id
    WHERE m.user_id = u.id AND m.status = 'active' AND org.is_active AND org.deleted_at IS NULL
 ) AS o
 CROSS JOIN LATERAL (
   SELECT NULL::uuid AS session_id
   UNION ALL
   SELECT s.id FROM app.sessions AS s WHERE s.user_id = u.id AND s.revoked_at IS NULL
 ) AS s
 WHERE u.status IN ('active', 'invited');

COMMIT;
