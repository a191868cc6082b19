-- Adding, inviting and revoking members without escalating: existing
-- accounts keep their passwords and must accept, and changing someone's
-- membership needs the right to take away everything they hold.
BEGIN;
SELECT plan(42);

CREATE FUNCTION pg_temp.reason_of(p_sql text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
  v_detail text;
BEGIN
  EXECUTE p_sql;
  RETURN 'no error';
EXCEPTION WHEN OTHERS THEN
  GET STACKED DIAGNOSTICS v_detail = PG_EXCEPTION_DETAIL;
  RETURN v_detail;
END
$$;
CREATE TEMP TABLE outbox_token (recipient text PRIMARY KEY, token text NOT NULL) ON COMMIT DROP;
GRANT SELECT ON outbox_token TO PUBLIC;
CREATE FUNCTION pg_temp.read_outbox() RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  PERFORM tests.act_as_owner();
  DELETE FROM outbox_token;
  INSERT INTO outbox_token
  SELECT DISTINCT ON (recipient) recipient, payload ->> 'token' FROM app_private.outbox
   WHERE payload ->> 'type' = 'invitation' ORDER BY recipient, created_at DESC, id DESC;
END
$$;
GRANT EXECUTE ON FUNCTION pg_temp.reason_of(text), pg_temp.read_outbox() TO PUBLIC;
CREATE TEMP TABLE grace_before ON COMMIT DROP AS
  SELECT password_hash FROM app_private.credentials WHERE user_id = tests.id_of_user('grace@northwind.test');

-- 9.1: nobody chooses a password for someone else; new and existing emails are answered alike.
SELECT hasnt_function('app', 'add_member', ARRAY['text', 'text', 'text', 'text[]', 'uuid', 'uuid'],
  'add_member takes no password any more');
SELECT tests.act_as('ada@acme.test', 'acme-manufacturing');
CREATE TEMP TABLE added ON COMMIT DROP AS
  SELECT 'new' AS kind, * FROM app.add_member('new.hire@acme.test', 'New Hire', ARRAY['qa'])
  UNION ALL SELECT 'existing', * FROM app.add_member('grace@northwind.test', 'Grace');
SELECT results_eq($$SELECT kind, status::text, partner_id FROM added ORDER BY kind$$,
  $$VALUES ('existing', 'invited', NULL::uuid), ('new', 'invited', NULL::uuid)$$,
  'a new email and an existing account get the same answer: an invited membership');
SELECT is_empty($$SELECT 1 FROM app.users WHERE email IN ('grace@northwind.test', 'new.hire@acme.test')$$,
  'and both stay private to the inviter until accepted');
SELECT throws_ok(format('SELECT app.grant_role(%L, ''qa'')', tests.membership_of('grace@northwind.test', 'acme-manufacturing')),
  'PT409', NULL, 'an invited membership gets no roles yet');
SELECT throws_ok($$SELECT app.add_member('bad.hire@acme.test', 'Bad Hire', ARRAY['no-such-role'])$$, 'PT404', NULL,
  'the invited roles are checked at once');
SELECT tests.act_as('sales@acme.test', 'acme-manufacturing');
SELECT throws_ok($$SELECT app.add_member('someone@acme.test', 'Someone')$$, 'PT403', NULL,
  'inviting needs membership.manage');

SELECT pg_temp.read_outbox();
SELECT is((SELECT status::text FROM app.users WHERE email = 'new.hire@acme.test'), 'invited', 'the new account is invited');
SELECT is_empty(format('SELECT 1 FROM app_private.credentials WHERE user_id = %L', tests.id_of_user('new.hire@acme.test')),
  'and has no password');
SELECT is((SELECT password_hash FROM app_private.credentials WHERE user_id = tests.id_of_user('grace@northwind.test')),
  (SELECT password_hash FROM grace_before), 'the existing account''s password is untouched');
SELECT is((SELECT count(*)::int FROM outbox_token WHERE recipient IN ('new.hire@acme.test', 'grace@northwind.test')), 2,
  'both invitees get a token through the outbox');
SELECT ok((SELECT bool_and(i.token_hash = public.digest(t.token, 'sha256') AND i.expires_at <= now() + interval '7 days')
             FROM outbox_token AS t JOIN app.users AS u ON u.email = t.recipient
             JOIN app.memberships AS m ON m.user_id = u.id JOIN app_private.invitations AS i ON i.membership_id = m.id),
  'the invitation keeps only the token''s hash and expires within 7 days');
SELECT is_empty($$SELECT 1 FROM information_schema.columns
                   WHERE table_schema = 'app_private' AND table_name = 'invitations' AND column_name ~ 'token' AND data_type <> 'bytea'$$,
  'no plain token column');

-- 9.2: only the invitee activates; revoking stays possible.
SELECT tests.act_as('ada@acme.test', 'acme-manufacturing');
SELECT is(pg_temp.reason_of(format($$UPDATE app.memberships SET status = 'active' WHERE id = %L$$,
                                   tests.membership_of('grace@northwind.test', 'acme-manufacturing'))),
  'membership.activation_needs_invitee', 'an admin cannot activate an invited membership');
SELECT lives_ok(format($$UPDATE app.memberships SET status = 'revoked' WHERE id = %L$$,
                       tests.membership_of('grace@northwind.test', 'acme-manufacturing')),
  'but can withdraw it');
SELECT is(pg_temp.reason_of(format($$UPDATE app.memberships SET status = 'active' WHERE id = %L$$,
                                   tests.membership_of('grace@northwind.test', 'acme-manufacturing'))),
  'membership.activation_needs_invitee', 'nor reinstate a revoked one behind its owner''s back');
SELECT tests.act_as_anon();
SELECT is(pg_temp.reason_of(format('SELECT app.accept_invitation(%L)', (SELECT token FROM outbox_token WHERE recipient = 'grace@northwind.test'))),
  'invitation.withdrawn', 'a withdrawn invitation accepts nothing');
SELECT tests.act_as('ada@acme.test', 'acme-manufacturing');
SELECT is((app.add_member('grace@northwind.test', 'Grace')).status::text, 'invited', 'inviting again takes consent again');
SELECT tests.act_as('operator@pulse.test', 'acme-manufacturing');
SELECT is(pg_temp.reason_of(format($$UPDATE app.memberships SET status = 'active' WHERE id = %L$$,
                                   tests.membership_of('grace@northwind.test', 'acme-manufacturing'))),
  'membership.activation_needs_invitee', 'nor can a platform operator');

-- Accepting with the token.
SELECT pg_temp.read_outbox();
SELECT tests.act_as_anon();
SELECT is(pg_temp.reason_of(format('SELECT app.accept_invitation(%L)', (SELECT token FROM outbox_token WHERE recipient = 'new.hire@acme.test'))),
  'invitation.password_required', 'an account without a password must choose one');
SELECT throws_ok(format('SELECT app.accept_invitation(%L, ''short'')', (SELECT token FROM outbox_token WHERE recipient = 'new.hire@acme.test')),
  'PT422', NULL, 'a good one');
SELECT is(pg_temp.reason_of($$SELECT app.accept_invitation('0000', 'a-good-password')$$), 'invitation.unknown',
  'a made-up token accepts nothing');
SELECT is((app.accept_invitation((SELECT token FROM outbox_token WHERE recipient = 'new.hire@acme.test'), 'a-good-password', 'New Hire')).status::text,
  'active', 'the token holder sets the password and joins');
SELECT isnt((app.login('new.hire@acme.test', 'a-good-password')).access_token, NULL, 'and signs in with it');
SELECT is(pg_temp.reason_of(format('SELECT app.accept_invitation(%L, ''another-password'')', (SELECT token FROM outbox_token WHERE recipient = 'new.hire@acme.test'))),
  'invitation.used', 'the token works once');
SELECT is(pg_temp.reason_of(format('SELECT app.accept_invitation(%L, ''pulse-demo-password'')', (SELECT token FROM outbox_token WHERE recipient = 'grace@northwind.test'))),
  'invitation.account_has_password', 'an invitation never sets the password of an account that has one');
SELECT tests.act_as_owner();
SELECT is((SELECT array_agg(r.key) FROM app.role_assignments AS ra JOIN app.roles AS r ON r.id = ra.role_id
            WHERE ra.membership_id = tests.membership_of('new.hire@acme.test', 'acme-manufacturing')), ARRAY['qa'],
  'the invited roles come with acceptance');
UPDATE app_private.invitations SET expires_at = now() - interval '1 second'
 WHERE membership_id = tests.membership_of('grace@northwind.test', 'acme-manufacturing');
SELECT tests.act_as_anon();
SELECT is(pg_temp.reason_of(format('SELECT app.accept_invitation(%L)', (SELECT token FROM outbox_token WHERE recipient = 'grace@northwind.test'))),
  'invitation.expired', 'an expired token accepts nothing');
SELECT tests.act_as_owner();
UPDATE app_private.invitations SET expires_at = now() + interval '1 day'
 WHERE membership_id = tests.membership_of('grace@northwind.test', 'acme-manufacturing');
SELECT tests.act_as('ada@acme.test', 'acme-manufacturing');
SELECT lives_ok($$SELECT app.add_member('grace@northwind.test', 'Grace')$$, 'inviting again sends a new token');
SELECT tests.act_as_anon();
SELECT is(pg_temp.reason_of(format('SELECT app.accept_invitation(%L)', (SELECT token FROM outbox_token WHERE recipient = 'grace@northwind.test'))),
  'invitation.unknown', 'and the old one stops working');

SELECT tests.act_as('grace@northwind.test', 'northwind-labs');
SELECT is((app.accept_membership(tests.id_of_organization('acme-manufacturing'))).status::text, 'active',
  'a signed-in invitee accepts without the token');
SELECT throws_ok(format('SELECT app.accept_membership(%L)', tests.id_of_organization('acme-manufacturing')), 'PT404', NULL,
  'an invitation is accepted once');
SELECT tests.act_as_anon();
SELECT pg_temp.read_outbox();
SELECT tests.act_as_anon();
SELECT is(pg_temp.reason_of(format('SELECT app.accept_invitation(%L)', (SELECT token FROM outbox_token WHERE recipient = 'grace@northwind.test'))),
  'invitation.used', 'and its token is used up with it');

SELECT tests.act_as('ada@acme.test', 'acme-manufacturing');
SELECT throws_ok(format('SELECT app.set_direct_manager(%L, %L)', tests.id_of_user('grace@northwind.test'), tests.id_of_user('ada@acme.test')),
  'PT409', NULL, 'a tenant cannot set the manager of someone who also belongs to another tenant');
SELECT lives_ok(format('SELECT app.set_direct_manager(%L, %L)', tests.id_of_user('new.hire@acme.test'), tests.id_of_user('ada@acme.test')),
  'but can for its own people');

-- membership.manage alone does not reach past role.assign.
SELECT lives_ok($$SELECT app.create_role('hr', 'HR', ARRAY['membership.manage'])$$, 'an admin makes an HR role');
SELECT lives_ok(format('SELECT app.grant_role(%L, ''hr'')', tests.membership_of('sales@acme.test', 'acme-manufacturing')),
  'and gives it to sales');
SELECT tests.act_as('sales@acme.test', 'acme-manufacturing');
SELECT throws_ok($$SELECT app.add_member('bad.hire@acme.test', 'Bad Hire', ARRAY['management'])$$, 'PT403', NULL,
  'HR cannot invite someone into roles they could not grant');
SELECT throws_ok(format($$UPDATE app.memberships SET status = 'revoked' WHERE id = %L$$,
                        tests.membership_of('admin@acme.test', 'acme-manufacturing')),
  'PT403', 'only an admin changes the membership of an admin', 'HR cannot revoke an admin');
SELECT throws_ok(format($$DELETE FROM app.memberships WHERE id = %L$$, tests.membership_of('auditor@acme.test', 'acme-manufacturing')),
  'PT403', 'the member holds permissions you do not hold yourself', 'nor remove someone holding more than they do');
SELECT lives_ok(format($$UPDATE app.memberships SET status = 'revoked' WHERE id = %L$$,
                       tests.membership_of('lab_tech@acme.test', 'acme-manufacturing')),
  'HR revokes someone whose roles they could take away');

SELECT tests.act_as_owner();
SELECT is((SELECT count(*)::int FROM app.role_assignments WHERE membership_id = tests.membership_of('lab_tech@acme.test', 'acme-manufacturing')),
  0, 'a revoked membership loses its roles, so reinstating it grants nothing');

-- Portal users see nothing of how the tenant is organized, audit.read or not.
INSERT INTO app.role_assignments (organization_id, membership_id, role_id)
SELECT organization_id, tests.membership_of('customer_portal@acme.test', 'acme-manufacturing'), id
  FROM app.roles WHERE organization_id = tests.id_of_organization('acme-manufacturing') AND key = 'auditor';
SELECT tests.act_as('customer_portal@acme.test', 'acme-manufacturing');
SELECT ok((SELECT count(*) FROM app.roles) + (SELECT count(*) FROM app.activity_log) = 0,
  'a portal user reads no roles and no activity log, even holding audit.read');

SELECT * FROM finish();
ROLLBACK;
