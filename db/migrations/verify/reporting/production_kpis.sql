-- Verify pulse:reporting/production_kpis on pg

BEGIN;

SELECT loss_category FROM app.downtime_reasons WHERE false;
SELECT organization_id, id, equipment_id, part_id, part_revision_id, cycle_seconds, notes FROM app.ideal_cycle_times WHERE false;
SELECT organization_id, id, equipment_id, site_id, part_id, part_revision_id, scheduled_start, scheduled_end, total_count, good_count,
       startup_rejects, recorded_by FROM app.production_runs WHERE false;
SELECT has_function_privilege('app_private.production_run_oee(app.production_runs, numeric)', 'execute');
SELECT organization_id, site_id, equipment_id, part_id, day, oee_percent, computed_at FROM app_private.production_kpi_oee WHERE false;
SELECT organization_id, customer_id, site_id, month, shipments, on_time, otd_percent FROM app_private.production_kpi_otd WHERE false;
-- scrapped and scrap_percent: this change's; reporting/scrap_units keeps the scrap per unit instead and
-- app.production_kpi_scrap computes them (its verify checks its shape).
SELECT organization_id, part_id, site_id, month, produced FROM app_private.production_kpi_scrap WHERE false;
SELECT organization_id, part_id, site_id, line, month, inspections, passed_first_time, fpy_percent FROM app_private.production_kpi_fpy WHERE false;
SELECT organization_id, site_id, kind, open_count, days_0_to_7, days_8_to_30, days_31_to_90, over_90_days FROM app_private.production_kpi_aging WHERE false;

ROLLBACK;
