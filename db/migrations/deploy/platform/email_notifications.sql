-- Deploy pulse:platform/email_notifications to pg
-- requires: platform/notification_webhook_partitions
-- requires: platform/object_storage

BEGIN;

-- E-mail notifications (db/functions/50_platform/22_email.sql): each person
-- chooses per tenant and kind of notification where it reaches them; a
-- notification wanted by e-mail becomes a delivery the worker sends over the
-- deployment's SMTP server (config/worker/tasks/email_send.mjs).

CREATE TYPE app.notification_channel AS ENUM ('in_app', 'email', 'both', 'none');
COMMENT ON TYPE app.notification_channel IS
  'Where a kind of notification reaches a person: in_app (the notification list; the default), email, both, or none.';

CREATE TABLE app.notification_preferences (
  organization_id uuid NOT NULL,
  user_id uuid NOT NULL,
  kind app.notification_type NOT NULL,
  channel app.notification_channel NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (organization_id, user_id, kind),
  -- A person's choices go with their membership.
  FOREIGN KEY (organization_id, user_id) REFERENCES app.memberships (organization_id, user_id) ON DELETE CASCADE
);
COMMENT ON TABLE app.notification_preferences IS
  E'Notification preferences\nWhere each kind of notification reaches you in this tenant: in the app, by e-mail, both or not at all. A kind without a row reaches you in the app only. Set with POST /rpc/set_notification_preference; the e-mail goes to the address you sign in with.';
COMMENT ON COLUMN app.notification_preferences.organization_id IS 'The tenant the preference holds in.';
COMMENT ON COLUMN app.notification_preferences.user_id IS 'Whose preference it is.';
COMMENT ON COLUMN app.notification_preferences.kind IS 'The kind of notification (workflow, approval, document, message, system, quality, comment, attachment).';
COMMENT ON COLUMN app.notification_preferences.channel IS 'in_app, email, both or none.';
COMMENT ON COLUMN app.notification_preferences.updated_at IS 'When it was last set.';

CREATE TYPE app.email_delivery_status AS ENUM ('queued', 'sending', 'sent', 'failed', 'cancelled');
COMMENT ON TYPE app.email_delivery_status IS
  'Where an e-mail is: queued (waiting for the worker or a retry), sending, sent (the SMTP server accepted it), failed (refused for good or out of attempts), cancelled (not sent: the recipient left the tenant or unsubscribed since).';

CREATE TABLE app.email_deliveries (
  organization_id uuid NOT NULL REFERENCES app.organizations (id) ON DELETE CASCADE,
  id uuid NOT NULL,
  user_id uuid NOT NULL REFERENCES app.users (id) ON DELETE CASCADE,
  notification_id uuid,
  kind app.notification_type NOT NULL,
  recipient citext NOT NULL CONSTRAINT email_deliveries_recipient_length CHECK (length(recipient) <= 320),
  subject text NOT NULL CONSTRAINT email_deliveries_subject_length CHECK (length(subject) BETWEEN 1 AND 300),
  body text NOT NULL CONSTRAINT email_deliveries_body_length CHECK (length(body) <= 10000),
  action_url text,
  status app.email_delivery_status NOT NULL DEFAULT 'queued',
  attempts integer NOT NULL DEFAULT 0 CONSTRAINT email_deliveries_attempts_not_negative CHECK (attempts >= 0),
  last_attempt_at timestamptz,
  sent_at timestamptz,
  message_id text CONSTRAINT email_deliveries_message_id_length CHECK (length(message_id) <= 998),
  server_response text CONSTRAINT email_deliveries_server_response_length CHECK (length(server_response) <= 2000),
  error_code text CONSTRAINT email_deliveries_error_code_length CHECK (length(error_code) <= 200),
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (organization_id, id),
  CONSTRAINT email_deliveries_sent_has_time CHECK ((status = 'sent') = (sent_at IS NOT NULL)),
  CONSTRAINT email_deliveries_failed_has_reason CHECK (status NOT IN ('failed', 'cancelled') OR error_code IS NOT NULL)
);
CREATE INDEX email_deliveries_user_idx ON app.email_deliveries (organization_id, user_id, created_at DESC);
CREATE INDEX email_deliveries_user_id_idx ON app.email_deliveries (user_id);
CREATE INDEX email_deliveries_created_at_idx ON app.email_deliveries (created_at);
COMMENT ON TABLE app.email_deliveries IS
  E'E-mail deliveries\nThe delivery log of your notifications sent by e-mail: to which address, subject and text, status (queued, sending, sent, failed, cancelled), attempts, the SMTP server''s answer to the last one and the message id. Written by the system only; kept 90 days.';
