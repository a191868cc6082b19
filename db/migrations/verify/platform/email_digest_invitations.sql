-- Verify pulse:platform/email_digest_invitations on pg

BEGIN;

SELECT category, digest_on, covers_until, outbox_id FROM app.email_deliveries WHERE false;
SELECT 'digest'::app.notification_channel;
SELECT 1 / count(*)::int FROM pg_catalog.pg_indexes
 WHERE schemaname = 'app' AND indexname = 'email_deliveries_one_digest_a_day';

ROLLBACK;
