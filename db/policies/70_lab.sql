-- The lab (db/functions/70_lab). Configuration (sample types, test
-- versions) is read by every staff member and changed with lab.configure.
-- Service requests and samples are site-scoped like equipment: sample.read
-- (or service_request.manage / sample.manage to write) tenant-wide or at the
-- row's site (auth.permitted_site_ids); rows without a site need the
-- tenant-wide permission. The site-dependent write checks, with their
-- reasons, are the tables' _200_prepare triggers; the policies say the same
-- as booleans. A customer's portal users read their own partner's requests
-- and samples and nothing else of the lab. Statuses change only through the
-- lab's RPCs (no UPDATE grant on status). Platform operators read
-- everything (*_all_operator).

ALTER TABLE app.sample_types ENABLE ROW LEVEL SECURITY;
ALTER TABLE app.sample_types FORCE ROW LEVEL SECURITY;
GRANT SELECT ON app.sample_types TO app_user;
GRANT INSERT (organization_id, code, name, labels, default_unit, storage_min_celsius, storage_max_celsius, retention_days, is_active),
      UPDATE (code, name, labels, default_unit, storage_min_celsius, storage_max_celsius, retention_days, is_active),
      DELETE ON app.sample_types TO app_user;
GRANT INSERT (id), UPDATE (organization_id, id) ON app.sample_types TO app_user;
GRANT SELECT, INSERT, UPDATE, DELETE ON app.sample_types TO app_admin;
CREATE POLICY sample_types_select_staff ON app.sample_types FOR SELECT TO app_user
  USING (organization_id = (SELECT auth.org_id()) AND (SELECT auth.partner_id()) IS NULL);
CREATE POLICY sample_types_insert_configurer ON app.sample_types FOR INSERT TO app_user
  WITH CHECK (organization_id = (SELECT auth.org_id()) AND (SELECT auth.check_permission('lab.configure')));
CREATE POLICY sample_types_update_configurer ON app.sample_types FOR UPDATE TO app_user
  USING (organization_id = (SELECT auth.org_id()) AND (SELECT auth.has_permission('lab.configure')))
  WITH CHECK (organization_id = (SELECT auth.org_id()));
CREATE POLICY sample_types_delete_configurer ON app.sample_types FOR DELETE TO app_user
  USING (organization_id = (SELECT auth.org_id()) AND (SELECT auth.has_permission('lab.configure')));
CREATE POLICY sample_types_all_operator ON app.sample_types FOR ALL TO app_admin
  USING ((SELECT auth.is_platform_operator())) WITH CHECK ((SELECT auth.is_platform_operator()));

ALTER TABLE app.lab_tests ENABLE ROW LEVEL SECURITY;
ALTER TABLE app.lab_tests FORCE ROW LEVEL SECURITY;
GRANT SELECT ON app.lab_tests TO app_user;
GRANT INSERT (organization_id, code, version, name, labels, description, method, unit, result_schema, turnaround_days, equipment_class_id),
      UPDATE (name, labels, description, method, unit, result_schema, turnaround_days, equipment_class_id, status),
      DELETE ON app.lab_tests TO app_user;
GRANT INSERT (id), UPDATE (organization_id, id, code, version) ON app.lab_tests TO app_user;
GRANT SELECT, INSERT, UPDATE, DELETE ON app.lab_tests TO app_admin;
CREATE POLICY lab_tests_select_staff ON app.lab_tests FOR SELECT TO app_user
  USING (organization_id = (SELECT auth.org_id()) AND (SELECT auth.partner_id()) IS NULL);
CREATE POLICY lab_tests_insert_configurer ON app.lab_tests FOR INSERT TO app_user
  WITH CHECK (organization_id = (SELECT auth.org_id()) AND (SELECT auth.check_permission('lab.configure')));
CREATE POLICY lab_tests_update_configurer ON app.lab_tests FOR UPDATE TO app_user
  USING (organization_id = (SELECT auth.org_id()) AND (SELECT auth.has_permission('lab.configure')))
  WITH CHECK (organization_id = (SELECT auth.org_id()));
