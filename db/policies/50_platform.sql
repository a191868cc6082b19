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
