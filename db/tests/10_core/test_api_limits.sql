-- API limits in the database: every role a server can act as has a statement
-- timeout (issue #19 finding 1), and the health check tells versions to
-- platform operators only (issue #19 finding 5). Read from the catalog, so a
-- new API role granted to authenticator without a timeout fails here.
BEGIN;
SELECT plan(6);

SELECT is_empty($$
  SELECT r.rolname
    FROM pg_catalog.pg_roles AS r
   WHERE (r.rolname = 'authenticator' OR pg_catalog.pg_has_role('authenticator', r.oid, 'MEMBER'))
     AND NOT EXISTS (
       SELECT FROM pg_catalog.pg_db_role_setting AS s, pg_catalog.unnest(s.setconfig) AS c(setting)
        WHERE s.setrole = r.oid AND s.setdatabase = 0 AND c.setting LIKE 'statement\_timeout=%'
     )
$$, 'authenticator and every role it can become have a statement_timeout for all databases');

SELECT is_empty($$
  SELECT r.rolname || ' ' || c.setting
    FROM pg_catalog.pg_roles AS r
    JOIN pg_catalog.pg_db_role_setting AS s ON s.setrole = r.oid AND s.setdatabase = 0,
         pg_catalog.unnest(s.setconfig) AS c(setting)
   WHERE pg_catalog.pg_has_role('authenticator', r.oid, 'MEMBER')
     AND c.setting LIKE 'statement\_timeout=%'
     AND NOT (pg_catalog.split_part(c.setting, '=', 2)::interval BETWEEN interval '1 second' AND interval '10 seconds')
$$, 'the API roles'' statement timeouts are between 1 and 10 seconds');

SELECT tests.act_as_anon();
SELECT results_eq(
  $$ SELECT database_ok, server_version, last_change, last_deployed_at FROM app.health() $$,
  $$ VALUES (true, NULL::text, NULL::text, NULL::timestamptz) $$,
  'anonymous callers learn that the database answers, not its version or changes');
SELECT cmp_ok((SELECT deployed_changes FROM app.health()), '>', 0, 'anonymous callers see that migrations are deployed');

SELECT tests.act_as_owner();
SELECT tests.remember('tenant', tests.create_tenant());
SELECT tests.remember('admin', tests.create_member(tests.recall('tenant'), 'admin'));
SELECT tests.remember('operator', tests.create_operator());
SELECT tests.act_as(tests.recall('admin'), tests.recall('tenant'));
SELECT is((SELECT server_version FROM app.health()), NULL, 'members, even admins, do not see the server version');

SELECT tests.act_as(tests.recall('operator'));
SELECT is((SELECT server_version FROM app.health()), current_setting('server_version'), 'platform operators see the server version');

SELECT * FROM finish();
ROLLBACK;
