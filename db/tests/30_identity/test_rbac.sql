-- RBAC: the permission check, site scoping, and escalation attempts.
BEGIN;
SELECT plan(28);

-- Tenant A: two admins, a technician at site 1 of two, qa, sales and
-- management; tenant B's admin; a platform operator.
SELECT tests.remember('a', tests.create_tenant());
SELECT tests.remember('b', tests.create_tenant());
SELECT tests.remember('site_1', tests.create_site(tests.recall('a')));
SELECT tests.remember('site_2', tests.create_site(tests.recall('a')));
SELECT tests.remember('admin', tests.create_member(tests.recall('a'), 'admin'));
SELECT tests.remember('admin_2', tests.create_member(tests.recall('a'), 'admin'));
SELECT tests.remember('technician', tests.create_member(tests.recall('a'), 'technician', tests.recall('site_1')));
SELECT tests.remember('qa', tests.create_member(tests.recall('a'), 'qa'));
SELECT tests.remember('sales', tests.create_member(tests.recall('a'), 'sales'));
SELECT tests.remember('management', tests.create_member(tests.recall('a'), 'management'));
SELECT tests.remember('b_admin', tests.create_member(tests.recall('b'), 'admin'));
SELECT tests.remember('operator', tests.create_operator());
SELECT tests.remember('m_admin', tests.membership_of(tests.recall('admin'), tests.recall('a')));
SELECT tests.remember('m_admin_2', tests.membership_of(tests.recall('admin_2'), tests.recall('a')));
SELECT tests.remember('m_qa', tests.membership_of(tests.recall('qa'), tests.recall('a')));
SELECT tests.remember('m_sales', tests.membership_of(tests.recall('sales'), tests.recall('a')));
SELECT tests.remember('m_management', tests.membership_of(tests.recall('management'), tests.recall('a')));

SELECT tests.act_as(tests.recall('admin'), tests.recall('a'));
SELECT ok(auth.has_permission('role.assign'), 'an admin holds role.assign');
SELECT ok(NOT auth.has_permission('no.such_permission'), 'nobody holds an unknown permission');

SELECT tests.act_as(tests.recall('technician'), tests.recall('a'));
SELECT ok(NOT auth.has_permission('site.manage'), 'a site-scoped role grants nothing tenant-wide');

-- Site scoping: give the technician's role a permission, then check it per site.
SELECT tests.act_as_owner();
INSERT INTO app.role_permissions (organization_id, role_id, permission)
SELECT organization_id, id, 'site.manage' FROM app.roles
 WHERE organization_id = tests.recall('a') AND key = 'technician';
SELECT tests.act_as(tests.recall('technician'), tests.recall('a'));
SELECT ok(auth.has_permission('site.manage', tests.recall('site_1')), 'a role scoped to site 1 applies at site 1');
SELECT ok(NOT auth.has_permission('site.manage', tests.recall('site_2')), 'and not at site 2');
SELECT ok(NOT auth.has_permission('site.manage'), 'nor tenant-wide');
SELECT is(auth.permitted_site_ids('site.manage'), ARRAY[tests.recall('site_1')],
  'permitted_site_ids lists exactly the scoped sites');

-- Escalation attempts.
SELECT tests.act_as(tests.recall('qa'), tests.recall('a'));
SELECT is(tests.refusal(format('SELECT app.grant_role(%L, ''admin'')', tests.recall('m_qa'))), 'PT403 permission.missing',
  'a member without role.assign cannot grant roles');
SELECT is(tests.refusal($$SELECT app.create_role('superqa', 'Super QA', ARRAY['role.assign'])$$), 'PT403 permission.missing',
  'nor create roles');
SELECT throws_ok(format($$INSERT INTO app.role_assignments (membership_id, role_id)
                          SELECT %L, id FROM app.roles WHERE key = 'admin'$$, tests.recall('m_qa')),
  '42501', NULL, 'role assignments cannot be written directly');
SELECT throws_ok($$INSERT INTO app.role_permissions (role_id, permission)
                   SELECT id, 'role.assign' FROM app.roles WHERE key = 'qa'$$,
  '42501', NULL, 'nor role permissions');

