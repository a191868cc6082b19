-- Operational dashboards (§9) as views. All run with the caller's rights
-- (security_invoker), so each shows exactly the rows the caller may read.
-- Honest figures: what is open or late counts only for projects still
-- running (never cancelled or completed ones), early and late are reported
-- apart (never one signed average that lets early deliveries hide late
-- ones), and a rate with nothing to divide by is empty, not zero.
-- They are staff tools built on staff-only tables: portal users read none of
-- their rows (they have the customer views at the end of this file).

CREATE OR REPLACE VIEW app.project_overview WITH (security_invoker) AS
SELECT p.organization_id, p.id AS project_id, p.project_number, p.title, p.status, p.priority,
       p.customer_organization_id, p.assigned_to, p.current_stage_id, st.name AS stage_name, st.stage_order,
       p.stage_entered_at, p.requested_due_date, p.promised_due_date, p.delivered_at, p.completed_at,
       coalesce(pr.open_sub_stages, 0)::integer AS open_sub_stages,
       coalesce(pr.overdue_sub_stages, 0)::integer AS overdue_sub_stages,
       coalesce(pr.blocked_sub_stages, 0)::integer AS blocked_sub_stages,
       f.projected_finish,
       CASE WHEN p.status = 'cancelled' THEN 'cancelled'
            WHEN p.status = 'completed' THEN 'done'
            WHEN p.promised_due_date IS NULL THEN 'no_promise'
            WHEN p.promised_due_date < coalesce(p.delivered_at::date, current_date) THEN 'late'
            WHEN p.delivered_at IS NOT NULL THEN 'on_track'
            WHEN f.projected_finish::date > p.promised_due_date THEN 'at_risk'
            ELSE 'on_track' END AS promise_risk
  FROM app.projects AS p
  LEFT JOIN app.workflow_stages AS st ON st.organization_id = p.organization_id AND st.id = p.current_stage_id
  LEFT JOIN LATERAL (
    SELECT count(*) FILTER (WHERE x.status IN ('pending', 'in_progress', 'in_review', 'blocked')) AS open_sub_stages,
           count(*) FILTER (WHERE x.status IN ('pending', 'in_progress', 'in_review', 'blocked') AND x.due_at < now()) AS overdue_sub_stages,
           count(*) FILTER (WHERE x.status = 'blocked') AS blocked_sub_stages,
           max(x.due_at) FILTER (WHERE x.workflow_stage_id = p.current_stage_id) AS stage_due_at
      FROM app.project_sub_stage_progress AS x
     WHERE x.organization_id = p.organization_id AND x.project_id = p.id
  ) AS pr ON p.status NOT IN ('completed', 'cancelled')
  LEFT JOIN LATERAL (
    SELECT greatest(coalesce(pr.stage_due_at, now()), now())
           + make_interval(days => coalesce(sum(later.estimated_duration_days), 0)::integer) AS projected_finish
      FROM app.workflow_definition_stage_settings AS cur
      JOIN app.workflow_definition_stage_settings AS later
        ON later.organization_id = cur.organization_id AND later.workflow_definition_id = cur.workflow_definition_id
       AND later.is_included AND later.stage_order > cur.stage_order
     WHERE cur.organization_id = p.organization_id AND cur.workflow_definition_id = p.workflow_definition_id
       AND cur.workflow_stage_id = p.current_stage_id
  ) AS f ON p.status NOT IN ('completed', 'cancelled');

COMMENT ON VIEW app.project_overview IS
  E'One row per project for staff dashboards: stage, open / overdue / blocked sub-stages (of running projects; 0 once completed or cancelled), projected finish (current stage''s last due date plus the estimates of the stages still ahead) and promise_risk: late (promised date passed before delivery), at_risk (projected after the promise), on_track (or delivered by the promise), no_promise, done, cancelled.';
