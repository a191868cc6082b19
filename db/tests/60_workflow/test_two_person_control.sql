-- Two-person control (issue #14, item 3): a chain never has the same
-- person decide two steps, nor decide their own request; enforced at
-- routing, reassign, delegate, escalation and the decision itself. When a
-- step has no eligible approver the tenant's approval_settings refuse the
-- request (PT409 approval.no_approver) or route it to a named backup
-- approver, who must be eligible too. One staffed tenant of its own.
BEGIN;
SELECT plan(32);

SELECT tests.remember('t', tests.create_workflow_tenant());
SELECT tests.remember('management', tests.member_with_role(tests.recall('t'), 'management'));
SELECT tests.remember('admin', tests.member_with_role(tests.recall('t'), 'admin'));
SELECT tests.remember('qa', tests.member_with_role(tests.recall('t'), 'qa'));
SELECT tests.remember('sales', tests.member_with_role(tests.recall('t'), 'sales'));
SELECT tests.remember('finance', tests.member_with_role(tests.recall('t'), 'finance'));
SELECT tests.remember('auditor', tests.member_with_role(tests.recall('t'), 'auditor'));
SELECT tests.remember('portal', tests.member_with_role(tests.recall('t'), 'customer_portal'));

-- The rule (read as the owner: app_private is no API).
SELECT is(app_private.decide_refusal(tests.recall('t'), '{"role": "management"}', tests.recall('qa'), tests.recall('management'),
                                     ARRAY[tests.recall('management')]),
  'approval.already_decided_in_chain', 'rule: who decided an earlier step may not decide another, whatever role they hold');

-- The CTQ failure: qa, the only qa, asks for the quality review of a build
-- with failed critical-to-quality checks (chain qa, then management). Step 1
-- falls back to management, so step 2 must go to someone else: the admin.
SELECT tests.act_as(tests.recall('qa'), tests.recall('t'));
SELECT is(ARRAY(SELECT approver_id FROM app.approval_route('quality_review', '{"ctq_failures": 2}') ORDER BY step),
  ARRAY[tests.recall('management'), tests.recall('admin')],
  'route: the CTQ-failure review is decided by two different people (management for qa, then the admin for management)');
SELECT tests.act_as_owner();

SELECT tests.remember('project', tests.create_project(tests.recall('t'), tests.recall('sales')));
SELECT tests.drive_project(tests.recall('project'), 'production');
SELECT tests.remember('ctq', tests.request_approval(tests.recall('project'), 'quality-testing', tests.recall('qa'),
                                                    '{"ctq_failures": 2}'));
SELECT is((SELECT current_approver_id FROM app.approvals WHERE id = tests.recall('ctq')), tests.recall('management'),
  'request: step 1 (qa, held only by the requester) goes to management');
SELECT tests.approve(tests.recall('ctq'));
SELECT is((SELECT (current_step, current_approver_id)::text FROM app.approvals WHERE id = tests.recall('ctq')),
  (2, tests.recall('admin'))::text, 'request: step 2 (management) goes to the admin, not to management again');

-- Decide: management, made current approver behind the routing's back, still cannot decide step 2.
UPDATE app.approvals SET current_approver_id = tests.recall('management') WHERE id = tests.recall('ctq');
SELECT tests.act_as(tests.recall('management'), tests.recall('t'));
SELECT is(tests.refusal(format($$SELECT app.decide_approval(%L, 'approve', 'again')$$, tests.recall('ctq'))),
  'PT403 approval.already_decided_in_chain', 'decide: who approved step 1 cannot approve step 2');
SELECT tests.act_as_owner();
UPDATE app.approvals SET current_approver_id = tests.recall('admin') WHERE id = tests.recall('ctq');

-- Reassign: neither the approver nor a manager hands step 2 to step 1's decider.
SELECT tests.act_as(tests.recall('admin'), tests.recall('t'));
SELECT is(tests.refusal(format($$SELECT app.reassign_approval(%L, %L)$$, tests.recall('ctq'), tests.recall('management'))),
  'PT403 approval.already_decided_in_chain', 'reassign: not to who approved step 1');
SELECT tests.act_as(tests.recall('management'), tests.recall('t'));
SELECT is(tests.refusal(format($$SELECT app.reassign_approval(%L, %L)$$, tests.recall('ctq'), tests.recall('management'))),
  'PT403 approval.already_decided_in_chain', 'reassign: management (approval.manage) cannot take it back either');

-- Delegate: the admin's backup is management.
SELECT tests.act_as_owner();
INSERT INTO app.approver_backups (organization_id, user_id, backup_user_id)
VALUES (tests.recall('t'), tests.recall('admin'), tests.recall('management'));
SELECT tests.act_as(tests.recall('admin'), tests.recall('t'));
SELECT is(tests.refusal(format($$SELECT app.delegate_approval(%L)$$, tests.recall('ctq'))),
  'PT403 approval.already_decided_in_chain', 'delegate: not to a backup who approved step 1');

-- Escalate: past its SLA, the first escalation passes over that backup.
SELECT tests.act_as_owner();
UPDATE app.approvals SET sla_due_at = now() - interval '1 hour' WHERE id = tests.recall('ctq');
SELECT is(app_private.escalate_overdue_approvals(tests.recall('t')), 1, 'escalate: the overdue step escalates');
SELECT is((SELECT current_approver_id FROM app.approvals WHERE id = tests.recall('ctq')), tests.recall('admin'),
  'escalate: the backup who approved step 1 is passed over');
SELECT is((SELECT count(*)::int FROM app.approval_history WHERE approval_id = tests.recall('ctq') AND action_type = 'reassign'), 0,
  'escalate: no hand-over is recorded');

SELECT tests.approve(tests.recall('ctq'));
SELECT is((SELECT (status, decided_by)::text FROM app.approvals WHERE id = tests.recall('ctq')), ('approved', tests.recall('admin'))::text,
  'the review is approved by a second person');
SELECT is((SELECT count(DISTINCT action_by)::int FROM app.approval_history WHERE approval_id = tests.recall('ctq') AND action_type = 'approve'), 2,
  'trail: two steps, two different deciders');

-- The only finance member asks for approval of a large quote (sales,
-- finance, management): step 2 falls back to management, so step 3
-- (management) goes to the admin.
SELECT tests.act_as(tests.recall('finance'), tests.recall('t'));
SELECT is(ARRAY(SELECT approver_id FROM app.approval_route('quote_approval', '{"quote_value": 60000}') ORDER BY step),
  ARRAY[tests.recall('sales'), tests.recall('management'), tests.recall('admin')],
  'route: a sole holder who requests is replaced, and the stand-in does not decide twice');

-- Without the admin fallback nobody eligible is left for step 3: the tenant
-- refuses by default, up front, rather than after two steps.
SELECT tests.act_as(tests.recall('admin'), tests.recall('t'));
DELETE FROM app.approval_fallbacks WHERE role_key = 'admin';
SELECT tests.act_as(tests.recall('finance'), tests.recall('t'));
SELECT is(ARRAY(SELECT approver_id FROM app.approval_route('quote_approval', '{"quote_value": 60000}') ORDER BY step),
  ARRAY[tests.recall('sales'), tests.recall('management'), NULL],
  'route: step 3 has no eligible approver');
SELECT tests.act_as_owner();
SELECT is((SELECT when_no_approver FROM app.approval_settings WHERE organization_id = tests.recall('t')), 'refuse',
  'settings: a new tenant refuses by default (the platform default)');
SELECT tests.remember('quote', tests.create_project(tests.recall('t'), tests.recall('sales'), p_quote_value => 60000));
SELECT tests.drive_project(tests.recall('quote'), 'quoted');
SELECT is(tests.refusal(format($$SELECT tests.request_approval(%L, 'internal-approval', %L)$$,
                               tests.recall('quote'), tests.recall('finance'))),
  'PT409 approval.no_approver', 'request: refused when a step has no eligible approver');
SELECT is((SELECT count(*)::int FROM app.approvals WHERE project_id = tests.recall('quote') AND approval_type = 'quote_approval'), 0,
  'request: nothing is opened');

-- Who reads the settings: staff with project.read, platform operators;
-- not portal users, not another tenant's admin.
SELECT tests.act_as(tests.recall('sales'), tests.recall('t'));
SELECT is((SELECT when_no_approver FROM app.approval_settings), 'refuse', 'settings: staff read their tenant''s');
SELECT tests.act_as(tests.recall('portal'), tests.recall('t'));
SELECT is_empty($$SELECT 1 FROM app.approval_settings$$, 'settings: portal users read none');
SELECT tests.act_as_owner();
SELECT tests.remember('other', tests.create_tenant());
SELECT tests.act_as(tests.create_member(tests.recall('other'), 'admin'), tests.recall('other'));
SELECT is_empty(format($$SELECT 1 FROM app.approval_settings WHERE organization_id = %L$$, tests.recall('t')),
  'settings: another tenant''s admin reads none of them');
SELECT tests.act_as(tests.create_operator());
SELECT isnt_empty(format($$SELECT 1 FROM app.approval_settings WHERE organization_id = %L$$, tests.recall('t')),
  'settings: platform operators read every tenant''s');

-- The tenant routes to a named backup approver instead (the auditor).
SELECT tests.act_as(tests.recall('sales'), tests.recall('t'));
UPDATE app.approval_settings SET when_no_approver = 'backup', backup_approver_id = tests.recall('sales');
SELECT tests.act_as_owner();
SELECT is((SELECT when_no_approver FROM app.approval_settings WHERE organization_id = tests.recall('t')), 'refuse',
  'settings: staff without workflow.manage cannot change them');
SELECT tests.act_as(tests.recall('admin'), tests.recall('t'));
SELECT is(tests.refusal($$UPDATE app.approval_settings SET when_no_approver = 'backup'$$),
  'PT422 approval_settings.backup_required', 'settings: the backup route needs a backup approver');
SELECT is(tests.refusal(format($$UPDATE app.approval_settings SET backup_approver_id = %L$$, tests.recall('portal'))),
  'PT422 approval_settings.backup_not_staff', 'settings: a portal user cannot be the backup approver');
UPDATE app.approval_settings SET when_no_approver = 'backup', backup_approver_id = tests.recall('auditor');
SELECT tests.act_as(tests.recall('finance'), tests.recall('t'));
SELECT is(ARRAY(SELECT approver_id FROM app.approval_route('quote_approval', '{"quote_value": 60000}') ORDER BY step),
  ARRAY[tests.recall('sales'), tests.recall('management'), tests.recall('auditor')],
  'route: step 3 goes to the backup approver');
SELECT tests.remember('large', tests.request_approval(tests.recall('quote'), 'internal-approval', tests.recall('finance')));
SELECT tests.approve(tests.recall('large'));
SELECT tests.approve(tests.recall('large'));
SELECT is((SELECT (current_step, current_approver_id)::text FROM app.approvals WHERE id = tests.recall('large')),
  (3, tests.recall('auditor'))::text, 'request: step 3 is decided by the backup approver');
SELECT tests.approve(tests.recall('large'));
SELECT is((SELECT status::text FROM app.approvals WHERE id = tests.recall('large')), 'approved',
  'the backup approver decides (holding no role of the chain)');

-- The backup must be eligible: a backup who requested is no way out.
SELECT tests.act_as(tests.recall('admin'), tests.recall('t'));
UPDATE app.approval_settings SET backup_approver_id = tests.recall('finance');
SELECT tests.act_as(tests.recall('finance'), tests.recall('t'));
SELECT is(ARRAY(SELECT approver_id FROM app.approval_route('quote_approval', '{"quote_value": 60000}') ORDER BY step),
  ARRAY[tests.recall('sales'), tests.recall('management'), NULL],
  'route: a backup approver who is the requester is not eligible');
SELECT tests.act_as_owner();
SELECT is(app_private.decide_refusal(tests.recall('t'), '{"role": "management"}', tests.recall('finance'), tests.recall('finance')),
  'approval.requester_cannot_decide', 'rule: the backup approver may not decide their own request');

-- A backup approver who decided an earlier step is not eligible either.
SELECT is(app_private.find_approver(tests.recall('t'), '{"role": "management"}', tests.recall('sales'),
                                    ARRAY[tests.recall('management'), tests.recall('finance')]),
  NULL, 'route: a backup approver who decided an earlier step is passed over');
SELECT is(app_private.decide_refusal(tests.recall('t'), '{"role": "management"}', tests.recall('sales'), tests.recall('auditor')),
  'approval.approver_lacks_role', 'rule: someone who is no longer the backup approver lacks the role again');

SELECT * FROM finish();
ROLLBACK;
