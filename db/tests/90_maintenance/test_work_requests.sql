-- Work requests: a per-asset QR token (stored hashed, revocable) lets an
-- anonymous caller learn the asset's name and submit a request, rate-limited
-- per token; members report too; a planner approves, rejects with a reason
-- (the member who asked is notified) or converts into a work order (linked
-- both ways); preventive work does not come from a request; another tenant
-- and a plant-scoped planner of another plant see nothing.
BEGIN;
SELECT plan(32);

SELECT tests.remember('t', tests.create_tenant());
SELECT tests.remember('other', tests.create_tenant());
SELECT tests.remember('plant_a', tests.create_site(tests.recall('t')));
SELECT tests.remember('plant_b', tests.create_site(tests.recall('t')));
SELECT tests.remember('class', tests.create_equipment_class(tests.recall('t'), p_requires_calibration => false));
SELECT tests.remember('press', tests.create_equipment(tests.recall('t'), tests.recall('class'), tests.recall('plant_a'), NULL, 'Press 7'));
SELECT tests.remember('saw', tests.create_equipment(tests.recall('t'), tests.recall('class'), tests.recall('plant_a'), NULL, 'Saw 2'));
SELECT tests.remember('planner', tests.create_member(tests.recall('t'), 'maintenance_planner'));
SELECT tests.remember('planner_b', tests.create_member(tests.recall('t'), 'maintenance_planner', tests.recall('plant_b')));
SELECT tests.remember('operator', tests.create_member(tests.recall('t'), 'production'));
SELECT tests.remember('stranger', tests.create_member(tests.recall('other'), 'maintenance_planner'));

-- The planner issues the asset's QR token; only its hash is stored.
SELECT tests.act_as(tests.email_of(tests.recall('planner')), (SELECT slug FROM app.organizations WHERE id = tests.recall('t')::uuid));
CREATE TEMP TABLE qr AS SELECT app.issue_work_request_token(tests.recall('press')) AS token;
CREATE TEMP TABLE saw_qr AS SELECT app.issue_work_request_token(tests.recall('saw')) AS token;
GRANT SELECT ON qr, saw_qr TO PUBLIC;
SELECT tests.act_as_owner();
SELECT ok((SELECT length(token) >= 43 FROM qr), 'a token of 256 random bits');
SELECT is((SELECT token_hash FROM app_private.work_request_tokens WHERE equipment_id = tests.recall('press')::uuid),
          (SELECT public.digest(token, 'sha256') FROM qr), 'only its SHA-256 is stored');
SELECT tests.act_as(tests.email_of(tests.recall('planner_b')), (SELECT slug FROM app.organizations WHERE id = tests.recall('t')::uuid));
SELECT is(tests.refusal(format($$SELECT app.issue_work_request_token(%L)$$, tests.recall('press'))), 'PT403 permission.missing',
  'a planner of plant B issues no QR code for an asset of plant A');

-- Anonymous: the asset's name and nothing else; a request; the rate limit.
SELECT tests.act_as_anon();
SELECT is(app.work_request_asset((SELECT token FROM qr)), 'Press 7', 'the QR code tells an anonymous caller the asset''s name');
SELECT is(tests.refusal($$SELECT app.work_request_asset('not-a-token')$$), 'PT404 work_request.token_unknown', 'an unknown token tells nothing');
SELECT is(tests.refusal($$SELECT * FROM app.work_requests$$), '42501', 'anonymous callers read no requests');
SELECT is(tests.refusal($$SELECT * FROM app.equipment$$), '42501', 'nor equipment');
SELECT matches(app.submit_work_request((SELECT token FROM qr), 'Oil leak', 'under the ram', 'night shift, ext. 42'), '^WR-[0-9]{6}$',
  'an anonymous request gets only its number');
SELECT is(tests.refusal(format($$SELECT app.submit_work_request(%L, '  ')$$, (SELECT token FROM qr))), 'PT422 work_request.title_invalid',
  'a request needs a title');
SELECT app.submit_work_request((SELECT token FROM qr), 'Noise ' || n) FROM generate_series(1, 4) AS n;
SELECT is(tests.refusal(format($$SELECT app.submit_work_request(%L, 'Sixth')$$, (SELECT token FROM qr))), 'PT429 work_request.rate_limited',
  'the sixth request within an hour on one QR code is refused');
SELECT matches(app.submit_work_request((SELECT token FROM saw_qr), 'Blade dull'), '^WR-[0-9]{6}$',
  'callers without a known address share no bucket across QR codes: another code still takes requests');

-- Behind a proxy (X-Forwarded-For): one client cannot use up a QR code for the others.
SELECT set_config('request.headers', '{"x-forwarded-for": "203.0.113.9"}', true);
SELECT app.submit_work_request((SELECT token FROM saw_qr), 'Spam ' || n) FROM generate_series(1, 5) AS n;
SELECT is(tests.refusal(format($$SELECT app.submit_work_request(%L, 'Spam 6')$$, (SELECT token FROM saw_qr))), 'PT429 work_request.rate_limited',
  'a client gets 5 requests per QR code within an hour');
SELECT set_config('request.headers', '{"x-forwarded-for": "198.51.100.20"}', true);
SELECT matches(app.submit_work_request((SELECT token FROM saw_qr), 'Real problem'), '^WR-[0-9]{6}$',
  'another client still reports on that QR code');