COMMENT ON COLUMN app.project_overview.organization_id IS 'The tenant.';
COMMENT ON COLUMN app.project_overview.project_id IS 'The project (projects.id).';
COMMENT ON COLUMN app.project_overview.project_number IS 'Human id.';
COMMENT ON COLUMN app.project_overview.title IS 'Title.';
COMMENT ON COLUMN app.project_overview.status IS 'Project status.';
COMMENT ON COLUMN app.project_overview.priority IS 'Priority.';
COMMENT ON COLUMN app.project_overview.customer_organization_id IS 'The customer.';
COMMENT ON COLUMN app.project_overview.assigned_to IS 'The project manager.';
COMMENT ON COLUMN app.project_overview.current_stage_id IS 'The current stage.';
COMMENT ON COLUMN app.project_overview.stage_name IS 'Its name.';
COMMENT ON COLUMN app.project_overview.stage_order IS 'Its catalog position.';
COMMENT ON COLUMN app.project_overview.stage_entered_at IS 'When the project entered it.';
COMMENT ON COLUMN app.project_overview.requested_due_date IS 'Date the customer asked for.';
COMMENT ON COLUMN app.project_overview.promised_due_date IS 'Date promised.';
COMMENT ON COLUMN app.project_overview.delivered_at IS 'When delivery was confirmed.';
COMMENT ON COLUMN app.project_overview.completed_at IS 'When the project completed.';
COMMENT ON COLUMN app.project_overview.open_sub_stages IS 'Sub-stages not completed or skipped; 0 once the project is completed or cancelled.';
COMMENT ON COLUMN app.project_overview.overdue_sub_stages IS 'Open sub-stages past due_at.';
COMMENT ON COLUMN app.project_overview.blocked_sub_stages IS 'Blocked sub-stages.';
COMMENT ON COLUMN app.project_overview.projected_finish IS 'Expected finish from the due dates and estimates; empty once closed.';
COMMENT ON COLUMN app.project_overview.promise_risk IS 'late, at_risk, on_track, no_promise, done or cancelled.';

CREATE OR REPLACE VIEW app.project_portfolio WITH (security_invoker) AS
SELECT o.organization_id, o.current_stage_id, o.stage_name, o.stage_order, o.status, o.priority, o.promise_risk,
       count(*)::integer AS project_count
  FROM app.project_overview AS o
 GROUP BY o.organization_id, o.current_stage_id, o.stage_name, o.stage_order, o.status, o.priority, o.promise_risk;

COMMENT ON VIEW app.project_portfolio IS
  E'Portfolio dashboard: how many projects per stage, status, priority and promise risk.';
COMMENT ON COLUMN app.project_portfolio.organization_id IS 'The tenant.';
COMMENT ON COLUMN app.project_portfolio.current_stage_id IS 'Stage.';
COMMENT ON COLUMN app.project_portfolio.stage_name IS 'Stage name.';
COMMENT ON COLUMN app.project_portfolio.stage_order IS 'Stage position.';
COMMENT ON COLUMN app.project_portfolio.status IS 'Project status.';
COMMENT ON COLUMN app.project_portfolio.priority IS 'Priority.';
COMMENT ON COLUMN app.project_portfolio.promise_risk IS 'late, at_risk, on_track, no_promise, done or cancelled.';
COMMENT ON COLUMN app.project_portfolio.project_count IS 'Number of projects.';

CREATE OR REPLACE VIEW app.overdue_sub_stages WITH (security_invoker) AS
SELECT pr.organization_id, pr.id AS progress_id, pr.project_id, p.project_number, p.title AS project_title,
       pr.workflow_stage_id, pr.sub_stage_id, s.name AS sub_stage_name, pr.status, pr.assigned_to, pr.responsible_roles,
       pr.due_at, round((extract(epoch FROM now() - pr.due_at) / 3600)::numeric, 1) AS hours_overdue, pr.blocked_reason
  FROM app.project_sub_stage_progress AS pr
  JOIN app.projects AS p ON p.organization_id = pr.organization_id AND p.id = pr.project_id
  JOIN app.workflow_sub_stages AS s ON s.organization_id = pr.organization_id AND s.id = pr.sub_stage_id
 WHERE pr.status IN ('pending', 'in_progress', 'in_review', 'blocked') AND pr.due_at < now()
   AND p.status NOT IN ('completed', 'cancelled');