-- Only a draft may be deleted: a published version may already be in use.
CREATE POLICY lab_tests_delete_configurer ON app.lab_tests FOR DELETE TO app_user
  USING (organization_id = (SELECT auth.org_id()) AND (SELECT auth.has_permission('lab.configure')) AND status = 'draft');
CREATE POLICY lab_tests_all_operator ON app.lab_tests FOR ALL TO app_admin
  USING ((SELECT auth.is_platform_operator())) WITH CHECK ((SELECT auth.is_platform_operator()));

ALTER TABLE app.specifications ENABLE ROW LEVEL SECURITY;
ALTER TABLE app.specifications FORCE ROW LEVEL SECURITY;
GRANT SELECT ON app.specifications TO app_user;
GRANT INSERT (organization_id, code, name, product, sample_type_id, partner_id, is_active),
      UPDATE (code, name, product, sample_type_id, partner_id, is_active),
      DELETE ON app.specifications TO app_user;
GRANT INSERT (id), UPDATE (organization_id, id) ON app.specifications TO app_user;
GRANT SELECT, INSERT, UPDATE, DELETE ON app.specifications TO app_admin;
CREATE POLICY specifications_select_staff ON app.specifications FOR SELECT TO app_user
  USING (organization_id = (SELECT auth.org_id()) AND (SELECT auth.partner_id()) IS NULL);
CREATE POLICY specifications_insert_configurer ON app.specifications FOR INSERT TO app_user
  WITH CHECK (organization_id = (SELECT auth.org_id()) AND (SELECT auth.check_permission('lab.configure')));
CREATE POLICY specifications_update_configurer ON app.specifications FOR UPDATE TO app_user
  USING (organization_id = (SELECT auth.org_id()) AND (SELECT auth.has_permission('lab.configure')))
  WITH CHECK (organization_id = (SELECT auth.org_id()));
CREATE POLICY specifications_delete_configurer ON app.specifications FOR DELETE TO app_user
  USING (organization_id = (SELECT auth.org_id()) AND (SELECT auth.has_permission('lab.configure')));
CREATE POLICY specifications_all_operator ON app.specifications FOR ALL TO app_admin
  USING ((SELECT auth.is_platform_operator())) WITH CHECK ((SELECT auth.is_platform_operator()));

ALTER TABLE app.specification_limits ENABLE ROW LEVEL SECURITY;
ALTER TABLE app.specification_limits FORCE ROW LEVEL SECURITY;
GRANT SELECT ON app.specification_limits TO app_user;
GRANT INSERT (organization_id, specification_id, test_code, unit, action_low, warning_low, warning_high, action_high, expected_text),
      UPDATE (unit, action_low, warning_low, warning_high, action_high, expected_text),
      DELETE ON app.specification_limits TO app_user;
GRANT INSERT (id), UPDATE (organization_id, id, specification_id, test_code) ON app.specification_limits TO app_user;
GRANT SELECT, INSERT, UPDATE, DELETE ON app.specification_limits TO app_admin;
CREATE POLICY specification_limits_select_staff ON app.specification_limits FOR SELECT TO app_user
  USING (organization_id = (SELECT auth.org_id()) AND (SELECT auth.partner_id()) IS NULL);
CREATE POLICY specification_limits_insert_configurer ON app.specification_limits FOR INSERT TO app_user
  WITH CHECK (organization_id = (SELECT auth.org_id()) AND (SELECT auth.check_permission('lab.configure')));
CREATE POLICY specification_limits_update_configurer ON app.specification_limits FOR UPDATE TO app_user
  USING (organization_id = (SELECT auth.org_id()) AND (SELECT auth.has_permission('lab.configure')))
  WITH CHECK (organization_id = (SELECT auth.org_id()));
