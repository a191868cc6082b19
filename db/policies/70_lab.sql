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
GRANT INSERT (id), UPDATE (organization_id, id, sample_number, sample_type_id) ON app.samples TO app_user;
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

-- KPIs (70_lab/96_kpis.sql): read-only views that filter by the caller.
GRANT SELECT ON app.lab_kpi_turnaround, app.lab_kpi_backlog, app.lab_kpi_oos_rate, app.lab_kpi_run_failures,
                app.lab_kpi_instrument_utilization, app.lab_kpi_investigation_aging TO app_user, app_admin;
-- The lab's notebook (70_lab/40_eln.sql). Templates are configuration:
-- staff read them, lab.configure writes them (a draft may be deleted).
-- Entries are site-scoped like samples: eln.read tenant-wide or at the
-- entry's site; eln.write to create one (its author) and to link it; the
-- rest (author only, draft only) is the entries' _200_prepare trigger.
-- Versions are inserted by the author and never updated or deleted;
-- signatures are written only by app.sign_eln_entry; both are read with
-- their entry. Portal customers see nothing of the notebook.
ALTER TABLE app.eln_templates ENABLE ROW LEVEL SECURITY;
ALTER TABLE app.eln_templates FORCE ROW LEVEL SECURITY;
GRANT SELECT ON app.eln_templates TO app_user;
GRANT INSERT (organization_id, code, name, description, sections),
      UPDATE (name, description, sections, status),
      DELETE ON app.eln_templates TO app_user;
GRANT INSERT (id), UPDATE (organization_id, id, code, version) ON app.eln_templates TO app_user;
GRANT SELECT, INSERT, UPDATE, DELETE ON app.eln_templates TO app_admin;
CREATE POLICY eln_templates_select_staff ON app.eln_templates FOR SELECT TO app_user
  USING (organization_id = (SELECT auth.org_id()) AND (SELECT auth.partner_id()) IS NULL);
CREATE POLICY eln_templates_insert_configurer ON app.eln_templates FOR INSERT TO app_user
  WITH CHECK (organization_id = (SELECT auth.org_id()) AND (SELECT auth.check_permission('lab.configure')));
CREATE POLICY eln_templates_update_configurer ON app.eln_templates FOR UPDATE TO app_user
  USING (organization_id = (SELECT auth.org_id()) AND (SELECT auth.has_permission('lab.configure')))
  WITH CHECK (organization_id = (SELECT auth.org_id()));
CREATE POLICY eln_templates_delete_configurer ON app.eln_templates FOR DELETE TO app_user
  USING (organization_id = (SELECT auth.org_id()) AND (SELECT auth.has_permission('lab.configure')) AND status = 'draft');
CREATE POLICY eln_templates_all_operator ON app.eln_templates FOR ALL TO app_admin
  USING ((SELECT auth.is_platform_operator())) WITH CHECK ((SELECT auth.is_platform_operator()));

ALTER TABLE app.eln_entries ENABLE ROW LEVEL SECURITY;
ALTER TABLE app.eln_entries FORCE ROW LEVEL SECURITY;
GRANT SELECT ON app.eln_entries TO app_user;
GRANT INSERT (organization_id, entry_number, title, template_id, site_id, project_id, service_request_id),
      UPDATE (title, template_id, site_id, project_id, service_request_id)
   ON app.eln_entries TO app_user;
GRANT INSERT (id), UPDATE (organization_id, id, entry_number) ON app.eln_entries TO app_user;
GRANT SELECT, INSERT, UPDATE, DELETE ON app.eln_entries TO app_admin;
CREATE POLICY eln_entries_select_reader ON app.eln_entries FOR SELECT TO app_user
  USING (organization_id = (SELECT auth.org_id()) AND (SELECT auth.partner_id()) IS NULL
         AND ((SELECT auth.has_permission('eln.read'))
              OR site_id = ANY ((SELECT auth.permitted_site_ids('eln.read'))::uuid[])));
CREATE POLICY eln_entries_insert_writer ON app.eln_entries FOR INSERT TO app_user
  WITH CHECK (organization_id = (SELECT auth.org_id()) AND (SELECT auth.partner_id()) IS NULL
              AND ((SELECT auth.has_permission('eln.write'))
                   OR site_id = ANY ((SELECT auth.permitted_site_ids('eln.write'))::uuid[])));
CREATE POLICY eln_entries_update_author ON app.eln_entries FOR UPDATE TO app_user
  USING (organization_id = (SELECT auth.org_id()) AND (SELECT auth.partner_id()) IS NULL AND author_id = (SELECT auth.user_id())
         AND ((SELECT auth.has_permission('eln.write'))
              OR site_id = ANY ((SELECT auth.permitted_site_ids('eln.write'))::uuid[])))
  WITH CHECK (organization_id = (SELECT auth.org_id())
              AND ((SELECT auth.has_permission('eln.write'))
                   OR site_id = ANY ((SELECT auth.permitted_site_ids('eln.write'))::uuid[])));
CREATE POLICY eln_entries_all_operator ON app.eln_entries FOR ALL TO app_admin
  USING ((SELECT auth.is_platform_operator())) WITH CHECK ((SELECT auth.is_platform_operator()));

ALTER TABLE app.eln_entry_versions ENABLE ROW LEVEL SECURITY;
ALTER TABLE app.eln_entry_versions FORCE ROW LEVEL SECURITY;
GRANT SELECT ON app.eln_entry_versions TO app_user;
GRANT INSERT (organization_id, id, entry_id, content, attachments, amendment_reason) ON app.eln_entry_versions TO app_user;
GRANT SELECT, INSERT, UPDATE, DELETE ON app.eln_entry_versions TO app_admin;
CREATE POLICY eln_entry_versions_select_reader ON app.eln_entry_versions FOR SELECT TO app_user
  USING (organization_id = (SELECT auth.org_id())
         AND EXISTS (SELECT FROM app.eln_entries AS e WHERE e.organization_id = eln_entry_versions.organization_id AND e.id = eln_entry_versions.entry_id));
