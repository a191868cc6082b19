-- Soft delete, restore and purge of a tenant.
BEGIN;
SELECT plan(14);

SELECT tests.act_as('ada@acme.test', 'acme-manufacturing');
SELECT throws_ok(format('SELECT app.delete_organization(%L)', tests.id_of_organization('northwind-labs')),
  '42501', NULL, 'members cannot even call delete_organization');

SELECT tests.act_as('operator@pulse.test', 'northwind-labs');
SELECT throws_ok(format('SELECT app.purge_organization(%L)', tests.id_of_organization('northwind-labs')),
  'PT409', NULL, 'a live tenant cannot be purged');
SELECT isnt((app.delete_organization(tests.id_of_organization('northwind-labs'))).deleted_at, NULL,
  'an operator soft-deletes a tenant');

SELECT throws_ok($$SELECT tests.act_as('grace@northwind.test', 'northwind-labs')$$, 'PT403', NULL,
  'members of a deleted tenant are refused at once');

SELECT tests.act_as('operator@pulse.test', 'acme-manufacturing');
SELECT throws_ok(format('SELECT app.purge_organization(%L)', tests.id_of_organization('northwind-labs')),
  'PT409', NULL, 'purge waits for the 30-day retention window');
SELECT is((app.restore_organization(tests.id_of_organization('northwind-labs'))).deleted_at, NULL,
  'a deleted tenant can be restored inside the window');
SELECT lives_ok(format('SELECT app.delete_organization(%L)', tests.id_of_organization('northwind-labs')),
  'and deleted again');
SELECT ok(app.purge_organization(tests.id_of_organization('northwind-labs'), ignore_retention => true),
  'an operator purges it before the window ends when asked to');

SELECT tests.act_as_owner();
SELECT is((SELECT count(*)::int FROM app.organizations WHERE slug = 'northwind-labs'), 0, 'the tenant is gone');
SELECT is((SELECT count(*)::int FROM app.sites s WHERE NOT EXISTS (SELECT FROM app.organizations o WHERE o.id = s.organization_id))
        + (SELECT count(*)::int FROM app.partners p WHERE NOT EXISTS (SELECT FROM app.organizations o WHERE o.id = p.organization_id))
        + (SELECT count(*)::int FROM app.memberships m WHERE NOT EXISTS (SELECT FROM app.organizations o WHERE o.id = m.organization_id))
        + (SELECT count(*)::int FROM app.roles r WHERE NOT EXISTS (SELECT FROM app.organizations o WHERE o.id = r.organization_id)),
  0, 'no orphaned rows are left');
SELECT is((SELECT count(*)::int FROM audit.activity_log a
            WHERE a.organization_id IS NOT NULL
              AND NOT EXISTS (SELECT FROM app.organizations o WHERE o.id = a.organization_id)), 0,
  'its audit rows went with it');
SELECT is((SELECT count(*)::int FROM app.users WHERE email = 'grace@northwind.test'), 1,
  'users are global and stay');
SELECT is((SELECT count(*)::int FROM app.organizations WHERE slug = 'acme-manufacturing'), 1, 'other tenants are untouched');
SELECT is(app_private.purge_expired_organizations(), 0, 'the scheduled purge finds nothing else to do');

SELECT * FROM finish();
ROLLBACK;
