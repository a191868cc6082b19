-- Identity: who sees whom, sign-in, sessions, suspension and revocation.
BEGIN;
SELECT plan(49);

-- Tenant A: an admin, qa, finance (to be suspended), logistics (to be
-- revoked). Tenant B: an admin and finance. A platform operator.
SELECT tests.remember('a', tests.create_tenant());
SELECT tests.remember('b', tests.create_tenant());
SELECT tests.remember('admin', tests.create_member(tests.recall('a'), 'admin'));
SELECT tests.remember('qa', tests.create_member(tests.recall('a'), 'qa'));
SELECT tests.remember('finance', tests.create_member(tests.recall('a'), 'finance'));
SELECT tests.remember('logistics', tests.create_member(tests.recall('a'), 'logistics'));
SELECT tests.remember('b_admin', tests.create_member(tests.recall('b'), 'admin'));
SELECT tests.remember('b_finance', tests.create_member(tests.recall('b'), 'finance'));
SELECT tests.remember('operator', tests.create_operator());
CREATE TEMP TABLE a_people ON COMMIT DROP AS
SELECT user_id FROM app.memberships WHERE organization_id = tests.recall('a');
GRANT SELECT ON a_people TO PUBLIC;

-- People and memberships.
SELECT tests.act_as(tests.recall('admin'), tests.recall('a'));
SELECT results_eq('SELECT id FROM app.users ORDER BY id', 'SELECT user_id FROM a_people ORDER BY 1',
  'a member sees exactly the people of their tenant');
SELECT is_empty($$SELECT 1 FROM app.users WHERE id IN (tests.recall('b_admin'), tests.recall('b_finance'))$$,
  'and none of another tenant');
SELECT is_empty($$SELECT 1 FROM app.memberships WHERE organization_id = tests.recall('b')$$,
  'nor its memberships');
SELECT lives_ok($$UPDATE app.users SET display_name = 'Ada King' WHERE id = tests.recall('admin')$$, 'a user renames themselves');
SELECT is_empty($$UPDATE app.users SET display_name = 'x' WHERE id = tests.recall('qa') RETURNING id$$,
  'but nobody else');
SELECT throws_ok($$UPDATE app.users SET is_platform_operator = true WHERE id = tests.recall('admin')$$, '42501', NULL,
  'nobody makes themselves a platform operator');
SELECT throws_ok($$UPDATE app.users SET status = 'active' WHERE id = tests.recall('admin')$$, '42501', NULL,
  'nor changes their own status');

-- Sign-in: same answer for a wrong password and an unknown email.
SELECT tests.act_as_anon();
SELECT isnt((app.login(tests.email_of(tests.recall('admin')), tests.password())).access_token, NULL, 'the right password signs in');
SELECT is((app.login(tests.email_of(tests.recall('admin')), 'wrong password')).access_token, NULL, 'a wrong password gets no token');
SELECT is((app.login(tests.email_of(tests.recall('admin')), 'wrong password')).details, 'sign_in.invalid_credentials', 'but the error: code, message, reason');
SELECT is(current_setting('response.status', true), '401', 'and HTTP 401 from PostgREST');
SELECT is(app.login('no-such-user@example.test', 'wrong password'), app.login(tests.email_of(tests.recall('admin')), 'wrong password'), 'an unknown email gets exactly the same answer');
SELECT is(current_setting('response.status', true), '401', 'and the same status');

-- Lockout: five failures from one client lock it out of the email, for known and unknown emails alike.
SELECT is((app.login(tests.email_of(tests.recall('qa')), 'nope')).code, 'PT401', 'failure 1');
SELECT is((app.login(tests.email_of(tests.recall('qa')), 'nope')).code, 'PT401', 'failure 2');
SELECT is((app.login(tests.email_of(tests.recall('qa')), 'nope')).code, 'PT401', 'failure 3');
SELECT is((app.login(tests.email_of(tests.recall('qa')), 'nope')).code, 'PT401', 'failure 4');
SELECT is((app.login(tests.email_of(tests.recall('qa')), 'nope')).code, 'PT401', 'failure 5');
SELECT is(tests.refusal($$SELECT app.login(tests.email_of(tests.recall('qa')), tests.password())$$), 'PT429 sign_in.locked',
  'after five failures even the right password is refused for a while (from that client)');
