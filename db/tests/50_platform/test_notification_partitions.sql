-- Notifications and webhook deliveries are partitioned by month of
-- created_at (docs/scaling.md, "Partitions"): rows land in their month, the
-- keys carry the time and still refuse what they refused, an attempt names
-- its delivery's whole key, API roles reach only the parents, and a month
-- is dropped only once nothing in it is kept.
BEGIN;
SELECT plan(17);

SELECT tests.remember('a', tests.create_workflow_tenant());
SELECT tests.remember('qa', tests.create_member(tests.recall('a'), 'qa'));
DO $$ BEGIN
  PERFORM app_private.notify(tests.recall('a'), ARRAY[tests.recall('qa')], 'system', 'Hello', 'A test');
END $$;
SELECT tests.remember('note', (SELECT id FROM app.notifications WHERE user_id = tests.recall('qa')));

SELECT is((SELECT tableoid::regclass::text FROM app.notifications WHERE id = tests.recall('note')),
  'app.notifications_p' || to_char(now(), 'YYYY_MM'), 'a notification lands in its month''s partition');

-- Deliveries: the time is the event's.
INSERT INTO app.webhook_endpoints (organization_id, url, event_types)
VALUES (tests.recall('a'), 'http://127.0.0.1:9/all', '{*}');
SELECT tests.remember('endpoint', (SELECT id FROM app.webhook_endpoints WHERE organization_id = tests.recall('a')));
SELECT tests.remember('event', tests.publish_test_event(tests.recall('a'), 'rule.webhook_requested', '{"rule": "x"}'));
SELECT tests.remember('delivery', (SELECT id FROM app.webhook_deliveries WHERE event_id = tests.recall('event')));
SELECT is((SELECT tableoid::regclass::text FROM app.webhook_deliveries WHERE id = tests.recall('delivery')),
  'app.webhook_deliveries_p' || to_char(now(), 'YYYY_MM'), 'a delivery lands in its month''s partition');
SELECT is((SELECT d.created_at FROM app.webhook_deliveries AS d WHERE d.id = tests.recall('delivery')),
  (SELECT e.occurred_at FROM app_private.events AS e WHERE e.id = tests.recall('event')),
  'its created_at is its event''s time');

-- The key that sends an event to an endpoint once holds the time; the time
-- must be the event's, whoever writes the row, so the key still refuses a
-- second delivery of the same event to the same endpoint.
SELECT is(tests.refusal(format($$INSERT INTO app.webhook_deliveries (organization_id, id, endpoint_id, event_id, event_type, created_at)
                                 VALUES (%L, gen_random_uuid(), %L, %L, 'rule.webhook_requested', now() - interval '400 days')$$,
                                tests.recall('a'), tests.recall('endpoint'), tests.recall('event'))),
  'PT422 webhook_delivery.time_not_event', 'a delivery at another time than its event''s is refused');
SELECT throws_ok(format($$INSERT INTO app.webhook_deliveries (organization_id, id, endpoint_id, event_id, event_type, created_at)
                         VALUES (%L, gen_random_uuid(), %L, %L, 'rule.webhook_requested', %L)$$,
                        tests.recall('a'), tests.recall('endpoint'), tests.recall('event'),
                        (SELECT occurred_at FROM app_private.events WHERE id = tests.recall('event'))),
  '23505', NULL, 'so a second delivery of one event to one endpoint is refused by the key');
SELECT is(tests.refusal(format($$UPDATE app.webhook_deliveries SET created_at = now() - interval '400 days' WHERE id = %L$$,
                               tests.recall('delivery'))),
  'PT422 webhook_delivery.time_not_event', 'nor can a delivery be moved off its event''s time (to another partition)');

-- An attempt names its delivery by the whole key (organization_id, id, created_at).
SELECT is(app_private.webhook_attempt_finish(tests.recall('a'), tests.recall('delivery'), 1, 500, 12, NULL, 'oops'),
  'pending', 'the worker records an attempt');
SELECT is((SELECT a.delivery_created_at FROM app.webhook_attempts AS a WHERE a.delivery_id = tests.recall('delivery')),
  (SELECT d.created_at FROM app.webhook_deliveries AS d WHERE d.id = tests.recall('delivery')),
  'which carries its delivery''s time');
SELECT throws_ok(format($$INSERT INTO app.webhook_attempts (organization_id, id, delivery_id, delivery_created_at,
                                                           attempt_number, outcome, duration_ms)
                         VALUES (%L, gen_random_uuid(), %L, now() - interval '1 day', 2, 'failed', 1)$$,
                        tests.recall('a'), tests.recall('delivery')),
  '23503', NULL, 'an attempt of no delivery (a wrong time) is refused by the foreign key');
DELETE FROM app.webhook_deliveries WHERE id = tests.recall('delivery');
SELECT is_empty($$SELECT FROM app.webhook_attempts WHERE delivery_id = tests.recall('delivery')$$,
  'a delivery''s attempts leave with it (purge, tenant purge)');

-- API roles reach the parents only.
SELECT tests.act_as(tests.recall('qa'), tests.recall('a'));
SELECT is((SELECT count(*)::int FROM app.notifications), 1, 'the recipient reads the notification through the table');
SELECT throws_ok(format('SELECT * FROM app.notifications_p%s', to_char(now(), 'YYYY_MM')), '42501', NULL,
  'but not from its partition');
SELECT throws_ok(format('SELECT * FROM app.webhook_deliveries_p%s', to_char(now(), 'YYYY_MM')), '42501', NULL,
  'nor from a partition of the deliveries');
SELECT tests.act_as_owner();

-- Retention: a month past the platform's retention stays while it holds a
-- notification (they leave only with their tenant, project or person), and
-- goes with the next maintenance once it is empty.
UPDATE app_private.partition_settings SET retention = interval '3 years';
SELECT ok(partman.create_partition_time('app.notifications', ARRAY[date_trunc('month', now() - interval '4 years')]),
  'partman makes a month four years back');
INSERT INTO app.notifications (organization_id, id, user_id, type, title, created_at)
VALUES (tests.recall('a'), gen_random_uuid(), tests.recall('qa'), 'system', 'Old',
        date_trunc('month', now() - interval '4 years') + interval '1 day');
SELECT ok(app_private.partition_retention('app.notifications') > interval '4 years',
  'the retention stretches back to the oldest month that holds a notification');
SELECT ok(app_private.maintain_partitions() IS NOT NULL
          AND to_regclass('app.notifications_p' || to_char(now() - interval '4 years', 'YYYY_MM')) IS NOT NULL,
  'maintenance keeps that month');
DELETE FROM app.notifications WHERE title = 'Old';
SELECT ok(app_private.maintain_partitions() IS NOT NULL
          AND to_regclass('app.notifications_p' || to_char(now() - interval '4 years', 'YYYY_MM')) IS NULL,
  'once empty, the month is dropped');

SELECT * FROM finish();
ROLLBACK;
