-- Adding, inviting and revoking members without escalating: existing
-- accounts keep their passwords and must accept, and changing someone's
-- membership needs the right to take away everything they hold.
BEGIN;
SELECT plan(42);

-- Tenant A: two admins, sales, an auditor, a lab technician, a portal user
-- of a customer. Tenant B: its admin, who will be invited to A. An operator.
SELECT tests.remember('a', tests.create_tenant());
SELECT tests.remember('b', tests.create_tenant());
SELECT tests.remember('customer', tests.create_partner(tests.recall('a')));
SELECT tests.remember('admin', tests.create_member(tests.recall('a'), 'admin'));
SELECT tests.remember('admin_2', tests.create_member(tests.recall('a'), 'admin'));
SELECT tests.remember('sales', tests.create_member(tests.recall('a'), 'sales'));
SELECT tests.remember('auditor', tests.create_member(tests.recall('a'), 'auditor'));
SELECT tests.remember('lab_tech', tests.create_member(tests.recall('a'), 'lab_tech'));
SELECT tests.remember('portal', tests.create_member(tests.recall('a'), 'customer_portal', NULL, tests.recall('customer')));
SELECT tests.remember('grace', tests.create_member(tests.recall('b'), 'admin'));
SELECT tests.remember('operator', tests.create_operator());
CREATE TEMP TABLE grace ON COMMIT DROP AS SELECT tests.email_of(tests.recall('grace')) AS email;
GRANT SELECT ON grace TO PUBLIC;
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
GRANT EXECUTE ON FUNCTION pg_temp.read_outbox() TO PUBLIC;
CREATE TEMP TABLE grace_before ON COMMIT DROP AS
  SELECT password_hash FROM app_private.credentials WHERE user_id = tests.recall('grace');

-- 9.1: nobody chooses a password for someone else; new and existing emails are answered alike.
SELECT hasnt_function('app', 'add_member', ARRAY['text', 'text', 'text', 'text[]', 'uuid', 'uuid'],
  'add_member takes no password any more');
SELECT tests.act_as(tests.recall('admin'), tests.recall('a'));
CREATE TEMP TABLE added ON COMMIT DROP AS
  SELECT 'new' AS kind, * FROM app.add_member('new.hire@example.test', 'New Hire', ARRAY['qa'])
  UNION ALL SELECT 'existing', * FROM app.add_member((SELECT email FROM grace), 'Grace');
SELECT results_eq($$SELECT kind, status::text, partner_id FROM added ORDER BY kind$$,
  $$VALUES ('existing', 'invited', NULL::uuid), ('new', 'invited', NULL::uuid)$$,
  'a new email and an existing account get the same answer: an invited membership');
SELECT is_empty($$SELECT 1 FROM app.users WHERE email IN ((SELECT email FROM grace), 'new.hire@example.test')$$,
  'and both stay private to the inviter until accepted');
SELECT is(tests.refusal(format('SELECT app.grant_role(%L, ''qa'')', tests.membership_of(tests.recall('grace'), tests.recall('a')))),
  'PT409 role.member_not_active', 'an invited membership gets no roles yet');
SELECT is(tests.refusal($$SELECT app.add_member('bad.hire@example.test', 'Bad Hire', ARRAY['no-such-role'])$$), 'PT404 role.not_found',
  'the invited roles are checked at once');
SELECT tests.act_as(tests.recall('sales'), tests.recall('a'));
SELECT is(tests.refusal($$SELECT app.add_member('someone@example.test', 'Someone')$$), 'PT403 permission.missing',
  'inviting needs membership.manage');

SELECT pg_temp.read_outbox();
SELECT is((SELECT status::text FROM app.users WHERE email = 'new.hire@example.test'), 'invited', 'the new account is invited');
SELECT is_empty(format('SELECT 1 FROM app_private.credentials WHERE user_id = %L', tests.id_of_user('new.hire@example.test')),
  'and has no password');
SELECT is((SELECT password_hash FROM app_private.credentials WHERE user_id = tests.recall('grace')),
  (SELECT password_hash FROM grace_before), 'the existing account''s password is untouched');
SELECT is((SELECT count(*)::int FROM outbox_token WHERE recipient IN ('new.hire@example.test', (SELECT email FROM grace))), 2,
  'both invitees get a token through the outbox');
SELECT ok((SELECT bool_and(i.token_hash = public.digest(t.token, 'sha256') AND i.expires_at <= now() + interval '7 days')
             FROM outbox_token AS t JOIN app.users AS u ON u.email = t.recipient
             JOIN app.memberships AS m ON m.user_id = u.id JOIN app_private.invitations AS i ON i.membership_id = m.id),
  'the invitation keeps only the token''s hash and expires within 7 days');
