-- Revert pulse:maintenance/pm_schedules from pg

BEGIN;

-- The repeatables on the table and columns (83_pm_schedules.sql).
DROP VIEW IF EXISTS app.pm_plant_compliance;
DROP VIEW IF EXISTS app.pm_schedule_compliance;
DROP TRIGGER IF EXISTS _510_advance_pm_schedule ON app.work_orders;
ALTER TABLE app.work_orders DROP COLUMN pm_schedule_id, DROP COLUMN pm_due_date;
DROP TABLE app.pm_schedules CASCADE;

COMMIT;
