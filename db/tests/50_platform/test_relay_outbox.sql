-- The relay outbox (db/functions/50_platform/42_relay_outbox.sql): real-time
-- events (app_private.publish_realtime) and graphile-worker jobs
-- (app_private.enqueue_job) are queued in app_private.relay_outbox. On one
-- node a BEFORE INSERT trigger sends each (NOTIFY at commit; add_job in the
-- transaction) and stores nothing, so the outbox stays empty; under Citus
-- the trigger is gone (app_private.citus_distribution_ddl drops it) and
-- app_private.relay_queued_messages(), run on the coordinator, sends and deletes
-- them. (That the NOTIFY reaches a listener: tests/test_realtime_outbox.py.)
BEGIN;
SELECT plan(28);

SELECT tests.remember('tenant', tests.create_workflow_tenant());
SELECT tests.remember('other', tests.create_tenant());
CREATE TEMP TABLE job_ids ON COMMIT DROP AS SELECT coalesce(max(id), 0) AS before FROM graphile_worker.jobs;
CREATE FUNCTION pg_temp.new_jobs() RETURNS TABLE (task text, payload jsonb, key text, run_at timestamptz, max_attempts smallint, queue text)
LANGUAGE sql AS $$
  SELECT t.identifier, j.payload::jsonb, j.key, j.run_at, j.max_attempts, q.queue_name
    FROM graphile_worker._private_jobs AS j JOIN graphile_worker._private_tasks AS t ON t.id = j.task_id
    LEFT JOIN graphile_worker._private_job_queues AS q ON q.id = j.job_queue_id
   WHERE j.id > (SELECT before FROM job_ids) ORDER BY j.id
$$;

SELECT ok(EXISTS (SELECT FROM pg_trigger WHERE tgrelid = 'app_private.relay_outbox'::regclass AND tgname = '_900_relay'),
  'on one node the outbox has its relay trigger');
SELECT tests.remember('project', tests.create_project(tests.recall('tenant')));
SELECT is_empty('SELECT * FROM app_private.relay_outbox',
  'on one node the events a project''s first stage seeded were sent as they were queued: the outbox is empty');

-- One node: a job is added to graphile_worker in the transaction, nothing is stored.
SELECT app_private.enqueue_job('coa_render', jsonb_build_object('organization_id', tests.recall('other'), 'n', 1),
                               p_job_key => 'relay-test:1', p_max_attempts => 3, p_queue => 'relay_test');
SELECT results_eq($$ SELECT task, payload, key, max_attempts::int, queue FROM pg_temp.new_jobs() $$,
  $$ VALUES ('coa_render', jsonb_build_object('organization_id', tests.recall('other'), 'n', 1), 'relay-test:1', 3, 'relay_test') $$,
  'one node: enqueue_job adds the job in the transaction, with its task, payload, key, attempts and queue');
SELECT is_empty('SELECT * FROM app_private.relay_outbox', 'and stores nothing');
SAVEPOINT rolled_back;
SELECT app_private.enqueue_job('coa_render', jsonb_build_object('organization_id', tests.recall('other'), 'n', 2));
ROLLBACK TO SAVEPOINT rolled_back;
SELECT is((SELECT count(*)::int FROM pg_temp.new_jobs()), 1, 'a rolled-back enqueue leaves no job');
SELECT app_private.enqueue_job('coa_render', jsonb_build_object('organization_id', tests.recall('other'), 'n', 3),
                               p_job_key => 'relay-test:1', p_max_attempts => 3, p_queue => 'relay_test');
SELECT results_eq($$ SELECT payload ->> 'n' FROM pg_temp.new_jobs() WHERE key = 'relay-test:1' $$, ARRAY['3'],
  'a job key replaces the waiting job with the same key, as add_job does');

-- One node: several events at once are NOTIFYed straight away (no INSERT,
-- no trigger call per event), nothing stored either.
SELECT app_private.publish_realtime_many('approvals', tests.recall('other'), ARRAY['{"n": "x"}', '{"n": "y"}']::jsonb[]);
SELECT is_empty('SELECT * FROM app_private.relay_outbox', 'one node: publish_realtime_many sends its events and stores none');
-- graphile_worker.add_jobs plans its statements again at every call
-- unless generic plans are forced around it.
SELECT ok((SELECT 'plan_cache_mode=force_generic_plan' = ANY (p.proconfig) FROM pg_proc AS p
            WHERE p.oid = 'app_private.send_relayed(app_private.relay_outbox)'::regprocedure),
  'jobs are added on generic plans (planned once per session, not at every job)');

