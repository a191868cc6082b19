-- Deploy pulse:quality/gap_fixes to pg
-- requires: quality/inspections
-- requires: quality/drawings
-- requires: quality/review_fixes
-- requires: reporting/production_kpis

BEGIN;

-- AS9102 form 1 (docs/manufacturing/inspection.md): the FAI report number
-- (unique in the tenant), full or partial FAI (a partial one says why: the
-- characteristics affected by a change), and the purchase order the first
-- article was made for, where known. Set with app.set_fai_details.
ALTER TABLE app.inspections
  ADD COLUMN fai_report_number text CONSTRAINT inspections_fai_report_number_format CHECK (fai_report_number ~ '^[A-Za-z0-9][A-Za-z0-9._/-]{0,63}$'),
  ADD COLUMN fai_scope text CONSTRAINT inspections_fai_scope_valid CHECK (fai_scope IN ('full', 'partial')),
  ADD COLUMN fai_partial_reason text NOT NULL DEFAULT '' CONSTRAINT inspections_fai_partial_reason_length CHECK (length(fai_partial_reason) <= 1000),
  ADD COLUMN po_number text CONSTRAINT inspections_po_number_length CHECK (length(po_number) BETWEEN 1 AND 64),
  ADD CONSTRAINT inspections_fai_fields_first_article CHECK (kind = 'first_article' OR (fai_report_number IS NULL AND fai_scope IS NULL AND po_number IS NULL)),
  ADD CONSTRAINT inspections_fai_partial_has_reason CHECK (fai_scope IS DISTINCT FROM 'partial' OR length(btrim(fai_partial_reason)) > 0);
CREATE UNIQUE INDEX inspections_fai_report_number_key ON app.inspections (organization_id, fai_report_number) WHERE fai_report_number IS NOT NULL;
COMMENT ON COLUMN app.inspections.fai_report_number IS E'FAI report number\nAS9102 form 1 field 4: the number of the first article inspection report, unique in the tenant (first_article only).';
COMMENT ON COLUMN app.inspections.fai_scope IS E'Full or partial FAI\nAS9102 form 1 field 14: full (every characteristic) or partial (only those a change affects; fai_partial_reason says which and why).';
COMMENT ON COLUMN app.inspections.fai_partial_reason IS E'Partial FAI reason\nRequired for a partial FAI: the change (ECO, drawing revision, process) and the characteristics it affects.';
COMMENT ON COLUMN app.inspections.po_number IS E'Purchase order\nAS9102 form 1 field 8: the customer''s purchase order the first article was made for, where known.';

-- First article measurements stay out of the SPC stream: they carry no
-- subgroup (NULL) and never open, fill or close one.
ALTER TABLE app.measurements ALTER COLUMN subgroup DROP NOT NULL;
COMMENT ON COLUMN app.measurements.subgroup IS E'Subgroup\nThe characteristic''s SPC subgroup this measurement belongs to; none (NULL) for a first article inspection, which is kept out of SPC.';

-- Drawings may belong to a project (the RDA of a customer project).
ALTER TABLE app.drawings ADD COLUMN project_id uuid,
  ADD CONSTRAINT drawings_project_fkey FOREIGN KEY (organization_id, project_id) REFERENCES app.projects (organization_id, id);
CREATE INDEX drawings_project_idx ON app.drawings (organization_id, project_id) WHERE project_id IS NOT NULL;
COMMENT ON COLUMN app.drawings.project_id IS E'Project\nThe project the drawing belongs to (optional; projects.id); a project the writer may read (policies drawings_insert_manager / _update_manager).';

-- On-time delivery counts what is overdue and not shipped as late: each
-- shipment with a promised date once, in the month it was promised (UTC),
-- on time when shipped on or before that date, late when shipped after it or
-- not shipped while the date has passed (as of the refresh: a past month's
-- unshipped ones are late as of its end). The app view (repeatable
-- 95_reporting/54_quality_kpis.sql) is made again over it.
DROP VIEW IF EXISTS app.production_kpi_otd;
DROP MATERIALIZED VIEW app_private.production_kpi_otd;
CREATE MATERIALIZED VIEW app_private.production_kpi_otd AS
WITH due AS (
  SELECT s.organization_id, s.customer_id, s.site_id, (date_trunc('month', s.promised_date))::date AS month,
         s.shipped_at IS NOT NULL AS shipped, coalesce((s.shipped_at AT TIME ZONE 'UTC')::date <= s.promised_date, false) AS on_time
    FROM app.shipments AS s
   WHERE s.promised_date IS NOT NULL AND s.status <> 'cancelled'
     AND (s.shipped_at IS NOT NULL OR s.promised_date < (now() AT TIME ZONE 'UTC')::date)
)
SELECT md5(concat_ws('|', d.organization_id, d.customer_id, d.site_id, d.month))::uuid AS id,
       d.organization_id, d.customer_id, d.site_id, d.month,
       count(*)::integer AS shipments,
       (count(*) FILTER (WHERE d.on_time))::integer AS on_time,
       round(100.0 * count(*) FILTER (WHERE d.on_time) / count(*), 2) AS otd_percent,
       now() AS computed_at,
       (count(*) FILTER (WHERE NOT d.shipped))::integer AS late_unshipped
  FROM due AS d
 GROUP BY d.organization_id, d.customer_id, d.site_id, d.month;
CREATE UNIQUE INDEX production_kpi_otd_id ON app_private.production_kpi_otd (id);
COMMENT ON MATERIALIZED VIEW app_private.production_kpi_otd IS
  'On-time delivery per tenant, customer, plant and month promised (UTC): shipments due (shipped, or not shipped past the promised date; not cancelled), those shipped on or before the promised date, those overdue and not shipped; read through app.production_kpi_otd.';

-- Scrap rate counts the runs' rejects (total - good: startup and production
-- rejects) next to the MRB scrap dispositions, each in its own column.
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
