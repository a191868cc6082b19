-- Revert pulse:tenancy from pg

BEGIN;

DROP TABLE app.memberships, app.users, app.organizations CASCADE;

COMMIT;
