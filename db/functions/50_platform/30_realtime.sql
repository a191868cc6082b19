-- Real-time channels: one NOTIFY channel per tenant and topic. Domains
-- publish on them (60_workflow/60_events.sql); the GraphQL server listens
-- (config/graphile/realtime.mjs) and asks auth.realtime_event, as the
-- subscriber, whether and what to deliver of each event.
--
-- A domain that publishes a topic defines auth.can_see_<topic>_event(jsonb):
-- true when the caller may see that event, decided by reading its row as
-- the caller (row-level security), and grants it to the API roles.

CREATE OR REPLACE FUNCTION app_private.event_channel(p_topic text, p_organization_id uuid) RETURNS text
LANGUAGE sql IMMUTABLE
AS $$
  -- uuid::text, not uuid || text (anytextcat is only STABLE): an IMMUTABLE
  -- body is inlined into the caller, e.g. once per seeded row.
  SELECT 'pulse:' || p_topic || ':' || p_organization_id::text
$$;

COMMENT ON FUNCTION app_private.event_channel(text, uuid) IS 'The NOTIFY channel of a topic (progress, approvals) in a tenant: pulse:<topic>:<organization id>.';

CREATE OR REPLACE FUNCTION auth.event_key(p_event jsonb, p_key text) RETURNS uuid
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$
  SELECT CASE WHEN p_event ->> p_key ~* '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$'
              THEN (p_event ->> p_key)::uuid END
$$;

COMMENT ON FUNCTION auth.event_key(jsonb, text) IS
  'A uuid member of an event payload (organization_id, progress_id, ...); NULL when missing or not a uuid.';

CREATE OR REPLACE FUNCTION auth.realtime_event(p_topic text, p_payload jsonb) RETURNS jsonb
LANGUAGE plpgsql STABLE
SET search_path = ''
AS $$
DECLARE
  v_can_see regprocedure;
  v_visible boolean;
BEGIN
  -- What both servers check before every request: an ended session or a
  -- revoked membership ends the subscription (PT401/PT403).
  PERFORM auth.check_request();
  IF auth.org_id() IS NULL THEN
    RAISE EXCEPTION 'real-time events belong to an organization; the token names none'
      USING ERRCODE = 'PT403', DETAIL = 'realtime.no_tenant',
            HINT = 'Sign in to an organization (or switch to one with app.switch_organization).';
  END IF;
  IF p_topic ~ '^[a-z][a-z_]*$' THEN
    v_can_see := pg_catalog.to_regprocedure('auth.can_see_' || p_topic || '_event(jsonb)');
  END IF;
  IF v_can_see IS NULL THEN
    RAISE EXCEPTION 'no real-time topic %', p_topic
      USING ERRCODE = 'PT422', DETAIL = 'realtime.unknown_topic',
            HINT = 'Topics are the channels of contracts/events/<domain>/*.schema.json (x-channel).';
  END IF;
  IF auth.event_key(p_payload, 'organization_id') IS DISTINCT FROM auth.org_id() THEN
    RETURN NULL;  -- another tenant's event (or none at all)
  END IF;
  EXECUTE pg_catalog.format('SELECT %s($1)', v_can_see::oid::regproc) INTO v_visible USING p_payload;
  RETURN CASE WHEN v_visible THEN p_payload END;
END
$$;

COMMENT ON FUNCTION auth.realtime_event(text, jsonb) IS
  'The event as the caller may see it, or NULL: decides, as the subscriber (their role and claims, so row-level security applies), whether a real-time event of a topic reaches them. Runs auth.check_request() first; an event of another tenant is NULL; the topic''s auth.can_see_<topic>_event(payload) decides the rest. The GraphQL server calls it for every event it would deliver. Errors: PT401/PT403 of auth.check_request, PT403 realtime.no_tenant, PT422 realtime.unknown_topic.';

-- Publishing goes through an outbox (app_private.realtime_outbox), never
-- straight to pg_notify: under Citus the triggers of distributed tables run
-- on the workers, where nobody listens. app_private.publish_realtime queues
-- an event; app_private.relay_realtime_outbox NOTIFYs queued events on the
-- node it runs on and deletes them. On one node the BEFORE INSERT trigger
-- below NOTIFYs each event as it is queued and skips the row (NOTIFY is
-- delivered at commit, as before; nothing is written). Under Citus
-- (`pulse db distribute --emit`) the trigger is dropped and pg_cron runs the
-- relay on the coordinator every second.