CREATE POLICY eln_entry_versions_insert_author ON app.eln_entry_versions FOR INSERT TO app_user
  WITH CHECK (organization_id = (SELECT auth.org_id())
              AND EXISTS (SELECT FROM app.eln_entries AS e WHERE e.organization_id = eln_entry_versions.organization_id
                             AND e.id = eln_entry_versions.entry_id AND e.author_id = (SELECT auth.user_id())));
CREATE POLICY eln_entry_versions_all_operator ON app.eln_entry_versions FOR ALL TO app_admin
  USING ((SELECT auth.is_platform_operator())) WITH CHECK ((SELECT auth.is_platform_operator()));

ALTER TABLE app.eln_signatures ENABLE ROW LEVEL SECURITY;
ALTER TABLE app.eln_signatures FORCE ROW LEVEL SECURITY;
GRANT SELECT ON app.eln_signatures TO app_user;
GRANT SELECT, INSERT, UPDATE, DELETE ON app.eln_signatures TO app_admin;
CREATE POLICY eln_signatures_select_reader ON app.eln_signatures FOR SELECT TO app_user
  USING (organization_id = (SELECT auth.org_id())
         AND EXISTS (SELECT FROM app.eln_entries AS e WHERE e.organization_id = eln_signatures.organization_id AND e.id = eln_signatures.entry_id));
CREATE POLICY eln_signatures_all_operator ON app.eln_signatures FOR ALL TO app_admin
  USING ((SELECT auth.is_platform_operator())) WITH CHECK ((SELECT auth.is_platform_operator()));

-- A link is seen with its entry; inserting one also needs the linked record
-- to be the caller's to see (auth.check_entity, PT404 entity.not_found).
ALTER TABLE app.eln_links ENABLE ROW LEVEL SECURITY;
ALTER TABLE app.eln_links FORCE ROW LEVEL SECURITY;
GRANT SELECT ON app.eln_links TO app_user;
GRANT INSERT (organization_id, id, entry_id, entity_type, entity_id, note), DELETE ON app.eln_links TO app_user;
GRANT SELECT, INSERT, UPDATE, DELETE ON app.eln_links TO app_admin;
CREATE POLICY eln_links_select_reader ON app.eln_links FOR SELECT TO app_user
  USING (organization_id = (SELECT auth.org_id())
         AND EXISTS (SELECT FROM app.eln_entries AS e WHERE e.organization_id = eln_links.organization_id AND e.id = eln_links.entry_id));
CREATE POLICY eln_links_insert_writer ON app.eln_links FOR INSERT TO app_user
  WITH CHECK (organization_id = (SELECT auth.org_id())
              AND EXISTS (SELECT FROM app.eln_entries AS e WHERE e.organization_id = eln_links.organization_id AND e.id = eln_links.entry_id
                             AND ((SELECT auth.has_permission('eln.write'))
                                  OR e.site_id = ANY ((SELECT auth.permitted_site_ids('eln.write'))::uuid[])))
              AND (SELECT auth.check_entity(entity_type, entity_id)));
CREATE POLICY eln_links_delete_writer ON app.eln_links FOR DELETE TO app_user
  USING (organization_id = (SELECT auth.org_id())
         AND EXISTS (SELECT FROM app.eln_entries AS e WHERE e.organization_id = eln_links.organization_id AND e.id = eln_links.entry_id
                        AND ((SELECT auth.has_permission('eln.write'))
                             OR e.site_id = ANY ((SELECT auth.permitted_site_ids('eln.write'))::uuid[]))));
CREATE POLICY eln_links_all_operator ON app.eln_links FOR ALL TO app_admin
  USING ((SELECT auth.is_platform_operator())) WITH CHECK ((SELECT auth.is_platform_operator()));

