-- Verify pulse:logistics/scan_key on pg

BEGIN;

SELECT code_key FROM app.scan_events WHERE false;
SELECT 1 / count(*)::integer FROM pg_catalog.pg_indexes WHERE schemaname = 'app' AND indexname = 'scan_events_device_code_key_idx';

ROLLBACK;
