-- Deploy pulse:platform/branding to pg
-- requires: platform/attachments tenancy

BEGIN;

-- Tenant branding (db/functions/50_platform/64_branding.sql): the theme a
-- tenant's users, and the anonymous visitors of its custom domain, see.
-- One row per tenant, provisioned with the tenant; holders of
-- branding.manage change it, members read it, app.theme(domain) serves the
-- theme part of it to anyone.

-- The fonts a theme may name. An allow-list rather than free text: a family
-- must be one the frontend can load (self-hosted, open licence), and a
-- family name ends up in CSS, where free text could break out of the
-- declaration. Global reference data (db/seeds/reference/50_platform.sql).
CREATE TABLE app.branding_fonts (
  family text PRIMARY KEY CONSTRAINT branding_fonts_family_format CHECK (family ~ '^[A-Za-z0-9][A-Za-z0-9 ]{0,62}$'),
  category text NOT NULL CONSTRAINT branding_fonts_category_known CHECK (category IN ('sans-serif', 'serif', 'monospace')),
  fallback_stack text NOT NULL CONSTRAINT branding_fonts_fallback_format CHECK (fallback_stack ~ '^[A-Za-z0-9 ,"-]{1,200}$')
);
COMMENT ON TABLE app.branding_fonts IS
  E'Fonts a theme may use\nThe font families a tenant''s branding may name (heading_font, body_font), with the CSS fallback stack a frontend puts after them. The platform keeps the list; everyone reads it.';
COMMENT ON COLUMN app.branding_fonts.family IS E'Family\nThe font family name, as CSS font-family names it (Inter).';
COMMENT ON COLUMN app.branding_fonts.category IS E'Category\nsans-serif, serif or monospace.';
COMMENT ON COLUMN app.branding_fonts.fallback_stack IS E'Fallback stack\nWhat CSS font-family lists after the family (system-ui, sans-serif).';

CREATE TABLE app.tenant_branding (
  organization_id uuid NOT NULL REFERENCES app.organizations (id) ON DELETE CASCADE,
  id uuid NOT NULL,
  display_name text NOT NULL CONSTRAINT tenant_branding_display_name_length CHECK (length(btrim(display_name)) BETWEEN 1 AND 200),
  primary_color text NOT NULL DEFAULT '#1f2937' CONSTRAINT tenant_branding_primary_color_format CHECK (primary_color ~ '^#[0-9a-f]{6}$'),
  secondary_color text NOT NULL DEFAULT '#4b5563' CONSTRAINT tenant_branding_secondary_color_format CHECK (secondary_color ~ '^#[0-9a-f]{6}$'),
  accent_color text NOT NULL DEFAULT '#2563eb' CONSTRAINT tenant_branding_accent_color_format CHECK (accent_color ~ '^#[0-9a-f]{6}$'),
  heading_font text NOT NULL DEFAULT 'Inter' REFERENCES app.branding_fonts (family),
  body_font text NOT NULL DEFAULT 'Inter' REFERENCES app.branding_fonts (family),
  custom_domain text CONSTRAINT tenant_branding_custom_domain_format
    CHECK (length(custom_domain) <= 253 AND custom_domain ~ '^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]([a-z0-9-]{0,61}[a-z0-9])?$'),
  logo_attachment_id uuid,
  updated_at timestamptz NOT NULL DEFAULT now(),
  updated_by uuid REFERENCES app.users (id) ON DELETE SET NULL,
  PRIMARY KEY (organization_id, id),
  CONSTRAINT tenant_branding_one_per_tenant UNIQUE (organization_id),
  FOREIGN KEY (organization_id, logo_attachment_id) REFERENCES app.attachments (organization_id, id)
    ON DELETE SET NULL (logo_attachment_id)
);
CREATE INDEX tenant_branding_logo_idx ON app.tenant_branding (organization_id, logo_attachment_id) WHERE logo_attachment_id IS NOT NULL;
CREATE INDEX tenant_branding_heading_font_idx ON app.tenant_branding (heading_font);
CREATE INDEX tenant_branding_body_font_idx ON app.tenant_branding (body_font);
CREATE INDEX tenant_branding_updated_by_idx ON app.tenant_branding (updated_by);

COMMENT ON TABLE app.tenant_branding IS
  E'Tenant branding\nThe tenant''s theme: display name, colours, fonts, logo and custom domain; one row per tenant, made with it. Members read it; holders of branding.manage change it (PATCH). Anyone gets the theme part for a custom domain from GET /rpc/theme?domain=...';
