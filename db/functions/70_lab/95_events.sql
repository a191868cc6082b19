-- The lab's events as GraphQL subscriptions: every event the lab publishes
-- (app_private.publish_event, in app_private.events) about one of its entity
-- types is also published (app_private.publish_realtime) on the tenant's `lab` channel, pulse:lab:<tenant>
-- (contracts/events/lab/lab.schema.json), and reaches the subscribers who may
-- read the entity it is about (auth.can_see_lab_event, called as the
-- subscriber by auth.realtime_event). Webhooks deliver the same events from
-- app_private.events by themselves (50_platform/45_webhooks.sql).

CREATE OR REPLACE FUNCTION auth.lab_entity_types() RETURNS text[]
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$
  -- One line per lab part: the entity types whose events go on the lab channel.
  SELECT ARRAY[
    'sample', 'service_request', 'result',   -- lab/core
    'certificate'                            -- lab/certificates
  ]
$$;
COMMENT ON FUNCTION auth.lab_entity_types() IS
  'The entity types (app.entity_types) whose events are the lab''s: published on the lab real-time channel. A lab part adds its entity types here.';

CREATE OR REPLACE FUNCTION app_private.lab_event_sample_id(p_organization_id uuid, p_entity_type text, p_entity_id uuid) RETURNS uuid
LANGUAGE sql STABLE
SET search_path = ''
AS $$
  SELECT CASE p_entity_type
           WHEN 'sample' THEN p_entity_id
           WHEN 'result' THEN (SELECT r.sample_id FROM app.results AS r WHERE r.organization_id = p_organization_id AND r.id = p_entity_id)
           WHEN 'certificate' THEN (SELECT c.sample_id FROM app.certificates AS c WHERE c.organization_id = p_organization_id AND c.id = p_entity_id)
         END
$$;
COMMENT ON FUNCTION app_private.lab_event_sample_id(uuid, text, uuid) IS
  'The sample a lab event is about, when it is about one sample (the sample itself, a result''s sample, a per-sample certificate''s sample); NULL otherwise.';

CREATE OR REPLACE FUNCTION app_private.tg_events__lab_channel() RETURNS trigger
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = ''
AS $$
BEGIN
  PERFORM app_private.publish_realtime('lab', NEW.organization_id, pg_catalog.jsonb_build_object(
    'event', NEW.event_type,
    'organization_id', NEW.organization_id,
    'event_id', NEW.id,
    'entity_type', NEW.entity_type,
    'entity_id', NEW.entity_id,
    'sample_id', app_private.lab_event_sample_id(NEW.organization_id, NEW.entity_type, NEW.entity_id),
    'actor_id', NEW.actor_id,
    'occurred_at', NEW.occurred_at));
  RETURN NULL;
END
$$;
COMMENT ON FUNCTION app_private.tg_events__lab_channel() IS
  'AFTER INSERT on app_private.events about a lab entity type: publishes on pulse:lab:<tenant> (app_private.publish_realtime) with the event''s type, ids, sample and time (contracts/events/lab/lab.schema.json); the data stays in the event (webhooks deliver it).';

CREATE OR REPLACE TRIGGER _300_lab_channel AFTER INSERT ON app_private.events
  FOR EACH ROW WHEN (NEW.entity_type = ANY (auth.lab_entity_types()))
  EXECUTE FUNCTION app_private.tg_events__lab_channel();

CREATE OR REPLACE FUNCTION auth.can_see_lab_event(p_event jsonb) RETURNS boolean
LANGUAGE sql STABLE
SET search_path = ''
AS $$
  SELECT p_event ->> 'entity_type' = ANY (auth.lab_entity_types())
     AND auth.can_see_entity(p_event ->> 'entity_type', auth.event_key(p_event, 'entity_id'))
$$;
COMMENT ON FUNCTION auth.can_see_lab_event(jsonb) IS
  'Whether the caller may see a lab event: it is about a lab entity type and they can read that entity (its table''s row-level security: site-scoped staff see their sites'' samples, portal users their partner''s samples, released results and certificates). Called by auth.realtime_event.';
