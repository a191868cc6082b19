-- Verify pulse:platform/downtime on pg

BEGIN;

SELECT organization_id, id, code, name, labels, is_planned, is_breakdown, position, is_active, created_at
  FROM app.downtime_reasons WHERE false;
SELECT organization_id, id, equipment_id, started_at, ended_at, reason_id, in_production_schedule, is_planned, is_breakdown,
       notes, recorded_by, created_at, updated_at FROM app.downtime_events WHERE false;
SELECT 1 / count(*)::int FROM pg_catalog.pg_constraint
 WHERE conrelid = 'app.downtime_events'::regclass AND conname = 'downtime_events_no_overlap' AND contype = 'x';

ROLLBACK;
