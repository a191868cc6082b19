-- Revert pulse:integration/sap_receipts from pg

BEGIN;

DROP INDEX app.sap_sync_log_age_idx;
DROP INDEX app.sap_outbound_messages_settled_idx;
DELETE FROM app.sap_outbound_messages WHERE status = 'blocked';
ALTER TABLE app.sap_outbound_messages DROP CONSTRAINT sap_outbound_messages_blocked_has_reason;
ALTER TABLE app.sap_outbound_messages DROP COLUMN blocked_reason;
ALTER TABLE app.sap_outbound_messages DROP CONSTRAINT sap_outbound_messages_status_known;
ALTER TABLE app.sap_outbound_messages ADD CONSTRAINT sap_outbound_messages_status_known CHECK (status IN ('pending', 'sent', 'dead'));
COMMENT ON COLUMN app.sap_outbound_messages.status IS E'Status\npending, sent or dead.';
ALTER TABLE app.purchase_order_lines DROP COLUMN delivery_completed;
ALTER TABLE app.receipts DROP COLUMN purchase_order_line_id;

COMMIT;
