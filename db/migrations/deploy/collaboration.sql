-- Deploy pulse:collaboration to pg
-- requires: projects

BEGIN;

CREATE TYPE app.notification_type AS ENUM ('workflow', 'approval', 'document', 'message', 'system');
COMMENT ON TYPE app.notification_type IS 'What a notification is about.';

CREATE TABLE app.messages (
  organization_id uuid NOT NULL DEFAULT auth.jwt_org_id(),
  id uuid NOT NULL DEFAULT public.uuid_generate_v7(),
  project_id uuid NOT NULL,
  sender_id uuid NOT NULL
    DEFAULT nullif(nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'sub', '')::uuid REFERENCES app.users (id) ON DELETE CASCADE,
  recipient_id uuid REFERENCES app.users (id) ON DELETE CASCADE,
  subject text NOT NULL DEFAULT '' CONSTRAINT messages_subject_length CHECK (length(subject) <= 200),
  content text NOT NULL CONSTRAINT messages_content_length CHECK (length(btrim(content)) BETWEEN 1 AND 20000),
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (organization_id, id),
  FOREIGN KEY (organization_id, project_id) REFERENCES app.projects (organization_id, id) ON DELETE CASCADE
);
CREATE INDEX messages_project_idx ON app.messages (organization_id, project_id, created_at);
CREATE INDEX messages_recipient_idx ON app.messages (organization_id, recipient_id, created_at) WHERE recipient_id IS NOT NULL;

COMMENT ON TABLE app.messages IS
  'Project messages: to the project team (no recipient) or to one colleague. Sending one notifies the recipient or the team. Messages are not edited.';
COMMENT ON COLUMN app.messages.organization_id IS 'The tenant.';
COMMENT ON COLUMN app.messages.id IS 'Message id.';
COMMENT ON COLUMN app.messages.project_id IS 'The project (projects.id).';
COMMENT ON COLUMN app.messages.sender_id IS 'Who sent it (always the caller).';
COMMENT ON COLUMN app.messages.recipient_id IS 'One colleague, or empty for the project team.';
COMMENT ON COLUMN app.messages.subject IS 'Subject.';
COMMENT ON COLUMN app.messages.content IS 'Text.';
COMMENT ON COLUMN app.messages.created_at IS 'When it was sent.';

CREATE TABLE app.notifications (
  organization_id uuid NOT NULL,
  id uuid NOT NULL DEFAULT public.uuid_generate_v7(),
  user_id uuid NOT NULL REFERENCES app.users (id) ON DELETE CASCADE,
  type app.notification_type NOT NULL,
  title text NOT NULL,
  message text NOT NULL DEFAULT '',
  priority app.priority_level NOT NULL DEFAULT 'normal',
  action_url text,
  project_id uuid,
  entity_type text,
  entity_id uuid,
  created_at timestamptz NOT NULL DEFAULT now(),
  read_at timestamptz,
  PRIMARY KEY (organization_id, id),
  FOREIGN KEY (organization_id, project_id) REFERENCES app.projects (organization_id, id) ON DELETE CASCADE
);
CREATE INDEX notifications_user_idx ON app.notifications (organization_id, user_id, created_at DESC);
CREATE INDEX notifications_unread_idx ON app.notifications (organization_id, user_id) WHERE read_at IS NULL;

COMMENT ON TABLE app.notifications IS
  'A person''s notifications: stage changes, approvals waiting or escalated, documents, messages. Each person reads and marks only their own (PATCH read_at, app.mark_notification_read, app.mark_all_notifications_read).';
COMMENT ON COLUMN app.notifications.organization_id IS 'The tenant.';
COMMENT ON COLUMN app.notifications.id IS 'Notification id.';
COMMENT ON COLUMN app.notifications.user_id IS 'The recipient.';
COMMENT ON COLUMN app.notifications.type IS 'workflow, approval, document, message or system.';
COMMENT ON COLUMN app.notifications.title IS 'Short title.';
COMMENT ON COLUMN app.notifications.message IS 'Text.';
COMMENT ON COLUMN app.notifications.priority IS 'Priority.';
COMMENT ON COLUMN app.notifications.action_url IS 'Where the client should take the reader, e.g. /projects/<id>.';
COMMENT ON COLUMN app.notifications.project_id IS 'The project it concerns.';
COMMENT ON COLUMN app.notifications.entity_type IS 'The table of the row it concerns (approvals, documents, messages, projects).';
COMMENT ON COLUMN app.notifications.entity_id IS 'The row it concerns.';
COMMENT ON COLUMN app.notifications.created_at IS 'When it was sent.';
COMMENT ON COLUMN app.notifications.read_at IS E'@behavior +filterBy +orderBy\nWhen it was read; setting it to any time (e.g. "now") records the server''s time. Unread: read_at is null.';

COMMIT;
