-- Tenant roles changed and deleted (app.set_role_permissions, app.delete_role): only
-- tenant-made roles, only by role.manage, only within the caller's own permissions.
BEGIN;
SELECT plan(22);

-- Tenant A: an admin, a sales member (no role.manage), and a qa member who also
-- holds a tenant role granting role.manage (so role.manage, but not site.manage).
-- Tenant B: an admin.
SELECT tests.remember('a', tests.create_tenant());
SELECT tests.remember('b', tests.create_tenant());
SELECT tests.remember('admin', tests.create_member(tests.recall('a'), 'admin'));
SELECT tests.remember('sales', tests.create_member(tests.recall('a'), 'sales'));
SELECT tests.remember('qa', tests.create_member(tests.recall('a'), 'qa'));
SELECT tests.remember('b_admin', tests.create_member(tests.recall('b'), 'admin'));

CREATE FUNCTION pg_temp.permissions(p_role_key text) RETURNS text[]
LANGUAGE sql STABLE SECURITY DEFINER AS $$
  SELECT coalesce(array_agg(rp.permission ORDER BY rp.permission), '{}')
    FROM app.roles AS r JOIN app.role_permissions AS rp ON rp.organization_id = r.organization_id AND rp.role_id = r.id
   WHERE r.organization_id = tests.recall('a') AND r.key = p_role_key
$$;
GRANT EXECUTE ON FUNCTION pg_temp.permissions(text) TO PUBLIC;

SELECT tests.act_as(tests.recall('admin'), tests.recall('a'));
SELECT lives_ok($$SELECT app.create_role('reviewer', 'Reviewer', ARRAY['project.read'])$$, 'an admin makes a role');
SELECT lives_ok($$SELECT app.create_role('role_keeper', 'Role keeper', ARRAY['role.manage', 'partner.read'])$$, 'and a role to manage roles');
SELECT lives_ok($$SELECT app.create_role('site_keeper', 'Site keeper', ARRAY['site.manage'])$$, 'and one with site.manage');
SELECT tests.act_as_owner();
SELECT tests.grant_role(tests.recall('a'), tests.recall('qa'), 'role_keeper');
SELECT tests.grant_role(tests.recall('a'), tests.recall('sales'), 'reviewer');

-- Changing a role's permissions.
SELECT tests.act_as(tests.recall('admin'), tests.recall('a'));
SELECT is((app.set_role_permissions('reviewer', ARRAY['project.read', 'partner.read'])).key, 'reviewer',
  'set_role_permissions returns the role');
SELECT is(pg_temp.permissions('reviewer'), ARRAY['partner.read', 'project.read'], 'a permission is added');
SELECT lives_ok($$SELECT app.set_role_permissions('reviewer', ARRAY['partner.read'])$$, 'the list is replaced');
SELECT is(pg_temp.permissions('reviewer'), ARRAY['partner.read'], 'so one left out is taken away');
SELECT is(tests.refusal($$SELECT app.set_role_permissions('qa', ARRAY['project.read'])$$), 'PT409 role.system',
  'a system role follows the platform catalog');
SELECT is(tests.refusal($$SELECT app.set_role_permissions('no_such_role', ARRAY['project.read'])$$), 'PT404 role.not_found',
  'an unknown role is named as such');
SELECT is(tests.refusal($$SELECT app.set_role_permissions('reviewer', ARRAY['no.such_permission'])$$), 'PT422 permission.unknown',
  'and an unknown permission');

SELECT tests.act_as(tests.recall('qa'), tests.recall('a'));
SELECT is(tests.refusal($$SELECT app.set_role_permissions('reviewer', ARRAY['partner.read', 'site.manage'])$$),
  'PT403 role.permission_not_held', 'role.manage does not add a permission the caller lacks');
SELECT is(tests.refusal($$SELECT app.set_role_permissions('site_keeper', '{}')$$),
  'PT403 role.permission_not_held', 'nor take one away');
SELECT lives_ok($$SELECT app.set_role_permissions('reviewer', ARRAY['partner.read', 'project.read'])$$,
  'within their own permissions they change a role');

SELECT tests.act_as(tests.recall('sales'), tests.recall('a'));
SELECT is(tests.refusal($$SELECT app.set_role_permissions('reviewer', ARRAY['partner.read'])$$), 'PT403 permission.missing',
  'without role.manage nobody changes a role');

SELECT tests.act_as(tests.recall('b_admin'), tests.recall('b'));
SELECT is(tests.refusal($$SELECT app.set_role_permissions('reviewer', ARRAY['partner.read'])$$), 'PT404 role.not_found',
  'another tenant''s role does not exist for them');

-- Deleting a role.
SELECT is(tests.refusal($$SELECT app.delete_role('reviewer')$$), 'PT404 role.not_found',
  'nor can they delete it');
SELECT tests.act_as(tests.recall('sales'), tests.recall('a'));
SELECT is(tests.refusal($$SELECT app.delete_role('reviewer')$$), 'PT403 permission.missing', 'deleting needs role.manage');
SELECT tests.act_as(tests.recall('qa'), tests.recall('a'));
SELECT is(tests.refusal($$SELECT app.delete_role('site_keeper')$$), 'PT403 role.permission_not_held',
  'and every permission of the role');
SELECT tests.act_as(tests.recall('admin'), tests.recall('a'));
SELECT is(tests.refusal($$SELECT app.delete_role('admin')$$), 'PT409 role.system', 'a system role cannot be deleted');
SELECT ok(app.delete_role('reviewer'), 'an admin deletes a tenant role');
SELECT tests.act_as_owner();
SELECT is_empty($$SELECT 1 FROM app.roles WHERE organization_id = tests.recall('a') AND key = 'reviewer'$$,
  'the role is gone, and with it what it granted:');
SELECT is_empty($$SELECT 1 FROM app.role_assignments AS ra JOIN app.memberships AS m ON m.organization_id = ra.organization_id AND m.id = ra.membership_id
                   WHERE m.organization_id = tests.recall('a') AND m.user_id = tests.recall('sales')
                     AND ra.role_id NOT IN (SELECT id FROM app.roles WHERE organization_id = tests.recall('a') AND key = 'sales')$$,
  'the sales member keeps only the sales role');

SELECT * FROM finish();
ROLLBACK;
