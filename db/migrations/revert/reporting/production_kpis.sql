-- Revert pulse:reporting/production_kpis from pg

BEGIN;

DROP MATERIALIZED VIEW app_private.production_kpi_oee, app_private.production_kpi_otd, app_private.production_kpi_scrap,
  app_private.production_kpi_fpy, app_private.production_kpi_aging CASCADE;
DROP FUNCTION app_private.production_run_oee(app.production_runs, numeric);
DROP TABLE app.production_runs, app.ideal_cycle_times CASCADE;
ALTER TABLE app.downtime_reasons DROP COLUMN loss_category;

COMMIT;