SELECT is_empty($$SELECT 1 FROM information_schema.columns
                   WHERE table_schema = 'app_private' AND table_name = 'invitations' AND column_name ~ 'token' AND data_type <> 'bytea'$$,
  'no plain token column');

-- 9.2: only the invitee activates; revoking stays possible.
SELECT tests.act_as(tests.recall('admin'), tests.recall('a'));
SELECT is(tests.refusal(format($$UPDATE app.memberships SET status = 'active' WHERE id = %L$$,
                                   tests.membership_of(tests.recall('grace'), tests.recall('a')))),
  'PT403 membership.activation_needs_invitee', 'an admin cannot activate an invited membership');
SELECT lives_ok(format($$UPDATE app.memberships SET status = 'revoked' WHERE id = %L$$,
                       tests.membership_of(tests.recall('grace'), tests.recall('a'))),
  'but can withdraw it');
SELECT is(tests.refusal(format($$UPDATE app.memberships SET status = 'active' WHERE id = %L$$,
                                   tests.membership_of(tests.recall('grace'), tests.recall('a')))),
  'PT403 membership.activation_needs_invitee', 'nor reinstate a revoked one behind its owner''s back');
SELECT tests.act_as_anon();
SELECT is(tests.refusal(format('SELECT app.accept_invitation(%L)', (SELECT token FROM outbox_token WHERE recipient = (SELECT email FROM grace)))),
  'PT403 invitation.withdrawn', 'a withdrawn invitation accepts nothing');
SELECT tests.act_as(tests.recall('admin'), tests.recall('a'));
SELECT is((app.add_member((SELECT email FROM grace), 'Grace')).status::text, 'invited', 'inviting again takes consent again');
SELECT tests.act_as(tests.recall('operator'), tests.recall('a'));
SELECT is(tests.refusal(format($$UPDATE app.memberships SET status = 'active' WHERE id = %L$$,
                                   tests.membership_of(tests.recall('grace'), tests.recall('a')))),
  'PT403 membership.activation_needs_invitee', 'nor can a platform operator');

-- Accepting with the token.
SELECT pg_temp.read_outbox();
SELECT tests.act_as_anon();
SELECT is(tests.refusal(format('SELECT app.accept_invitation(%L)', (SELECT token FROM outbox_token WHERE recipient = 'new.hire@example.test'))),
  'PT422 invitation.password_required', 'an account without a password must choose one');
SELECT is(tests.refusal(format('SELECT app.accept_invitation(%L, ''short'')', (SELECT token FROM outbox_token WHERE recipient = 'new.hire@example.test'))),
  'PT422 password.too_short', 'a good one');
SELECT is(tests.refusal($$SELECT app.accept_invitation('0000', 'a-good-password')$$), 'PT403 invitation.unknown',
  'a made-up token accepts nothing');
SELECT is((app.accept_invitation((SELECT token FROM outbox_token WHERE recipient = 'new.hire@example.test'), 'a-good-password', 'New Hire')).status::text,
  'active', 'the token holder sets the password and joins');
SELECT isnt((app.login('new.hire@example.test', 'a-good-password')).access_token, NULL, 'and signs in with it');
SELECT is(tests.refusal(format('SELECT app.accept_invitation(%L, ''another-password'')', (SELECT token FROM outbox_token WHERE recipient = 'new.hire@example.test'))),
  'PT403 invitation.used', 'the token works once');
SELECT is(tests.refusal(format('SELECT app.accept_invitation(%L, %L)', (SELECT token FROM outbox_token WHERE recipient = (SELECT email FROM grace)), tests.password())),
  'PT409 invitation.account_has_password', 'an invitation never sets the password of an account that has one');
SELECT tests.act_as_owner();
SELECT is((SELECT array_agg(r.key) FROM app.role_assignments AS ra JOIN app.roles AS r ON r.id = ra.role_id
            WHERE ra.membership_id = tests.membership_of(tests.id_of_user('new.hire@example.test'), tests.recall('a'))), ARRAY['qa'],
  'the invited roles come with acceptance');
UPDATE app_private.invitations SET expires_at = now() - interval '1 second'
 WHERE membership_id = tests.membership_of(tests.recall('grace'), tests.recall('a'));
SELECT tests.act_as_anon();
SELECT is(tests.refusal(format('SELECT app.accept_invitation(%L)', (SELECT token FROM outbox_token WHERE recipient = (SELECT email FROM grace)))),
  'PT403 invitation.expired', 'an expired token accepts nothing');
