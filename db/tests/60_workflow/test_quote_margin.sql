-- Quote routing on margin (issue #14, item 7; §4: "management if margin
-- below threshold"): a project's quote_cost and quote_value give the fact
-- margin_percent, and chains test it like any other fact; by default a
-- margin below 15 % adds management to the quote approval.
BEGIN;
SELECT plan(11);

SELECT tests.remember('t', tests.create_workflow_tenant());
SELECT tests.remember('management', tests.member_with_role(tests.recall('t'), 'management'));
SELECT tests.remember('sales', tests.member_with_role(tests.recall('t'), 'sales'));
SELECT tests.remember('finance', tests.member_with_role(tests.recall('t'), 'finance'));

-- Through app.approval_route.
SELECT tests.act_as(tests.recall('sales'), tests.recall('t'));
SELECT is(ARRAY(SELECT role FROM app.approval_route('quote_approval', '{"margin_percent": 12.5}') ORDER BY step),
  ARRAY['sales', 'finance', 'management'], 'route: a margin below 15 % needs management');
SELECT is((SELECT DISTINCT chain_name FROM app.approval_route('quote_approval', '{"margin_percent": 12.5}')),
  'Quote approval, low margin', 'route: by the low-margin chain');
SELECT is(ARRAY(SELECT role FROM app.approval_route('quote_approval', '{"margin_percent": 15}') ORDER BY step),
  ARRAY['sales', 'finance'], 'route: 15 % and more does not');
SELECT is(ARRAY(SELECT role FROM app.approval_route('quote_approval', '{}') ORDER BY step),
  ARRAY['sales', 'finance'], 'route: no margin known, no margin rule');

-- A tenant's own threshold, as data.
SELECT tests.act_as(tests.recall('management'), tests.recall('t'));
UPDATE app.approval_chains SET conditions = '{"margin_percent": {"lt": 25}}' WHERE chain_name = 'Quote approval, low margin';
SELECT is(ARRAY(SELECT role FROM app.approval_route('quote_approval', '{"margin_percent": 20}') ORDER BY step),
  ARRAY['sales', 'finance', 'management'], 'route: the tenant''s own threshold (below 25 %)');
UPDATE app.approval_chains SET conditions = '{"margin_percent": {"lt": 15}}' WHERE chain_name = 'Quote approval, low margin';

-- The facts of a project: (price - cost) / price.
SELECT tests.act_as_owner();
SELECT tests.remember('thin', tests.create_project(tests.recall('t'), tests.recall('sales'), p_quote_value => 10000));
SELECT tests.act_as(tests.recall('sales'), tests.recall('t'));
UPDATE app.projects SET quote_cost = 9000 WHERE id = tests.recall('thin');
SELECT tests.act_as_owner();
SELECT is(app_private.approval_facts((SELECT p FROM app.projects AS p WHERE id = tests.recall('thin')), '{}') -> 'margin_percent',
  '10.00'::jsonb, 'facts: a 10 000 quote costing 9 000 has a 10 % margin');
SELECT is(app_private.approval_facts((SELECT jsonb_populate_record(p, '{"quote_value": 0}') FROM app.projects AS p
                                       WHERE id = tests.recall('thin')), '{}') ? 'margin_percent',
  false, 'facts: no margin without a price');
SELECT is(left(tests.refusal(format($$UPDATE app.projects SET quote_cost = -1 WHERE id = %L$$, tests.recall('thin'))), 5), '23514',
  'a cost is not negative');

-- A real quote approval.
SELECT tests.drive_project(tests.recall('thin'), 'quoted');
SELECT tests.remember('quote', tests.request_approval(tests.recall('thin'), 'internal-approval', tests.recall('finance')));
SELECT is((SELECT (c.chain_name, jsonb_array_length(a.steps), a.metadata -> 'margin_percent')::text
             FROM app.approvals AS a JOIN app.approval_chains AS c ON c.organization_id = a.organization_id AND c.id = a.approval_chain_id
            WHERE a.id = tests.recall('quote')),
  ('Quote approval, low margin', 3, '10.00'::jsonb)::text, 'request: the thin quote is routed by its margin, through management');

SELECT tests.remember('fat', tests.create_project(tests.recall('t'), tests.recall('sales'), p_quote_value => 10000));
UPDATE app.projects SET quote_cost = 5000 WHERE id = tests.recall('fat');
SELECT tests.drive_project(tests.recall('fat'), 'quoted');
SELECT tests.remember('fat_quote', tests.request_approval(tests.recall('fat'), 'internal-approval', tests.recall('finance')));
SELECT is((SELECT jsonb_array_length(steps) FROM app.approvals WHERE id = tests.recall('fat_quote')), 2,
  'request: a 50 % margin needs sales and finance only');
SELECT is((SELECT column_name::text FROM information_schema.column_privileges
            WHERE table_schema = 'app' AND table_name = 'projects' AND column_name = 'quote_cost'
              AND grantee = 'app_user' AND privilege_type = 'UPDATE'), 'quote_cost', 'staff with project.update set the cost');

SELECT * FROM finish();
ROLLBACK;
