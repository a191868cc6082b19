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
  WITH CHECK (organization_id = (SELECT auth.org_id()) AND (SELECT auth.check_permission('tag.apply'))
              AND auth.check_entity(entity_type, entity_id));
CREATE POLICY entity_tags_delete_tagger ON app.entity_tags FOR DELETE TO app_user
  USING (organization_id = (SELECT auth.org_id()) AND (SELECT auth.has_permission('tag.apply'))
         AND auth.can_see_entity(entity_type, entity_id));
CREATE POLICY entity_tags_select_operator ON app.entity_tags FOR SELECT TO app_admin
  USING ((SELECT auth.is_platform_operator()));

GRANT EXECUTE ON FUNCTION app.tagged_entities(uuid[], text, boolean), app.projects_tags(app.projects) TO app_user, app_admin;
GRANT EXECUTE ON FUNCTION auth.user_can_see_entity(uuid, text, uuid), auth.check_mentions(text, uuid, uuid[]) TO app_user;

-- Comments (db/functions/50_platform/33_comments.sql): whoever may read the
-- entity reads them; holders of comment.write who may read it write them
-- (as themselves: author_id is the server's); the author edits body and
-- mentions; the author, or a holder of comment.moderate, deletes. Platform
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
  WITH CHECK (organization_id = (SELECT auth.org_id()) AND (SELECT auth.check_permission('comment.write'))
              AND author_id = (SELECT auth.user_id()) AND auth.check_entity(entity_type, entity_id)
              AND auth.check_mentions(entity_type, entity_id, mention_ids));
CREATE POLICY comments_update_author ON app.comments FOR UPDATE TO app_user
  USING (organization_id = (SELECT auth.org_id()) AND author_id = (SELECT auth.user_id())
         AND auth.can_see_entity(entity_type, entity_id))
  WITH CHECK (organization_id = (SELECT auth.org_id()) AND author_id = (SELECT auth.user_id())
              AND auth.check_mentions(entity_type, entity_id, mention_ids));
CREATE POLICY comments_delete_author_or_moderator ON app.comments FOR DELETE TO app_user
  USING (organization_id = (SELECT auth.org_id())
         AND (author_id = (SELECT auth.user_id()) OR (SELECT auth.has_permission('comment.moderate')))
         AND auth.can_see_entity(entity_type, entity_id));
CREATE POLICY comments_select_operator ON app.comments FOR SELECT TO app_admin
  USING ((SELECT auth.is_platform_operator()));

-- Attachments (db/functions/50_platform/34_attachments.sql): whoever may read
-- the entity reads them and gets download URLs of stored ones (SECURITY
-- INVOKER app.attachment_download_url writes attachment_downloads through
-- the policy below, the proof auth.sign_attachment_download asks for);
-- holders of attachment.upload who may read it attach files (the upload
-- state is the server's); the uploader, or a holder of comment.moderate,
-- deletes. Upload URL and confirmation are the uploader's (SECURITY DEFINER
-- RPCs that check it). Each reads their own downloads; holders of
-- audit.read those of attachments they may read.
ALTER TABLE app.attachments ENABLE ROW LEVEL SECURITY;
ALTER TABLE app.attachments FORCE ROW LEVEL SECURITY;
GRANT SELECT ON app.attachments TO app_user, app_admin;
GRANT INSERT (organization_id, id, entity_type, entity_id, comment_id, file_name, mime_type, size_bytes, sha256), DELETE
  ON app.attachments TO app_user;
CREATE POLICY attachments_select_reader ON app.attachments FOR SELECT TO app_user
  USING (organization_id = (SELECT auth.org_id()) AND auth.can_see_entity(entity_type, entity_id));
CREATE POLICY attachments_insert_uploader ON app.attachments FOR INSERT TO app_user
  WITH CHECK (organization_id = (SELECT auth.org_id()) AND (SELECT auth.check_permission('attachment.upload'))
              AND uploaded_by = (SELECT auth.user_id()) AND auth.check_entity(entity_type, entity_id));
CREATE POLICY attachments_delete_uploader_or_moderator ON app.attachments FOR DELETE TO app_user
  USING (organization_id = (SELECT auth.org_id())
         AND (uploaded_by = (SELECT auth.user_id()) OR (SELECT auth.has_permission('comment.moderate')))
         AND auth.can_see_entity(entity_type, entity_id));
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
