-- Webhooks: endpoints, filters, one delivery per matching endpoint of the
-- event's own tenant, signed requests, retries, dead letters, replay,
-- permissions, retention.
BEGIN;
SELECT plan(45);

SELECT tests.remember('a', tests.create_workflow_tenant());
SELECT tests.remember('b', tests.create_workflow_tenant());
UPDATE app_private.webhook_settings SET retry_base = '10 seconds', retry_max = '25 seconds';

-- Filters.
SELECT ok(app_private.webhook_event_matches('{project.*}', 'project.stage_changed'), 'project.* matches project.stage_changed');
SELECT ok(NOT app_private.webhook_event_matches('{project.*}', 'projects.created'), 'but not projects.created');
SELECT ok(NOT app_private.webhook_event_matches('{project.*}', 'document.version_stored'), 'nor another domain''s event');
SELECT ok(app_private.webhook_event_matches('{*}', 'anything.at_all'), '* matches every event');
SELECT ok(NOT app_private.webhook_event_matches('{approval.decided}', 'approval.requested'), 'an exact filter matches only its type');

-- Endpoints: the admin registers them; the server makes the secret.
SELECT tests.act_as_role(tests.recall('a'), 'admin');
INSERT INTO app.webhook_endpoints (url, event_types, max_attempts) VALUES ('http://127.0.0.1:9/projects', '{project.*}', 3);
INSERT INTO app.webhook_endpoints (url, event_types) VALUES ('https://hooks.example.com/approvals', '{approval.decided}');
INSERT INTO app.webhook_endpoints (url, event_types, is_active) VALUES ('https://hooks.example.com/off', '{*}', false);
SELECT tests.remember('projects', (SELECT id FROM app.webhook_endpoints WHERE url LIKE '%/projects'));
SELECT tests.remember('approvals', (SELECT id FROM app.webhook_endpoints WHERE url LIKE '%/approvals'));
SELECT tests.remember('off', (SELECT id FROM app.webhook_endpoints WHERE url LIKE '%/off'));
SELECT is((SELECT created_by FROM app.webhook_endpoints WHERE id = tests.recall('projects')),
  tests.member_with_role(tests.recall('a'), 'admin'), 'the admin registers an endpoint; created_by is the caller');
SELECT matches(app.webhook_endpoint_secret(tests.recall('projects')), '^whsec_[0-9a-f]{64}$',
  'the server made a 256-bit secret the admin may read');
SELECT set_config('tests.old_secret', app.webhook_endpoint_secret(tests.recall('projects')), true);
SELECT set_config('tests.new_secret', app.rotate_webhook_secret(tests.recall('projects')), true);
SELECT isnt(current_setting('tests.new_secret'), current_setting('tests.old_secret'), 'rotating gives a new secret');
SELECT is(app.webhook_endpoint_secret(tests.recall('projects')), current_setting('tests.new_secret'), 'which is the one kept');
SELECT is(tests.refusal($$INSERT INTO app.webhook_endpoints (url, event_types) VALUES ('ftp://example.com/x', '{*}')$$),
  'PT422 webhook_endpoint.url_invalid', 'only http and https URLs');
SELECT is(tests.refusal($$INSERT INTO app.webhook_endpoints (url, event_types) VALUES ('https://user:pw@example.com/x', '{*}')$$),
  'PT422 webhook_endpoint.url_invalid', 'no credentials in the URL');
SELECT is(tests.refusal($$INSERT INTO app.webhook_endpoints (url, event_types) VALUES ('https://example.com/x', '{project.*.created}')$$),
  'PT422 webhook_endpoint.event_types_invalid', 'a wildcard only at the end');
SELECT is(tests.refusal($$INSERT INTO app.webhook_endpoints (url, event_types) VALUES ('https://example.com/x', '{}')$$),
  'PT422 webhook_endpoint.event_types_invalid', 'at least one filter');
SELECT is(tests.refusal($$UPDATE app.webhook_endpoints SET url = 'javascript:alert(1)' WHERE id = tests.recall('approvals')$$),
  'PT422 webhook_endpoint.url_invalid', 'an update is checked too');

-- A lesser role and another tenant.
SELECT tests.act_as_role(tests.recall('a'), 'sales');
SELECT is(tests.refusal($$INSERT INTO app.webhook_endpoints (url, event_types) VALUES ('https://example.com/x', '{*}')$$),
  'PT403 permission.missing', 'a member without webhook.manage cannot register an endpoint');