CREATE OR REPLACE FUNCTION app_private.publish_realtime(p_topic text, p_organization_id uuid, p_payload jsonb) RETURNS void
LANGUAGE plpgsql VOLATILE
AS $$
BEGIN
  -- PL/pgSQL, not SQL: its INSERT is planned once per session, not at every
  -- call (a trigger publishes once per row).
  INSERT INTO app_private.realtime_outbox (organization_id, topic, payload)
  VALUES (p_organization_id, p_topic, p_payload);
END
$$;

COMMENT ON FUNCTION app_private.publish_realtime(text, uuid, jsonb) IS
  'Publishes a real-time event of a tenant on a topic: queues it in app_private.realtime_outbox, from which the relay NOTIFYs pulse:<topic>:<organization id> (at once on one node; from the coordinator under Citus). The one way domains publish.';

CREATE OR REPLACE FUNCTION app_private.relay_realtime_outbox(p_limit integer DEFAULT 10000) RETURNS integer
LANGUAGE plpgsql VOLATILE
SET search_path = ''
AS $$
DECLARE
  v_organization_id uuid;
  v_event record;
  v_relayed integer := 0;
BEGIN
  -- One tenant at a time: each claim is a single-shard query under Citus
  -- (a multi-shard FOR UPDATE is not). SKIP LOCKED lets two relays share
  -- the work and never waits on a transaction still writing its events.
  FOR v_organization_id IN SELECT DISTINCT o.organization_id FROM app_private.realtime_outbox AS o LOOP
    FOR v_event IN
      WITH claimed AS (
        SELECT o.organization_id, o.id FROM app_private.realtime_outbox AS o
         WHERE o.organization_id = v_organization_id
         ORDER BY o.queued_at, o.id LIMIT p_limit
           FOR UPDATE SKIP LOCKED
      ), relayed AS (
        DELETE FROM app_private.realtime_outbox AS o USING claimed AS c
         WHERE o.organization_id = c.organization_id AND o.id = c.id
        RETURNING o.organization_id, o.topic, o.payload, o.queued_at, o.id
      )
      SELECT * FROM relayed AS r ORDER BY r.queued_at, r.id
    LOOP
      PERFORM pg_catalog.pg_notify(app_private.event_channel(v_event.topic, v_event.organization_id), v_event.payload::text);
      v_relayed := v_relayed + 1;
    END LOOP;
  END LOOP;
  RETURN v_relayed;
END
$$;

COMMENT ON FUNCTION app_private.relay_realtime_outbox(integer) IS
  'NOTIFYs the queued real-time events (at most p_limit per tenant, oldest first) on the node it runs on, deletes them and returns how many it sent. Under Citus pg_cron runs it on the coordinator every second (job relay-realtime-outbox); rows another relay holds are skipped.';

CREATE OR REPLACE FUNCTION app_private.tg_realtime_outbox__relay() RETURNS trigger
LANGUAGE plpgsql VOLATILE
AS $$
BEGIN
  -- One node: the event is NOTIFYed here (delivered at commit) and never
  -- stored, so publishing costs no write and leaves no dead row.
  PERFORM pg_catalog.pg_notify(app_private.event_channel(NEW.topic, NEW.organization_id), NEW.payload::text);
  RETURN NULL;
END
$$;

COMMENT ON FUNCTION app_private.tg_realtime_outbox__relay() IS
  'BEFORE INSERT on app_private.realtime_outbox (one node only): NOTIFYs the event on pulse:<topic>:<tenant> (delivered at commit, as a direct NOTIFY) and skips the row, so the outbox stays empty. Under Citus it is dropped and the coordinator relays stored events (app_private.relay_realtime_outbox).';

-- Under Citus the coordinator relays (app_private.citus_distribution_ddl
-- drops this trigger and schedules the relay); a migrate there must not
-- bring the trigger back.
DO $$
BEGIN
  IF EXISTS (SELECT FROM pg_catalog.pg_extension WHERE extname = 'citus') THEN
    DROP TRIGGER IF EXISTS _900_relay ON app_private.realtime_outbox;
  ELSE
    CREATE OR REPLACE TRIGGER _900_relay BEFORE INSERT ON app_private.realtime_outbox
      FOR EACH ROW EXECUTE FUNCTION app_private.tg_realtime_outbox__relay();
  END IF;
END
$$;
