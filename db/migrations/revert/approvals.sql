-- Revert pulse:approvals from pg

BEGIN;

DROP TABLE app.approval_notifications, app.approval_attachments, app.approval_history, app.approvals,
  app.approver_backups, app.approval_chains, app.approval_policies CASCADE;
DROP TYPE app.approval_decision, app.approval_priority, app.approval_action, app.approval_status CASCADE;

COMMIT;
