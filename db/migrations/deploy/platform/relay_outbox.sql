-- Deploy pulse:platform/relay_outbox to pg
-- requires: tenancy

BEGIN;

-- One outbox for everything a trigger sends off the node it runs on
-- (db/functions/50_platform/42_relay_outbox.sql): real-time events
-- (NOTIFY) and graphile-worker jobs. Under Citus triggers on distributed
-- tables run on the workers, where nobody LISTENs and graphile_worker does
-- not exist; the coordinator relays what they queued. On one node a trigger
-- sends each message as it is queued and the table stays empty.
CREATE TABLE app_private.relay_outbox (
  organization_id uuid NOT NULL REFERENCES app.organizations (id) ON DELETE CASCADE,
  id uuid NOT NULL DEFAULT public.uuid_generate_v7(),
  name text NOT NULL,
  payload jsonb NOT NULL CONSTRAINT relay_outbox_payload_object CHECK (jsonb_typeof(payload) = 'object'),
  queued_at timestamptz NOT NULL DEFAULT clock_timestamp(),
  kind text NOT NULL CONSTRAINT relay_outbox_kind CHECK (kind IN ('realtime', 'job')),
  run_at timestamptz,
  job_key text,
  max_attempts integer CONSTRAINT relay_outbox_max_attempts_positive CHECK (max_attempts > 0),
  queue_name text,
  PRIMARY KEY (organization_id, id),
  CONSTRAINT relay_outbox_name_format CHECK (CASE kind WHEN 'realtime' THEN name ~ '^[a-z][a-z_]*$' AND length(name) <= 40
                                                        ELSE name ~ '^[a-z][a-z0-9_]{0,62}$' END),
  CONSTRAINT relay_outbox_job_options CHECK (kind = 'job' OR (run_at IS NULL AND job_key IS NULL
                                                              AND max_attempts IS NULL AND queue_name IS NULL))
);

COMMENT ON TABLE app_private.relay_outbox IS
  'Messages triggers send off their node, waiting for the relay: real-time events (NOTIFY pulse:<topic>:<organization id>, app_private.publish_realtime) and graphile-worker jobs (app_private.enqueue_job). app_private.relay_queued_messages() sends and deletes them. Empty between transactions on one node (a trigger sends each as it is queued); under Citus the coordinator relays it every second.';
COMMENT ON COLUMN app_private.relay_outbox.kind IS 'realtime (NOTIFY the event) or job (graphile_worker.add_job).';
COMMENT ON COLUMN app_private.relay_outbox.name IS 'The event''s topic (progress, approvals, lab) or the job''s task (a file of config/worker/tasks/).';
COMMENT ON COLUMN app_private.relay_outbox.payload IS 'The event as subscribers receive it (contracts/events/<domain>/*.schema.json), or the job''s payload.';
COMMENT ON COLUMN app_private.relay_outbox.queued_at IS 'When the message was queued (clock time): the relay sends a tenant''s messages in this order.';
COMMENT ON COLUMN app_private.relay_outbox.run_at IS 'A job''s graphile-worker run_at (NULL: now).';
COMMENT ON COLUMN app_private.relay_outbox.job_key IS 'A job''s graphile-worker job_key (replaces a waiting job with the same key).';
COMMENT ON COLUMN app_private.relay_outbox.max_attempts IS 'A job''s graphile-worker max_attempts.';
COMMENT ON COLUMN app_private.relay_outbox.queue_name IS 'A job''s graphile-worker queue (jobs of one queue run one at a time); NULL: none.';

COMMIT;