COMMENT ON VIEW app.overdue_sub_stages IS E'Workflow health: open sub-stages past their due date, most overdue first when ordered by due_at.';
COMMENT ON COLUMN app.overdue_sub_stages.organization_id IS 'The tenant.';
COMMENT ON COLUMN app.overdue_sub_stages.progress_id IS 'The progress row.';
COMMENT ON COLUMN app.overdue_sub_stages.project_id IS 'The project.';
COMMENT ON COLUMN app.overdue_sub_stages.project_number IS 'Its human id.';
COMMENT ON COLUMN app.overdue_sub_stages.project_title IS 'Its title.';
COMMENT ON COLUMN app.overdue_sub_stages.workflow_stage_id IS 'The stage.';
COMMENT ON COLUMN app.overdue_sub_stages.sub_stage_id IS 'The sub-stage.';
COMMENT ON COLUMN app.overdue_sub_stages.sub_stage_name IS 'Its name.';
COMMENT ON COLUMN app.overdue_sub_stages.status IS 'Its status.';
COMMENT ON COLUMN app.overdue_sub_stages.assigned_to IS 'Who works on it.';
COMMENT ON COLUMN app.overdue_sub_stages.responsible_roles IS 'Who may act on it.';
COMMENT ON COLUMN app.overdue_sub_stages.due_at IS 'When it was due.';
COMMENT ON COLUMN app.overdue_sub_stages.hours_overdue IS 'Hours past due.';
COMMENT ON COLUMN app.overdue_sub_stages.blocked_reason IS 'Why it is blocked, when it is.';

CREATE OR REPLACE VIEW app.blocked_reasons WITH (security_invoker) AS
SELECT pr.organization_id, pr.blocked_reason, count(*)::integer AS blocked_count, min(pr.updated_at) AS blocked_since
  FROM app.project_sub_stage_progress AS pr
  JOIN app.projects AS p ON p.organization_id = pr.organization_id AND p.id = pr.project_id
 WHERE pr.status = 'blocked' AND p.status NOT IN ('completed', 'cancelled')
 GROUP BY pr.organization_id, pr.blocked_reason;

COMMENT ON VIEW app.blocked_reasons IS E'Workflow health: blocked sub-stages of running projects (not completed or cancelled) grouped by reason.';
COMMENT ON COLUMN app.blocked_reasons.organization_id IS 'The tenant.';
COMMENT ON COLUMN app.blocked_reasons.blocked_reason IS 'The reason.';
COMMENT ON COLUMN app.blocked_reasons.blocked_count IS 'Sub-stages blocked for it.';
COMMENT ON COLUMN app.blocked_reasons.blocked_since IS 'Earliest last change of those sub-stages.';

CREATE OR REPLACE VIEW app.pending_approvals_by_approver WITH (security_invoker) AS
SELECT a.organization_id, a.current_approver_id, count(*)::integer AS pending_count,
       count(*) FILTER (WHERE a.sla_due_at < now())::integer AS breached_count,
       min(a.created_at) AS oldest_requested_at, min(a.sla_due_at) AS next_due_at
  FROM app.approvals AS a
 WHERE a.status IN ('pending', 'in_review')
 GROUP BY a.organization_id, a.current_approver_id;

COMMENT ON VIEW app.pending_approvals_by_approver IS E'Approvals dashboard: open approvals per approver, how many breached their SLA.';
COMMENT ON COLUMN app.pending_approvals_by_approver.organization_id IS 'The tenant.';
COMMENT ON COLUMN app.pending_approvals_by_approver.current_approver_id IS 'The approver.';
COMMENT ON COLUMN app.pending_approvals_by_approver.pending_count IS 'Open approvals waiting for them.';
COMMENT ON COLUMN app.pending_approvals_by_approver.breached_count IS 'Of those, past sla_due_at.';
COMMENT ON COLUMN app.pending_approvals_by_approver.oldest_requested_at IS 'The oldest request.';
COMMENT ON COLUMN app.pending_approvals_by_approver.next_due_at IS 'The nearest SLA.';

CREATE OR REPLACE VIEW app.approval_sla_breaches WITH (security_invoker) AS
SELECT a.organization_id, a.id AS approval_id, a.approval_type, a.project_id, a.status, a.priority, a.current_approver_id,
       a.sla_due_at, round((extract(epoch FROM now() - a.sla_due_at) / 3600)::numeric, 1) AS hours_over_sla,
       a.escalation_level, a.last_escalated_at
  FROM app.approvals AS a
 WHERE a.status IN ('pending', 'in_review') AND a.sla_due_at < now();

