-- Deadlines of open approvals (issue #14, items 5 and 8): the approver of
-- each step is reminded once at the tenant's share of the SLA (75 % by
-- default), by the job remind-approvers; an approval still open at the
-- tenant's hard deadline (30 days by default) becomes expired by the job
-- expire-approvals, can no longer be decided (PT409 approval.expired), and
-- leaves its sub-stage blocked until a new request. Both jobs take the
-- moment as an argument. One staffed tenant of its own.
BEGIN;
SELECT plan(30);

SELECT tests.remember('t', tests.create_workflow_tenant());
SELECT tests.remember('management', tests.member_with_role(tests.recall('t'), 'management'));
SELECT tests.remember('engineering', tests.member_with_role(tests.recall('t'), 'engineering'));
SELECT tests.remember('qa', tests.member_with_role(tests.recall('t'), 'qa'));
SELECT tests.remember('admin', tests.member_with_role(tests.recall('t'), 'admin'));

SELECT is(ARRAY(SELECT name FROM app_private.jobs() WHERE name IN ('remind-approvers', 'expire-approvals') ORDER BY name),
  ARRAY['expire-approvals', 'remind-approvers'], 'jobs: reminders and expiry are scheduled jobs');

-- A critical-to-quality technical review: engineering, then qa; normal
-- priority, so a 48 h SLA per step.
SELECT tests.remember('project', tests.create_project(tests.recall('t'), p_risk_flags => '{critical_to_quality}'));
SELECT tests.drive_project(tests.recall('project'), 'technical-review');
SELECT tests.remember('review', tests.request_approval(tests.recall('project'), 'engineering-review', tests.recall('management')));
SELECT is((SELECT (current_approver_id, remind_at, expires_at)::text FROM app.approvals WHERE id = tests.recall('review')),
  (tests.recall('engineering'), now() + interval '36 hours', now() + interval '720 hours')::text,
  'request: reminded at 75 % of the 48 h SLA, expiring after 30 days (the platform defaults)');

-- Reminders: once per step, before the breach.
SELECT is(app_private.remind_approvers(now() + interval '35 hours'), 0, 'remind: nothing before 75 % of the SLA');
SELECT is(app_private.remind_approvers(now() + interval '37 hours'), 1, 'remind: the approver is reminded after 75 %');
SELECT is((SELECT count(*)::int FROM app.notifications
            WHERE user_id = tests.recall('engineering') AND entity_type = 'approvals' AND entity_id = tests.recall('review')
              AND title LIKE 'Reminder:%'), 1,
  'remind: an in-app notification (app_private.notify) for the approver');
SELECT is((SELECT count(*)::int FROM app.approval_notifications
            WHERE approval_id = tests.recall('review') AND reason = 'reminded' AND recipient_id = tests.recall('engineering')), 1,
  'remind: recorded in approval_notifications');
SELECT is(app_private.remind_approvers(now() + interval '38 hours'), 0, 'remind: a second run does not repeat it');
SELECT is(app_private.run_job('remind-approvers'), '0', 'remind: the job runs it (nothing due now)');
SELECT is((SELECT count(*)::int FROM app.approval_notifications WHERE approval_id = tests.recall('review') AND reason = 'reminded'), 1,
  'remind: still one reminder');

SELECT tests.approve(tests.recall('review'));
SELECT is((SELECT (current_approver_id, remind_at, reminded_at)::text FROM app.approvals WHERE id = tests.recall('review')),
  (tests.recall('qa'), now() + interval '36 hours', NULL::timestamptz)::text, 'remind: the next step has its own reminder');
SELECT is(app_private.remind_approvers(now() + interval '49 hours'), 0, 'remind: not once the step is past its SLA (escalation''s turn)');
SELECT is(app_private.remind_approvers(now() + interval '37 hours'), 1, 'remind: the approver of step 2 is reminded');
SELECT is((SELECT count(*)::int FROM app.approval_notifications
            WHERE approval_id = tests.recall('review') AND reason = 'reminded' AND recipient_id = tests.recall('qa')), 1,
  'remind: once for step 2 as well');