SELECT tests.act_as_owner();
UPDATE app_private.invitations SET expires_at = now() + interval '1 day'
 WHERE membership_id = tests.membership_of(tests.recall('grace'), tests.recall('a'));
SELECT tests.act_as(tests.recall('admin'), tests.recall('a'));
SELECT lives_ok($$SELECT app.add_member((SELECT email FROM grace), 'Grace')$$, 'inviting again sends a new token');
SELECT tests.act_as_anon();
SELECT is(tests.refusal(format('SELECT app.accept_invitation(%L)', (SELECT token FROM outbox_token WHERE recipient = (SELECT email FROM grace)))),
  'PT403 invitation.unknown', 'and the old one stops working');

SELECT tests.act_as(tests.recall('grace'), tests.recall('b'));
SELECT is((app.accept_membership(tests.recall('a'))).status::text, 'active',
  'a signed-in invitee accepts without the token');
SELECT is(tests.refusal(format('SELECT app.accept_membership(%L)', tests.recall('a'))), 'PT404 invitation.not_found',
  'an invitation is accepted once');
SELECT tests.act_as_anon();
SELECT pg_temp.read_outbox();
SELECT tests.act_as_anon();
SELECT is(tests.refusal(format('SELECT app.accept_invitation(%L)', (SELECT token FROM outbox_token WHERE recipient = (SELECT email FROM grace)))),
  'PT403 invitation.used', 'and its token is used up with it');

SELECT tests.act_as(tests.recall('admin'), tests.recall('a'));
SELECT is(tests.refusal(format('SELECT app.set_direct_manager(%L, %L)', tests.recall('grace'), tests.recall('admin'))),
  'PT409 user.in_other_tenant', 'a tenant cannot set the manager of someone who also belongs to another tenant');
SELECT lives_ok(format('SELECT app.set_direct_manager(%L, %L)', tests.id_of_user('new.hire@example.test'), tests.recall('admin')),
  'but can for its own people');

-- membership.manage alone does not reach past role.assign.
-- (HR also holds what a lab technician holds, so it may take those roles away.)
SELECT lives_ok($$SELECT app.create_role('hr', 'HR', ARRAY['membership.manage'] || ARRAY(
                     SELECT rp.permission FROM app.role_permissions AS rp JOIN app.roles AS r ON r.id = rp.role_id WHERE r.key = 'lab_tech'))$$,
  'an admin makes an HR role');
SELECT lives_ok(format('SELECT app.grant_role(%L, ''hr'')', tests.membership_of(tests.recall('sales'), tests.recall('a'))),
  'and gives it to sales');
SELECT tests.act_as(tests.recall('sales'), tests.recall('a'));
SELECT is(tests.refusal($$SELECT app.add_member('bad.hire@example.test', 'Bad Hire', ARRAY['management'])$$), 'PT403 permission.missing',
  'HR cannot invite someone into roles they could not grant (role.assign is missing)');
SELECT is(tests.refusal(format($$UPDATE app.memberships SET status = 'revoked' WHERE id = %L$$,
                               tests.membership_of(tests.recall('admin_2'), tests.recall('a')))),
  'PT403 role.admin_only', 'HR cannot revoke an admin');
SELECT is(tests.refusal(format($$DELETE FROM app.memberships WHERE id = %L$$, tests.membership_of(tests.recall('auditor'), tests.recall('a')))),
  'PT403 role.permission_not_held', 'nor remove someone holding more than they do');
SELECT lives_ok(format($$UPDATE app.memberships SET status = 'revoked' WHERE id = %L$$,
                       tests.membership_of(tests.recall('lab_tech'), tests.recall('a'))),
  'HR revokes someone whose roles they could take away');

SELECT tests.act_as_owner();
SELECT is((SELECT count(*)::int FROM app.role_assignments WHERE membership_id = tests.membership_of(tests.recall('lab_tech'), tests.recall('a'))),
  0, 'a revoked membership loses its roles, so reinstating it grants nothing');

-- Portal users see nothing of how the tenant is organized, audit.read or not.
INSERT INTO app.role_assignments (organization_id, membership_id, role_id)
SELECT organization_id, tests.membership_of(tests.recall('portal'), tests.recall('a')), id
  FROM app.roles WHERE organization_id = tests.recall('a') AND key = 'auditor';
SELECT tests.act_as(tests.recall('portal'), tests.recall('a'));
SELECT ok((SELECT count(*) FROM app.roles) + (SELECT count(*) FROM app.activity_log) = 0,
  'a portal user reads no roles and no activity log, even holding audit.read');

SELECT * FROM finish();
ROLLBACK;
