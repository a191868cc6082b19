-- SAP outbound (migration integration/sap): a change SAP needs becomes one
-- message in the transaction that made it (rolled back with it), with its
-- payload built here, an entity version and an idempotency key; the worker
-- task config/worker/tasks/sap_deliver.mjs (which reuses the webhook task's
-- guarded HTTP client) asks app_private.sap_attempt_begin for the request,
-- POSTs it and reports to app_private.sap_attempt_finish, which logs the
-- attempt (app.sap_sync_log) and decides: sent, retry later (backoff from
-- the connection's retry_base, doubling, at most webhook_settings.retry_max)
-- or dead after the connection's max_attempts. app.replay_sap_message sends
-- a dead message again.
--
-- What is sent, and why: SAP's material master is what purchasing, MRP and
-- goods receipt in SAP key on, so a part's master data (part.changed: number,
-- name, unit, status) and its released revision (part_revision.released: the
-- revision level SAP keeps on the material) are sent; and a lot released from
-- quarantine or hold (lot.released, SAP object BATCH), which is SAP QM's
-- usage decision that frees the batch's stock. Shipments (SAP outbound
-- deliveries) and NCRs (quality notifications) are in
-- 32_sap_outbound_deliveries.sql. Messages are only
-- made while the tenant's connection is enabled, and changes that came FROM
-- SAP (app.apply_sap_staging) are not echoed back (40_sap_inbound.sql).

CREATE OR REPLACE FUNCTION app_private.sap_material_data(p_organization_id uuid, p_part_id uuid) RETURNS jsonb
LANGUAGE sql STABLE
SET search_path = ''
AS $$
  SELECT pg_catalog.jsonb_build_object(
    'material_number', p.part_number, 'description', p.name, 'long_text', p.description, 'base_unit', p.unit,
    'status', p.status,
    'revision_level', (SELECT r.revision FROM app.part_revisions AS r
                        WHERE r.organization_id = p.organization_id AND r.part_id = p.id AND r.status = 'released'))
    FROM app.parts AS p
   WHERE p.organization_id = p_organization_id AND p.id = p_part_id;
$$;
COMMENT ON FUNCTION app_private.sap_material_data(uuid, uuid) IS
  'The material master data of one part of one tenant, as SAP gets it: material_number, description (name), long_text, base_unit, status, revision_level (the released revision).';

DROP FUNCTION IF EXISTS app_private.enqueue_sap_message(uuid, text, text, text, uuid, jsonb);

CREATE OR REPLACE FUNCTION app_private.enqueue_sap_message(
  p_organization_id uuid, p_message_type text, p_sap_object_type text, p_entity_type text, p_entity_id uuid, p_data jsonb,
  p_missing text DEFAULT NULL
) RETURNS uuid
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = ''
AS $$
DECLARE
  v_connection app.sap_connections;
  v_version integer;
  v_number text;
  v_id uuid := public.uuid_generate_v7();
  v_key text;
