-- Deploy pulse:partners to pg
-- requires: tenancy

BEGIN;

CREATE TYPE app.partner_kind AS ENUM ('customer', 'supplier', 'customer_and_supplier');
COMMENT ON TYPE app.partner_kind IS 'Whether a partner buys from the tenant, sells to it, or both.';

CREATE TYPE app.contact_type AS ENUM ('commercial', 'technical', 'quality', 'logistics', 'finance', 'other');
COMMENT ON TYPE app.contact_type IS 'What a contact person is reached for.';

CREATE TABLE app.partners (
  organization_id uuid NOT NULL DEFAULT auth.jwt_org_id() REFERENCES app.organizations (id) ON DELETE CASCADE,
  id uuid NOT NULL DEFAULT public.uuid_generate_v7(),
  kind app.partner_kind NOT NULL,
  name text NOT NULL CONSTRAINT partners_name_length CHECK (length(btrim(name)) BETWEEN 1 AND 200),
  code text CONSTRAINT partners_code_length CHECK (length(code) BETWEEN 1 AND 40),
  website text CONSTRAINT partners_website_length CHECK (length(website) <= 2048),
  notes text CONSTRAINT partners_notes_length CHECK (length(notes) <= 10000),
  is_active boolean NOT NULL DEFAULT true,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (organization_id, id),
  CONSTRAINT partners_code_unique UNIQUE (organization_id, code)
);

CREATE INDEX partners_name_trgm_idx ON app.partners USING gin (name gin_trgm_ops);

COMMENT ON TABLE app.partners IS 'Companies a tenant deals with: customers and suppliers. A portal user bound to a partner sees only that partner''s records.';
COMMENT ON COLUMN app.partners.organization_id IS 'The tenant.';
COMMENT ON COLUMN app.partners.id IS 'Partner id.';
COMMENT ON COLUMN app.partners.kind IS 'customer, supplier or customer_and_supplier.';
COMMENT ON COLUMN app.partners.name IS 'Company name.';
COMMENT ON COLUMN app.partners.code IS 'The tenant''s own code for the partner (e.g. an ERP account number), unique in the tenant.';
COMMENT ON COLUMN app.partners.website IS 'Web site.';
COMMENT ON COLUMN app.partners.notes IS 'Free text.';
COMMENT ON COLUMN app.partners.is_active IS 'False once the tenant stops dealing with the partner.';
COMMENT ON COLUMN app.partners.created_at IS 'When the partner was created.';
COMMENT ON COLUMN app.partners.updated_at IS 'When the partner was last changed.';

CREATE TABLE app.contacts (
  organization_id uuid NOT NULL DEFAULT auth.jwt_org_id(),
  id uuid NOT NULL DEFAULT public.uuid_generate_v7(),
  partner_id uuid NOT NULL,
  contact_type app.contact_type NOT NULL DEFAULT 'commercial',
  full_name text NOT NULL CONSTRAINT contacts_full_name_length CHECK (length(btrim(full_name)) BETWEEN 1 AND 200),
  job_title text CONSTRAINT contacts_job_title_length CHECK (length(job_title) <= 200),
  email citext CONSTRAINT contacts_email_format CHECK (email ~ '^[^@\s]+@[^@\s]+\.[^@\s]+$' AND length(email) <= 320),
  phone text CONSTRAINT contacts_phone_format CHECK (phone ~ '^\+?[0-9 ()./-]{3,30}$'),
  is_primary boolean NOT NULL DEFAULT false,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (organization_id, id),
  FOREIGN KEY (organization_id, partner_id) REFERENCES app.partners (organization_id, id) ON DELETE CASCADE
);

CREATE INDEX contacts_partner_idx ON app.contacts (organization_id, partner_id);
CREATE UNIQUE INDEX contacts_one_primary_per_partner ON app.contacts (organization_id, partner_id) WHERE is_primary;

COMMENT ON TABLE app.contacts IS 'People at a partner company. At most one is the primary contact of its partner.';
COMMENT ON COLUMN app.contacts.organization_id IS 'The tenant.';
COMMENT ON COLUMN app.contacts.id IS 'Contact id.';
COMMENT ON COLUMN app.contacts.partner_id IS 'The partner company the person works for.';
COMMENT ON COLUMN app.contacts.contact_type IS 'What the person is reached for.';
COMMENT ON COLUMN app.contacts.full_name IS 'Full name.';
COMMENT ON COLUMN app.contacts.job_title IS 'Job title.';
COMMENT ON COLUMN app.contacts.email IS 'Email address.';
COMMENT ON COLUMN app.contacts.phone IS 'Phone number (digits, spaces, + ( ) . / -).';
COMMENT ON COLUMN app.contacts.is_primary IS 'The partner''s primary contact; at most one per partner.';
COMMENT ON COLUMN app.contacts.created_at IS 'When the contact was created.';
COMMENT ON COLUMN app.contacts.updated_at IS 'When the contact was last changed.';

COMMIT;
