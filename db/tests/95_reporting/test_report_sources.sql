-- The report sources register: every source is a view of app that applies
-- row-level security as its reader (security_invoker, or a security_barrier
-- view that filters on the caller's claims), readable by the API roles, and
-- every column it names exists in the view with a type of the register's
-- kind; filter, sort and default columns are among its columns; its
-- permission is in the catalog. Everyone signed in reads the register.
BEGIN;
SELECT plan(9);

SELECT cmp_ok((SELECT count(*)::int FROM app.report_sources), '>=', 10, 'the register lists the reportable views');
SELECT is_empty($$
  SELECT s.key FROM app.report_sources AS s
   WHERE NOT EXISTS (SELECT FROM pg_catalog.pg_class AS c
                      WHERE c.relnamespace = 'app'::regnamespace AND c.relname = s.key AND c.relkind = 'v')$$,
  'every source is a view in app');
SELECT is_empty($$
  SELECT s.key FROM app.report_sources AS s JOIN pg_catalog.pg_class AS c ON c.relnamespace = 'app'::regnamespace AND c.relname = s.key
   WHERE NOT (coalesce(c.reloptions, '{}') && ARRAY['security_invoker=true', 'security_invoker=on', 'security_invoker=1']
              OR coalesce(c.reloptions, '{}') && ARRAY['security_barrier=true', 'security_barrier=on', 'security_barrier=1']
                 AND pg_catalog.pg_get_viewdef(c.oid) ~ 'auth\.org_id\(\)')$$,
  'every source applies row-level security as its reader (security_invoker, or a security_barrier view filtering on auth.org_id())');
SELECT is_empty($$
  SELECT s.key FROM app.report_sources AS s
   WHERE NOT has_table_privilege('app_user', 'app.' || quote_ident(s.key), 'SELECT')$$,
  'the API role reads every source');
SELECT is_empty($$
  SELECT s.key, k.key AS col FROM app.report_sources AS s, jsonb_each_text(s.columns) AS k
   WHERE NOT EXISTS (SELECT FROM pg_catalog.pg_attribute AS a
                      WHERE a.attrelid = ('app.' || quote_ident(s.key))::regclass AND a.attname = k.key AND a.attnum > 0 AND NOT a.attisdropped
                        AND CASE k.value
                              WHEN 'number' THEN a.atttypid IN ('integer'::regtype, 'bigint'::regtype, 'smallint'::regtype, 'numeric'::regtype, 'double precision'::regtype, 'real'::regtype)
                              WHEN 'date' THEN a.atttypid = 'date'::regtype
                              WHEN 'timestamp' THEN a.atttypid IN ('timestamptz'::regtype, 'timestamp'::regtype)
                              WHEN 'boolean' THEN a.atttypid = 'boolean'::regtype
                              WHEN 'uuid' THEN a.atttypid = 'uuid'::regtype
                              WHEN 'text' THEN a.atttypid IN ('text'::regtype, 'citext'::regtype, 'character varying'::regtype)
                                               OR EXISTS (SELECT FROM pg_catalog.pg_type AS t WHERE t.oid = a.atttypid AND t.typtype = 'e')
                              ELSE false END)$$,
  'every registered column exists in its view with a type of its kind');
SELECT is_empty($$
  SELECT s.key FROM app.report_sources AS s
   WHERE EXISTS (SELECT FROM unnest(s.filter_columns || s.sort_columns || s.default_columns) AS c WHERE NOT s.columns ? c)$$,
  'filter, sort and default columns are registered columns');
SELECT is_empty($$SELECT s.key FROM app.report_sources AS s WHERE NOT EXISTS (SELECT FROM app.permissions AS p WHERE p.code = s.permission)$$,
  'every source''s permission is in the catalog');

SELECT tests.remember('a', tests.create_tenant());
SELECT tests.act_as(tests.create_member(tests.recall('a'), 'sales'), tests.recall('a'));
SELECT cmp_ok((SELECT count(*)::int FROM app.report_sources), '>=', 10, 'a member reads the register');
SELECT is(tests.refusal($$UPDATE app.report_sources SET permission = 'project.read'$$), '42501', 'but nobody changes it through the API');

SELECT * FROM finish();
ROLLBACK;
