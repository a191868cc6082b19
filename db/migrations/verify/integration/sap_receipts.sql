-- Verify pulse:integration/sap_receipts on pg

BEGIN;

SELECT purchase_order_line_id FROM app.receipts WHERE false;
SELECT delivery_completed FROM app.purchase_order_lines WHERE false;
SELECT blocked_reason FROM app.sap_outbound_messages WHERE false;

ROLLBACK;
