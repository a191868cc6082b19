-- The quality and delivery KPIs (migration reporting/production_kpis):
-- on-time delivery, scrap rate, first pass yield and the aging of open NCRs
-- and CAPAs (8D). Materialized views in app_private refreshed concurrently by
-- the job refresh-kpis, read through these views. They read app_private, so
-- they run as their owner and filter by the caller: the active tenant, staff
-- (not portal users) holding the permission of what they count tenant-wide
-- or at the row's plant.

CREATE OR REPLACE VIEW app.production_kpi_otd WITH (security_barrier) AS
SELECT k.id, k.organization_id, k.customer_id, k.site_id, k.month, k.shipments, k.on_time, k.otd_percent, k.computed_at, k.late_unshipped
  FROM app_private.production_kpi_otd AS k
 WHERE k.organization_id = (SELECT auth.org_id()) AND (SELECT auth.partner_id()) IS NULL
   AND ((SELECT auth.has_permission('shipment.read')) OR k.site_id = ANY ((SELECT auth.permitted_site_ids('shipment.read'))::uuid[]))
    OR (SELECT auth.is_platform_operator());
COMMENT ON VIEW app.production_kpi_otd IS
  E'On-time delivery\nPer customer, plant and month promised (UTC): shipments due (shipped, or overdue and not shipped: late as of the refresh, so a past month''s unshipped ones are late as of its end; cancelled ones left out), those shipped on or before the promised date, those overdue and not shipped, and OTD in percent. Staff with shipment.read tenant-wide or at the plant. Refreshed every 15 minutes (computed_at).';
COMMENT ON COLUMN app.production_kpi_otd.id IS E'Row id\nA uuid made from the row''s grouping key (stable across refreshes).';
COMMENT ON COLUMN app.production_kpi_otd.organization_id IS E'Tenant';
COMMENT ON COLUMN app.production_kpi_otd.customer_id IS E'Customer\npartners.id.';
COMMENT ON COLUMN app.production_kpi_otd.site_id IS E'Plant\nThe ship-from plant.';
COMMENT ON COLUMN app.production_kpi_otd.month IS E'Month\nThe first day of the month promised (UTC).';
COMMENT ON COLUMN app.production_kpi_otd.late_unshipped IS E'Late, not shipped\nPromised before the refresh day and not shipped: counted late.';
COMMENT ON COLUMN app.production_kpi_otd.shipments IS E'Shipments\nDue: with a promised date, not cancelled, shipped or past the promised date.';
COMMENT ON COLUMN app.production_kpi_otd.on_time IS E'On time\nShipped on or before the promised date.';
COMMENT ON COLUMN app.production_kpi_otd.otd_percent IS E'OTD (%)';
COMMENT ON COLUMN app.production_kpi_otd.computed_at IS E'Computed at';

-- Scrap in pieces (migration reporting/scrap_units): the materialized view
-- keeps each unit's scrapped quantity as recorded; here each is converted
-- with app.convert_unit, as the caller reads it. A unit of the count
-- dimension (pcs, or a dozen an operator added) converts to pieces and is
-- added to the runs' rejects; any other unit (kg, m) has no conversion to
-- pieces, so its dispositions are left out of the rate and counted apart,
-- with their quantity in the part's unit where it converts to it. Such a
-- disposition is not refused when it is made: scrapping 12 kg of bar stock
-- is a sound MRB decision; only a rate over pieces cannot hold it.
CREATE OR REPLACE VIEW app.production_kpi_scrap WITH (security_barrier) AS
SELECT k.id, k.organization_id, k.part_id, k.site_id, k.month, k.produced, s.scrapped,
       round(100 * (s.scrapped + k.run_rejects) / nullif(k.produced, 0), 2) AS scrap_percent, k.computed_at, k.run_rejects,
       s.unconverted AS scrap_unconverted, s.unconverted_quantity AS scrap_unconverted_quantity, k.unit
  FROM app_private.production_kpi_scrap AS k
  CROSS JOIN LATERAL (
    SELECT coalesce(sum(CASE WHEN u.dimension = pcs.dimension
                             THEN app.convert_unit((e.value ->> 'quantity')::numeric, e.key, pcs.code) END), 0) AS scrapped,
           coalesce(sum(CASE WHEN u.dimension IS DISTINCT FROM pcs.dimension THEN (e.value ->> 'dispositions')::integer END), 0)::integer AS unconverted,
           sum(CASE WHEN u.dimension IS DISTINCT FROM pcs.dimension AND u.dimension = pu.dimension
                    THEN app.convert_unit((e.value ->> 'quantity')::numeric, e.key, pu.code) END) AS unconverted_quantity
      FROM pg_catalog.jsonb_each(k.scrap_by_unit) AS e
      LEFT JOIN app.units AS u ON u.code = e.key
      LEFT JOIN app.units AS pcs ON pcs.code = 'pcs'
      LEFT JOIN app.units AS pu ON pu.code = k.unit) AS s
 WHERE k.organization_id = (SELECT auth.org_id()) AND (SELECT auth.partner_id()) IS NULL
   AND ((SELECT auth.has_permission('ncr.read')) OR k.site_id = ANY ((SELECT auth.permitted_site_ids('ncr.read'))::uuid[]))
    OR (SELECT auth.is_platform_operator());
