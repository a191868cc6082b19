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
  app.check_checklist_item(uuid, boolean, text), app.define_state_machine(text, text, jsonb, jsonb, jsonb),
  app.publish_state_machine(uuid), app.start_state_machine(text, uuid), app.transition(text, uuid, text, text, jsonb),
  app.available_transitions(text, uuid), app.migrate_entity_state(text, uuid, uuid, text, text) TO app_user;
GRANT EXECUTE ON FUNCTION auth.checklist_start(text, text, uuid), auth.checklist_check(uuid, boolean, text),
  auth.state_machine_start(text, uuid), auth.state_machine_transition(text, uuid, text, text, jsonb),
  auth.state_machine_options(text, uuid) TO app_user;
