-- Revert pulse:platform/domain_verification from pg

BEGIN;

DROP FUNCTION IF EXISTS app.check_custom_domain();
-- The repeatables built on the new columns (the next migrate applies them again).
DROP TRIGGER IF EXISTS _500_claim_domain ON app.tenant_branding;
DROP INDEX IF EXISTS app.tenant_branding_domain_due_idx;
-- Claimed domains are mirrored again, as before verification (the first claim of a domain wins).
UPDATE app.organizations AS o SET custom_domain = b.custom_domain
  FROM (SELECT DISTINCT ON (custom_domain) organization_id, custom_domain FROM app.tenant_branding
         WHERE custom_domain IS NOT NULL ORDER BY custom_domain, (domain_status = 'verified') DESC, updated_at) AS b
 WHERE o.id = b.organization_id AND o.custom_domain IS DISTINCT FROM b.custom_domain;
UPDATE app.tenant_branding AS b SET custom_domain = NULL
 WHERE custom_domain IS NOT NULL
   AND NOT EXISTS (SELECT FROM app.organizations AS o WHERE o.id = b.organization_id AND o.custom_domain = b.custom_domain);
ALTER TABLE app.tenant_branding DROP CONSTRAINT tenant_branding_domain_state, DROP CONSTRAINT tenant_branding_domain_verified_dated,
  DROP COLUMN domain_status, DROP COLUMN domain_token, DROP COLUMN domain_checked_at, DROP COLUMN domain_verified_at,
  DROP COLUMN domain_check_error;

COMMIT;
