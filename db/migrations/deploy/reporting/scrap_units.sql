-- Deploy pulse:reporting/scrap_units to pg
-- requires: reporting/production_kpis
-- requires: quality/gap_fixes
-- requires: platform/units

BEGIN;

-- The scrap rate adds MRB scrap to the production runs' counts, which are
-- pieces, while a scrap disposition is in its NCR's unit (the part's unit
-- when the NCR was raised: dozens, kg, m). The materialized view keeps the
-- facts: the scrapped quantity and the number of dispositions per unit as
-- recorded (scrap_by_unit) and the part's unit; app.production_kpi_scrap
-- (95_reporting/54_quality_kpis.sql) converts them with the platform units
-- block (app.convert_unit, a repeatable this migration cannot call) when it
-- is read: units of the count dimension to pieces; the others, which have no
-- conversion to pieces, are left out of the rate and counted apart.
DROP VIEW IF EXISTS app.production_kpi_scrap;
DROP MATERIALIZED VIEW app_private.production_kpi_scrap;
CREATE MATERIALIZED VIEW app_private.production_kpi_scrap AS
WITH by_unit AS (
  SELECT n.organization_id, n.part_id, n.site_id, (date_trunc('month', d.approved_at AT TIME ZONE 'UTC'))::date AS month,
         d.unit, sum(d.quantity) AS quantity, count(*) AS dispositions
    FROM app.ncr_dispositions AS d
    JOIN app.ncrs AS n ON n.organization_id = d.organization_id AND n.id = d.ncr_id
   WHERE d.disposition = 'scrap' AND n.status <> 'cancelled'
   GROUP BY 1, 2, 3, 4, 5
), scrapped AS (
  SELECT organization_id, part_id, site_id, month,
         jsonb_object_agg(unit, jsonb_build_object('quantity', quantity, 'dispositions', dispositions)) AS by_unit
    FROM by_unit
   GROUP BY 1, 2, 3, 4
), produced AS (
  SELECT r.organization_id, r.part_id, r.site_id, (date_trunc('month', r.scheduled_start AT TIME ZONE 'UTC'))::date AS month,
         sum(r.total_count) AS quantity, sum(r.total_count - r.good_count) AS rejects
    FROM app.production_runs AS r
   GROUP BY 1, 2, 3, 4
)
SELECT md5(concat_ws('|', k.organization_id, k.part_id, k.site_id, k.month))::uuid AS id, k.organization_id, k.part_id, k.site_id, k.month,
       coalesce(k.produced, 0)::numeric AS produced, coalesce(k.rejects, 0)::numeric AS run_rejects,
       coalesce(k.by_unit, '{}') AS scrap_by_unit, pt.unit, now() AS computed_at
  FROM (SELECT organization_id, part_id, site_id, month, p.quantity AS produced, p.rejects, s.by_unit
          FROM produced AS p
          FULL JOIN scrapped AS s USING (organization_id, part_id, site_id, month)) AS k
  JOIN app.parts AS pt ON pt.organization_id = k.organization_id AND pt.id = k.part_id;
CREATE UNIQUE INDEX production_kpi_scrap_id ON app_private.production_kpi_scrap (id);
COMMENT ON MATERIALIZED VIEW app_private.production_kpi_scrap IS
  'Scrap per tenant, part, plant and month: pieces made in production runs and their rejects (total - good), MRB scrap dispositions per unit as recorded ({"<unit>": {"quantity": q, "dispositions": n}}) and the part''s unit; app.production_kpi_scrap converts the scrap to pieces and computes the rate.';

COMMIT;