CREATE POLICY specification_limits_delete_configurer ON app.specification_limits FOR DELETE TO app_user
  USING (organization_id = (SELECT auth.org_id()) AND (SELECT auth.has_permission('lab.configure')));
CREATE POLICY specification_limits_all_operator ON app.specification_limits FOR ALL TO app_admin
  USING ((SELECT auth.is_platform_operator())) WITH CHECK ((SELECT auth.is_platform_operator()));

ALTER TABLE app.service_requests ENABLE ROW LEVEL SECURITY;
ALTER TABLE app.service_requests FORCE ROW LEVEL SECURITY;
GRANT SELECT ON app.service_requests TO app_user;
GRANT INSERT (organization_id, request_number, title, partner_id, project_id, site_id, requested_tests, notes, due_at),
      UPDATE (title, partner_id, project_id, site_id, requested_tests, notes, due_at)
   ON app.service_requests TO app_user;
GRANT INSERT (id), UPDATE (organization_id, id, request_number) ON app.service_requests TO app_user;
GRANT SELECT, INSERT, UPDATE, DELETE ON app.service_requests TO app_admin;
CREATE POLICY service_requests_select_reader ON app.service_requests FOR SELECT TO app_user
  USING (organization_id = (SELECT auth.org_id()) AND (SELECT auth.partner_id()) IS NULL
         AND ((SELECT auth.has_permission('sample.read'))
              OR site_id = ANY ((SELECT auth.permitted_site_ids('sample.read'))::uuid[])));
CREATE POLICY service_requests_select_customer ON app.service_requests FOR SELECT TO app_user
  USING (organization_id = (SELECT auth.org_id()) AND partner_id = (SELECT auth.partner_id()));
CREATE POLICY service_requests_insert_manager ON app.service_requests FOR INSERT TO app_user
  WITH CHECK (organization_id = (SELECT auth.org_id()) AND (SELECT auth.partner_id()) IS NULL
              AND ((SELECT auth.has_permission('service_request.manage'))
                   OR site_id = ANY ((SELECT auth.permitted_site_ids('service_request.manage'))::uuid[])));
CREATE POLICY service_requests_update_manager ON app.service_requests FOR UPDATE TO app_user
  USING (organization_id = (SELECT auth.org_id()) AND (SELECT auth.partner_id()) IS NULL
         AND ((SELECT auth.has_permission('service_request.manage'))
              OR site_id = ANY ((SELECT auth.permitted_site_ids('service_request.manage'))::uuid[])))
  WITH CHECK (organization_id = (SELECT auth.org_id())
              AND ((SELECT auth.has_permission('service_request.manage'))
                   OR site_id = ANY ((SELECT auth.permitted_site_ids('service_request.manage'))::uuid[])));
CREATE POLICY service_requests_all_operator ON app.service_requests FOR ALL TO app_admin
  USING ((SELECT auth.is_platform_operator())) WITH CHECK ((SELECT auth.is_platform_operator()));

ALTER TABLE app.samples ENABLE ROW LEVEL SECURITY;
ALTER TABLE app.samples FORCE ROW LEVEL SECURITY;
GRANT SELECT ON app.samples TO app_user;
GRANT INSERT (organization_id, sample_number, barcode, sample_type_id, description, site_id, partner_id, project_id, service_request_id,
              collected_at, quantity, unit, custom_fields),
      UPDATE (description, site_id, partner_id, project_id, service_request_id, collected_at, custom_fields),
      DELETE ON app.samples TO app_user;
GRANT INSERT (id), UPDATE (organization_id, id, sample_number) ON app.samples TO app_user;
GRANT SELECT, INSERT, UPDATE, DELETE ON app.samples TO app_admin;
CREATE POLICY samples_select_reader ON app.samples FOR SELECT TO app_user
  USING (organization_id = (SELECT auth.org_id()) AND (SELECT auth.partner_id()) IS NULL
         AND ((SELECT auth.has_permission('sample.read'))
              OR site_id = ANY ((SELECT auth.permitted_site_ids('sample.read'))::uuid[])));
