-- Deploy pulse:platform/domain_verification to pg
-- requires: platform/branding

BEGIN;

-- A tenant's custom domain is pending until the tenant proves it holds it
-- (db/functions/50_platform/64_branding.sql, 65_domain_verification.sql):
-- it publishes the verification token as a DNS TXT record at
-- _pulse-verification.<domain>; the domain_verify job resolves it and marks
-- the domain verified or records why not. Only a verified domain is
-- mirrored into app.organizations.custom_domain (unique across tenants),
-- which app.theme(domain) reads: a pending claim blocks nobody, a verified
-- one cannot be claimed by another tenant.
ALTER TABLE app.tenant_branding
  ADD COLUMN domain_status text CONSTRAINT tenant_branding_domain_status_valid CHECK (domain_status IN ('pending', 'verified', 'failed')),
  ADD COLUMN domain_token text CONSTRAINT tenant_branding_domain_token_format CHECK (domain_token ~ '^pulse-verification=[0-9a-f]{48}$'),
  ADD COLUMN domain_checked_at timestamptz,
  ADD COLUMN domain_verified_at timestamptz,
  ADD COLUMN domain_check_error text CONSTRAINT tenant_branding_domain_check_error_length CHECK (length(domain_check_error) <= 500);
-- Domains set before verification existed keep being served: they were
-- unique across tenants already, and an upgrade must not take a tenant's
-- sign-in page offline. They count as verified at the upgrade, with a token
-- of their own; a domain set from now on is pending until proven.
UPDATE app.tenant_branding
   SET domain_status = 'verified', domain_verified_at = now(),
       domain_token = 'pulse-verification=' || encode(public.gen_random_bytes(24), 'hex')
 WHERE custom_domain IS NOT NULL;
ALTER TABLE app.tenant_branding
  ADD CONSTRAINT tenant_branding_domain_state CHECK ((custom_domain IS NULL) = (domain_status IS NULL) AND (custom_domain IS NULL) = (domain_token IS NULL)),
  ADD CONSTRAINT tenant_branding_domain_verified_dated CHECK (domain_status IS DISTINCT FROM 'verified' OR domain_verified_at IS NOT NULL);
CREATE INDEX tenant_branding_domain_due_idx ON app.tenant_branding (domain_checked_at) WHERE domain_status IN ('pending', 'failed');

COMMENT ON COLUMN app.tenant_branding.custom_domain IS
  E'Custom domain\nThe host name the tenant''s users reach Pulse on (pulse.acme.example); a bare host: no scheme, port or path. Stored lower-case; null for none. Pending until proven (domain_status): publish domain_token as a DNS TXT record at _pulse-verification.<domain>, then POST /rpc/check_custom_domain. A domain another tenant verified cannot be claimed.';
COMMENT ON COLUMN app.tenant_branding.domain_status IS
  E'Domain status\npending (not proven yet), verified (the TXT record was found: app.theme serves it) or failed (the last check did not find it: domain_check_error says why); null without a custom domain. Server-managed.';
COMMENT ON COLUMN app.tenant_branding.domain_token IS
  E'Verification token\nThe value to publish as a DNS TXT record at _pulse-verification.<custom_domain>; new for every domain set. Server-managed.';
COMMENT ON COLUMN app.tenant_branding.domain_checked_at IS E'Domain checked at\nWhen the TXT record was last looked up.';
COMMENT ON COLUMN app.tenant_branding.domain_verified_at IS E'Domain verified at\nWhen the domain was proven.';
COMMENT ON COLUMN app.tenant_branding.domain_check_error IS
  E'Why not verified\nWhat the last check found instead of the token (no such record, other TXT values, a DNS error, taken by another organization); null after a successful check.';
COMMENT ON COLUMN app.organizations.custom_domain IS
  E'Custom domain\nThe tenant''s verified custom domain, mirrored from tenant_branding once proven (change it there): unique across all tenants; app.theme(domain) looks it up here.';

COMMIT;
