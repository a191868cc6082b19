-- Revert pulse:lab/kpis from pg

BEGIN;

DROP MATERIALIZED VIEW app_private.lab_kpi_oos_rate CASCADE;
DROP MATERIALIZED VIEW app_private.lab_kpi_backlog CASCADE;
DROP MATERIALIZED VIEW app_private.lab_kpi_turnaround CASCADE;

COMMIT;
