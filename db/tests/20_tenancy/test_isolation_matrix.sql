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
 WHERE n.nspname = 'app' AND c.relkind IN ('r', 'p')
 ORDER BY 1;
GRANT SELECT ON tenant_tables TO PUBLIC;

CREATE TEMP TABLE tenant_a ON COMMIT DROP AS SELECT tests.id_of_organization('acme-manufacturing') AS id;
GRANT SELECT ON tenant_a TO PUBLIC;

SELECT plan((SELECT count(*)::int * 5 FROM tenant_tables));

SELECT ok(tests.rows_of(name, (SELECT id FROM tenant_a)) > 0, format('%s: tenant A has rows', name))
  FROM tenant_tables;

SELECT tests.act_as('grace@northwind.test', 'northwind-labs');
SELECT ok(tests.reaches_nothing(format('SELECT 1 FROM %s WHERE organization_id = %L', name, (SELECT id FROM tenant_a))),
          format('%s: B''s admin reads none of A''s rows', name))
  FROM tenant_tables;
SELECT ok(tests.reaches_nothing(format('UPDATE %s SET organization_id = organization_id WHERE organization_id = %L RETURNING 1',
                                       name, (SELECT id FROM tenant_a))),
          format('%s: B''s admin updates none of A''s rows', name))
  FROM tenant_tables;
SELECT ok(tests.reaches_nothing(format('DELETE FROM %s WHERE organization_id = %L RETURNING 1', name, (SELECT id FROM tenant_a))),
          format('%s: B''s admin deletes none of A''s rows', name))
  FROM tenant_tables;

SELECT tests.act_as_anon();
SELECT ok(tests.reaches_nothing(format('SELECT 1 FROM %s', name)), format('%s: anonymous callers reach nothing', name))
  FROM tenant_tables;

SELECT * FROM finish();
ROLLBACK;
