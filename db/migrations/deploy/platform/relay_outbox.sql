-- Deploy pulse:platform/relay_outbox to pg
-- requires: platform/realtime_outbox

BEGIN;

-- One outbox for everything a trigger sends off the node it runs on
-- (db/functions/50_platform/42_relay_outbox.sql): real-time events
-- (NOTIFY) and graphile-worker jobs. Under Citus triggers on distributed
-- tables run on the workers, where nobody LISTENs and graphile_worker does
-- not exist; the coordinator relays what they queued. On one node a trigger
-- sends each message as it is queued and the table stays empty.
ALTER TABLE app_private.realtime_outbox RENAME TO relay_outbox;
ALTER TABLE app_private.relay_outbox RENAME CONSTRAINT realtime_outbox_pkey TO relay_outbox_pkey;
ALTER TABLE app_private.relay_outbox RENAME CONSTRAINT realtime_outbox_organization_id_fkey TO relay_outbox_organization_id_fkey;
ALTER TABLE app_private.relay_outbox RENAME CONSTRAINT realtime_outbox_payload_object TO relay_outbox_payload_object;
ALTER TABLE app_private.relay_outbox RENAME COLUMN topic TO name;
ALTER TABLE app_private.relay_outbox DROP CONSTRAINT realtime_outbox_topic_format;
ALTER TABLE app_private.relay_outbox
  ADD COLUMN kind text NOT NULL DEFAULT 'realtime' CONSTRAINT relay_outbox_kind CHECK (kind IN ('realtime', 'job')),
  ADD COLUMN run_at timestamptz,
  ADD COLUMN job_key text,
  ADD COLUMN max_attempts integer,
  ADD COLUMN queue_name text,
  ADD CONSTRAINT relay_outbox_name_format CHECK (CASE kind WHEN 'realtime' THEN name ~ '^[a-z][a-z_]*$' AND length(name) <= 40
                                                             ELSE name ~ '^[a-z][a-z0-9_]{0,62}$' END),
  ADD CONSTRAINT relay_outbox_job_options CHECK (kind = 'job' OR (run_at IS NULL AND job_key IS NULL
                                                                  AND max_attempts IS NULL AND queue_name IS NULL)),
  ADD CONSTRAINT relay_outbox_max_attempts_positive CHECK (max_attempts > 0);
ALTER TABLE app_private.relay_outbox ALTER COLUMN kind DROP DEFAULT;

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
