-- The project workflow. Reading needs project.read in the active tenant.
-- Every table here is internal (project values, routing, SLAs, staff
-- comments in progress logs and approval history) and staff-only; portal
-- users (bound to a customer) read their customer's projects through
-- app.customer_projects and app.customer_project_progress (60_workflow/80_portal.sql;
-- docs/security.md, "What portal users see"). Templates, SLAs, chains and
-- document rules change with workflow.manage. Progress, approvals and documents change only through
-- the RPCs, which check who may act; no client writes those tables.
-- Platform operators read everything (the *_select_operator policies).

-- Catalog and rules: every staff reader sees them (*_select_reader),
-- workflow.manage changes them (*_all_manager). The second INSERT/UPDATE
-- grant of a table is the upsert rule (00_reset.sql).

ALTER TABLE app.workflow_stages ENABLE ROW LEVEL SECURITY;
ALTER TABLE app.workflow_stages FORCE ROW LEVEL SECURITY;
GRANT SELECT ON app.workflow_stages TO app_user, app_admin;
GRANT INSERT (organization_id, name, slug, stage_order, is_active, estimated_duration_days, project_status, responsible_roles,
              required_document_categories, tasks, decisions, exit_criteria, labels),
      UPDATE (name, slug, stage_order, is_active, estimated_duration_days, project_status, responsible_roles,
              required_document_categories, tasks, decisions, exit_criteria, labels),
      DELETE ON app.workflow_stages TO app_user;
GRANT INSERT (id), UPDATE (organization_id, id) ON app.workflow_stages TO app_user;
CREATE POLICY workflow_stages_select_reader ON app.workflow_stages FOR SELECT TO app_user
  USING (organization_id = (SELECT auth.org_id()) AND (SELECT auth.has_permission('project.read'))
         AND (SELECT auth.partner_id()) IS NULL);
CREATE POLICY workflow_stages_all_manager ON app.workflow_stages FOR ALL TO app_user
  USING (organization_id = (SELECT auth.org_id()) AND (SELECT auth.has_permission('workflow.manage'))
         AND (SELECT auth.partner_id()) IS NULL)
  WITH CHECK (organization_id = (SELECT auth.org_id()) AND (SELECT auth.check_permission('workflow.manage'))
              AND (SELECT auth.partner_id()) IS NULL);
CREATE POLICY workflow_stages_select_operator ON app.workflow_stages FOR SELECT TO app_admin
  USING ((SELECT auth.is_platform_operator()));

ALTER TABLE app.workflow_sub_stages ENABLE ROW LEVEL SECURITY;
ALTER TABLE app.workflow_sub_stages FORCE ROW LEVEL SECURITY;
GRANT SELECT ON app.workflow_sub_stages TO app_user, app_admin;
GRANT INSERT (organization_id, workflow_stage_id, name, slug, sub_stage_order, is_required, requires_approval, approval_type,
              can_skip, auto_advance, marks_delivery, estimated_duration_hours, responsible_roles, metadata, is_active, labels),
      UPDATE (name, slug, sub_stage_order, is_required, requires_approval, approval_type, can_skip, auto_advance,
              marks_delivery, estimated_duration_hours, responsible_roles, metadata, is_active, labels),
      DELETE ON app.workflow_sub_stages TO app_user;
GRANT INSERT (id), UPDATE (organization_id, id, workflow_stage_id) ON app.workflow_sub_stages TO app_user;
CREATE POLICY workflow_sub_stages_select_reader ON app.workflow_sub_stages FOR SELECT TO app_user
  USING (organization_id = (SELECT auth.org_id()) AND (SELECT auth.has_permission('project.read'))
         AND (SELECT auth.partner_id()) IS NULL);
CREATE POLICY workflow_sub_stages_all_manager ON app.workflow_sub_stages FOR ALL TO app_user
  USING (organization_id = (SELECT auth.org_id()) AND (SELECT auth.has_permission('workflow.manage'))
         AND (SELECT auth.partner_id()) IS NULL)
  WITH CHECK (organization_id = (SELECT auth.org_id()) AND (SELECT auth.check_permission('workflow.manage'))
              AND (SELECT auth.partner_id()) IS NULL);
CREATE POLICY workflow_sub_stages_select_operator ON app.workflow_sub_stages FOR SELECT TO app_admin
  USING ((SELECT auth.is_platform_operator()));

