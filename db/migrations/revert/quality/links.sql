-- Revert pulse:quality/links from pg

BEGIN;

DROP TABLE app.complaint_shipments;
ALTER TABLE app.spc_baselines DROP COLUMN change_order_id;
ALTER TABLE app.receipts DROP COLUMN inspection_id;
ALTER TABLE app.ncrs DROP COLUMN characteristic_id, DROP COLUMN inspection_id;

COMMIT;
