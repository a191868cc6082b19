-- Deploy pulse:invitations to pg
-- requires: collaboration

BEGIN;

CREATE TABLE app_private.invitations (
  organization_id uuid NOT NULL,
  id uuid NOT NULL DEFAULT public.uuid_generate_v7(),
  membership_id uuid NOT NULL,
  token_hash bytea NOT NULL,
  role_keys text[] NOT NULL DEFAULT '{}',
  site_id uuid,
  invited_by uuid REFERENCES app.users (id) ON DELETE SET NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz NOT NULL,
  accepted_at timestamptz,
  PRIMARY KEY (organization_id, id),
  FOREIGN KEY (organization_id, membership_id) REFERENCES app.memberships (organization_id, id) ON DELETE CASCADE,
  FOREIGN KEY (organization_id, site_id) REFERENCES app.sites (organization_id, id) ON DELETE CASCADE
);

CREATE INDEX invitations_membership_idx ON app_private.invitations (organization_id, membership_id);
-- Looked up by the token's hash alone (the invitee names no tenant); 256 random bits do not collide.
CREATE INDEX invitations_token_hash_idx ON app_private.invitations (token_hash);

COMMENT ON TABLE app_private.invitations IS
  'Invitations to join a tenant: only the sha256 of the single-use token is kept; accepting sets accepted_at.';
COMMENT ON COLUMN app_private.invitations.role_keys IS 'Roles granted when the invitation is accepted (checked against the inviter''s rights when invited).';
COMMENT ON COLUMN app_private.invitations.expires_at IS 'After this the token accepts nothing.';

CREATE TABLE app_private.outbox (
  id uuid PRIMARY KEY DEFAULT public.uuid_generate_v7(),
  recipient citext NOT NULL,
  subject text NOT NULL,
  body text NOT NULL,
  payload jsonb NOT NULL DEFAULT '{}',
  created_at timestamptz NOT NULL DEFAULT now(),
  sent_at timestamptz
);

CREATE INDEX outbox_pending_idx ON app_private.outbox (created_at) WHERE sent_at IS NULL;

COMMENT ON TABLE app_private.outbox IS
  'Messages to send (invitations, ...), written in the transaction that decides to send them; a mailer (or `pulse outbox` locally) delivers them and sets sent_at.';

CREATE TABLE app_private.sign_in_throttle (
  email citext NOT NULL,
  client text NOT NULL,
  failed_count integer NOT NULL DEFAULT 0,
  last_failed_at timestamptz NOT NULL DEFAULT now(),
  locked_until timestamptz,
  PRIMARY KEY (email, client)
);

CREATE INDEX sign_in_throttle_last_failed_idx ON app_private.sign_in_throttle (last_failed_at);

COMMENT ON TABLE app_private.sign_in_throttle IS
  'Failed sign-ins per email and client address (IPv6 by /64): each pair backs off on its own, so a stranger cannot lock the owner out from elsewhere.';

CREATE INDEX sign_in_failures_first_failed_idx ON app_private.sign_in_failures (first_failed_at);

COMMIT;