ALTER TABLE app.workflow_definitions ENABLE ROW LEVEL SECURITY;
ALTER TABLE app.workflow_definitions FORCE ROW LEVEL SECURITY;
GRANT SELECT ON app.workflow_definitions TO app_user, app_admin;
GRANT INSERT (organization_id, name, version, description, is_active, is_default),
      UPDATE (name, description, is_active, is_default),
      DELETE ON app.workflow_definitions TO app_user;
GRANT INSERT (id), UPDATE (organization_id, id) ON app.workflow_definitions TO app_user;
CREATE POLICY workflow_definitions_select_reader ON app.workflow_definitions FOR SELECT TO app_user
  USING (organization_id = (SELECT auth.org_id()) AND (SELECT auth.has_permission('project.read'))
         AND (SELECT auth.partner_id()) IS NULL);
CREATE POLICY workflow_definitions_all_manager ON app.workflow_definitions FOR ALL TO app_user
  USING (organization_id = (SELECT auth.org_id()) AND (SELECT auth.has_permission('workflow.manage'))
         AND (SELECT auth.partner_id()) IS NULL)
  WITH CHECK (organization_id = (SELECT auth.org_id()) AND (SELECT auth.check_permission('workflow.manage'))
              AND (SELECT auth.partner_id()) IS NULL);
CREATE POLICY workflow_definitions_select_operator ON app.workflow_definitions FOR SELECT TO app_admin
  USING ((SELECT auth.is_platform_operator()));

ALTER TABLE app.workflow_definition_stages ENABLE ROW LEVEL SECURITY;
ALTER TABLE app.workflow_definition_stages FORCE ROW LEVEL SECURITY;
GRANT SELECT ON app.workflow_definition_stages TO app_user, app_admin;
GRANT INSERT (organization_id, workflow_definition_id, workflow_stage_id, is_included, stage_order_override,
              responsible_roles_override, estimated_duration_days_override, requires_approval_override,
              required_document_categories_override, metadata),
      UPDATE (is_included, stage_order_override, responsible_roles_override, estimated_duration_days_override,
              requires_approval_override, required_document_categories_override, metadata),
      DELETE ON app.workflow_definition_stages TO app_user;
GRANT INSERT (id), UPDATE (organization_id, id, workflow_definition_id, workflow_stage_id)
  ON app.workflow_definition_stages TO app_user;
CREATE POLICY workflow_definition_stages_select_reader ON app.workflow_definition_stages FOR SELECT TO app_user
  USING (organization_id = (SELECT auth.org_id()) AND (SELECT auth.has_permission('project.read'))
         AND (SELECT auth.partner_id()) IS NULL);
CREATE POLICY workflow_definition_stages_all_manager ON app.workflow_definition_stages FOR ALL TO app_user
  USING (organization_id = (SELECT auth.org_id()) AND (SELECT auth.has_permission('workflow.manage'))
         AND (SELECT auth.partner_id()) IS NULL)
  WITH CHECK (organization_id = (SELECT auth.org_id()) AND (SELECT auth.check_permission('workflow.manage'))
              AND (SELECT auth.partner_id()) IS NULL);
CREATE POLICY workflow_definition_stages_select_operator ON app.workflow_definition_stages FOR SELECT TO app_admin
  USING ((SELECT auth.is_platform_operator()));

ALTER TABLE app.workflow_definition_sub_stages ENABLE ROW LEVEL SECURITY;
ALTER TABLE app.workflow_definition_sub_stages FORCE ROW LEVEL SECURITY;
GRANT SELECT ON app.workflow_definition_sub_stages TO app_user, app_admin;
GRANT INSERT (organization_id, workflow_definition_id, workflow_sub_stage_id, is_included, sub_stage_order_override,
              responsible_roles_override, is_required_override, requires_approval_override, approval_type_override,
              can_skip_override, auto_advance_override, estimated_duration_hours_override, metadata),
      UPDATE (is_included, sub_stage_order_override, responsible_roles_override, is_required_override,
              requires_approval_override, approval_type_override, can_skip_override, auto_advance_override,
              estimated_duration_hours_override, metadata),
      DELETE ON app.workflow_definition_sub_stages TO app_user;
GRANT INSERT (id), UPDATE (organization_id, id, workflow_definition_id, workflow_sub_stage_id)
  ON app.workflow_definition_sub_stages TO app_user;
CREATE POLICY workflow_definition_sub_stages_select_reader ON app.workflow_definition_sub_stages FOR SELECT TO app_user
  USING (organization_id = (SELECT auth.org_id()) AND (SELECT auth.has_permission('project.read'))
         AND (SELECT auth.partner_id()) IS NULL);
