-- Tenants and sites, as a member of tenant A, a member of tenant B, an
-- anonymous caller and a platform operator.
BEGIN;
SELECT plan(30);

-- As the owner: both tenants' rows exist, so the denials below mean something.
SELECT is((SELECT count(*)::int FROM app.organizations), 2, 'owner: both demo tenants exist');
SELECT is((SELECT count(*)::int FROM app.sites), 4, 'owner: both tenants have sites');

SELECT tests.act_as('ada@acme.test', 'acme-manufacturing');
SELECT results_eq('SELECT slug FROM app.organizations', ARRAY['acme-manufacturing'],
  'member of A sees only organization A');
SELECT results_eq('SELECT code FROM app.sites ORDER BY code', ARRAY['PLANT-1', 'PLANT-2'],
  'member of A sees only A''s sites');
SELECT lives_ok($$UPDATE app.organizations SET name = 'Acme Manufacturing Inc.' WHERE slug = 'acme-manufacturing'$$,
  'A''s admin (organization.update) renames A');
SELECT is_empty($$UPDATE app.organizations SET name = 'pwned' WHERE slug = 'northwind-labs' RETURNING id$$,
  'A''s admin cannot update organization B');
SELECT throws_ok($$UPDATE app.organizations SET is_active = false WHERE slug = 'acme-manufacturing'$$,
  '42501', NULL, 'members cannot deactivate their tenant (column not granted)');
SELECT throws_ok($$INSERT INTO app.organizations (slug, name) VALUES ('evil', 'Evil')$$,
  '42501', NULL, 'members cannot create tenants');
SELECT throws_ok($$DELETE FROM app.organizations$$, '42501', NULL, 'nobody deletes organizations directly');
SELECT lives_ok($$INSERT INTO app.sites (code, name) VALUES ('PLANT-3', 'Paint shop')$$,
  'A''s admin (site.manage) adds a site; organization_id defaults to the token''s tenant');
SELECT is((SELECT organization_id FROM app.sites WHERE code = 'PLANT-3'), tests.id_of_organization('acme-manufacturing'),
  'the new site belongs to tenant A');
SELECT throws_ok(format($$INSERT INTO app.sites (organization_id, code, name) VALUES (%L, 'X-1', 'Planted')$$,
                        tests.id_of_organization('northwind-labs')),
  '42501', NULL, 'a row with another tenant''s organization_id is refused');
SELECT is_empty($$UPDATE app.sites SET name = 'pwned' WHERE code = 'LAB-A' RETURNING id$$,
  'A cannot update B''s sites');
SELECT is_empty($$DELETE FROM app.sites WHERE code = 'LAB-A' RETURNING id$$, 'A cannot delete B''s sites');

SELECT tests.act_as('qa@acme.test', 'acme-manufacturing');
SELECT is_empty($$UPDATE app.organizations SET name = 'QA rules' RETURNING id$$,
  'a member without organization.update changes nothing');
SELECT throws_ok($$INSERT INTO app.sites (code, name) VALUES ('QA-1', 'QA site')$$, 'PT403', 'this needs the site.manage permission',
  'a member without site.manage cannot add sites');

SELECT tests.act_as('grace@northwind.test', 'northwind-labs');
SELECT results_eq('SELECT slug FROM app.organizations', ARRAY['northwind-labs'], 'member of B sees only B');
SELECT is_empty($$SELECT 1 FROM app.sites WHERE code LIKE 'PLANT%'$$, 'member of B sees none of A''s sites');

SELECT tests.act_as_anon();
SELECT throws_ok('SELECT * FROM app.organizations', '42501', NULL, 'anonymous callers cannot read tenants');
SELECT throws_ok('SELECT * FROM app.sites', '42501', NULL, 'anonymous callers cannot read sites');
SELECT is((SELECT database_ok FROM app.health()), true, 'anonymous callers may call app.health()');

-- Settings and branding are validated.
SELECT tests.act_as('ada@acme.test', 'acme-manufacturing');
SELECT throws_ok($$UPDATE app.organizations SET settings = '{"timezone": "Mars/Olympus"}'$$, 'PT422',
  'settings.timezone "Mars/Olympus" is not a time zone', 'an unknown time zone is refused');
SELECT throws_ok($$UPDATE app.organizations SET settings = '{"colour": "red"}'$$, 'PT422',
  'settings has unknown key(s): colour', 'unknown settings keys are refused');
SELECT throws_ok($$UPDATE app.organizations SET branding = '{"primary_color": "red"}'$$, 'PT422', NULL,
  'colors must be #RRGGBB');
SELECT throws_ok($$UPDATE app.organizations SET branding = '{"logo_url": "http://x.test/a.png"}'$$, 'PT422', NULL,
  'logos must be https');

-- Platform operators manage every tenant; a new tenant gets its system roles.
SELECT tests.act_as('operator@pulse.test', 'acme-manufacturing');
SELECT is((SELECT count(*)::int FROM app.organizations), 2, 'an operator sees every tenant');
SELECT lives_ok($$INSERT INTO app.organizations (slug, name) VALUES ('initech', 'Initech')$$, 'an operator creates a tenant');
SELECT tests.act_as_owner();
SELECT is((SELECT count(*)::int FROM app.roles r JOIN app.organizations o ON o.id = r.organization_id
            WHERE o.slug = 'initech' AND r.is_system), 15, 'a new tenant starts with the 15 system roles');
SELECT is((SELECT count(*)::int FROM app.role_permissions rp JOIN app.roles r ON r.organization_id = rp.organization_id AND r.id = rp.role_id
            JOIN app.organizations o ON o.id = r.organization_id WHERE o.slug = 'initech' AND r.key = 'admin'),
          (SELECT count(*)::int FROM app.permissions), 'its admin role carries every permission');
SELECT throws_ok($$INSERT INTO app.organizations (slug, name) VALUES ('Not A Slug', 'x')$$,
  '23514', NULL, 'slugs are lower-case words joined by hyphens');

SELECT * FROM finish();
ROLLBACK;
