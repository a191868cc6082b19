-- Verify pulse:workflow/approval_controls on pg

BEGIN;

SELECT when_no_approver, reminder_percent, expiry_hours FROM app_private.default_approval_settings WHERE false;
SELECT organization_id, when_no_approver, backup_approver_id, reminder_percent, expiry_hours, updated_at
  FROM app.approval_settings WHERE false;
SELECT remind_at, reminded_at, expires_at FROM app.approvals WHERE false;
SELECT 'expire'::app.approval_action;
SELECT 1 / (pg_catalog.pg_get_constraintdef(oid) LIKE '%reminded%expired%')::int
  FROM pg_catalog.pg_constraint WHERE conname = 'approval_notifications_reason_known';
-- Every tenant has its settings.
SELECT 1 / (NOT EXISTS (SELECT FROM app.organizations AS o
                         WHERE NOT EXISTS (SELECT FROM app.approval_settings AS s WHERE s.organization_id = o.id)))::int;

-- The default is internal; API roles reach tenant rows only through the policies.
SELECT 1 / (NOT has_table_privilege('app_user', 'app_private.default_approval_settings', 'SELECT'))::int;
SELECT 1 / (NOT has_table_privilege('anon', 'app.approval_settings', 'SELECT'))::int;
SELECT 1 / (NOT has_table_privilege('app_user', 'app.approval_settings', 'TRUNCATE'))::int;

ROLLBACK;
