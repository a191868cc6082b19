-- Who may decide an approval (issue #19, finding 2): never its requester,
-- never a portal user, only someone holding the step's role (management and
-- admin stand in). One rule, app_private.decide_refusal, checked on every
-- path: routing, reassign, delegate, escalation to a backup, and the
-- decision itself. One staffed tenant of its own.
BEGIN;
SELECT plan(21);

SELECT tests.remember('t', tests.create_workflow_tenant());
SELECT tests.remember('management', tests.member_with_role(tests.recall('t'), 'management'));
SELECT tests.remember('qa', tests.member_with_role(tests.recall('t'), 'qa'));
SELECT tests.remember('engineering', tests.member_with_role(tests.recall('t'), 'engineering'));
SELECT tests.remember('portal', tests.member_with_role(tests.recall('t'), 'customer_portal'));
SELECT tests.remember('admin', tests.member_with_role(tests.recall('t'), 'admin'));

-- The issue's reproduction: management uploads a drawing; the regulated
-- category opens a quality review, routed to qa.
SELECT tests.remember('project', tests.create_project(tests.recall('t'), tests.recall('management')));
SELECT tests.act_as(tests.recall('management'), tests.recall('t'));
SELECT tests.remember('version', (tests.upload_document(tests.recall('project'), 'Bracket drawing', 'drawing', 'pdf',
                                                      repeat('a', 64), 100, 'application/pdf')).id);
SELECT tests.remember('approval', (SELECT id FROM app.approvals WHERE entity_id = tests.recall('version')));
SELECT is((SELECT current_approver_id FROM app.approvals WHERE id = tests.recall('approval')), tests.recall('qa'),
  'route: the quality review of management''s drawing goes to qa');

-- The rule itself (read as the owner: app_private is no API)
SELECT tests.act_as_owner();
SELECT is(app_private.decide_refusal(tests.recall('t'), '{"role": "qa"}', tests.recall('management'), tests.recall('management')),
  'approval.requester_cannot_decide', 'rule: the requester may not decide, management role or not');
SELECT is(app_private.decide_refusal(tests.recall('t'), '{"role": "qa"}', tests.recall('management'), tests.recall('engineering')),
  'approval.approver_lacks_role', 'rule: nor someone without the step''s role');
SELECT is(app_private.decide_refusal(tests.recall('t'), '{"role": "customer_portal"}', tests.recall('management'), tests.recall('portal')),
  'approval.portal_user_cannot_decide', 'rule: nor a portal user, whatever role the step names');
SELECT is(app_private.decide_refusal(tests.recall('t'), '{"role": "qa"}', tests.recall('management'), tests.create_user()),
  'approval.approver_not_member', 'rule: nor someone who is no member of the tenant');
SELECT is(app_private.decide_refusal(tests.recall('t'), '{"role": "qa"}', tests.recall('management'), tests.recall('admin')),
  NULL, 'rule: an admin stands in for any role');

-- Routing: a chain step naming the requester falls through to a stand-in.
SELECT isnt(app_private.resolve_approver(tests.recall('t'), jsonb_build_object('user_id', tests.recall('management')), tests.recall('management')),
  tests.recall('management'), 'route: a step naming the requester is not routed to them');

-- Reassign
SELECT tests.act_as(tests.recall('management'), tests.recall('t'));
SELECT is(tests.refusal(format($$SELECT app.reassign_approval(%L, %L)$$, tests.recall('approval'), tests.recall('management'))),
  'PT403 approval.requester_cannot_decide', 'reassign: the requester cannot hand the approval to themselves');
SELECT is(tests.refusal(format($$SELECT app.reassign_approval(%L, %L)$$, tests.recall('approval'), tests.recall('engineering'))),
  'PT403 approval.approver_lacks_role', 'reassign: not to someone without the step''s role');
SELECT is(tests.refusal(format($$SELECT app.reassign_approval(%L, %L)$$, tests.recall('approval'), tests.recall('portal'))),
  'PT403 approval.portal_user_cannot_decide', 'reassign: not to a portal user');