GRANT EXECUTE ON FUNCTION app.sign_eln_entry(uuid, integer, app.eln_signature_meaning, text, text) TO app_user;
GRANT EXECUTE ON FUNCTION app.eln_entry_diff(uuid, integer, integer) TO app_user;
-- Certificates of analysis (lab/certificates, 70_lab/90_certificates.sql) ----
-- Read by staff who may read samples (sample.read tenant-wide, or at the
-- certificate's site) and by the customer's portal users; written only by
-- app.issue_certificate / app.reissue_certificate (certificate.issue at every
-- sample's site) and the PDF worker. A revision is read with its certificate.
ALTER TABLE app.certificates ENABLE ROW LEVEL SECURITY;
ALTER TABLE app.certificates FORCE ROW LEVEL SECURITY;
GRANT SELECT ON app.certificates TO app_user;
GRANT SELECT, INSERT, UPDATE, DELETE ON app.certificates TO app_admin;
CREATE POLICY certificates_select_reader ON app.certificates FOR SELECT TO app_user
  USING (organization_id = (SELECT auth.org_id()) AND (SELECT auth.partner_id()) IS NULL
         AND ((SELECT auth.has_permission('sample.read'))
              OR site_id = ANY ((SELECT auth.permitted_site_ids('sample.read'))::uuid[])));
CREATE POLICY certificates_select_customer ON app.certificates FOR SELECT TO app_user
  USING (organization_id = (SELECT auth.org_id()) AND partner_id = (SELECT auth.partner_id()));
CREATE POLICY certificates_all_operator ON app.certificates FOR ALL TO app_admin
  USING ((SELECT auth.is_platform_operator())) WITH CHECK ((SELECT auth.is_platform_operator()));

ALTER TABLE app.certificate_versions ENABLE ROW LEVEL SECURITY;
ALTER TABLE app.certificate_versions FORCE ROW LEVEL SECURITY;
GRANT SELECT ON app.certificate_versions TO app_user;
GRANT SELECT, INSERT, UPDATE, DELETE ON app.certificate_versions TO app_admin;
CREATE POLICY certificate_versions_select_reader ON app.certificate_versions FOR SELECT TO app_user
  USING (organization_id = (SELECT auth.org_id())
         AND EXISTS (SELECT FROM app.certificates AS c
                      WHERE c.organization_id = certificate_versions.organization_id AND c.id = certificate_versions.certificate_id));
CREATE POLICY certificate_versions_all_operator ON app.certificate_versions FOR ALL TO app_admin
  USING ((SELECT auth.is_platform_operator())) WITH CHECK ((SELECT auth.is_platform_operator()));

GRANT EXECUTE ON FUNCTION app.issue_certificate(uuid, text, text, text), app.reissue_certificate(uuid, text, text),
  app.retry_certificate_render(uuid), app.certificate_pdf_url(uuid, integer), auth.sign_certificate_pdf(uuid, integer) TO app_user;

-- The lab's real-time channel (70_lab/95_events.sql).
GRANT EXECUTE ON FUNCTION auth.lab_entity_types(), auth.can_see_lab_event(jsonb) TO app_user, app_admin;
-- Instrument scheduling (70_lab/80_scheduling.sql) -------------------------
-- Which qualifications operate a class: staff read it, equipment.manage
-- writes it (like the classes themselves).
ALTER TABLE app.equipment_class_qualifications ENABLE ROW LEVEL SECURITY;
ALTER TABLE app.equipment_class_qualifications FORCE ROW LEVEL SECURITY;
GRANT SELECT, DELETE ON app.equipment_class_qualifications TO app_user;
GRANT INSERT (organization_id, class_id, qualification_id) ON app.equipment_class_qualifications TO app_user;
GRANT SELECT, INSERT, UPDATE, DELETE ON app.equipment_class_qualifications TO app_admin;
CREATE POLICY equipment_class_qualifications_select_staff ON app.equipment_class_qualifications FOR SELECT TO app_user
  USING (organization_id = (SELECT auth.org_id()) AND (SELECT auth.partner_id()) IS NULL);
CREATE POLICY equipment_class_qualifications_insert_manager ON app.equipment_class_qualifications FOR INSERT TO app_user
  WITH CHECK (organization_id = (SELECT auth.org_id()) AND (SELECT auth.check_permission('equipment.manage')));
CREATE POLICY equipment_class_qualifications_delete_manager ON app.equipment_class_qualifications FOR DELETE TO app_user
  USING (organization_id = (SELECT auth.org_id()) AND (SELECT auth.has_permission('equipment.manage')));
CREATE POLICY equipment_class_qualifications_all_operator ON app.equipment_class_qualifications FOR ALL TO app_admin
  USING ((SELECT auth.is_platform_operator())) WITH CHECK ((SELECT auth.is_platform_operator()));

-- Blocks are seen with their instrument (equipment.read tenant-wide or at its
-- site) and written with instrument.schedule tenant-wide or at its site.
ALTER TABLE app.instrument_blocks ENABLE ROW LEVEL SECURITY;
ALTER TABLE app.instrument_blocks FORCE ROW LEVEL SECURITY;
GRANT SELECT, DELETE ON app.instrument_blocks TO app_user;
GRANT INSERT (organization_id, equipment_id, kind, title, first_start, duration, time_zone, recurrence, notes),
      UPDATE (equipment_id, kind, title, first_start, duration, time_zone, recurrence, notes)
   ON app.instrument_blocks TO app_user;
GRANT INSERT (id), UPDATE (organization_id, id) ON app.instrument_blocks TO app_user;
GRANT SELECT, INSERT, UPDATE, DELETE ON app.instrument_blocks TO app_admin;
CREATE POLICY instrument_blocks_select_reader ON app.instrument_blocks FOR SELECT TO app_user
  USING (organization_id = (SELECT auth.org_id())
         AND EXISTS (SELECT FROM app.equipment AS e WHERE e.organization_id = instrument_blocks.organization_id AND e.id = instrument_blocks.equipment_id));
CREATE POLICY instrument_blocks_insert_scheduler ON app.instrument_blocks FOR INSERT TO app_user
  WITH CHECK (organization_id = (SELECT auth.org_id())
              AND EXISTS (SELECT FROM app.equipment AS e WHERE e.organization_id = instrument_blocks.organization_id AND e.id = instrument_blocks.equipment_id
                             AND ((SELECT auth.has_permission('instrument.schedule'))
                                  OR e.site_id = ANY ((SELECT auth.permitted_site_ids('instrument.schedule'))::uuid[]))));
CREATE POLICY instrument_blocks_update_scheduler ON app.instrument_blocks FOR UPDATE TO app_user
  USING (organization_id = (SELECT auth.org_id())
         AND EXISTS (SELECT FROM app.equipment AS e WHERE e.organization_id = instrument_blocks.organization_id AND e.id = instrument_blocks.equipment_id
                        AND ((SELECT auth.has_permission('instrument.schedule'))
                             OR e.site_id = ANY ((SELECT auth.permitted_site_ids('instrument.schedule'))::uuid[]))))
  WITH CHECK (organization_id = (SELECT auth.org_id()));
CREATE POLICY instrument_blocks_delete_scheduler ON app.instrument_blocks FOR DELETE TO app_user
  USING (organization_id = (SELECT auth.org_id())
         AND EXISTS (SELECT FROM app.equipment AS e WHERE e.organization_id = instrument_blocks.organization_id AND e.id = instrument_blocks.equipment_id
                        AND ((SELECT auth.has_permission('instrument.schedule'))
                             OR e.site_id = ANY ((SELECT auth.permitted_site_ids('instrument.schedule'))::uuid[]))));
CREATE POLICY instrument_blocks_all_operator ON app.instrument_blocks FOR ALL TO app_admin
  USING ((SELECT auth.is_platform_operator())) WITH CHECK ((SELECT auth.is_platform_operator()));

-- A reservation row (with its purpose) is seen by its operator and booker and
-- by schedulers of the instrument; everyone else who may see the instrument
-- sees only when it is taken (app.instrument_calendar, app.instrument_availability).
-- Inserted by bookers (the _200_prepare trigger checks instrument.book at the
-- site and every booking rule); the status changes only through
-- app.cancel_instrument_reservation (no UPDATE grant on it); never deleted.
ALTER TABLE app.instrument_reservations ENABLE ROW LEVEL SECURITY;
ALTER TABLE app.instrument_reservations FORCE ROW LEVEL SECURITY;
GRANT SELECT ON app.instrument_reservations TO app_user;
GRANT INSERT (organization_id, equipment_id, user_id, purpose, during, entity_type, entity_id),
      UPDATE (equipment_id, user_id, purpose, during, entity_type, entity_id)
   ON app.instrument_reservations TO app_user;
GRANT INSERT (id), UPDATE (organization_id, id) ON app.instrument_reservations TO app_user;
GRANT SELECT, INSERT, UPDATE, DELETE ON app.instrument_reservations TO app_admin;
CREATE POLICY instrument_reservations_select_involved ON app.instrument_reservations FOR SELECT TO app_user
  USING (organization_id = (SELECT auth.org_id())
         AND (user_id = (SELECT auth.user_id()) OR booked_by = (SELECT auth.user_id())
              OR EXISTS (SELECT FROM app.equipment AS e WHERE e.organization_id = instrument_reservations.organization_id
                            AND e.id = instrument_reservations.equipment_id
                            AND ((SELECT auth.has_permission('instrument.schedule'))
                                 OR e.site_id = ANY ((SELECT auth.permitted_site_ids('instrument.schedule'))::uuid[])))));
CREATE POLICY instrument_reservations_insert_booker ON app.instrument_reservations FOR INSERT TO app_user
  WITH CHECK (organization_id = (SELECT auth.org_id()) AND (SELECT auth.partner_id()) IS NULL
              AND (entity_id IS NULL OR (SELECT auth.check_entity(entity_type, entity_id))));
CREATE POLICY instrument_reservations_update_involved ON app.instrument_reservations FOR UPDATE TO app_user
  USING (organization_id = (SELECT auth.org_id())
         AND (user_id = (SELECT auth.user_id()) OR booked_by = (SELECT auth.user_id())
              OR EXISTS (SELECT FROM app.equipment AS e WHERE e.organization_id = instrument_reservations.organization_id
                            AND e.id = instrument_reservations.equipment_id
                            AND ((SELECT auth.has_permission('instrument.schedule'))
                                 OR e.site_id = ANY ((SELECT auth.permitted_site_ids('instrument.schedule'))::uuid[])))))
  WITH CHECK (organization_id = (SELECT auth.org_id())
              AND (entity_id IS NULL OR (SELECT auth.check_entity(entity_type, entity_id))));
CREATE POLICY instrument_reservations_all_operator ON app.instrument_reservations FOR ALL TO app_admin
  USING ((SELECT auth.is_platform_operator())) WITH CHECK ((SELECT auth.is_platform_operator()));

GRANT EXECUTE ON FUNCTION app.book_instrument(uuid, timestamptz, timestamptz, text, uuid, text, uuid),
                          app.cancel_instrument_reservation(uuid, text),
                          app.instrument_availability(uuid[], timestamptz, timestamptz, interval),
                          app.instrument_calendar(uuid[], timestamptz, timestamptz) TO app_user, app_admin;
-- Samples part: receipt, status history, lineage, retention, disposal
-- (db/functions/70_lab/20_receipt.sql, 22_lineage.sql, 24_retention.sql).
-- All written only by the lab's SECURITY DEFINER RPCs (no INSERT, UPDATE or
-- DELETE grant to members; append-only triggers); read by whoever may see
-- the sample they are about (the EXISTS reads app.samples under its own
-- policies, as the caller: a portal user sees their partner's samples').
-- A lineage edge is seen when both of its samples are.
ALTER TABLE app.sample_receipts ENABLE ROW LEVEL SECURITY;
ALTER TABLE app.sample_receipts FORCE ROW LEVEL SECURITY;
GRANT SELECT ON app.sample_receipts TO app_user;
GRANT SELECT ON app.sample_receipts TO app_admin;
CREATE POLICY sample_receipts_select_reader ON app.sample_receipts FOR SELECT TO app_user
  USING (organization_id = (SELECT auth.org_id())
         AND EXISTS (SELECT FROM app.samples AS s WHERE s.organization_id = sample_receipts.organization_id AND s.id = sample_receipts.sample_id));
CREATE POLICY sample_receipts_select_operator ON app.sample_receipts FOR SELECT TO app_admin
  USING ((SELECT auth.is_platform_operator()));

ALTER TABLE app.sample_status_changes ENABLE ROW LEVEL SECURITY;
ALTER TABLE app.sample_status_changes FORCE ROW LEVEL SECURITY;
GRANT SELECT ON app.sample_status_changes TO app_user;
GRANT SELECT ON app.sample_status_changes TO app_admin;
CREATE POLICY sample_status_changes_select_reader ON app.sample_status_changes FOR SELECT TO app_user
  USING (organization_id = (SELECT auth.org_id())
         AND EXISTS (SELECT FROM app.samples AS s WHERE s.organization_id = sample_status_changes.organization_id AND s.id = sample_status_changes.sample_id));
CREATE POLICY sample_status_changes_select_operator ON app.sample_status_changes FOR SELECT TO app_admin
  USING ((SELECT auth.is_platform_operator()));

ALTER TABLE app.sample_lineage_links ENABLE ROW LEVEL SECURITY;
ALTER TABLE app.sample_lineage_links FORCE ROW LEVEL SECURITY;
GRANT SELECT ON app.sample_lineage_links TO app_user;
GRANT SELECT ON app.sample_lineage_links TO app_admin;
CREATE POLICY sample_lineage_links_select_reader ON app.sample_lineage_links FOR SELECT TO app_user
  USING (organization_id = (SELECT auth.org_id())
         AND EXISTS (SELECT FROM app.samples AS s WHERE s.organization_id = sample_lineage_links.organization_id AND s.id = sample_lineage_links.child_id)
         AND EXISTS (SELECT FROM app.samples AS s WHERE s.organization_id = sample_lineage_links.organization_id AND s.id = sample_lineage_links.parent_id));
CREATE POLICY sample_lineage_links_select_operator ON app.sample_lineage_links FOR SELECT TO app_admin
  USING ((SELECT auth.is_platform_operator()));

ALTER TABLE app.sample_retentions ENABLE ROW LEVEL SECURITY;
ALTER TABLE app.sample_retentions FORCE ROW LEVEL SECURITY;
GRANT SELECT ON app.sample_retentions TO app_user;
GRANT SELECT, INSERT, UPDATE, DELETE ON app.sample_retentions TO app_admin;
CREATE POLICY sample_retentions_select_reader ON app.sample_retentions FOR SELECT TO app_user
  USING (organization_id = (SELECT auth.org_id())
         AND EXISTS (SELECT FROM app.samples AS s WHERE s.organization_id = sample_retentions.organization_id AND s.id = sample_retentions.retained_sample_id));
CREATE POLICY sample_retentions_all_operator ON app.sample_retentions FOR ALL TO app_admin
  USING ((SELECT auth.is_platform_operator())) WITH CHECK ((SELECT auth.is_platform_operator()));

ALTER TABLE app.sample_disposals ENABLE ROW LEVEL SECURITY;
ALTER TABLE app.sample_disposals FORCE ROW LEVEL SECURITY;
GRANT SELECT ON app.sample_disposals TO app_user;
GRANT SELECT ON app.sample_disposals TO app_admin;
CREATE POLICY sample_disposals_select_reader ON app.sample_disposals FOR SELECT TO app_user
  USING (organization_id = (SELECT auth.org_id())
         AND EXISTS (SELECT FROM app.samples AS s WHERE s.organization_id = sample_disposals.organization_id AND s.id = sample_disposals.sample_id));
CREATE POLICY sample_disposals_select_operator ON app.sample_disposals FOR SELECT TO app_admin
  USING ((SELECT auth.is_platform_operator()));

GRANT SELECT ON app.samples_due_for_disposal TO app_user, app_admin;
GRANT EXECUTE ON FUNCTION app.receive_samples(jsonb), app.reject_sample(uuid, text, text), app.invalidate_sample(uuid, text),
  app.retest_sample(uuid, text), app.split_sample(uuid, app.sample_lineage_kind, jsonb), app.pool_samples(jsonb, uuid, text, text),
  app.sample_lineage(uuid, text, integer), app.retain_sample(uuid, numeric, text, text), app.dispose_sample(uuid, text, text)
  TO app_user;
-- Runs (worksheets) with QC (70_lab/60_runs.sql). Site-scoped by the
-- instrument's site: staff who read samples there read the runs, result.enter
-- builds them (the triggers check the run's and the sample's site with the
-- reason); status and QC verdicts change only through the run RPCs. Portal
-- users see no runs.
ALTER TABLE app.runs ENABLE ROW LEVEL SECURITY;
ALTER TABLE app.runs FORCE ROW LEVEL SECURITY;
GRANT SELECT ON app.runs TO app_user;
GRANT INSERT (organization_id, run_number, test_code, equipment_id, notes), UPDATE (notes), DELETE ON app.runs TO app_user;
GRANT INSERT (id), UPDATE (organization_id, id, run_number, test_code, equipment_id) ON app.runs TO app_user;
GRANT SELECT, INSERT, UPDATE, DELETE ON app.runs TO app_admin;
CREATE POLICY runs_select_reader ON app.runs FOR SELECT TO app_user
  USING (organization_id = (SELECT auth.org_id()) AND (SELECT auth.partner_id()) IS NULL
         AND ((SELECT auth.has_permission('sample.read'))
              OR site_id = ANY ((SELECT auth.permitted_site_ids('sample.read'))::uuid[])
              OR site_id = ANY ((SELECT auth.permitted_site_ids('result.enter'))::uuid[])));
CREATE POLICY runs_insert_analyst ON app.runs FOR INSERT TO app_user
  WITH CHECK (organization_id = (SELECT auth.org_id()) AND (SELECT auth.partner_id()) IS NULL
              AND ((SELECT auth.has_permission('result.enter'))
                   OR site_id = ANY ((SELECT auth.permitted_site_ids('result.enter'))::uuid[])));
CREATE POLICY runs_update_analyst ON app.runs FOR UPDATE TO app_user
  USING (organization_id = (SELECT auth.org_id()) AND (SELECT auth.partner_id()) IS NULL
         AND ((SELECT auth.has_permission('result.enter'))
              OR site_id = ANY ((SELECT auth.permitted_site_ids('result.enter'))::uuid[])))
  WITH CHECK (organization_id = (SELECT auth.org_id()));
-- An open run (nothing measured yet) may be deleted; after that it is a record.
CREATE POLICY runs_delete_analyst ON app.runs FOR DELETE TO app_user
  USING (organization_id = (SELECT auth.org_id()) AND (SELECT auth.partner_id()) IS NULL AND status = 'open'
         AND ((SELECT auth.has_permission('result.enter'))
              OR site_id = ANY ((SELECT auth.permitted_site_ids('result.enter'))::uuid[])));
CREATE POLICY runs_all_operator ON app.runs FOR ALL TO app_admin
  USING ((SELECT auth.is_platform_operator())) WITH CHECK ((SELECT auth.is_platform_operator()));

-- A run's worksheet lines and QC samples are seen with the run (the EXISTS
-- reads app.runs under its own policies, as the caller).
ALTER TABLE app.run_analyses ENABLE ROW LEVEL SECURITY;
ALTER TABLE app.run_analyses FORCE ROW LEVEL SECURITY;
GRANT SELECT ON app.run_analyses TO app_user;
GRANT INSERT (organization_id, run_id, analysis_id, position), DELETE ON app.run_analyses TO app_user;
GRANT INSERT (id) ON app.run_analyses TO app_user;
GRANT SELECT, INSERT, UPDATE, DELETE ON app.run_analyses TO app_admin;
CREATE POLICY run_analyses_select_reader ON app.run_analyses FOR SELECT TO app_user
  USING (organization_id = (SELECT auth.org_id())
         AND EXISTS (SELECT FROM app.runs AS r WHERE r.organization_id = run_analyses.organization_id AND r.id = run_analyses.run_id));
