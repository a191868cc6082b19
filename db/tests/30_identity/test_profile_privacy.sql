-- Profiles: colleagues read only what they need of each other, a user
-- reads and edits their own preferences, and a direct manager id never
-- names someone the reader cannot see (issue #19, item 5).
BEGIN;
SELECT plan(15);

-- Tenant A: an admin, qa, sales, management. Tenant B: its admin.
SELECT tests.remember('a', tests.create_tenant());
SELECT tests.remember('b', tests.create_tenant());
SELECT tests.remember('admin', tests.create_member(tests.recall('a'), 'admin'));
SELECT tests.remember('qa', tests.create_member(tests.recall('a'), 'qa'));
SELECT tests.remember('sales', tests.create_member(tests.recall('a'), 'sales'));
SELECT tests.remember('management', tests.create_member(tests.recall('a'), 'management'));
SELECT tests.remember('b_admin', tests.create_member(tests.recall('b'), 'admin'));

-- Columns colleagues may not select.
SELECT tests.act_as(tests.recall('qa'), tests.recall('a'));
SELECT throws_ok($$SELECT preferences FROM app.users WHERE id = tests.recall('sales')$$, '42501', NULL,
  'a colleague''s preferences are not selectable');
SELECT throws_ok($$SELECT last_sign_in_at FROM app.users WHERE id = tests.recall('sales')$$, '42501', NULL,
  'nor their last sign-in');
SELECT throws_ok($$SELECT updated_at FROM app.users$$, '42501', NULL,
  'nor updated_at, which every sign-in moves');
SELECT throws_ok($$SELECT is_platform_operator FROM app.users$$, '42501', NULL, 'nor the operator flag');
SELECT throws_ok($$SELECT 1 FROM app.users WHERE preferences ->> 'x' ~ '(.*)(.*)'$$, '42501', NULL,
  'nor filtered on');
SELECT lives_ok($$SELECT id, email, display_name, status, direct_manager_id, created_at FROM app.users$$,
  'id, email, name, status, manager and created_at are');

-- One's own preferences: edited in place, read through current_user_profile.
SELECT lives_ok($$UPDATE app.users SET preferences = '{"lang": "de"}' WHERE id = auth.user_id()$$,
  'a user edits their own preferences');
SELECT is((app.current_user_profile()).preferences, '{"lang": "de"}'::jsonb,
  'and reads them through current_user_profile');
UPDATE app.users SET preferences = '{"lang": "fr"}' WHERE id = tests.recall('sales');
SELECT tests.act_as(tests.recall('sales'), tests.recall('a'));
SELECT is((app.current_user_profile()).preferences, '{}'::jsonb, 'nobody edits another''s preferences');

-- A user of A (managed there by A's admin) joins B.
SELECT tests.act_as_owner();
INSERT INTO app.users (email, display_name) VALUES ('two.tenants@example.test', 'Two Tenants');
INSERT INTO app.memberships (organization_id, user_id)
VALUES (tests.recall('a'), tests.id_of_user('two.tenants@example.test'));
UPDATE app.users SET direct_manager_id = tests.recall('admin') WHERE email = 'two.tenants@example.test';
INSERT INTO app.memberships (organization_id, user_id, status)
VALUES (tests.recall('b'), tests.id_of_user('two.tenants@example.test'), 'invited');
SELECT is((SELECT direct_manager_id FROM app.users WHERE email = 'two.tenants@example.test'), tests.recall('admin'),
  'an invitation changes nothing yet');
UPDATE app.memberships SET status = 'active'
 WHERE organization_id = tests.recall('b') AND user_id = tests.id_of_user('two.tenants@example.test');
SELECT tests.act_as(tests.recall('b_admin'), tests.recall('b'));
SELECT results_eq($$SELECT direct_manager_id FROM app.users WHERE email = 'two.tenants@example.test'$$,
  ARRAY[NULL::uuid], 'once they are active in B, B reads no user''s id from A as their manager');
SELECT tests.act_as_owner();
SELECT is(tests.refusal(format($$UPDATE app.users SET direct_manager_id = %L WHERE email = 'two.tenants@example.test'$$,
                               tests.recall('admin'))),
  'PT409 user.manager_not_colleague', 'nobody, operator or owner, sets a manager who is no colleague in each of the user''s tenants');
SELECT is((SELECT count(*)::int FROM app.users AS u JOIN app.memberships AS m ON m.user_id = u.id AND m.status = 'active'
            WHERE u.direct_manager_id IS NOT NULL
              AND NOT EXISTS (SELECT FROM app.memberships AS k WHERE k.organization_id = m.organization_id
                                 AND k.user_id = u.direct_manager_id AND k.status = 'active')), 0,
  'no manager anywhere is a stranger to a tenant of their report');

-- A manager who leaves the tenant stops being anyone's manager there.
UPDATE app.users SET direct_manager_id = tests.recall('management') WHERE id = tests.recall('qa');
UPDATE app.memberships SET status = 'revoked' WHERE id = tests.membership_of(tests.recall('management'), tests.recall('a'));
SELECT is((SELECT direct_manager_id FROM app.users WHERE id = tests.recall('qa')), NULL::uuid,
  'a revoked manager is cleared from their reports');
SELECT tests.act_as(tests.recall('qa'), tests.recall('a'));
SELECT is_empty($$SELECT 1 FROM app.users AS u WHERE u.direct_manager_id IS NOT NULL
                   AND NOT EXISTS (SELECT FROM app.users AS m WHERE m.id = u.direct_manager_id)$$,
  'every manager id a colleague reads names someone they can see');

SELECT * FROM finish();
ROLLBACK;