COMMENT ON VIEW app.production_kpi_scrap IS
  E'Scrap rate\nPer part, plant and month: pieces made in production runs (by the month of their scheduled start), pieces scrapped by MRB dispositions of NCRs not cancelled (by the month approved; a disposition''s quantity is converted from its unit to pieces with app.convert_unit), the runs'' rejects (total - good: startup and production rejects), and (scrapped + run rejects) / produced in percent (empty when nothing was made). A scrap disposition in a unit that is no count (kg, m: there is no conversion to pieces) is left out of scrapped and the rate and counted in scrap_unconverted, its quantity in the part''s unit in scrap_unconverted_quantity. Staff with ncr.read tenant-wide or at the plant. Refreshed every 15 minutes (computed_at).';
COMMENT ON COLUMN app.production_kpi_scrap.id IS E'Row id\nA uuid made from the row''s grouping key (stable across refreshes).';
COMMENT ON COLUMN app.production_kpi_scrap.organization_id IS E'Tenant';
COMMENT ON COLUMN app.production_kpi_scrap.part_id IS E'Part';
COMMENT ON COLUMN app.production_kpi_scrap.site_id IS E'Plant';
COMMENT ON COLUMN app.production_kpi_scrap.month IS E'Month\nThe first day of the month (UTC).';
COMMENT ON COLUMN app.production_kpi_scrap.produced IS E'Produced\nTotal count of the production runs.';
COMMENT ON COLUMN app.production_kpi_scrap.scrapped IS E'MRB scrap\nPieces scrapped by MRB dispositions of NCRs: each disposition converted from its unit to pieces (pcs); those in a unit that is no count are in scrap_unconverted instead.';
COMMENT ON COLUMN app.production_kpi_scrap.scrap_unconverted IS E'Scrap not in pieces\nScrap dispositions in a unit that does not convert to pieces (a part kept in kg or m): left out of scrapped and scrap_percent.';
COMMENT ON COLUMN app.production_kpi_scrap.scrap_unconverted_quantity IS E'Scrap not in pieces, quantity\nThe quantity of those dispositions in the part''s unit (unit); empty when there are none (or none converts to the part''s unit).';
COMMENT ON COLUMN app.production_kpi_scrap.unit IS E'Part''s unit\nunits.code the part is counted in: the unit of scrap_unconverted_quantity.';
COMMENT ON COLUMN app.production_kpi_scrap.run_rejects IS E'Run rejects\nPieces of the production runs not good (total - good: startup and production rejects).';
COMMENT ON COLUMN app.production_kpi_scrap.scrap_percent IS E'Scrap rate (%)\n(MRB scrap in pieces + run rejects) / produced.';
COMMENT ON COLUMN app.production_kpi_scrap.computed_at IS E'Computed at';

CREATE OR REPLACE VIEW app.production_kpi_fpy WITH (security_barrier) AS
SELECT k.id, k.organization_id, k.part_id, k.site_id, k.line, k.month, k.inspections, k.passed_first_time, k.fpy_percent, k.computed_at
  FROM app_private.production_kpi_fpy AS k
 WHERE k.organization_id = (SELECT auth.org_id()) AND (SELECT auth.partner_id()) IS NULL
   AND ((SELECT auth.has_permission('inspection.read')) OR k.site_id = ANY ((SELECT auth.permitted_site_ids('inspection.read'))::uuid[]))
    OR (SELECT auth.is_platform_operator());