CREATE POLICY run_analyses_insert_analyst ON app.run_analyses FOR INSERT TO app_user
  WITH CHECK (organization_id = (SELECT auth.org_id()) AND (SELECT auth.partner_id()) IS NULL
              AND EXISTS (SELECT FROM app.runs AS r WHERE r.organization_id = run_analyses.organization_id AND r.id = run_analyses.run_id
                             AND ((SELECT auth.has_permission('result.enter'))
                                  OR r.site_id = ANY ((SELECT auth.permitted_site_ids('result.enter'))::uuid[]))));
CREATE POLICY run_analyses_delete_analyst ON app.run_analyses FOR DELETE TO app_user
  USING (organization_id = (SELECT auth.org_id()) AND (SELECT auth.partner_id()) IS NULL
         AND EXISTS (SELECT FROM app.runs AS r WHERE r.organization_id = run_analyses.organization_id AND r.id = run_analyses.run_id
                        AND ((SELECT auth.has_permission('result.enter'))
                             OR r.site_id = ANY ((SELECT auth.permitted_site_ids('result.enter'))::uuid[]))));
CREATE POLICY run_analyses_all_operator ON app.run_analyses FOR ALL TO app_admin
  USING ((SELECT auth.is_platform_operator())) WITH CHECK ((SELECT auth.is_platform_operator()));