CREATE POLICY workflow_definition_sub_stages_all_manager ON app.workflow_definition_sub_stages FOR ALL TO app_user
  USING (organization_id = (SELECT auth.org_id()) AND (SELECT auth.has_permission('workflow.manage'))
         AND (SELECT auth.partner_id()) IS NULL)
  WITH CHECK (organization_id = (SELECT auth.org_id()) AND (SELECT auth.check_permission('workflow.manage'))
              AND (SELECT auth.partner_id()) IS NULL);
CREATE POLICY workflow_definition_sub_stages_select_operator ON app.workflow_definition_sub_stages FOR SELECT TO app_admin
  USING ((SELECT auth.is_platform_operator()));

-- Exit criteria of a definition's stages: read by staff, written with
-- workflow.manage while the definition is unlocked (the _150_guard trigger).
ALTER TABLE app.workflow_exit_criteria ENABLE ROW LEVEL SECURITY;
ALTER TABLE app.workflow_exit_criteria FORCE ROW LEVEL SECURITY;
GRANT SELECT ON app.workflow_exit_criteria TO app_user, app_admin;
GRANT INSERT (organization_id, workflow_definition_id, workflow_stage_id, key, position, kind, description, document_category,
              min_count, project_field, approval_type, waivable),
      UPDATE (key, position, kind, description, document_category, min_count, project_field, approval_type, waivable),
      DELETE ON app.workflow_exit_criteria TO app_user;
GRANT INSERT (id), UPDATE (organization_id, id, workflow_definition_id, workflow_stage_id)
  ON app.workflow_exit_criteria TO app_user;
CREATE POLICY workflow_exit_criteria_select_reader ON app.workflow_exit_criteria FOR SELECT TO app_user
  USING (organization_id = (SELECT auth.org_id()) AND (SELECT auth.has_permission('project.read'))
         AND (SELECT auth.partner_id()) IS NULL);
CREATE POLICY workflow_exit_criteria_all_manager ON app.workflow_exit_criteria FOR ALL TO app_user
  USING (organization_id = (SELECT auth.org_id()) AND (SELECT auth.has_permission('workflow.manage'))
         AND (SELECT auth.partner_id()) IS NULL)
  WITH CHECK (organization_id = (SELECT auth.org_id()) AND (SELECT auth.check_permission('workflow.manage'))
              AND (SELECT auth.partner_id()) IS NULL);
CREATE POLICY workflow_exit_criteria_select_operator ON app.workflow_exit_criteria FOR SELECT TO app_admin
  USING ((SELECT auth.is_platform_operator()));

ALTER TABLE app.workflow_settings ENABLE ROW LEVEL SECURITY;
ALTER TABLE app.workflow_settings FORCE ROW LEVEL SECURITY;
GRANT SELECT ON app.workflow_settings TO app_user, app_admin;
GRANT UPDATE (enforce_mandatory_documents) ON app.workflow_settings TO app_user;
CREATE POLICY workflow_settings_select_reader ON app.workflow_settings FOR SELECT TO app_user
  USING (organization_id = (SELECT auth.org_id()) AND (SELECT auth.has_permission('project.read'))
         AND (SELECT auth.partner_id()) IS NULL);
CREATE POLICY workflow_settings_all_manager ON app.workflow_settings FOR ALL TO app_user
  USING (organization_id = (SELECT auth.org_id()) AND (SELECT auth.has_permission('workflow.manage'))
         AND (SELECT auth.partner_id()) IS NULL)
  WITH CHECK (organization_id = (SELECT auth.org_id()) AND (SELECT auth.check_permission('workflow.manage'))
              AND (SELECT auth.partner_id()) IS NULL);
CREATE POLICY workflow_settings_select_operator ON app.workflow_settings FOR SELECT TO app_admin
  USING ((SELECT auth.is_platform_operator()));

ALTER TABLE app.approval_policies ENABLE ROW LEVEL SECURITY;
ALTER TABLE app.approval_policies FORCE ROW LEVEL SECURITY;
GRANT SELECT ON app.approval_policies TO app_user, app_admin;
GRANT INSERT (organization_id, approval_type, priority, sla_hours, requires_signature),
      UPDATE (sla_hours, requires_signature) ON app.approval_policies TO app_user;
GRANT UPDATE (organization_id, approval_type, priority) ON app.approval_policies TO app_user;
CREATE POLICY approval_policies_select_reader ON app.approval_policies FOR SELECT TO app_user
  USING (organization_id = (SELECT auth.org_id()) AND (SELECT auth.has_permission('project.read'))
         AND (SELECT auth.partner_id()) IS NULL);
