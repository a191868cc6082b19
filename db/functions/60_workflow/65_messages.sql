-- Project messages: posted to a project's team, which is notified.

CREATE OR REPLACE FUNCTION app_private.tg_messages__check_and_notify() RETURNS trigger
LANGUAGE plpgsql VOLATILE
SECURITY DEFINER
SET search_path = ''
AS $$
DECLARE
  v_project app.projects;
  v_recipients uuid[];
BEGIN
  SELECT * INTO v_project FROM app.projects WHERE organization_id = NEW.organization_id AND id = NEW.project_id;
  -- Messages are staff records: a portal user is never their recipient.
  IF NEW.recipient_id IS NOT NULL AND NOT app_private.is_active_staff(NEW.organization_id, NEW.recipient_id) THEN
    PERFORM app_private.raise_invalid('message.recipient_not_staff',
                                      format('recipient %s is not an active member of the organization''s staff', NEW.recipient_id),
                                      'Send to a colleague, or leave recipient_id empty to write to the project team.');
  END IF;
  IF NEW.recipient_id IS NOT NULL THEN
    v_recipients := ARRAY[NEW.recipient_id];
  ELSE
    -- The team: the manager, the creator and the members. A project with no
    -- team (or one only the sender is on) goes to management instead of nobody.
    v_recipients := ARRAY[v_project.assigned_to, v_project.created_by] || v_project.team_member_ids;
    IF NOT EXISTS (SELECT FROM unnest(v_recipients) AS r
                    WHERE r IS DISTINCT FROM NEW.sender_id AND app_private.is_active_staff(NEW.organization_id, r)) THEN
      v_recipients := app_private.role_holders(NEW.organization_id, ARRAY['management']);
    END IF;
  END IF;
  PERFORM app_private.notify(
    NEW.organization_id, array_remove(v_recipients, NEW.sender_id),
    'message', format('%s: %s', v_project.project_number, coalesce(nullif(NEW.subject, ''), 'new message')),
    pg_catalog.left(NEW.content, 500), 'normal', NEW.project_id, 'messages', NEW.id);
  RETURN NULL;
END
$$;

COMMENT ON FUNCTION app_private.tg_messages__check_and_notify() IS
  'AFTER INSERT on messages: the recipient must be an active staff member, never a portal user (PT422 message.recipient_not_staff); notifies the recipient, or the project team (manager, creator, members), or management when the team is nobody but the sender (app_private.notify skips whoever may not read the message).';

CREATE OR REPLACE TRIGGER _500_check_and_notify AFTER INSERT ON app.messages
  FOR EACH ROW EXECUTE FUNCTION app_private.tg_messages__check_and_notify();