COMMENT ON VIEW app.production_kpi_fpy IS
  E'First pass yield\nPer part, plant, line and month of completion (UTC): completed in-process, final and first article inspections, those that passed first time (no out-of-spec measurement on the way; the source of inspection_fpy) and FPY in percent. Staff with inspection.read tenant-wide or at the plant. Refreshed every 15 minutes (computed_at).';
COMMENT ON COLUMN app.production_kpi_fpy.id IS E'Row id\nA uuid made from the row''s grouping key (stable across refreshes).';
COMMENT ON COLUMN app.production_kpi_fpy.organization_id IS E'Tenant';
COMMENT ON COLUMN app.production_kpi_fpy.part_id IS E'Part';
COMMENT ON COLUMN app.production_kpi_fpy.site_id IS E'Plant';
COMMENT ON COLUMN app.production_kpi_fpy.line IS E'Line\nThe inspections line or cell (free text; empty when none).';
COMMENT ON COLUMN app.production_kpi_fpy.month IS E'Month\nThe first day of the month of completion (UTC).';
COMMENT ON COLUMN app.production_kpi_fpy.inspections IS E'Inspections';
COMMENT ON COLUMN app.production_kpi_fpy.passed_first_time IS E'Passed first time';
COMMENT ON COLUMN app.production_kpi_fpy.fpy_percent IS E'FPY (%)';
COMMENT ON COLUMN app.production_kpi_fpy.computed_at IS E'Computed at';

-- NCRs need ncr.read, CAPAs capa.read (a CAPA without a site: tenant-wide holders only).
CREATE OR REPLACE VIEW app.production_kpi_aging WITH (security_barrier) AS
SELECT k.id, k.organization_id, k.site_id, k.kind, k.open_count, k.days_0_to_7, k.days_8_to_30, k.days_31_to_90, k.over_90_days, k.oldest_days, k.computed_at
  FROM app_private.production_kpi_aging AS k
 WHERE k.organization_id = (SELECT auth.org_id()) AND (SELECT auth.partner_id()) IS NULL
   AND CASE k.kind WHEN 'ncr' THEN (SELECT auth.has_permission('ncr.read')) OR k.site_id = ANY ((SELECT auth.permitted_site_ids('ncr.read'))::uuid[])
                   ELSE (SELECT auth.has_permission('capa.read')) OR k.site_id = ANY ((SELECT auth.permitted_site_ids('capa.read'))::uuid[]) END
    OR (SELECT auth.is_platform_operator());
COMMENT ON VIEW app.production_kpi_aging IS
  E'NCR and 8D aging\nOpen NCRs (kind ncr) and open CAPAs / 8D reports (kind capa) per site by whole days open since they were raised: 0-7, 8-30, 31-90, over 90, and the oldest. Staff with ncr.read (NCRs) or capa.read (CAPAs) tenant-wide or at the site. Refreshed every 15 minutes (computed_at).';
COMMENT ON COLUMN app.production_kpi_aging.id IS E'Row id\nA uuid made from the row''s grouping key (stable across refreshes).';
COMMENT ON COLUMN app.production_kpi_aging.organization_id IS E'Tenant';
COMMENT ON COLUMN app.production_kpi_aging.site_id IS E'Site\nEmpty for CAPAs without one.';
COMMENT ON COLUMN app.production_kpi_aging.kind IS E'Kind\nncr or capa.';
COMMENT ON COLUMN app.production_kpi_aging.open_count IS E'Open';
COMMENT ON COLUMN app.production_kpi_aging.days_0_to_7 IS E'0-7 days';
COMMENT ON COLUMN app.production_kpi_aging.days_8_to_30 IS E'8-30 days';
COMMENT ON COLUMN app.production_kpi_aging.days_31_to_90 IS E'31-90 days';
COMMENT ON COLUMN app.production_kpi_aging.over_90_days IS E'Over 90 days';
COMMENT ON COLUMN app.production_kpi_aging.oldest_days IS E'Oldest (days)';
COMMENT ON COLUMN app.production_kpi_aging.computed_at IS E'Computed at';
