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