ALTER TABLE app.run_qc_samples ENABLE ROW LEVEL SECURITY;
ALTER TABLE app.run_qc_samples FORCE ROW LEVEL SECURITY;
GRANT SELECT ON app.run_qc_samples TO app_user;
GRANT INSERT (organization_id, run_id, kind, label, lot, duplicate_of_id, expected_value, tolerance, min_value, max_value, max_rpd, unit),
      UPDATE (label, lot, duplicate_of_id, expected_value, tolerance, min_value, max_value, max_rpd, unit),
      DELETE ON app.run_qc_samples TO app_user;
GRANT INSERT (id), UPDATE (organization_id, id, run_id, kind) ON app.run_qc_samples TO app_user;
GRANT SELECT, INSERT, UPDATE, DELETE ON app.run_qc_samples TO app_admin;
CREATE POLICY run_qc_samples_select_reader ON app.run_qc_samples FOR SELECT TO app_user
  USING (organization_id = (SELECT auth.org_id())
         AND EXISTS (SELECT FROM app.runs AS r WHERE r.organization_id = run_qc_samples.organization_id AND r.id = run_qc_samples.run_id));
CREATE POLICY run_qc_samples_insert_analyst ON app.run_qc_samples FOR INSERT TO app_user
  WITH CHECK (organization_id = (SELECT auth.org_id()) AND (SELECT auth.partner_id()) IS NULL
              AND EXISTS (SELECT FROM app.runs AS r WHERE r.organization_id = run_qc_samples.organization_id AND r.id = run_qc_samples.run_id
                             AND ((SELECT auth.has_permission('result.enter'))
                                  OR r.site_id = ANY ((SELECT auth.permitted_site_ids('result.enter'))::uuid[]))));
