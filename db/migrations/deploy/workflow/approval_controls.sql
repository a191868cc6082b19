-- Deploy pulse:workflow/approval_controls to pg
-- requires: workflow/routing_defaults

BEGIN;

-- What a tenant decides about its approvals beyond chains and SLAs: what
-- happens when a step has no eligible approver (two-person control), when
-- approvers are reminded, and the hard deadline after which an open
-- approval expires. The platform default is a row that
-- db/seeds/reference/20_workflow.sql fills; app_private.provision_workflow
-- copies it into each new tenant's own row.

CREATE TABLE app_private.default_approval_settings (
  singleton boolean PRIMARY KEY DEFAULT true CONSTRAINT default_approval_settings_one_row CHECK (singleton),
  when_no_approver text NOT NULL
    CONSTRAINT default_approval_settings_when_no_approver_known CHECK (when_no_approver IN ('refuse', 'backup')),
  reminder_percent integer CONSTRAINT default_approval_settings_reminder_range CHECK (reminder_percent BETWEEN 1 AND 99),
  expiry_hours integer CONSTRAINT default_approval_settings_expiry_range CHECK (expiry_hours BETWEEN 1 AND 87600)
);
COMMENT ON TABLE app_private.default_approval_settings IS
  'The approval settings every tenant starts with (one row, copied into app.approval_settings); no backup approver, since no person is a platform default.';

CREATE TABLE app.approval_settings (
  organization_id uuid NOT NULL REFERENCES app.organizations (id) ON DELETE CASCADE,
  when_no_approver text NOT NULL DEFAULT 'refuse'
    CONSTRAINT approval_settings_when_no_approver_known CHECK (when_no_approver IN ('refuse', 'backup')),
  backup_approver_id uuid REFERENCES app.users (id) ON DELETE SET NULL,
  reminder_percent integer CONSTRAINT approval_settings_reminder_range CHECK (reminder_percent BETWEEN 1 AND 99),
  expiry_hours integer CONSTRAINT approval_settings_expiry_range CHECK (expiry_hours BETWEEN 1 AND 87600),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (organization_id)
);
CREATE INDEX approval_settings_backup_idx ON app.approval_settings (backup_approver_id);

COMMENT ON TABLE app.approval_settings IS
  E'Approval settings of the tenant: two-person control, reminders, hard deadline.\nOne row per tenant, changed with workflow.manage. A chain never has the same person decide two steps, nor the requester decide their own request; when a step has no eligible approver, when_no_approver says what happens. Approvers are reminded once per step at reminder_percent of the SLA; an open approval older than expiry_hours expires.';
COMMENT ON COLUMN app.approval_settings.organization_id IS 'The tenant.';
COMMENT ON COLUMN app.approval_settings.when_no_approver IS
  'When nobody may decide a step (every holder of its role and of the fallback roles requested it or decided an earlier step): refuse (the request fails with PT409 approval.no_approver) or backup (backup_approver_id decides, if they are eligible themselves).';
COMMENT ON COLUMN app.approval_settings.backup_approver_id IS
  'The named backup approver: an active staff member who may decide any step they are eligible for (not the requester, not a decider of an earlier step).';
COMMENT ON COLUMN app.approval_settings.reminder_percent IS
  'Share of the SLA (1 to 99 %) after which the approver of a step is reminded, once; empty: no reminders.';
COMMENT ON COLUMN app.approval_settings.expiry_hours IS
  'Hard deadline: an approval still open this many hours after it was requested expires (status expired); empty: approvals never expire.';
COMMENT ON COLUMN app.approval_settings.updated_at IS 'When the settings were last changed.';

-- Every tenant that exists gets the platform default, as a new one would.
INSERT INTO app_private.default_approval_settings (when_no_approver, reminder_percent, expiry_hours) VALUES ('refuse', 75, 720);
INSERT INTO app.approval_settings (organization_id, when_no_approver, reminder_percent, expiry_hours)
SELECT o.id, d.when_no_approver, d.reminder_percent, d.expiry_hours
  FROM app.organizations AS o, app_private.default_approval_settings AS d;

ALTER TABLE app.approvals
  ADD COLUMN remind_at timestamptz,
  ADD COLUMN reminded_at timestamptz,
  ADD COLUMN expires_at timestamptz;
CREATE INDEX approvals_open_remind_idx ON app.approvals (remind_at) WHERE status IN ('pending', 'in_review') AND reminded_at IS NULL;
CREATE INDEX approvals_open_expires_idx ON app.approvals (expires_at) WHERE status IN ('pending', 'in_review');
-- Approvals open at the upgrade follow the same settings: a reminder at the
-- tenant's share of the current step's SLA, and a hard deadline counted
-- from the upgrade (not from their request, so none expires on the first run).
UPDATE app.approvals AS a
   SET remind_at = a.sla_due_at
                   - pg_catalog.make_interval(hours => coalesce(
                       (SELECT p.sla_hours FROM app.approval_policies AS p
                         WHERE p.organization_id = a.organization_id AND p.approval_type = a.approval_type AND p.priority = a.priority),
                       (SELECT d.sla_hours FROM app_private.default_approval_policies AS d
                         WHERE d.approval_type = a.approval_type AND d.priority = a.priority)))
                     * (100 - s.reminder_percent) / 100.0,
       expires_at = pg_catalog.now() + pg_catalog.make_interval(hours => s.expiry_hours)
  FROM app.approval_settings AS s
 WHERE a.status IN ('pending', 'in_review') AND s.organization_id = a.organization_id;

COMMENT ON COLUMN app.approvals.remind_at IS
  'When the approver of the current step is reminded (approval_settings.reminder_percent of the SLA); empty: no reminder.';
COMMENT ON COLUMN app.approvals.reminded_at IS 'When the approver of the current step was reminded; empty until then (once per step).';
COMMENT ON COLUMN app.approvals.expires_at IS
  'Hard deadline (approval_settings.expiry_hours after the request): still open then, the approval expires; empty: never.';
COMMENT ON COLUMN app.approvals.status IS
  'pending, in_review, approved, rejected, cancelled or expired (past expires_at undecided; it can no longer be decided).';

COMMENT ON COLUMN app.approval_route_step.approver_id IS
  'Who decides the step if the approval were requested now: never the requester nor the approver of an earlier step; empty when nobody eligible could (a request would be refused, PT409 approval.no_approver).';

ALTER TYPE app.approval_action ADD VALUE 'expire';
COMMENT ON COLUMN app.approval_history.action_type IS
  'request, assign, reassign, delegate, approve, reject, comment, escalate, cancel or expire.';

ALTER TABLE app.approval_notifications DROP CONSTRAINT approval_notifications_reason_known;
ALTER TABLE app.approval_notifications ADD CONSTRAINT approval_notifications_reason_known
  CHECK (reason IN ('assigned', 'escalated', 'decided', 'cancelled', 'reminded', 'expired'));
COMMENT ON COLUMN app.approval_notifications.reason IS 'assigned, escalated, decided, cancelled, reminded or expired.';

COMMIT;