COMMENT ON VIEW app.approval_sla_breaches IS E'Approvals dashboard: open approvals past their SLA, with their escalation level.';
COMMENT ON COLUMN app.approval_sla_breaches.organization_id IS 'The tenant.';
COMMENT ON COLUMN app.approval_sla_breaches.approval_id IS 'The approval.';
COMMENT ON COLUMN app.approval_sla_breaches.approval_type IS 'Its type.';
COMMENT ON COLUMN app.approval_sla_breaches.project_id IS 'Its project.';
COMMENT ON COLUMN app.approval_sla_breaches.status IS 'pending or in_review.';
COMMENT ON COLUMN app.approval_sla_breaches.priority IS 'Priority.';
COMMENT ON COLUMN app.approval_sla_breaches.current_approver_id IS 'Who should decide.';
COMMENT ON COLUMN app.approval_sla_breaches.sla_due_at IS 'When the SLA ran out.';
COMMENT ON COLUMN app.approval_sla_breaches.hours_over_sla IS 'Hours past it.';
COMMENT ON COLUMN app.approval_sla_breaches.escalation_level IS 'How many times escalated.';
COMMENT ON COLUMN app.approval_sla_breaches.last_escalated_at IS 'Last escalation.';

CREATE OR REPLACE VIEW app.approval_cycle_times WITH (security_invoker) AS
SELECT a.organization_id, a.approval_type,
       count(*)::integer AS decided_count,
       count(*) FILTER (WHERE a.status = 'approved')::integer AS approved_count,
       count(*) FILTER (WHERE a.status = 'rejected')::integer AS rejected_count,
       round(avg(extract(epoch FROM a.decided_at - a.created_at) / 3600)::numeric, 2) AS average_hours,
       round((percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM a.decided_at - a.created_at)) / 3600)::numeric, 2) AS median_hours,
       round((percentile_cont(0.9) WITHIN GROUP (ORDER BY extract(epoch FROM a.decided_at - a.created_at)) / 3600)::numeric, 2) AS p90_hours
  FROM app.approvals AS a
 WHERE a.status IN ('approved', 'rejected')
 GROUP BY a.organization_id, a.approval_type;

COMMENT ON VIEW app.approval_cycle_times IS E'Approvals dashboard: cycle time (request to final decision) per approval type.';
COMMENT ON COLUMN app.approval_cycle_times.organization_id IS 'The tenant.';
COMMENT ON COLUMN app.approval_cycle_times.approval_type IS 'Approval type.';
COMMENT ON COLUMN app.approval_cycle_times.decided_count IS 'Approvals decided.';
COMMENT ON COLUMN app.approval_cycle_times.approved_count IS 'Of those, approved.';
COMMENT ON COLUMN app.approval_cycle_times.rejected_count IS 'Of those, rejected.';
COMMENT ON COLUMN app.approval_cycle_times.average_hours IS 'Mean hours from request to decision.';
COMMENT ON COLUMN app.approval_cycle_times.median_hours IS 'Median hours.';
COMMENT ON COLUMN app.approval_cycle_times.p90_hours IS '90th percentile hours.';

CREATE OR REPLACE VIEW app.on_time_delivery WITH (security_invoker) AS
SELECT d.organization_id, date_trunc('month', d.delivered_at)::date AS month,
       count(*)::integer AS delivered_count,
       count(*) FILTER (WHERE d.days_after_promise IS NOT NULL)::integer AS promised_count,
       count(*) FILTER (WHERE d.days_after_promise < 0)::integer AS delivered_early_count,
       count(*) FILTER (WHERE d.days_after_promise = 0)::integer AS delivered_on_time_count,
       count(*) FILTER (WHERE d.days_after_promise > 0)::integer AS delivered_late_count,
       round(count(*) FILTER (WHERE d.days_after_promise <= 0)::numeric
             / nullif(count(*) FILTER (WHERE d.days_after_promise IS NOT NULL), 0), 3) AS on_time_rate,
       round(avg(-d.days_after_promise) FILTER (WHERE d.days_after_promise < 0), 1) AS average_days_early,
       round(avg(d.days_after_promise) FILTER (WHERE d.days_after_promise > 0), 1) AS average_days_late
  FROM (SELECT p.organization_id, p.delivered_at, p.delivered_at::date - p.promised_due_date AS days_after_promise
          FROM app.projects AS p
         WHERE p.delivered_at IS NOT NULL AND p.status <> 'cancelled') AS d
 GROUP BY d.organization_id, date_trunc('month', d.delivered_at)::date;

COMMENT ON VIEW app.on_time_delivery IS
  E'On-time delivery per month (projects not cancelled): deliveries, how many had a promised date, how many came before it, on it and after it, the on-time rate, and how early the early ones and how late the late ones were on average (each positive, never netted against the other).';
