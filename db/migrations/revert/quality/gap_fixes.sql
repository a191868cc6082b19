-- Revert pulse:quality/gap_fixes from pg

BEGIN;

DROP FUNCTION IF EXISTS app.set_fai_details(uuid, text, text, text, text);
-- What the repeatables built on the new columns (they apply it again after a deploy).
DROP POLICY IF EXISTS drawings_insert_manager ON app.drawings;
DROP POLICY IF EXISTS drawings_update_manager ON app.drawings;
DROP VIEW IF EXISTS app.report_inspections, app.report_ncrs, app.report_lots, app.report_shipments, app.report_spc_signals;
ALTER TABLE app.drawings DROP COLUMN project_id;
-- First article measurements have no subgroup: the append-only guard is set aside for this revert only.
SET LOCAL session_replication_role = replica;
DELETE FROM app.measurements WHERE subgroup IS NULL;
SET LOCAL session_replication_role = origin;
ALTER TABLE app.measurements ALTER COLUMN subgroup SET NOT NULL;
ALTER TABLE app.inspections DROP CONSTRAINT inspections_fai_fields_first_article, DROP CONSTRAINT inspections_fai_partial_has_reason,
  DROP COLUMN fai_report_number, DROP COLUMN fai_scope, DROP COLUMN fai_partial_reason, DROP COLUMN po_number;

DROP VIEW IF EXISTS app.production_kpi_otd;
DROP MATERIALIZED VIEW app_private.production_kpi_otd;
CREATE MATERIALIZED VIEW app_private.production_kpi_otd AS
SELECT md5(concat_ws('|', s.organization_id, s.customer_id, s.site_id, date_trunc('month', s.shipped_at AT TIME ZONE 'UTC')))::uuid AS id,
       s.organization_id, s.customer_id, s.site_id, (date_trunc('month', s.shipped_at AT TIME ZONE 'UTC'))::date AS month,
       count(*)::integer AS shipments,
       (count(*) FILTER (WHERE (s.shipped_at AT TIME ZONE 'UTC')::date <= s.promised_date))::integer AS on_time,
       round(100.0 * count(*) FILTER (WHERE (s.shipped_at AT TIME ZONE 'UTC')::date <= s.promised_date) / count(*), 2) AS otd_percent,
       now() AS computed_at
  FROM app.shipments AS s
 WHERE s.shipped_at IS NOT NULL AND s.promised_date IS NOT NULL AND s.status <> 'cancelled'
 GROUP BY s.organization_id, s.customer_id, s.site_id, date_trunc('month', s.shipped_at AT TIME ZONE 'UTC');
CREATE UNIQUE INDEX production_kpi_otd_id ON app_private.production_kpi_otd (id);
COMMENT ON MATERIALIZED VIEW app_private.production_kpi_otd IS
  'On-time delivery per tenant, customer, plant and month shipped (UTC): shipments with a promised date shipped, and those shipped on or before it; read through app.production_kpi_otd.';

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
  SELECT r.organization_id, r.part_id, r.site_id, (date_trunc('month', r.scheduled_start AT TIME ZONE 'UTC'))::date AS month, sum(r.total_count) AS quantity
    FROM app.production_runs AS r
   GROUP BY 1, 2, 3, 4
)
SELECT md5(concat_ws('|', organization_id, part_id, site_id, month))::uuid AS id, organization_id, part_id, site_id, month,
       coalesce(p.quantity, 0)::numeric AS produced, coalesce(s.quantity, 0)::numeric AS scrapped,
       round(100 * coalesce(s.quantity, 0) / nullif(p.quantity, 0), 2) AS scrap_percent, now() AS computed_at
  FROM produced AS p
  FULL JOIN scrapped AS s USING (organization_id, part_id, site_id, month);
CREATE UNIQUE INDEX production_kpi_scrap_id ON app_private.production_kpi_scrap (id);
COMMENT ON MATERIALIZED VIEW app_private.production_kpi_scrap IS
  'Scrap rate per tenant, part, plant and month: quantity scrapped by MRB dispositions over pieces made in production runs; read through app.production_kpi_scrap.';

COMMIT;
