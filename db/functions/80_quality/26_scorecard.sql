-- The supplier scorecard (migration quality/suppliers): the materialized
-- view app_private.quality_kpi_supplier_scorecard, refreshed concurrently by
-- the job refresh-kpis (50_platform/90_kpis.sql), read through this view. A
-- materialized view has no row-level security, so the view runs as its
-- owner and filters by the caller: the active tenant; staff holding
-- supplier.read tenant-wide; a supplier's portal user (partner.read) sees
-- only their own supplier's rows.

CREATE OR REPLACE VIEW app.quality_kpi_supplier_scorecard WITH (security_barrier) AS
SELECT k.id, k.organization_id, k.supplier_id, k.period, k.period_start, k.receipts, k.receipts_on_time, k.on_time_percent,
       k.quantity_received, k.quantity_decided, k.quantity_rejected, k.ncrs_after_receipt, k.quantity_nonconforming_after_receipt,
       k.ppm, k.scars_issued, k.scars_closed, k.scar_closure_percent, k.avg_days_to_close,
       k.computed_at
  FROM app_private.quality_kpi_supplier_scorecard AS k
 WHERE k.organization_id = (SELECT auth.org_id())
   AND CASE WHEN (SELECT auth.partner_id()) IS NULL THEN (SELECT auth.has_permission('supplier.read'))
            ELSE k.supplier_id = (SELECT auth.partner_id()) AND (SELECT auth.has_permission('partner.read')) END
    OR (SELECT auth.is_platform_operator());
COMMENT ON VIEW app.quality_kpi_supplier_scorecard IS
  E'Supplier scorecard\nPer supplier and period (month, quarter): receipts and the share on time (within supplier_on_time_tolerance_days), received, decided and rejected quantity, the supplier''s NCRs found after receipt (in production, at final inspection or at the customer, naming a lot received from the supplier; by the period they were raised) with their nonconforming quantity, and PPM = (rejected at receipt + nonconforming after receipt) / received x 1,000,000, SCARs issued in the period and how many are closed (their CAPA closed), the closure rate and average days to close. Staff with supplier.read see all suppliers, a supplier''s portal user only theirs. Refreshed every 15 minutes (computed_at).';
COMMENT ON COLUMN app.quality_kpi_supplier_scorecard.id IS E'Row id\nA uuid made from the row''s grouping key (stable across refreshes).';
COMMENT ON COLUMN app.quality_kpi_supplier_scorecard.organization_id IS E'Tenant';
COMMENT ON COLUMN app.quality_kpi_supplier_scorecard.supplier_id IS E'Supplier\npartners.id.';
COMMENT ON COLUMN app.quality_kpi_supplier_scorecard.period IS E'Period\nmonth or quarter.';
COMMENT ON COLUMN app.quality_kpi_supplier_scorecard.period_start IS E'Period start\nThe first day of the month or quarter (receipts by the day received, SCARs by the day issued).';
COMMENT ON COLUMN app.quality_kpi_supplier_scorecard.receipts IS E'Receipts';
COMMENT ON COLUMN app.quality_kpi_supplier_scorecard.receipts_on_time IS E'Receipts on time';
COMMENT ON COLUMN app.quality_kpi_supplier_scorecard.on_time_percent IS E'On-time delivery (%)';
COMMENT ON COLUMN app.quality_kpi_supplier_scorecard.quantity_received IS E'Quantity received\nReceived in the period (by the day received), decided or not, in each part''s unit.';
COMMENT ON COLUMN app.quality_kpi_supplier_scorecard.quantity_decided IS E'Quantity decided\nReceived quantity with a receiving decision (in each part''s unit).';
COMMENT ON COLUMN app.quality_kpi_supplier_scorecard.quantity_rejected IS E'Quantity rejected';
COMMENT ON COLUMN app.quality_kpi_supplier_scorecard.ncrs_after_receipt IS E'NCRs after receipt\nNCRs raised in the period against the supplier after receiving (detection other than receiving), naming a lot received from it or a serial of one; not cancelled.';
COMMENT ON COLUMN app.quality_kpi_supplier_scorecard.quantity_nonconforming_after_receipt IS E'Nonconforming after receipt\nThe nonconforming quantity of those NCRs, in the received lot''s unit.';
COMMENT ON COLUMN app.quality_kpi_supplier_scorecard.ppm IS E'PPM\nNonconforming parts per million received: (rejected at receipt + nonconforming after receipt) x 1,000,000 / received in the period.';
COMMENT ON COLUMN app.quality_kpi_supplier_scorecard.scars_issued IS E'SCARs issued\nNot counting those whose CAPA was cancelled.';
COMMENT ON COLUMN app.quality_kpi_supplier_scorecard.scars_closed IS E'SCARs closed';
COMMENT ON COLUMN app.quality_kpi_supplier_scorecard.scar_closure_percent IS E'SCAR closure rate (%)';
COMMENT ON COLUMN app.quality_kpi_supplier_scorecard.avg_days_to_close IS E'Average days to close\nFrom issue to the CAPA''s closure, of the closed SCARs.';
COMMENT ON COLUMN app.quality_kpi_supplier_scorecard.computed_at IS E'Computed at';
