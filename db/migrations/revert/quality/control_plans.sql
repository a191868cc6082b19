-- Revert pulse:quality/control_plans from pg

BEGIN;

DROP TABLE app.gauge_study_readings, app.gauge_studies, app.characteristics, app.control_plan_steps, app.control_plans CASCADE;
DROP TYPE app.spc_chart_type, app.characteristic_kind, app.control_plan_status;

COMMIT;