CREATE POLICY samples_select_customer ON app.samples FOR SELECT TO app_user
  USING (organization_id = (SELECT auth.org_id()) AND partner_id = (SELECT auth.partner_id()));
CREATE POLICY samples_insert_handler ON app.samples FOR INSERT TO app_user
  WITH CHECK (organization_id = (SELECT auth.org_id()) AND (SELECT auth.partner_id()) IS NULL
              AND ((SELECT auth.has_permission('sample.manage'))
                   OR site_id = ANY ((SELECT auth.permitted_site_ids('sample.manage'))::uuid[])));
CREATE POLICY samples_update_handler ON app.samples FOR UPDATE TO app_user
  USING (organization_id = (SELECT auth.org_id()) AND (SELECT auth.partner_id()) IS NULL
         AND ((SELECT auth.has_permission('sample.manage'))
              OR site_id = ANY ((SELECT auth.permitted_site_ids('sample.manage'))::uuid[])))
  WITH CHECK (organization_id = (SELECT auth.org_id())
              AND ((SELECT auth.has_permission('sample.manage'))
                   OR site_id = ANY ((SELECT auth.permitted_site_ids('sample.manage'))::uuid[])));
-- A sample registered by mistake may be deleted until it is received; after that it is a record (dispose of it).
CREATE POLICY samples_delete_handler ON app.samples FOR DELETE TO app_user
  USING (organization_id = (SELECT auth.org_id()) AND (SELECT auth.partner_id()) IS NULL AND status = 'registered'
         AND ((SELECT auth.has_permission('sample.manage'))
              OR site_id = ANY ((SELECT auth.permitted_site_ids('sample.manage'))::uuid[])));
CREATE POLICY samples_all_operator ON app.samples FOR ALL TO app_admin
  USING ((SELECT auth.is_platform_operator())) WITH CHECK ((SELECT auth.is_platform_operator()));

