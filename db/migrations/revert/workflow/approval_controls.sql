-- Revert pulse:workflow/approval_controls from pg

BEGIN;

ALTER TABLE app.approval_notifications DROP CONSTRAINT approval_notifications_reason_known;
DELETE FROM app.approval_notifications WHERE reason IN ('reminded', 'expired');
ALTER TABLE app.approval_notifications ADD CONSTRAINT approval_notifications_reason_known
  CHECK (reason IN ('assigned', 'escalated', 'decided', 'cancelled'));
COMMENT ON COLUMN app.approval_notifications.reason IS 'assigned, escalated, decided or cancelled.';

-- An enum value cannot be dropped: the type is made again without it. The
-- views that read approval_history belong to the repeatables (dropped here
-- with CASCADE; the next `pulse db migrate` re-applies them), and so do the
-- functions whose arguments are of the old type (dropped with it). An
-- expiry already recorded stays in the trail as a comment.
DO $$
DECLARE
  v_view text;
BEGIN
  FOR v_view IN
    SELECT DISTINCT format('%I.%I', n.nspname, c.relname)
      FROM pg_catalog.pg_depend AS d
      JOIN pg_catalog.pg_rewrite AS rw ON rw.oid = d.objid AND d.classid = 'pg_catalog.pg_rewrite'::regclass
      JOIN pg_catalog.pg_class AS c ON c.oid = rw.ev_class
      JOIN pg_catalog.pg_namespace AS n ON n.oid = c.relnamespace
     WHERE d.refobjid = 'app.approval_history'::regclass AND c.oid <> 'app.approval_history'::regclass
  LOOP
    EXECUTE format('DROP VIEW IF EXISTS %s CASCADE', v_view);
  END LOOP;
END
$$;
ALTER TYPE app.approval_action RENAME TO approval_action_with_expire;
CREATE TYPE app.approval_action AS ENUM
  ('request', 'assign', 'reassign', 'delegate', 'approve', 'reject', 'comment', 'escalate', 'cancel');
COMMENT ON TYPE app.approval_action IS 'What an approval_history row records.';
ALTER TABLE app.approval_history ALTER COLUMN action_type TYPE app.approval_action
  USING (CASE WHEN action_type::text = 'expire' THEN 'comment' ELSE action_type::text END)::app.approval_action;
DROP TYPE app.approval_action_with_expire CASCADE;
COMMENT ON COLUMN app.approval_history.action_type IS 'request, assign, reassign, delegate, approve, reject, comment, escalate or cancel.';

COMMENT ON COLUMN app.approvals.status IS 'pending, in_review, approved, rejected, cancelled or expired.';
DROP INDEX app.approvals_open_expires_idx;
DROP INDEX app.approvals_open_remind_idx;
ALTER TABLE app.approvals DROP COLUMN expires_at, DROP COLUMN reminded_at, DROP COLUMN remind_at;

COMMENT ON COLUMN app.approval_route_step.approver_id IS
  'Who decides the step if the approval were requested now; empty when nobody but the requester could.';

DROP TABLE app.approval_settings CASCADE;
DROP TABLE app_private.default_approval_settings;

COMMIT;
