-- Revert pulse:platform/attachments from pg

BEGIN;

DROP TABLE app_private.object_purges;
DROP TABLE app.attachment_downloads CASCADE;
DROP TABLE app.attachments CASCADE;
DROP TYPE app.upload_state CASCADE;

COMMIT;
