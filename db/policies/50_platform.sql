-- Notifications: each user reads and marks their own, in the active tenant;
-- the server writes them (app_private.notify). Platform operators read every
-- tenant's.
ALTER TABLE app.notifications ENABLE ROW LEVEL SECURITY;
ALTER TABLE app.notifications FORCE ROW LEVEL SECURITY;
GRANT SELECT ON app.notifications TO app_user, app_admin;
GRANT UPDATE (read_at), DELETE ON app.notifications TO app_user;
CREATE POLICY notifications_own ON app.notifications FOR ALL TO app_user
  USING (organization_id = (SELECT auth.org_id()) AND user_id = (SELECT auth.user_id()))
  WITH CHECK (organization_id = (SELECT auth.org_id()) AND user_id = (SELECT auth.user_id()));
CREATE POLICY notifications_select_operator ON app.notifications FOR SELECT TO app_admin
  USING ((SELECT auth.is_platform_operator()));

GRANT EXECUTE ON FUNCTION app.mark_notification_read(uuid), app.mark_all_notifications_read() TO app_user;

-- E-mail notifications (22_email.sql): each person reads their own
-- preferences and delivery log in the active tenant and sets preferences by
-- RPC; the system writes deliveries. Anyone holding an unsubscribe link uses
-- it. Platform operators read every tenant's.
ALTER TABLE app.notification_preferences ENABLE ROW LEVEL SECURITY;
ALTER TABLE app.notification_preferences FORCE ROW LEVEL SECURITY;
GRANT SELECT ON app.notification_preferences TO app_user, app_admin;
CREATE POLICY notification_preferences_select_own ON app.notification_preferences FOR SELECT TO app_user
  USING (organization_id = (SELECT auth.org_id()) AND user_id = (SELECT auth.user_id()));
CREATE POLICY notification_preferences_select_operator ON app.notification_preferences FOR SELECT TO app_admin
  USING ((SELECT auth.is_platform_operator()));
ALTER TABLE app.email_deliveries ENABLE ROW LEVEL SECURITY;
ALTER TABLE app.email_deliveries FORCE ROW LEVEL SECURITY;
GRANT SELECT ON app.email_deliveries TO app_user, app_admin;
CREATE POLICY email_deliveries_select_own ON app.email_deliveries FOR SELECT TO app_user
  USING (organization_id = (SELECT auth.org_id()) AND user_id = (SELECT auth.user_id()));
CREATE POLICY email_deliveries_select_operator ON app.email_deliveries FOR SELECT TO app_admin
  USING ((SELECT auth.is_platform_operator()));
-- Who may invite sees how the tenant's invitation mails went (their body
-- never holds the token: 23_email_digest.sql).
CREATE POLICY email_deliveries_select_invitations ON app.email_deliveries FOR SELECT TO app_user
  USING (organization_id = (SELECT auth.org_id()) AND category = 'invitation' AND (SELECT auth.has_permission('membership.manage')));
GRANT EXECUTE ON FUNCTION app.set_notification_preference(app.notification_type, app.notification_channel) TO app_user;
GRANT EXECUTE ON FUNCTION app.set_notification_channel(app.notification_channel) TO app_user;
GRANT EXECUTE ON FUNCTION app.unsubscribe_email(text) TO anon, app_user, app_admin;

GRANT EXECUTE ON FUNCTION auth.holds_any_role(text[]) TO app_user, app_admin;

GRANT EXECUTE ON FUNCTION app.health() TO anon, app_user, app_admin;
-- What loads the database: platform operators only (db/functions/50_platform/92_database_load.sql).
GRANT EXECUTE ON FUNCTION app.database_top_statements(integer), app.database_lock_waits() TO app_admin;

-- Platform: what the API roles may call of the real-time channels
-- (db/functions/50_platform/30_realtime.sql). The GraphQL server asks
-- auth.realtime_event, as the subscriber, for every event; it calls the
-- topic's visibility function (defined by the domain that publishes the
-- topic), so the subscriber needs both. Not granted to anon: subscriptions
-- need a signed-in user.

GRANT EXECUTE ON FUNCTION auth.realtime_event(text, jsonb), auth.event_key(jsonb, text) TO app_user, app_admin;

-- Object storage (db/functions/50_platform/60_object_storage.sql): the
-- settings table app_private.object_storage holds the store's credentials
-- and has no grant at all; only the owner's functions read it.

-- The entity register (db/functions/50_platform/05_entities.sql): anyone
-- signed in may list the entity types; the policies of the tables that hang
-- off entities ask auth.can_see_entity (USING) and auth.check_entity (WITH
-- CHECK), as the caller; a permission on an entity (comment.write,
-- attachment.upload, tag.apply, comment.moderate) counts tenant-wide or at
-- the entity's site (auth.has_entity_permission, auth.check_entity_permission).
GRANT SELECT ON app.entity_types TO app_user, app_admin;
GRANT EXECUTE ON FUNCTION auth.entity_registration(text), auth.entity_archive_view(text), auth.can_see_entity(text, uuid),
  auth.can_change_entity(text, uuid), auth.check_entity(text, uuid), auth.entity_title(text, uuid), auth.entity_site_id(text, uuid),
  auth.has_entity_permission(text, text, uuid), auth.check_entity_permission(text, text, uuid) TO app_user, app_admin;

-- Labels in the caller's language (db/functions/50_platform/07_localized.sql).
GRANT EXECUTE ON FUNCTION auth.locale(), auth.localized(text, jsonb) TO anon, app_user, app_admin;