CREATE POLICY run_qc_samples_update_analyst ON app.run_qc_samples FOR UPDATE TO app_user
  USING (organization_id = (SELECT auth.org_id()) AND (SELECT auth.partner_id()) IS NULL
         AND EXISTS (SELECT FROM app.runs AS r WHERE r.organization_id = run_qc_samples.organization_id AND r.id = run_qc_samples.run_id
                        AND ((SELECT auth.has_permission('result.enter'))
                             OR r.site_id = ANY ((SELECT auth.permitted_site_ids('result.enter'))::uuid[]))))
  WITH CHECK (organization_id = (SELECT auth.org_id()));
CREATE POLICY run_qc_samples_delete_analyst ON app.run_qc_samples FOR DELETE TO app_user
  USING (organization_id = (SELECT auth.org_id()) AND (SELECT auth.partner_id()) IS NULL
         AND EXISTS (SELECT FROM app.runs AS r WHERE r.organization_id = run_qc_samples.organization_id AND r.id = run_qc_samples.run_id
                        AND ((SELECT auth.has_permission('result.enter'))
                             OR r.site_id = ANY ((SELECT auth.permitted_site_ids('result.enter'))::uuid[]))));
CREATE POLICY run_qc_samples_all_operator ON app.run_qc_samples FOR ALL TO app_admin
  USING ((SELECT auth.is_platform_operator())) WITH CHECK ((SELECT auth.is_platform_operator()));

GRANT EXECUTE ON FUNCTION app.start_run(uuid), app.complete_run(uuid), app.accept_run(uuid), app.fail_run(uuid, text),
  app.record_qc_value(uuid, numeric) TO app_user;

-- Instrument data ingest (70_lab/66_ingest.sql): staff with result.enter at
-- the instrument's site send imports and read them (their rows with them);
-- the rows and outcomes are written by app.ingest_results only. Portal users
-- never see imports.
ALTER TABLE app.instrument_imports ENABLE ROW LEVEL SECURITY;
ALTER TABLE app.instrument_imports FORCE ROW LEVEL SECURITY;
GRANT SELECT ON app.instrument_imports TO app_user;
GRANT INSERT (organization_id, equipment_id, external_run_id, run_id, rows, source, raw_data_key, raw_data_sha256) ON app.instrument_imports TO app_user;
GRANT INSERT (id) ON app.instrument_imports TO app_user;
GRANT SELECT, INSERT, UPDATE, DELETE ON app.instrument_imports TO app_admin;
CREATE POLICY instrument_imports_select_analyst ON app.instrument_imports FOR SELECT TO app_user
  USING (organization_id = (SELECT auth.org_id()) AND (SELECT auth.partner_id()) IS NULL
         AND ((SELECT auth.has_permission('result.enter'))
              OR site_id = ANY ((SELECT auth.permitted_site_ids('result.enter'))::uuid[])));
CREATE POLICY instrument_imports_insert_analyst ON app.instrument_imports FOR INSERT TO app_user
  WITH CHECK (organization_id = (SELECT auth.org_id()) AND (SELECT auth.partner_id()) IS NULL
              AND ((SELECT auth.has_permission('result.enter'))
                   OR site_id = ANY ((SELECT auth.permitted_site_ids('result.enter'))::uuid[])));
CREATE POLICY instrument_imports_all_operator ON app.instrument_imports FOR ALL TO app_admin
  USING ((SELECT auth.is_platform_operator())) WITH CHECK ((SELECT auth.is_platform_operator()));

