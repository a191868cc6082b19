-- Verify pulse:maintenance/pm_schedules on pg

BEGIN;

SELECT organization_id, id, equipment_id, template_id, rrule, meter_id, next_due_date, next_due_usage FROM app.pm_schedules WHERE false;
SELECT pm_schedule_id, pm_due_date FROM app.work_orders WHERE false;

ROLLBACK;
