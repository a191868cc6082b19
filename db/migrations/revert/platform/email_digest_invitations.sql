-- Revert pulse:platform/email_digest_invitations from pg

BEGIN;

-- PostgreSQL cannot drop an enum value: 'digest' stays, unused. Digest
-- wishes become in_app (the notifications stay in the app); digest and
-- invitation deliveries go (their invitations stay in the outbox).
UPDATE app.notification_preferences SET channel = 'in_app' WHERE channel::text = 'digest';
DELETE FROM app.email_deliveries WHERE category <> 'notification';
-- The repeatable policy on the new column goes with it (db/policies/50_platform.sql).
DROP POLICY IF EXISTS email_deliveries_select_invitations ON app.email_deliveries;
DROP INDEX app.email_deliveries_one_digest_a_day;
ALTER TABLE app.email_deliveries
  DROP CONSTRAINT email_deliveries_kind_of_notification,
  DROP CONSTRAINT email_deliveries_digest_has_day,
  DROP CONSTRAINT email_deliveries_invitation_has_message,
  DROP COLUMN category,
  DROP COLUMN digest_on,
  DROP COLUMN covers_until,
  DROP COLUMN outbox_id,
  ALTER COLUMN kind SET NOT NULL;
DROP TYPE app.email_delivery_category;
COMMENT ON COLUMN app.email_deliveries.kind IS 'The kind of notification.';
COMMENT ON COLUMN app.email_deliveries.user_id IS 'The recipient.';

COMMIT;
