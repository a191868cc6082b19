-- Revert pulse:logistics/scan_key from pg

BEGIN;

DROP INDEX app.scan_events_device_code_key_idx;
CREATE INDEX scan_events_device_code_idx ON app.scan_events (organization_id, device, code, scanned_at DESC);
ALTER TABLE app.scan_events DROP COLUMN code_key;

COMMIT;
