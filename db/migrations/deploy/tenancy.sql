-- Deploy pulse:tenancy to pg
-- requires: uuid_v7

BEGIN;

CREATE TABLE app.organizations (
  id uuid PRIMARY KEY DEFAULT public.uuid_generate_v7(),
  slug text NOT NULL UNIQUE
    CONSTRAINT organizations_slug_format CHECK (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$' AND length(slug) <= 63),
  name text NOT NULL CONSTRAINT organizations_name_length CHECK (length(btrim(name)) BETWEEN 1 AND 200),
  is_active boolean NOT NULL DEFAULT true,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);

COMMENT ON TABLE app.organizations IS 'Tenants: every tenant-owned row carries the id of one organization.';
COMMENT ON COLUMN app.organizations.id IS 'Organization id; the org_id claim of a token names one.';
COMMENT ON COLUMN app.organizations.slug IS 'Unique, URL-safe short name: lower-case letters, digits and single hyphens.';
COMMENT ON COLUMN app.organizations.name IS 'Display name.';
COMMENT ON COLUMN app.organizations.is_active IS 'False once the tenant is deactivated.';
COMMENT ON COLUMN app.organizations.created_at IS 'When the organization was created.';
COMMENT ON COLUMN app.organizations.updated_at IS 'When the organization was last changed.';

CREATE TABLE app.users (
  id uuid PRIMARY KEY DEFAULT public.uuid_generate_v7(),
  email citext NOT NULL UNIQUE CONSTRAINT users_email_format CHECK (email ~ '^[^@\s]+@[^@\s]+\.[^@\s]+$'),
  display_name text NOT NULL CONSTRAINT users_display_name_length CHECK (length(btrim(display_name)) BETWEEN 1 AND 200),
  is_platform_operator boolean NOT NULL DEFAULT false,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);

COMMENT ON TABLE app.users IS 'People who sign in; global, joined to tenants through memberships.';
COMMENT ON COLUMN app.users.id IS 'User id; the sub claim of a token names one.';
COMMENT ON COLUMN app.users.email IS 'Sign-in email, unique regardless of case.';
COMMENT ON COLUMN app.users.display_name IS 'Name shown to other people.';
COMMENT ON COLUMN app.users.is_platform_operator IS 'Platform operators sign in with the app_admin role.';
COMMENT ON COLUMN app.users.created_at IS 'When the user was created.';
COMMENT ON COLUMN app.users.updated_at IS 'When the user was last changed.';

CREATE TABLE app.memberships (
  organization_id uuid NOT NULL REFERENCES app.organizations (id) ON DELETE CASCADE,
  id uuid NOT NULL DEFAULT public.uuid_generate_v7(),
  user_id uuid NOT NULL REFERENCES app.users (id) ON DELETE CASCADE,
  is_active boolean NOT NULL DEFAULT true,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (organization_id, id),
  CONSTRAINT memberships_one_per_user UNIQUE (organization_id, user_id)
);

CREATE INDEX memberships_user_idx ON app.memberships (user_id, organization_id);

COMMENT ON TABLE app.memberships IS 'A user''s membership of one organization.';
COMMENT ON COLUMN app.memberships.organization_id IS 'The organization.';
COMMENT ON COLUMN app.memberships.id IS 'Membership id, unique within the organization.';
COMMENT ON COLUMN app.memberships.user_id IS 'The member.';
COMMENT ON COLUMN app.memberships.is_active IS 'False once the membership is revoked.';
COMMENT ON COLUMN app.memberships.created_at IS 'When the membership was created.';

COMMIT;
