-- Revert pulse:collaboration/notifications_tenant from pg

BEGIN;

ALTER TABLE app.notifications DROP CONSTRAINT notifications_organization_id_fkey;

COMMIT;