-- Analyses are seen with their sample (the EXISTS reads app.samples under
-- its own policies, as the caller: a portal user sees the analyses of their
-- partner's samples). Written by sample handlers at the sample's site.
ALTER TABLE app.analyses ENABLE ROW LEVEL SECURITY;
ALTER TABLE app.analyses FORCE ROW LEVEL SECURITY;
GRANT SELECT ON app.analyses TO app_user;
GRANT INSERT (organization_id, sample_id, lab_test_id, assigned_to, due_at, retest_of_id),
      UPDATE (assigned_to, due_at)
   ON app.analyses TO app_user;
GRANT INSERT (id), UPDATE (organization_id, id, sample_id, lab_test_id, retest_of_id) ON app.analyses TO app_user;
GRANT SELECT, INSERT, UPDATE, DELETE ON app.analyses TO app_admin;
CREATE POLICY analyses_select_reader ON app.analyses FOR SELECT TO app_user
  USING (organization_id = (SELECT auth.org_id())
         AND EXISTS (SELECT FROM app.samples AS s WHERE s.organization_id = analyses.organization_id AND s.id = analyses.sample_id));
CREATE POLICY analyses_insert_handler ON app.analyses FOR INSERT TO app_user
  WITH CHECK (organization_id = (SELECT auth.org_id()) AND (SELECT auth.partner_id()) IS NULL
              AND EXISTS (SELECT FROM app.samples AS s WHERE s.organization_id = analyses.organization_id AND s.id = analyses.sample_id
                             AND ((SELECT auth.has_permission('sample.manage'))
                                  OR s.site_id = ANY ((SELECT auth.permitted_site_ids('sample.manage'))::uuid[]))));
CREATE POLICY analyses_update_handler ON app.analyses FOR UPDATE TO app_user
  USING (organization_id = (SELECT auth.org_id()) AND (SELECT auth.partner_id()) IS NULL
         AND EXISTS (SELECT FROM app.samples AS s WHERE s.organization_id = analyses.organization_id AND s.id = analyses.sample_id
                        AND ((SELECT auth.has_permission('sample.manage'))
                             OR s.site_id = ANY ((SELECT auth.permitted_site_ids('sample.manage'))::uuid[]))))
  WITH CHECK (organization_id = (SELECT auth.org_id()));
CREATE POLICY analyses_all_operator ON app.analyses FOR ALL TO app_admin
  USING ((SELECT auth.is_platform_operator())) WITH CHECK ((SELECT auth.is_platform_operator()));

-- Results are seen with their sample; a customer's portal users see only
-- released ones. Written only through the lab's RPCs.
ALTER TABLE app.results ENABLE ROW LEVEL SECURITY;
ALTER TABLE app.results FORCE ROW LEVEL SECURITY;
GRANT SELECT ON app.results TO app_user;
GRANT SELECT, INSERT, UPDATE, DELETE ON app.results TO app_admin;
CREATE POLICY results_select_reader ON app.results FOR SELECT TO app_user
  USING (organization_id = (SELECT auth.org_id())
         AND ((SELECT auth.partner_id()) IS NULL OR status = 'released')
         AND EXISTS (SELECT FROM app.samples AS s WHERE s.organization_id = results.organization_id AND s.id = results.sample_id));
CREATE POLICY results_all_operator ON app.results FOR ALL TO app_admin
  USING ((SELECT auth.is_platform_operator())) WITH CHECK ((SELECT auth.is_platform_operator()));

-- Service requests, SOP templates and tasks, work queues (the sop part:
-- 70_lab/50_service_requests.sql, 52_sop_tasks.sql, 54_work_queues.sql).
-- A request's status and its workflow stamps change only through
-- app.submit_service_request, accept_service_request, cancel_service_request
-- and the samples' trigger (no UPDATE grant on them).
GRANT EXECUTE ON FUNCTION app.submit_service_request(text, text[], uuid, uuid, uuid, text) TO app_user;
GRANT EXECUTE ON FUNCTION app.accept_service_request(uuid) TO app_user;
GRANT EXECUTE ON FUNCTION app.cancel_service_request(uuid, text) TO app_user;

-- SOP templates, their steps and dependencies are the lab's configuration:
-- every staff member reads them (to perform them), sop.manage writes them;
-- only a draft's steps change (the triggers) and only a draft is deleted.
ALTER TABLE app.sop_templates ENABLE ROW LEVEL SECURITY;
ALTER TABLE app.sop_templates FORCE ROW LEVEL SECURITY;
GRANT SELECT ON app.sop_templates TO app_user;
GRANT INSERT (organization_id, code, version, title, description, document_id, document_version_id, qualification_id),
      UPDATE (title, description, document_id, document_version_id, qualification_id, status),
      DELETE ON app.sop_templates TO app_user;
GRANT INSERT (id), UPDATE (organization_id, id, code, version) ON app.sop_templates TO app_user;
GRANT SELECT, INSERT, UPDATE, DELETE ON app.sop_templates TO app_admin;
CREATE POLICY sop_templates_select_staff ON app.sop_templates FOR SELECT TO app_user
  USING (organization_id = (SELECT auth.org_id()) AND (SELECT auth.partner_id()) IS NULL);
CREATE POLICY sop_templates_insert_author ON app.sop_templates FOR INSERT TO app_user
  WITH CHECK (organization_id = (SELECT auth.org_id()) AND (SELECT auth.check_permission('sop.manage')));
CREATE POLICY sop_templates_update_author ON app.sop_templates FOR UPDATE TO app_user
  USING (organization_id = (SELECT auth.org_id()) AND (SELECT auth.has_permission('sop.manage')))
  WITH CHECK (organization_id = (SELECT auth.org_id()));
CREATE POLICY sop_templates_delete_author ON app.sop_templates FOR DELETE TO app_user
  USING (organization_id = (SELECT auth.org_id()) AND (SELECT auth.has_permission('sop.manage')) AND status = 'draft');
CREATE POLICY sop_templates_all_operator ON app.sop_templates FOR ALL TO app_admin
  USING ((SELECT auth.is_platform_operator())) WITH CHECK ((SELECT auth.is_platform_operator()));

ALTER TABLE app.sop_steps ENABLE ROW LEVEL SECURITY;
ALTER TABLE app.sop_steps FORCE ROW LEVEL SECURITY;
GRANT SELECT ON app.sop_steps TO app_user;
GRANT INSERT (organization_id, template_id, position, title, instructions, checks, qualification_id),
      UPDATE (position, title, instructions, checks, qualification_id),
      DELETE ON app.sop_steps TO app_user;
GRANT INSERT (id), UPDATE (organization_id, id, template_id) ON app.sop_steps TO app_user;
GRANT SELECT, INSERT, UPDATE, DELETE ON app.sop_steps TO app_admin;
CREATE POLICY sop_steps_select_staff ON app.sop_steps FOR SELECT TO app_user
  USING (organization_id = (SELECT auth.org_id()) AND (SELECT auth.partner_id()) IS NULL);
CREATE POLICY sop_steps_insert_author ON app.sop_steps FOR INSERT TO app_user
  WITH CHECK (organization_id = (SELECT auth.org_id()) AND (SELECT auth.check_permission('sop.manage')));
CREATE POLICY sop_steps_update_author ON app.sop_steps FOR UPDATE TO app_user
  USING (organization_id = (SELECT auth.org_id()) AND (SELECT auth.has_permission('sop.manage')))
  WITH CHECK (organization_id = (SELECT auth.org_id()));
CREATE POLICY sop_steps_delete_author ON app.sop_steps FOR DELETE TO app_user
  USING (organization_id = (SELECT auth.org_id()) AND (SELECT auth.has_permission('sop.manage')));
CREATE POLICY sop_steps_all_operator ON app.sop_steps FOR ALL TO app_admin
  USING ((SELECT auth.is_platform_operator())) WITH CHECK ((SELECT auth.is_platform_operator()));

ALTER TABLE app.sop_step_dependencies ENABLE ROW LEVEL SECURITY;
ALTER TABLE app.sop_step_dependencies FORCE ROW LEVEL SECURITY;
GRANT SELECT ON app.sop_step_dependencies TO app_user;
GRANT INSERT (organization_id, template_id, step_id, depends_on_step_id), DELETE ON app.sop_step_dependencies TO app_user;
GRANT INSERT (id) ON app.sop_step_dependencies TO app_user;
GRANT SELECT, INSERT, UPDATE, DELETE ON app.sop_step_dependencies TO app_admin;
CREATE POLICY sop_step_dependencies_select_staff ON app.sop_step_dependencies FOR SELECT TO app_user
  USING (organization_id = (SELECT auth.org_id()) AND (SELECT auth.partner_id()) IS NULL);
CREATE POLICY sop_step_dependencies_insert_author ON app.sop_step_dependencies FOR INSERT TO app_user
  WITH CHECK (organization_id = (SELECT auth.org_id()) AND (SELECT auth.check_permission('sop.manage')));
CREATE POLICY sop_step_dependencies_delete_author ON app.sop_step_dependencies FOR DELETE TO app_user
  USING (organization_id = (SELECT auth.org_id()) AND (SELECT auth.has_permission('sop.manage')));
CREATE POLICY sop_step_dependencies_all_operator ON app.sop_step_dependencies FOR ALL TO app_admin
  USING ((SELECT auth.is_platform_operator())) WITH CHECK ((SELECT auth.is_platform_operator()));

-- SOP tasks are site-scoped like samples: read with sample.read (tenant-wide
-- or at the task's site) or by the assignee, as far as the caller may see
-- the entity the task is on; created, assigned and rescheduled with
-- task.manage; the status moves through the step RPCs and
-- app.cancel_sop_task (no UPDATE grant on it).
ALTER TABLE app.sop_tasks ENABLE ROW LEVEL SECURITY;
ALTER TABLE app.sop_tasks FORCE ROW LEVEL SECURITY;
GRANT SELECT ON app.sop_tasks TO app_user;
GRANT INSERT (organization_id, task_number, template_id, entity_type, entity_id, assigned_to, due_at),
      UPDATE (assigned_to, due_at)
   ON app.sop_tasks TO app_user;
GRANT INSERT (id), UPDATE (organization_id, id, task_number, template_id, entity_type, entity_id) ON app.sop_tasks TO app_user;
GRANT SELECT, INSERT, UPDATE, DELETE ON app.sop_tasks TO app_admin;
CREATE POLICY sop_tasks_select_staff ON app.sop_tasks FOR SELECT TO app_user
  USING (organization_id = (SELECT auth.org_id()) AND (SELECT auth.partner_id()) IS NULL
         AND (assigned_to = (SELECT auth.user_id()) OR (SELECT auth.has_permission('sample.read'))
              OR site_id = ANY ((SELECT auth.permitted_site_ids('sample.read'))::uuid[]))
         AND (SELECT auth.can_see_entity(entity_type, entity_id)));
CREATE POLICY sop_tasks_insert_manager ON app.sop_tasks FOR INSERT TO app_user
  WITH CHECK (organization_id = (SELECT auth.org_id()) AND (SELECT auth.partner_id()) IS NULL
              AND (SELECT auth.check_entity(entity_type, entity_id)));
CREATE POLICY sop_tasks_update_manager ON app.sop_tasks FOR UPDATE TO app_user
  USING (organization_id = (SELECT auth.org_id()) AND (SELECT auth.partner_id()) IS NULL
         AND ((SELECT auth.has_permission('task.manage'))
              OR site_id = ANY ((SELECT auth.permitted_site_ids('task.manage'))::uuid[])))
  WITH CHECK (organization_id = (SELECT auth.org_id()));
CREATE POLICY sop_tasks_all_operator ON app.sop_tasks FOR ALL TO app_admin
  USING ((SELECT auth.is_platform_operator())) WITH CHECK ((SELECT auth.is_platform_operator()));
GRANT EXECUTE ON FUNCTION app.cancel_sop_task(uuid, text) TO app_user;

-- A task's steps are seen with their task (the EXISTS reads app.sop_tasks
-- under its own policies, as the caller); written only by
-- app.start_sop_step and app.complete_sop_step.
ALTER TABLE app.sop_task_steps ENABLE ROW LEVEL SECURITY;
ALTER TABLE app.sop_task_steps FORCE ROW LEVEL SECURITY;
GRANT SELECT ON app.sop_task_steps TO app_user;
GRANT SELECT, INSERT, UPDATE, DELETE ON app.sop_task_steps TO app_admin;
CREATE POLICY sop_task_steps_select_task_reader ON app.sop_task_steps FOR SELECT TO app_user
  USING (organization_id = (SELECT auth.org_id())
         AND EXISTS (SELECT FROM app.sop_tasks AS t WHERE t.organization_id = sop_task_steps.organization_id AND t.id = sop_task_steps.task_id));
CREATE POLICY sop_task_steps_all_operator ON app.sop_task_steps FOR ALL TO app_admin
  USING ((SELECT auth.is_platform_operator())) WITH CHECK ((SELECT auth.is_platform_operator()));
GRANT EXECUTE ON FUNCTION app.start_sop_step(uuid) TO app_user;
GRANT EXECUTE ON FUNCTION app.complete_sop_step(uuid, jsonb, text) TO app_user;

-- Work queues and SLA views: security_invoker, so the tables' policies above decide.
GRANT EXECUTE ON FUNCTION auth.lab_sla_state(timestamptz, timestamptz) TO app_user, app_admin;
GRANT SELECT ON app.lab_work_queue TO app_user, app_admin;
GRANT SELECT ON app.lab_sla TO app_user, app_admin;
GRANT SELECT ON app.lab_sla_by_assignee TO app_user, app_admin;
