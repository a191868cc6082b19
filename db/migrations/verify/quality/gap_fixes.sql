-- Verify pulse:quality/gap_fixes on pg

BEGIN;

SELECT fai_report_number, fai_scope, fai_partial_reason, po_number FROM app.inspections WHERE false;
SELECT project_id FROM app.drawings WHERE false;
SELECT 1 / (attnotnull = false)::integer FROM pg_catalog.pg_attribute WHERE attrelid = 'app.measurements'::regclass AND attname = 'subgroup';
SELECT late_unshipped FROM app_private.production_kpi_otd WHERE false;
SELECT run_rejects FROM app_private.production_kpi_scrap WHERE false;

ROLLBACK;
