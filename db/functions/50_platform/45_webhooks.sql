-- Webhooks (migration platform/webhooks, docs/platform/webhooks.md): every
-- event of a tenant (app_private.events) whose type matches an active
-- endpoint of THAT tenant becomes one delivery, enqueued in the transaction
-- that published the event. The worker task (config/worker/tasks/
-- webhook_deliver.mjs) asks webhook_attempt_begin for the signed request,
-- POSTs it, and reports to webhook_attempt_finish, which decides: delivered,
-- retry later (exponential backoff) or dead.

-- Filters: 'project.created' (that type), 'project.*' (every type under
-- project.), '*' (every type).
CREATE OR REPLACE FUNCTION app_private.webhook_filter_valid(p_pattern text) RETURNS boolean
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$
  SELECT p_pattern ~ '^(\*|[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*(\.\*)?)$' AND length(p_pattern) <= 100;
$$;
COMMENT ON FUNCTION app_private.webhook_filter_valid(text) IS
  'Whether an event-type filter is well formed: an event type, a prefix ending in .* or *.';

CREATE OR REPLACE FUNCTION app_private.webhook_event_matches(p_filters text[], p_event_type text) RETURNS boolean
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
AS $$
BEGIN
  -- PL/pgSQL, not SQL: with its sub-select the SQL function was never
  -- inlined, and was parsed and planned again for every event published.
  RETURN EXISTS (
    SELECT FROM unnest(p_filters) AS f
     WHERE f = '*' OR f = p_event_type
        OR (f LIKE '%.*' AND left(p_event_type, length(f) - 1) = left(f, length(f) - 1)));
END
$$;
COMMENT ON FUNCTION app_private.webhook_event_matches(text[], text) IS
  'Whether an event type matches any of an endpoint''s filters (exact type, prefix.*, or *).';

CREATE OR REPLACE FUNCTION app_private.new_webhook_secret() RETURNS text
LANGUAGE sql VOLATILE
AS $$
  SELECT 'whsec_' || encode(public.gen_random_bytes(32), 'hex');
$$;
COMMENT ON FUNCTION app_private.new_webhook_secret() IS
  'A new endpoint signing secret: whsec_ and 64 hex digits (256 random bits).';

CREATE OR REPLACE FUNCTION app_private.tg_webhook_endpoints__check() RETURNS trigger
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = ''
AS $$
DECLARE
  v_bad text;
BEGIN
  PERFORM app_private.refuse_foreign_tenant(NEW.organization_id);
  NEW.url := btrim(NEW.url);
  IF NEW.url !~* '^https?://[^/?#@\s]+(/\S*)?$' OR length(NEW.url) > 2000 THEN
    PERFORM app_private.raise_invalid('webhook_endpoint.url_invalid',
      pg_catalog.format('%s is not an http or https URL a webhook can be sent to', NEW.url),
      'Send an absolute http:// or https:// URL without user name or password (at most 2000 characters).');
  END IF;
  SELECT f INTO v_bad FROM unnest(NEW.event_types) AS f WHERE NOT coalesce(app_private.webhook_filter_valid(f), false) LIMIT 1;
  IF FOUND OR coalesce(cardinality(NEW.event_types), 0) NOT BETWEEN 1 AND 50 THEN
    PERFORM app_private.raise_invalid('webhook_endpoint.event_types_invalid',
      pg_catalog.format('%s is not an event-type filter', coalesce(pg_catalog.quote_literal(v_bad), 'an empty list')),
      'Name 1 to 50 filters: an event type (project.created), a prefix with a wildcard (project.*) or *.');
  END IF;
  IF TG_OP = 'INSERT' THEN
    NEW.created_by := auth.user_id();
    NEW.created_at := pg_catalog.now();
  ELSE
    NEW.created_by := OLD.created_by;
    NEW.created_at := OLD.created_at;
  END IF;
  RETURN NEW;
END
$$;
COMMENT ON FUNCTION app_private.tg_webhook_endpoints__check() IS
  'BEFORE INSERT/UPDATE on app.webhook_endpoints: 42501 tenant.foreign_row for another tenant''s row, PT422 webhook_endpoint.url_invalid (not http/https, credentials in the URL, too long) or webhook_endpoint.event_types_invalid; keeps created_by and created_at server-set.';

