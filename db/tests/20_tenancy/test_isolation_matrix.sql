-- Tenant isolation for every tenant-owned table in app, read from the
-- catalog: a table added later is covered without touching this file.
-- For each: A's rows exist; B's admin cannot read, update or delete them;
-- anonymous callers reach nothing.
BEGIN;

CREATE TEMP TABLE tenant_tables ON COMMIT DROP AS
SELECT c.oid::regclass AS name
  FROM pg_class c
  JOIN pg_namespace n ON n.oid = c.relnamespace
  JOIN pg_attribute a ON a.attrelid = c.oid AND a.attname = 'organization_id' AND a.attnotnull
 WHERE n.nspname = 'app' AND c.relkind IN ('r', 'p') AND NOT c.relispartition
 ORDER BY 1;

-- The column an update tries: one the API role may both read and write
-- (column privileges), so the statement passes the privilege check and only
-- row-level security can keep it off A's rows. A column outside the key
-- first; else a key column (upserts may send keys unchanged, and setting one
-- to itself passes _010_keep_fixed_columns). NULL when the role may update
-- no column: then the privilege is the wall, and the update must fail on it.
CREATE TEMP TABLE update_column ON COMMIT DROP AS
SELECT t.name,
       (SELECT a.attname FROM pg_attribute AS a
         WHERE a.attrelid = t.name AND a.attnum > 0 AND NOT a.attisdropped
           AND has_column_privilege('app_user', t.name, a.attnum, 'UPDATE')
           AND has_column_privilege('app_user', t.name, a.attnum, 'SELECT')
         ORDER BY a.attname IN ('organization_id', 'id')
                  OR EXISTS (SELECT FROM pg_constraint AS k
                              WHERE k.conrelid = t.name AND k.contype IN ('p', 'u') AND a.attnum = ANY (k.conkey)),
                  a.attnum
         LIMIT 1) AS column_name
  FROM tenant_tables AS t;
GRANT SELECT ON tenant_tables, update_column TO PUBLIC;

SELECT plan((SELECT count(*)::int * 5 FROM tenant_tables));

-- Tenant A has a row in every tenant table; B is a tenant of its own.
SELECT tests.remember('a', tests.create_tenant());
SELECT tests.remember('a_admin', tests.fill_tenant(tests.recall('a')));
SELECT tests.remember('b', tests.create_tenant());
SELECT tests.remember('b_admin', tests.create_member(tests.recall('b'), 'admin'));

SELECT ok(tests.rows_of(name, tests.recall('a')) > 0, format('%s: tenant A has rows', name))
  FROM tenant_tables;

SELECT tests.act_as(tests.recall('b_admin'), tests.recall('b'));
SELECT ok(tests.reaches_nothing(format('SELECT 1 FROM %s WHERE organization_id = %L', name, tests.recall('a'))),
          format('%s: B''s admin reads none of A''s rows', name))
  FROM tenant_tables;
SELECT CASE WHEN column_name IS NULL
            THEN throws_ok(format('UPDATE %s SET organization_id = organization_id WHERE organization_id = %L', name, tests.recall('a')),
                           '42501', NULL,
                           format('%s: API roles may update no column (the privilege keeps B off A''s rows)', name))
            ELSE is_empty(format('UPDATE %s SET %I = %I WHERE organization_id = %L RETURNING 1',
                                 name, column_name, column_name, tests.recall('a')),
                          format('%s: B''s admin updates none of A''s rows (%s is writable: row-level security stops it)',
                                 name, column_name))
       END
  FROM update_column;
SELECT ok(tests.reaches_nothing(format('DELETE FROM %s WHERE organization_id = %L RETURNING 1', name, tests.recall('a'))),
          format('%s: B''s admin deletes none of A''s rows', name))
  FROM tenant_tables;

SELECT tests.act_as_anon();
SELECT ok(tests.reaches_nothing(format('SELECT 1 FROM %s', name)), format('%s: anonymous callers reach nothing', name))
  FROM tenant_tables;

SELECT * FROM finish();
ROLLBACK;