CREATE POLICY approval_policies_all_manager ON app.approval_policies FOR ALL TO app_user
  USING (organization_id = (SELECT auth.org_id()) AND (SELECT auth.has_permission('workflow.manage'))
         AND (SELECT auth.partner_id()) IS NULL)
  WITH CHECK (organization_id = (SELECT auth.org_id()) AND (SELECT auth.check_permission('workflow.manage'))
              AND (SELECT auth.partner_id()) IS NULL);
CREATE POLICY approval_policies_select_operator ON app.approval_policies FOR SELECT TO app_admin
  USING ((SELECT auth.is_platform_operator()));

ALTER TABLE app.approval_chains ENABLE ROW LEVEL SECURITY;
ALTER TABLE app.approval_chains FORCE ROW LEVEL SECURITY;
GRANT SELECT ON app.approval_chains TO app_user, app_admin;
GRANT INSERT (organization_id, chain_name, approval_type, rank, conditions, steps, is_active),
      UPDATE (chain_name, approval_type, rank, conditions, steps, is_active),
      DELETE ON app.approval_chains TO app_user;
GRANT INSERT (id), UPDATE (organization_id, id) ON app.approval_chains TO app_user;
CREATE POLICY approval_chains_select_reader ON app.approval_chains FOR SELECT TO app_user
  USING (organization_id = (SELECT auth.org_id()) AND (SELECT auth.has_permission('project.read'))
         AND (SELECT auth.partner_id()) IS NULL);
CREATE POLICY approval_chains_all_manager ON app.approval_chains FOR ALL TO app_user
  USING (organization_id = (SELECT auth.org_id()) AND (SELECT auth.has_permission('workflow.manage'))
         AND (SELECT auth.partner_id()) IS NULL)
  WITH CHECK (organization_id = (SELECT auth.org_id()) AND (SELECT auth.check_permission('workflow.manage'))
              AND (SELECT auth.partner_id()) IS NULL);
CREATE POLICY approval_chains_select_operator ON app.approval_chains FOR SELECT TO app_admin
  USING ((SELECT auth.is_platform_operator()));

ALTER TABLE app.document_category_settings ENABLE ROW LEVEL SECURITY;
ALTER TABLE app.document_category_settings FORCE ROW LEVEL SECURITY;
GRANT SELECT ON app.document_category_settings TO app_user, app_admin;
GRANT UPDATE (is_regulated, retention_years) ON app.document_category_settings TO app_user;
CREATE POLICY document_category_settings_select_reader ON app.document_category_settings FOR SELECT TO app_user
  USING (organization_id = (SELECT auth.org_id()) AND (SELECT auth.has_permission('project.read'))
         AND (SELECT auth.partner_id()) IS NULL);
CREATE POLICY document_category_settings_all_manager ON app.document_category_settings FOR ALL TO app_user
  USING (organization_id = (SELECT auth.org_id()) AND (SELECT auth.has_permission('workflow.manage'))
         AND (SELECT auth.partner_id()) IS NULL)
  WITH CHECK (organization_id = (SELECT auth.org_id()) AND (SELECT auth.check_permission('workflow.manage'))
              AND (SELECT auth.partner_id()) IS NULL);
CREATE POLICY document_category_settings_select_operator ON app.document_category_settings FOR SELECT TO app_admin
  USING ((SELECT auth.is_platform_operator()));

-- Anyone may name their own backup; approval.manage sets anyone's.
ALTER TABLE app.approver_backups ENABLE ROW LEVEL SECURITY;
ALTER TABLE app.approver_backups FORCE ROW LEVEL SECURITY;
GRANT SELECT ON app.approver_backups TO app_user, app_admin;
GRANT INSERT (organization_id, user_id, backup_user_id, valid_until), UPDATE (backup_user_id, valid_until), DELETE
  ON app.approver_backups TO app_user;
GRANT UPDATE (organization_id, user_id) ON app.approver_backups TO app_user;
CREATE POLICY approver_backups_select_staff ON app.approver_backups FOR SELECT TO app_user
  USING (organization_id = (SELECT auth.org_id()) AND (SELECT auth.has_permission('project.read'))
         AND (SELECT auth.partner_id()) IS NULL);
CREATE POLICY approver_backups_write_self_or_manager ON app.approver_backups FOR ALL TO app_user
  USING (organization_id = (SELECT auth.org_id()) AND (SELECT auth.partner_id()) IS NULL
         AND (user_id = (SELECT auth.user_id()) OR (SELECT auth.has_permission('approval.manage'))))
  WITH CHECK (organization_id = (SELECT auth.org_id()) AND (SELECT auth.partner_id()) IS NULL
              AND (user_id = (SELECT auth.user_id()) OR (SELECT auth.has_permission('approval.manage'))));
