-- Tenants and sites, as a member of tenant A, a member of tenant B, an
-- anonymous caller and a platform operator.
BEGIN;
SELECT plan(30);

-- Two tenants with sites, their admins, a member of A without
-- organization.update and site.manage, and an operator.
SELECT tests.remember('a', tests.create_tenant());
SELECT tests.remember('b', tests.create_tenant());
SELECT tests.remember('a_site_1', tests.create_site(tests.recall('a')));
SELECT tests.remember('a_site_2', tests.create_site(tests.recall('a')));
SELECT tests.remember('b_site', tests.create_site(tests.recall('b')));
SELECT tests.remember('a_admin', tests.create_member(tests.recall('a'), 'admin'));
SELECT tests.remember('a_qa', tests.create_member(tests.recall('a'), 'qa'));
SELECT tests.remember('b_admin', tests.create_member(tests.recall('b'), 'admin'));
SELECT tests.remember('operator', tests.create_operator());

-- As the owner: both tenants' rows exist, so the denials below mean something.
SELECT is((SELECT count(*)::int FROM app.organizations WHERE id IN (tests.recall('a'), tests.recall('b'))), 2,
  'owner: both tenants exist');
SELECT is((SELECT count(*)::int FROM app.sites WHERE organization_id IN (tests.recall('a'), tests.recall('b'))), 3,
  'owner: both tenants have sites');

SELECT tests.act_as(tests.recall('a_admin'), tests.recall('a'));
SELECT results_eq('SELECT id FROM app.organizations', ARRAY[tests.recall('a')],
  'member of A sees only organization A');
SELECT results_eq('SELECT id FROM app.sites ORDER BY id',
  $$SELECT unnest(ARRAY[tests.recall('a_site_1'), tests.recall('a_site_2')]) ORDER BY 1$$,
  'member of A sees only A''s sites');
SELECT isnt_empty($$UPDATE app.organizations SET name = 'Renamed A' WHERE id = tests.recall('a') RETURNING id$$,
  'A''s admin (organization.update) renames A');
SELECT is_empty($$UPDATE app.organizations SET name = 'pwned' WHERE id = tests.recall('b') RETURNING id$$,
  'A''s admin cannot update organization B');
SELECT throws_ok($$UPDATE app.organizations SET is_active = false WHERE id = tests.recall('a')$$,
  '42501', NULL, 'members cannot deactivate their tenant (column not granted)');
SELECT throws_ok($$INSERT INTO app.organizations (slug, name) VALUES ('evil', 'Evil')$$,
  '42501', NULL, 'members cannot create tenants');
SELECT throws_ok($$DELETE FROM app.organizations$$, '42501', NULL, 'nobody deletes organizations directly');
SELECT lives_ok($$INSERT INTO app.sites (code, name) VALUES ('NEW-SITE', 'Paint shop')$$,
  'A''s admin (site.manage) adds a site; organization_id defaults to the token''s tenant');
SELECT is((SELECT organization_id FROM app.sites WHERE code = 'NEW-SITE'), tests.recall('a'),
  'the new site belongs to tenant A');
SELECT is(tests.refusal(format($$INSERT INTO app.sites (organization_id, code, name) VALUES (%L, 'X-1', 'Planted')$$,
                               tests.recall('b'))),
  '42501', 'a row with another tenant''s organization_id is refused (row-level security)');
SELECT is_empty($$UPDATE app.sites SET name = 'pwned' WHERE id = tests.recall('b_site') RETURNING id$$,
  'A cannot update B''s sites');
SELECT is_empty($$DELETE FROM app.sites WHERE id = tests.recall('b_site') RETURNING id$$, 'A cannot delete B''s sites');

SELECT tests.act_as(tests.recall('a_qa'), tests.recall('a'));
SELECT is_empty($$UPDATE app.organizations SET name = 'QA rules' RETURNING id$$,
  'a member without organization.update changes nothing');
SELECT is(tests.refusal($$INSERT INTO app.sites (code, name) VALUES ('QA-1', 'QA site')$$), 'PT403 permission.missing',
  'a member without site.manage cannot add sites');

SELECT tests.act_as(tests.recall('b_admin'), tests.recall('b'));
SELECT results_eq('SELECT id FROM app.organizations', ARRAY[tests.recall('b')], 'member of B sees only B');
SELECT is_empty($$SELECT 1 FROM app.sites WHERE organization_id = tests.recall('a')$$, 'member of B sees none of A''s sites');

SELECT tests.act_as_anon();
SELECT throws_ok('SELECT * FROM app.organizations', '42501', NULL, 'anonymous callers cannot read tenants');
SELECT throws_ok('SELECT * FROM app.sites', '42501', NULL, 'anonymous callers cannot read sites');
SELECT is((SELECT database_ok FROM app.health()), true, 'anonymous callers may call app.health()');

-- Settings and branding are validated.
SELECT tests.act_as(tests.recall('a_admin'), tests.recall('a'));
SELECT is(tests.refusal($$UPDATE app.organizations SET settings = '{"timezone": "Mars/Olympus"}'$$),
  'PT422 settings.timezone_unknown', 'an unknown time zone is refused');
SELECT is(tests.refusal($$UPDATE app.organizations SET settings = '{"colour": "red"}'$$),
  'PT422 input.unknown_key', 'unknown settings keys are refused');
SELECT is(tests.refusal($$UPDATE app.organizations SET branding = '{"primary_color": "red"}'$$),
  'PT422 branding.color_invalid', 'colors must be #RRGGBB');
SELECT is(tests.refusal($$UPDATE app.organizations SET branding = '{"logo_url": "http://x.test/a.png"}'$$),
  'PT422 branding.logo_url_invalid', 'logos must be https');

-- Platform operators manage every tenant; a new tenant gets its system roles.
SELECT tests.act_as(tests.recall('operator'), tests.recall('a'));
SELECT is((SELECT count(*)::int FROM app.organizations WHERE id IN (tests.recall('a'), tests.recall('b'))), 2,
  'an operator sees every tenant');
SELECT lives_ok($$INSERT INTO app.organizations (slug, name) VALUES ('tenant-made-by-operator', 'Made by an operator')$$,
  'an operator creates a tenant');
SELECT tests.act_as_owner();
SELECT is((SELECT array_agg(r.key::text ORDER BY r.key) FROM app.roles r JOIN app.organizations o ON o.id = r.organization_id
            WHERE o.slug = 'tenant-made-by-operator' AND r.is_system),
          (SELECT array_agg(key::text ORDER BY key) FROM app_private.system_roles),
  'a new tenant starts with the system roles of the platform catalog');
SELECT is((SELECT count(*)::int FROM app.role_permissions rp JOIN app.roles r ON r.organization_id = rp.organization_id AND r.id = rp.role_id
            JOIN app.organizations o ON o.id = r.organization_id WHERE o.slug = 'tenant-made-by-operator' AND r.key = 'admin'),
          (SELECT count(*)::int FROM app.permissions), 'its admin role carries every permission');
SELECT throws_ok($$INSERT INTO app.organizations (slug, name) VALUES ('Not A Slug', 'x')$$,
  '23514', NULL, 'slugs are lower-case words joined by hyphens');

SELECT * FROM finish();
ROLLBACK;