CREATE OR REPLACE FUNCTION app_private.tg_webhook_endpoints__after_write() RETURNS trigger
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = ''
AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO app_private.webhook_secrets (organization_id, endpoint_id, secret)
    VALUES (NEW.organization_id, NEW.id, app_private.new_webhook_secret());
  ELSIF OLD.is_active AND NOT NEW.is_active THEN
    UPDATE app.webhook_deliveries AS d
       SET status = 'cancelled', next_attempt_at = NULL, last_error = 'the endpoint was deactivated', updated_at = pg_catalog.now()
     WHERE d.organization_id = NEW.organization_id AND d.endpoint_id = NEW.id AND d.status = 'pending';
  END IF;
  RETURN NULL;
END
$$;
COMMENT ON FUNCTION app_private.tg_webhook_endpoints__after_write() IS
  'AFTER INSERT/UPDATE on app.webhook_endpoints: a new endpoint gets its signing secret; a deactivated one has its pending deliveries cancelled.';

-- A delivery's created_at is its event's time, whoever writes it: the
-- deliveries are partitioned by it, and the key that sends an event to an
-- endpoint once (webhook_deliveries_once) holds it, so it must be the same
-- for every delivery of one event (docs/scaling.md, "Partitions"). The
-- trigger refuses another time rather than setting it: a row is routed to
-- its partition before the partition's BEFORE triggers run, and PostgreSQL
-- refuses a change of the partition key there.
CREATE OR REPLACE FUNCTION app_private.tg_webhook_deliveries__event_time() RETURNS trigger
LANGUAGE plpgsql VOLATILE
SET search_path = ''
AS $$
DECLARE
  v_occurred_at timestamptz;
BEGIN
  PERFORM app_private.refuse_foreign_tenant(NEW.organization_id);
  SELECT e.occurred_at INTO v_occurred_at FROM app_private.events AS e
   WHERE e.organization_id = NEW.organization_id AND e.id = NEW.event_id;
  -- No event: the foreign key to app_private.events refuses the row.
  IF FOUND AND NEW.created_at IS DISTINCT FROM v_occurred_at THEN
    RAISE EXCEPTION 'a webhook delivery''s created_at must be its event''s time' USING ERRCODE = 'PT422',
      DETAIL = 'webhook_delivery.time_not_event',
      HINT = pg_catalog.format('Set created_at to the event''s occurred_at (%s).', v_occurred_at);
  END IF;
  RETURN NEW;
END
$$;
COMMENT ON FUNCTION app_private.tg_webhook_deliveries__event_time() IS
  'BEFORE INSERT or UPDATE OF created_at, event_id on app.webhook_deliveries: created_at must be the event''s occurred_at (PT422 webhook_delivery.time_not_event), fixed per event, so (organization_id, endpoint_id, event_id, created_at) is unique as (organization_id, endpoint_id, event_id) was.';

CREATE OR REPLACE TRIGGER _010_event_time BEFORE INSERT OR UPDATE OF created_at, event_id ON app.webhook_deliveries
  FOR EACH ROW EXECUTE FUNCTION app_private.tg_webhook_deliveries__event_time();
CREATE OR REPLACE TRIGGER _100_touch_updated_at BEFORE UPDATE ON app.webhook_deliveries
  FOR EACH ROW EXECUTE FUNCTION app_private.tg__touch_updated_at();
CREATE OR REPLACE TRIGGER _100_touch_updated_at BEFORE UPDATE ON app.webhook_endpoints
  FOR EACH ROW EXECUTE FUNCTION app_private.tg__touch_updated_at();
CREATE OR REPLACE TRIGGER _200_check BEFORE INSERT OR UPDATE ON app.webhook_endpoints
  FOR EACH ROW EXECUTE FUNCTION app_private.tg_webhook_endpoints__check();
CREATE OR REPLACE TRIGGER _500_after_write AFTER INSERT OR UPDATE OF is_active ON app.webhook_endpoints
  FOR EACH ROW EXECUTE FUNCTION app_private.tg_webhook_endpoints__after_write();

-- An endpoint of the caller's tenant, for the RPCs below (definer functions: they check the tenant themselves).
CREATE OR REPLACE FUNCTION app_private.find_webhook_endpoint(p_endpoint_id uuid) RETURNS app.webhook_endpoints
LANGUAGE plpgsql STABLE
SET search_path = ''
AS $$
DECLARE
  v_endpoint app.webhook_endpoints;
