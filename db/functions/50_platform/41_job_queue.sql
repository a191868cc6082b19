-- The job queue: graphile-worker (schema graphile_worker, installed by
-- `pulse db migrate` through cli/pulse/worker.py) runs the tasks of
-- config/worker/tasks/. SQL enqueues a job in the transaction that causes it,
-- so a rolled-back change leaves no job behind.

CREATE OR REPLACE FUNCTION app_private.enqueue_job(
  p_task text, p_payload jsonb, p_run_at timestamptz DEFAULT NULL, p_job_key text DEFAULT NULL,
  p_max_attempts integer DEFAULT 5, p_queue text DEFAULT NULL
) RETURNS bigint
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = ''
AS $$
DECLARE
  v_job_id bigint;
BEGIN
  IF p_task !~ '^[a-z][a-z0-9_]{0,62}$' THEN
    PERFORM app_private.raise_invalid('job.task_invalid', pg_catalog.format('%L is not a task name', p_task),
      'Tasks are files of config/worker/tasks/ named in lower case.');
  END IF;
  -- A job key replaces a job not yet running with the same key: a delivery
  -- replayed while its retry waits is sent once.
  SELECT j.id INTO v_job_id
    FROM graphile_worker.add_job(p_task, p_payload::json, queue_name => p_queue, run_at => p_run_at,
                                 max_attempts => p_max_attempts, job_key => p_job_key) AS j;
  RETURN v_job_id;
END
$$;
COMMENT ON FUNCTION app_private.enqueue_job(text, jsonb, timestamptz, text, integer, text) IS
  'Enqueues a graphile-worker job in the current transaction: task (a file of config/worker/tasks/), JSON payload, when to run it (now by default), an optional job key (replaces a waiting job with the same key), how often graphile-worker retries a task that throws. PT422 job.task_invalid for a bad task name.';
