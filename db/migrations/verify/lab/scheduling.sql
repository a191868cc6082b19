-- Verify pulse:lab/scheduling on pg

BEGIN;

SELECT organization_id, class_id, qualification_id, created_at FROM app.equipment_class_qualifications WHERE false;
SELECT organization_id, id, equipment_id, kind, title, first_start, duration, time_zone, recurrence FROM app.instrument_blocks WHERE false;
SELECT organization_id, id, equipment_id, user_id, purpose, during, status, entity_type, entity_id, booked_by, cancelled_at
  FROM app.instrument_reservations WHERE false;
SELECT 1/count(*) FROM pg_catalog.pg_constraint WHERE conname = 'instrument_reservations_no_overlap' AND contype = 'x';
SELECT 1/(NOT pg_catalog.has_column_privilege('app_user', 'app.instrument_reservations', 'status', 'UPDATE'))::int;

ROLLBACK;
