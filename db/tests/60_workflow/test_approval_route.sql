-- Who approves X (issue #11, item 4): app.approval_route answers for every
-- approval type with the chain, its steps, the person each resolves to now,
-- the SLA and the fallback roles, through the functions the real routing
-- uses (app_private.approval_chain_for, find_approver, approval_policy_of).
BEGIN;
SELECT plan(20);

-- One holder for each role the default chains and fallbacks name.
SELECT tests.remember('tenant', tests.create_tenant());
SELECT tests.remember(r, tests.create_member(tests.recall('tenant'), r))
  FROM unnest(ARRAY['admin', 'management', 'engineering', 'qa', 'sales', 'finance', 'procurement', 'logistics']) AS r;
SELECT tests.remember('requester', tests.create_member(tests.recall('tenant'), 'production'));
SELECT tests.act_as(tests.recall('requester'), tests.recall('tenant'));

SELECT results_eq(
  $$SELECT r.approval_type::text, r.chain_name, array_agg(r.role ORDER BY r.step), bool_and(r.approver_id = tests.recall(r.role))
      FROM unnest(enum_range(NULL::app.approval_type)) AS t, app.approval_route(t) AS r
     GROUP BY 1, 2 ORDER BY 1$$,
  $$SELECT t::text, c.chain_name, ARRAY(SELECT s ->> 'role' FROM jsonb_array_elements(c.steps) AS s), true
      FROM unnest(enum_range(NULL::app.approval_type)) AS t
      JOIN app.approval_chains AS c ON c.approval_type = t AND c.conditions = '{}'
     ORDER BY 1$$,
  'every type: the chain without conditions, each step resolved to the holder of its role');
SELECT results_eq(
  $$SELECT chain_name, step, role, approver_id FROM app.approval_route('quote_approval', '{"quote_value": 60000}') ORDER BY step$$,
  $$VALUES ('Quote approval, large quote', 1, 'sales', tests.recall('sales')),
           ('Quote approval, large quote', 2, 'finance', tests.recall('finance')),
           ('Quote approval, large quote', 3, 'management', tests.recall('management'))$$,
  'facts: a large quote takes the large-quote chain');
SELECT is((SELECT chain_name FROM app.approval_route('quote_approval', '{"quote_value": 49999}') LIMIT 1), 'Quote approval',
  'facts: a smaller quote the default chain');
SELECT is((SELECT chain_name FROM app.approval_route('quote_approval', '{"quote_value": "lots"}') LIMIT 1), 'Quote approval',
  'facts: a value that is not a number matches no threshold (and is no error)');
SELECT results_eq(
  $$SELECT DISTINCT priority::text, sla_hours, requires_signature, fallback_roles
      FROM app.approval_route('final_signoff', '{"priority": "urgent"}')$$,
  $$VALUES ('urgent', 8, true, ARRAY['management', 'admin'])$$,
  'SLA: the policy of the facts'' priority, its signature rule and the fallback roles');
SELECT is((SELECT DISTINCT sla_hours FROM app.approval_route('po_approval')), 48, 'SLA: normal priority when the facts name none');
SELECT is((SELECT approver_id FROM app.approval_route('quality_review', '{}', tests.recall('qa'))), tests.recall('management'),
  'requested_by: the requester never decides; the first fallback role stands in');

-- Routing uses the same answer: a drawing opens the quality review the route shows.
SELECT tests.remember('expected', (SELECT approver_id FROM app.approval_route('quality_review', '{"document_category": "drawing"}')));
SELECT tests.act_as(tests.recall('admin'), tests.recall('tenant'));
WITH p AS (INSERT INTO app.projects (title) VALUES ('Route') RETURNING id)
SELECT tests.remember('project', id) FROM p;
SELECT tests.act_as(tests.recall('requester'), tests.recall('tenant'));
SELECT tests.remember('version', (tests.upload_document(tests.recall('project'), 'Plate', 'drawing', 'pdf', repeat('a', 64), 100,
                                                      'application/pdf')).id);
SELECT tests.act_as_owner();
SELECT is((SELECT current_approver_id FROM app.approvals WHERE entity_id = tests.recall('version')), tests.recall('expected'),
  'routing: the approval goes to the person the route named');

-- No chain matches: one step for the first fallback role; none either: refused.
SELECT tests.act_as(tests.recall('admin'), tests.recall('tenant'));
UPDATE app.approval_chains SET is_active = false WHERE approval_type = 'supplier_selection';
SELECT results_eq($$SELECT approval_chain_id, chain_name, step, role, approver_id FROM app.approval_route('supplier_selection')$$,
  $$VALUES (NULL::uuid, NULL::text, 1, 'management', tests.recall('management'))$$,
  'fallback route: no chain, one step for the first fallback role');
DELETE FROM app.approval_fallbacks;
SELECT is(tests.refusal($$SELECT * FROM app.approval_route('supplier_selection')$$), 'PT409 approval.no_route',
  'fallback route: no chain and no fallback role is refused');
SELECT is((SELECT approver_id FROM app.approval_route('po_approval', '{}', tests.recall('procurement'))), NULL,
  'no approver: the route shows nobody when only the requester holds the role and no fallback is left');
SELECT tests.act_as_owner();
SELECT is(tests.refusal(format($$SELECT app_private.resolve_approver(%L, '{"role": "procurement"}', %L)$$,
                               tests.recall('tenant'), tests.recall('procurement'))),
  'PT409 approval.no_approver', 'no approver: routing refuses it');

-- SLA policies: the tenant's row, else the platform default, else refused.
DELETE FROM app.approval_policies
 WHERE organization_id = tests.recall('tenant') AND approval_type = 'technical_review' AND priority = 'low';
SELECT is((app_private.approval_policy_of(tests.recall('tenant'), 'technical_review', 'low')).sla_hours, 96,
  'policy: the platform default stands in for a missing tenant policy');
DELETE FROM app_private.default_approval_policies WHERE approval_type = 'technical_review' AND priority = 'low';
SELECT is(tests.refusal(format($$SELECT app_private.sla_due_at(%L, 'technical_review', 'low')$$, tests.recall('tenant'))),
  'PT409 approval.no_policy', 'policy: neither is refused');

-- Who may ask, and what.
SELECT tests.act_as(tests.recall('qa'), tests.recall('tenant'));
SELECT is(tests.refusal($$SELECT * FROM app.approval_route('po_approval', '[]')$$), 'PT422 approval.facts_not_object',
  'facts: an object');
SELECT is(tests.refusal($$SELECT * FROM app.approval_route('po_approval', '{"colour": "red"}')$$), 'PT422 input.unknown_key',
  'facts: known names only');
SELECT is(tests.refusal($$SELECT * FROM app.approval_route('po_approval', '{"priority": "asap"}')$$), 'PT422 approval.unknown_priority',
  'facts: a known priority');
SELECT tests.remember('partner', tests.create_partner(tests.recall('tenant')));
SELECT tests.act_as(tests.create_member(tests.recall('tenant'), 'customer_portal', NULL, tests.recall('partner')), tests.recall('tenant'));
SELECT is(tests.refusal($$SELECT * FROM app.approval_route('po_approval')$$), 'PT403 approval.route_staff_only',
  'callers: not a portal user');
SELECT tests.act_as(tests.create_member(tests.recall('tenant')), tests.recall('tenant'));
SELECT is(tests.refusal($$SELECT * FROM app.approval_route('po_approval')$$), 'PT403 permission.missing',
  'callers: not a member without project.read');
SELECT tests.act_as_anon();
SELECT is(tests.refusal($$SELECT * FROM app.approval_route('po_approval')$$), '42501',
  'callers: not an anonymous caller');

SELECT * FROM finish();
ROLLBACK;
