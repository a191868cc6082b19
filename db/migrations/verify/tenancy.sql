-- Verify pulse:tenancy on pg

BEGIN;

SELECT id, slug, name, is_active, settings, branding, deleted_at, created_at, updated_at
  FROM app.organizations WHERE false;
SELECT organization_id, id, code, name, timezone, address, is_active, created_at, updated_at
  FROM app.sites WHERE false;

ROLLBACK;
