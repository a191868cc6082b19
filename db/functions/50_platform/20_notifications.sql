-- Notifications. Domain functions call
-- app_private.notify; people read and mark only their own.

CREATE OR REPLACE FUNCTION app_private.notify_readers(
  p_organization_id uuid,
  p_recipients uuid[],
  p_read_permission text,
  p_type app.notification_type,
  p_title text,
  p_message text,
  p_priority app.priority_level DEFAULT 'normal',
  p_project_id uuid DEFAULT NULL,
  p_entity_type text DEFAULT NULL,
  p_entity_id uuid DEFAULT NULL
) RETURNS integer
LANGUAGE plpgsql VOLATILE
SET search_path = ''
AS $$
DECLARE
  v_count integer;
BEGIN
  INSERT INTO app.notifications
    (id, organization_id, user_id, type, title, message, priority, action_url, project_id, entity_type, entity_id)
  SELECT public.uuid_generate_v7(), p_organization_id, m.user_id, p_type, pg_catalog.left(p_title, 200), pg_catalog.left(p_message, 2000),
         p_priority,
         CASE WHEN p_entity_type = 'approvals' THEN '/approvals/' || p_entity_id
              WHEN p_project_id IS NOT NULL THEN '/projects/' || p_project_id
              WHEN p_entity_type IS NOT NULL THEN '/' || p_entity_type || '/' || p_entity_id END,
         p_project_id, p_entity_type, p_entity_id
    FROM app.memberships AS m
    JOIN app.users AS u ON u.id = m.user_id AND u.status = 'active'
   WHERE m.organization_id = p_organization_id AND m.status = 'active' AND m.user_id = ANY (p_recipients)
     -- A notification copies some of the record it is about: only staff (not
     -- portal users) who may read such records tenant-wide get one.
     AND m.partner_id IS NULL
     AND EXISTS (SELECT FROM app.role_assignments AS ra
                   JOIN app.role_permissions AS rp ON rp.organization_id = ra.organization_id AND rp.role_id = ra.role_id
                  WHERE ra.organization_id = m.organization_id AND ra.membership_id = m.id AND ra.site_id IS NULL
                    AND rp.permission = p_read_permission);
  GET DIAGNOSTICS v_count = ROW_COUNT;
  RETURN v_count;
END
$$;

COMMENT ON FUNCTION app_private.notify_readers(uuid, uuid[], text, app.notification_type, text, text, app.priority_level, uuid, text, uuid) IS
  'Sends one notification to each recipient who may read the record it is about: an active staff member (not a portal user) holding p_read_permission tenant-wide; others are skipped. Returns how many were sent.';

CREATE OR REPLACE FUNCTION app_private.notify(
  p_organization_id uuid,
  p_recipients uuid[],
  p_type app.notification_type,
  p_title text,
  p_message text,
  p_priority app.priority_level DEFAULT 'normal',
  p_project_id uuid DEFAULT NULL,
  p_entity_type text DEFAULT NULL,
  p_entity_id uuid DEFAULT NULL
) RETURNS integer
LANGUAGE sql VOLATILE
AS $$
  -- Project team messages, approvals, documents and workflow steps are read with project.read.
  -- No SET clause (the names are qualified): the call is inlined into the caller's.
  SELECT app_private.notify_readers(p_organization_id, p_recipients, 'project.read', p_type, p_title, p_message,
                                    p_priority, p_project_id, p_entity_type, p_entity_id);
$$;

COMMENT ON FUNCTION app_private.notify(uuid, uuid[], app.notification_type, text, text, app.priority_level, uuid, text, uuid) IS
  'Notifies about a project workflow record (messages, approvals, documents, steps): app_private.notify_readers with project.read.';

CREATE OR REPLACE FUNCTION app_private.tg_notifications__stamp_read() RETURNS trigger
LANGUAGE plpgsql VOLATILE
SECURITY DEFINER
SET search_path = ''
AS $$
BEGIN
  IF NEW.read_at IS NOT NULL AND OLD.read_at IS NULL THEN
    NEW.read_at := pg_catalog.now();
    IF NEW.entity_type = 'approvals' THEN
      UPDATE app.approval_notifications SET read_at = NEW.read_at
       WHERE organization_id = NEW.organization_id AND approval_id = NEW.entity_id AND recipient_id = NEW.user_id AND read_at IS NULL;
    END IF;
  ELSIF NEW.read_at IS NOT NULL THEN
    NEW.read_at := OLD.read_at;
  END IF;
  RETURN NEW;
END
$$;

COMMENT ON FUNCTION app_private.tg_notifications__stamp_read() IS
  'BEFORE UPDATE: marking read records the server''s time (whatever time the client sent) and marks the matching approval_notifications read; a read notification keeps its first time; null marks it unread.';

CREATE OR REPLACE TRIGGER _200_stamp_read BEFORE UPDATE OF read_at ON app.notifications
  FOR EACH ROW EXECUTE FUNCTION app_private.tg_notifications__stamp_read();

CREATE OR REPLACE FUNCTION app.mark_notification_read(notification_id uuid) RETURNS app.notifications
LANGUAGE plpgsql VOLATILE
SET search_path = ''
AS $$
#variable_conflict use_column
DECLARE
  v_notification app.notifications;
BEGIN
  UPDATE app.notifications AS n SET read_at = pg_catalog.now()
   WHERE n.organization_id = auth.org_id() AND n.id = mark_notification_read.notification_id
  RETURNING * INTO v_notification;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'no notification %', notification_id USING ERRCODE = 'PT404', DETAIL = 'notification.not_found',
      HINT = 'GET /notifications lists yours.';
  END IF;
  RETURN v_notification;
END
$$;

COMMENT ON FUNCTION app.mark_notification_read(uuid) IS 'Marks one of your notifications read and returns it. Errors: PT404 notification.not_found (not yours or unknown).';

CREATE OR REPLACE FUNCTION app.mark_all_notifications_read() RETURNS integer
LANGUAGE sql VOLATILE
AS $$
  WITH marked AS (
    UPDATE app.notifications AS n SET read_at = pg_catalog.now()
     WHERE n.organization_id = auth.org_id() AND n.user_id = auth.user_id() AND n.read_at IS NULL
    RETURNING 1
  )
  SELECT count(*)::integer FROM marked
$$;

COMMENT ON FUNCTION app.mark_all_notifications_read() IS 'Marks every unread notification of yours in the active tenant read; returns how many.';