-- Under Citus.
DROP TRIGGER _900_relay ON app_private.relay_outbox;
SELECT tests.remember('second', tests.create_project(tests.recall('tenant')));

SELECT ok((SELECT count(*) FROM app_private.relay_outbox) > 0,
  'without the trigger the seeded progress events wait in the outbox');
SELECT is_empty($$
  SELECT * FROM app_private.relay_outbox
   WHERE NOT (organization_id = tests.recall('tenant') AND kind = 'realtime' AND name = 'progress'
              AND payload ->> 'event' = 'progress.seeded'
              AND (payload ->> 'organization_id')::uuid = organization_id
              AND (payload ->> 'project_id')::uuid = tests.recall('second'))
$$, 'each is keyed by its tenant, on its topic, with the payload subscribers get (the tenant, the project)');
SELECT set_eq($$ SELECT (payload ->> 'progress_id')::uuid AS id, payload ->> 'status' AS status, payload ->> 'previous_status' AS previous
                   FROM app_private.relay_outbox $$,
  $$ SELECT id, status::text, NULL::text FROM app.project_sub_stage_progress WHERE project_id = tests.recall('second') $$,
  'one event per seeded row, queued by one set-based publish (app_private.publish_realtime_many), with the row''s id and status');
SELECT app_private.publish_realtime_many('approvals', tests.recall('other'), ARRAY['{"n": "a"}', '{"n": "b"}']::jsonb[]);
SELECT set_eq($$ SELECT organization_id, kind, name, payload ->> 'n' AS n FROM app_private.relay_outbox WHERE organization_id = tests.recall('other') $$,
  $$ VALUES (tests.recall('other'), 'realtime', 'approvals', 'a'), (tests.recall('other'), 'realtime', 'approvals', 'b') $$,
  'publish_realtime_many queues each of its events on the tenant''s topic');

-- Status changes are published once per statement (transition tables): one
-- progress.updated per row whose status changed, in sub-stage order.
CREATE TEMP TABLE before_skip ON COMMIT DROP AS
  SELECT id, status, sub_stage_order FROM app.project_sub_stage_progress
   WHERE project_id = tests.recall('second') AND status IN ('pending', 'in_progress');
UPDATE app.project_sub_stage_progress SET status = 'skipped', completed_at = now()
 WHERE project_id = tests.recall('second') AND status IN ('pending', 'in_progress');
SELECT results_eq($$ SELECT (payload ->> 'progress_id')::uuid, payload ->> 'status', payload ->> 'previous_status'
                       FROM app_private.relay_outbox WHERE payload ->> 'event' = 'progress.updated' ORDER BY queued_at, id $$,
  $$ SELECT id, 'skipped', status::text FROM before_skip ORDER BY sub_stage_order, id $$,
  'an UPDATE of several rows'' status publishes progress.updated for each, with its previous status, in sub-stage order');
SELECT ok((SELECT count(*) FROM app_private.relay_outbox WHERE payload ->> 'event' = 'progress.updated') > 1,
  'one event per changed row (the project''s open sub-stages)');
UPDATE app.project_sub_stage_progress SET blocked_reason = NULL WHERE project_id = tests.recall('second');
SELECT is((SELECT count(*)::int FROM app_private.relay_outbox WHERE payload ->> 'event' = 'progress.updated'),
          (SELECT count(*)::int FROM before_skip),
  'an UPDATE that changes no status publishes nothing');

SELECT app_private.publish_realtime('approvals', tests.recall('other'),
  jsonb_build_object('event', 'approval.updated', 'organization_id', tests.recall('other')));
SELECT app_private.enqueue_job('coa_render', jsonb_build_object('organization_id', tests.recall('other'), 'n', 4),
                               '2030-01-01T00:00:00Z', 'relay-test:1', 4, 'relay_test');
SELECT app_private.enqueue_job('webhook_deliver', jsonb_build_object('organization_id', tests.recall('tenant'), 'n', 5));
SELECT results_eq($$ SELECT organization_id, name, payload, run_at, job_key, max_attempts, queue_name FROM app_private.relay_outbox WHERE kind = 'job' ORDER BY queued_at $$,
  $$ VALUES (tests.recall('other'), 'coa_render', jsonb_build_object('organization_id', tests.recall('other'), 'n', 4),
             '2030-01-01T00:00:00Z'::timestamptz, 'relay-test:1', 4, 'relay_test'),
            (tests.recall('tenant'), 'webhook_deliver', jsonb_build_object('organization_id', tests.recall('tenant'), 'n', 5),
             NULL, NULL, 5, NULL) $$,
  'a job waits in the outbox keyed by the tenant of its payload, with the arguments of add_job');
