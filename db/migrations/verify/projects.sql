-- Verify pulse:projects on pg

BEGIN;

SELECT organization_id, prefix, last_number FROM app_private.human_id_counters WHERE false;
-- The human id (project_id here) is renamed project_number by graphql_shape,
-- whose verify checks it.
SELECT organization_id, id, title, description, customer_organization_id, workflow_definition_id,
       current_stage_id, status, priority, requested_due_date, promised_due_date, stage_entered_at,
       stage_change_reason, quote_value, po_value, risk_flags, created_by, assigned_to, team_member_ids,
       point_of_contacts, delivered_at, completed_at, metadata
  FROM app.projects WHERE false;
SELECT organization_id, id, project_id, from_stage_id, to_stage_id, kind, reason, missing_document_categories,
       changed_by, changed_at
  FROM app.project_stage_transitions WHERE false;
SELECT organization_id, id, project_id, workflow_stage_id, sub_stage_id, sub_stage_order, status, is_required,
       requires_approval, approval_type, can_skip, auto_advance, responsible_roles, assigned_to, started_at, due_at,
       completed_at, blocked_reason, metadata
  FROM app.project_sub_stage_progress WHERE false;
SELECT project_id FROM audit.activity_log WHERE false;

ROLLBACK;
