-- Deploy pulse:logistics/scan_key to pg
-- requires: logistics/shipments

BEGIN;

-- A scan is idempotent on what the code says, not on how it was written:
-- "(00)006141410000000012", "00006141410000000012", "]C100006141410000000012"
-- and the plain SSCC are one element string. app.scan keys the event on the
-- decoded element string normalised (application identifiers in ascending
-- order, each "(AI)value"); a code that is no GS1 string keys on itself.
ALTER TABLE app.scan_events ADD COLUMN code_key text;
-- Existing events get their key (the append-only guard is set aside for this backfill only).
SET LOCAL session_replication_role = replica;
UPDATE app.scan_events AS e
   SET code_key = CASE WHEN e.code_kind IN ('gs1', 'sscc') AND e.decoded <> '{}'
                       THEN (SELECT string_agg('(' || d.key || ')' || d.value, '' ORDER BY d.key) FROM jsonb_each_text(e.decoded) AS d)
                       ELSE e.code END;
SET LOCAL session_replication_role = origin;
ALTER TABLE app.scan_events ALTER COLUMN code_key SET NOT NULL,
  ADD CONSTRAINT scan_events_code_key_length CHECK (length(code_key) BETWEEN 1 AND 400);
DROP INDEX app.scan_events_device_code_idx;
CREATE INDEX scan_events_device_code_key_idx ON app.scan_events (organization_id, device, code_key, scanned_at DESC);
COMMENT ON COLUMN app.scan_events.code_key IS
  E'Code key\nWhat the code says, normalised: a GS1 element string as its decoded application identifiers in ascending order ("(00)006141410000000012"), whatever the scanner sent (parentheses, raw, ]C1, plain SSCC); any other code as read. The same device and code key within 5 seconds is one event.';

COMMIT;
