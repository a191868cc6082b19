-- Deploy pulse:platform/realtime_outbox to pg
-- requires: tenancy

BEGIN;

-- Real-time events go through this table instead of straight to NOTIFY
-- (db/functions/50_platform/30_realtime.sql): keyed and distributed like
-- every tenant table, so under Citus a trigger on a worker can write it and
-- the coordinator relays it to the listeners. On one node a trigger
-- NOTIFYs each event as it is queued and the table stays empty.
CREATE TABLE app_private.realtime_outbox (
  organization_id uuid NOT NULL REFERENCES app.organizations (id) ON DELETE CASCADE,
  id uuid NOT NULL DEFAULT public.uuid_generate_v7(),
  topic text NOT NULL CONSTRAINT realtime_outbox_topic_format CHECK (topic ~ '^[a-z][a-z_]*$' AND length(topic) <= 40),
  payload jsonb NOT NULL CONSTRAINT realtime_outbox_payload_object CHECK (jsonb_typeof(payload) = 'object'),
  queued_at timestamptz NOT NULL DEFAULT clock_timestamp(),
  PRIMARY KEY (organization_id, id)
);

COMMENT ON TABLE app_private.realtime_outbox IS
  'Real-time events waiting to be NOTIFYed on pulse:<topic>:<organization id> (app_private.publish_realtime writes, app_private.relay_realtime_outbox publishes and deletes). Empty between transactions on one node; under Citus the coordinator relays it every second.';
COMMENT ON COLUMN app_private.realtime_outbox.topic IS 'The channel''s topic (progress, approvals, lab).';
COMMENT ON COLUMN app_private.realtime_outbox.payload IS 'The event as subscribers receive it (contracts/events/<domain>/*.schema.json).';
COMMENT ON COLUMN app_private.realtime_outbox.queued_at IS 'When the event was published (clock time): the relay sends a tenant''s events in this order.';

COMMIT;