SELECT is_empty($$SELECT id FROM app.webhook_endpoints$$, 'nor sees the endpoints');
SELECT is(tests.refusal($$SELECT app.webhook_endpoint_secret(tests.recall('projects'))$$), 'PT403 permission.missing',
  'nor reads a secret');
SELECT tests.act_as_role(tests.recall('b'), 'admin');
INSERT INTO app.webhook_endpoints (url, event_types) VALUES ('http://127.0.0.1:9/b', '{*}');
SELECT tests.remember('b_endpoint', (SELECT id FROM app.webhook_endpoints WHERE url = 'http://127.0.0.1:9/b'));
SELECT is_empty($$SELECT id FROM app.webhook_endpoints WHERE organization_id = tests.recall('a')$$,
  'another tenant''s admin sees none of A''s endpoints');
SELECT is(tests.refusal($$SELECT app.webhook_endpoint_secret(tests.recall('projects'))$$), 'PT404 webhook_endpoint.not_found',
  'nor reads their secrets');
SELECT is_empty($$UPDATE app.webhook_endpoints SET is_active = false WHERE id = tests.recall('projects') RETURNING id$$,
  'nor updates them');

-- Events become deliveries for the matching active endpoints of their own tenant only.
SELECT tests.act_as_owner();
SELECT tests.remember('project', tests.create_project(tests.recall('a')));
SELECT tests.remember('event', (SELECT id FROM app_private.events WHERE organization_id = tests.recall('a') AND event_type = 'project.created'
                                  AND entity_id = tests.recall('project')));
SELECT is((SELECT array_agg(endpoint_id) FROM app.webhook_deliveries WHERE event_id = tests.recall('event')),
  ARRAY[tests.recall('projects')], 'project.created is delivered to the project.* endpoint only (not approvals, not the inactive one)');
SELECT is_empty($$SELECT FROM app.webhook_deliveries WHERE endpoint_id = tests.recall('b_endpoint')$$,
  'B''s catch-all endpoint gets nothing of A''s events');
SELECT tests.remember('delivery', (SELECT id FROM app.webhook_deliveries WHERE event_id = tests.recall('event')));
SELECT is((SELECT j.payload::jsonb FROM graphile_worker._private_jobs AS j JOIN graphile_worker._private_tasks AS t ON t.id = j.task_id
            WHERE j.key = 'webhook_delivery:' || tests.recall('delivery') AND t.identifier = 'webhook_deliver'),
  jsonb_build_object('organization_id', tests.recall('a'), 'delivery_id', tests.recall('delivery')),
  'and enqueued in the same transaction (task webhook_deliver)');
SELECT tests.remember('b_event', tests.publish_test_event(tests.recall('b'), 'rule.webhook_requested', '{"rule": "x"}'));
SELECT is((SELECT count(*)::int FROM app.webhook_deliveries WHERE endpoint_id = tests.recall('b_endpoint')), 1,
  'any event type reaches a matching endpoint (what the rules engine publishes too)');

-- The worker's request: signed over "<timestamp>.<body>".
CREATE TEMP TABLE request AS SELECT * FROM app_private.webhook_attempt_begin(tests.recall('a'), tests.recall('delivery'));
SELECT is((SELECT headers ->> 'Pulse-Webhook-Signature' FROM request),
  'v1=' || encode(hmac((SELECT headers ->> 'Pulse-Webhook-Timestamp' || '.' || body FROM request),
                       (SELECT secret FROM app_private.webhook_secrets WHERE endpoint_id = tests.recall('projects')), 'sha256'), 'hex'),
  'the signature is the HMAC-SHA256 of timestamp.body with the endpoint secret');
SELECT is((SELECT body::jsonb - 'occurred_at' FROM request),
  jsonb_build_object('id', tests.recall('event'), 'type', 'project.created', 'organization_id', tests.recall('a'),
                     'data', (SELECT payload FROM app_private.events WHERE id = tests.recall('event'))),
  'the body carries the event');
SELECT is((SELECT (headers ->> 'Pulse-Webhook-Id') || ' ' || attempt_number FROM request), tests.recall('delivery') || ' 1',
  'the delivery id and the attempt number');

-- Retries with backoff, then the dead letter after max_attempts (3).
SELECT is(app_private.webhook_attempt_finish(tests.recall('a'), tests.recall('delivery'), 1, 500, 12, NULL, 'oops'), 'pending',
  'a 500 leaves the delivery pending');
