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
     'Deletes sign-in failure counts older than a day that lock nothing any more (every email tried leaves one).'),
    ('archive-activity-log', '23 2 * * *', 'SELECT app_private.archive_activity_log()',
     'Moves activity log events older than their tenant''s retention (audit_settings, 2 years by default) to the archive.'),
    ('flag-documents-for-disposal', '37 2 * * *', 'SELECT app_private.flag_documents_for_disposal()',
     'Lists documents whose retention has ended in document_disposals, for the document controller.'),
    ('remind-overdue-capa-actions', '7 6 * * *', 'SELECT app_private.remind_overdue_capa_actions()',
     'Tells each owner of an open CAPA action past its due date, once.'),
    ('purge-rule-runs', '53 3 * * *', 'SELECT app_private.purge_rule_runs()',
     'Deletes rule runs older than the platform''s retention (rule_settings.run_retention_days, 90 days by default).'),
    ('purge-trash', '47 3 * * *', 'SELECT app_private.purge_trash()',
     'Deletes for good what has been in the trash (app.soft_delete) for 30 days; rows an append-only trail or retention keeps stay.'),
    ('notify-calibrations-due', '7 * * * *', 'SELECT app_private.notify_calibrations_due()',
     'Tells the holders of calibration.record when equipment whose class requires calibration becomes due soon or overdue, once per crossing.'),
    ('purge-webhook-deliveries', '59 3 * * *', 'SELECT app_private.purge_webhook_deliveries()',
     'Deletes settled webhook deliveries and their attempts, and events no delivery needs, after the retention of webhook_settings.'),
    ('purge-sap-messages', '3 4 * * *', 'SELECT app_private.purge_sap_messages()',
     'Deletes sent SAP messages (with their attempts) after webhook_settings.retention, dead and blocked ones after dead_retention, inbound log rows and settled staging rows after retention (97_integration/60_sap_retention.sql).'),
    ('refresh-kpis', '*/15 * * * *', 'SELECT app_private.refresh_kpis()',
     'Refreshes every KPI materialized view (app_private.*_kpi_*) concurrently, so readers are never blocked; each view says when it was computed.'),
    ('notify-retention-due', '13 6 * * *', 'SELECT app_private.notify_retention_due()',
     'Tells the sample handlers (sample.manage) once when a retained sample portion''s retention has ended and it is due for disposal.'),
    ('check-reagent-stock', '13 5 * * *', 'SELECT app_private.check_all_reagent_stock()',
     'Announces reagents and consumables whose available stock fell below their threshold because lots expired, once per crossing (reagent.low_stock).'),
    ('purge-email-deliveries', '37 4 * * *', 'SELECT app_private.purge_email_deliveries()',
     'Deletes settled e-mail deliveries (sent, failed, cancelled) older than 90 days.'),
    ('send-email-digests', '5 * * * *', 'SELECT app_private.queue_email_digests()',
     'Queues the daily e-mail digest of each person who wants some kind of notification as digest, once their day has reached 07:00 (their time zone, else the tenant''s): the unread notifications since the last digest, one mail a day, none when nothing is new (50_platform/23_email_digest.sql).'),
    ('purge-report-executions', '29 4 * * *', 'SELECT app_private.purge_report_executions()',
     'Deletes finished report executions older than 30 days and lists their files for the object-store purge (app_private.object_purges).'),
    ('notify-expiring-supplier-approvals', '19 6 * * *', 'SELECT app_private.notify_expiring_supplier_approvals()',
     'Publishes approved_supplier.expiring 30 days before an approved or conditional supplier''s approval or certificate expires (80_quality/20_suppliers.sql).'),
    ('maintain-partitions', '11 * * * *', 'SELECT app_private.maintain_partitions()',
     'Runs pg_partman on the append-heavy tables (app_private.append_heavy_tables): makes partitions premake ahead, drops those past the retention of partition_settings, protects new ones against TRUNCATE.'),
    ('check-custom-domains', '*/15 * * * *', 'SELECT app_private.enqueue_domain_checks()',
     'Looks up again the DNS TXT record of every custom domain not yet verified and not checked in the last 10 minutes (domain_verify jobs; 50_platform/65_domain_verification.sql).'),
    ('purge-measurements', '43 4 * * *', 'SELECT app_private.purge_measurements()',
     'Removes measurements older than their tenant''s measurement_retention_years (15 by default, at least 2): whole monthly partitions when every tenant in one allows it, else rows; SPC baseline data in force stays (80_quality/44_measurement_retention.sql).'),
    ('archive-work-orders', '31 2 * * *', 'SELECT app_private.archive_work_orders()',
     'Moves closed and cancelled work orders older than their tenant''s maintenance_archive_after_years (7 by default), with their labour, charges and assets, to the archive tables, 500 at a time (90_maintenance/96_archive.sql).'),
    ('generate-pm-work-orders', '*/10 * * * *', 'SELECT app_private.generate_pm_work_orders()',
     'Generates the preventive work orders due (calendar within lead days, meter within lead units) for every tenant, idempotently, never a second while one of a schedule is open (90_maintenance/84_pm_generation.sql).')
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

-- Scheduling, on every migrate: cron.schedule upserts by job name (same
-- schedule name, same user), so a migrate leaves exactly the jobs of
-- app_private.jobs() scheduled, with today's schedules and commands; a job
-- that left the list is unscheduled. pg_cron runs each job in the database
-- and as the role that scheduled it: this database, and the migrating role
-- (the owner of the schemas, which the jobs need across tenants).
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
  -- Under Citus the coordinator relays the outbox (real-time events, jobs)
  -- every second (app_private.citus_distribution_ddl); on one node a
  -- trigger does.
  IF EXISTS (SELECT FROM pg_catalog.pg_extension WHERE extname = 'citus') THEN
    PERFORM cron.schedule('relay-outbox', '1 seconds', 'SELECT app_private.relay_queued_messages()');
  END IF;
  FOR v_job IN
    SELECT c.jobid FROM cron.job AS c
     WHERE c.database = pg_catalog.current_database() AND c.username = current_user
       AND c.command LIKE 'SELECT app\_private.%'
       AND c.jobname NOT IN (SELECT j.name FROM app_private.jobs() AS j)
       AND NOT (c.jobname = 'relay-outbox' AND EXISTS (SELECT FROM pg_catalog.pg_extension WHERE extname = 'citus'))
  LOOP
    PERFORM cron.unschedule(v_job.jobid);
  END LOOP;
END
$$;
