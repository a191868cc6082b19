-- Verify pulse:quality/links on pg

BEGIN;

SELECT inspection_id, characteristic_id FROM app.ncrs WHERE false;
SELECT inspection_id FROM app.receipts WHERE false;
SELECT change_order_id FROM app.spc_baselines WHERE false;
SELECT organization_id, id, complaint_id, shipment_id, shipment_item_id, created_at FROM app.complaint_shipments WHERE false;

ROLLBACK;