COMMENT ON COLUMN app.on_time_delivery.organization_id IS 'The tenant.';
COMMENT ON COLUMN app.on_time_delivery.month IS 'Month of delivery.';
COMMENT ON COLUMN app.on_time_delivery.delivered_count IS 'Projects delivered (cancelled ones left out).';
COMMENT ON COLUMN app.on_time_delivery.promised_count IS 'Of those, with a promised date.';
COMMENT ON COLUMN app.on_time_delivery.delivered_early_count IS 'Delivered before the promised date.';
COMMENT ON COLUMN app.on_time_delivery.delivered_on_time_count IS 'Delivered on the promised date.';
COMMENT ON COLUMN app.on_time_delivery.delivered_late_count IS 'Delivered after the promised date.';
COMMENT ON COLUMN app.on_time_delivery.on_time_rate IS 'Early or on the date, over deliveries with a promised date; empty when none had one.';
COMMENT ON COLUMN app.on_time_delivery.average_days_early IS 'Mean days before the promise, of the early deliveries; empty when none was early.';
COMMENT ON COLUMN app.on_time_delivery.average_days_late IS 'Mean days after the promise, of the late deliveries; empty when none was late.';

CREATE OR REPLACE VIEW app.quality_pass_rate WITH (security_invoker) AS
SELECT v.organization_id, d.category, date_trunc('month', v.uploaded_at)::date AS month,
       count(*) FILTER (WHERE v.metadata ->> 'result' = 'pass')::integer AS passed_count,
       count(*) FILTER (WHERE v.metadata ->> 'result' = 'fail')::integer AS failed_count,
       round(count(*) FILTER (WHERE v.metadata ->> 'result' = 'pass')::numeric
             / nullif(count(*) FILTER (WHERE v.metadata ->> 'result' IN ('pass', 'fail')), 0), 3) AS pass_rate
  FROM app.document_versions AS v
  JOIN app.documents AS d ON d.organization_id = v.organization_id AND d.id = v.document_id
 WHERE d.category IN ('qa_report', 'test_result') AND v.upload_state = 'stored'
 GROUP BY v.organization_id, d.category, date_trunc('month', v.uploaded_at)::date;

COMMENT ON VIEW app.quality_pass_rate IS
  E'Quality: pass rate of stored qa_report and test_result versions per month, from their metadata result (pass or fail).';
COMMENT ON COLUMN app.quality_pass_rate.organization_id IS 'The tenant.';
COMMENT ON COLUMN app.quality_pass_rate.category IS 'qa_report or test_result.';
COMMENT ON COLUMN app.quality_pass_rate.month IS 'Month of upload.';
COMMENT ON COLUMN app.quality_pass_rate.passed_count IS 'Versions recording a pass.';
COMMENT ON COLUMN app.quality_pass_rate.failed_count IS 'Versions recording a fail.';
COMMENT ON COLUMN app.quality_pass_rate.pass_rate IS 'Passed over passed + failed.';

CREATE OR REPLACE FUNCTION app.my_approvals() RETURNS SETOF app.approvals
LANGUAGE sql STABLE
AS $$
  SELECT a.* FROM app.approvals AS a
   WHERE a.organization_id = auth.org_id() AND a.current_approver_id = auth.user_id() AND a.status IN ('pending', 'in_review')
   ORDER BY a.sla_due_at
$$;

COMMENT ON FUNCTION app.my_approvals() IS
  'GET /approvals?status=pending&mine=true: the open approvals waiting for your decision, nearest SLA first (GET /rpc/my_approvals, filterable like a table).';

-- Compliance exports (§5): flat records a month at a time, e.g.
-- GET /approval_records?decided_at=gte.2026-11-01&decided_at=lt.2026-12-01
-- with Accept: text/csv.
CREATE OR REPLACE VIEW app.approval_records WITH (security_invoker) AS
SELECT a.organization_id, a.id AS approval_id, p.project_number, a.approval_type, a.entity_type, a.entity_id,
       a.status, a.priority, a.requested_by, a.created_at AS requested_at, a.decided_by, a.decided_at, a.decision_comment,
       a.decision_signature ->> 'meaning' AS signature_meaning, a.decision_signature ->> 'reason' AS signature_reason,
       a.decision_signature ->> 'payload_sha256' AS signature_sha256,
       jsonb_array_length(a.steps) AS step_count, a.sla_due_at, a.decided_at > a.sla_due_at AS sla_breached,
       a.escalation_level, round((extract(epoch FROM a.decided_at - a.created_at) / 3600)::numeric, 2) AS cycle_hours
  FROM app.approvals AS a
  LEFT JOIN app.projects AS p ON p.organization_id = a.organization_id AND p.id = a.project_id
 WHERE a.status IN ('approved', 'rejected', 'cancelled', 'expired');

