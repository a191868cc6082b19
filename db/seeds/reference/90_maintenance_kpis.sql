-- Maintenance KPIs and archival (95_reporting/60_maintenance_kpis.sql,
-- 90_maintenance/96_archive.sql): the tenant settings they read. Idempotent.
INSERT INTO app_private.setting_definitions (key, value_schema, default_value, description, permission) VALUES
  ('maintenance_weekly_crew_hours', '{"type": "number", "exclusiveMinimum": 0, "maximum": 100000}', '200',
   'Maintenance backlog: the hours the maintenance crew can work in a week (technicians x hours each); backlog in crew-weeks = estimated hours of open work orders / this.', 'settings.manage'),
  ('pm_compliance_grace_days', '{"type": "integer", "minimum": 0, "maximum": 365}', '7',
   'PM compliance: the window of a preventive work order without a calendar interval (a meter-only PM schedule, or made outside a schedule): completed up to this many days after its due date it still counts as on time. Calendar schedules use their compliance_window_days, else 10 % of the interval.', 'settings.manage'),
  ('maintenance_archive_after_years', '{"type": "integer", "minimum": 1, "maximum": 100}', '7',
   'Archival: closed and cancelled work orders move to the archive (app.archived_work_orders) this many years after they were closed or cancelled.', 'settings.manage')
ON CONFLICT (key) DO UPDATE SET value_schema = excluded.value_schema, default_value = excluded.default_value,
  description = excluded.description, permission = excluded.permission;