ALTER TABLE app.instrument_import_rows ENABLE ROW LEVEL SECURITY;
ALTER TABLE app.instrument_import_rows FORCE ROW LEVEL SECURITY;
GRANT SELECT ON app.instrument_import_rows TO app_user;
GRANT SELECT, INSERT, UPDATE, DELETE ON app.instrument_import_rows TO app_admin;
CREATE POLICY instrument_import_rows_select_analyst ON app.instrument_import_rows FOR SELECT TO app_user
  USING (organization_id = (SELECT auth.org_id())
         AND EXISTS (SELECT FROM app.instrument_imports AS i WHERE i.organization_id = instrument_import_rows.organization_id
                        AND i.id = instrument_import_rows.import_id));
CREATE POLICY instrument_import_rows_all_operator ON app.instrument_import_rows FOR ALL TO app_admin
  USING ((SELECT auth.is_platform_operator())) WITH CHECK ((SELECT auth.is_platform_operator()));

GRANT EXECUTE ON FUNCTION app.ingest_results(uuid) TO app_user;
-- Results part (lab/results, lab/oos) ---------------------------------------

-- OOS investigations are seen by staff who see the sample (a customer's
-- portal users do not see them); opened by the result's trigger and changed
-- only by the OOS RPCs (76_oos.sql), so no write grant.
ALTER TABLE app.oos_investigations ENABLE ROW LEVEL SECURITY;
ALTER TABLE app.oos_investigations FORCE ROW LEVEL SECURITY;
GRANT SELECT ON app.oos_investigations TO app_user;
GRANT SELECT, INSERT, UPDATE, DELETE ON app.oos_investigations TO app_admin;
CREATE POLICY oos_investigations_select_staff ON app.oos_investigations FOR SELECT TO app_user
  USING (organization_id = (SELECT auth.org_id()) AND (SELECT auth.partner_id()) IS NULL
         AND EXISTS (SELECT FROM app.samples AS s WHERE s.organization_id = oos_investigations.organization_id AND s.id = oos_investigations.sample_id));
CREATE POLICY oos_investigations_all_operator ON app.oos_investigations FOR ALL TO app_admin
  USING ((SELECT auth.is_platform_operator())) WITH CHECK ((SELECT auth.is_platform_operator()));

-- The results part's RPCs: each checks its caller (permission at the sample's site, four eyes, signature).
GRANT EXECUTE ON FUNCTION
  app.record_result(uuid, jsonb, text, uuid, timestamptz, text, text, text),
  app.results_since_last_good_calibration(uuid),
  app.review_result(uuid, jsonb),
  app.release_result(uuid, jsonb),
  app.amend_result(uuid, jsonb, text, jsonb, text),
  app.decide_oos_phase_1(uuid, boolean, text, jsonb),
  app.open_oos_capa(uuid, text, text, uuid, date),
  app.close_oos_investigation(uuid, text, text, jsonb)
  TO app_user;
-- The SECURITY DEFINER halves of app.open_oos_capa (which runs as the caller for app.open_capa).
GRANT EXECUTE ON FUNCTION auth.oos_capa_allowed(uuid), auth.link_oos_capa(uuid, uuid) TO app_user;
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

-- Storage, custody and reagents (70_lab/30_storage.sql, 32_custody.sql,
-- 34_reagents.sql). Storage locations are site-scoped like samples: read
-- with sample.read, written with storage.manage, tenant-wide or at the
-- location's site. Custody events are seen with their sample and written
-- only by app.move_sample / app.hand_over_sample (no write grant). The
-- reagent catalog and lots are read by staff and kept with reagent.manage;
-- remaining_quantity has no UPDATE grant (app.use_reagent only). Reagent
-- uses are seen by whoever may see what they were used for.
ALTER TABLE app.storage_locations ENABLE ROW LEVEL SECURITY;
ALTER TABLE app.storage_locations FORCE ROW LEVEL SECURITY;
GRANT SELECT ON app.storage_locations TO app_user;
GRANT INSERT (organization_id, parent_id, site_id, kind, code, name, capacity, min_celsius, max_celsius, is_active),
      UPDATE (parent_id, site_id, code, name, capacity, min_celsius, max_celsius, is_active),
      DELETE ON app.storage_locations TO app_user;
GRANT INSERT (id), UPDATE (organization_id, id, kind) ON app.storage_locations TO app_user;
GRANT SELECT, INSERT, UPDATE, DELETE ON app.storage_locations TO app_admin;
CREATE POLICY storage_locations_select_reader ON app.storage_locations FOR SELECT TO app_user
  USING (organization_id = (SELECT auth.org_id()) AND (SELECT auth.partner_id()) IS NULL
         AND ((SELECT auth.has_permission('sample.read'))
              OR site_id = ANY ((SELECT auth.permitted_site_ids('sample.read'))::uuid[])));
CREATE POLICY storage_locations_insert_manager ON app.storage_locations FOR INSERT TO app_user
  WITH CHECK (organization_id = (SELECT auth.org_id()) AND (SELECT auth.partner_id()) IS NULL
              AND ((SELECT auth.has_permission('storage.manage'))
                   OR site_id = ANY ((SELECT auth.permitted_site_ids('storage.manage'))::uuid[])));
CREATE POLICY storage_locations_update_manager ON app.storage_locations FOR UPDATE TO app_user
  USING (organization_id = (SELECT auth.org_id()) AND (SELECT auth.partner_id()) IS NULL
         AND ((SELECT auth.has_permission('storage.manage'))
              OR site_id = ANY ((SELECT auth.permitted_site_ids('storage.manage'))::uuid[])))
  WITH CHECK (organization_id = (SELECT auth.org_id())
              AND ((SELECT auth.has_permission('storage.manage'))
                   OR site_id = ANY ((SELECT auth.permitted_site_ids('storage.manage'))::uuid[])));
