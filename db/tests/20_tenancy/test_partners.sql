-- Partners and contacts: tenant isolation, partner.read / partner.manage,
-- and portal users confined to their own partner.
BEGIN;
SELECT plan(16);

-- Tenant A: two partners, one of them with two contacts and a portal user;
-- sales (partner.manage) and a maintenance technician (no partner.read). Tenant B:
-- a partner with a contact, and its admin.
SELECT tests.remember('a', tests.create_tenant());
SELECT tests.remember('b', tests.create_tenant());
SELECT tests.remember('a_customer', tests.create_partner(tests.recall('a')));
SELECT tests.remember('a_supplier', tests.create_partner(tests.recall('a'), 'supplier'));
SELECT tests.remember('a_contact_1', tests.create_contact(tests.recall('a'), tests.recall('a_customer')));
SELECT tests.remember('a_contact_2', tests.create_contact(tests.recall('a'), tests.recall('a_customer')));
SELECT tests.remember('a_supplier_contact', tests.create_contact(tests.recall('a'), tests.recall('a_supplier')));
SELECT tests.remember('b_partner', tests.create_partner(tests.recall('b')));
SELECT tests.remember('b_contact', tests.create_contact(tests.recall('b'), tests.recall('b_partner')));
SELECT tests.remember('sales', tests.create_member(tests.recall('a'), 'sales'));
SELECT tests.remember('technician', tests.create_member(tests.recall('a'), 'technician'));
SELECT tests.remember('portal', tests.create_member(tests.recall('a'), 'customer_portal', NULL, tests.recall('a_customer')));
SELECT tests.remember('b_admin', tests.create_member(tests.recall('b'), 'admin'));

SELECT is((SELECT count(*)::int FROM app.partners WHERE organization_id IN (tests.recall('a'), tests.recall('b'))), 3,
  'owner: partners of both tenants exist');

SELECT tests.act_as(tests.recall('sales'), tests.recall('a'));
SELECT results_eq('SELECT id FROM app.partners ORDER BY id',
  $$SELECT unnest(ARRAY[tests.recall('a_customer'), tests.recall('a_supplier')]) ORDER BY 1$$,
  'sales at A reads A''s partners');
SELECT is_empty($$SELECT 1 FROM app.partners WHERE id = tests.recall('b_partner')$$, 'and none of B''s');
SELECT results_eq('SELECT id FROM app.contacts ORDER BY id',
  $$SELECT unnest(ARRAY[tests.recall('a_contact_1'), tests.recall('a_contact_2'), tests.recall('a_supplier_contact')]) ORDER BY 1$$,
  'and A''s contacts only');
SELECT lives_ok($$INSERT INTO app.partners (kind, name, code) VALUES ('customer', 'Wayne Enterprises', 'C-NEW')$$,
  'sales (partner.manage) adds a customer');
SELECT lives_ok($$INSERT INTO app.contacts (partner_id, full_name, email, is_primary)
                  SELECT id, 'Lucius Fox', 'lucius@wayne.example', true FROM app.partners WHERE code = 'C-NEW'$$,
  'and its primary contact');
SELECT throws_ok($$INSERT INTO app.contacts (partner_id, full_name, is_primary)
                   SELECT id, 'Bruce Wayne', true FROM app.partners WHERE code = 'C-NEW'$$,
  '23505', NULL, 'a partner has at most one primary contact');
SELECT throws_ok(format($$INSERT INTO app.partners (organization_id, kind, name) VALUES (%L, 'customer', 'Sneaky')$$,
                        tests.recall('b')),
  '42501', NULL, 'A cannot create a partner in B');

SELECT tests.act_as(tests.recall('b_admin'), tests.recall('b'));
SELECT is_empty($$UPDATE app.partners SET name = 'pwned' WHERE id = tests.recall('a_customer') RETURNING id$$,
  'B cannot update A''s partners');
SELECT is_empty($$DELETE FROM app.contacts WHERE id = tests.recall('a_contact_1') RETURNING id$$,
  'B cannot delete A''s contacts');

SELECT tests.act_as(tests.recall('technician'), tests.recall('a'));
SELECT is_empty('SELECT 1 FROM app.partners', 'a member without partner.read sees no partner');
SELECT is(tests.refusal($$INSERT INTO app.partners (kind, name) VALUES ('supplier', 'Nope')$$), 'PT403 permission.missing',
  'a member without partner.manage cannot add partners');

SELECT tests.act_as(tests.recall('portal'), tests.recall('a'));
SELECT results_eq('SELECT id FROM app.partners', ARRAY[tests.recall('a_customer')], 'a portal user sees only their partner');
SELECT results_eq('SELECT id FROM app.contacts ORDER BY id',
  $$SELECT unnest(ARRAY[tests.recall('a_contact_1'), tests.recall('a_contact_2')]) ORDER BY 1$$,
  'and only its contacts');
SELECT results_eq('SELECT id FROM app.users', ARRAY[tests.recall('portal')],
  'and, of the people, only themselves');

SELECT tests.act_as_anon();
SELECT throws_ok('SELECT * FROM app.contacts', '42501', NULL, 'anonymous callers cannot read contacts');

SELECT * FROM finish();
ROLLBACK;
