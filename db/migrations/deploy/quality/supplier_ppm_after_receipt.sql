-- Deploy pulse:quality/supplier_ppm_after_receipt to pg
-- Supplier PPM counts the supplier's nonconforming material found after
-- receipt: the nonconforming quantity of NCRs attributed to the supplier
-- (ncrs.supplier_id), raised after receiving inspection (detection not
-- 'receiving': in production, at final inspection, at the customer, in an
-- audit) and naming a lot received from that supplier (or a serial of such
-- a lot), counted in the period the NCR was raised (UTC), not cancelled,
-- converted to the receipt's unit. PPM is the standard definition:
-- (quantity rejected at receipt + nonconforming after receipt) x 1,000,000
-- / quantity received in the period. Receiving rejections are counted by the
-- receipts only (an NCR detected at receiving is the same material).
-- The app view (repeatable 80_quality/26_scorecard.sql) is made again over it.

BEGIN;

DROP VIEW IF EXISTS app.quality_kpi_supplier_scorecard;
DROP MATERIALIZED VIEW app_private.quality_kpi_supplier_scorecard;
CREATE MATERIALIZED VIEW app_private.quality_kpi_supplier_scorecard AS
WITH periods AS (
  SELECT 'month'::text AS period, 'month'::text AS unit UNION ALL SELECT 'quarter', 'quarter'
), deliveries AS (
  SELECT r.organization_id, r.supplier_id, p.period, date_trunc(p.unit, r.received_on)::date AS period_start,
         count(*)::integer AS receipts, (count(*) FILTER (WHERE r.on_time))::integer AS receipts_on_time,
         sum(r.quantity) AS quantity_received,
         coalesce(sum(r.quantity) FILTER (WHERE r.status <> 'awaiting_decision'), 0) AS quantity_decided,
         coalesce(sum(r.rejected_quantity), 0) AS quantity_rejected
    FROM app.receipts AS r CROSS JOIN periods AS p
   GROUP BY r.organization_id, r.supplier_id, p.period, date_trunc(p.unit, r.received_on)
), after_receipt AS (
  -- One row per NCR: the first received lot of its supplier it names.
  SELECT DISTINCT ON (n.organization_id, n.id) n.organization_id, n.supplier_id, n.created_at,
         trim_scale(round((n.nonconforming_quantity * fu.factor + fu.base_offset - tu.base_offset) / tu.factor, 15)) AS quantity
    FROM app.ncrs AS n
    JOIN app.ncr_items AS i ON i.organization_id = n.organization_id AND i.ncr_id = n.id
    LEFT JOIN app.serials AS s ON s.organization_id = i.organization_id AND s.id = i.serial_id
    JOIN app.receipts AS r ON r.organization_id = n.organization_id AND r.supplier_id = n.supplier_id
                          AND r.lot_id = coalesce(i.lot_id, s.lot_id)
    JOIN app.units AS fu ON fu.code = n.unit
    JOIN app.units AS tu ON tu.code = r.unit AND tu.dimension = fu.dimension
   WHERE n.supplier_id IS NOT NULL AND n.detection <> 'receiving' AND n.status <> 'cancelled'
   ORDER BY n.organization_id, n.id, r.received_at, r.id
), found_after AS (
  SELECT a.organization_id, a.supplier_id, p.period, date_trunc(p.unit, a.created_at AT TIME ZONE 'UTC')::date AS period_start,
         count(*)::integer AS ncrs_after_receipt, sum(a.quantity) AS quantity_nonconforming_after_receipt
    FROM after_receipt AS a CROSS JOIN periods AS p
   GROUP BY a.organization_id, a.supplier_id, p.period, date_trunc(p.unit, a.created_at AT TIME ZONE 'UTC')
), requests AS (
  SELECT s.organization_id, s.supplier_id, p.period, date_trunc(p.unit, s.issued_at AT TIME ZONE 'UTC')::date AS period_start,
         (count(*) FILTER (WHERE c.status <> 'cancelled'))::integer AS scars_issued,
         (count(*) FILTER (WHERE c.status = 'closed'))::integer AS scars_closed,
         round((avg(extract(epoch FROM c.closed_at - s.issued_at)) FILTER (WHERE c.status = 'closed') / 86400)::numeric, 1) AS avg_days_to_close
    FROM app.scars AS s
    JOIN app.capas AS c ON c.organization_id = s.organization_id AND c.id = s.capa_id
   CROSS JOIN periods AS p
   GROUP BY s.organization_id, s.supplier_id, p.period, date_trunc(p.unit, s.issued_at AT TIME ZONE 'UTC')
)
SELECT md5(concat_ws('|', k.organization_id, k.supplier_id, k.period, k.period_start))::uuid AS id,
       k.organization_id, k.supplier_id, k.period, k.period_start,
       coalesce(d.receipts, 0) AS receipts, coalesce(d.receipts_on_time, 0) AS receipts_on_time,
       round(100.0 * d.receipts_on_time / nullif(d.receipts, 0), 1) AS on_time_percent,
       coalesce(d.quantity_received, 0) AS quantity_received,
       coalesce(d.quantity_decided, 0) AS quantity_decided, coalesce(d.quantity_rejected, 0) AS quantity_rejected,
       coalesce(f.ncrs_after_receipt, 0) AS ncrs_after_receipt,
       coalesce(f.quantity_nonconforming_after_receipt, 0) AS quantity_nonconforming_after_receipt,
       round((coalesce(d.quantity_rejected, 0) + coalesce(f.quantity_nonconforming_after_receipt, 0)) * 1000000
             / nullif(d.quantity_received, 0))::integer AS ppm,
       coalesce(q.scars_issued, 0) AS scars_issued, coalesce(q.scars_closed, 0) AS scars_closed,
       round(100.0 * q.scars_closed / nullif(q.scars_issued, 0), 1) AS scar_closure_percent,
       q.avg_days_to_close,
       now() AS computed_at
  FROM (SELECT organization_id, supplier_id, period, period_start FROM deliveries
        UNION SELECT organization_id, supplier_id, period, period_start FROM found_after
        UNION SELECT organization_id, supplier_id, period, period_start FROM requests) AS k
  LEFT JOIN deliveries AS d USING (organization_id, supplier_id, period, period_start)
  LEFT JOIN found_after AS f USING (organization_id, supplier_id, period, period_start)
  LEFT JOIN requests AS q USING (organization_id, supplier_id, period, period_start);
CREATE UNIQUE INDEX quality_kpi_supplier_scorecard_id ON app_private.quality_kpi_supplier_scorecard (id);
CREATE UNIQUE INDEX quality_kpi_supplier_scorecard_key ON app_private.quality_kpi_supplier_scorecard (organization_id, supplier_id, period, period_start);
COMMENT ON MATERIALIZED VIEW app_private.quality_kpi_supplier_scorecard IS
  'The supplier scorecard per tenant, supplier and period (month, quarter): receipts and on-time deliveries, received, decided and rejected quantity, the supplier''s NCRs found after receipt (by the period raised) and PPM = (rejected + nonconforming after receipt) / received x 1,000,000, SCARs issued and closed and the days to close; refreshed by the job refresh-kpis, read through app.quality_kpi_supplier_scorecard.';

COMMIT;
