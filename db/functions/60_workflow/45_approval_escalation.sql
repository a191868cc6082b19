-- Deadlines of open approvals, each a scheduled job (50_platform/40_jobs.sql)
-- over every tenant: the reminder before the SLA is breached, escalation
-- after it, expiry at the hard deadline.

CREATE OR REPLACE FUNCTION app_private.escalate_overdue_approvals(p_organization_id uuid DEFAULT NULL) RETURNS integer
LANGUAGE plpgsql VOLATILE
SET search_path = ''
AS $$
DECLARE
  v_approval app.approvals;
  v_managers uuid[];
  v_backup uuid;
  v_count integer := 0;
BEGIN
  -- A breached approval escalates once per SLA period: each level tells one
  -- manager further up the approver's chain (direct_manager_id), and the
  -- first escalation hands it to the approver's backup where one is set.
  FOR v_approval IN
    SELECT a.* FROM app.approvals AS a
     WHERE a.status IN ('pending', 'in_review') AND a.sla_due_at < pg_catalog.now()
       AND (p_organization_id IS NULL OR a.organization_id = p_organization_id)
       AND (a.last_escalated_at IS NULL
            OR a.last_escalated_at < pg_catalog.now() - pg_catalog.make_interval(
                 hours => (app_private.approval_policy_of(a.organization_id, a.approval_type, a.priority)).sla_hours))
     ORDER BY a.sla_due_at
     FOR UPDATE SKIP LOCKED
  LOOP
    WITH RECURSIVE chain (user_id, depth) AS (
      SELECT u.direct_manager_id, 1 FROM app.users AS u WHERE u.id = v_approval.current_approver_id
      UNION ALL
      SELECT u.direct_manager_id, c.depth + 1 FROM chain AS c JOIN app.users AS u ON u.id = c.user_id
       WHERE c.depth <= v_approval.escalation_level AND c.depth < 10
    )
    SELECT coalesce(pg_catalog.array_agg(user_id), '{}') INTO v_managers FROM chain WHERE user_id IS NOT NULL;

    UPDATE app.approvals SET escalation_level = escalation_level + 1, last_escalated_at = pg_catalog.now()
     WHERE organization_id = v_approval.organization_id AND id = v_approval.id
    RETURNING * INTO v_approval;
    PERFORM app_private.record_approval_event(v_approval, 'escalate', v_approval.status,
      format('SLA breached at %s; escalation level %s', v_approval.sla_due_at, v_approval.escalation_level));
    PERFORM app_private.tell_about_approval(v_approval, v_managers || v_approval.current_approver_id, 'escalated',
      format('Overdue approval: %s (level %s)', pg_catalog.replace(v_approval.approval_type::text, '_', ' '), v_approval.escalation_level));
    IF v_approval.escalation_level = 1 THEN
      v_backup := app_private.backup_of(v_approval.organization_id, v_approval.current_approver_id);
      -- A backup who may not decide this step (the requester, or who
      -- approved an earlier step, say) is passed over.
      IF v_backup IS NOT NULL AND app_private.decide_refusal(v_approval.organization_id,
           v_approval.steps -> (v_approval.current_step - 1), v_approval.requested_by, v_backup,
           app_private.chain_deciders(v_approval)) IS NULL THEN
        PERFORM app_private.hand_over_approval(v_approval, v_backup, 'reassign', 'SLA breached: handed to the approver''s backup');
      END IF;
    END IF;
    v_count := v_count + 1;
  END LOOP;
  RETURN v_count;
END
$$;

COMMENT ON FUNCTION app_private.escalate_overdue_approvals(uuid) IS
  'Escalates open approvals past sla_due_at (all tenants, or one): notifies the manager chain of the approver one level further each SLA period, reassigns to the backup on the first escalation (unless the backup may not decide the step: the requester, or who approved an earlier step), records escalate in the history. Returns how many were escalated. Scheduled every 5 minutes.';

CREATE OR REPLACE FUNCTION app.escalate_overdue_approvals() RETURNS integer
LANGUAGE plpgsql VOLATILE
SECURITY DEFINER
SET search_path = ''
AS $$
BEGIN
  PERFORM app_private.require_permission('approval.manage');
  -- The active tenant only: a platform operator acting in none escalates nothing.
  IF auth.org_id() IS NULL THEN
    RETURN 0;
  END IF;
  RETURN app_private.escalate_overdue_approvals(auth.org_id());
END
$$;

