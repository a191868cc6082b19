-- Passwords: people change their own (app.change_password), operators set anyone's
-- (app.set_user_password); either ends the sessions that knew the old one.
BEGIN;
SELECT plan(17);

SELECT tests.remember('a', tests.create_tenant());
SELECT tests.remember('qa', tests.create_member(tests.recall('a'), 'qa'));
SELECT tests.remember('sales', tests.create_member(tests.recall('a'), 'sales'));
SELECT tests.remember('operator', tests.create_operator());

-- The qa member signs in twice: this session changes the password, the other one ends.
SELECT tests.act_as_anon();
CREATE TEMP TABLE signed_in ON COMMIT DROP AS
SELECT 1 AS n, * FROM app.login(tests.email_of(tests.recall('qa')), tests.password())
UNION ALL SELECT 2, * FROM app.login(tests.email_of(tests.recall('qa')), tests.password());
GRANT SELECT ON signed_in TO PUBLIC;
SELECT tests.act_as_owner();
SELECT tests.remember('this_session', (SELECT id FROM app.sessions WHERE user_id = tests.recall('qa') ORDER BY created_at, id LIMIT 1));
SELECT tests.remember('other_session', (SELECT id FROM app.sessions WHERE user_id = tests.recall('qa') AND id <> tests.recall('this_session')));
SELECT tests.act_as_claims('app_user', jsonb_build_object('sub', tests.recall('qa'), 'role', 'app_user',
  'org_id', tests.recall('a'), 'session_id', tests.recall('this_session')));

SELECT is(tests.refusal($$SELECT app.change_password(tests.password(), 'short')$$), 'PT422 password.too_short',
  'a new password of fewer than 10 characters is refused');
SELECT is(app.change_password('not the password', 'a-new-password-1'), false, 'a wrong current password changes nothing');
SELECT is(current_setting('response.status', true), '403', 'and answers HTTP 403');
SELECT ok(app.change_password(tests.password(), 'a-new-password-1'), 'the right current password changes it');

SELECT tests.act_as_owner();
SELECT is((SELECT failed_count FROM app_private.sign_in_failures WHERE email = tests.email_of(tests.recall('qa'))), 1,
  'the wrong guess counts towards the lockout, as at sign-in');
SELECT is_empty($$SELECT 1 FROM app_private.sign_in_throttle WHERE email = tests.email_of(tests.recall('qa'))$$,
  'and the right password clears the client''s back-off');
SELECT is((SELECT revoked_at FROM app.sessions WHERE id = tests.recall('this_session')), NULL, 'the session that changed it stays open');
SELECT isnt((SELECT revoked_at FROM app.sessions WHERE id = tests.recall('other_session')), NULL, 'every other session ends');
SELECT tests.act_as_anon();
SELECT is((app.login(tests.email_of(tests.recall('qa')), tests.password())).access_token, NULL, 'the old password no longer signs in');
SELECT isnt((app.login(tests.email_of(tests.recall('qa')), 'a-new-password-1')).access_token, NULL, 'the new one does');
SELECT is(tests.refusal($$SELECT app.change_password('x', 'a-new-password-2')$$), '42501',
  'an anonymous caller cannot even call it');

-- Operators set a password for anyone; members cannot.
SELECT tests.act_as(tests.recall('sales'), tests.recall('a'));
SELECT is(tests.refusal(format('SELECT app.set_user_password(%L, %L)', tests.recall('qa'), 'set-by-a-colleague')), '42501',
  'a member cannot set someone''s password');
SELECT tests.act_as(tests.recall('operator'));
SELECT is(tests.refusal(format('SELECT app.set_user_password(%L, %L)', gen_random_uuid(), 'set-by-the-operator')),
  'PT404 user.not_found', 'an unknown user is named as such');
SELECT is(tests.refusal(format('SELECT app.set_user_password(%L, %L)', tests.recall('qa'), 'short')),
  'PT422 password.too_short', 'the operator''s password obeys the same rule');
SELECT ok(app.set_user_password(tests.recall('qa'), 'set-by-the-operator'), 'a platform operator sets it');
SELECT tests.act_as_owner();
SELECT is((SELECT count(*)::int FROM app.sessions WHERE user_id = tests.recall('qa') AND revoked_at IS NULL), 0,
  'and every session of that user ends');
SELECT tests.act_as_anon();
SELECT isnt((app.login(tests.email_of(tests.recall('qa')), 'set-by-the-operator')).access_token, NULL,
  'the user signs in with the password the operator set');

SELECT * FROM finish();
ROLLBACK;
