-- Revert pulse:lab/scheduling from pg

BEGIN;

DROP FUNCTION IF EXISTS app.instrument_availability(uuid[], timestamptz, timestamptz, interval) CASCADE;
DROP TABLE app.instrument_reservations CASCADE;
DROP TABLE app.instrument_blocks CASCADE;
DROP TABLE app.equipment_class_qualifications CASCADE;
DROP TYPE app.instrument_reservation_status CASCADE;
DROP TYPE app.instrument_block_kind CASCADE;

COMMIT;
