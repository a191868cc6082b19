-- Revert pulse:lab/kpis_operations from pg

BEGIN;

DROP MATERIALIZED VIEW app_private.lab_kpi_investigation_aging CASCADE;
DROP MATERIALIZED VIEW app_private.lab_kpi_instrument_utilization CASCADE;
DROP MATERIALIZED VIEW app_private.lab_kpi_run_failures CASCADE;

COMMIT;