SELECT tests.act_as_owner();
INSERT INTO app_private.work_request_attempts (token_hash, client)
  SELECT public.digest((SELECT token FROM saw_qr), 'sha256'), '192.0.2.' || n FROM generate_series(1, 43) AS n;
SELECT tests.act_as_anon();
SELECT set_config('request.headers', '{"x-forwarded-for": "198.51.100.21"}', true);
SELECT is(tests.refusal(format($$SELECT app.submit_work_request(%L, 'Fifty-first')$$, (SELECT token FROM saw_qr))),
  'PT429 work_request.rate_limited', 'a QR code takes 50 requests within an hour from all clients together');
SELECT tests.act_as_owner();
INSERT INTO app_private.work_request_attempts (token_hash, client) SELECT '\x00'::bytea, '198.51.100.22' FROM generate_series(1, 20);
SELECT tests.act_as_anon();
SELECT set_config('request.headers', '{"x-forwarded-for": "198.51.100.22"}', true);
SELECT is(tests.refusal(format($$SELECT app.submit_work_request(%L, 'Twenty-first')$$, (SELECT token FROM qr))),
  'PT429 work_request.rate_limited', 'a client gets 20 requests within an hour in all');
SELECT set_config('request.headers', NULL, true);

SELECT tests.act_as_owner();
SELECT is((SELECT count(*)::int FROM app.work_requests WHERE equipment_id = tests.recall('press')::uuid), 5, 'five requests were recorded');
SELECT is((SELECT contact FROM app.work_requests WHERE title = 'Oil leak'), 'night shift, ext. 42', 'the anonymous contact is kept');
SELECT is((SELECT requested_by FROM app.work_requests WHERE title = 'Oil leak'), NULL, 'with no requester');
SELECT is((SELECT site_id FROM app.work_requests WHERE title = 'Oil leak'), tests.recall('plant_a'), 'at the asset''s plant');
SELECT tests.remember('anon_request', (SELECT id FROM app.work_requests WHERE title = 'Oil leak'));

-- A member reports.
SELECT tests.act_as(tests.email_of(tests.recall('operator')), (SELECT slug FROM app.organizations WHERE id = tests.recall('t')::uuid));
SELECT tests.remember('member_request', (app.request_work(tests.recall('press'), 'Guard loose')).id);
SELECT is((SELECT count(*)::int FROM app.work_requests), 1, 'a member reads their own request only');
SELECT is(tests.refusal(format($$SELECT app.decide_work_request(%L, false, 'no')$$, tests.recall('member_request'))), 'PT403 permission.missing',
  'the requester does not decide it');

-- Decisions.
SELECT tests.act_as(tests.email_of(tests.recall('planner_b')), (SELECT slug FROM app.organizations WHERE id = tests.recall('t')::uuid));
SELECT is((SELECT count(*)::int FROM app.work_requests), 0, 'a plant B planner sees no plant A requests');
SELECT tests.act_as(tests.email_of(tests.recall('planner')), (SELECT slug FROM app.organizations WHERE id = tests.recall('t')::uuid));
SELECT is((SELECT count(*)::int FROM app.work_requests), 13, 'the planner sees every request (press 6, saw 7)');
SELECT is(tests.refusal(format($$SELECT app.decide_work_request(%L, false, ' ')$$, tests.recall('member_request'))), 'PT422 work_request.reason_required',
  'a rejection needs a reason');
SELECT is((app.decide_work_request(tests.recall('member_request'), false, 'duplicate of WR-000001')).status, 'rejected', 'rejected with a reason');
SELECT is(tests.refusal(format($$SELECT app.convert_work_request(%L)$$, tests.recall('member_request'))), 'PT409 work_request.decided',
  'a rejected request is not converted');
SELECT is(tests.refusal(format($$SELECT app.convert_work_request(%L, 'preventive')$$, tests.recall('anon_request'))),
  'PT422 work_order.type_skips_request', 'preventive work does not come from a request');
SELECT tests.remember('wo', (app.convert_work_request(tests.recall('anon_request'), 'corrective', 2, NULL, true)).id);
SELECT is((SELECT status FROM app.work_requests WHERE id = tests.recall('anon_request')::uuid), 'converted',
  'the request is converted');
SELECT is((SELECT (work_request_id, work_type::text, title, status) FROM app.work_orders WHERE id = tests.recall('wo')::uuid),
  (tests.recall('anon_request'), 'corrective'::text, 'Oil leak'::text, 'planned'::text), 'and the work order names its request');

SELECT tests.act_as_owner();
SELECT throws_ok(format($$INSERT INTO app.work_orders (organization_id, id, work_order_number, work_type, title, equipment_id, site_id, work_request_id)
  SELECT organization_id, gen_random_uuid(), 'WO-999999', work_type, title, equipment_id, site_id, work_request_id FROM app.work_orders
   WHERE id = %L$$, tests.recall('wo')), '23505', NULL, 'a request becomes one work order only');
SELECT is((SELECT count(*)::int FROM app.notifications WHERE user_id = tests.recall('operator')::uuid AND entity_type = 'work_request'
                                                            AND message = 'duplicate of WR-000001'), 1, 'the member who asked is told why');

SELECT tests.act_as(tests.email_of(tests.recall('stranger')), (SELECT slug FROM app.organizations WHERE id = tests.recall('other')::uuid));
SELECT is((SELECT count(*)::int FROM app.work_requests) + (SELECT count(*)::int FROM app.work_orders), 0, 'another tenant sees nothing');

SELECT * FROM finish();
ROLLBACK;
