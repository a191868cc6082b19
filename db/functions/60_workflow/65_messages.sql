-- Project messages: posted to a project's team, which is notified.

CREATE OR REPLACE FUNCTION app_private.tg_messages__check_and_notify() RETURNS trigger
LANGUAGE plpgsql VOLATILE
SECURITY DEFINER
SET search_path = ''
AS $$
DECLARE
  v_project app.projects;
BEGIN
  SELECT * INTO v_project FROM app.projects WHERE organization_id = NEW.organization_id AND id = NEW.project_id;
  -- Messages are staff records: a portal user is never their recipient.
  IF NEW.recipient_id IS NOT NULL AND NOT app_private.is_active_staff(NEW.organization_id, NEW.recipient_id) THEN
    PERFORM app_private.raise_invalid('message.recipient_not_staff',
                                      format('recipient %s is not an active member of the organization''s staff', NEW.recipient_id),
                                      'Send to a colleague, or leave recipient_id empty to write to the project team.');
  END IF;
  PERFORM app_private.notify(
    NEW.organization_id,
    array_remove(CASE WHEN NEW.recipient_id IS NOT NULL THEN ARRAY[NEW.recipient_id]
                      ELSE ARRAY[v_project.assigned_to, v_project.created_by] || v_project.team_member_ids END,
                 NEW.sender_id),
    'message', format('%s: %s', v_project.project_number, coalesce(nullif(NEW.subject, ''), 'new message')),
    pg_catalog.left(NEW.content, 500), 'normal', NEW.project_id, 'messages', NEW.id);
  RETURN NULL;
END
$$;

COMMENT ON FUNCTION app_private.tg_messages__check_and_notify() IS
  'AFTER INSERT on messages: the recipient must be an active staff member, never a portal user (PT422 message.recipient_not_staff); notifies the recipient, or the project team (app_private.notify skips whoever may not read the message).';

CREATE OR REPLACE TRIGGER _500_check_and_notify AFTER INSERT ON app.messages
  FOR EACH ROW EXECUTE FUNCTION app_private.tg_messages__check_and_notify();