SELECT is((SELECT count(*)::int FROM (SELECT app.login('ghost@example.test', 'x') AS result FROM generate_series(1, 5)) AS attempts
            WHERE (result).code = 'PT401'), 5, 'five failures for an email nobody has');
SELECT is(tests.refusal($$SELECT app.login('ghost@example.test', 'x')$$), 'PT429 sign_in.locked',
  'an unknown email locks the same way, so lockout reveals nothing');

-- Lockout abuse: failures count per email and client address (the right-most
-- X-Forwarded-For entry, as the proxy wrote it), so a stranger cannot keep the
-- owner out from elsewhere; the client backs off progressively; an email-wide
-- cap bounds guessing from many addresses.
SELECT set_config('request.headers', '{"x-forwarded-for": "203.0.113.9"}', true);
SELECT is((SELECT count(*)::int FROM (SELECT app.login(tests.email_of(tests.recall('b_finance')), 'guess') AS result FROM generate_series(1, 5)) AS attempts
            WHERE (result).code = 'PT401'), 5, 'a stranger fails five times from one address');
SELECT is(tests.refusal($$SELECT app.login(tests.email_of(tests.recall('b_finance')), tests.password())$$), 'PT429 sign_in.locked',
  'that address is locked out of the email, even with the right password');
SELECT set_config('request.headers', '{"x-forwarded-for": "203.0.113.9, 198.51.100.20"}', true);
SELECT isnt((app.login(tests.email_of(tests.recall('b_finance')), tests.password())).access_token, NULL,
  'the owner signs in from another address (whatever the stranger writes left of it)');
SELECT tests.act_as_owner();
SELECT is((SELECT locked_until - now() FROM app_private.sign_in_throttle WHERE email = tests.email_of(tests.recall('b_finance')) AND client = '203.0.113.9'),
  interval '1 minute', 'the fifth failure locks the address for a minute');
UPDATE app_private.sign_in_throttle SET locked_until = now() - interval '1 second' WHERE client = '203.0.113.9';
SELECT tests.act_as_anon();
SELECT set_config('request.headers', '{"x-forwarded-for": "203.0.113.9"}', true);
SELECT is((app.login(tests.email_of(tests.recall('b_finance')), 'guess')).code, 'PT401', 'once it ends, the stranger guesses again');
SELECT tests.act_as_owner();
SELECT is((SELECT locked_until - now() FROM app_private.sign_in_throttle WHERE email = tests.email_of(tests.recall('b_finance')) AND client = '203.0.113.9'),
  interval '2 minutes', 'and each further failure doubles the wait');
SELECT is((SELECT count(*)::int FROM app_private.sign_in_throttle WHERE email = tests.email_of(tests.recall('b_finance'))), 1,
  'the owner''s good sign-in cleared only their own address');
UPDATE app_private.sign_in_failures SET failed_count = 99 WHERE email = tests.email_of(tests.recall('b_finance'));
SELECT tests.act_as_anon();
SELECT set_config('request.headers', '{"x-forwarded-for": "2001:db8::1"}', true);
SELECT is((app.login(tests.email_of(tests.recall('b_finance')), 'guess')).code, 'PT401', 'the hundredth failure within an hour, from yet another address');
SELECT set_config('request.headers', '{"x-forwarded-for": "198.51.100.20"}', true);
SELECT is(tests.refusal($$SELECT app.login(tests.email_of(tests.recall('b_finance')), tests.password())$$), 'PT429 sign_in.locked',
  'locks the email for every address: brute force stays bounded');
SELECT tests.act_as_owner();
SELECT is((SELECT client FROM app_private.sign_in_throttle WHERE email = tests.email_of(tests.recall('b_finance')) AND client LIKE '2001%'),
  '2001:db8::/64', 'an IPv6 client counts by its /64');
SELECT set_config('request.headers', '', true);

-- Every email tried leaves a row; a scheduled job purges those that lock nothing any more.
INSERT INTO app_private.sign_in_failures (email, failed_count, first_failed_at, locked_until)
VALUES ('tried-once@nowhere.test', 1, now() - interval '2 days', NULL),
       ('still-locked@nowhere.test', 100, now() - interval '2 days', now() + interval '10 minutes');
