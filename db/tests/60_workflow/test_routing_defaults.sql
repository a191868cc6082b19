-- Routing defaults are data (issue #11, item 4): a new tenant gets a copy of
-- the platform defaults (app_private.default_*); its admins change SLAs,
-- chains and fallback roles through the API and the next approval follows;
-- another tenant keeps its own; members without workflow.manage change
-- nothing.
BEGIN;
SELECT plan(39);

SELECT tests.remember('tenant', tests.create_tenant());
SELECT tests.remember('other', tests.create_tenant());
SELECT tests.remember('admin', tests.create_member(tests.recall('tenant'), 'admin'));
SELECT tests.remember('qa', tests.create_member(tests.recall('tenant'), 'qa'));
SELECT tests.remember('logistics', tests.create_member(tests.recall('tenant'), 'logistics'));
SELECT tests.remember('finance', tests.create_member(tests.recall('tenant'), 'finance'));
SELECT tests.remember('uploader', tests.create_member(tests.recall('tenant'), 'engineering'));

-- Provisioning: one AFTER INSERT trigger provisions every domain, and the
-- tenant's rules are a copy of the platform defaults.
SELECT is(ARRAY(SELECT t.tgname::text FROM pg_trigger AS t
                 WHERE t.tgrelid = 'app.organizations'::regclass AND NOT t.tgisinternal
                   AND (t.tgtype & 4) <> 0 AND (t.tgtype & 2) = 0 AND t.tgname < '_700' ORDER BY 1),
          ARRAY['_500_provision'], 'provisioning: one AFTER INSERT effect on organizations (audit aside)');
SELECT results_eq(
  $$SELECT approval_type::text, priority::text, sla_hours, requires_signature FROM app.approval_policies
     WHERE organization_id = tests.recall('tenant') ORDER BY 1, 2$$,
  $$SELECT approval_type::text, priority::text, sla_hours, requires_signature FROM app_private.default_approval_policies ORDER BY 1, 2$$,
  'provisioning: the tenant gets the platform SLAs and signature rules');
SELECT results_eq(
  $$SELECT chain_name, approval_type::text, rank, conditions, steps, is_active FROM app.approval_chains
     WHERE organization_id = tests.recall('tenant') ORDER BY 1$$,
  $$SELECT chain_name, approval_type::text, rank, conditions, steps, true FROM app_private.default_approval_chains ORDER BY 1$$,
  'provisioning: the tenant gets the platform chains');
SELECT results_eq(
  $$SELECT position, role_key FROM app.approval_fallbacks WHERE organization_id = tests.recall('tenant') ORDER BY 1$$,
  $$SELECT position, role_key FROM app_private.default_approval_fallbacks ORDER BY 1$$,
  'provisioning: the tenant gets the platform fallback roles');
SELECT results_eq(
  $$SELECT category::text, is_regulated, retention_years FROM app.document_category_settings
     WHERE organization_id = tests.recall('tenant') ORDER BY 1$$,
  $$SELECT category::text, is_regulated, retention_years FROM app_private.default_document_category_settings ORDER BY 1$$,
  'provisioning: the tenant gets the platform document rules');

-- The defaults are read when a tenant is provisioned, not restated in code.
UPDATE app_private.default_approval_policies SET sla_hours = 7 WHERE approval_type = 'quote_approval' AND priority = 'urgent';
DELETE FROM app_private.default_approval_fallbacks WHERE role_key = 'admin';
INSERT INTO app_private.default_approval_chains (chain_name, approval_type, rank, conditions, steps)
VALUES ('Quote approval, urgent', 'quote_approval', 5, '{"priority": {"eq": "urgent"}}', '[{"role": "finance"}]');
SELECT tests.remember('later', tests.create_tenant());
SELECT is((SELECT sla_hours FROM app.approval_policies
            WHERE organization_id = tests.recall('later') AND approval_type = 'quote_approval' AND priority = 'urgent'), 7,
  'provisioning: a changed default SLA reaches tenants created after the change');
SELECT is(ARRAY(SELECT role_key FROM app.approval_fallbacks WHERE organization_id = tests.recall('later') ORDER BY position),
          ARRAY['management'], 'provisioning: so do changed default fallback roles');
SELECT ok(EXISTS (SELECT FROM app.approval_chains WHERE organization_id = tests.recall('later') AND chain_name = 'Quote approval, urgent'),
  'provisioning: and a new default chain');
SELECT is((SELECT sla_hours FROM app.approval_policies
            WHERE organization_id = tests.recall('tenant') AND approval_type = 'quote_approval' AND priority = 'urgent'), 8,
  'provisioning: tenants that exist keep their own copy');

-- A tenant admin changes the SLA, a chain and the fallback roles through the API role.
SELECT tests.act_as(tests.recall('admin'), tests.recall('tenant'));
WITH p AS (INSERT INTO app.projects (title) VALUES ('Routing defaults') RETURNING id)
SELECT tests.remember('project', id) FROM p;
WITH u AS (UPDATE app.approval_policies SET sla_hours = 5, requires_signature = false
            WHERE approval_type = 'quality_review' AND priority = 'normal' RETURNING 1)
SELECT is(count(*)::int, 1, 'admin: changes an SLA through the API') FROM u;
WITH u AS (UPDATE app.approval_chains SET steps = '[{"role": "logistics"}, {"role": "finance"}]'
            WHERE chain_name = 'Quality review' RETURNING 1)
SELECT is(count(*)::int, 1, 'admin: changes a chain through the API') FROM u;

-- The next approval follows: a regulated drawing opens a quality review.
SELECT tests.act_as(tests.recall('uploader'), tests.recall('tenant'));
SELECT is(ARRAY(SELECT approver_id FROM app.approval_route('quality_review', '{"document_category": "drawing"}') ORDER BY step),
          ARRAY[tests.recall('logistics'), tests.recall('finance')], 'route: shows the changed chain, step by step');
SELECT tests.remember('first', (tests.upload_document(tests.recall('project'), 'Bracket', 'drawing', 'pdf', repeat('a', 64), 100,
                                                    'application/pdf')).id);
SELECT tests.act_as_owner();
SELECT is((SELECT current_approver_id FROM app.approvals WHERE entity_id = tests.recall('first')), tests.recall('logistics'),
  'next approval: routed by the changed chain');
SELECT is((SELECT steps FROM app.approvals WHERE entity_id = tests.recall('first')), '[{"role": "logistics"}, {"role": "finance"}]'::jsonb,
  'next approval: carries the changed steps');
SELECT is((SELECT sla_due_at FROM app.approvals WHERE entity_id = tests.recall('first')), now() + interval '5 hours',
  'next approval: due after the changed SLA');
SELECT is((SELECT requires_signature FROM app.approvals WHERE entity_id = tests.recall('first')), false,
  'next approval: follows the changed signature rule');

-- Fallback roles: finance first; a step whose role nobody holds goes to it.
SELECT tests.act_as(tests.recall('admin'), tests.recall('tenant'));
UPDATE app.approval_fallbacks SET position = 3 WHERE role_key = 'management';
SELECT lives_ok($$INSERT INTO app.approval_fallbacks (position, role_key) VALUES (1, 'finance')$$,
  'admin: adds a fallback role through the API');
UPDATE app.approval_chains SET steps = '[{"role": "production"}]' WHERE chain_name = 'Quality review';
SELECT tests.act_as(tests.recall('uploader'), tests.recall('tenant'));
SELECT tests.remember('second', (tests.upload_document(tests.recall('project'), 'Housing', 'drawing', 'pdf', repeat('b', 64), 100,
                                                     'application/pdf')).id);
SELECT tests.act_as_owner();
SELECT is((SELECT current_approver_id FROM app.approvals WHERE entity_id = tests.recall('second')), tests.recall('finance'),
  'next approval: the first fallback role with a holder stands in for a role nobody holds');
SELECT is(app_private.decide_refusal(tests.recall('tenant'), '{"role": "qa"}', tests.recall('uploader'), tests.recall('finance')),
  NULL, 'fallback: a holder of a fallback role may decide any step');
SELECT tests.act_as(tests.recall('admin'), tests.recall('tenant'));
DELETE FROM app.approval_fallbacks WHERE role_key = 'finance';
SELECT tests.act_as_owner();
SELECT is(app_private.decide_refusal(tests.recall('tenant'), '{"role": "qa"}', tests.recall('uploader'), tests.recall('finance')),
  'approval.approver_lacks_role', 'fallback: once removed, finance decides only its own steps');

-- No chain matches: the first fallback role decides, without a chain.
SELECT tests.act_as(tests.recall('admin'), tests.recall('tenant'));
UPDATE app.approval_chains SET is_active = false WHERE approval_type = 'quality_review';
SELECT lives_ok($$INSERT INTO app.approval_fallbacks (position, role_key) VALUES (1, 'logistics')$$,
  'admin: makes logistics the first fallback role');
SELECT tests.act_as(tests.recall('uploader'), tests.recall('tenant'));
SELECT tests.remember('third', (tests.upload_document(tests.recall('project'), 'Cover', 'drawing', 'pdf', repeat('c', 64), 100,
                                                    'application/pdf')).id);
SELECT tests.act_as_owner();
SELECT results_eq($$SELECT approval_chain_id, steps, current_approver_id FROM app.approvals WHERE entity_id = tests.recall('third')$$,
  $$VALUES (NULL::uuid, '[{"role": "logistics"}]'::jsonb, tests.recall('logistics'))$$,
  'next approval: with no matching chain, the first fallback role decides');

-- Checks on what an admin writes.
SELECT tests.act_as(tests.recall('admin'), tests.recall('tenant'));
SELECT is(tests.refusal($$INSERT INTO app.approval_fallbacks (position, role_key) VALUES (2, 'no_such_role')$$),
  'PT422 approval_fallback.unknown_role', 'admin: a fallback names a role of the tenant');
SELECT is(tests.refusal(format($$INSERT INTO app.approval_fallbacks (organization_id, position, role_key) VALUES (%L, 2, 'qa')$$,
                               tests.recall('other'))),
  '42501 tenant.foreign_row', 'admin: not a fallback for another tenant');
SELECT is(tests.refusal($$UPDATE app.approval_chains SET steps = '[{"role": "no_such_role"}]' WHERE chain_name = 'PO approval'$$),
  'PT422 approval_chain.unknown_role', 'admin: a chain step names a role of the tenant');
SELECT is(tests.refusal($$UPDATE app.approval_chains SET steps = '[{"role": "qa", "user_id": "x"}]' WHERE chain_name = 'PO approval'$$),
  'PT422 approval_chain.step_shape', 'admin: a step names a role or a user, not both');
SELECT is(tests.refusal(format($$UPDATE app.approval_chains SET steps = '[{"user_id": "%s"}]' WHERE chain_name = 'PO approval'$$,
                               gen_random_uuid())),
  'PT422 approval_chain.step_user_not_member', 'admin: a step''s user is an active member');
SELECT is(tests.refusal($$UPDATE app.approval_chains SET conditions = '{"po_value": 5}' WHERE chain_name = 'PO approval'$$),
  'PT422 approval_chain.condition_not_object', 'admin: a condition is an object of operators');
SELECT is(tests.refusal($$UPDATE app.approval_chains SET conditions = '{"po_value": {"gt": "5"}}' WHERE chain_name = 'PO approval'$$),
  'PT422 approval_chain.operand_type', 'admin: gt compares with a number');
SELECT is(tests.refusal(format($$INSERT INTO app.approver_backups (user_id, backup_user_id) VALUES (%L, %L)$$,
                               tests.recall('qa'), tests.create_user())),
  'PT422 approver_backup.not_member', 'backups: the backup is an active member');

-- Members without workflow.manage change nothing.
SELECT tests.act_as(tests.recall('qa'), tests.recall('tenant'));
SELECT ok((SELECT count(*) FROM app.approval_fallbacks) > 0, 'non-admin: reads the fallback roles');
WITH u AS (UPDATE app.approval_policies SET sla_hours = 1 RETURNING 1)
SELECT is(count(*)::int, 0, 'non-admin: changes no SLA') FROM u;
WITH u AS (UPDATE app.approval_chains SET is_active = true RETURNING 1)
SELECT is(count(*)::int, 0, 'non-admin: changes no chain') FROM u;
WITH d AS (DELETE FROM app.approval_fallbacks RETURNING 1)
SELECT is(count(*)::int, 0, 'non-admin: removes no fallback role') FROM d;
SELECT is(tests.refusal($$INSERT INTO app.approval_fallbacks (position, role_key) VALUES (1, 'no_such_role')$$),
  'PT403 permission.missing', 'non-admin: adds no fallback role, and is told so before the row is looked at');

-- Portal users and other tenants read none of them.
SELECT tests.remember('partner', tests.create_partner(tests.recall('tenant')));
SELECT tests.act_as(tests.create_member(tests.recall('tenant'), 'customer_portal', NULL, tests.recall('partner')), tests.recall('tenant'));
SELECT is_empty($$SELECT 1 FROM app.approval_fallbacks$$, 'portal: reads no fallback role');
SELECT tests.act_as(tests.recall('admin'), tests.recall('tenant'));
SELECT is_empty(format($$SELECT 1 FROM app.approval_fallbacks WHERE organization_id = %L$$, tests.recall('other')),
  'admin: reads no fallback role of another tenant');

SELECT tests.act_as(tests.create_operator());
SELECT isnt_empty(format($$SELECT 1 FROM app.approval_fallbacks WHERE organization_id = %L$$, tests.recall('other')),
  'operator: platform operators read every tenant''s fallback roles');

-- The other tenant keeps the platform defaults throughout.
SELECT tests.act_as_owner();
SELECT results_eq(
  $$SELECT (SELECT sla_hours FROM app.approval_policies
             WHERE organization_id = tests.recall('other') AND approval_type = 'quality_review' AND priority = 'normal'),
           (SELECT steps FROM app.approval_chains WHERE organization_id = tests.recall('other') AND chain_name = 'Quality review'),
           (SELECT is_active FROM app.approval_chains WHERE organization_id = tests.recall('other') AND chain_name = 'Quality review'),
           ARRAY(SELECT role_key FROM app.approval_fallbacks WHERE organization_id = tests.recall('other') ORDER BY position)$$,
  $$VALUES (48, '[{"role": "qa"}]'::jsonb, true, ARRAY['management', 'admin'])$$,
  'other tenant: its SLA, chain and fallback roles are unchanged');

SELECT * FROM finish();
ROLLBACK;
