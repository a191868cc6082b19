-- Verify pulse:reporting/scrap_units on pg

BEGIN;

SELECT id, organization_id, part_id, site_id, month, produced, run_rejects, scrap_by_unit, unit, computed_at
  FROM app_private.production_kpi_scrap WHERE false;

ROLLBACK;