BEGIN
  SELECT * INTO v_connection FROM app.sap_connections AS c WHERE c.organization_id = p_organization_id AND c.is_enabled;
  IF NOT FOUND THEN
    RETURN NULL;
  END IF;
  -- Versions of one entity are numbered in commit order: concurrent changes queue here.
  PERFORM pg_catalog.pg_advisory_xact_lock(pg_catalog.hashtextextended('sap:' || p_entity_id::text, 0));
  SELECT coalesce(max(m.entity_version), 0) + 1 INTO v_version FROM app.sap_outbound_messages AS m
   WHERE m.organization_id = p_organization_id AND m.entity_type = p_entity_type AND m.entity_id = p_entity_id;
  SELECT m.sap_object_number INTO v_number FROM app.sap_mappings AS m
   WHERE m.organization_id = p_organization_id AND m.sap_object_type = p_sap_object_type
     AND m.entity_type = p_entity_type AND m.entity_id = p_entity_id;
  v_key := p_entity_type || ':' || p_entity_id::text || ':' || v_version::text;
  INSERT INTO app.sap_outbound_messages
    (organization_id, id, idempotency_key, message_type, sap_object_type, sap_object_number, entity_type, entity_id,
     entity_version, payload, next_attempt_at, status, blocked_reason, last_error)
  VALUES (p_organization_id, v_id, v_key, p_message_type, p_sap_object_type, v_number, p_entity_type, p_entity_id, v_version,
          pg_catalog.jsonb_build_object(
            'idempotency_key', v_key, 'message_type', p_message_type,
            'sap', pg_catalog.jsonb_build_object('system_id', v_connection.system_id, 'client', v_connection.client),
            'object', pg_catalog.jsonb_build_object('type', p_sap_object_type, 'number', v_number),
            'entity', pg_catalog.jsonb_build_object('type', p_entity_type, 'id', p_entity_id, 'version', v_version),
            'data', p_data,
            'occurred_at', pg_catalog.to_char(pg_catalog.now() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')),
          CASE WHEN p_missing IS NULL THEN pg_catalog.now() END,
          CASE WHEN p_missing IS NULL THEN 'pending' ELSE 'blocked' END,
          CASE WHEN p_missing IS NOT NULL THEN 'sap_mapping.missing' END, left(p_missing, 2000));
  IF p_missing IS NOT NULL THEN
    RETURN v_id;  -- blocked: kept with its reason, sent once mapped and replayed
  END IF;
  PERFORM app_private.enqueue_job('sap_deliver', pg_catalog.jsonb_build_object('organization_id', p_organization_id, 'message_id', v_id),
    NULL, 'sap_message:' || v_id::text);
  RETURN v_id;
END
$$;
COMMENT ON FUNCTION app_private.enqueue_sap_message(uuid, text, text, text, uuid, jsonb, text) IS
  'Makes the next outbound message of an entity (version = its last + 1, idempotency key <entity_type>:<id>:<version>, the mapped SAP number, the payload {idempotency_key, message_type, sap, object, entity, data, occurred_at}) and queues task sap_deliver; with p_missing (what mapping SAP would need and does not have) the message is blocked instead (blocked_reason sap_mapping.missing, last_error p_missing) and no job is queued; nothing while the tenant has no enabled SAP connection. Returns the message id or NULL.';

CREATE OR REPLACE FUNCTION app_private.tg_parts__sap_outbound() RETURNS trigger
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = ''
AS $$
BEGIN
  IF TG_OP = 'UPDATE' AND (NEW.part_number, NEW.name, NEW.description, NEW.unit, NEW.status)
                          IS NOT DISTINCT FROM (OLD.part_number, OLD.name, OLD.description, OLD.unit, OLD.status) THEN
    RETURN NULL;
  END IF;
  PERFORM app_private.enqueue_sap_message(NEW.organization_id, 'part.changed', 'MATERIAL', 'part', NEW.id,
    app_private.sap_material_data(NEW.organization_id, NEW.id));
  RETURN NULL;
END
$$;
COMMENT ON FUNCTION app_private.tg_parts__sap_outbound() IS
  'AFTER INSERT or UPDATE of master data on app.parts: an SAP MATERIAL message part.changed when the tenant syncs with SAP.';

CREATE OR REPLACE TRIGGER _600_sap_outbound AFTER INSERT OR UPDATE OF part_number, name, description, unit, status ON app.parts
  FOR EACH ROW EXECUTE FUNCTION app_private.tg_parts__sap_outbound();

CREATE OR REPLACE FUNCTION app_private.tg_part_revisions__sap_outbound() RETURNS trigger
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = ''
AS $$
BEGIN
  PERFORM app_private.enqueue_sap_message(NEW.organization_id, 'part_revision.released', 'MATERIAL', 'part', NEW.part_id,
    app_private.sap_material_data(NEW.organization_id, NEW.part_id));
  RETURN NULL;
END
$$;
COMMENT ON FUNCTION app_private.tg_part_revisions__sap_outbound() IS
  'AFTER UPDATE OF status on app.part_revisions, when a revision becomes released: an SAP MATERIAL message part_revision.released (the part''s data with its new revision level).';

CREATE OR REPLACE TRIGGER _600_sap_outbound AFTER UPDATE OF status ON app.part_revisions
  FOR EACH ROW WHEN (NEW.status = 'released' AND OLD.status IS DISTINCT FROM 'released')
  EXECUTE FUNCTION app_private.tg_part_revisions__sap_outbound();

-- A lot released (quarantine or hold lifted): in SAP the batch's usage
-- decision, which frees the stock for use; the batch is the lot number, its
-- material the part's MATERIAL mapping (or part number), its plant the site.
CREATE OR REPLACE FUNCTION app_private.sap_batch_data(p_organization_id uuid, p_lot_id uuid) RETURNS jsonb
LANGUAGE sql STABLE
SET search_path = ''
AS $$
  SELECT pg_catalog.jsonb_build_object(
    'batch_number', l.lot_number,
    'material_number', coalesce(
      (SELECT m.sap_object_number FROM app.sap_mappings AS m
        WHERE m.organization_id = l.organization_id AND m.sap_object_type = 'MATERIAL' AND m.part_id = l.part_id),
      p.part_number),
    'plant', s.code, 'quantity', l.quantity, 'remaining_quantity', l.remaining_quantity, 'unit', l.unit,
    'quality_status', l.quality_status, 'supplier_lot', l.supplier_lot,
    'revision_level', (SELECT r.revision FROM app.part_revisions AS r
                        WHERE r.organization_id = l.organization_id AND r.id = l.part_revision_id))
    FROM app.lots AS l
    JOIN app.parts AS p ON p.organization_id = l.organization_id AND p.id = l.part_id
    JOIN app.sites AS s ON s.organization_id = l.organization_id AND s.id = l.site_id
   WHERE l.organization_id = p_organization_id AND l.id = p_lot_id;
$$;
COMMENT ON FUNCTION app_private.sap_batch_data(uuid, uuid) IS
  'A tenant''s lot as an SAP batch: batch_number (the lot number), material_number (the part''s MATERIAL mapping, else its part number), plant (the site code), quantity, remaining_quantity, unit, quality_status, supplier_lot, revision_level.';

CREATE OR REPLACE FUNCTION app_private.tg_lots__sap_outbound() RETURNS trigger
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = ''
AS $$
BEGIN
  PERFORM app_private.enqueue_sap_message(NEW.organization_id, 'lot.released', 'BATCH', 'lot', NEW.id,
    app_private.sap_batch_data(NEW.organization_id, NEW.id));
  RETURN NULL;
END
$$;
COMMENT ON FUNCTION app_private.tg_lots__sap_outbound() IS
  'AFTER UPDATE OF quality_status on app.lots, when a quarantined or held lot is released: an SAP BATCH message lot.released (the usage decision) when the tenant syncs with SAP.';

CREATE OR REPLACE TRIGGER _600_sap_outbound AFTER UPDATE OF quality_status ON app.lots
  FOR EACH ROW WHEN (NEW.quality_status = 'released' AND OLD.quality_status IS DISTINCT FROM 'released')
  EXECUTE FUNCTION app_private.tg_lots__sap_outbound();

CREATE OR REPLACE TRIGGER _100_touch_updated_at BEFORE UPDATE ON app.sap_outbound_messages
  FOR EACH ROW EXECUTE FUNCTION app_private.tg__touch_updated_at();

CREATE OR REPLACE FUNCTION app_private.sap_attempt_begin(p_organization_id uuid, p_message_id uuid)
RETURNS TABLE (url text, headers jsonb, body text, timeout_ms integer, max_response_bytes integer, attempt_number integer)
LANGUAGE plpgsql VOLATILE
SET search_path = ''
AS $$
DECLARE
  v_message app.sap_outbound_messages;
  v_connection app.sap_connections;
  v_settings app_private.webhook_settings;
  v_password text;
BEGIN
  SELECT * INTO v_message FROM app.sap_outbound_messages AS m
   WHERE m.organization_id = p_organization_id AND m.id = p_message_id FOR UPDATE;
  IF NOT FOUND OR v_message.status <> 'pending' THEN
    RETURN;  -- sent, dead or gone: nothing to send
  END IF;
  SELECT * INTO v_connection FROM app.sap_connections AS c WHERE c.organization_id = p_organization_id;
  IF NOT coalesce(v_connection.is_enabled, false) THEN
    UPDATE app.sap_outbound_messages AS m
       SET status = 'dead', next_attempt_at = NULL, last_error = 'SAP sync was turned off before the message was sent'
     WHERE m.organization_id = p_organization_id AND m.id = p_message_id;
    RETURN;
  END IF;
  SELECT s.password INTO v_password FROM app_private.sap_credentials AS s
   WHERE s.organization_id = p_organization_id AND s.connection_id = v_connection.id;
  SELECT * INTO v_settings FROM app_private.webhook_settings;
  url := v_connection.endpoint_url;
  body := v_message.payload::text;
  attempt_number := v_message.attempt_count + 1;
  headers := pg_catalog.jsonb_build_object(
    'Content-Type', 'application/json', 'User-Agent', 'Pulse-SAP/1',
    'Authorization', 'Basic ' || pg_catalog.translate(pg_catalog.encode(
       pg_catalog.convert_to(v_connection.username || ':' || coalesce(v_password, ''), 'UTF8'), 'base64'), E'\n', ''),
    'sap-client', v_connection.client, 'Idempotency-Key', v_message.idempotency_key,
    'Pulse-SAP-Message-Id', v_message.id, 'Pulse-SAP-Attempt', attempt_number::text);
  timeout_ms := v_settings.timeout_ms;
  max_response_bytes := v_settings.max_response_bytes;
  RETURN NEXT;
END
$$;
COMMENT ON FUNCTION app_private.sap_attempt_begin(uuid, uuid) IS
  'For the worker: the request of a pending SAP message''s next attempt (the connection''s URL; headers with basic authentication, sap-client, Idempotency-Key; the payload; the webhook timeout and response limit); no row when the message is no longer pending; a message whose connection was turned off is dead.';

CREATE OR REPLACE FUNCTION app_private.sap_attempt_finish(
  p_organization_id uuid, p_message_id uuid, p_attempt_number integer, p_http_status integer, p_duration_ms integer,
  p_error text, p_response_excerpt text
) RETURNS text
LANGUAGE plpgsql VOLATILE
SET search_path = ''
AS $$
DECLARE
  v_message app.sap_outbound_messages;
  v_connection app.sap_connections;
  v_settings app_private.webhook_settings;
  v_sent boolean := coalesce(p_http_status BETWEEN 200 AND 299 AND p_error IS NULL, false);
  v_error text;
  v_next timestamptz;
BEGIN
  v_error := CASE WHEN NOT v_sent THEN left(coalesce(p_error, 'HTTP ' || p_http_status, 'no answer'), 2000) END;
  SELECT * INTO v_message FROM app.sap_outbound_messages AS m
   WHERE m.organization_id = p_organization_id AND m.id = p_message_id FOR UPDATE;
  -- A report for a message no longer pending, or one already counted (the task ran twice), changes nothing.
  IF NOT FOUND OR v_message.status <> 'pending' OR v_message.attempt_count >= p_attempt_number THEN
    RETURN v_message.status;
  END IF;
  INSERT INTO app.sap_sync_log (organization_id, id, direction, message_id, sap_object_type, sap_object_number, status,
                                http_status, response_excerpt, error, attempt_number, duration_ms)
  VALUES (p_organization_id, public.uuid_generate_v7(), 'outbound', p_message_id, v_message.sap_object_type,
          v_message.sap_object_number, CASE WHEN v_sent THEN 'sent' ELSE 'failed' END, p_http_status,
          left(p_response_excerpt, 1000), v_error, p_attempt_number, greatest(p_duration_ms, 0));
  SELECT * INTO v_connection FROM app.sap_connections AS c WHERE c.organization_id = p_organization_id;
  SELECT * INTO v_settings FROM app_private.webhook_settings;
  IF NOT v_sent AND v_message.round_attempts + 1 < coalesce(v_connection.max_attempts, 1) THEN
    v_next := pg_catalog.clock_timestamp()
      + least(v_connection.retry_base * power(2, v_message.round_attempts), greatest(v_settings.retry_max, v_connection.retry_base));
    PERFORM app_private.enqueue_job('sap_deliver',
      pg_catalog.jsonb_build_object('organization_id', p_organization_id, 'message_id', p_message_id),
      v_next, 'sap_message:' || p_message_id::text);
  END IF;
  UPDATE app.sap_outbound_messages AS m
     SET attempt_count = p_attempt_number, round_attempts = m.round_attempts + 1,
         status = CASE WHEN v_sent THEN 'sent' WHEN v_next IS NULL THEN 'dead' ELSE 'pending' END,
         sent_at = CASE WHEN v_sent THEN pg_catalog.now() END, next_attempt_at = v_next, last_attempt_at = pg_catalog.now(),
         last_http_status = p_http_status, last_error = v_error
   WHERE m.organization_id = p_organization_id AND m.id = p_message_id
  RETURNING * INTO v_message;
  RETURN v_message.status;
END
$$;
COMMENT ON FUNCTION app_private.sap_attempt_finish(uuid, uuid, integer, integer, integer, text, text) IS
  'For the worker: logs an attempt in app.sap_sync_log (a 2xx answer without error is sent; anything else failed) and decides: sent, the next attempt after retry_base * 2^(n-1) (at most webhook_settings.retry_max), or dead after the connection''s max_attempts since the last replay. Returns the message''s status.';

CREATE OR REPLACE FUNCTION app.replay_sap_message(message_id uuid) RETURNS app.sap_outbound_messages
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = ''
AS $$
DECLARE
  v_message app.sap_outbound_messages;
  v_content record;
BEGIN
  PERFORM app_private.require_permission('integration.manage');
  SELECT * INTO v_message FROM app.sap_outbound_messages AS m
   WHERE m.organization_id = auth.org_id() AND m.id = replay_sap_message.message_id FOR UPDATE;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'no SAP message %', replay_sap_message.message_id USING ERRCODE = 'PT404',
      DETAIL = 'sap_message.not_found', HINT = 'GET /sap_outbound_messages lists the messages of your organization.';
  ELSIF v_message.status NOT IN ('dead', 'blocked') THEN
    RAISE EXCEPTION 'SAP message % is %', v_message.id, v_message.status USING ERRCODE = 'PT409',
      DETAIL = 'sap_message.not_dead', HINT = 'Only a dead message (it failed every attempt) or a blocked one is replayed.';
  END IF;
  IF NOT EXISTS (SELECT FROM app.sap_connections AS c WHERE c.organization_id = v_message.organization_id AND c.is_enabled) THEN
    RAISE EXCEPTION 'SAP sync is turned off' USING ERRCODE = 'PT409', DETAIL = 'sap_connection.disabled',
      HINT = 'Turn the SAP connection on (POST /rpc/set_sap_connection) before replaying messages.';
  END IF;
  IF v_message.status = 'blocked' THEN
    -- Rebuilt from the entity as it is now, with the mappings made since.
    SELECT * INTO v_content FROM app_private.sap_message_content(v_message.organization_id, v_message.entity_type, v_message.entity_id);
    IF v_content.data IS NULL OR v_content.missing IS NOT NULL THEN
      RAISE EXCEPTION 'SAP message % still misses a mapping', v_message.id USING ERRCODE = 'PT409', DETAIL = 'sap_mapping.missing',
        HINT = coalesce(v_content.missing || ': map it (POST /rpc/map_sap_object), then replay.', 'The entity is gone.');
    END IF;
    v_message.payload := pg_catalog.jsonb_set(v_message.payload, '{data}', v_content.data);
  END IF;
  UPDATE app.sap_outbound_messages AS m
     SET status = 'pending', round_attempts = 0, replay_count = m.replay_count + 1, next_attempt_at = pg_catalog.now(),
         blocked_reason = NULL, payload = v_message.payload
   WHERE m.organization_id = v_message.organization_id AND m.id = v_message.id
  RETURNING * INTO v_message;
  PERFORM app_private.enqueue_job('sap_deliver',
    pg_catalog.jsonb_build_object('organization_id', v_message.organization_id, 'message_id', v_message.id),
    NULL, 'sap_message:' || v_message.id::text);
  RETURN v_message;
END
$$;
COMMENT ON FUNCTION app.replay_sap_message(uuid) IS
  E'Replay an SAP message\nSends a dead message again, with a fresh set of attempts and the same payload and idempotency key; its earlier attempts stay in the sync log. A blocked message (a mapping was missing) is rebuilt from its shipment or NCR as it is now, once the mappings exist, and sent with its idempotency key. Needs integration.manage. Errors: PT403 permission.missing, PT404 sap_message.not_found, PT409 sap_message.not_dead, sap_connection.disabled or sap_mapping.missing.';
