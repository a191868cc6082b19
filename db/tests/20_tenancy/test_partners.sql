-- Partners and contacts: tenant isolation, partner.read / partner.manage,
-- and portal users confined to their own partner.
BEGIN;
SELECT plan(16);

SELECT is((SELECT count(*)::int FROM app.partners), 7, 'owner: partners of both tenants exist');

SELECT tests.act_as('sales@acme.test', 'acme-manufacturing');
SELECT is((SELECT count(*)::int FROM app.partners), 4, 'sales at A reads A''s four partners');
SELECT is_empty($$SELECT 1 FROM app.partners WHERE code LIKE 'K-%' OR code LIKE 'L-%'$$, 'and none of B''s');
SELECT is((SELECT count(*)::int FROM app.contacts), 5, 'and A''s contacts only');
SELECT lives_ok($$INSERT INTO app.partners (kind, name, code) VALUES ('customer', 'Wayne Enterprises', 'C-1003')$$,
  'sales (partner.manage) adds a customer');
SELECT lives_ok($$INSERT INTO app.contacts (partner_id, full_name, email, is_primary)
                  SELECT id, 'Lucius Fox', 'lucius@wayne.example', true FROM app.partners WHERE code = 'C-1003'$$,
  'and its primary contact');
SELECT throws_ok($$INSERT INTO app.contacts (partner_id, full_name, is_primary)
                   SELECT id, 'Bruce Wayne', true FROM app.partners WHERE code = 'C-1003'$$,
  '23505', NULL, 'a partner has at most one primary contact');
SELECT throws_ok(format($$INSERT INTO app.partners (organization_id, kind, name) VALUES (%L, 'customer', 'Sneaky')$$,
                        tests.id_of_organization('northwind-labs')),
  '42501', NULL, 'A cannot create a partner in B');

SELECT tests.act_as('grace@northwind.test', 'northwind-labs');
SELECT is_empty($$UPDATE app.partners SET name = 'pwned' WHERE code = 'C-1001' RETURNING id$$, 'B cannot update A''s partners');
SELECT is_empty($$DELETE FROM app.contacts WHERE email = 'hank@globex.example' RETURNING id$$, 'B cannot delete A''s contacts');

SELECT tests.act_as('lab_tech@acme.test', 'acme-manufacturing');
SELECT is_empty('SELECT 1 FROM app.partners', 'a member without partner.read sees no partner');
SELECT throws_ok($$INSERT INTO app.partners (kind, name) VALUES ('supplier', 'Nope')$$, 'PT403', 'this needs the partner.manage permission',
  'a member without partner.manage cannot add partners');

SELECT tests.act_as('customer_portal@acme.test', 'acme-manufacturing');
SELECT results_eq('SELECT name FROM app.partners', ARRAY['Globex Corporation'], 'a portal user sees only their partner');
SELECT results_eq('SELECT full_name FROM app.contacts ORDER BY full_name', ARRAY['Hank Scorpio', 'Lisa Quality'],
  'and only its contacts');
SELECT results_eq('SELECT email::text FROM app.users', ARRAY['customer_portal@acme.test'],
  'and, of the people, only themselves');

SELECT tests.act_as_anon();
SELECT throws_ok('SELECT * FROM app.contacts', '42501', NULL, 'anonymous callers cannot read contacts');

SELECT * FROM finish();
ROLLBACK;
