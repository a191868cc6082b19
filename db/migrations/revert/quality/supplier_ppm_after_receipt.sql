-- Revert pulse:quality/supplier_ppm_after_receipt from pg

BEGIN;

DROP VIEW IF EXISTS app.quality_kpi_supplier_scorecard;
DROP MATERIALIZED VIEW app_private.quality_kpi_supplier_scorecard;
CREATE MATERIALIZED VIEW app_private.quality_kpi_supplier_scorecard AS
WITH periods AS (
  SELECT 'month'::text AS period, 'month'::text AS unit UNION ALL SELECT 'quarter', 'quarter'
), deliveries AS (
  SELECT r.organization_id, r.supplier_id, p.period, date_trunc(p.unit, r.received_on)::date AS period_start,
         count(*)::integer AS receipts, (count(*) FILTER (WHERE r.on_time))::integer AS receipts_on_time,
         coalesce(sum(r.quantity) FILTER (WHERE r.status <> 'awaiting_decision'), 0) AS quantity_decided,
         coalesce(sum(r.rejected_quantity), 0) AS quantity_rejected
    FROM app.receipts AS r CROSS JOIN periods AS p
   GROUP BY r.organization_id, r.supplier_id, p.period, date_trunc(p.unit, r.received_on)
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
       coalesce(d.quantity_decided, 0) AS quantity_decided, coalesce(d.quantity_rejected, 0) AS quantity_rejected,
       round(d.quantity_rejected * 1000000 / nullif(d.quantity_decided, 0))::integer AS ppm,
       coalesce(q.scars_issued, 0) AS scars_issued, coalesce(q.scars_closed, 0) AS scars_closed,
       round(100.0 * q.scars_closed / nullif(q.scars_issued, 0), 1) AS scar_closure_percent,
       q.avg_days_to_close,
       now() AS computed_at
  FROM (SELECT organization_id, supplier_id, period, period_start FROM deliveries
        UNION SELECT organization_id, supplier_id, period, period_start FROM requests) AS k
  LEFT JOIN deliveries AS d USING (organization_id, supplier_id, period, period_start)
  LEFT JOIN requests AS q USING (organization_id, supplier_id, period, period_start);
CREATE UNIQUE INDEX quality_kpi_supplier_scorecard_id ON app_private.quality_kpi_supplier_scorecard (id);
CREATE UNIQUE INDEX quality_kpi_supplier_scorecard_key ON app_private.quality_kpi_supplier_scorecard (organization_id, supplier_id, period, period_start);
COMMENT ON MATERIALIZED VIEW app_private.quality_kpi_supplier_scorecard IS
  'The supplier scorecard per tenant, supplier and period (month, quarter): receipts and on-time deliveries, decided and rejected quantity and PPM, SCARs issued and closed and the days to close; refreshed by the job refresh-kpis, read through app.quality_kpi_supplier_scorecard.';

COMMIT;
