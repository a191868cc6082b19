-- Tenancy isolation as the real roles with real claims: a member of one
-- tenant, a member of another, an anonymous caller and a platform operator.
BEGIN;
SELECT plan(16);

CREATE TEMP TABLE actor ON COMMIT DROP AS
SELECT u.email, o.slug, jsonb_build_object('sub', u.id, 'org_id', o.id,
         'role', CASE WHEN u.is_platform_operator THEN 'app_admin' ELSE 'app_user' END)::text AS claims
  FROM app.memberships m JOIN app.users u ON u.id = m.user_id JOIN app.organizations o ON o.id = m.organization_id;
GRANT SELECT ON actor TO PUBLIC;

-- As the owner: both tenants' rows really exist, so the denials below mean something.
SELECT is((SELECT count(*)::int FROM app.organizations), 2, 'owner sees both demo tenants');

-- Ada, member of acme-manufacturing.
SELECT set_config('request.jwt.claims', (SELECT claims FROM actor WHERE email = 'ada@acme.test'), true);
SET LOCAL ROLE app_user;
SELECT results_eq('SELECT slug FROM app.organizations', ARRAY['acme-manufacturing'],
  'a member sees only their own organization');
SELECT is((SELECT count(*)::int FROM app.memberships
            WHERE organization_id <> (SELECT auth.org_id())), 0,
  'a member sees no membership of another tenant');
SELECT results_eq('SELECT email::text FROM app.users ORDER BY email',
  ARRAY['ada@acme.test', 'operator@pulse.test'],
  'a member sees only the people of their own tenant');
SELECT throws_ok($$INSERT INTO app.organizations (slug, name) VALUES ('evil', 'Evil')$$,
  '42501', NULL, 'a member cannot create organizations');
SELECT throws_ok($$UPDATE app.organizations SET name = 'renamed' WHERE slug = 'northwind-labs'$$,
  '42501', NULL, 'a member cannot update organizations');
SELECT throws_ok($$DELETE FROM app.users$$, '42501', NULL, 'a member cannot delete users');
RESET ROLE;

-- Grace, member of northwind-labs, cannot see acme.
SELECT set_config('request.jwt.claims', (SELECT claims FROM actor WHERE email = 'grace@northwind.test'), true);
SET LOCAL ROLE app_user;
SELECT results_eq('SELECT slug FROM app.organizations', ARRAY['northwind-labs'],
  'the other tenant''s member sees only theirs');
SELECT is_empty($$SELECT 1 FROM app.users WHERE email = 'ada@acme.test'$$,
  'the other tenant''s member cannot see acme''s people');
RESET ROLE;

SELECT set_config('request.jwt.claims', '{"role":"anon"}', true);
SET LOCAL ROLE anon;
SELECT throws_ok('SELECT * FROM app.organizations', '42501', NULL, 'anonymous callers cannot read organizations');
SELECT throws_ok('SELECT * FROM app.users', '42501', NULL, 'anonymous callers cannot read users');
SELECT is((SELECT database_ok FROM app.health()), true, 'anonymous callers may call app.health()');
SELECT cmp_ok((SELECT deployed_changes FROM app.health()), '>=', 5, 'app.health() reports the deployed changes');
RESET ROLE;

-- The platform operator manages every tenant.
SELECT set_config('request.jwt.claims', (SELECT claims FROM actor WHERE email = 'operator@pulse.test' LIMIT 1), true);
SET LOCAL ROLE app_admin;
SELECT is((SELECT count(*)::int FROM app.organizations), 2, 'a platform operator sees every tenant');
SELECT lives_ok($$INSERT INTO app.organizations (slug, name) VALUES ('new-tenant', 'New Tenant')$$,
  'a platform operator creates tenants');
RESET ROLE;

SELECT throws_ok($$INSERT INTO app.organizations (slug, name) VALUES ('Not A Slug', 'x')$$,
  '23514', NULL, 'slugs are lower-case words joined by hyphens');

SELECT * FROM finish();
ROLLBACK;