COMMENT ON VIEW app.approval_records IS
  E'Compliance export of closed approvals, one flat row each with the decision, its signature and SLA (filter by decided_at; Accept: text/csv for a CSV file).';
COMMENT ON COLUMN app.approval_records.organization_id IS 'The tenant.';
COMMENT ON COLUMN app.approval_records.approval_id IS 'The approval.';
COMMENT ON COLUMN app.approval_records.project_number IS 'The project''s human id.';
COMMENT ON COLUMN app.approval_records.approval_type IS 'Approval type.';
COMMENT ON COLUMN app.approval_records.entity_type IS 'What it gated.';
COMMENT ON COLUMN app.approval_records.entity_id IS 'The gated row.';
COMMENT ON COLUMN app.approval_records.status IS 'approved, rejected, cancelled or expired.';
COMMENT ON COLUMN app.approval_records.priority IS 'Priority.';
COMMENT ON COLUMN app.approval_records.requested_by IS 'Who asked.';
COMMENT ON COLUMN app.approval_records.requested_at IS 'When.';
COMMENT ON COLUMN app.approval_records.decided_by IS 'Who closed it.';
COMMENT ON COLUMN app.approval_records.decided_at IS 'When.';
COMMENT ON COLUMN app.approval_records.decision_comment IS 'The final comment.';
COMMENT ON COLUMN app.approval_records.signature_meaning IS 'Meaning of the electronic signature, when signed.';
COMMENT ON COLUMN app.approval_records.signature_reason IS 'Reason given when signing.';
COMMENT ON COLUMN app.approval_records.signature_sha256 IS 'sha256 of the signed payload (approval_history.signed_payload).';
COMMENT ON COLUMN app.approval_records.step_count IS 'Steps of its chain.';
COMMENT ON COLUMN app.approval_records.sla_due_at IS 'SLA of the last step.';
COMMENT ON COLUMN app.approval_records.sla_breached IS 'Closed after its SLA.';
COMMENT ON COLUMN app.approval_records.escalation_level IS 'How often it was escalated.';
COMMENT ON COLUMN app.approval_records.cycle_hours IS 'Hours from request to close.';

CREATE OR REPLACE VIEW app.quality_records WITH (security_invoker) AS
SELECT v.organization_id, v.id AS version_id, p.project_number, d.title, d.category, v.version_number,
       v.file_name, v.checksum, v.metadata ->> 'result' AS result, v.approval_state, v.approved_by, v.approved_at,
       v.uploaded_by, v.uploaded_at, d.retention_tag
  FROM app.document_versions AS v
  JOIN app.documents AS d ON d.organization_id = v.organization_id AND d.id = v.document_id
  JOIN app.projects AS p ON p.organization_id = d.organization_id AND p.id = d.project_id
 WHERE d.category IN ('qa_report', 'test_result', 'work_instruction', 'drawing') AND v.upload_state = 'stored';

COMMENT ON VIEW app.quality_records IS
  E'Compliance export of quality records: every stored version (its file checked) of QA reports, test results, drawings and work instructions with checksum, result and approval (filter by uploaded_at; Accept: text/csv).';
COMMENT ON COLUMN app.quality_records.organization_id IS 'The tenant.';
COMMENT ON COLUMN app.quality_records.version_id IS 'The document version.';
COMMENT ON COLUMN app.quality_records.project_number IS 'The project''s human id.';
COMMENT ON COLUMN app.quality_records.title IS 'Document title.';
COMMENT ON COLUMN app.quality_records.category IS 'Category.';
COMMENT ON COLUMN app.quality_records.version_number IS 'Version.';
COMMENT ON COLUMN app.quality_records.file_name IS 'File name.';
COMMENT ON COLUMN app.quality_records.checksum IS 'sha256 of the file.';
COMMENT ON COLUMN app.quality_records.result IS 'pass or fail, for reports and results.';
COMMENT ON COLUMN app.quality_records.approval_state IS 'Approval of the version.';
COMMENT ON COLUMN app.quality_records.approved_by IS 'Who approved it.';
COMMENT ON COLUMN app.quality_records.approved_at IS 'When.';
COMMENT ON COLUMN app.quality_records.uploaded_by IS 'Who uploaded it.';
COMMENT ON COLUMN app.quality_records.uploaded_at IS 'When.';
COMMENT ON COLUMN app.quality_records.retention_tag IS 'How long it is kept.';