-- CAPA / 8D (db/functions/50_platform/86_capa.sql): read with capa.read
-- (tenant-wide, or at the CAPA's site), written with capa.manage; the step
-- (status) moves only through app.advance_capa and an action is recorded
-- done through app.complete_capa_action (also by its owner). No API role
-- deletes a CAPA or an action: they are records (cancel them).
ALTER TABLE app.capas ENABLE ROW LEVEL SECURITY;
ALTER TABLE app.capas FORCE ROW LEVEL SECURITY;
GRANT SELECT ON app.capas TO app_user, app_admin;
GRANT INSERT (organization_id, capa_number, title, kind, source, site_id, owner_id, team_member_ids, problem_statement,
              containment_summary, root_cause, root_cause_method, corrective_action_plan, prevention_summary,
              effectiveness_criteria, effectiveness_due, closure_summary, due_date),
      UPDATE (title, source, site_id, owner_id, team_member_ids, problem_statement, containment_summary, root_cause,
              root_cause_method, corrective_action_plan, prevention_summary, effectiveness_criteria, effectiveness_due,
              effectiveness_result, effectiveness_note, closure_summary, due_date)
  ON app.capas TO app_user;
GRANT INSERT (id), UPDATE (organization_id, id) ON app.capas TO app_user;
CREATE POLICY capas_select_reader ON app.capas FOR SELECT TO app_user
  USING (organization_id = (SELECT auth.org_id())
         AND ((SELECT auth.has_permission('capa.read')) OR site_id = ANY ((SELECT auth.permitted_site_ids('capa.read'))::uuid[])));
CREATE POLICY capas_insert_manager ON app.capas FOR INSERT TO app_user
  WITH CHECK (organization_id = (SELECT auth.org_id()) AND (SELECT auth.check_permission('capa.manage')));
CREATE POLICY capas_update_manager ON app.capas FOR UPDATE TO app_user
  USING (organization_id = (SELECT auth.org_id()) AND (SELECT auth.has_permission('capa.manage')))
  WITH CHECK (organization_id = (SELECT auth.org_id()) AND (SELECT auth.check_permission('capa.manage')));
CREATE POLICY capas_select_operator ON app.capas FOR SELECT TO app_admin
  USING ((SELECT auth.is_platform_operator()));

ALTER TABLE app.capa_actions ENABLE ROW LEVEL SECURITY;
ALTER TABLE app.capa_actions FORCE ROW LEVEL SECURITY;
GRANT SELECT ON app.capa_actions TO app_user, app_admin;
GRANT INSERT (organization_id, capa_id, discipline, description, owner_id, due_date),
      UPDATE (discipline, description, owner_id, due_date, status, completion_note)
  ON app.capa_actions TO app_user;
GRANT INSERT (id), UPDATE (organization_id, id, capa_id) ON app.capa_actions TO app_user;
-- An action's owner sees it (and its CAPA's number through app.complete_capa_action's answer) without capa.read.
CREATE POLICY capa_actions_select_reader ON app.capa_actions FOR SELECT TO app_user
  USING (organization_id = (SELECT auth.org_id())
         AND (owner_id = (SELECT auth.user_id())
              OR EXISTS (SELECT FROM app.capas c WHERE c.organization_id = capa_actions.organization_id AND c.id = capa_actions.capa_id)));
CREATE POLICY capa_actions_insert_manager ON app.capa_actions FOR INSERT TO app_user
  WITH CHECK (organization_id = (SELECT auth.org_id()) AND (SELECT auth.check_permission('capa.manage')));
CREATE POLICY capa_actions_update_manager ON app.capa_actions FOR UPDATE TO app_user
  USING (organization_id = (SELECT auth.org_id()) AND (SELECT auth.has_permission('capa.manage')))
  WITH CHECK (organization_id = (SELECT auth.org_id()) AND (SELECT auth.check_permission('capa.manage')));
CREATE POLICY capa_actions_select_operator ON app.capa_actions FOR SELECT TO app_admin
  USING ((SELECT auth.is_platform_operator()));

-- A link shows only to those who see both the CAPA and the linked record.
ALTER TABLE app.capa_links ENABLE ROW LEVEL SECURITY;
ALTER TABLE app.capa_links FORCE ROW LEVEL SECURITY;
GRANT SELECT ON app.capa_links TO app_user, app_admin;
GRANT INSERT (organization_id, capa_id, entity_type, entity_id, relation), DELETE ON app.capa_links TO app_user;
GRANT INSERT (id) ON app.capa_links TO app_user;
CREATE POLICY capa_links_select_reader ON app.capa_links FOR SELECT TO app_user
  USING (organization_id = (SELECT auth.org_id())
         AND EXISTS (SELECT FROM app.capas c WHERE c.organization_id = capa_links.organization_id AND c.id = capa_links.capa_id)
         AND (SELECT auth.can_see_entity(entity_type, entity_id)));
CREATE POLICY capa_links_insert_manager ON app.capa_links FOR INSERT TO app_user
  WITH CHECK (organization_id = (SELECT auth.org_id()) AND (SELECT auth.check_permission('capa.manage'))
              AND EXISTS (SELECT FROM app.capas c WHERE c.organization_id = capa_links.organization_id AND c.id = capa_links.capa_id)
              AND (SELECT auth.check_entity(entity_type, entity_id)));
CREATE POLICY capa_links_delete_manager ON app.capa_links FOR DELETE TO app_user
  USING (organization_id = (SELECT auth.org_id()) AND (SELECT auth.has_permission('capa.manage')));
CREATE POLICY capa_links_select_operator ON app.capa_links FOR SELECT TO app_admin
  USING ((SELECT auth.is_platform_operator()));

GRANT EXECUTE ON FUNCTION app.advance_capa(uuid, app.capa_status, text), app.complete_capa_action(uuid, text),
  app.open_capa(text, text, app.capa_kind, app.capa_source, text, uuid, uuid, date, uuid) TO app_user;

-- Personal data (db/functions/50_platform/88_personal_data.sql): the request
-- register is read by personal_data.manage and by the person it is about;
-- rows are written only by app.export_personal_data and app.erase_personal_data.
ALTER TABLE app.personal_data_requests ENABLE ROW LEVEL SECURITY;
ALTER TABLE app.personal_data_requests FORCE ROW LEVEL SECURITY;
GRANT SELECT ON app.personal_data_requests TO app_user, app_admin;
CREATE POLICY personal_data_requests_select_reader ON app.personal_data_requests FOR SELECT TO app_user
  USING (organization_id = (SELECT auth.org_id())
         AND (subject_id = (SELECT auth.user_id()) OR (SELECT auth.has_permission('personal_data.manage'))));
CREATE POLICY personal_data_requests_select_operator ON app.personal_data_requests FOR SELECT TO app_admin
  USING ((SELECT auth.is_platform_operator()));
GRANT EXECUTE ON FUNCTION app.export_personal_data(uuid), app.erase_personal_data(uuid, text) TO app_user, app_admin;
-- Rules (db/functions/50_platform/75_rules.sql): holders of rule.manage
-- read, create, change and delete their tenant's rules and read their runs;
-- the runs are written only by the server (the trigger _600_rules on
-- app_private.events). key is fixed once created (granted for upserts, kept by
-- _010_keep_fixed_columns); author_id is set by the server. Platform
-- operators read every tenant's.
ALTER TABLE app.rules ENABLE ROW LEVEL SECURITY;
ALTER TABLE app.rules FORCE ROW LEVEL SECURITY;
GRANT SELECT ON app.rules TO app_user, app_admin;
GRANT INSERT (organization_id, id, key, name, description, event_type, condition, actions, is_active),
      UPDATE (organization_id, id, key, name, description, event_type, condition, actions, is_active), DELETE
  ON app.rules TO app_user;
CREATE POLICY rules_select_manager ON app.rules FOR SELECT TO app_user
  USING (organization_id = (SELECT auth.org_id()) AND (SELECT auth.has_permission('rule.manage')));
CREATE POLICY rules_insert_manager ON app.rules FOR INSERT TO app_user
  WITH CHECK (organization_id = (SELECT auth.org_id()) AND (SELECT auth.check_permission('rule.manage')));
CREATE POLICY rules_update_manager ON app.rules FOR UPDATE TO app_user
  USING (organization_id = (SELECT auth.org_id()) AND (SELECT auth.has_permission('rule.manage')))
  WITH CHECK (organization_id = (SELECT auth.org_id()) AND (SELECT auth.check_permission('rule.manage')));
CREATE POLICY rules_delete_manager ON app.rules FOR DELETE TO app_user
  USING (organization_id = (SELECT auth.org_id()) AND (SELECT auth.has_permission('rule.manage')));
CREATE POLICY rules_select_operator ON app.rules FOR SELECT TO app_admin
  USING ((SELECT auth.is_platform_operator()));

ALTER TABLE app.rule_runs ENABLE ROW LEVEL SECURITY;
ALTER TABLE app.rule_runs FORCE ROW LEVEL SECURITY;
GRANT SELECT ON app.rule_runs TO app_user, app_admin;
CREATE POLICY rule_runs_select_manager ON app.rule_runs FOR SELECT TO app_user
  USING (organization_id = (SELECT auth.org_id()) AND (SELECT auth.has_permission('rule.manage')));
CREATE POLICY rule_runs_select_operator ON app.rule_runs FOR SELECT TO app_admin
  USING ((SELECT auth.is_platform_operator()));

GRANT EXECUTE ON FUNCTION app.dry_run_rules(text, jsonb, text, uuid) TO app_user;
-- Feature flags (db/functions/50_platform/09_feature_flags.sql). The
-- definitions are the platform's (app_private, no grant); a tenant's staff
-- read the tenant's values, holders of organization.manage_features set and
-- reset them (a permission of its own rather than organization.update: a flag
-- like glp_esignatures_required changes regulated behaviour, which a
-- tenant may want to leave to its quality lead alone). Everyone signed in
-- reads app.feature_flags, which filters by the caller itself.
ALTER TABLE app.tenant_feature_flags ENABLE ROW LEVEL SECURITY;
ALTER TABLE app.tenant_feature_flags FORCE ROW LEVEL SECURITY;
GRANT SELECT ON app.tenant_feature_flags TO app_user, app_admin;
GRANT INSERT (organization_id, flag_key, value), UPDATE (value), DELETE ON app.tenant_feature_flags TO app_user;
GRANT UPDATE (organization_id, flag_key) ON app.tenant_feature_flags TO app_user;
CREATE POLICY tenant_feature_flags_select_member ON app.tenant_feature_flags FOR SELECT TO app_user
  USING (organization_id = (SELECT auth.org_id()) AND (SELECT auth.partner_id()) IS NULL);
CREATE POLICY tenant_feature_flags_all_manager ON app.tenant_feature_flags FOR ALL TO app_user
  USING (organization_id = (SELECT auth.org_id()) AND (SELECT auth.has_permission('organization.manage_features'))
         AND (SELECT auth.partner_id()) IS NULL)
  WITH CHECK (organization_id = (SELECT auth.org_id()) AND (SELECT auth.check_permission('organization.manage_features'))
              AND (SELECT auth.partner_id()) IS NULL);
CREATE POLICY tenant_feature_flags_select_operator ON app.tenant_feature_flags FOR SELECT TO app_admin
  USING ((SELECT auth.is_platform_operator()));
GRANT SELECT ON app.feature_flags TO app_user, app_admin;
GRANT EXECUTE ON FUNCTION auth.feature_value(text), auth.feature_enabled(text) TO app_user, app_admin;

-- i18n (db/functions/50_platform/07_localized.sql). The supported locales
-- are public (a sign-in page offers them); the platform's strings are read
-- through app.localized_strings only; a tenant's staff read its own strings,
-- holders of organization.update (the tenant's texts are part of its
-- branding) write them.
ALTER TABLE app.locales ENABLE ROW LEVEL SECURITY;
ALTER TABLE app.locales FORCE ROW LEVEL SECURITY;
GRANT SELECT ON app.locales TO anon, app_user, app_admin;
CREATE POLICY locales_select_everyone ON app.locales FOR SELECT TO anon, app_user, app_admin
  USING (true);

ALTER TABLE app.i18n_strings ENABLE ROW LEVEL SECURITY;
ALTER TABLE app.i18n_strings FORCE ROW LEVEL SECURITY;
GRANT SELECT ON app.i18n_strings TO app_user, app_admin;
GRANT INSERT (organization_id, namespace, key, locale, text), UPDATE (text), DELETE ON app.i18n_strings TO app_user;
GRANT UPDATE (organization_id, namespace, key, locale) ON app.i18n_strings TO app_user;
CREATE POLICY i18n_strings_select_member ON app.i18n_strings FOR SELECT TO app_user
  USING (organization_id = (SELECT auth.org_id()) AND (SELECT auth.partner_id()) IS NULL);
CREATE POLICY i18n_strings_all_manager ON app.i18n_strings FOR ALL TO app_user
  USING (organization_id = (SELECT auth.org_id()) AND (SELECT auth.has_permission('organization.update'))
         AND (SELECT auth.partner_id()) IS NULL)
  WITH CHECK (organization_id = (SELECT auth.org_id()) AND (SELECT auth.check_permission('organization.update'))
              AND (SELECT auth.partner_id()) IS NULL);
CREATE POLICY i18n_strings_select_operator ON app.i18n_strings FOR SELECT TO app_admin
  USING ((SELECT auth.is_platform_operator()));
GRANT SELECT ON app.localized_strings TO app_user, app_admin;
GRANT EXECUTE ON FUNCTION app.workflow_stages_label(app.workflow_stages), app.workflow_sub_stages_label(app.workflow_sub_stages)
  TO app_user, app_admin;
-- Search (db/functions/50_platform/36_search.sql): staff and portal users
-- search as themselves (app.search is SECURITY INVOKER: row-level security
-- and the portal views' read rules decide what they find);
-- auth.search_sources hands app.search the registrations. Not granted to
-- app_admin: platform operators have no active tenant to search.
GRANT EXECUTE ON FUNCTION app.search(text, text[], integer), auth.search_sources(),
  auth.search_candidates(text, tsquery, text, text, boolean, integer) TO app_user;

-- Soft delete (db/functions/50_platform/38_soft_delete.sql): app.soft_delete,
-- app.restore and app.trash run as the caller (row-level security decides
-- whether they see the row) and write through auth.set_deleted, which
-- re-checks the tenant and the permission. The tables' SELECT policies hide
-- trashed rows from all but trash.manage holders (60_workflow.sql). Plain
-- DELETE stays ungranted on the opted-in tables: deleting is moving to the
-- trash, and the purge-trash job deletes for good.
GRANT EXECUTE ON FUNCTION app.soft_delete(text, uuid, text), app.restore(text, uuid), app.trash(text[]),
  auth.soft_delete_registration(text), auth.set_deleted(text, uuid, boolean, text), auth.trash_types(),
  auth.check_trash_permission(text, uuid, boolean) TO app_user;
-- Units of measure (db/functions/50_platform/11_units.sql): the global
-- reference everyone signed in reads; platform operators maintain it.
ALTER TABLE app.units ENABLE ROW LEVEL SECURITY;
ALTER TABLE app.units FORCE ROW LEVEL SECURITY;
GRANT SELECT ON app.units TO app_user, app_admin;
GRANT INSERT (code, dimension, name, labels, symbol, factor, base_offset),
      UPDATE (dimension, name, labels, symbol, factor, base_offset), DELETE ON app.units TO app_admin;
CREATE POLICY units_select_everyone ON app.units FOR SELECT TO app_user
  USING (true);
CREATE POLICY units_all_operator ON app.units FOR ALL TO app_admin
  USING ((SELECT auth.is_platform_operator())) WITH CHECK ((SELECT auth.is_platform_operator()));
GRANT EXECUTE ON FUNCTION app.convert_unit(numeric, text, text), app.units_localized_name(app.units) TO app_user, app_admin;

-- Configuration engine (db/functions/50_platform/12_type_lists.sql,
-- 13_custom_fields.sql): the tenant's staff read the type lists and the
-- custom field definitions (forms need them); custom_field.manage changes
-- them. Portal users see neither. Values are written on the entities
-- themselves (custom_fields), under the entity's own policies; the check
-- trigger reads definitions through auth.custom_field_check and asks
-- auth.can_see_entity, as the caller, about references.
ALTER TABLE app.type_lists ENABLE ROW LEVEL SECURITY;
ALTER TABLE app.type_lists FORCE ROW LEVEL SECURITY;
GRANT SELECT ON app.type_lists TO app_user, app_admin;
GRANT INSERT (organization_id, code, label, labels, description), UPDATE (label, labels, description), DELETE
  ON app.type_lists TO app_user;
GRANT INSERT (id), UPDATE (organization_id, id, code) ON app.type_lists TO app_user;
CREATE POLICY type_lists_select_operator ON app.type_lists FOR SELECT TO app_admin
  USING ((SELECT auth.is_platform_operator()));
CREATE POLICY type_lists_select_staff ON app.type_lists FOR SELECT TO app_user
  USING (organization_id = (SELECT auth.org_id()) AND (SELECT auth.partner_id()) IS NULL);
CREATE POLICY type_lists_all_manager ON app.type_lists FOR ALL TO app_user
  USING (organization_id = (SELECT auth.org_id()) AND (SELECT auth.has_permission('custom_field.manage'))
         AND (SELECT auth.partner_id()) IS NULL)
  WITH CHECK (organization_id = (SELECT auth.org_id()) AND (SELECT auth.check_permission('custom_field.manage'))
              AND (SELECT auth.partner_id()) IS NULL);

ALTER TABLE app.type_list_values ENABLE ROW LEVEL SECURITY;
ALTER TABLE app.type_list_values FORCE ROW LEVEL SECURITY;
GRANT SELECT ON app.type_list_values TO app_user, app_admin;
GRANT INSERT (organization_id, type_list_id, code, label, labels, color, position, is_active),
      UPDATE (label, labels, color, position, is_active), DELETE
  ON app.type_list_values TO app_user;
GRANT INSERT (id), UPDATE (organization_id, id, type_list_id, code) ON app.type_list_values TO app_user;
CREATE POLICY type_list_values_select_operator ON app.type_list_values FOR SELECT TO app_admin
  USING ((SELECT auth.is_platform_operator()));
CREATE POLICY type_list_values_select_staff ON app.type_list_values FOR SELECT TO app_user
  USING (organization_id = (SELECT auth.org_id()) AND (SELECT auth.partner_id()) IS NULL);
CREATE POLICY type_list_values_all_manager ON app.type_list_values FOR ALL TO app_user
  USING (organization_id = (SELECT auth.org_id()) AND (SELECT auth.has_permission('custom_field.manage'))
         AND (SELECT auth.partner_id()) IS NULL)
  WITH CHECK (organization_id = (SELECT auth.org_id()) AND (SELECT auth.check_permission('custom_field.manage'))
              AND (SELECT auth.partner_id()) IS NULL);

ALTER TABLE app.custom_field_definitions ENABLE ROW LEVEL SECURITY;
ALTER TABLE app.custom_field_definitions FORCE ROW LEVEL SECURITY;
GRANT SELECT ON app.custom_field_definitions TO app_user, app_admin;
GRANT INSERT (organization_id, entity_type, code, label, labels, field_type, is_required, min_value, max_value, min_length,
              max_length, pattern, allowed_values, unit, type_list_id, target_entity_type, position, help_text, is_active),
      UPDATE (label, labels, is_required, min_value, max_value, min_length, max_length, pattern, allowed_values, position,
              help_text, is_active), DELETE
  ON app.custom_field_definitions TO app_user;
GRANT INSERT (id), UPDATE (organization_id, id, entity_type, code, field_type, type_list_id, target_entity_type, unit)
  ON app.custom_field_definitions TO app_user;
CREATE POLICY custom_field_definitions_select_operator ON app.custom_field_definitions FOR SELECT TO app_admin
  USING ((SELECT auth.is_platform_operator()));
CREATE POLICY custom_field_definitions_select_staff ON app.custom_field_definitions FOR SELECT TO app_user
  USING (organization_id = (SELECT auth.org_id()) AND (SELECT auth.partner_id()) IS NULL);
CREATE POLICY custom_field_definitions_all_manager ON app.custom_field_definitions FOR ALL TO app_user
  USING (organization_id = (SELECT auth.org_id()) AND (SELECT auth.has_permission('custom_field.manage'))
         AND (SELECT auth.partner_id()) IS NULL)
  WITH CHECK (organization_id = (SELECT auth.org_id()) AND (SELECT auth.check_permission('custom_field.manage'))
              AND (SELECT auth.partner_id()) IS NULL);

-- The values: writable with the entity (projects: by whoever may create or
-- update the project; documents: by whoever may upload documents).
GRANT INSERT (custom_fields), UPDATE (custom_fields) ON app.projects TO app_user;
GRANT UPDATE (custom_fields) ON app.documents TO app_user;
CREATE POLICY documents_update_uploader ON app.documents FOR UPDATE TO app_user
  USING (organization_id = (SELECT auth.org_id()) AND (SELECT auth.has_permission('document.upload'))
         AND (SELECT auth.partner_id()) IS NULL);

GRANT EXECUTE ON FUNCTION auth.custom_field_check(text, uuid, jsonb, jsonb, boolean), auth.custom_fields_enabled(text)
  TO app_user, app_admin;
GRANT EXECUTE ON FUNCTION app.custom_field_violations(text), app.type_lists_localized_label(app.type_lists),
  app.type_list_values_localized_label(app.type_list_values),
  app.custom_field_definitions_localized_label(app.custom_field_definitions) TO app_user, app_admin;
-- The operations registers (db/functions/50_platform/80_equipment.sql,
-- 82_competence.sql, 84_downtime.sql). Equipment is site-scoped: a member
-- reads it with equipment.read for the whole tenant, or at the equipment's
-- site (auth.permitted_site_ids); equipment without a site needs the
-- tenant-wide permission. Calibrations, uses and stops are seen with the
-- equipment they belong to (the EXISTS reads app.equipment under its own
-- policy, as the caller). Writes that depend on the site are checked, with
-- the reason, by the tables' _200_prepare triggers (auth.check_permission_at);
-- the policies say the same as booleans. Classes, reason codes and
-- qualifications are the tenant's configuration: every staff member reads them.

ALTER TABLE app.equipment_classes ENABLE ROW LEVEL SECURITY;
ALTER TABLE app.equipment_classes FORCE ROW LEVEL SECURITY;
GRANT SELECT, DELETE ON app.equipment_classes TO app_user;
GRANT INSERT (organization_id, code, name, labels, kind, requires_calibration, calibration_interval_days, due_soon_days, is_active),
      UPDATE (code, name, labels, kind, requires_calibration, calibration_interval_days, due_soon_days, is_active)
   ON app.equipment_classes TO app_user;
GRANT INSERT (id), UPDATE (organization_id, id) ON app.equipment_classes TO app_user;
GRANT SELECT, INSERT, UPDATE, DELETE ON app.equipment_classes TO app_admin;
CREATE POLICY equipment_classes_select_staff ON app.equipment_classes FOR SELECT TO app_user
  USING (organization_id = (SELECT auth.org_id()) AND (SELECT auth.partner_id()) IS NULL);
CREATE POLICY equipment_classes_insert_manager ON app.equipment_classes FOR INSERT TO app_user
  WITH CHECK (organization_id = (SELECT auth.org_id()) AND (SELECT auth.check_permission('equipment.manage')));
CREATE POLICY equipment_classes_update_manager ON app.equipment_classes FOR UPDATE TO app_user
  USING (organization_id = (SELECT auth.org_id()) AND (SELECT auth.has_permission('equipment.manage')))
  WITH CHECK (organization_id = (SELECT auth.org_id()));
CREATE POLICY equipment_classes_delete_manager ON app.equipment_classes FOR DELETE TO app_user
  USING (organization_id = (SELECT auth.org_id()) AND (SELECT auth.has_permission('equipment.manage')));
CREATE POLICY equipment_classes_all_operator ON app.equipment_classes FOR ALL TO app_admin
  USING ((SELECT auth.is_platform_operator())) WITH CHECK ((SELECT auth.is_platform_operator()));

ALTER TABLE app.equipment ENABLE ROW LEVEL SECURITY;
ALTER TABLE app.equipment FORCE ROW LEVEL SECURITY;
-- No DELETE: equipment is moved to the trash (app.soft_delete('equipment', ...), maintenance/soft_delete).
GRANT SELECT ON app.equipment TO app_user;
GRANT INSERT (organization_id, equipment_number, name, class_id, site_id, status, parent_id, manufacturer, model, serial_number,
              location, notes),
      UPDATE (name, class_id, site_id, status, parent_id, manufacturer, model, serial_number, location, notes)
   ON app.equipment TO app_user;
GRANT INSERT (id), UPDATE (organization_id, id) ON app.equipment TO app_user;
-- Custom fields of assets (maintenance/platform_blocks): checked by _300_custom_fields.
GRANT INSERT (custom_fields), UPDATE (custom_fields) ON app.equipment TO app_user;
GRANT SELECT, INSERT, UPDATE ON app.equipment TO app_admin;  -- no DELETE for operators either: the trash, then the purge job
CREATE POLICY equipment_select_reader ON app.equipment FOR SELECT TO app_user
  USING (organization_id = (SELECT auth.org_id())
         AND ((SELECT auth.has_permission('equipment.read'))
              OR site_id = ANY ((SELECT auth.permitted_site_ids('equipment.read'))::uuid[]))
         AND (deleted_at IS NULL OR (SELECT auth.has_permission('trash.manage'))));
CREATE POLICY equipment_insert_manager ON app.equipment FOR INSERT TO app_user
  WITH CHECK (organization_id = (SELECT auth.org_id())
              AND ((SELECT auth.has_permission('equipment.manage'))
                   OR site_id = ANY ((SELECT auth.permitted_site_ids('equipment.manage'))::uuid[])));
CREATE POLICY equipment_update_manager ON app.equipment FOR UPDATE TO app_user
  USING (organization_id = (SELECT auth.org_id()) AND deleted_at IS NULL
         AND ((SELECT auth.has_permission('equipment.manage'))
              OR site_id = ANY ((SELECT auth.permitted_site_ids('equipment.manage'))::uuid[])))
  WITH CHECK (organization_id = (SELECT auth.org_id())
              AND ((SELECT auth.has_permission('equipment.manage'))
                   OR site_id = ANY ((SELECT auth.permitted_site_ids('equipment.manage'))::uuid[])));
CREATE POLICY equipment_all_operator ON app.equipment FOR ALL TO app_admin
  USING ((SELECT auth.is_platform_operator())) WITH CHECK ((SELECT auth.is_platform_operator()));

ALTER TABLE app.calibrations ENABLE ROW LEVEL SECURITY;
ALTER TABLE app.calibrations FORCE ROW LEVEL SECURITY;
GRANT SELECT ON app.calibrations TO app_user;
GRANT INSERT (organization_id, id, equipment_id, performed_at, valid_from, valid_to, result, as_found, as_left, certificate_number,
              certificate_key, certificate_document_id, performed_by_user_id, performed_by_partner_id, notes)
   ON app.calibrations TO app_user;
GRANT SELECT, INSERT ON app.calibrations TO app_admin;
CREATE POLICY calibrations_select_reader ON app.calibrations FOR SELECT TO app_user
  USING (organization_id = (SELECT auth.org_id())
         AND EXISTS (SELECT FROM app.equipment AS e WHERE e.organization_id = calibrations.organization_id AND e.id = calibrations.equipment_id
                        AND ((SELECT auth.has_permission('equipment.read'))
                             OR e.site_id = ANY ((SELECT auth.permitted_site_ids('equipment.read'))::uuid[]))));
CREATE POLICY calibrations_insert_recorder ON app.calibrations FOR INSERT TO app_user
  WITH CHECK (organization_id = (SELECT auth.org_id())
              AND EXISTS (SELECT FROM app.equipment AS e WHERE e.organization_id = calibrations.organization_id
                             AND e.id = calibrations.equipment_id AND ((SELECT auth.has_permission('calibration.record'))
                                  OR e.site_id = ANY ((SELECT auth.permitted_site_ids('calibration.record'))::uuid[]))));
CREATE POLICY calibrations_all_operator ON app.calibrations FOR ALL TO app_admin
  USING ((SELECT auth.is_platform_operator())) WITH CHECK ((SELECT auth.is_platform_operator()));

ALTER TABLE app.equipment_uses ENABLE ROW LEVEL SECURITY;
ALTER TABLE app.equipment_uses FORCE ROW LEVEL SECURITY;
GRANT SELECT ON app.equipment_uses TO app_user;
GRANT INSERT (organization_id, id, equipment_id, entity_type, entity_id, used_at) ON app.equipment_uses TO app_user;
GRANT SELECT, INSERT ON app.equipment_uses TO app_admin;
CREATE POLICY equipment_uses_select_reader ON app.equipment_uses FOR SELECT TO app_user
  USING (organization_id = (SELECT auth.org_id())
         AND EXISTS (SELECT FROM app.equipment AS e WHERE e.organization_id = equipment_uses.organization_id AND e.id = equipment_uses.equipment_id
                        AND ((SELECT auth.has_permission('equipment.read'))
                             OR e.site_id = ANY ((SELECT auth.permitted_site_ids('equipment.read'))::uuid[])))
         AND (SELECT auth.can_see_entity(entity_type, entity_id)));
CREATE POLICY equipment_uses_insert_user ON app.equipment_uses FOR INSERT TO app_user
  WITH CHECK (organization_id = (SELECT auth.org_id()) AND used_by = (SELECT auth.user_id())
              AND EXISTS (SELECT FROM app.equipment AS e WHERE e.organization_id = equipment_uses.organization_id AND e.id = equipment_uses.equipment_id)
              AND (SELECT auth.check_entity(entity_type, entity_id)));
CREATE POLICY equipment_uses_all_operator ON app.equipment_uses FOR ALL TO app_admin
  USING ((SELECT auth.is_platform_operator())) WITH CHECK ((SELECT auth.is_platform_operator()));

GRANT SELECT ON app.equipment_calibration_status TO app_user, app_admin;
GRANT EXECUTE ON FUNCTION auth.check_permission_at(text, uuid),
  auth.calibration_status(uuid, uuid, timestamptz) TO app_user, app_admin;
GRANT EXECUTE ON FUNCTION app.equipment_tree(uuid), app.equipment_uses_since_last_good_calibration(uuid) TO app_user, app_admin;

ALTER TABLE app.qualifications ENABLE ROW LEVEL SECURITY;
ALTER TABLE app.qualifications FORCE ROW LEVEL SECURITY;
GRANT SELECT, DELETE ON app.qualifications TO app_user;
GRANT INSERT (organization_id, code, name, labels, kind, description, validity_days, is_active),
      UPDATE (code, name, labels, kind, description, validity_days, is_active) ON app.qualifications TO app_user;
GRANT INSERT (id), UPDATE (organization_id, id) ON app.qualifications TO app_user;
GRANT SELECT, INSERT, UPDATE, DELETE ON app.qualifications TO app_admin;
CREATE POLICY qualifications_select_staff ON app.qualifications FOR SELECT TO app_user
  USING (organization_id = (SELECT auth.org_id()) AND (SELECT auth.partner_id()) IS NULL);
CREATE POLICY qualifications_insert_manager ON app.qualifications FOR INSERT TO app_user
  WITH CHECK (organization_id = (SELECT auth.org_id()) AND (SELECT auth.check_permission('competence.manage')));
CREATE POLICY qualifications_update_manager ON app.qualifications FOR UPDATE TO app_user
  USING (organization_id = (SELECT auth.org_id()) AND (SELECT auth.has_permission('competence.manage')))
  WITH CHECK (organization_id = (SELECT auth.org_id()));
CREATE POLICY qualifications_delete_manager ON app.qualifications FOR DELETE TO app_user
  USING (organization_id = (SELECT auth.org_id()) AND (SELECT auth.has_permission('competence.manage')));
CREATE POLICY qualifications_all_operator ON app.qualifications FOR ALL TO app_admin
  USING ((SELECT auth.is_platform_operator())) WITH CHECK ((SELECT auth.is_platform_operator()));

-- People's qualifications and training: one's own, everybody's with
-- competence.read; written with competence.manage; revoked, never deleted.
ALTER TABLE app.person_qualifications ENABLE ROW LEVEL SECURITY;
ALTER TABLE app.person_qualifications FORCE ROW LEVEL SECURITY;
GRANT SELECT ON app.person_qualifications TO app_user;
GRANT INSERT (organization_id, user_id, qualification_id, level, valid_from, valid_to, evidence, evidence_document_id),
      UPDATE (level, valid_from, valid_to, evidence, evidence_document_id) ON app.person_qualifications TO app_user;
GRANT INSERT (id), UPDATE (organization_id, id, user_id, qualification_id) ON app.person_qualifications TO app_user;
GRANT SELECT, INSERT, UPDATE ON app.person_qualifications TO app_admin;
CREATE POLICY person_qualifications_select_self_or_reader ON app.person_qualifications FOR SELECT TO app_user
  USING (organization_id = (SELECT auth.org_id())
         AND (user_id = (SELECT auth.user_id()) OR (SELECT auth.has_permission('competence.read'))));
CREATE POLICY person_qualifications_insert_manager ON app.person_qualifications FOR INSERT TO app_user
  WITH CHECK (organization_id = (SELECT auth.org_id()) AND (SELECT auth.check_permission('competence.manage')));
CREATE POLICY person_qualifications_update_manager ON app.person_qualifications FOR UPDATE TO app_user
  USING (organization_id = (SELECT auth.org_id()) AND (SELECT auth.has_permission('competence.manage')))
  WITH CHECK (organization_id = (SELECT auth.org_id()));
CREATE POLICY person_qualifications_all_operator ON app.person_qualifications FOR ALL TO app_admin
  USING ((SELECT auth.is_platform_operator())) WITH CHECK ((SELECT auth.is_platform_operator()));

ALTER TABLE app.training_requirements ENABLE ROW LEVEL SECURITY;
ALTER TABLE app.training_requirements FORCE ROW LEVEL SECURITY;
GRANT SELECT, DELETE ON app.training_requirements TO app_user;
GRANT INSERT (organization_id, document_id, role_id, retrain_days, due_within_days),
      UPDATE (retrain_days, due_within_days) ON app.training_requirements TO app_user;
GRANT INSERT (id), UPDATE (organization_id, id, document_id, role_id) ON app.training_requirements TO app_user;
GRANT SELECT, INSERT, UPDATE, DELETE ON app.training_requirements TO app_admin;
CREATE POLICY training_requirements_select_staff ON app.training_requirements FOR SELECT TO app_user
  USING (organization_id = (SELECT auth.org_id()) AND (SELECT auth.partner_id()) IS NULL);
CREATE POLICY training_requirements_insert_manager ON app.training_requirements FOR INSERT TO app_user
  WITH CHECK (organization_id = (SELECT auth.org_id()) AND (SELECT auth.check_permission('competence.manage')));
CREATE POLICY training_requirements_update_manager ON app.training_requirements FOR UPDATE TO app_user
  USING (organization_id = (SELECT auth.org_id()) AND (SELECT auth.has_permission('competence.manage')))
  WITH CHECK (organization_id = (SELECT auth.org_id()));
CREATE POLICY training_requirements_delete_manager ON app.training_requirements FOR DELETE TO app_user
  USING (organization_id = (SELECT auth.org_id()) AND (SELECT auth.has_permission('competence.manage')));
CREATE POLICY training_requirements_all_operator ON app.training_requirements FOR ALL TO app_admin
  USING ((SELECT auth.is_platform_operator())) WITH CHECK ((SELECT auth.is_platform_operator()));

ALTER TABLE app.training_records ENABLE ROW LEVEL SECURITY;
ALTER TABLE app.training_records FORCE ROW LEVEL SECURITY;
GRANT SELECT ON app.training_records TO app_user;
GRANT INSERT (organization_id, id, user_id, document_version_id, completed_at, expires_at, trainer_id, notes)
   ON app.training_records TO app_user;
GRANT SELECT, INSERT ON app.training_records TO app_admin;
CREATE POLICY training_records_select_self_or_reader ON app.training_records FOR SELECT TO app_user
  USING (organization_id = (SELECT auth.org_id())
         AND (user_id = (SELECT auth.user_id()) OR (SELECT auth.has_permission('competence.read'))));
CREATE POLICY training_records_insert_manager ON app.training_records FOR INSERT TO app_user
  WITH CHECK (organization_id = (SELECT auth.org_id()) AND (SELECT auth.check_permission('competence.manage')));
CREATE POLICY training_records_all_operator ON app.training_records FOR ALL TO app_admin
  USING ((SELECT auth.is_platform_operator())) WITH CHECK ((SELECT auth.is_platform_operator()));

GRANT SELECT ON app.current_qualifications, app.training_due TO app_user, app_admin;
GRANT EXECUTE ON FUNCTION app.revoke_qualification(uuid, text) TO app_user;
GRANT EXECUTE ON FUNCTION auth.holds_qualification(text) TO app_user, app_admin;

ALTER TABLE app.downtime_reasons ENABLE ROW LEVEL SECURITY;
ALTER TABLE app.downtime_reasons FORCE ROW LEVEL SECURITY;
GRANT SELECT, DELETE ON app.downtime_reasons TO app_user;
GRANT INSERT (organization_id, code, name, labels, is_planned, is_breakdown, loss_category, position, is_active),
      UPDATE (code, name, labels, is_planned, is_breakdown, loss_category, position, is_active) ON app.downtime_reasons TO app_user;
GRANT INSERT (id), UPDATE (organization_id, id) ON app.downtime_reasons TO app_user;
GRANT SELECT, INSERT, UPDATE, DELETE ON app.downtime_reasons TO app_admin;
CREATE POLICY downtime_reasons_select_staff ON app.downtime_reasons FOR SELECT TO app_user
  USING (organization_id = (SELECT auth.org_id()) AND (SELECT auth.partner_id()) IS NULL);
CREATE POLICY downtime_reasons_insert_manager ON app.downtime_reasons FOR INSERT TO app_user
  WITH CHECK (organization_id = (SELECT auth.org_id()) AND (SELECT auth.check_permission('equipment.manage')));
CREATE POLICY downtime_reasons_update_manager ON app.downtime_reasons FOR UPDATE TO app_user
  USING (organization_id = (SELECT auth.org_id()) AND (SELECT auth.has_permission('equipment.manage')))
  WITH CHECK (organization_id = (SELECT auth.org_id()));
CREATE POLICY downtime_reasons_delete_manager ON app.downtime_reasons FOR DELETE TO app_user
  USING (organization_id = (SELECT auth.org_id()) AND (SELECT auth.has_permission('equipment.manage')));
CREATE POLICY downtime_reasons_all_operator ON app.downtime_reasons FOR ALL TO app_admin
  USING ((SELECT auth.is_platform_operator())) WITH CHECK ((SELECT auth.is_platform_operator()));

ALTER TABLE app.downtime_events ENABLE ROW LEVEL SECURITY;
ALTER TABLE app.downtime_events FORCE ROW LEVEL SECURITY;
GRANT SELECT, DELETE ON app.downtime_events TO app_user;
GRANT INSERT (organization_id, equipment_id, started_at, ended_at, reason_id, in_production_schedule, is_planned, is_breakdown, notes),
      UPDATE (started_at, ended_at, reason_id, in_production_schedule, is_planned, is_breakdown, notes) ON app.downtime_events TO app_user;
GRANT INSERT (id), UPDATE (organization_id, id, equipment_id) ON app.downtime_events TO app_user;
GRANT SELECT, INSERT, UPDATE, DELETE ON app.downtime_events TO app_admin;
CREATE POLICY downtime_events_select_reader ON app.downtime_events FOR SELECT TO app_user
  USING (organization_id = (SELECT auth.org_id())
         AND EXISTS (SELECT FROM app.equipment AS e WHERE e.organization_id = downtime_events.organization_id AND e.id = downtime_events.equipment_id
                        AND ((SELECT auth.has_permission('equipment.read'))
                             OR e.site_id = ANY ((SELECT auth.permitted_site_ids('equipment.read'))::uuid[]))));
CREATE POLICY downtime_events_insert_recorder ON app.downtime_events FOR INSERT TO app_user
  WITH CHECK (organization_id = (SELECT auth.org_id())
              AND EXISTS (SELECT FROM app.equipment AS e WHERE e.organization_id = downtime_events.organization_id
                             AND e.id = downtime_events.equipment_id AND ((SELECT auth.has_permission('downtime.record'))
                                  OR e.site_id = ANY ((SELECT auth.permitted_site_ids('downtime.record'))::uuid[]))));
CREATE POLICY downtime_events_update_recorder ON app.downtime_events FOR UPDATE TO app_user
  USING (organization_id = (SELECT auth.org_id())
         AND EXISTS (SELECT FROM app.equipment AS e WHERE e.organization_id = downtime_events.organization_id
                        AND e.id = downtime_events.equipment_id AND ((SELECT auth.has_permission('downtime.record'))
                                  OR e.site_id = ANY ((SELECT auth.permitted_site_ids('downtime.record'))::uuid[]))))
  WITH CHECK (organization_id = (SELECT auth.org_id()));
CREATE POLICY downtime_events_delete_recorder ON app.downtime_events FOR DELETE TO app_user
  USING (organization_id = (SELECT auth.org_id())
         AND EXISTS (SELECT FROM app.equipment AS e WHERE e.organization_id = downtime_events.organization_id
                        AND e.id = downtime_events.equipment_id AND ((SELECT auth.has_permission('downtime.record'))
                                  OR e.site_id = ANY ((SELECT auth.permitted_site_ids('downtime.record'))::uuid[]))));
CREATE POLICY downtime_events_all_operator ON app.downtime_events FOR ALL TO app_admin
  USING ((SELECT auth.is_platform_operator())) WITH CHECK ((SELECT auth.is_platform_operator()));

GRANT EXECUTE ON FUNCTION app.equipment_reliability(uuid, timestamptz, timestamptz) TO app_user, app_admin;

-- Webhooks (db/functions/50_platform/45_webhooks.sql): endpoints, their
-- deliveries and attempts belong to holders of webhook.manage in their own
-- tenant; deliveries and attempts are written only by the owner's functions
-- (the event trigger, the worker's reports, the replay RPC), so API roles
-- only read them. Secrets and settings (app_private) have no grant at all:
-- app.webhook_endpoint_secret reads a secret after its own checks. The job
-- queue (schema graphile_worker) grants nothing to any API role either.
ALTER TABLE app.webhook_endpoints ENABLE ROW LEVEL SECURITY;
ALTER TABLE app.webhook_endpoints FORCE ROW LEVEL SECURITY;
GRANT SELECT ON app.webhook_endpoints TO app_user, app_admin;
GRANT INSERT (organization_id, url, description, event_types, is_active, max_attempts),
      UPDATE (url, description, event_types, is_active, max_attempts),
      DELETE ON app.webhook_endpoints TO app_user;
GRANT INSERT (id), UPDATE (organization_id, id) ON app.webhook_endpoints TO app_user;
CREATE POLICY webhook_endpoints_all_manager ON app.webhook_endpoints FOR ALL TO app_user
  USING (organization_id = (SELECT auth.org_id()) AND (SELECT auth.has_permission('webhook.manage')))
  WITH CHECK (organization_id = (SELECT auth.org_id()) AND (SELECT auth.check_permission('webhook.manage')));
CREATE POLICY webhook_endpoints_select_operator ON app.webhook_endpoints FOR SELECT TO app_admin
  USING ((SELECT auth.is_platform_operator()));

ALTER TABLE app.webhook_deliveries ENABLE ROW LEVEL SECURITY;
ALTER TABLE app.webhook_deliveries FORCE ROW LEVEL SECURITY;
GRANT SELECT ON app.webhook_deliveries TO app_user, app_admin;
CREATE POLICY webhook_deliveries_select_manager ON app.webhook_deliveries FOR SELECT TO app_user
  USING (organization_id = (SELECT auth.org_id()) AND (SELECT auth.has_permission('webhook.manage')));
CREATE POLICY webhook_deliveries_select_operator ON app.webhook_deliveries FOR SELECT TO app_admin
  USING ((SELECT auth.is_platform_operator()));

ALTER TABLE app.webhook_attempts ENABLE ROW LEVEL SECURITY;
ALTER TABLE app.webhook_attempts FORCE ROW LEVEL SECURITY;
GRANT SELECT ON app.webhook_attempts TO app_user, app_admin;
CREATE POLICY webhook_attempts_select_manager ON app.webhook_attempts FOR SELECT TO app_user
  USING (organization_id = (SELECT auth.org_id()) AND (SELECT auth.has_permission('webhook.manage')));
CREATE POLICY webhook_attempts_select_operator ON app.webhook_attempts FOR SELECT TO app_admin
  USING ((SELECT auth.is_platform_operator()));

GRANT EXECUTE ON FUNCTION app.webhook_endpoint_secret(uuid), app.rotate_webhook_secret(uuid),
  app.replay_webhook_delivery(uuid) TO app_user;
-- Checklists and state machines (db/functions/50_platform/15_checklists.sql,
-- 16_state_machines.sql). Written only through the RPCs: no table grants but
-- SELECT. Definitions (templates, machine versions, states, transitions) are
-- read by the tenant's staff; what hangs off an entity (checklists, their
-- items, entity states, history) by whoever may read the entity, decided as
-- the caller (auth.can_see_entity). The RPCs that act on an entity are
-- SECURITY INVOKER wrappers (the caller's visibility) around SECURITY DEFINER
-- bodies in auth; those bodies are granted to app_user only for the wrappers.
ALTER TABLE app.checklist_templates ENABLE ROW LEVEL SECURITY;
ALTER TABLE app.checklist_templates FORCE ROW LEVEL SECURITY;
GRANT SELECT ON app.checklist_templates TO app_user, app_admin;
CREATE POLICY checklist_templates_select_staff ON app.checklist_templates FOR SELECT TO app_user
  USING (organization_id = (SELECT auth.org_id()) AND (SELECT auth.partner_id()) IS NULL);
CREATE POLICY checklist_templates_select_operator ON app.checklist_templates FOR SELECT TO app_admin
  USING ((SELECT auth.is_platform_operator()));

ALTER TABLE app.checklist_template_items ENABLE ROW LEVEL SECURITY;
ALTER TABLE app.checklist_template_items FORCE ROW LEVEL SECURITY;
GRANT SELECT ON app.checklist_template_items TO app_user, app_admin;
CREATE POLICY checklist_template_items_select_staff ON app.checklist_template_items FOR SELECT TO app_user
  USING (organization_id = (SELECT auth.org_id()) AND (SELECT auth.partner_id()) IS NULL);
CREATE POLICY checklist_template_items_select_operator ON app.checklist_template_items FOR SELECT TO app_admin
  USING ((SELECT auth.is_platform_operator()));

ALTER TABLE app.checklists ENABLE ROW LEVEL SECURITY;
ALTER TABLE app.checklists FORCE ROW LEVEL SECURITY;
GRANT SELECT ON app.checklists TO app_user, app_admin;
CREATE POLICY checklists_select_entity ON app.checklists FOR SELECT TO app_user
  USING (organization_id = (SELECT auth.org_id()) AND (SELECT auth.can_see_entity(entity_type, entity_id)));
CREATE POLICY checklists_select_operator ON app.checklists FOR SELECT TO app_admin
  USING ((SELECT auth.is_platform_operator()));

ALTER TABLE app.checklist_items ENABLE ROW LEVEL SECURITY;
ALTER TABLE app.checklist_items FORCE ROW LEVEL SECURITY;
GRANT SELECT ON app.checklist_items TO app_user, app_admin;
CREATE POLICY checklist_items_select_entity ON app.checklist_items FOR SELECT TO app_user
  USING (organization_id = (SELECT auth.org_id())
         AND EXISTS (SELECT FROM app.checklists AS c WHERE c.organization_id = checklist_items.organization_id AND c.id = checklist_items.checklist_id));
CREATE POLICY checklist_items_select_operator ON app.checklist_items FOR SELECT TO app_admin
  USING ((SELECT auth.is_platform_operator()));

ALTER TABLE app.state_machines ENABLE ROW LEVEL SECURITY;
ALTER TABLE app.state_machines FORCE ROW LEVEL SECURITY;
GRANT SELECT ON app.state_machines TO app_user, app_admin;
CREATE POLICY state_machines_select_staff ON app.state_machines FOR SELECT TO app_user
  USING (organization_id = (SELECT auth.org_id()) AND (SELECT auth.partner_id()) IS NULL);
CREATE POLICY state_machines_select_operator ON app.state_machines FOR SELECT TO app_admin
  USING ((SELECT auth.is_platform_operator()));

ALTER TABLE app.state_machine_states ENABLE ROW LEVEL SECURITY;
ALTER TABLE app.state_machine_states FORCE ROW LEVEL SECURITY;
GRANT SELECT ON app.state_machine_states TO app_user, app_admin;
CREATE POLICY state_machine_states_select_staff ON app.state_machine_states FOR SELECT TO app_user
  USING (organization_id = (SELECT auth.org_id()) AND (SELECT auth.partner_id()) IS NULL);
CREATE POLICY state_machine_states_select_operator ON app.state_machine_states FOR SELECT TO app_admin
  USING ((SELECT auth.is_platform_operator()));

ALTER TABLE app.state_machine_transitions ENABLE ROW LEVEL SECURITY;
ALTER TABLE app.state_machine_transitions FORCE ROW LEVEL SECURITY;
GRANT SELECT ON app.state_machine_transitions TO app_user, app_admin;
CREATE POLICY state_machine_transitions_select_staff ON app.state_machine_transitions FOR SELECT TO app_user
  USING (organization_id = (SELECT auth.org_id()) AND (SELECT auth.partner_id()) IS NULL);
CREATE POLICY state_machine_transitions_select_operator ON app.state_machine_transitions FOR SELECT TO app_admin
  USING ((SELECT auth.is_platform_operator()));

ALTER TABLE app.entity_states ENABLE ROW LEVEL SECURITY;
ALTER TABLE app.entity_states FORCE ROW LEVEL SECURITY;
GRANT SELECT ON app.entity_states TO app_user, app_admin;
CREATE POLICY entity_states_select_entity ON app.entity_states FOR SELECT TO app_user
  USING (organization_id = (SELECT auth.org_id()) AND (SELECT auth.can_see_entity(entity_type, entity_id)));
CREATE POLICY entity_states_select_operator ON app.entity_states FOR SELECT TO app_admin
  USING ((SELECT auth.is_platform_operator()));

ALTER TABLE app.entity_state_history ENABLE ROW LEVEL SECURITY;
ALTER TABLE app.entity_state_history FORCE ROW LEVEL SECURITY;
GRANT SELECT ON app.entity_state_history TO app_user, app_admin;
CREATE POLICY entity_state_history_select_entity ON app.entity_state_history FOR SELECT TO app_user
  USING (organization_id = (SELECT auth.org_id()) AND (SELECT auth.can_see_entity(entity_type, entity_id)));
CREATE POLICY entity_state_history_select_operator ON app.entity_state_history FOR SELECT TO app_admin
  USING ((SELECT auth.is_platform_operator()));

GRANT EXECUTE ON FUNCTION app.define_checklist_template(text, text, text, jsonb, jsonb, boolean), app.start_checklist(text, text, uuid),
  app.check_checklist_item(uuid, boolean, text), app.answer_checklist_item(uuid, boolean, numeric, boolean, text, text), app.define_state_machine(text, text, jsonb, jsonb, jsonb),
  app.attach_checklist_photo(uuid, text, text, bigint, text),
  app.publish_state_machine(uuid), app.start_state_machine(text, uuid), app.transition(text, uuid, text, text, jsonb),
  app.available_transitions(text, uuid), app.migrate_entity_state(text, uuid, uuid, text, text) TO app_user;
GRANT EXECUTE ON FUNCTION auth.checklist_start(text, text, uuid), auth.checklist_check(uuid, boolean, text), auth.checklist_answer(uuid, boolean, numeric, boolean, text, text),
  auth.checklist_photo(uuid, text, text, bigint, text),
  auth.state_machine_start(text, uuid), auth.state_machine_transition(text, uuid, text, text, jsonb),
  auth.state_machine_options(text, uuid) TO app_user;
-- Tags (db/functions/50_platform/32_tags.sql). The vocabulary: the tenant's
-- staff read it (portal users do not: tag names are internal), tag.manage
-- changes it. Tags on entities: whoever may read the entity reads them
-- (auth.can_see_entity, as the caller); holders of tag.apply who may read it
-- put them on and take them off (auth.check_entity: PT404 entity.not_found).
-- Platform operators read everything.
ALTER TABLE app.tags ENABLE ROW LEVEL SECURITY;
ALTER TABLE app.tags FORCE ROW LEVEL SECURITY;
GRANT SELECT ON app.tags TO app_user, app_admin;
GRANT INSERT (organization_id, name, color, description), UPDATE (name, color, description), DELETE ON app.tags TO app_user;
GRANT INSERT (id), UPDATE (organization_id, id) ON app.tags TO app_user;
CREATE POLICY tags_select_staff ON app.tags FOR SELECT TO app_user
  USING (organization_id = (SELECT auth.org_id()) AND (SELECT auth.partner_id()) IS NULL);
CREATE POLICY tags_insert_manager ON app.tags FOR INSERT TO app_user
  WITH CHECK (organization_id = (SELECT auth.org_id()) AND (SELECT auth.check_permission('tag.manage'))
              AND (SELECT auth.partner_id()) IS NULL);
CREATE POLICY tags_update_manager ON app.tags FOR UPDATE TO app_user
  USING (organization_id = (SELECT auth.org_id()) AND (SELECT auth.has_permission('tag.manage'))
         AND (SELECT auth.partner_id()) IS NULL)
  WITH CHECK (organization_id = (SELECT auth.org_id()));
CREATE POLICY tags_delete_manager ON app.tags FOR DELETE TO app_user
  USING (organization_id = (SELECT auth.org_id()) AND (SELECT auth.has_permission('tag.manage'))
         AND (SELECT auth.partner_id()) IS NULL);
CREATE POLICY tags_select_operator ON app.tags FOR SELECT TO app_admin
  USING ((SELECT auth.is_platform_operator()));

ALTER TABLE app.entity_tags ENABLE ROW LEVEL SECURITY;
ALTER TABLE app.entity_tags FORCE ROW LEVEL SECURITY;
GRANT SELECT ON app.entity_tags TO app_user, app_admin;
GRANT INSERT (organization_id, entity_type, entity_id, tag_id), DELETE ON app.entity_tags TO app_user;
CREATE POLICY entity_tags_select_reader ON app.entity_tags FOR SELECT TO app_user
  USING (organization_id = (SELECT auth.org_id()) AND auth.can_see_entity(entity_type, entity_id));
CREATE POLICY entity_tags_insert_tagger ON app.entity_tags FOR INSERT TO app_user
  WITH CHECK (organization_id = (SELECT auth.org_id()) AND auth.check_entity_permission('tag.apply', entity_type, entity_id));
CREATE POLICY entity_tags_delete_tagger ON app.entity_tags FOR DELETE TO app_user
  USING (organization_id = (SELECT auth.org_id()) AND auth.can_change_entity(entity_type, entity_id)
         AND auth.has_entity_permission('tag.apply', entity_type, entity_id));
CREATE POLICY entity_tags_select_operator ON app.entity_tags FOR SELECT TO app_admin
  USING ((SELECT auth.is_platform_operator()));

GRANT EXECUTE ON FUNCTION app.tagged_entities(uuid[], text, boolean), app.projects_tags(app.projects) TO app_user, app_admin;
GRANT EXECUTE ON FUNCTION auth.user_can_see_entity(uuid, text, uuid), auth.check_mentions(text, uuid, uuid[]) TO app_user;

-- Comments (db/functions/50_platform/33_comments.sql): whoever may read the
-- entity reads them (an archived one too: auth.can_see_entity); holders of
-- comment.write (tenant-wide or at the entity's site:
-- auth.check_entity_permission) who may read it write them (as themselves:
-- author_id is the server's); the author edits body and mentions; the
-- author, or a holder of comment.moderate, deletes; not on an archived
-- entity (auth.can_change_entity). Platform
-- operators read everything.
ALTER TABLE app.comments ENABLE ROW LEVEL SECURITY;
ALTER TABLE app.comments FORCE ROW LEVEL SECURITY;
GRANT SELECT ON app.comments TO app_user, app_admin;
GRANT INSERT (organization_id, entity_type, entity_id, parent_id, body, mention_ids), UPDATE (body, mention_ids), DELETE
  ON app.comments TO app_user;
GRANT INSERT (id), UPDATE (organization_id, id, entity_type, entity_id, parent_id) ON app.comments TO app_user;
CREATE POLICY comments_select_reader ON app.comments FOR SELECT TO app_user
  USING (organization_id = (SELECT auth.org_id()) AND auth.can_see_entity(entity_type, entity_id));
CREATE POLICY comments_insert_writer ON app.comments FOR INSERT TO app_user
  WITH CHECK (organization_id = (SELECT auth.org_id()) AND author_id = (SELECT auth.user_id())
              AND auth.check_entity_permission('comment.write', entity_type, entity_id)
              AND auth.check_mentions(entity_type, entity_id, mention_ids));
CREATE POLICY comments_update_author ON app.comments FOR UPDATE TO app_user
  USING (organization_id = (SELECT auth.org_id()) AND author_id = (SELECT auth.user_id())
         AND auth.can_change_entity(entity_type, entity_id))
  WITH CHECK (organization_id = (SELECT auth.org_id()) AND author_id = (SELECT auth.user_id())
              AND auth.check_mentions(entity_type, entity_id, mention_ids));
CREATE POLICY comments_delete_author_or_moderator ON app.comments FOR DELETE TO app_user
  USING (organization_id = (SELECT auth.org_id())
         AND auth.can_change_entity(entity_type, entity_id)
         AND (author_id = (SELECT auth.user_id()) OR auth.has_entity_permission('comment.moderate', entity_type, entity_id)));
CREATE POLICY comments_select_operator ON app.comments FOR SELECT TO app_admin
  USING ((SELECT auth.is_platform_operator()));

-- Attachments (db/functions/50_platform/34_attachments.sql): whoever may read
-- the entity reads them and gets download URLs of stored ones (SECURITY
-- INVOKER app.attachment_download_url writes attachment_downloads through
-- the policy below, the proof auth.sign_attachment_download asks for);
-- holders of attachment.upload who may read it attach files (the upload
-- state is the server's); a photo answering a checklist item is also added
-- by whoever may answer the item, through app.attach_checklist_photo; the uploader, or a holder of comment.moderate,
-- deletes. Upload URL and confirmation are the uploader's (SECURITY DEFINER
-- RPCs that check it). Each reads their own downloads; holders of
-- audit.read those of attachments they may read.
ALTER TABLE app.attachments ENABLE ROW LEVEL SECURITY;
ALTER TABLE app.attachments FORCE ROW LEVEL SECURITY;
GRANT SELECT ON app.attachments TO app_user, app_admin;
GRANT INSERT (organization_id, id, entity_type, entity_id, comment_id, checklist_item_id, file_name, mime_type, size_bytes, sha256), DELETE
  ON app.attachments TO app_user;
CREATE POLICY attachments_select_reader ON app.attachments FOR SELECT TO app_user
  USING (organization_id = (SELECT auth.org_id()) AND auth.can_see_entity(entity_type, entity_id));
CREATE POLICY attachments_insert_uploader ON app.attachments FOR INSERT TO app_user
  WITH CHECK (organization_id = (SELECT auth.org_id()) AND uploaded_by = (SELECT auth.user_id())
              AND auth.check_entity_permission('attachment.upload', entity_type, entity_id));
CREATE POLICY attachments_delete_uploader_or_moderator ON app.attachments FOR DELETE TO app_user
  USING (organization_id = (SELECT auth.org_id())
         AND auth.can_change_entity(entity_type, entity_id)
         AND (uploaded_by = (SELECT auth.user_id()) OR auth.has_entity_permission('comment.moderate', entity_type, entity_id)));
CREATE POLICY attachments_select_operator ON app.attachments FOR SELECT TO app_admin
  USING ((SELECT auth.is_platform_operator()));

ALTER TABLE app.attachment_downloads ENABLE ROW LEVEL SECURITY;
ALTER TABLE app.attachment_downloads FORCE ROW LEVEL SECURITY;
GRANT SELECT ON app.attachment_downloads TO app_user, app_admin;
GRANT INSERT (attachment_id) ON app.attachment_downloads TO app_user;
CREATE POLICY attachment_downloads_select_own_or_auditor ON app.attachment_downloads FOR SELECT TO app_user
  USING (organization_id = (SELECT auth.org_id())
         AND (user_id = (SELECT auth.user_id()) OR ((SELECT auth.has_permission('audit.read'))
              AND EXISTS (SELECT FROM app.attachments AS a
                           WHERE a.organization_id = attachment_downloads.organization_id AND a.id = attachment_downloads.attachment_id))));
CREATE POLICY attachment_downloads_insert_reader ON app.attachment_downloads FOR INSERT TO app_user
  WITH CHECK (organization_id = (SELECT auth.org_id()) AND user_id = (SELECT auth.user_id())
              AND EXISTS (SELECT FROM app.attachments AS a
                           WHERE a.organization_id = attachment_downloads.organization_id AND a.id = attachment_downloads.attachment_id));
CREATE POLICY attachment_downloads_select_operator ON app.attachment_downloads FOR SELECT TO app_admin
  USING ((SELECT auth.is_platform_operator()));

GRANT EXECUTE ON FUNCTION app.attachment_upload_url(uuid, integer), app.confirm_attachment_upload(uuid),
  app.attachment_download_url(uuid, integer), auth.sign_attachment_download(uuid, integer) TO app_user;

-- Tenant branding (db/functions/50_platform/64_branding.sql). One row per
-- tenant, made by provisioning: members (portal users too: they see the
-- tenant's theme) read it, holders of branding.manage change it (a member
-- without it gets PT403 permission.missing from the WITH CHECK rather than
-- an empty update), nobody inserts or deletes it. The fonts are the
-- platform's list, public like the locales. app.theme serves the theme to
-- anyone, anonymous callers included.
ALTER TABLE app.tenant_branding ENABLE ROW LEVEL SECURITY;
ALTER TABLE app.tenant_branding FORCE ROW LEVEL SECURITY;
GRANT SELECT ON app.tenant_branding TO app_user, app_admin;
GRANT UPDATE (display_name, primary_color, secondary_color, accent_color, heading_font, body_font, custom_domain, logo_attachment_id)
  ON app.tenant_branding TO app_user;
CREATE POLICY tenant_branding_select_member ON app.tenant_branding FOR SELECT TO app_user
  USING (organization_id = (SELECT auth.org_id()));
CREATE POLICY tenant_branding_update_manager ON app.tenant_branding FOR UPDATE TO app_user
  USING (organization_id = (SELECT auth.org_id()) AND (SELECT auth.partner_id()) IS NULL)
  WITH CHECK (organization_id = (SELECT auth.org_id()) AND (SELECT auth.check_permission('branding.manage')));
CREATE POLICY tenant_branding_select_operator ON app.tenant_branding FOR SELECT TO app_admin
  USING ((SELECT auth.is_platform_operator()));

ALTER TABLE app.branding_fonts ENABLE ROW LEVEL SECURITY;
ALTER TABLE app.branding_fonts FORCE ROW LEVEL SECURITY;
-- For whoever edits a branding; the anonymous theme gives a font's stack itself.
GRANT SELECT ON app.branding_fonts TO app_user, app_admin;
CREATE POLICY branding_fonts_select_everyone ON app.branding_fonts FOR SELECT TO app_user, app_admin
  USING (true);

GRANT EXECUTE ON FUNCTION app.theme(text, text) TO anon, app_user, app_admin;
GRANT EXECUTE ON FUNCTION app.check_custom_domain() TO app_user;

-- Tenant settings (db/functions/50_platform/66_settings.sql). The
-- definitions are the platform's (app_private, no grant); a tenant's staff
-- read the tenant's values, holders of each setting's own permission
-- (settings.manage unless the definition names another) set and reset them.
-- Everyone signed in reads app.settings, which filters by the caller itself.
ALTER TABLE app.tenant_settings ENABLE ROW LEVEL SECURITY;
ALTER TABLE app.tenant_settings FORCE ROW LEVEL SECURITY;
GRANT SELECT ON app.tenant_settings TO app_user, app_admin;
GRANT INSERT (organization_id, setting_key, value), UPDATE (value), DELETE ON app.tenant_settings TO app_user;
GRANT UPDATE (organization_id, setting_key) ON app.tenant_settings TO app_user;
CREATE POLICY tenant_settings_select_member ON app.tenant_settings FOR SELECT TO app_user
  USING (organization_id = (SELECT auth.org_id()) AND (SELECT auth.partner_id()) IS NULL);
CREATE POLICY tenant_settings_all_manager ON app.tenant_settings FOR ALL TO app_user
  USING (organization_id = (SELECT auth.org_id()) AND (SELECT auth.partner_id()) IS NULL
         AND (SELECT auth.may_change_setting(setting_key)))
  WITH CHECK (organization_id = (SELECT auth.org_id()) AND (SELECT auth.partner_id()) IS NULL
              AND (SELECT auth.check_setting_permission(setting_key)));
CREATE POLICY tenant_settings_select_operator ON app.tenant_settings FOR SELECT TO app_admin
  USING ((SELECT auth.is_platform_operator()));
GRANT SELECT ON app.settings TO app_user, app_admin;
GRANT EXECUTE ON FUNCTION auth.may_change_setting(text), auth.check_setting_permission(text), auth.may_change_some_setting()
  TO app_user, app_admin;
