-- auth.act_as: a DBA in psql acts as a tenant user under row-level security;
-- only the owner may, never an API role.
BEGIN;
SELECT plan(18);

-- Tenant A with a partner and a sales member; tenant B with a partner and its admin.
SELECT tests.remember('a', tests.create_tenant());
SELECT tests.remember('b', tests.create_tenant());
SELECT tests.remember('a_partner', tests.create_partner(tests.recall('a')));
SELECT tests.remember('b_partner', tests.create_partner(tests.recall('b')));
SELECT tests.remember('sales', tests.create_member(tests.recall('a'), 'sales'));
SELECT tests.remember('b_admin', tests.create_member(tests.recall('b'), 'admin'));
-- Kept in a table: RESET ALL below clears what tests.remember keeps.
CREATE TEMP TABLE names ON COMMIT DROP AS
SELECT tests.recall('a') AS a, tests.recall('sales') AS sales, tests.recall('a_partner') AS a_partner,
       tests.email_of(tests.recall('sales')) AS sales_email, tests.email_of(tests.recall('b_admin')) AS b_admin_email,
       (SELECT slug::text FROM app.organizations WHERE id = tests.recall('a')) AS a_slug,
       (SELECT slug::text FROM app.organizations WHERE id = tests.recall('b')) AS b_slug;
GRANT SELECT ON names TO PUBLIC;

SELECT is(auth.act_as((SELECT sales_email FROM names), (SELECT a_slug FROM names), true) ->> 'role', 'app_user',
  'the owner acts as a member and gets the claims a token would carry');
SELECT is(current_user::text, 'app_user', 'under the API role');
SELECT is(auth.user_id(), tests.recall('sales'), 'as that user');
SELECT is(auth.org_id(), tests.recall('a'), 'in that tenant');
SELECT results_eq($$SELECT id FROM app.organizations$$, ARRAY[tests.recall('a')],
  'the member sees only their own organization');
SELECT is_empty($$SELECT 1 FROM app.partners WHERE organization_id = tests.recall('b')$$,
  'and no partner of another tenant');
SELECT results_eq($$SELECT id FROM app.partners$$, ARRAY[tests.recall('a_partner')], 'but their own tenant''s partners');
UPDATE app.partners SET name = 'Renamed through act_as' WHERE id = tests.recall('a_partner');

RESET ROLE;
RESET ALL;
SELECT is(current_user::text, session_user::text, 'RESET ROLE returns to the owner');
SELECT is(auth.claims(), '{}'::jsonb, 'and RESET ALL clears the claims');
SELECT tests.remember('a', a), tests.remember('sales', sales), tests.remember('a_partner', a_partner) FROM names;
SELECT is((SELECT request_id FROM audit.activity_log WHERE entity_type = 'partners' AND action = 'update'
              AND entity_id = tests.recall('a_partner')::text), 'auth.act_as by ' || session_user,
  'the audit log names the session that acted');
SELECT is((SELECT actor_user_id FROM audit.activity_log WHERE entity_type = 'partners' AND action = 'update'
              AND entity_id = tests.recall('a_partner')::text), tests.recall('sales'),
  'and the user it acted as');

SELECT is(tests.refusal(format($$SELECT auth.act_as(%L, %L)$$, (SELECT sales_email FROM names), (SELECT b_slug FROM names))),
  'PT403 membership.not_active', 'acting as a user in a tenant they do not belong to is refused');
SELECT is(current_user::text, session_user::text, 'and leaves the role as it was');

SELECT ok(NOT has_function_privilege(r, 'auth.act_as(text, text, boolean)', 'EXECUTE'),
  format('%s cannot execute auth.act_as', r))
  FROM unnest(ARRAY['anon', 'app_user', 'app_admin', 'authenticator']) AS r;

SELECT tests.act_as(tests.recall('sales'), tests.recall('a'));
SELECT throws_ok(format($$SELECT auth.act_as(%L, %L)$$, (SELECT b_admin_email FROM names), (SELECT b_slug FROM names)),
  '42501', NULL, 'an API role calling it is refused');

SELECT * FROM finish();
ROLLBACK;
