-- Verify pulse:quality/supplier_ppm_after_receipt on pg

BEGIN;

SELECT quantity_received, ncrs_after_receipt, quantity_nonconforming_after_receipt FROM app_private.quality_kpi_supplier_scorecard WHERE false;

ROLLBACK;
