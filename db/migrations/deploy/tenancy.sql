-- Deploy pulse:tenancy to pg
-- requires: uuid_v7

BEGIN;

-- Column default of organization_id on tenant tables, so clients need not
-- send it. It only reads the claim; the policies' WITH CHECK compare the
-- row with auth.org_id(), which validates the caller's membership.
CREATE FUNCTION auth.jwt_org_id() RETURNS uuid
LANGUAGE sql STABLE PARALLEL SAFE
AS $$
  SELECT nullif(nullif(pg_catalog.current_setting('request.jwt.claims', true), '')::jsonb ->> 'org_id', '')::uuid
$$;

COMMENT ON FUNCTION auth.jwt_org_id() IS 'The org_id claim as sent, for column defaults only; policies use auth.org_id().';

CREATE TABLE app.organizations (
  id uuid PRIMARY KEY DEFAULT public.uuid_generate_v7(),
  slug text NOT NULL UNIQUE
    CONSTRAINT organizations_slug_format CHECK (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$' AND length(slug) <= 63),
  name text NOT NULL CONSTRAINT organizations_name_length CHECK (length(btrim(name)) BETWEEN 1 AND 200),
  is_active boolean NOT NULL DEFAULT true,
  settings jsonb NOT NULL DEFAULT '{}'
    CONSTRAINT organizations_settings_object CHECK (jsonb_typeof(settings) = 'object' AND octet_length(settings::text) <= 8192),
  branding jsonb NOT NULL DEFAULT '{}'
    CONSTRAINT organizations_branding_object CHECK (jsonb_typeof(branding) = 'object' AND octet_length(branding::text) <= 8192),
  deleted_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);

COMMENT ON TABLE app.organizations IS
  'Tenants. Every tenant-owned row carries the id of one organization. Platform operators create, update and (soft) delete them; members read their own.';
COMMENT ON COLUMN app.organizations.id IS 'Organization id; the org_id claim of a token names one.';
COMMENT ON COLUMN app.organizations.slug IS 'Unique, URL-safe short name: lower-case letters, digits and single hyphens, at most 63 characters.';
COMMENT ON COLUMN app.organizations.name IS 'Display name.';
COMMENT ON COLUMN app.organizations.is_active IS 'False while the tenant is suspended: its members cannot sign in.';
COMMENT ON COLUMN app.organizations.settings IS
  'Validated settings: timezone (IANA name), locale (e.g. en-US), currency (ISO 4217), week_start (1 = Monday .. 7), date_format.';
COMMENT ON COLUMN app.organizations.branding IS
  'Validated branding: display_name, logo_url (https), primary_color and accent_color (#RRGGBB).';
COMMENT ON COLUMN app.organizations.deleted_at IS
  'Set by app.delete_organization(); the tenant is purged for good 30 days later (app.purge_organization).';
COMMENT ON COLUMN app.organizations.created_at IS 'When the organization was created.';
COMMENT ON COLUMN app.organizations.updated_at IS 'When the organization was last changed.';

CREATE TABLE app.sites (
  organization_id uuid NOT NULL DEFAULT auth.jwt_org_id() REFERENCES app.organizations (id) ON DELETE CASCADE,
  id uuid NOT NULL DEFAULT public.uuid_generate_v7(),
  code text NOT NULL CONSTRAINT sites_code_format CHECK (code ~ '^[A-Z0-9][A-Z0-9_-]{0,19}$'),
  name text NOT NULL CONSTRAINT sites_name_length CHECK (length(btrim(name)) BETWEEN 1 AND 200),
  timezone text CONSTRAINT sites_timezone_length CHECK (length(timezone) <= 64),
  address text CONSTRAINT sites_address_length CHECK (length(address) <= 1000),
  is_active boolean NOT NULL DEFAULT true,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (organization_id, id),
  CONSTRAINT sites_code_unique UNIQUE (organization_id, code)
);

COMMENT ON TABLE app.sites IS 'Plants, labs and other sites of a tenant; role assignments can be scoped to one.';
COMMENT ON COLUMN app.sites.organization_id IS 'The tenant.';
COMMENT ON COLUMN app.sites.id IS 'Site id.';
COMMENT ON COLUMN app.sites.code IS 'Short code, unique in the tenant: upper-case letters, digits, - and _ (e.g. PLANT-1).';
COMMENT ON COLUMN app.sites.name IS 'Display name.';
COMMENT ON COLUMN app.sites.timezone IS 'IANA time zone of the site; the tenant''s when empty.';
COMMENT ON COLUMN app.sites.address IS 'Postal address.';
COMMENT ON COLUMN app.sites.is_active IS 'False once the site is closed.';
COMMENT ON COLUMN app.sites.created_at IS 'When the site was created.';
COMMENT ON COLUMN app.sites.updated_at IS 'When the site was last changed.';

COMMIT;
