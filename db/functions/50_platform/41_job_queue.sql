-- The job queue: graphile-worker (schema graphile_worker, installed by
-- `pulse db migrate` through cli/pulse/worker.py) runs the tasks of
-- config/worker/tasks/. SQL enqueues a job in the transaction that causes it,
-- so a rolled-back change leaves no job behind (under Citus: queued in the
-- same transaction, added by the coordinator's relay).

CREATE OR REPLACE FUNCTION app_private.enqueue_job(
  p_task text, p_payload jsonb, p_run_at timestamptz DEFAULT NULL, p_job_key text DEFAULT NULL,
  p_max_attempts integer DEFAULT 5, p_queue text DEFAULT NULL
) RETURNS void
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = ''
AS $$
DECLARE
  v_organization_id uuid := auth.event_key(p_payload, 'organization_id');
BEGIN
  IF p_task !~ '^[a-z][a-z0-9_]{0,62}$' THEN
    PERFORM app_private.raise_invalid('job.task_invalid', pg_catalog.format('%L is not a task name', p_task),
      'Tasks are files of config/worker/tasks/ named in lower case.');
  END IF;
  -- Every job belongs to a tenant: the outbox is keyed (and under Citus
  -- sharded) by it.
  IF v_organization_id IS NULL THEN
    PERFORM app_private.raise_invalid('job.tenant_missing',
      pg_catalog.format('the payload of a %s job names no organization_id', p_task),
      'A job''s payload carries its tenant''s organization_id (a uuid).');
  END IF;
  -- Through the relay outbox (42_relay_outbox.sql): on one node its trigger
  -- calls graphile_worker.add_job here, in this transaction; under Citus the
  -- coordinator's relay does, within a second. A job key replaces a job not
  -- yet running with the same key: a delivery replayed while its retry
  -- waits is sent once.
  INSERT INTO app_private.relay_outbox (organization_id, kind, name, payload, run_at, job_key, max_attempts, queue_name)
  VALUES (v_organization_id, 'job', p_task, p_payload, p_run_at, p_job_key, p_max_attempts, p_queue);
END
$$;
COMMENT ON FUNCTION app_private.enqueue_job(text, jsonb, timestamptz, text, integer, text) IS
  'Enqueues a graphile-worker job of a tenant: task (a file of config/worker/tasks/), JSON payload (an object naming the tenant''s organization_id), when to run it (now by default), an optional job key (replaces a waiting job with the same key), how often graphile-worker retries a task that throws, an optional queue. Goes through app_private.relay_outbox: on one node graphile_worker.add_job runs in the current transaction (a rolled-back change enqueues nothing); under Citus the coordinator adds it within a second. PT422 job.task_invalid for a bad task name, job.tenant_missing for a payload without organization_id.';