COMMENT ON COLUMN app.tenant_branding.organization_id IS E'Tenant\nThe tenant.';
COMMENT ON COLUMN app.tenant_branding.id IS E'Branding id\nThe row''s id: attachments (the logo) hang off it as entity type branding.';
COMMENT ON COLUMN app.tenant_branding.display_name IS E'Display name\nThe name the theme shows, 1 to 200 characters (the organization''s name at first).';
COMMENT ON COLUMN app.tenant_branding.primary_color IS E'Primary colour\nSend #rgb or #rrggbb in any case; stored as lower-case #rrggbb.';
COMMENT ON COLUMN app.tenant_branding.secondary_color IS E'Secondary colour\nSend #rgb or #rrggbb in any case; stored as lower-case #rrggbb.';
COMMENT ON COLUMN app.tenant_branding.accent_color IS E'Accent colour\nSend #rgb or #rrggbb in any case; stored as lower-case #rrggbb.';
COMMENT ON COLUMN app.tenant_branding.heading_font IS E'Heading font\nA family of GET /branding_fonts.';
COMMENT ON COLUMN app.tenant_branding.body_font IS E'Body font\nA family of GET /branding_fonts.';
COMMENT ON COLUMN app.tenant_branding.custom_domain IS
  E'Custom domain\nThe host name the tenant''s users reach Pulse on (pulse.acme.example), unique across all tenants; a bare host: no scheme, port or path. Stored lower-case; null for none.';
COMMENT ON COLUMN app.tenant_branding.logo_attachment_id IS
  E'Logo\nA stored image attachment (PNG, JPEG, WebP or SVG) on this branding row (entity type branding); null for none.';
COMMENT ON COLUMN app.tenant_branding.updated_at IS E'Changed at\nWhen the branding was last changed.';
COMMENT ON COLUMN app.tenant_branding.updated_by IS E'Changed by\nWho last changed it (the server fills it).';

-- The custom domain is unique across every tenant. Tenant tables are sharded
-- by tenant under Citus, where a unique index must hold the tenant, so the
-- index lives on app.organizations, a global (reference) table like the slug
-- it sits beside; a trigger mirrors tenant_branding.custom_domain into it.
ALTER TABLE app.organizations ADD COLUMN custom_domain text;
CREATE UNIQUE INDEX organizations_custom_domain_key ON app.organizations (custom_domain);
COMMENT ON COLUMN app.organizations.custom_domain IS
  E'Custom domain\nThe tenant''s custom domain, mirrored from tenant_branding (change it there): unique across all tenants; app.theme(domain) looks it up here.';

-- What the theme RPC returns: theme data only, never ids or settings.
CREATE TYPE app.brand_theme AS (
  name text, primary_color text, secondary_color text, accent_color text,
  heading_font text, heading_font_stack text, body_font text, body_font_stack text,
  logo_url text, logo_url_expires_at timestamptz
);
COMMENT ON TYPE app.brand_theme IS E'Theme\nA tenant''s theme as a frontend applies it (app.theme).';
COMMENT ON COLUMN app.brand_theme.name IS 'The name the theme shows.';
COMMENT ON COLUMN app.brand_theme.primary_color IS 'Primary colour, #rrggbb.';
COMMENT ON COLUMN app.brand_theme.secondary_color IS 'Secondary colour, #rrggbb.';
COMMENT ON COLUMN app.brand_theme.accent_color IS 'Accent colour, #rrggbb.';
COMMENT ON COLUMN app.brand_theme.heading_font IS 'Heading font family.';
COMMENT ON COLUMN app.brand_theme.heading_font_stack IS 'CSS font-family value for headings: the family, then its fallbacks.';
COMMENT ON COLUMN app.brand_theme.body_font IS 'Body font family.';
COMMENT ON COLUMN app.brand_theme.body_font_stack IS 'CSS font-family value for text: the family, then its fallbacks.';
COMMENT ON COLUMN app.brand_theme.logo_url IS 'Where to GET the logo: a presigned URL of the stored logo, the organization''s https logo_url, or null.';
COMMENT ON COLUMN app.brand_theme.logo_url_expires_at IS 'When a presigned logo URL stops working (null for none or an unsigned URL).';

-- Existing tenants get their branding row, from their organization's branding as far as it fits.
INSERT INTO app.branding_fonts (family, category, fallback_stack) VALUES ('Inter', 'sans-serif', 'system-ui, sans-serif')
ON CONFLICT DO NOTHING;
INSERT INTO app.tenant_branding (organization_id, id, display_name, primary_color, accent_color)
SELECT o.id, public.uuid_generate_v7(), coalesce(o.branding ->> 'display_name', o.name),
       coalesce(lower(o.branding ->> 'primary_color'), '#1f2937'), coalesce(lower(o.branding ->> 'accent_color'), '#2563eb')
  FROM app.organizations AS o;

COMMIT;