SELECT results_eq($$ SELECT payload ->> 'n' FROM pg_temp.new_jobs() WHERE key = 'relay-test:1' $$, ARRAY['3'],
  'and is not in graphile_worker yet');
-- A caller's job: an event of a tenant with a webhook endpoint (the trigger
-- on app_private.events, which under Citus runs on a worker).
SELECT tests.act_as_role(tests.recall('tenant'), 'admin');
INSERT INTO app.webhook_endpoints (url, event_types) VALUES ('https://hooks.example.com/relay', '{rule.*}');
SELECT tests.act_as_owner();
SELECT tests.remember('event', tests.publish_test_event(tests.recall('tenant'), 'rule.webhook_requested', '{"rule": "x"}'));
SELECT results_eq($$ SELECT o.organization_id, o.payload, o.job_key FROM app_private.relay_outbox AS o WHERE o.name = 'webhook_deliver' AND o.payload ? 'delivery_id' $$,
  $$ SELECT d.organization_id, jsonb_build_object('organization_id', d.organization_id, 'delivery_id', d.id), 'webhook_delivery:' || d.id
       FROM app.webhook_deliveries AS d WHERE d.organization_id = tests.recall('tenant') AND d.event_type = 'rule.webhook_requested' $$,
  'a webhook delivery''s job waits in the outbox under its tenant, with its payload and job key');
CREATE TEMP TABLE queued ON COMMIT DROP AS SELECT count(*)::int AS n FROM app_private.relay_outbox;

SELECT is(app_private.relay_queued_messages(), (SELECT n FROM queued),
  'the relay sends every queued message, of every tenant and kind');
SELECT is_empty('SELECT * FROM app_private.relay_outbox', 'and deletes them');
SELECT results_eq($$ SELECT task, payload, key, run_at, max_attempts::int, queue FROM pg_temp.new_jobs() WHERE payload ? 'n' ORDER BY payload ->> 'n' $$,
  $$ VALUES ('coa_render', jsonb_build_object('organization_id', tests.recall('other'), 'n', 4), 'relay-test:1',
             '2030-01-01T00:00:00Z'::timestamptz, 4, 'relay_test'),
            ('webhook_deliver', jsonb_build_object('organization_id', tests.recall('tenant'), 'n', 5), NULL,
             (SELECT run_at FROM pg_temp.new_jobs() WHERE payload ->> 'n' = '5'), 5, NULL) $$,
  'the relay adds the jobs to graphile_worker with the same arguments (the keyed one replaced the waiting job)');
SELECT results_eq($$ SELECT task, payload, max_attempts::int FROM pg_temp.new_jobs() WHERE key LIKE 'webhook_delivery:%' $$,
  $$ SELECT 'webhook_deliver', o.payload, 5 FROM app.webhook_deliveries AS d,
            LATERAL (SELECT jsonb_build_object('organization_id', d.organization_id, 'delivery_id', d.id) AS payload) AS o
      WHERE d.organization_id = tests.recall('tenant') AND d.event_type = 'rule.webhook_requested' $$,
  'and the webhook delivery''s job, for the worker to send');
SELECT is(app_private.relay_queued_messages(), 0, 'a relay with nothing queued sends nothing');

SELECT app_private.publish_realtime('progress', tests.recall('other'), '{"n": 1}');
SELECT app_private.publish_realtime('progress', tests.recall('other'), '{"n": 2}');
SELECT app_private.publish_realtime('progress', tests.recall('other'), '{"n": 3}');
SELECT is(app_private.relay_queued_messages(p_limit => 2), 2, 'the relay sends at most p_limit messages of a tenant per run');
SELECT results_eq($$ SELECT payload ->> 'n' FROM app_private.relay_outbox $$, ARRAY['3'],
  'the oldest first: the newest waits for the next run');

SELECT throws_ok($$ SELECT app_private.publish_realtime('Bad Topic', tests.recall('other'), '{}') $$,
  '23514', NULL, 'a topic is a lower-case word (it names the channel)');
SELECT throws_ok($$ SELECT app_private.enqueue_job('Bad Task', jsonb_build_object('organization_id', tests.recall('other'))) $$,
  'PT422', NULL, 'a task is a lower-case name (job.task_invalid)');
SELECT throws_ok($$ SELECT app_private.enqueue_job('coa_render', '{"n": 1}') $$,
  'PT422', 'the payload of a coa_render job names no organization_id', 'a job names its tenant (job.tenant_missing)');

SELECT * FROM finish();
ROLLBACK;
