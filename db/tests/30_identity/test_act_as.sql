-- auth.act_as: a DBA in psql acts as a tenant user under row-level security;
-- only the owner may, never an API role.
BEGIN;
SELECT plan(18);

SELECT is(auth.act_as('sales@acme.test', 'acme-manufacturing', true) ->> 'role', 'app_user',
  'the owner acts as a member and gets the claims a token would carry');
SELECT is(current_user::text, 'app_user', 'under the API role');
SELECT is(auth.user_id(), tests.id_of_user('sales@acme.test'), 'as that user');
SELECT is(auth.org_id(), tests.id_of_organization('acme-manufacturing'), 'in that tenant');
SELECT results_eq($$SELECT slug::text FROM app.organizations$$, ARRAY['acme-manufacturing'],
  'the member sees only their own organization');
SELECT is_empty($$SELECT 1 FROM app.partners WHERE organization_id = tests.id_of_organization('northwind-labs')$$,
  'and no partner of another tenant');
SELECT ok((SELECT count(*) FROM app.partners) > 0, 'but their own tenant''s partners');
UPDATE app.partners SET name = 'Globex Corp.' WHERE code = 'C-1001';

RESET ROLE;
RESET ALL;
SELECT is(current_user::text, session_user::text, 'RESET ROLE returns to the owner');
SELECT is(auth.claims(), '{}'::jsonb, 'and RESET ALL clears the claims');
SELECT is((SELECT request_id FROM audit.activity_log WHERE entity_type = 'partners' AND action = 'update'
            ORDER BY occurred_at DESC, id DESC LIMIT 1), 'auth.act_as by ' || session_user,
  'the audit log names the session that acted');
SELECT is((SELECT actor_user_id FROM audit.activity_log WHERE entity_type = 'partners' AND action = 'update'
            ORDER BY occurred_at DESC, id DESC LIMIT 1), tests.id_of_user('sales@acme.test'),
  'and the user it acted as');

SELECT throws_ok($$SELECT auth.act_as('sales@acme.test', 'northwind-labs')$$, 'PT403', NULL,
  'acting as a user in a tenant they do not belong to is refused');
SELECT is(current_user::text, session_user::text, 'and leaves the role as it was');

SELECT ok(NOT has_function_privilege(r, 'auth.act_as(text, text, boolean)', 'EXECUTE'),
  format('%s cannot execute auth.act_as', r))
  FROM unnest(ARRAY['anon', 'app_user', 'app_admin', 'authenticator']) AS r;

SELECT tests.act_as('ada@acme.test', 'acme-manufacturing');
SELECT throws_ok($$SELECT auth.act_as('grace@northwind.test', 'northwind-labs')$$, '42501', NULL,
  'an API role calling it is refused');

SELECT * FROM finish();
ROLLBACK;
