-- The relay outbox: what a trigger sends off the node it runs on goes
-- through app_private.relay_outbox, a tenant table like any other. Two
-- kinds share it: real-time events (app_private.publish_realtime, NOTIFY on
-- pulse:<topic>:<tenant>) and graphile-worker jobs (app_private.enqueue_job,
-- graphile_worker.add_job). Under Citus the triggers of distributed tables
-- run on the workers, where nobody LISTENs and the graphile_worker schema
-- does not exist; so:
--
-- * one node: the BEFORE INSERT trigger _900_relay sends each message as it
--   is queued and skips the row, in the same transaction: a NOTIFY is
--   delivered at commit, a job is added to graphile_worker.jobs in the
--   transaction (a rolled-back change enqueues nothing; job keys replace as
--   before). Nothing is written.
-- * Citus (`pulse db distribute --emit`): the trigger is dropped and pg_cron
--   runs app_private.relay_queued_messages() on the coordinator every
--   second, which sends the stored messages and deletes them.

CREATE OR REPLACE FUNCTION app_private.send_relayed(p_message app_private.relay_outbox) RETURNS void
LANGUAGE plpgsql VOLATILE
-- graphile_worker.add_jobs would plan its four statements again at every
-- call (their custom plans, for the one job's array, look cheaper than the
-- generic ones): ~0.4 ms of every job added. Generic plans are planned
-- once per session.
SET plan_cache_mode = force_generic_plan
AS $$
BEGIN
  -- No SET search_path (every name is qualified): each SET clause costs a
  -- settings save and restore per call, and the relay calls this once per
  -- message.
  IF p_message.kind = 'realtime' THEN
    PERFORM pg_catalog.pg_notify(app_private.event_channel(p_message.name, p_message.organization_id), p_message.payload::text);
  ELSE
    PERFORM graphile_worker.add_job(p_message.name, p_message.payload::json, queue_name => p_message.queue_name,
                                    run_at => p_message.run_at, max_attempts => p_message.max_attempts,
                                    job_key => p_message.job_key);
  END IF;
END
$$;

COMMENT ON FUNCTION app_private.send_relayed(app_private.relay_outbox) IS
  'Sends one message of the relay outbox on the node it runs on: a realtime event is NOTIFYed on pulse:<topic>:<tenant>; a job is added with graphile_worker.add_job (task, payload, queue, run_at, max_attempts, job_key). The one place a job is added: the outbox''s trigger (one node; it NOTIFYs real-time events itself, the hot path) and app_private.relay_queued_messages() (Citus) call it.';

CREATE OR REPLACE FUNCTION app_private.relay_queued_messages(p_limit integer DEFAULT 10000) RETURNS integer
LANGUAGE plpgsql VOLATILE
SET search_path = ''
AS $$
DECLARE
  v_organization_id uuid;
  v_message app_private.relay_outbox;
  v_relayed integer := 0;
BEGIN
  -- One tenant at a time: each claim is a single-shard query under Citus
  -- (a multi-shard FOR UPDATE is not). SKIP LOCKED lets two relays share
  -- the work and never waits on a transaction still writing its messages.
  FOR v_organization_id IN SELECT DISTINCT o.organization_id FROM app_private.relay_outbox AS o LOOP
    FOR v_message IN
      WITH claimed AS (
        SELECT o.organization_id, o.id FROM app_private.relay_outbox AS o
         WHERE o.organization_id = v_organization_id
         ORDER BY o.queued_at, o.id LIMIT p_limit
           FOR UPDATE SKIP LOCKED
      ), relayed AS (
        DELETE FROM app_private.relay_outbox AS o USING claimed AS c
         WHERE o.organization_id = c.organization_id AND o.id = c.id
        RETURNING o.*
      )
      SELECT * FROM relayed AS r ORDER BY r.queued_at, r.id
    LOOP
      PERFORM app_private.send_relayed(v_message);
      v_relayed := v_relayed + 1;
    END LOOP;
  END LOOP;
  RETURN v_relayed;
END
$$;

COMMENT ON FUNCTION app_private.relay_queued_messages(integer) IS
  'Sends the queued messages of the relay outbox (real-time events and jobs; at most p_limit per tenant, oldest first) on the node it runs on, deletes them and returns how many it sent. Under Citus pg_cron runs it on the coordinator every second (job relay-outbox); rows another relay holds are skipped.';

CREATE OR REPLACE FUNCTION app_private.tg_relay_outbox__send() RETURNS trigger
LANGUAGE plpgsql VOLATILE
AS $$
BEGIN
  -- One node: sent here (a NOTIFY is delivered at commit, a job is added
  -- in this transaction) and never stored: no write, no dead row. A
  -- real-time event is NOTIFYed inline, as app_private.send_relayed does:
  -- a stage entry publishes dozens, and the extra call cost 7 to 8 % of
  -- publishing them (measured against this, 15 rounds of 200 transactions).
  IF NEW.kind = 'realtime' THEN
    PERFORM pg_catalog.pg_notify(app_private.event_channel(NEW.name, NEW.organization_id), NEW.payload::text);
  ELSE
    PERFORM app_private.send_relayed(NEW);
  END IF;
  RETURN NULL;
END
$$;

COMMENT ON FUNCTION app_private.tg_relay_outbox__send() IS
  'BEFORE INSERT on app_private.relay_outbox (one node only): sends the message at once (a real-time event NOTIFYed inline, delivered at commit; a job through app_private.send_relayed, graphile_worker.add_job in the transaction) and skips the row, so the outbox stays empty. Under Citus it is dropped and the coordinator relays stored messages (app_private.relay_queued_messages).';

-- Under Citus the coordinator relays (app_private.citus_distribution_ddl
-- drops this trigger and schedules the relay); a migrate there must not
-- bring the trigger back.
DO $$
BEGIN
  IF EXISTS (SELECT FROM pg_catalog.pg_extension WHERE extname = 'citus') THEN
    DROP TRIGGER IF EXISTS _900_relay ON app_private.relay_outbox;
  ELSE
    CREATE OR REPLACE TRIGGER _900_relay BEFORE INSERT ON app_private.relay_outbox
      FOR EACH ROW EXECUTE FUNCTION app_private.tg_relay_outbox__send();
  END IF;
END
$$;
