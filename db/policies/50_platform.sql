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
