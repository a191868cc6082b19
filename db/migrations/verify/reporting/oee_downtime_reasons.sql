-- Verify pulse:reporting/oee_downtime_reasons on pg

BEGIN;

SELECT id, reason_id, loss, stops, loss_hours, availability_loss_percent FROM app_private.production_kpi_availability_losses WHERE false;
SELECT 'app_private.production_run_stop_losses(app.production_runs, numeric)'::regprocedure;

ROLLBACK;
