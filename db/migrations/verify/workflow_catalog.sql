-- Verify pulse:workflow_catalog on pg

BEGIN;

SELECT short_code FROM app.organizations WHERE false;
SELECT organization_id, id, name, slug, stage_order, is_active, estimated_duration_days, project_status,
       responsible_roles, required_document_categories, tasks, decisions, exit_criteria, created_at, updated_at
  FROM app.workflow_stages WHERE false;
SELECT organization_id, id, workflow_stage_id, name, slug, sub_stage_order, is_required, requires_approval,
       approval_type, can_skip, auto_advance, marks_delivery, estimated_duration_hours, responsible_roles, metadata, is_active
  FROM app.workflow_sub_stages WHERE false;
SELECT organization_id, id, name, version, description, is_active, is_default, based_on_id, locked_at, created_by
  FROM app.workflow_definitions WHERE false;
SELECT organization_id, id, workflow_definition_id, workflow_stage_id, is_included, stage_order_override,
       responsible_roles_override, estimated_duration_days_override, requires_approval_override,
       required_document_categories_override, metadata
  FROM app.workflow_definition_stages WHERE false;
SELECT organization_id, id, workflow_definition_id, workflow_sub_stage_id, is_included, sub_stage_order_override,
       responsible_roles_override, is_required_override, requires_approval_override, approval_type_override,
       can_skip_override, auto_advance_override, estimated_duration_hours_override, metadata
  FROM app.workflow_definition_sub_stages WHERE false;
SELECT organization_id, enforce_mandatory_documents FROM app.workflow_settings WHERE false;

ROLLBACK;