SELECT ok((SELECT next_attempt_at BETWEEN clock_timestamp() + interval '9 seconds' AND clock_timestamp() + interval '11 seconds'
             FROM app.webhook_deliveries WHERE id = tests.recall('delivery')), 'the next attempt waits retry_base');
SELECT is((SELECT run_at FROM graphile_worker.jobs WHERE key = 'webhook_delivery:' || tests.recall('delivery')),
  (SELECT next_attempt_at FROM app.webhook_deliveries WHERE id = tests.recall('delivery')), 'and is queued for then');
SELECT is(app_private.webhook_attempt_finish(tests.recall('a'), tests.recall('delivery'), 1, 200, 5, NULL, NULL), 'pending',
  'a second report of the same attempt changes nothing');
SELECT app_private.webhook_attempt_finish(tests.recall('a'), tests.recall('delivery'), 2, NULL, 10000, 'no answer within 10000 ms', NULL);
SELECT ok((SELECT next_attempt_at > clock_timestamp() + interval '19 seconds' FROM app.webhook_deliveries WHERE id = tests.recall('delivery')),
  'the wait doubles');
SELECT is(app_private.webhook_attempt_finish(tests.recall('a'), tests.recall('delivery'), 3, 404, 3, NULL, NULL), 'dead',
  'after max_attempts the delivery is dead');
SELECT is((SELECT array_agg(coalesce(response_code::text, error) ORDER BY attempt_number) FROM app.webhook_attempts
            WHERE delivery_id = tests.recall('delivery')), ARRAY['500', 'no answer within 10000 ms', '404'], 'each attempt is logged');

-- The log and the replay, as the admin; not for another tenant.
SELECT tests.act_as_role(tests.recall('b'), 'admin');
SELECT is_empty($$SELECT FROM app.webhook_deliveries WHERE organization_id = tests.recall('a')$$, 'B''s admin sees none of A''s deliveries');
SELECT is(tests.refusal($$SELECT app.replay_webhook_delivery(tests.recall('delivery'))$$), 'PT404 webhook_delivery.not_found',
  'nor replays them');
SELECT tests.act_as_role(tests.recall('a'), 'sales');
SELECT is(tests.refusal($$SELECT app.replay_webhook_delivery(tests.recall('delivery'))$$), 'PT403 permission.missing',
  'a member without webhook.manage cannot replay');
SELECT tests.act_as_role(tests.recall('a'), 'admin');
SELECT is((SELECT count(*)::int FROM app.webhook_attempts WHERE delivery_id = tests.recall('delivery')), 3, 'the admin reads the attempts');
SELECT is((SELECT status || ' ' || round_attempts || ' ' || replay_count FROM app.replay_webhook_delivery(tests.recall('delivery'))),
  'pending 0 1', 'a replay sends the dead delivery again with fresh attempts');
SELECT is(tests.refusal($$SELECT app.replay_webhook_delivery(tests.recall('delivery'))$$), 'PT409 webhook_delivery.pending',
  'not while it is pending');
UPDATE app.webhook_endpoints SET is_active = false WHERE id = tests.recall('projects');
SELECT is((SELECT status FROM app.webhook_deliveries WHERE id = tests.recall('delivery')), 'cancelled',
  'deactivating the endpoint cancels its pending deliveries');
SELECT is(tests.refusal($$SELECT app.replay_webhook_delivery(tests.recall('delivery'))$$), 'PT409 webhook_endpoint.inactive',
  'and they cannot be replayed until it is active again');

-- Retention: settled deliveries go after 30 days, dead ones after 90, and the events no delivery needs.
SELECT tests.act_as_owner();
SELECT app_private.purge_webhook_deliveries(now() + interval '31 days');
SELECT is_empty($$SELECT FROM app.webhook_deliveries WHERE id = tests.recall('delivery')$$, 'a cancelled delivery is purged after the retention');
SELECT is_empty($$SELECT FROM app_private.events WHERE id = tests.recall('event')$$, 'and its event with it');

-- The job queue is not the API's.
SELECT ok(NOT has_schema_privilege('app_user', 'graphile_worker', 'USAGE') AND NOT has_schema_privilege('anon', 'graphile_worker', 'USAGE'),
  'API roles have no access to the job queue');

SELECT * FROM finish();
ROLLBACK;
