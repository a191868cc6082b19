-- Revert pulse:platform/relay_outbox from pg

BEGIN;

-- The repeatable that takes a row of the table (it would keep the type
-- alive under its old name, and block platform/realtime_outbox's revert).
DROP FUNCTION IF EXISTS app_private.send_relayed(app_private.relay_outbox) CASCADE;
DELETE FROM app_private.relay_outbox WHERE kind <> 'realtime';
ALTER TABLE app_private.relay_outbox
  DROP CONSTRAINT relay_outbox_name_format,
  DROP CONSTRAINT relay_outbox_job_options,
  DROP CONSTRAINT relay_outbox_max_attempts_positive,
  DROP COLUMN kind, DROP COLUMN run_at, DROP COLUMN job_key, DROP COLUMN max_attempts, DROP COLUMN queue_name;
ALTER TABLE app_private.relay_outbox RENAME COLUMN name TO topic;
ALTER TABLE app_private.relay_outbox
  ADD CONSTRAINT realtime_outbox_topic_format CHECK (topic ~ '^[a-z][a-z_]*$' AND length(topic) <= 40);
ALTER TABLE app_private.relay_outbox RENAME CONSTRAINT relay_outbox_payload_object TO realtime_outbox_payload_object;
ALTER TABLE app_private.relay_outbox RENAME CONSTRAINT relay_outbox_organization_id_fkey TO realtime_outbox_organization_id_fkey;
ALTER TABLE app_private.relay_outbox RENAME CONSTRAINT relay_outbox_pkey TO realtime_outbox_pkey;
ALTER TABLE app_private.relay_outbox RENAME TO realtime_outbox;

COMMENT ON TABLE app_private.realtime_outbox IS
  'Real-time events waiting to be NOTIFYed on pulse:<topic>:<organization id> (app_private.publish_realtime writes, app_private.relay_realtime_outbox publishes and deletes). Empty between transactions on one node; under Citus the coordinator relays it every second.';
COMMENT ON COLUMN app_private.realtime_outbox.topic IS 'The channel''s topic (progress, approvals, lab).';
COMMENT ON COLUMN app_private.realtime_outbox.payload IS 'The event as subscribers receive it (contracts/events/<domain>/*.schema.json).';
COMMENT ON COLUMN app_private.realtime_outbox.queued_at IS 'When the event was published (clock time): the relay sends a tenant''s events in this order.';

COMMIT;
