-- Real-time events go through the outbox (db/functions/50_platform/30_realtime.sql):
-- the domains queue them with app_private.publish_realtime; on one node a
-- BEFORE INSERT trigger NOTIFYs each and stores nothing, so the outbox stays
-- empty; under
-- Citus the trigger is gone (app_private.citus_distribution_ddl drops it) and
-- app_private.relay_realtime_outbox, run on the coordinator, sends and deletes
-- them. (That the NOTIFY reaches a listener: tests/test_realtime_outbox.py.)
BEGIN;
SELECT plan(10);

SELECT tests.remember('tenant', tests.create_workflow_tenant());
SELECT tests.remember('other', tests.create_tenant());

SELECT ok(EXISTS (SELECT FROM pg_trigger WHERE tgrelid = 'app_private.realtime_outbox'::regclass AND tgname = '_900_relay'),
  'on one node the outbox has its relay trigger');
SELECT tests.remember('project', tests.create_project(tests.recall('tenant')));
SELECT is_empty('SELECT * FROM app_private.realtime_outbox',
  'on one node the events a project''s first stage seeded were sent as they were queued: the outbox is empty');

-- Under Citus.
DROP TRIGGER _900_relay ON app_private.realtime_outbox;
SELECT tests.remember('second', tests.create_project(tests.recall('tenant')));

SELECT ok((SELECT count(*) FROM app_private.realtime_outbox) > 0,
  'without the trigger the seeded progress events wait in the outbox');
SELECT is_empty($$
  SELECT * FROM app_private.realtime_outbox
   WHERE NOT (organization_id = tests.recall('tenant') AND topic = 'progress'
              AND payload ->> 'event' = 'progress.seeded'
              AND (payload ->> 'organization_id')::uuid = organization_id
              AND (payload ->> 'project_id')::uuid = tests.recall('second'))
$$, 'each is keyed by its tenant, on its topic, with the payload subscribers get (the tenant, the project)');

SELECT app_private.publish_realtime('approvals', tests.recall('other'),
  jsonb_build_object('event', 'approval.updated', 'organization_id', tests.recall('other')));
CREATE TEMP TABLE queued ON COMMIT DROP AS SELECT count(*)::int AS n FROM app_private.realtime_outbox;

SELECT is(app_private.relay_realtime_outbox(), (SELECT n FROM queued),
  'the relay sends every queued event, of every tenant');
SELECT is_empty('SELECT * FROM app_private.realtime_outbox', 'and deletes them');
SELECT is(app_private.relay_realtime_outbox(), 0, 'a relay with nothing queued sends nothing');

SELECT app_private.publish_realtime('progress', tests.recall('other'), '{"n": 1}');
SELECT app_private.publish_realtime('progress', tests.recall('other'), '{"n": 2}');
SELECT app_private.publish_realtime('progress', tests.recall('other'), '{"n": 3}');
SELECT is(app_private.relay_realtime_outbox(p_limit => 2), 2, 'the relay sends at most p_limit events of a tenant per run');
SELECT results_eq($$ SELECT payload ->> 'n' FROM app_private.realtime_outbox $$, ARRAY['3'],
  'the oldest first: the newest waits for the next run');

SELECT throws_ok($$ SELECT app_private.publish_realtime('Bad Topic', tests.recall('other'), '{}') $$,
  '23514', NULL, 'a topic is a lower-case word (it names the channel)');

SELECT * FROM finish();
ROLLBACK;