SELECT tests.act_as(tests.recall('admin'), tests.recall('a'));
SELECT is(tests.refusal(format('SELECT app.grant_role(%L, ''qa'')', tests.recall('m_admin'))), 'PT403 role.self_grant',
  'nobody grants roles to themselves');
SELECT lives_ok($$SELECT app.create_role('role_clerk', 'Role clerk', ARRAY['role.assign', 'partner.read', 'complaint.file', 'work_order.read'])$$,
  'an admin creates a role from permissions they hold');
SELECT is(tests.refusal($$SELECT app.create_role('bogus', 'Bogus', ARRAY['missiles.launch'])$$), 'PT422 permission.unknown',
  'unknown permissions are refused');
SELECT lives_ok(format('SELECT app.grant_role(%L, ''role_clerk'')', tests.recall('m_sales')),
  'and grants it');
SELECT lives_ok(format('SELECT app.grant_role(%L, ''role_clerk'')', tests.recall('m_sales')),
  'granting again is harmless');
SELECT tests.act_as_owner();
SELECT is((SELECT count(*)::int FROM app.role_assignments ra JOIN app.roles r ON r.organization_id = ra.organization_id AND r.id = ra.role_id
            WHERE ra.membership_id = tests.recall('m_sales') AND r.key = 'role_clerk'), 1,
  'granting twice keeps one assignment');

SELECT tests.act_as(tests.recall('sales'), tests.recall('a'));
SELECT is(tests.refusal(format('SELECT app.grant_role(%L, ''admin'')', tests.recall('m_qa'))), 'PT403 role.admin_only',
  'only an admin makes admins');
SELECT is(tests.refusal(format('SELECT app.grant_role(%L, ''auditor'')', tests.recall('m_qa'))), 'PT403 role.permission_not_held',
  'nobody hands out a role carrying permissions they lack');
SELECT lives_ok(format('SELECT app.grant_role(%L, ''customer_portal'')', tests.recall('m_qa')),
  'a role within the granter''s permissions can be granted');
-- Taking a role away needs the same right as handing it out (issue #9, finding 5).
SELECT is(tests.refusal(format('SELECT app.revoke_role(%L, ''management'')', tests.recall('m_management'))),
  'PT403 role.permission_not_held', 'role.assign alone does not take management away from a colleague');
SELECT is(tests.refusal(format('SELECT app.revoke_role(%L, ''admin'')', tests.recall('m_admin_2'))), 'PT403 role.admin_only',
  'only an admin removes admins');
SELECT tests.act_as_owner();
SELECT is((SELECT count(*)::int FROM app.role_assignments ra JOIN app.roles r ON r.organization_id = ra.organization_id AND r.id = ra.role_id
            WHERE ra.membership_id = tests.recall('m_management') AND r.key = 'management'), 1,
  'management keeps the role');
SELECT tests.act_as(tests.recall('sales'), tests.recall('a'));
SELECT ok(app.revoke_role(tests.recall('m_qa'), 'customer_portal'),
  'a role within the revoker''s permissions can be revoked');

-- The last admin stays.
SELECT tests.act_as(tests.recall('admin'), tests.recall('a'));
SELECT lives_ok(format('SELECT app.revoke_role(%L, ''admin'')', tests.recall('m_admin_2')),
  'one of two admins can be removed');
SELECT tests.act_as(tests.recall('operator'), tests.recall('a'));
SELECT is(tests.refusal(format('SELECT app.revoke_role(%L, ''admin'')', tests.recall('m_admin'))), 'PT409 role.last_admin',
  'the last admin cannot be removed');
SELECT is(tests.refusal(format($$UPDATE app.memberships SET status = 'revoked' WHERE id = %L$$, tests.recall('m_admin'))),
  'PT409 role.last_admin', 'not by revoking the membership either');

-- Tenant B cannot touch A's roles.
SELECT tests.act_as(tests.recall('b_admin'), tests.recall('b'));
SELECT is(tests.refusal(format('SELECT app.grant_role(%L, ''admin'')', tests.recall('m_qa'))), 'PT404 membership.not_found',
  'B''s admin cannot grant roles on A''s memberships');

SELECT * FROM finish();
ROLLBACK;