CREATE POLICY approver_backups_select_operator ON app.approver_backups FOR SELECT TO app_admin
  USING ((SELECT auth.is_platform_operator()));

-- Projects. Staff only: a project carries internal values (quote and PO
-- values, risk flags, team, metadata); portal users read
-- app.customer_projects instead. Guarded columns are not updatable by API
-- roles: the human id and the pinned definition never change; the stage
-- (and the status it drives) changes only through app.override_project_stage
-- (management, with a reason) or the automatic advance; server-managed
-- columns are the server's. status stays writable for the one change by
-- hand, cancelling (the guard trigger refuses any other). Trashed projects
-- (deleted_at, app.soft_delete) are seen only by trash.manage holders and
-- changed by nobody until restored.
ALTER TABLE app.projects ENABLE ROW LEVEL SECURITY;
ALTER TABLE app.projects FORCE ROW LEVEL SECURITY;
GRANT SELECT ON app.projects TO app_user, app_admin;
GRANT INSERT (organization_id, project_number, title, description, customer_organization_id, workflow_definition_id,
              current_stage_id, priority, requested_due_date, promised_due_date, quote_value, quote_cost, po_value, risk_flags,
              assigned_to, team_member_ids, point_of_contacts, metadata),
      UPDATE (title, description, customer_organization_id, status, priority, requested_due_date, promised_due_date,
              quote_value, quote_cost, po_value, risk_flags, assigned_to, team_member_ids, point_of_contacts, metadata)
  ON app.projects TO app_user;
GRANT INSERT (id), UPDATE (organization_id, id) ON app.projects TO app_user;
CREATE POLICY projects_select_reader ON app.projects FOR SELECT TO app_user
  USING (organization_id = (SELECT auth.org_id()) AND (SELECT auth.has_permission('project.read'))
         AND (SELECT auth.partner_id()) IS NULL
         AND (deleted_at IS NULL OR (SELECT auth.has_permission('trash.manage'))));
CREATE POLICY projects_insert_creator ON app.projects FOR INSERT TO app_user
  WITH CHECK (organization_id = (SELECT auth.org_id()) AND (SELECT auth.check_permission('project.create'))
              AND (SELECT auth.partner_id()) IS NULL);
CREATE POLICY projects_update_editor ON app.projects FOR UPDATE TO app_user
  USING (organization_id = (SELECT auth.org_id()) AND (SELECT auth.partner_id()) IS NULL
         AND (SELECT auth.has_permission('project.update')) AND deleted_at IS NULL);
CREATE POLICY projects_select_operator ON app.projects FOR SELECT TO app_admin
  USING ((SELECT auth.is_platform_operator()));

-- Project records for the tenant's own staff (not portal users), written
-- only by the RPCs. Progress rows carry staff comments (metadata.log,
-- blocked_reason) and transitions staff reasons: portal users follow
-- progress through app.customer_project_progress instead.

ALTER TABLE app.project_stage_transitions ENABLE ROW LEVEL SECURITY;
ALTER TABLE app.project_stage_transitions FORCE ROW LEVEL SECURITY;
GRANT SELECT ON app.project_stage_transitions TO app_user, app_admin;
CREATE POLICY project_stage_transitions_select_staff ON app.project_stage_transitions FOR SELECT TO app_user
  USING (organization_id = (SELECT auth.org_id()) AND (SELECT auth.has_permission('project.read'))
         AND (SELECT auth.partner_id()) IS NULL);
CREATE POLICY project_stage_transitions_select_operator ON app.project_stage_transitions FOR SELECT TO app_admin
  USING ((SELECT auth.is_platform_operator()));

-- Waivers of exit criteria: staff read them; only app.waive_exit_criterion writes them.
ALTER TABLE app.exit_criterion_waivers ENABLE ROW LEVEL SECURITY;
ALTER TABLE app.exit_criterion_waivers FORCE ROW LEVEL SECURITY;
GRANT SELECT ON app.exit_criterion_waivers TO app_user, app_admin;
CREATE POLICY exit_criterion_waivers_select_staff ON app.exit_criterion_waivers FOR SELECT TO app_user
  USING (organization_id = (SELECT auth.org_id()) AND (SELECT auth.has_permission('project.read'))
         AND (SELECT auth.partner_id()) IS NULL);
