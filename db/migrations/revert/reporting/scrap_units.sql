-- Revert pulse:reporting/scrap_units from pg

BEGIN;

-- The scrap rate of quality/gap_fixes: scrap dispositions summed in their own units.
DROP VIEW IF EXISTS app.production_kpi_scrap;
DROP MATERIALIZED VIEW app_private.production_kpi_scrap;
CREATE MATERIALIZED VIEW app_private.production_kpi_scrap AS
WITH scrapped AS (
  SELECT n.organization_id, n.part_id, n.site_id, (date_trunc('month', d.approved_at AT TIME ZONE 'UTC'))::date AS month, sum(d.quantity) AS quantity
    FROM app.ncr_dispositions AS d
    JOIN app.ncrs AS n ON n.organization_id = d.organization_id AND n.id = d.ncr_id
   WHERE d.disposition = 'scrap' AND n.status <> 'cancelled'
   GROUP BY 1, 2, 3, 4
), produced AS (
  SELECT r.organization_id, r.part_id, r.site_id, (date_trunc('month', r.scheduled_start AT TIME ZONE 'UTC'))::date AS month,
         sum(r.total_count) AS quantity, sum(r.total_count - r.good_count) AS rejects
    FROM app.production_runs AS r
   GROUP BY 1, 2, 3, 4
)
SELECT md5(concat_ws('|', organization_id, part_id, site_id, month))::uuid AS id, organization_id, part_id, site_id, month,
       coalesce(p.quantity, 0)::numeric AS produced, coalesce(s.quantity, 0)::numeric AS scrapped,
       round(100 * (coalesce(s.quantity, 0) + coalesce(p.rejects, 0)) / nullif(p.quantity, 0), 2) AS scrap_percent, now() AS computed_at,
       coalesce(p.rejects, 0)::numeric AS run_rejects
  FROM produced AS p
  FULL JOIN scrapped AS s USING (organization_id, part_id, site_id, month);
CREATE UNIQUE INDEX production_kpi_scrap_id ON app_private.production_kpi_scrap (id);
COMMENT ON MATERIALIZED VIEW app_private.production_kpi_scrap IS
  'Scrap rate per tenant, part, plant and month: MRB scrap dispositions and the runs'' rejects (total - good) over pieces made in production runs; read through app.production_kpi_scrap.';

COMMIT;
