-- Append-only trails (every table with the _100_append_only trigger, read
-- from the catalog) refuse updates and deletes, even from the owner, while
-- their tenant lives; the purge of a soft-deleted tenant takes them along
-- (db/tests/20_tenancy/test_tenant_lifecycle.sql).
BEGIN;

CREATE TEMP TABLE trails ON COMMIT DROP AS
SELECT t.tgrelid::regclass AS name
  FROM pg_trigger AS t
 WHERE t.tgname = '_100_append_only' AND t.tgfoid = 'app_private.tg__append_only'::regproc
 ORDER BY 1;

SELECT plan(1 + (SELECT count(*)::int * 3 FROM trails));

SELECT tests.remember('tenant', tests.create_tenant());
SELECT tests.remember('admin', tests.fill_tenant(tests.recall('tenant')));

SELECT ok((SELECT count(*) FROM trails) >= 3, 'the catalog finds the append-only trails');
SELECT ok(tests.rows_of(name, tests.recall('tenant')) > 0, format('%s: the tenant has rows', name)) FROM trails;
SELECT is(tests.refusal(format('UPDATE %s SET organization_id = organization_id WHERE organization_id = %L', name, tests.recall('tenant'))),
          'PT409 row.append_only', format('%s: the owner cannot update it', name))
  FROM trails;
SELECT is(tests.refusal(format('DELETE FROM %s WHERE organization_id = %L', name, tests.recall('tenant'))),
          'PT409 row.append_only', format('%s: nor delete from it', name))
  FROM trails;

SELECT * FROM finish();
ROLLBACK;