CREATE POLICY exit_criterion_waivers_select_operator ON app.exit_criterion_waivers FOR SELECT TO app_admin
  USING ((SELECT auth.is_platform_operator()));

ALTER TABLE app.project_sub_stage_progress ENABLE ROW LEVEL SECURITY;
ALTER TABLE app.project_sub_stage_progress FORCE ROW LEVEL SECURITY;
GRANT SELECT ON app.project_sub_stage_progress TO app_user, app_admin;
CREATE POLICY project_sub_stage_progress_select_staff ON app.project_sub_stage_progress FOR SELECT TO app_user
  USING (organization_id = (SELECT auth.org_id()) AND (SELECT auth.has_permission('project.read'))
         AND (SELECT auth.partner_id()) IS NULL);
CREATE POLICY project_sub_stage_progress_select_operator ON app.project_sub_stage_progress FOR SELECT TO app_admin
  USING ((SELECT auth.is_platform_operator()));

ALTER TABLE app.approvals ENABLE ROW LEVEL SECURITY;
ALTER TABLE app.approvals FORCE ROW LEVEL SECURITY;
GRANT SELECT ON app.approvals TO app_user, app_admin;
-- Staff who read projects, and whoever an approval waits for (a plant-scoped
-- approver deciding its plant's change order).
CREATE POLICY approvals_select_staff ON app.approvals FOR SELECT TO app_user
  USING (organization_id = (SELECT auth.org_id()) AND (SELECT auth.partner_id()) IS NULL
         AND ((SELECT auth.has_permission('project.read')) OR current_approver_id = (SELECT auth.user_id())));
CREATE POLICY approvals_select_operator ON app.approvals FOR SELECT TO app_admin
  USING ((SELECT auth.is_platform_operator()));

ALTER TABLE app.approval_history ENABLE ROW LEVEL SECURITY;
ALTER TABLE app.approval_history FORCE ROW LEVEL SECURITY;
GRANT SELECT ON app.approval_history TO app_user, app_admin;
CREATE POLICY approval_history_select_staff ON app.approval_history FOR SELECT TO app_user
  USING (organization_id = (SELECT auth.org_id()) AND (SELECT auth.has_permission('project.read'))
         AND (SELECT auth.partner_id()) IS NULL);
CREATE POLICY approval_history_select_operator ON app.approval_history FOR SELECT TO app_admin
  USING ((SELECT auth.is_platform_operator()));

ALTER TABLE app.approval_attachments ENABLE ROW LEVEL SECURITY;
ALTER TABLE app.approval_attachments FORCE ROW LEVEL SECURITY;
GRANT SELECT ON app.approval_attachments TO app_user, app_admin;
CREATE POLICY approval_attachments_select_staff ON app.approval_attachments FOR SELECT TO app_user
  USING (organization_id = (SELECT auth.org_id()) AND (SELECT auth.has_permission('project.read'))
         AND (SELECT auth.partner_id()) IS NULL);
CREATE POLICY approval_attachments_select_operator ON app.approval_attachments FOR SELECT TO app_admin
  USING ((SELECT auth.is_platform_operator()));

ALTER TABLE app.approval_notifications ENABLE ROW LEVEL SECURITY;
ALTER TABLE app.approval_notifications FORCE ROW LEVEL SECURITY;
GRANT SELECT ON app.approval_notifications TO app_user, app_admin;
CREATE POLICY approval_notifications_select_staff ON app.approval_notifications FOR SELECT TO app_user
  USING (organization_id = (SELECT auth.org_id()) AND (SELECT auth.has_permission('project.read'))
         AND (SELECT auth.partner_id()) IS NULL);
CREATE POLICY approval_notifications_select_operator ON app.approval_notifications FOR SELECT TO app_admin
  USING ((SELECT auth.is_platform_operator()));

ALTER TABLE app.documents ENABLE ROW LEVEL SECURITY;
ALTER TABLE app.documents FORCE ROW LEVEL SECURITY;
GRANT SELECT ON app.documents TO app_user, app_admin;
CREATE POLICY documents_select_staff ON app.documents FOR SELECT TO app_user
  USING (organization_id = (SELECT auth.org_id()) AND (SELECT auth.has_permission('project.read'))
         AND (SELECT auth.partner_id()) IS NULL
         AND (deleted_at IS NULL OR (SELECT auth.has_permission('trash.manage'))));
CREATE POLICY documents_select_operator ON app.documents FOR SELECT TO app_admin
  USING ((SELECT auth.is_platform_operator()));

ALTER TABLE app.document_versions ENABLE ROW LEVEL SECURITY;
ALTER TABLE app.document_versions FORCE ROW LEVEL SECURITY;
GRANT SELECT ON app.document_versions TO app_user, app_admin;
CREATE POLICY document_versions_select_staff ON app.document_versions FOR SELECT TO app_user
  USING (organization_id = (SELECT auth.org_id()) AND (SELECT auth.has_permission('project.read'))
         AND (SELECT auth.partner_id()) IS NULL);
CREATE POLICY document_versions_select_operator ON app.document_versions FOR SELECT TO app_admin
  USING ((SELECT auth.is_platform_operator()));

-- Who opened which document: the reader themselves, and auditors.
ALTER TABLE app.document_access_log ENABLE ROW LEVEL SECURITY;
ALTER TABLE app.document_access_log FORCE ROW LEVEL SECURITY;
GRANT SELECT ON app.document_access_log TO app_user, app_admin;
CREATE POLICY document_access_log_select_own_or_auditor ON app.document_access_log FOR SELECT TO app_user
  USING (organization_id = (SELECT auth.org_id()) AND (SELECT auth.partner_id()) IS NULL
         AND (user_id = (SELECT auth.user_id()) OR (SELECT auth.has_permission('audit.read'))));
CREATE POLICY document_access_log_select_operator ON app.document_access_log FOR SELECT TO app_admin
  USING ((SELECT auth.is_platform_operator()));

-- Project messages: to everyone on the project or to one recipient.
ALTER TABLE app.messages ENABLE ROW LEVEL SECURITY;
ALTER TABLE app.messages FORCE ROW LEVEL SECURITY;
GRANT SELECT ON app.messages TO app_user, app_admin;
GRANT INSERT (organization_id, project_id, recipient_id, subject, content) ON app.messages TO app_user;
CREATE POLICY messages_select_participant ON app.messages FOR SELECT TO app_user
  USING (organization_id = (SELECT auth.org_id()) AND (SELECT auth.has_permission('project.read'))
         AND (SELECT auth.partner_id()) IS NULL
         AND (recipient_id IS NULL OR recipient_id = (SELECT auth.user_id()) OR sender_id = (SELECT auth.user_id())));
CREATE POLICY messages_insert_sender ON app.messages FOR INSERT TO app_user
  WITH CHECK (organization_id = (SELECT auth.org_id()) AND (SELECT auth.check_permission('project.read'))
              AND (SELECT auth.partner_id()) IS NULL AND sender_id = (SELECT auth.user_id()));
CREATE POLICY messages_select_operator ON app.messages FOR SELECT TO app_admin
  USING ((SELECT auth.is_platform_operator()));

GRANT SELECT ON app.workflow_definition_stage_settings, app.workflow_definition_sub_stage_settings, app.project_workflow,
  app.project_overview, app.project_portfolio, app.overdue_sub_stages, app.blocked_reasons,
  app.pending_approvals_by_approver, app.approval_sla_breaches, app.approval_cycle_times, app.on_time_delivery,
  app.quality_pass_rate, app.approval_records, app.quality_records, app.customer_projects, app.customer_project_progress
  TO app_user, app_admin;

GRANT EXECUTE ON FUNCTION
  app.clone_workflow_definition(uuid, text, text),
  app.override_project_stage(uuid, uuid, text),
  app.update_progress(uuid, uuid, app.progress_action, text, jsonb, jsonb),
  app.decide_approval(uuid, app.approval_decision, text, text, text, text),
  app.reassign_approval(uuid, uuid, text),
  app.delegate_approval(uuid, text),
  app.cancel_approval(uuid, text),
  app.comment_on_approval(uuid, text),
  app.add_approval_attachment(uuid, uuid, integer),
  app.escalate_overdue_approvals(),
  app.create_document(uuid, text, app.document_category, text, text, bigint, text, text, jsonb),
  app.add_document_version(uuid, text, bigint, text, text, jsonb),
  app.log_document_access(uuid, integer, app.document_access_action),
  app.document_upload_url(uuid, integer),
  app.confirm_document_upload(uuid),
  app.document_download_url(uuid, integer)
  TO app_user;
GRANT EXECUTE ON FUNCTION app.my_approvals(), app.project_timeline(uuid) TO app_user, app_admin;

-- Fallback roles of approval routing (workflow/routing_defaults): staff
-- readers see them, workflow.manage changes them, like the chains and SLAs.
ALTER TABLE app.approval_fallbacks ENABLE ROW LEVEL SECURITY;
ALTER TABLE app.approval_fallbacks FORCE ROW LEVEL SECURITY;
GRANT SELECT ON app.approval_fallbacks TO app_user, app_admin;
GRANT INSERT (organization_id, position, role_key), UPDATE (position, role_key), DELETE ON app.approval_fallbacks TO app_user;
GRANT INSERT (id), UPDATE (organization_id, id) ON app.approval_fallbacks TO app_user;
CREATE POLICY approval_fallbacks_select_operator ON app.approval_fallbacks FOR SELECT TO app_admin
  USING ((SELECT auth.is_platform_operator()));
CREATE POLICY approval_fallbacks_select_reader ON app.approval_fallbacks FOR SELECT TO app_user
  USING (organization_id = (SELECT auth.org_id()) AND (SELECT auth.has_permission('project.read'))
         AND (SELECT auth.partner_id()) IS NULL);
CREATE POLICY approval_fallbacks_all_manager ON app.approval_fallbacks FOR ALL TO app_user
  USING (organization_id = (SELECT auth.org_id()) AND (SELECT auth.has_permission('workflow.manage'))
         AND (SELECT auth.partner_id()) IS NULL)
  WITH CHECK (organization_id = (SELECT auth.org_id()) AND (SELECT auth.check_permission('workflow.manage'))
              AND (SELECT auth.partner_id()) IS NULL);

-- Approval settings (workflow/approval_controls): one row per tenant,
-- provisioned; staff readers see it, workflow.manage changes it.
ALTER TABLE app.approval_settings ENABLE ROW LEVEL SECURITY;
ALTER TABLE app.approval_settings FORCE ROW LEVEL SECURITY;
GRANT SELECT ON app.approval_settings TO app_user, app_admin;
GRANT UPDATE (when_no_approver, backup_approver_id, reminder_percent, expiry_hours) ON app.approval_settings TO app_user;
CREATE POLICY approval_settings_select_reader ON app.approval_settings FOR SELECT TO app_user
  USING (organization_id = (SELECT auth.org_id()) AND (SELECT auth.has_permission('project.read'))
         AND (SELECT auth.partner_id()) IS NULL);
CREATE POLICY approval_settings_all_manager ON app.approval_settings FOR ALL TO app_user
  USING (organization_id = (SELECT auth.org_id()) AND (SELECT auth.has_permission('workflow.manage'))
         AND (SELECT auth.partner_id()) IS NULL)
  WITH CHECK (organization_id = (SELECT auth.org_id()) AND (SELECT auth.check_permission('workflow.manage'))
              AND (SELECT auth.partner_id()) IS NULL);
CREATE POLICY approval_settings_select_operator ON app.approval_settings FOR SELECT TO app_admin
  USING ((SELECT auth.is_platform_operator()));

-- Who approves X (60_workflow/40_approval_routing.sql): staff readers.
GRANT EXECUTE ON FUNCTION app.approval_route(app.approval_type, jsonb, uuid) TO app_user;

-- Who may see a real-time event of the workflow's topics (auth.realtime_event
-- asks these as the subscriber; contracts/events/workflow/*.schema.json).
GRANT EXECUTE ON FUNCTION auth.can_see_progress_event(jsonb) TO app_user, app_admin;
GRANT EXECUTE ON FUNCTION auth.can_see_approvals_event(jsonb) TO app_user, app_admin;

-- Documents due for disposal: the document controller's list (those who
-- keep the document rules, workflow.manage); written only by the job.
ALTER TABLE app.document_disposals ENABLE ROW LEVEL SECURITY;
ALTER TABLE app.document_disposals FORCE ROW LEVEL SECURITY;
GRANT SELECT ON app.document_disposals TO app_user, app_admin;
CREATE POLICY document_disposals_select_controller ON app.document_disposals FOR SELECT TO app_user
  USING (organization_id = (SELECT auth.org_id()) AND (SELECT auth.has_permission('workflow.manage'))
         AND (SELECT auth.partner_id()) IS NULL);
CREATE POLICY document_disposals_select_operator ON app.document_disposals FOR SELECT TO app_admin
  USING ((SELECT auth.is_platform_operator()));

-- Exit criteria of a project's current stage, met or not (60_workflow/55_exit_criteria.sql):
-- staff readers; waivers need project.waive_exit_criteria (checked in the function).
GRANT SELECT ON app.project_exit_criteria TO app_user, app_admin;
GRANT EXECUTE ON FUNCTION app.waive_exit_criterion(uuid, uuid, text) TO app_user;