BEGIN
  PERFORM app_private.require_permission('webhook.manage');
  SELECT * INTO v_endpoint FROM app.webhook_endpoints AS e
   WHERE e.organization_id = auth.org_id() AND e.id = p_endpoint_id;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'no webhook endpoint %', p_endpoint_id USING ERRCODE = 'PT404', DETAIL = 'webhook_endpoint.not_found',
      HINT = 'GET /webhook_endpoints lists the endpoints of your organization.';
  END IF;
  RETURN v_endpoint;
END
$$;
COMMENT ON FUNCTION app_private.find_webhook_endpoint(uuid) IS
  'The caller''s tenant''s endpoint, for callers holding webhook.manage: PT403 permission.missing, PT404 webhook_endpoint.not_found (unknown or another tenant''s).';

CREATE OR REPLACE FUNCTION app.webhook_endpoint_secret(endpoint_id uuid) RETURNS text
LANGUAGE plpgsql STABLE SECURITY DEFINER
SET search_path = ''
AS $$
DECLARE
  v_endpoint app.webhook_endpoints := app_private.find_webhook_endpoint(webhook_endpoint_secret.endpoint_id);
BEGIN
  RETURN (SELECT s.secret FROM app_private.webhook_secrets AS s
           WHERE s.organization_id = v_endpoint.organization_id AND s.endpoint_id = v_endpoint.id);
END
$$;
COMMENT ON FUNCTION app.webhook_endpoint_secret(uuid) IS
  E'Webhook endpoint secret\nThe secret an endpoint''s deliveries are signed with (HMAC-SHA256, header Pulse-Webhook-Signature), for holders of webhook.manage. Errors: PT403 permission.missing, PT404 webhook_endpoint.not_found.';

CREATE OR REPLACE FUNCTION app.rotate_webhook_secret(endpoint_id uuid) RETURNS text
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = ''
AS $$
DECLARE
  v_endpoint app.webhook_endpoints := app_private.find_webhook_endpoint(rotate_webhook_secret.endpoint_id);
  v_secret text := app_private.new_webhook_secret();
BEGIN
  UPDATE app_private.webhook_secrets AS s SET secret = v_secret, created_at = pg_catalog.now()
   WHERE s.organization_id = v_endpoint.organization_id AND s.endpoint_id = v_endpoint.id;
  RETURN v_secret;
END
$$;
COMMENT ON FUNCTION app.rotate_webhook_secret(uuid) IS
  E'Rotate a webhook secret\nReplaces an endpoint''s signing secret with a new one and returns it; the next attempt is signed with it. Errors: PT403 permission.missing, PT404 webhook_endpoint.not_found.';

CREATE OR REPLACE FUNCTION app_private.enqueue_webhook_delivery(p_organization_id uuid, p_delivery_id uuid, p_run_at timestamptz)
RETURNS void
LANGUAGE plpgsql VOLATILE
SET search_path = ''
AS $$
BEGIN
  -- PL/pgSQL, not SQL: called from FROM, the SQL function was never inlined
  -- and was parsed and planned again for every delivery.
  PERFORM app_private.enqueue_job('webhook_deliver',
    pg_catalog.jsonb_build_object('organization_id', p_organization_id, 'delivery_id', p_delivery_id),
    p_run_at, 'webhook_delivery:' || p_delivery_id::text);
END
$$;
COMMENT ON FUNCTION app_private.enqueue_webhook_delivery(uuid, uuid, timestamptz) IS
  'Queues the next attempt of a delivery (task webhook_deliver, job key webhook_delivery:<id>, so a delivery has at most one waiting job).';

-- The consumer: one delivery per matching active endpoint of the event's tenant.
CREATE OR REPLACE FUNCTION app_private.tg_events__webhooks() RETURNS trigger
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = ''
AS $$
DECLARE
  v_enqueued integer;
BEGIN
  WITH deliveries AS (
    INSERT INTO app.webhook_deliveries (organization_id, id, endpoint_id, event_id, event_type, next_attempt_at, created_at)
    SELECT NEW.organization_id, public.uuid_generate_v7(), e.id, NEW.id, NEW.event_type, pg_catalog.now(), NEW.occurred_at
      FROM app.webhook_endpoints AS e
     WHERE e.organization_id = NEW.organization_id AND e.is_active
       AND app_private.webhook_event_matches(e.event_types, NEW.event_type)
    RETURNING organization_id, id
  )
  SELECT count(*) INTO v_enqueued
    FROM deliveries AS d, LATERAL app_private.enqueue_webhook_delivery(d.organization_id, d.id, NULL) AS q;
  RETURN NULL;
