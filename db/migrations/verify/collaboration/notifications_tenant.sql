-- Verify pulse:collaboration/notifications_tenant on pg

BEGIN;

SELECT 1 / count(*) FROM pg_catalog.pg_constraint AS c
 WHERE c.conrelid = 'app.notifications'::regclass AND c.conname = 'notifications_organization_id_fkey'
   AND c.contype = 'f' AND c.confrelid = 'app.organizations'::regclass AND c.confdeltype = 'c';

ROLLBACK;
