-- Deploy pulse:identity to pg
-- requires: partners

BEGIN;

CREATE TYPE app.user_status AS ENUM ('invited', 'active', 'suspended', 'disabled');
COMMENT ON TYPE app.user_status IS 'invited: has not signed in yet; active; suspended: refused until reinstated; disabled: gone for good.';

CREATE TYPE app.membership_status AS ENUM ('invited', 'active', 'revoked');
COMMENT ON TYPE app.membership_status IS 'Only an active membership lets a user act in the tenant.';

CREATE TABLE app.users (
  id uuid PRIMARY KEY DEFAULT public.uuid_generate_v7(),
  email citext NOT NULL UNIQUE
    CONSTRAINT users_email_format CHECK (email ~ '^[^@\s]+@[^@\s]+\.[^@\s]+$' AND length(email) <= 320),
  display_name text NOT NULL CONSTRAINT users_display_name_length CHECK (length(btrim(display_name)) BETWEEN 1 AND 200),
  status app.user_status NOT NULL DEFAULT 'active',
  direct_manager_id uuid REFERENCES app.users (id) ON DELETE SET NULL
    CONSTRAINT users_not_own_manager CHECK (direct_manager_id <> id),
  preferences jsonb NOT NULL DEFAULT '{}'
    CONSTRAINT users_preferences_object CHECK (jsonb_typeof(preferences) = 'object' AND octet_length(preferences::text) <= 65536),
  is_platform_operator boolean NOT NULL DEFAULT false,
  last_sign_in_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX users_direct_manager_idx ON app.users (direct_manager_id);

COMMENT ON TABLE app.users IS 'People who sign in. Global: a user joins tenants through memberships.';
COMMENT ON COLUMN app.users.id IS 'User id; the sub claim of a token names one.';
COMMENT ON COLUMN app.users.email IS 'Sign-in email, unique regardless of case.';
COMMENT ON COLUMN app.users.display_name IS 'Name shown to other people.';
COMMENT ON COLUMN app.users.status IS 'invited, active, suspended or disabled; only active users are served.';
COMMENT ON COLUMN app.users.direct_manager_id IS 'The user''s manager: approvals escalate along this chain.';
COMMENT ON COLUMN app.users.preferences IS 'The user''s own settings (language, notifications, ...), a JSON object.';
COMMENT ON COLUMN app.users.is_platform_operator IS 'Platform operators sign in with the app_admin role and manage tenants.';
COMMENT ON COLUMN app.users.last_sign_in_at IS 'When the user last signed in with a password.';
COMMENT ON COLUMN app.users.created_at IS 'When the user was created.';
COMMENT ON COLUMN app.users.updated_at IS 'When the user was last changed.';

CREATE TABLE app.memberships (
  organization_id uuid NOT NULL DEFAULT auth.jwt_org_id() REFERENCES app.organizations (id) ON DELETE CASCADE,
  id uuid NOT NULL DEFAULT public.uuid_generate_v7(),
  user_id uuid NOT NULL REFERENCES app.users (id) ON DELETE CASCADE,
  status app.membership_status NOT NULL DEFAULT 'active',
  partner_id uuid,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (organization_id, id),
  CONSTRAINT memberships_one_per_user UNIQUE (organization_id, user_id),
  FOREIGN KEY (organization_id, partner_id) REFERENCES app.partners (organization_id, id) ON DELETE RESTRICT
);

CREATE INDEX memberships_user_idx ON app.memberships (user_id, organization_id);
CREATE INDEX memberships_partner_idx ON app.memberships (organization_id, partner_id) WHERE partner_id IS NOT NULL;

COMMENT ON TABLE app.memberships IS 'A user''s membership of one tenant. Revoking it refuses the user''s next request in that tenant.';
COMMENT ON COLUMN app.memberships.organization_id IS 'The tenant.';
COMMENT ON COLUMN app.memberships.id IS 'Membership id.';
COMMENT ON COLUMN app.memberships.user_id IS 'The member.';
COMMENT ON COLUMN app.memberships.status IS 'invited, active or revoked.';
COMMENT ON COLUMN app.memberships.partner_id IS 'Set for customer or supplier portal users: they see only this partner''s records.';
COMMENT ON COLUMN app.memberships.created_at IS 'When the membership was created.';
COMMENT ON COLUMN app.memberships.updated_at IS 'When the membership was last changed.';

CREATE TABLE app_private.credentials (
  user_id uuid PRIMARY KEY REFERENCES app.users (id) ON DELETE CASCADE,
  password_hash text NOT NULL,
  password_changed_at timestamptz NOT NULL DEFAULT now()
);

COMMENT ON TABLE app_private.credentials IS 'bcrypt password hashes; read only by the sign-in functions.';

CREATE TABLE app_private.sign_in_failures (
  email citext PRIMARY KEY,
  failed_count integer NOT NULL DEFAULT 0,
  first_failed_at timestamptz NOT NULL DEFAULT now(),
  locked_until timestamptz
);

COMMENT ON TABLE app_private.sign_in_failures IS
  'Failed sign-ins per email, known or not, so that lockout reveals nothing about which emails exist.';

CREATE TABLE app.sessions (
  id uuid PRIMARY KEY DEFAULT public.uuid_generate_v7(),
  user_id uuid NOT NULL REFERENCES app.users (id) ON DELETE CASCADE,
  organization_id uuid REFERENCES app.organizations (id) ON DELETE SET NULL,
  refresh_token_hash bytea NOT NULL,
  previous_refresh_token_hash bytea,
  ip_address inet,
  user_agent text CONSTRAINT sessions_user_agent_length CHECK (length(user_agent) <= 1000),
  created_at timestamptz NOT NULL DEFAULT now(),
  last_used_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz NOT NULL,
  revoked_at timestamptz
);

-- An index, not a constraint: the APIs offer lookups by unique constraints,
-- and nobody looks a session up by its token hash but app.refresh.
CREATE UNIQUE INDEX sessions_refresh_token_hash_idx ON app.sessions (refresh_token_hash);
CREATE INDEX sessions_user_idx ON app.sessions (user_id, created_at DESC);
CREATE INDEX sessions_organization_idx ON app.sessions (organization_id) WHERE organization_id IS NOT NULL;
CREATE INDEX sessions_previous_refresh_token_idx ON app.sessions (previous_refresh_token_hash)
  WHERE previous_refresh_token_hash IS NOT NULL;

COMMENT ON TABLE app.sessions IS 'Sign-in sessions: one per login, renewed by app.refresh, ended by app.logout. Users see their own.';
COMMENT ON COLUMN app.sessions.id IS 'Session id.';
COMMENT ON COLUMN app.sessions.user_id IS 'Who signed in.';
COMMENT ON COLUMN app.sessions.organization_id IS 'The tenant the session currently acts in.';
COMMENT ON COLUMN app.sessions.refresh_token_hash IS 'sha256 of the refresh token; the token itself is never stored.';
COMMENT ON COLUMN app.sessions.previous_refresh_token_hash IS
  'sha256 of the refresh token this one replaced: presenting it again means it was stolen, and ends the session.';
COMMENT ON COLUMN app.sessions.ip_address IS 'Client address at sign-in (X-Forwarded-For when behind a proxy).';
COMMENT ON COLUMN app.sessions.user_agent IS 'Client User-Agent at sign-in.';
COMMENT ON COLUMN app.sessions.created_at IS 'When the user signed in.';
COMMENT ON COLUMN app.sessions.last_used_at IS 'When the refresh token was last used.';
COMMENT ON COLUMN app.sessions.expires_at IS 'When the refresh token stops working.';
COMMENT ON COLUMN app.sessions.revoked_at IS 'When the session was ended (logout, suspension, or reuse of an old refresh token).';

CREATE TABLE app_private.token_settings (
  singleton boolean PRIMARY KEY DEFAULT true CONSTRAINT token_settings_singleton CHECK (singleton),
  jwt_secret text NOT NULL CONSTRAINT token_settings_secret_length CHECK (length(jwt_secret) >= 32),
  access_token_ttl interval NOT NULL DEFAULT '1 hour',
  refresh_token_ttl interval NOT NULL DEFAULT '30 days'
);

COMMENT ON TABLE app_private.token_settings IS
  'The JWT secret PostgREST and PostGraphile verify with (written by `pulse db migrate`) and token lifetimes. Only the signing function reads it.';

CREATE TYPE app.session_tokens AS (
  access_token text,
  token_type text,
  expires_at timestamptz,
  refresh_token text,
  user_id uuid,
  organization_id uuid,
  role text
);

COMMENT ON TYPE app.session_tokens IS 'What app.login, app.refresh and app.switch_organization return.';
COMMENT ON COLUMN app.session_tokens.access_token IS 'JWT for the Authorization: Bearer header of both APIs.';
COMMENT ON COLUMN app.session_tokens.token_type IS 'Always "bearer".';
COMMENT ON COLUMN app.session_tokens.expires_at IS 'When the access token expires.';
COMMENT ON COLUMN app.session_tokens.refresh_token IS 'Single-use token for app.refresh; each refresh returns a new one.';
COMMENT ON COLUMN app.session_tokens.user_id IS 'The signed-in user.';
COMMENT ON COLUMN app.session_tokens.organization_id IS 'The tenant the access token acts in.';
COMMENT ON COLUMN app.session_tokens.role IS 'Database role of the token: app_user, or app_admin for platform operators.';

COMMIT;
