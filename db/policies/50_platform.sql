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
  auth.soft_delete_registration(text), auth.set_deleted(text, uuid, boolean, text), auth.trash_types() TO app_user;
