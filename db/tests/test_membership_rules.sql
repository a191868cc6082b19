-- Adding, inviting and revoking members without escalating: existing
-- accounts keep their passwords and must accept, and changing someone's
-- membership needs the right to take away everything they hold.
BEGIN;
SELECT plan(16);

SELECT tests.act_as('ada@acme.test', 'acme-manufacturing');
SELECT is((app.add_member('new.hire@acme.test', 'New Hire', 'a-good-password', ARRAY['qa'])).status::text, 'active',
  'an admin adds a new person with a password: active at once');
SELECT throws_ok($$SELECT app.add_member('grace@northwind.test', 'Grace', 'ada-knows-this-1')$$, 'PT409', NULL,
  'nobody sets the password of an account that already exists');
SELECT is((app.add_member('grace@northwind.test', 'Grace')).status::text, 'invited',
  'an existing account added to another tenant is only invited');
SELECT is_empty($$SELECT 1 FROM app.users WHERE email = 'grace@northwind.test'$$,
  'and stays private to the inviter until accepted');
SELECT throws_ok(format('SELECT app.grant_role(%L, ''qa'')', tests.membership_of('grace@northwind.test', 'acme-manufacturing')),
  'PT409', NULL, 'an invited membership gets no roles yet');

SELECT tests.act_as('grace@northwind.test', 'northwind-labs');
SELECT is((app.accept_membership(tests.id_of_organization('acme-manufacturing'))).status::text, 'active',
  'the invited person accepts');
SELECT throws_ok(format('SELECT app.accept_membership(%L)', tests.id_of_organization('acme-manufacturing')), 'PT404', NULL,
  'an invitation is accepted once');

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
