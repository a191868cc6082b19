-- Scheduled jobs. Each is a plain function; app_private.jobs() lists them
-- with their schedules. Where pg_cron runs in this database (the one named
-- by cron.database_name), it schedules them; anywhere else `pulse jobs run`
-- or any scheduler calls app_private.run_job(name).

CREATE OR REPLACE FUNCTION app_private.jobs() RETURNS TABLE (name text, schedule text, command text, description text)
LANGUAGE sql IMMUTABLE
AS $$
  VALUES
    ('purge-expired-organizations', '17 3 * * *', 'SELECT app_private.purge_expired_organizations()',
     'Purges tenants soft-deleted more than 30 days ago.'),
    ('escalate-overdue-approvals', '*/5 * * * *', 'SELECT app_private.escalate_overdue_approvals()',
     'Escalates open approvals past their SLA: notifies the approver''s manager chain, hands them to backups.'),
    ('remind-approvers', '*/5 * * * *', 'SELECT app_private.remind_approvers()',
     'Reminds approvers once per step at the tenant''s share of the SLA (approval_settings.reminder_percent), before it is breached.'),
    ('expire-approvals', '*/5 * * * *', 'SELECT app_private.expire_approvals()',
     'Expires open approvals past the tenant''s hard deadline (approval_settings.expiry_hours); the gated sub-stage stays blocked.'),
    ('purge-sign-in-failures', '41 * * * *', 'SELECT app_private.purge_sign_in_failures()',
     'Deletes sign-in failure counts older than a day that lock nothing any more (every email tried leaves one).')
$$;

COMMENT ON FUNCTION app_private.jobs() IS 'The scheduled jobs: name, cron schedule, the SQL it runs, what it does.';

CREATE OR REPLACE FUNCTION app_private.run_job(p_name text) RETURNS text
LANGUAGE plpgsql VOLATILE
SET search_path = ''
AS $$
DECLARE
  v_command text;
  v_result text;
BEGIN
  SELECT j.command INTO v_command FROM app_private.jobs() AS j WHERE j.name = p_name;
  IF v_command IS NULL THEN
    RAISE EXCEPTION 'no job named %', p_name USING ERRCODE = 'PT404', DETAIL = 'job.not_found',
      HINT = 'SELECT name FROM app_private.jobs() lists them.';
  END IF;
  EXECUTE v_command INTO v_result;
  RETURN v_result;
END
$$;

COMMENT ON FUNCTION app_private.run_job(text) IS 'Runs one scheduled job now and returns what it returned; PT404 (reason job.not_found) for an unknown name.';

DO $$
DECLARE
  v_job record;
BEGIN
  IF pg_catalog.current_database() IS DISTINCT FROM pg_catalog.current_setting('cron.database_name', true)
     OR NOT EXISTS (SELECT FROM pg_catalog.pg_available_extensions WHERE name = 'pg_cron') THEN
    RETURN;
  END IF;
  CREATE EXTENSION IF NOT EXISTS pg_cron;
  FOR v_job IN SELECT * FROM app_private.jobs() LOOP
    PERFORM cron.schedule(v_job.name, v_job.schedule, v_job.command);
  END LOOP;
END
$$;
