-- Revert pulse:quality/suppliers from pg

BEGIN;

DROP MATERIALIZED VIEW app_private.quality_kpi_supplier_scorecard CASCADE;
DROP TABLE app.scars, app.receipts, app.approved_suppliers CASCADE;
DROP TYPE app.scar_status, app.receipt_status, app.supplier_approval_basis, app.supplier_approval_status CASCADE;

COMMIT;
