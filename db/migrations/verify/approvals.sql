-- Verify pulse:approvals on pg

BEGIN;

SELECT organization_id, approval_type, priority, sla_hours, requires_signature FROM app.approval_policies WHERE false;
SELECT organization_id, id, chain_name, approval_type, rank, conditions, steps, is_active FROM app.approval_chains WHERE false;
SELECT organization_id, user_id, backup_user_id, valid_until FROM app.approver_backups WHERE false;
SELECT organization_id, id, approval_type, entity_type, entity_id, project_id, status, priority, requested_by,
       current_approver_id, approval_chain_id, steps, current_step, sla_due_at, escalation_level, last_escalated_at,
       requires_signature, decided_by, decided_at, decision_comment, decision_signature, metadata
  FROM app.approvals WHERE false;
SELECT organization_id, id, approval_id, action_by, action_type, old_status, new_status, step, from_approver_id,
       to_approver_id, comments, signature_meaning, signature_reason, signed_payload, signed_payload_sha256, action_at
  FROM app.approval_history WHERE false;
SELECT organization_id, id, approval_id, document_id, version_number, file_url, uploaded_by, uploaded_at
  FROM app.approval_attachments WHERE false;
SELECT organization_id, id, approval_id, recipient_id, reason, escalation_level, sent_at, read_at
  FROM app.approval_notifications WHERE false;

ROLLBACK;
