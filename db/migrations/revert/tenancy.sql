-- Revert pulse:tenancy from pg

BEGIN;

DROP TABLE app.sites, app.organizations CASCADE;
DROP FUNCTION auth.jwt_org_id();

COMMIT;
