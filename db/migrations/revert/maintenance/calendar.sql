-- Revert pulse:maintenance/calendar from pg

BEGIN;

DROP DOMAIN IF EXISTS app."*/*" CASCADE;
DROP DOMAIN app."text/calendar" CASCADE;
DROP TABLE app_private.calendar_feeds CASCADE;
ALTER TABLE app.work_orders DROP CONSTRAINT work_orders_scheduled_window,
  ADD CONSTRAINT work_orders_scheduled_window CHECK (status NOT IN ('scheduled', 'in_progress') OR (scheduled IS NOT NULL AND assignee_id IS NOT NULL));
DROP INDEX app.work_orders_scheduled_idx;
ALTER TABLE app.work_orders DROP COLUMN team_id CASCADE;
COMMENT ON COLUMN app.work_orders.assignee_id IS E'Assignee\nThe person who does the work.';
DROP TABLE app.technician_availability CASCADE;
DROP TABLE app.maintenance_team_members CASCADE;
DROP TABLE app.maintenance_teams CASCADE;

COMMIT;