INSERT INTO app_private.sign_in_throttle (email, client, failed_count, last_failed_at)
VALUES ('tried-once@nowhere.test', '192.0.2.1', 1, now() - interval '2 days');
SELECT ok(EXISTS (SELECT FROM app_private.jobs() WHERE name = 'purge-sign-in-failures'), 'the purge is a scheduled job');
SELECT lives_ok($$SELECT app_private.run_job('purge-sign-in-failures')$$, 'and runs');
SELECT is((SELECT array_agg(email::text ORDER BY email) FROM app_private.sign_in_failures WHERE email LIKE '%@nowhere.test'),
  ARRAY['still-locked@nowhere.test'], 'old counts go, a running lock stays');
SELECT is_empty($$SELECT 1 FROM app_private.sign_in_throttle WHERE email = 'tried-once@nowhere.test'$$,
  'old per-address counts go too');
SELECT isnt_empty($$SELECT 1 FROM app_private.sign_in_failures WHERE email = tests.email_of(tests.recall('qa'))$$, 'recent counts stay');
SELECT tests.act_as_anon();

-- Sessions: refresh rotates, reuse ends the session, logout ends it for the very next request.
CREATE TEMP TABLE signed_in ON COMMIT DROP AS SELECT * FROM app.login(tests.email_of(tests.recall('b_admin')), tests.password());
GRANT SELECT ON signed_in TO PUBLIC;
SELECT is((SELECT role FROM signed_in), 'app_user', 'a member signs in as app_user');
SELECT is((SELECT organization_id FROM signed_in), tests.recall('b'), 'into their tenant');
SELECT isnt((SELECT (app.refresh(refresh_token)).refresh_token FROM signed_in), NULL, 'a refresh token buys new tokens');
SELECT is((SELECT (app.refresh(refresh_token)).details FROM signed_in), 'session.refresh_token_reused', 'and works only once');
SELECT tests.act_as_owner();
SELECT isnt((SELECT revoked_at FROM app.sessions WHERE user_id = tests.recall('b_admin')), NULL,
  'presenting it again ends the session: it was copied');

CREATE TEMP TABLE second_session ON COMMIT DROP AS SELECT * FROM app.login(tests.email_of(tests.recall('b_admin')), tests.password());
SELECT tests.act_as_claims('app_user', jsonb_build_object(
  'sub', tests.recall('b_admin'), 'role', 'app_user',
  'org_id', tests.recall('b'),
  'session_id', (SELECT id FROM app.sessions WHERE user_id = tests.recall('b_admin') AND revoked_at IS NULL)));
SELECT ok(app.logout(), 'logout ends the session');
SELECT is(tests.refusal('SELECT auth.check_request()'), 'PT401 session.ended',
  'its token is refused from the next request on');

-- Suspension and revocation apply to the next request, not at token expiry.
SELECT tests.act_as_owner();
UPDATE app.users SET status = 'suspended' WHERE id = tests.recall('finance');
SELECT is(tests.refusal($$SELECT tests.act_as(tests.recall('finance'), tests.recall('a'))$$), 'PT403 user.inactive',
  'a suspended user is refused');
UPDATE app.memberships SET status = 'revoked' WHERE id = tests.membership_of(tests.recall('logistics'), tests.recall('a'));
SELECT is(tests.refusal($$SELECT tests.act_as(tests.recall('logistics'), tests.recall('a'))$$), 'PT403 membership.not_active',
  'a revoked membership is refused');
SELECT is(tests.refusal(format($$SELECT tests.act_as_claims('app_user', %L)$$, jsonb_build_object(
    'sub', tests.recall('qa'), 'role', 'app_admin', 'org_id', tests.recall('a')))),
  'PT401 token.role_mismatch', 'a role claim that differs from the database role is refused');
SELECT is(tests.refusal(format($$SELECT tests.act_as_claims('app_admin', %L)$$, jsonb_build_object(
    'sub', tests.recall('qa'), 'role', 'app_admin', 'org_id', tests.recall('a')))),
  'PT403 operator.required', 'only platform operators act as app_admin');

-- Switching tenants needs a membership there.
SELECT tests.act_as(tests.recall('admin'), tests.recall('a'));
SELECT is(tests.refusal(format('SELECT app.switch_organization(%L)', tests.recall('b'))),
  'PT403 membership.not_active', 'nobody switches into a tenant they do not belong to');
SELECT tests.act_as(tests.recall('operator'), tests.recall('a'));
SELECT is((app.switch_organization(tests.recall('b'))).organization_id,
  tests.recall('b'), 'a platform operator switches into any tenant');

SELECT * FROM finish();
ROLLBACK;
