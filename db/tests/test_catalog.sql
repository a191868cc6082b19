-- Catalog lints: rules that every object in the Pulse schemas must follow,
-- read from the catalog so that a new object breaking them fails here.
BEGIN;
SELECT plan(6);

SELECT is_empty($$
  SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
   WHERE n.nspname = 'app' AND c.relkind IN ('r', 'p')
     AND NOT (c.relrowsecurity AND c.relforcerowsecurity)
$$, 'RLS is enabled and forced on every table in app');

SELECT is_empty($$
  SELECT p.oid::regprocedure::text FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
   WHERE n.nspname IN ('app', 'app_private', 'auth', 'audit') AND p.prosecdef
     AND NOT EXISTS (SELECT FROM unnest(p.proconfig) AS setting WHERE setting LIKE 'search_path=%')
$$, 'every SECURITY DEFINER function pins its search_path');

SELECT is_empty($$
  SELECT p.oid::regprocedure::text FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
   WHERE n.nspname IN ('app', 'app_private', 'auth', 'audit')
     AND has_function_privilege('public', p.oid, 'EXECUTE')
$$, 'no function is executable by PUBLIC; grants are per signature');

SELECT is_empty($$
  SELECT schemaname || '.' || tablename || ': ' || policyname FROM pg_policies
   WHERE schemaname IN ('app', 'app_private', 'auth', 'audit')
     AND regexp_replace(coalesce(qual, '') || ' ' || coalesce(with_check, ''),
                        '\(\s*SELECT\s+auth\.\w+\(\)(\s+AS\s+\w+)?\s*\)', '', 'gi') ~ 'auth\.\w+\('
$$, 'every policy wraps its auth.* calls in a sub-select (evaluated once per statement)');

SELECT is_empty($$
  WITH tenant_tables AS (
    SELECT a.attrelid AS oid, a.attnum AS organization_attnum
      FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE n.nspname IN ('app', 'app_private', 'audit') AND a.attname = 'organization_id' AND NOT a.attisdropped
  )
  SELECT con.conrelid::regclass::text || ' ' || con.conname
    FROM pg_constraint con JOIN tenant_tables t ON t.oid = con.conrelid
   WHERE (con.contype IN ('p', 'u', 'x')
          OR (con.contype = 'f' AND con.confrelid IN (SELECT oid FROM tenant_tables)))
     AND NOT t.organization_attnum = ANY (con.conkey)
$$, 'every key of a tenant table includes organization_id');

SELECT is_empty($$
  SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
   WHERE n.nspname = 'app' AND c.relkind IN ('r', 'p', 'v', 'm', 'c', 'f')
     AND (CASE c.relkind WHEN 'c' THEN obj_description(c.reltype, 'pg_type')
                         ELSE obj_description(c.oid, 'pg_class') END) IS NULL
$$, 'every table, view and type in app has a COMMENT');

SELECT * FROM finish();
ROLLBACK;