COMMENT ON FUNCTION app.escalate_overdue_approvals() IS
  'Runs the escalation of the active tenant now (pg_cron runs it for every tenant every 5 minutes). Needs approval.manage (PT403 permission.missing). Returns how many approvals were escalated.';

CREATE OR REPLACE FUNCTION app_private.remind_approvers(p_as_of timestamptz DEFAULT pg_catalog.now()) RETURNS integer
LANGUAGE plpgsql VOLATILE
SET search_path = ''
AS $$
DECLARE
  v_approval app.approvals;
  v_count integer := 0;
BEGIN
  -- Once per step: reminded_at is set here and cleared when the next step
  -- starts (app.decide_approval sets its remind_at). A step already past
  -- its SLA is the escalation's business, not a reminder's.
  FOR v_approval IN
    SELECT a.* FROM app.approvals AS a
     WHERE a.status IN ('pending', 'in_review') AND a.reminded_at IS NULL
       AND a.remind_at <= p_as_of AND a.sla_due_at > p_as_of
     ORDER BY a.remind_at
     FOR UPDATE SKIP LOCKED
  LOOP
    UPDATE app.approvals SET reminded_at = p_as_of
     WHERE organization_id = v_approval.organization_id AND id = v_approval.id
    RETURNING * INTO v_approval;
    PERFORM app_private.tell_about_approval(v_approval, ARRAY[v_approval.current_approver_id], 'reminded',
      format('Reminder: %s approval due %s', pg_catalog.replace(v_approval.approval_type::text, '_', ' '),
             pg_catalog.to_char(v_approval.sla_due_at, 'YYYY-MM-DD HH24:MI TZ')));
    v_count := v_count + 1;
  END LOOP;
  RETURN v_count;
END
$$;

COMMENT ON FUNCTION app_private.remind_approvers(timestamptz) IS
  'Reminds the current approver of each open approval whose step reached remind_at (approval_settings.reminder_percent of the SLA) by p_as_of and is not yet breached: an in-app notification (app_private.notify, reason reminded in approval_notifications), once per step (reminded_at). Returns how many were reminded. Scheduled every 5 minutes (job remind-approvers).';

CREATE OR REPLACE FUNCTION app_private.expire_approvals(p_as_of timestamptz DEFAULT pg_catalog.now()) RETURNS integer
LANGUAGE plpgsql VOLATILE
SET search_path = ''
AS $$
DECLARE
  v_approval app.approvals;
  v_old_status app.approval_status;
  v_count integer := 0;
  v_organization_id uuid;
BEGIN
  -- Tenant by tenant: each lock is taken on one tenant's rows (one shard
  -- under Citus, docs/scaling.md).
  FOR v_organization_id IN
    SELECT DISTINCT a.organization_id FROM app.approvals AS a
     WHERE a.status IN ('pending', 'in_review') AND a.expires_at <= p_as_of
  LOOP
    FOR v_approval IN
      SELECT a.* FROM app.approvals AS a
       WHERE a.organization_id = v_organization_id
         AND a.status IN ('pending', 'in_review') AND a.expires_at <= p_as_of
       ORDER BY a.expires_at
       FOR UPDATE SKIP LOCKED
    LOOP
      v_old_status := v_approval.status;
      UPDATE app.approvals SET status = 'expired', decided_at = p_as_of
       WHERE organization_id = v_approval.organization_id AND id = v_approval.id
      RETURNING * INTO v_approval;
      PERFORM app_private.record_approval_event(v_approval, 'expire', v_old_status,
        format('Undecided at its hard deadline %s', v_approval.expires_at));
      PERFORM app_private.tell_about_approval(v_approval, ARRAY[v_approval.requested_by, v_approval.current_approver_id], 'expired',
        format('Approval expired: %s', pg_catalog.replace(v_approval.approval_type::text, '_', ' ')));
      PERFORM app_private.settle_gated_entity(v_approval);
      v_count := v_count + 1;
    END LOOP;
  END LOOP;
  RETURN v_count;
END
$$;

COMMENT ON FUNCTION app_private.expire_approvals(timestamptz) IS
  'Open approvals past expires_at (approval_settings.expiry_hours after the request) by p_as_of become expired: recorded (expire) in the history, requester and approver told, the gated sub-stage blocked (a new request is opened by starting and completing it again; a document version stays pending). Expired approvals cannot be decided (PT409 approval.expired). Returns how many expired. Scheduled every 5 minutes (job expire-approvals).';