END
$$;
COMMENT ON FUNCTION app_private.tg_events__webhooks() IS
  'AFTER INSERT on app_private.events (trigger _500_webhooks): a delivery, enqueued at once, for every active endpoint of the event''s own tenant whose filters match its type.';

CREATE OR REPLACE TRIGGER _500_webhooks AFTER INSERT ON app_private.events
  FOR EACH ROW EXECUTE FUNCTION app_private.tg_events__webhooks();

-- What the worker sends: the body, signed for this attempt.
CREATE OR REPLACE FUNCTION app_private.webhook_body(p_event app_private.events) RETURNS text
LANGUAGE sql STABLE
SET search_path = ''
AS $$
  SELECT pg_catalog.jsonb_build_object(
    'id', p_event.id, 'type', p_event.event_type,
    'occurred_at', pg_catalog.to_char(p_event.occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
    'organization_id', p_event.organization_id, 'data', p_event.payload)::text;
$$;
COMMENT ON FUNCTION app_private.webhook_body(app_private.events) IS
  'The JSON body of a webhook: {id, type, occurred_at (UTC, ISO 8601), organization_id, data (the event payload)}.';

CREATE OR REPLACE FUNCTION app_private.webhook_signature(p_secret text, p_timestamp text, p_body text) RETURNS text
LANGUAGE sql IMMUTABLE
SET search_path = ''
AS $$
  SELECT 'v1=' || pg_catalog.encode(public.hmac(pg_catalog.convert_to(p_timestamp || '.' || p_body, 'UTF8'),
                                                pg_catalog.convert_to(p_secret, 'UTF8'), 'sha256'), 'hex');
$$;
COMMENT ON FUNCTION app_private.webhook_signature(text, text, text) IS
  'The Pulse-Webhook-Signature header: v1= and the hex HMAC-SHA256 of "<timestamp>.<body>" keyed with the endpoint secret.';

CREATE OR REPLACE FUNCTION app_private.webhook_attempt_begin(p_organization_id uuid, p_delivery_id uuid)
RETURNS TABLE (url text, headers jsonb, body text, timeout_ms integer, max_response_bytes integer, attempt_number integer)
LANGUAGE plpgsql VOLATILE
SET search_path = ''
AS $$
DECLARE
  v_delivery app.webhook_deliveries;
  v_endpoint app.webhook_endpoints;
  v_event app_private.events;
  v_settings app_private.webhook_settings;
  v_timestamp text := pg_catalog.floor(pg_catalog.date_part('epoch', pg_catalog.clock_timestamp()))::bigint::text;
  v_secret text;
BEGIN
  SELECT * INTO v_delivery FROM app.webhook_deliveries AS d
   WHERE d.organization_id = p_organization_id AND d.id = p_delivery_id FOR UPDATE;
  IF NOT FOUND OR v_delivery.status <> 'pending' THEN
    RETURN;  -- purged, cancelled or already settled: nothing to send
  END IF;
  SELECT * INTO v_endpoint FROM app.webhook_endpoints AS e
   WHERE e.organization_id = p_organization_id AND e.id = v_delivery.endpoint_id;
  IF NOT v_endpoint.is_active THEN
    UPDATE app.webhook_deliveries AS d
       SET status = 'cancelled', next_attempt_at = NULL, last_error = 'the endpoint was deactivated', updated_at = pg_catalog.now()
     WHERE d.organization_id = p_organization_id AND d.id = p_delivery_id;
    RETURN;
  END IF;
  SELECT * INTO v_event FROM app_private.events AS ev WHERE ev.organization_id = p_organization_id AND ev.id = v_delivery.event_id;
  SELECT * INTO v_settings FROM app_private.webhook_settings;
  SELECT s.secret INTO v_secret FROM app_private.webhook_secrets AS s
   WHERE s.organization_id = p_organization_id AND s.endpoint_id = v_endpoint.id;
  body := app_private.webhook_body(v_event);
  url := v_endpoint.url;
  attempt_number := v_delivery.attempt_count + 1;
  headers := pg_catalog.jsonb_build_object(
    'Content-Type', 'application/json', 'User-Agent', 'Pulse-Webhooks/1',
    'Pulse-Webhook-Id', v_delivery.id, 'Pulse-Webhook-Event', v_event.event_type,
    'Pulse-Webhook-Attempt', attempt_number::text, 'Pulse-Webhook-Timestamp', v_timestamp,
    'Pulse-Webhook-Signature', app_private.webhook_signature(v_secret, v_timestamp, body));
  timeout_ms := v_settings.timeout_ms;
  max_response_bytes := v_settings.max_response_bytes;
  RETURN NEXT;
END
$$;
COMMENT ON FUNCTION app_private.webhook_attempt_begin(uuid, uuid) IS
  'For the worker: the signed request of a pending delivery''s next attempt (URL, headers, body, timeout, response limit, attempt number); no row when the delivery is no longer pending, and a delivery whose endpoint was deactivated is cancelled.';

CREATE OR REPLACE FUNCTION app_private.webhook_attempt_finish(
  p_organization_id uuid, p_delivery_id uuid, p_attempt_number integer, p_response_code integer, p_duration_ms integer,
  p_error text, p_response_excerpt text
) RETURNS text
LANGUAGE plpgsql VOLATILE
SET search_path = ''
AS $$
DECLARE
  v_delivery app.webhook_deliveries;
  v_settings app_private.webhook_settings;
  v_max_attempts integer;
  v_delivered boolean := p_response_code BETWEEN 200 AND 299 AND p_error IS NULL;
  v_error text := CASE WHEN NOT coalesce(p_response_code BETWEEN 200 AND 299 AND p_error IS NULL, false)
                       THEN left(coalesce(p_error, 'HTTP ' || p_response_code), 1000) END;
  v_next timestamptz;
BEGIN
  v_delivered := coalesce(v_delivered, false);
  SELECT * INTO v_delivery FROM app.webhook_deliveries AS d
   WHERE d.organization_id = p_organization_id AND d.id = p_delivery_id FOR UPDATE;
  -- A report for a delivery no longer pending, or one already counted (the task ran twice), changes nothing.
  IF NOT FOUND OR v_delivery.status <> 'pending' OR v_delivery.attempt_count >= p_attempt_number THEN
    RETURN v_delivery.status;
  END IF;
  INSERT INTO app.webhook_attempts
    (organization_id, id, delivery_id, delivery_created_at, attempt_number, outcome, response_code, duration_ms, error,
     response_excerpt)
  VALUES (p_organization_id, public.uuid_generate_v7(), p_delivery_id, v_delivery.created_at, p_attempt_number,
          CASE WHEN v_delivered THEN 'delivered' ELSE 'failed' END, p_response_code, greatest(p_duration_ms, 0), v_error,
          left(p_response_excerpt, 1000));
  SELECT e.max_attempts INTO v_max_attempts FROM app.webhook_endpoints AS e
   WHERE e.organization_id = p_organization_id AND e.id = v_delivery.endpoint_id;
  SELECT * INTO v_settings FROM app_private.webhook_settings;
  IF NOT v_delivered AND v_delivery.round_attempts + 1 < v_max_attempts THEN
    v_next := pg_catalog.clock_timestamp()
      + least(v_settings.retry_base * power(2, v_delivery.round_attempts), v_settings.retry_max);
    PERFORM app_private.enqueue_webhook_delivery(p_organization_id, p_delivery_id, v_next);
  END IF;
  UPDATE app.webhook_deliveries AS d
     SET attempt_count = p_attempt_number, round_attempts = d.round_attempts + 1,
         status = CASE WHEN v_delivered THEN 'delivered' WHEN v_next IS NULL THEN 'dead' ELSE 'pending' END,
         delivered_at = CASE WHEN v_delivered THEN pg_catalog.now() END,
         next_attempt_at = v_next, last_attempt_at = pg_catalog.now(),
         last_response_code = p_response_code, last_error = v_error, updated_at = pg_catalog.now()
   WHERE d.organization_id = p_organization_id AND d.id = p_delivery_id
  RETURNING * INTO v_delivery;
  RETURN v_delivery.status;
END
$$;
COMMENT ON FUNCTION app_private.webhook_attempt_finish(uuid, uuid, integer, integer, integer, text, text) IS
  'For the worker: records an attempt (a 2xx answer without error is delivered; anything else failed, the error truncated to 1000 characters) and decides: delivered, the next attempt after retry_base * 2^(n-1) (at most retry_max), or dead after the endpoint''s max_attempts since the last replay. Returns the delivery''s status.';

CREATE OR REPLACE FUNCTION app.replay_webhook_delivery(delivery_id uuid) RETURNS app.webhook_deliveries
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = ''
AS $$
DECLARE
  v_delivery app.webhook_deliveries;
  v_endpoint app.webhook_endpoints;
BEGIN
  PERFORM app_private.require_permission('webhook.manage');
  SELECT * INTO v_delivery FROM app.webhook_deliveries AS d
   WHERE d.organization_id = auth.org_id() AND d.id = replay_webhook_delivery.delivery_id FOR UPDATE;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'no webhook delivery %', replay_webhook_delivery.delivery_id USING ERRCODE = 'PT404',
      DETAIL = 'webhook_delivery.not_found', HINT = 'GET /webhook_deliveries lists the deliveries of your organization.';
  ELSIF v_delivery.status = 'pending' THEN
    RAISE EXCEPTION 'webhook delivery % is still pending', v_delivery.id USING ERRCODE = 'PT409',
      DETAIL = 'webhook_delivery.pending', HINT = 'Its next attempt is queued; replay it once it is delivered, dead or cancelled.';
  END IF;
  SELECT * INTO v_endpoint FROM app.webhook_endpoints AS e
   WHERE e.organization_id = v_delivery.organization_id AND e.id = v_delivery.endpoint_id;
  IF NOT v_endpoint.is_active THEN
    RAISE EXCEPTION 'webhook endpoint % is inactive', v_endpoint.url USING ERRCODE = 'PT409',
      DETAIL = 'webhook_endpoint.inactive', HINT = 'Activate the endpoint (is_active) before replaying its deliveries.';
  END IF;
  UPDATE app.webhook_deliveries AS d
     SET status = 'pending', round_attempts = 0, replay_count = d.replay_count + 1, delivered_at = NULL,
         next_attempt_at = pg_catalog.now(), updated_at = pg_catalog.now()
   WHERE d.organization_id = v_delivery.organization_id AND d.id = v_delivery.id
  RETURNING * INTO v_delivery;
  PERFORM app_private.enqueue_webhook_delivery(v_delivery.organization_id, v_delivery.id, NULL);
  RETURN v_delivery;
END
$$;
COMMENT ON FUNCTION app.replay_webhook_delivery(uuid) IS
  E'Replay a webhook delivery\nSends a delivered, dead or cancelled delivery again, with a fresh set of attempts; its earlier attempts stay in webhook_attempts. Needs webhook.manage. Errors: PT403 permission.missing, PT404 webhook_delivery.not_found, PT409 webhook_delivery.pending or webhook_endpoint.inactive.';

-- Retention, for every tenant alike (app_private.webhook_settings).
CREATE OR REPLACE FUNCTION app_private.purge_webhook_deliveries(p_as_of timestamptz DEFAULT now()) RETURNS text
LANGUAGE plpgsql VOLATILE
SET search_path = ''
AS $$
DECLARE
  v_settings app_private.webhook_settings;
  v_deliveries integer;
  v_events integer;
BEGIN
  SELECT * INTO v_settings FROM app_private.webhook_settings;
  DELETE FROM app.webhook_deliveries AS d
   WHERE (d.status IN ('delivered', 'cancelled') AND d.updated_at < p_as_of - v_settings.retention)
      OR (d.status = 'dead' AND d.updated_at < p_as_of - v_settings.dead_retention);
  GET DIAGNOSTICS v_deliveries = ROW_COUNT;
  DELETE FROM app_private.events AS e
   WHERE e.occurred_at < p_as_of - v_settings.retention
     AND NOT EXISTS (SELECT FROM app.webhook_deliveries AS d WHERE d.organization_id = e.organization_id AND d.event_id = e.id)
     -- the rules' run log points at its events, and keeps them its own while (rule_settings.run_retention_days)
     AND NOT EXISTS (SELECT FROM app.rule_runs AS r WHERE r.organization_id = e.organization_id AND r.event_id = e.id);
  GET DIAGNOSTICS v_events = ROW_COUNT;
  RETURN pg_catalog.format('%s deliveries (with their attempts) and %s events purged', v_deliveries, v_events);
END
$$;
COMMENT ON FUNCTION app_private.purge_webhook_deliveries(timestamptz) IS
  'Scheduled job purge-webhook-deliveries: deletes delivered and cancelled deliveries (and their attempts) settled longer than webhook_settings.retention ago, dead ones after dead_retention, and events older than retention that no delivery and no rule run still needs.';
