-- What loads the database (app.database_top_statements, app.database_lock_waits):
-- platform operators see every role's statements; tenant admins, members and
-- anonymous callers cannot even call the functions.
BEGIN;
SELECT plan(11);

SELECT tests.remember('tenant', tests.create_tenant());
SELECT tests.remember('admin', tests.create_member(tests.recall('tenant'), 'admin'));
SELECT tests.remember('member', tests.create_member(tests.recall('tenant')));
SELECT tests.remember('operator', tests.create_operator());

-- A statement a tenant member runs, slow enough to stand among the top ones of this database.
SELECT tests.act_as(tests.recall('member'), tests.recall('tenant'));
SELECT pg_sleep(0.2) AS database_load_probe;

SELECT tests.act_as(tests.recall('admin'), tests.recall('tenant'));
SELECT throws_ok('SELECT * FROM app.database_top_statements()', '42501', NULL,
  'a tenant admin cannot call database_top_statements');
SELECT throws_ok('SELECT * FROM app.database_lock_waits()', '42501', NULL,
  'a tenant admin cannot call database_lock_waits');
SELECT tests.act_as(tests.recall('member'), tests.recall('tenant'));
SELECT throws_ok('SELECT * FROM app.database_top_statements()', '42501', NULL,
  'a member cannot call database_top_statements');
SELECT throws_ok('SELECT * FROM app.database_lock_waits()', '42501', NULL,
  'a member cannot call database_lock_waits');
SELECT tests.act_as_anon();
SELECT throws_ok('SELECT * FROM app.database_top_statements()', '42501', NULL,
  'anonymous callers cannot call database_top_statements');
SELECT throws_ok('SELECT * FROM app.database_lock_waits()', '42501', NULL,
  'anonymous callers cannot call database_lock_waits');

SELECT tests.act_as(tests.recall('operator'), tests.recall('tenant'));
SELECT ok(EXISTS (SELECT FROM app.database_top_statements(500)
                   WHERE query LIKE '%database_load_probe%' AND role_name = 'app_user' AND calls >= 1 AND total_ms >= 150),
  'an operator sees the statement another role ran, with its text, role and time');
SELECT is((SELECT count(*)::int FROM app.database_top_statements(3)), 3, 'top limits the rows');
SELECT ok((SELECT bool_and(share_of_total_percent BETWEEN 0 AND 100) FROM app.database_top_statements()),
  'each statement''s share of the time is a percentage');
SELECT is(tests.refusal('SELECT * FROM app.database_top_statements(0)'), 'PT422 database_load.top_out_of_range',
  'top must be at least 1');
SELECT lives_ok('SELECT * FROM app.database_lock_waits()', 'an operator reads the lock waits (none now)');

SELECT * FROM finish();
ROLLBACK;