COMMENT ON COLUMN app.email_deliveries.organization_id IS 'The tenant the notification is from.';
COMMENT ON COLUMN app.email_deliveries.id IS 'The delivery.';
COMMENT ON COLUMN app.email_deliveries.user_id IS 'The recipient.';
COMMENT ON COLUMN app.email_deliveries.notification_id IS 'The in-app notification it copies, when one was kept (channel both); null for e-mail only.';
COMMENT ON COLUMN app.email_deliveries.kind IS 'The kind of notification.';
COMMENT ON COLUMN app.email_deliveries.recipient IS 'The address it goes to: the recipient''s sign-in address when it was queued.';
COMMENT ON COLUMN app.email_deliveries.subject IS 'The subject line: [tenant] title.';
COMMENT ON COLUMN app.email_deliveries.body IS 'The notification''s title and message (the mail adds its link and the unsubscribe link when sent).';
COMMENT ON COLUMN app.email_deliveries.action_url IS 'The notification''s path in the app; the mail links to it behind the deployment''s app address (PULSE_APP_URL).';
COMMENT ON COLUMN app.email_deliveries.status IS 'queued, sending, sent, failed or cancelled.';
COMMENT ON COLUMN app.email_deliveries.attempts IS 'How many times the worker tried to send it.';
COMMENT ON COLUMN app.email_deliveries.last_attempt_at IS 'When it last tried.';
COMMENT ON COLUMN app.email_deliveries.sent_at IS 'When the SMTP server accepted it.';
COMMENT ON COLUMN app.email_deliveries.message_id IS 'The Message-ID header of the sent message.';
COMMENT ON COLUMN app.email_deliveries.server_response IS 'The SMTP server''s answer to the last attempt (250 ... when accepted, the refusal otherwise), or the connection error.';
COMMENT ON COLUMN app.email_deliveries.error_code IS 'Why it failed or was cancelled: email.smtp_refused, email.smtp_failed, email.not_configured, email.recipient_left, email.unsubscribed.';
COMMENT ON COLUMN app.email_deliveries.created_at IS 'When it was queued (with its notification).';

-- The deployment's mail settings: one row, written by `pulse db migrate`
-- from PULSE_SMTP_* (cli/pulse/lifecycle.py), read by the owner's functions
-- only. The unsubscribe key signs the one-click unsubscribe tokens.
CREATE TABLE app_private.email_settings (
  singleton boolean PRIMARY KEY DEFAULT true CONSTRAINT email_settings_singleton CHECK (singleton),
  smtp_host text CONSTRAINT email_settings_host_format CHECK (smtp_host ~ '^[A-Za-z0-9.-]{1,253}$'),
  smtp_port integer NOT NULL DEFAULT 587 CONSTRAINT email_settings_port_range CHECK (smtp_port BETWEEN 1 AND 65535),
  smtp_security text NOT NULL DEFAULT 'starttls' CONSTRAINT email_settings_security_known CHECK (smtp_security IN ('starttls', 'tls', 'none')),
  smtp_username text CONSTRAINT email_settings_username_length CHECK (length(smtp_username) BETWEEN 1 AND 320),
  smtp_password text CONSTRAINT email_settings_password_length CHECK (length(smtp_password) BETWEEN 1 AND 500),
  from_address text NOT NULL DEFAULT 'Pulse <notifications@pulse.local>'
    CONSTRAINT email_settings_from_length CHECK (length(from_address) BETWEEN 3 AND 320),
  unsubscribe_url text NOT NULL DEFAULT 'http://127.0.0.1:3000/rpc/unsubscribe_email?token={token}'
    CONSTRAINT email_settings_unsubscribe_url_format CHECK (unsubscribe_url ~ '^https?://' AND strpos(unsubscribe_url, '{token}') > 0),
  app_url text CONSTRAINT email_settings_app_url_format CHECK (app_url ~ '^https?://[^ ]+$'),
  unsubscribe_key bytea NOT NULL DEFAULT public.gen_random_bytes(32),
  updated_at timestamptz NOT NULL DEFAULT now()
);
REVOKE ALL ON app_private.email_settings FROM PUBLIC;
INSERT INTO app_private.email_settings DEFAULT VALUES;
COMMENT ON TABLE app_private.email_settings IS
  E'E-mail settings\nThe deployment''s SMTP server and sender (PULSE_SMTP_*), the links mails carry, and the key that signs unsubscribe tokens. One row; read only by the owner''s functions. No smtp_host: e-mail is not configured.';
COMMENT ON COLUMN app_private.email_settings.singleton IS 'Always true: there is one row.';
COMMENT ON COLUMN app_private.email_settings.smtp_host IS 'The SMTP server (PULSE_SMTP_HOST); null while e-mail is not configured.';
COMMENT ON COLUMN app_private.email_settings.smtp_port IS 'Its port (PULSE_SMTP_PORT, 587 by default).';
COMMENT ON COLUMN app_private.email_settings.smtp_security IS 'starttls (required), tls (implicit, port 465) or none (a local relay only) (PULSE_SMTP_SECURITY).';
COMMENT ON COLUMN app_private.email_settings.smtp_username IS 'The SMTP user name, when the server wants one (PULSE_SMTP_USERNAME).';
COMMENT ON COLUMN app_private.email_settings.smtp_password IS 'Its password (PULSE_SMTP_PASSWORD).';
COMMENT ON COLUMN app_private.email_settings.from_address IS 'The From of every mail (PULSE_SMTP_FROM).';
COMMENT ON COLUMN app_private.email_settings.unsubscribe_url IS 'The one-click unsubscribe link, {token} replaced by the token (PULSE_SMTP_UNSUBSCRIBE_URL).';
COMMENT ON COLUMN app_private.email_settings.app_url IS 'Where people open Pulse: a notification''s link is this followed by its action_url (PULSE_APP_URL); none without it.';
COMMENT ON COLUMN app_private.email_settings.unsubscribe_key IS 'The HMAC-SHA256 key of unsubscribe tokens (random; replacing it voids every link sent).';
COMMENT ON COLUMN app_private.email_settings.updated_at IS 'When the settings were last written.';

COMMIT;