-- Backups: management (approval.manage) may name themselves qa's backup, but
-- neither delegation nor escalation then hands them their own request.
INSERT INTO app.approver_backups (user_id, backup_user_id) VALUES (tests.recall('qa'), tests.recall('management'));
SELECT tests.act_as(tests.recall('qa'), tests.recall('t'));
SELECT is(tests.refusal(format($$SELECT app.delegate_approval(%L)$$, tests.recall('approval'))),
  'PT403 approval.requester_cannot_decide', 'delegate: not to a backup who requested the approval');
SELECT tests.act_as(tests.recall('management'), tests.recall('t'));
UPDATE app.approver_backups SET backup_user_id = tests.recall('engineering') WHERE user_id = tests.recall('qa');
SELECT tests.act_as(tests.recall('qa'), tests.recall('t'));
SELECT is(tests.refusal(format($$SELECT app.delegate_approval(%L)$$, tests.recall('approval'))),
  'PT403 approval.approver_lacks_role', 'delegate: not to a backup without the step''s role');

SELECT tests.act_as(tests.recall('management'), tests.recall('t'));
UPDATE app.approver_backups SET backup_user_id = tests.recall('management') WHERE user_id = tests.recall('qa');
SELECT tests.act_as_owner();
UPDATE app.approvals SET sla_due_at = now() - interval '1 hour' WHERE id = tests.recall('approval');
SELECT tests.act_as(tests.recall('management'), tests.recall('t'));
SELECT is(app.escalate_overdue_approvals(), 1, 'escalate: the overdue review escalates');
SELECT is((SELECT current_approver_id FROM app.approvals WHERE id = tests.recall('approval')), tests.recall('qa'),
  'escalate: the requester, though qa''s backup, is passed over');
SELECT is((SELECT count(*)::int FROM app.approval_history WHERE approval_id = tests.recall('approval') AND action_type = 'reassign'), 0,
  'escalate: no hand-over is recorded');

-- Decide: even a requester who somehow became current approver cannot decide.
SELECT tests.act_as_owner();
UPDATE app.approvals SET current_approver_id = tests.recall('management') WHERE id = tests.recall('approval');
SELECT tests.act_as(tests.recall('management'), tests.recall('t'));
SELECT is(tests.refusal(format($$SELECT app.decide_approval(%L, 'approve', 'self')$$, tests.recall('approval'))),
  'PT403 approval.requester_cannot_decide', 'decide: the requester cannot decide, even as current approver');
SELECT tests.act_as_owner();
UPDATE app.approvals SET current_approver_id = tests.recall('engineering') WHERE id = tests.recall('approval');
SELECT tests.act_as(tests.recall('engineering'), tests.recall('t'));
SELECT is(tests.refusal(format($$SELECT app.decide_approval(%L, 'approve', 'ok')$$, tests.recall('approval'))),
  'PT403 approval.approver_lacks_role', 'decide: nor someone without the step''s role');
SELECT tests.act_as_owner();
SELECT is((SELECT status::text FROM app.approvals WHERE id = tests.recall('approval')), 'pending', 'decide: the refusals changed nothing');

-- The legitimate paths still work: management hands it to an admin, who decides.
SELECT tests.act_as(tests.recall('management'), tests.recall('t'));
SELECT is((app.reassign_approval(tests.recall('approval'), tests.recall('admin'), 'stand in')).current_approver_id,
  tests.recall('admin'), 'reassign: to an admin standing in for qa');
SELECT tests.act_as(tests.recall('admin'), tests.recall('t'));
SELECT is((app.decide_approval(tests.recall('approval'), 'approve', 'Checked', NULL,
                               CASE WHEN (SELECT requires_signature FROM app.approvals WHERE id = tests.recall('approval')) THEN 'reviewed' END,
                               CASE WHEN (SELECT requires_signature FROM app.approvals WHERE id = tests.recall('approval')) THEN tests.password() END)).status::text,
  'approved', 'decide: the admin approves');
SELECT is((SELECT approved_by FROM app.document_versions WHERE id = tests.recall('version')), tests.recall('admin'),
  'decide: the version is approved by the admin, not by its uploader');

SELECT * FROM finish();
ROLLBACK;