CREATE POLICY storage_locations_delete_manager ON app.storage_locations FOR DELETE TO app_user
  USING (organization_id = (SELECT auth.org_id()) AND (SELECT auth.partner_id()) IS NULL
         AND ((SELECT auth.has_permission('storage.manage'))
              OR site_id = ANY ((SELECT auth.permitted_site_ids('storage.manage'))::uuid[])));
CREATE POLICY storage_locations_all_operator ON app.storage_locations FOR ALL TO app_admin
  USING ((SELECT auth.is_platform_operator())) WITH CHECK ((SELECT auth.is_platform_operator()));
GRANT SELECT ON app.storage_location_occupancy TO app_user, app_admin;

ALTER TABLE app.custody_events ENABLE ROW LEVEL SECURITY;
ALTER TABLE app.custody_events FORCE ROW LEVEL SECURITY;
GRANT SELECT ON app.custody_events TO app_user, app_admin;
CREATE POLICY custody_events_select_reader ON app.custody_events FOR SELECT TO app_user
  USING (organization_id = (SELECT auth.org_id())
         AND EXISTS (SELECT FROM app.samples AS s WHERE s.organization_id = custody_events.organization_id AND s.id = custody_events.sample_id));
CREATE POLICY custody_events_select_operator ON app.custody_events FOR SELECT TO app_admin
  USING ((SELECT auth.is_platform_operator()));
GRANT EXECUTE ON FUNCTION app.move_sample(uuid, uuid, text, text, jsonb), app.hand_over_sample(uuid, text, uuid, text, text, jsonb) TO app_user;

ALTER TABLE app.reagent_items ENABLE ROW LEVEL SECURITY;
ALTER TABLE app.reagent_items FORCE ROW LEVEL SECURITY;
GRANT SELECT ON app.reagent_items TO app_user;
GRANT INSERT (organization_id, code, name, kind, unit, low_stock_threshold, catalog_number, is_active),
      UPDATE (code, name, kind, low_stock_threshold, catalog_number, is_active),
      DELETE ON app.reagent_items TO app_user;
GRANT INSERT (id), UPDATE (organization_id, id, unit) ON app.reagent_items TO app_user;
GRANT SELECT, INSERT, UPDATE, DELETE ON app.reagent_items TO app_admin;
CREATE POLICY reagent_items_select_staff ON app.reagent_items FOR SELECT TO app_user
  USING (organization_id = (SELECT auth.org_id()) AND (SELECT auth.partner_id()) IS NULL);
CREATE POLICY reagent_items_insert_manager ON app.reagent_items FOR INSERT TO app_user
  WITH CHECK (organization_id = (SELECT auth.org_id()) AND (SELECT auth.check_permission('reagent.manage')));
CREATE POLICY reagent_items_update_manager ON app.reagent_items FOR UPDATE TO app_user
  USING (organization_id = (SELECT auth.org_id()) AND (SELECT auth.has_permission('reagent.manage')))
  WITH CHECK (organization_id = (SELECT auth.org_id()));
CREATE POLICY reagent_items_delete_manager ON app.reagent_items FOR DELETE TO app_user
  USING (organization_id = (SELECT auth.org_id()) AND (SELECT auth.has_permission('reagent.manage')));
CREATE POLICY reagent_items_all_operator ON app.reagent_items FOR ALL TO app_admin
  USING ((SELECT auth.is_platform_operator())) WITH CHECK ((SELECT auth.is_platform_operator()));

ALTER TABLE app.reagent_lots ENABLE ROW LEVEL SECURITY;
ALTER TABLE app.reagent_lots FORCE ROW LEVEL SECURITY;
GRANT SELECT ON app.reagent_lots TO app_user;
GRANT INSERT (organization_id, item_id, lot_number, supplier_id, received_on, expires_on, received_quantity, unit, status, status_reason,
              storage_location_id),
      UPDATE (lot_number, supplier_id, received_on, expires_on, status, status_reason, storage_location_id)
   ON app.reagent_lots TO app_user;
GRANT INSERT (id), UPDATE (organization_id, id, item_id, unit, received_quantity) ON app.reagent_lots TO app_user;
GRANT SELECT, INSERT, UPDATE, DELETE ON app.reagent_lots TO app_admin;
CREATE POLICY reagent_lots_select_staff ON app.reagent_lots FOR SELECT TO app_user
  USING (organization_id = (SELECT auth.org_id()) AND (SELECT auth.partner_id()) IS NULL);
CREATE POLICY reagent_lots_insert_manager ON app.reagent_lots FOR INSERT TO app_user
  WITH CHECK (organization_id = (SELECT auth.org_id()) AND (SELECT auth.check_permission('reagent.manage')));
CREATE POLICY reagent_lots_update_manager ON app.reagent_lots FOR UPDATE TO app_user
  USING (organization_id = (SELECT auth.org_id()) AND (SELECT auth.has_permission('reagent.manage')))
  WITH CHECK (organization_id = (SELECT auth.org_id()));
CREATE POLICY reagent_lots_all_operator ON app.reagent_lots FOR ALL TO app_admin
  USING ((SELECT auth.is_platform_operator())) WITH CHECK ((SELECT auth.is_platform_operator()));
GRANT SELECT ON app.reagent_stock TO app_user, app_admin;
GRANT EXECUTE ON FUNCTION app.reagent_lots_effective_status(app.reagent_lots) TO app_user, app_admin;

ALTER TABLE app.reagent_uses ENABLE ROW LEVEL SECURITY;
ALTER TABLE app.reagent_uses FORCE ROW LEVEL SECURITY;
GRANT SELECT ON app.reagent_uses TO app_user, app_admin;
CREATE POLICY reagent_uses_select_entity ON app.reagent_uses FOR SELECT TO app_user
  USING (organization_id = (SELECT auth.org_id()) AND (SELECT auth.can_see_entity(entity_type, entity_id)));
CREATE POLICY reagent_uses_select_operator ON app.reagent_uses FOR SELECT TO app_admin
  USING ((SELECT auth.is_platform_operator()));
GRANT EXECUTE ON FUNCTION app.use_reagent(uuid, numeric, text, text, uuid) TO app_user;
GRANT EXECUTE ON FUNCTION auth.reagent_use(uuid, numeric, text, text, uuid) TO app_user;
