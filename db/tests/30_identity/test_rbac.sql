-- RBAC: the permission check, site scoping, and escalation attempts.
BEGIN;
SELECT plan(28);

SELECT tests.act_as('ada@acme.test', 'acme-manufacturing');
SELECT ok(auth.has_permission('role.assign'), 'an admin holds role.assign');
SELECT ok(NOT auth.has_permission('no.such_permission'), 'nobody holds an unknown permission');

SELECT tests.act_as('technician@acme.test', 'acme-manufacturing');
SELECT ok(NOT auth.has_permission('site.manage'), 'a site-scoped role grants nothing tenant-wide');

-- Site scoping: give the technician's role a permission, then check it per site.
SELECT tests.act_as_owner();
INSERT INTO app.role_permissions (organization_id, role_id, permission)
SELECT organization_id, id, 'site.manage' FROM app.roles
 WHERE organization_id = tests.id_of_organization('acme-manufacturing') AND key = 'technician';
SELECT tests.act_as('technician@acme.test', 'acme-manufacturing');
SELECT ok(auth.has_permission('site.manage', (SELECT id FROM app.sites WHERE code = 'PLANT-1')),
  'a role scoped to PLANT-1 applies at PLANT-1');
SELECT ok(NOT auth.has_permission('site.manage', (SELECT id FROM app.sites WHERE code = 'PLANT-2')),
  'and not at PLANT-2');
SELECT ok(NOT auth.has_permission('site.manage'), 'nor tenant-wide');
SELECT results_eq('SELECT code FROM app.sites WHERE id = ANY (auth.permitted_site_ids(''site.manage''))',
  ARRAY['PLANT-1'], 'permitted_site_ids lists exactly the scoped sites');

-- Escalation attempts.
SELECT tests.act_as('qa@acme.test', 'acme-manufacturing');
SELECT throws_ok(format('SELECT app.grant_role(%L, ''admin'')', tests.membership_of('qa@acme.test', 'acme-manufacturing')),
  'PT403', NULL, 'a member without role.assign cannot grant roles');
SELECT throws_ok($$SELECT app.create_role('superqa', 'Super QA', ARRAY['role.assign'])$$, 'PT403', NULL,
  'nor create roles');
SELECT throws_ok($$INSERT INTO app.role_assignments (membership_id, role_id)
                   SELECT tests.membership_of('qa@acme.test', 'acme-manufacturing'), id FROM app.roles WHERE key = 'admin'$$,
  '42501', NULL, 'role assignments cannot be written directly');
SELECT throws_ok($$INSERT INTO app.role_permissions (role_id, permission)
                   SELECT id, 'role.assign' FROM app.roles WHERE key = 'qa'$$,
  '42501', NULL, 'nor role permissions');

SELECT tests.act_as('ada@acme.test', 'acme-manufacturing');
SELECT throws_ok(format('SELECT app.grant_role(%L, ''qa'')', tests.membership_of('ada@acme.test', 'acme-manufacturing')),
  'PT403', 'you cannot grant roles to yourself', 'nobody grants roles to themselves');
SELECT lives_ok($$SELECT app.create_role('role_clerk', 'Role clerk', ARRAY['role.assign', 'partner.read'])$$,
  'an admin creates a role from permissions they hold');
SELECT throws_ok($$SELECT app.create_role('bogus', 'Bogus', ARRAY['missiles.launch'])$$, 'PT422', NULL,
  'unknown permissions are refused');
SELECT lives_ok(format('SELECT app.grant_role(%L, ''role_clerk'')', tests.membership_of('sales@acme.test', 'acme-manufacturing')),
  'and grants it');
SELECT is((SELECT count(*)::int FROM app.role_assignments ra JOIN app.roles r ON r.organization_id = ra.organization_id AND r.id = ra.role_id
            WHERE ra.membership_id = tests.membership_of('sales@acme.test', 'acme-manufacturing') AND r.key = 'role_clerk'), 1,
  'granting twice keeps one assignment');
SELECT lives_ok(format('SELECT app.grant_role(%L, ''role_clerk'')', tests.membership_of('sales@acme.test', 'acme-manufacturing')),
  'granting again is harmless');

SELECT tests.act_as('sales@acme.test', 'acme-manufacturing');
SELECT throws_ok(format('SELECT app.grant_role(%L, ''admin'')', tests.membership_of('qa@acme.test', 'acme-manufacturing')),
  'PT403', 'only an admin grants or revokes the admin role', 'only an admin makes admins');
SELECT throws_ok(format('SELECT app.grant_role(%L, ''auditor'')', tests.membership_of('qa@acme.test', 'acme-manufacturing')),
  'PT403', 'role auditor carries permissions you do not hold yourself',
  'nobody hands out a role carrying permissions they lack');
SELECT lives_ok(format('SELECT app.grant_role(%L, ''customer_portal'')', tests.membership_of('qa@acme.test', 'acme-manufacturing')),
  'a role within the granter''s permissions can be granted');
-- Taking a role away needs the same right as handing it out (issue #9, finding 5).
SELECT throws_ok(format('SELECT app.revoke_role(%L, ''management'')', tests.membership_of('management@acme.test', 'acme-manufacturing')),
  'PT403', 'role management carries permissions you do not hold yourself',
  'role.assign alone does not take management away from a colleague');
SELECT throws_ok(format('SELECT app.revoke_role(%L, ''admin'')', tests.membership_of('admin@acme.test', 'acme-manufacturing')),
  'PT403', 'only an admin grants or revokes the admin role', 'only an admin removes admins');
SELECT tests.act_as_owner();
SELECT is((SELECT count(*)::int FROM app.role_assignments ra JOIN app.roles r ON r.organization_id = ra.organization_id AND r.id = ra.role_id
            WHERE ra.membership_id = tests.membership_of('management@acme.test', 'acme-manufacturing') AND r.key = 'management'), 1,
  'management keeps the role');
SELECT tests.act_as('sales@acme.test', 'acme-manufacturing');
SELECT ok(app.revoke_role(tests.membership_of('qa@acme.test', 'acme-manufacturing'), 'customer_portal'),
  'a role within the revoker''s permissions can be revoked');

-- The last admin stays.
SELECT tests.act_as('ada@acme.test', 'acme-manufacturing');
SELECT lives_ok(format('SELECT app.revoke_role(%L, ''admin'')', tests.membership_of('admin@acme.test', 'acme-manufacturing')),
  'one of two admins can be removed');
SELECT tests.act_as('operator@pulse.test', 'acme-manufacturing');
SELECT throws_ok(format('SELECT app.revoke_role(%L, ''admin'')', tests.membership_of('ada@acme.test', 'acme-manufacturing')),
  'PT409', 'the last admin of the organization cannot be removed', 'the last admin cannot be removed');
SELECT throws_ok(format($$UPDATE app.memberships SET status = 'revoked' WHERE id = %L$$,
                        tests.membership_of('ada@acme.test', 'acme-manufacturing')),
  'PT409', NULL, 'not by revoking the membership either');

-- Tenant B cannot touch A's roles.
SELECT tests.act_as('grace@northwind.test', 'northwind-labs');
SELECT throws_ok(format('SELECT app.grant_role(%L, ''admin'')', tests.membership_of('qa@acme.test', 'acme-manufacturing')),
  'PT404', NULL, 'B''s admin cannot grant roles on A''s memberships');

SELECT * FROM finish();
ROLLBACK;
