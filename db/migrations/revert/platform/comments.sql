-- Revert pulse:platform/comments from pg

BEGIN;

-- CASCADE: the repeatables hang off it (and the attachments of comments, if
-- platform/attachments is still deployed, go with their foreign key).
DROP TABLE app.comments CASCADE;
-- The notification type 'comment' stays: PostgreSQL cannot drop an enum value.
-- Notifications about comments are removed so nothing refers to them.
DELETE FROM app.notifications WHERE type = 'comment';

COMMIT;
