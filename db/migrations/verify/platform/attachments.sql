-- Verify pulse:platform/attachments on pg

BEGIN;

SELECT organization_id, id, entity_type, entity_id, comment_id, file_name, mime_type, size_bytes, sha256, uploaded_by,
       created_at, upload_state, upload_rejection, upload_confirmed_at, upload_checked_at
  FROM app.attachments WHERE false;
SELECT organization_id, id, attachment_id, user_id, downloaded_at FROM app.attachment_downloads WHERE false;
SELECT object_key, queued_at FROM app_private.object_purges WHERE false;
SELECT 1 / count(*)::int FROM pg_catalog.pg_constraint
 WHERE conrelid = 'app.attachments'::regclass AND confrelid = 'app_private.entities'::regclass AND confdeltype = 'c';
-- The purge list and the upload state are the server's.
SELECT 1 / (NOT has_table_privilege('app_user', 'app_private.object_purges', 'SELECT'))::int;
SELECT 1 / (NOT has_column_privilege('app_user', 'app.attachments', 'upload_state', 'UPDATE'))::int;

ROLLBACK;
