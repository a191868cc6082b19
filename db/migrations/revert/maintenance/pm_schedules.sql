-- Revert pulse:maintenance/pm_schedules from pg

BEGIN;

ALTER TABLE app.work_orders DROP COLUMN pm_schedule_id, DROP COLUMN pm_due_date;
DROP TABLE app.pm_schedules;

COMMIT;
