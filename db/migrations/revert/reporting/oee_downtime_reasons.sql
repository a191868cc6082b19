-- Revert pulse:reporting/oee_downtime_reasons from pg

BEGIN;

DROP VIEW IF EXISTS app.production_kpi_availability_losses;
DROP FUNCTION IF EXISTS app.equipment_availability_losses(uuid, timestamptz, timestamptz);
DROP MATERIALIZED VIEW app_private.production_kpi_availability_losses;
DROP FUNCTION app_private.production_run_stop_losses(app.production_runs, numeric);

COMMIT;
