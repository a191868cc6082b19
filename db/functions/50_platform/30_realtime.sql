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

-- Publishing goes through the relay outbox (app_private.relay_outbox,
-- 42_relay_outbox.sql), never straight to pg_notify: under Citus the
-- triggers of distributed tables run on the workers, where nobody listens.
-- On one node the outbox's trigger NOTIFYs each event as it is queued
-- (delivered at commit, as before; nothing is written); under Citus the
-- coordinator relays it every second. The one exception is a batch
-- (publish_realtime_many): where that trigger is in place it NOTIFYs the
-- batch itself, as the trigger would, without queueing each event.

CREATE OR REPLACE FUNCTION app_private.publish_realtime(p_topic text, p_organization_id uuid, p_payload jsonb) RETURNS void
LANGUAGE plpgsql VOLATILE
AS $$
BEGIN
  -- PL/pgSQL, not SQL: its INSERT is planned once per session, not at every
  -- call (a trigger publishes once per row).
  INSERT INTO app_private.relay_outbox (organization_id, kind, name, payload)
  VALUES (p_organization_id, 'realtime', p_topic, p_payload);
END
$$;

COMMENT ON FUNCTION app_private.publish_realtime(text, uuid, jsonb) IS
  'Publishes a real-time event of a tenant on a topic: queues it in app_private.relay_outbox, from which it is NOTIFYed on pulse:<topic>:<organization id> (at once on one node; by the coordinator''s relay under Citus). The one way domains publish.';

CREATE OR REPLACE FUNCTION app_private.publish_realtime_many(p_topic text, p_organization_id uuid, p_payloads jsonb[])
RETURNS void
LANGUAGE plpgsql VOLATILE
AS $$
BEGIN
  -- One node: the outbox's trigger would NOTIFY each row as it is queued and
  -- store none; the events are NOTIFYed here instead, in the array's order,
  -- without the INSERT and a PL/pgSQL trigger call per event (a stage
  -- entered seeds thirty). Where the trigger is gone (Citus) or disabled,
  -- they are queued for the relay.
  IF EXISTS (SELECT FROM pg_catalog.pg_trigger AS t
              WHERE t.tgrelid = 'app_private.relay_outbox'::pg_catalog.regclass AND t.tgname = '_900_relay'
                AND t.tgenabled IN ('O', 'A')) THEN
    -- One statement, not one per event: the Function Scan returns the
    -- array's elements in order, and nothing reorders them.
    PERFORM pg_catalog.pg_notify(app_private.event_channel(p_topic, p_organization_id), e.payload::text)
       FROM unnest(p_payloads) AS e (payload);
    RETURN;
  END IF;
  -- One INSERT for a statement's rows, not a call and an INSERT per event.
  -- PL/pgSQL, not SQL: a SQL function with an INSERT is never inlined and
  -- was parsed and planned at every call.
  INSERT INTO app_private.relay_outbox (organization_id, kind, name, payload)
  SELECT p_organization_id, 'realtime', p_topic, e.payload
    FROM unnest(p_payloads) WITH ORDINALITY AS e (payload, position)
   ORDER BY e.position;
END
$$;

COMMENT ON FUNCTION app_private.publish_realtime_many(text, uuid, jsonb[]) IS
  'app_private.publish_realtime for many events of one tenant and topic at once, in the order given: NOTIFYed at once where the relay outbox''s trigger _900_relay would send them (one node), else queued in the outbox with one INSERT (Citus).';
