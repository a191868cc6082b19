-- Soft delete, restore and purge of a tenant.
BEGIN;
SELECT plan(15);

-- Two tenants with a row in every tenant table: one to purge, one to keep.
SELECT tests.remember('gone', tests.create_tenant());
SELECT tests.remember('gone_admin', tests.fill_tenant(tests.recall('gone')));
SELECT tests.remember('kept', tests.create_tenant());
SELECT tests.remember('kept_admin', tests.fill_tenant(tests.recall('kept')));
SELECT tests.remember('operator', tests.create_operator());

-- Every table with a tenant column, in every Pulse schema, from the catalog,
-- with what each tenant holds there before the purge.
CREATE TEMP TABLE tenant_rows ON COMMIT DROP AS
SELECT c.oid::regclass AS name,
       tests.rows_of(c.oid::regclass, tests.recall('gone')) AS gone_before,
       tests.rows_of(c.oid::regclass, tests.recall('kept')) AS kept_before
  FROM pg_class AS c
  JOIN pg_attribute AS a ON a.attrelid = c.oid AND a.attname = 'organization_id' AND NOT a.attisdropped
 WHERE c.relnamespace IN ('app'::regnamespace, 'app_private'::regnamespace, 'audit'::regnamespace)
   AND c.relkind IN ('r', 'p') AND NOT c.relispartition;  -- a partitioned table counts its partitions' rows

SELECT tests.act_as(tests.recall('kept_admin'), tests.recall('kept'));
SELECT throws_ok(format('SELECT app.delete_organization(%L)', tests.recall('gone')),
  '42501', NULL, 'members cannot even call delete_organization');

SELECT tests.act_as(tests.recall('operator'), tests.recall('gone'));
SELECT is(tests.refusal(format('SELECT app.purge_organization(%L)', tests.recall('gone'))),
  'PT409 organization.not_deleted', 'a live tenant cannot be purged');
SELECT isnt((app.delete_organization(tests.recall('gone'))).deleted_at, NULL,
  'an operator soft-deletes a tenant');

SELECT is(tests.refusal(format('SELECT tests.act_as(%L::uuid, %L::uuid)', tests.recall('gone_admin'), tests.recall('gone'))),
  'PT403 membership.not_active', 'members of a deleted tenant are refused at once');

SELECT tests.act_as(tests.recall('operator'), tests.recall('kept'));
SELECT is(tests.refusal(format('SELECT app.purge_organization(%L)', tests.recall('gone'))),
  'PT409 organization.in_retention', 'purge waits for the 30-day retention window');
SELECT is((app.restore_organization(tests.recall('gone'))).deleted_at, NULL,
  'a deleted tenant can be restored inside the window');
SELECT is(tests.refusal(format('SELECT app.restore_organization(%L)', tests.recall('gone'))),
  'PT409 organization.not_deleted', 'a live tenant has nothing to restore');
SELECT lives_ok(format('SELECT app.delete_organization(%L)', tests.recall('gone')),
  'and deleted again');
SELECT ok(app.purge_organization(tests.recall('gone'), ignore_retention => true),
  'an operator purges it before the window ends when asked to');

SELECT tests.act_as_owner();
SELECT is((SELECT count(*)::int FROM app.organizations WHERE id = tests.recall('gone')), 0, 'the tenant is gone');
SELECT is_empty($$SELECT name FROM tenant_rows WHERE gone_before = 0$$,
  'before the purge, the purged tenant had rows in every tenant table (so the next test means something)');
SELECT is_empty($$SELECT name FROM tenant_rows WHERE tests.rows_of(name, tests.recall('gone')) > 0$$,
  'the purge removed every row of the tenant from every tenant table, audit log and private tables included');
SELECT is_empty($$SELECT name || ': ' || kept_before || ' -> ' || tests.rows_of(name, tests.recall('kept'))
                    FROM tenant_rows WHERE tests.rows_of(name, tests.recall('kept')) <> kept_before$$,
  'and not one row of another tenant');
SELECT is((SELECT count(*)::int FROM app.users WHERE id = tests.recall('gone_admin')), 1,
  'users are global and stay');
SELECT is(app_private.purge_expired_organizations(), 0, 'the scheduled purge finds nothing else to do');

SELECT * FROM finish();
ROLLBACK;
