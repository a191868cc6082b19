-- Deploy pulse:integration/sap_receipts to pg
-- requires: integration/sap

BEGIN;

-- Receipts against SAP purchase order lines, and SAP outbound messages that
-- wait for a mapping (db/functions/97_integration, docs/manufacturing/integration.md).

-- A receipt may name the purchase order line it delivers (same tenant: composite key).
ALTER TABLE app.receipts ADD COLUMN purchase_order_line_id uuid;
ALTER TABLE app.receipts ADD CONSTRAINT receipts_purchase_order_line_fkey
  FOREIGN KEY (organization_id, purchase_order_line_id) REFERENCES app.purchase_order_lines (organization_id, id);
CREATE INDEX receipts_purchase_order_line_idx ON app.receipts (organization_id, purchase_order_line_id)
  WHERE purchase_order_line_id IS NOT NULL;
COMMENT ON COLUMN app.receipts.purchase_order_line_id IS
  E'Purchase order line\npurchase_order_lines.id this receipt delivers, when received against an SAP purchase order: its delivery date is the due date, the received quantity counts against the line''s open quantity.';

-- SAP's "delivery completed" on a line: nothing more is received against it.
ALTER TABLE app.purchase_order_lines ADD COLUMN delivery_completed boolean NOT NULL DEFAULT false;
COMMENT ON COLUMN app.purchase_order_lines.delivery_completed IS
  E'Delivery completed\nSAP closed the line (delivery completed indicator): no further receipt against it.';

-- An outbound message that SAP could not use (a mapping is missing) is kept
-- blocked, with its reason, until the mapping exists and it is replayed.
ALTER TABLE app.sap_outbound_messages DROP CONSTRAINT sap_outbound_messages_status_known;
ALTER TABLE app.sap_outbound_messages ADD CONSTRAINT sap_outbound_messages_status_known
  CHECK (status IN ('pending', 'sent', 'dead', 'blocked'));
ALTER TABLE app.sap_outbound_messages ADD COLUMN blocked_reason text
  CONSTRAINT sap_outbound_messages_blocked_reason_format CHECK (blocked_reason ~ '^[a-z_]+\.[a-z_]+$');
ALTER TABLE app.sap_outbound_messages ADD CONSTRAINT sap_outbound_messages_blocked_has_reason
  CHECK ((status = 'blocked') = (blocked_reason IS NOT NULL));
COMMENT ON COLUMN app.sap_outbound_messages.status IS
  E'Status\npending, sent, dead (every attempt failed) or blocked (not sendable: a mapping is missing, see blocked_reason and last_error).';
COMMENT ON COLUMN app.sap_outbound_messages.blocked_reason IS
  E'Blocked reason\nWhy a blocked message is not sent (sap_mapping.missing); last_error names what is missing. Replaying it after mapping rebuilds it.';

-- The retention job deletes settled messages by age.
CREATE INDEX sap_outbound_messages_settled_idx ON app.sap_outbound_messages (updated_at) WHERE status IN ('sent', 'dead');
CREATE INDEX sap_sync_log_age_idx ON app.sap_sync_log (created_at);

COMMIT;
