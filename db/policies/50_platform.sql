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

GRANT EXECUTE ON FUNCTION auth.holds_any_role(text[]) TO app_user, app_admin;

GRANT EXECUTE ON FUNCTION app.health() TO anon, app_user, app_admin;

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
-- CHECK), as the caller.
GRANT SELECT ON app.entity_types TO app_user, app_admin;
GRANT EXECUTE ON FUNCTION auth.entity_registration(text), auth.can_see_entity(text, uuid), auth.check_entity(text, uuid),
  auth.entity_title(text, uuid) TO app_user, app_admin;

-- Labels in the caller's language (db/functions/50_platform/07_localized.sql).
GRANT EXECUTE ON FUNCTION auth.locale(), auth.localized(text, jsonb) TO anon, app_user, app_admin;

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
