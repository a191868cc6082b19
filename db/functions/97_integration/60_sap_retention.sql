-- Retention of the SAP exchange (migration integration/sap_receipts adds the
-- indexes it uses): like webhook deliveries (docs/platform/webhooks.md,
-- "Retention"), with the same operator settings (app_private.webhook_settings).
-- The scheduled job purge-sap-messages (app_private.jobs(), daily) deletes
-- sent messages (their attempts in the sync log go with them) settled longer
-- than retention ago (30 days), dead and blocked ones after dead_retention
-- (90 days), inbound log rows after retention, and staged rows applied or
-- refused longer than retention ago. Pending messages and their log stay
-- whatever their age. The tables are purged, not partitioned: a tenant's SAP
-- traffic is a few thousand rows a day, which a daily indexed delete keeps
-- small (docs/manufacturing/integration.md, "Retention").

CREATE OR REPLACE FUNCTION app_private.purge_sap_messages(p_as_of timestamptz DEFAULT now()) RETURNS text
LANGUAGE plpgsql VOLATILE
SET search_path = ''
AS $$
DECLARE
  v_settings app_private.webhook_settings;
  v_messages integer;
  v_log integer;
  v_staged integer;
  v_more integer;
BEGIN
  SELECT * INTO v_settings FROM app_private.webhook_settings;
  DELETE FROM app.sap_outbound_messages AS m
   WHERE (m.status = 'sent' AND m.updated_at < p_as_of - v_settings.retention)
      OR (m.status IN ('dead', 'blocked') AND m.updated_at < p_as_of - v_settings.dead_retention);
  GET DIAGNOSTICS v_messages = ROW_COUNT;
  DELETE FROM app.sap_sync_log AS l WHERE l.message_id IS NULL AND l.created_at < p_as_of - v_settings.retention;
  GET DIAGNOSTICS v_log = ROW_COUNT;
  DELETE FROM app.sap_staged_materials AS s WHERE s.status <> 'staged' AND s.applied_at < p_as_of - v_settings.retention;
  GET DIAGNOSTICS v_staged = ROW_COUNT;
  DELETE FROM app.sap_staged_purchase_orders AS s WHERE s.status <> 'staged' AND s.applied_at < p_as_of - v_settings.retention;
  GET DIAGNOSTICS v_more = ROW_COUNT;
  RETURN pg_catalog.format('%s SAP messages (with their attempts), %s inbound log rows and %s staged rows purged',
                           v_messages, v_log, v_staged + v_more);
END
$$;
COMMENT ON FUNCTION app_private.purge_sap_messages(timestamptz) IS
  'Scheduled job purge-sap-messages: deletes SAP messages sent longer than webhook_settings.retention ago (with their sync log rows), dead and blocked ones after dead_retention, inbound sync log rows after retention, and staged materials and purchase orders applied or refused longer than retention ago; pending messages stay.';
