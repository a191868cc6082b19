-- Deploy pulse:platform/email_digest_invitations to pg
-- requires: platform/email_notifications
-- requires: invitations

-- E-mail beyond one notification per mail (db/functions/50_platform/22_email.sql):
-- a daily digest for the kinds a person wants as `digest`, and invitation
-- mails sent over SMTP. Both go through app.email_deliveries and the
-- email_send task like notification mails.

BEGIN;

-- Nothing below uses the new value (it cannot be used in the transaction
-- that adds it).
ALTER TYPE app.notification_channel ADD VALUE IF NOT EXISTS 'digest';
COMMENT ON TYPE app.notification_channel IS
  'Where a kind of notification reaches a person: in_app (the notification list; the default), email, both, digest (in the app, and listed in one e-mail a day), or none.';

CREATE TYPE app.email_delivery_category AS ENUM ('notification', 'digest', 'invitation');
COMMENT ON TYPE app.email_delivery_category IS
  'What an e-mail is: notification (one notification), digest (the day''s unread notifications of the kinds wanted as digest), invitation (an invitation to join a tenant).';

ALTER TABLE app.email_deliveries
  ADD COLUMN category app.email_delivery_category NOT NULL DEFAULT 'notification',
  ADD COLUMN digest_on date,
  ADD COLUMN covers_until timestamptz,
  ADD COLUMN outbox_id uuid,
  ALTER COLUMN kind DROP NOT NULL,
  ADD CONSTRAINT email_deliveries_kind_of_notification CHECK ((category = 'notification') = (kind IS NOT NULL)),
  ADD CONSTRAINT email_deliveries_digest_has_day CHECK ((category = 'digest') = (digest_on IS NOT NULL AND covers_until IS NOT NULL)),
  ADD CONSTRAINT email_deliveries_invitation_has_message CHECK ((category = 'invitation') = (outbox_id IS NOT NULL));
-- One digest per person, tenant and day, however often the job runs.
CREATE UNIQUE INDEX email_deliveries_one_digest_a_day ON app.email_deliveries (organization_id, user_id, digest_on)
  WHERE category = 'digest';
COMMENT ON COLUMN app.email_deliveries.kind IS 'The kind of notification; none for a digest or an invitation.';
COMMENT ON COLUMN app.email_deliveries.category IS 'notification, digest or invitation.';
COMMENT ON COLUMN app.email_deliveries.digest_on IS 'For a digest: the day it is for, in the recipient''s time zone (one a day).';
COMMENT ON COLUMN app.email_deliveries.covers_until IS 'For a digest: it lists the unread notifications up to this time; the next one starts here.';
COMMENT ON COLUMN app.email_deliveries.outbox_id IS 'For an invitation: its message in the outbox (which alone holds the token).';
COMMENT ON COLUMN app.email_deliveries.user_id IS 'The recipient (for an invitation, the invitee).';

COMMIT;
