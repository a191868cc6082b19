-- Verify pulse:platform/notification_webhook_partitions on pg

BEGIN;

SELECT 1 / (relkind = 'p')::int FROM pg_catalog.pg_class WHERE oid = 'app.notifications'::regclass;
SELECT 1 / (relkind = 'p')::int FROM pg_catalog.pg_class WHERE oid = 'app.webhook_deliveries'::regclass;
SELECT 1 / (count(*) = 2)::int FROM partman.part_config
 WHERE parent_table IN ('app.notifications', 'app.webhook_deliveries');
SELECT delivery_created_at FROM app.webhook_attempts WHERE false;

ROLLBACK;