-- Expiry.
SELECT is(app_private.expire_approvals(now() + interval '719 hours'), 0, 'expire: nothing before the hard deadline');
SELECT is(app_private.expire_approvals(now() + interval '721 hours'), 1, 'expire: the open approval expires after it');
SELECT is((SELECT (status, decided_at)::text FROM app.approvals WHERE id = tests.recall('review')),
  ('expired', now() + interval '721 hours')::text, 'expire: status expired, closed at the job''s moment');
SELECT is((SELECT (old_status, new_status)::text FROM app.approval_history
            WHERE approval_id = tests.recall('review') AND action_type = 'expire'),
  ('in_review', 'expired')::text, 'expire: recorded in the trail');
SELECT is((SELECT count(*)::int FROM app.approval_notifications
            WHERE approval_id = tests.recall('review') AND reason = 'expired' AND recipient_id = tests.recall('management')), 1,
  'expire: the requester is told');
SELECT is((SELECT pr.status::text FROM app.project_sub_stage_progress AS pr
            JOIN app.approvals AS a ON a.organization_id = pr.organization_id AND a.entity_id = pr.id
           WHERE a.id = tests.recall('review')), 'blocked', 'expire: the gated sub-stage stays blocked');
SELECT is(app_private.expire_approvals(now() + interval '722 hours'), 0, 'expire: once');

SELECT tests.act_as(tests.recall('qa'), tests.recall('t'));
SELECT is(tests.refusal(format($$SELECT app.decide_approval(%L, 'approve', 'late')$$, tests.recall('review'))),
  'PT409 approval.expired', 'decide: an expired approval cannot be decided');
SELECT is(tests.refusal(format($$SELECT app.reassign_approval(%L, %L)$$, tests.recall('review'), tests.recall('admin'))),
  'PT409 approval.expired', 'reassign: nor handed on');
SELECT is((SELECT status::text FROM app.approval_records WHERE approval_id = tests.recall('review')), 'expired',
  'dashboards: the compliance export lists it as expired');

-- A new request may be opened: starting and completing the sub-stage again.
SELECT tests.act_as_owner();
SELECT tests.remember('again', tests.request_approval(tests.recall('project'), 'engineering-review', tests.recall('management')));
SELECT is((SELECT count(*)::int FROM app.approvals WHERE entity_id = (SELECT entity_id FROM app.approvals WHERE id = tests.recall('review'))),
  2, 'a new approval is requested for the sub-stage');

-- Past its deadline an approval is expired even before the job runs.
UPDATE app.approvals SET expires_at = now() - interval '1 minute' WHERE id = tests.recall('again');
SELECT tests.act_as(tests.recall('engineering'), tests.recall('t'));
SELECT is(tests.refusal(format($$SELECT app.decide_approval(%L, 'approve', 'just late')$$, tests.recall('again'))),
  'PT409 approval.expired', 'decide: refused past expires_at, before the job marks it');
SELECT tests.act_as_owner();

-- Each tenant sets its own share and deadline (workflow.manage).
SELECT tests.act_as(tests.recall('admin'), tests.recall('t'));
UPDATE app.approval_settings SET reminder_percent = 50, expiry_hours = 100;
SELECT tests.act_as_owner();
SELECT is(app_private.remind_at(tests.recall('t'), 'technical_review', 'normal'), now() + interval '24 hours',
  'settings: a tenant reminding at 50 % of 48 h reminds after 24 h');
SELECT is(app_private.approval_expires_at(tests.recall('t')), now() + interval '100 hours',
  'settings: a tenant''s own hard deadline');
SELECT tests.act_as(tests.recall('admin'), tests.recall('t'));
UPDATE app.approval_settings SET reminder_percent = NULL, expiry_hours = NULL;
SELECT tests.act_as_owner();
SELECT is(app_private.remind_at(tests.recall('t'), 'technical_review', 'normal'), NULL, 'settings: no reminders');
SELECT is(app_private.approval_expires_at(tests.recall('t')), NULL, 'settings: approvals that never expire');
SELECT is(left(tests.refusal($$UPDATE app.approval_settings SET reminder_percent = 100$$), 5), '23514',
  'settings: a reminder share is below 100 %');

SELECT * FROM finish();
ROLLBACK;
