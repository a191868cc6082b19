-- Revert pulse:platform/soft_delete from pg

BEGIN;

DROP FUNCTION IF EXISTS app.soft_delete(text, uuid, text);
DROP FUNCTION IF EXISTS app.restore(text, uuid);
DROP FUNCTION IF EXISTS app.trash(text[]);
DROP FUNCTION IF EXISTS auth.set_deleted(text, uuid, boolean, text);
DROP FUNCTION IF EXISTS auth.soft_delete_registration(text);
DROP FUNCTION IF EXISTS auth.trash_types();
DROP FUNCTION IF EXISTS app_private.enable_soft_delete(text, text);
DROP FUNCTION IF EXISTS app_private.purge_trash(timestamptz);
DROP FUNCTION IF EXISTS app_private.trash_retention(uuid);
DROP TABLE app_private.soft_delete_types;
-- The policies and views that read the columns are repeatables: CASCADE
-- drops them, and the next migrate re-applies the files of the reverted state.
ALTER TABLE app.documents DROP COLUMN deleted_at CASCADE, DROP COLUMN deleted_by, DROP COLUMN deletion_reason;
ALTER TABLE app.projects DROP COLUMN deleted_at CASCADE, DROP COLUMN deleted_by, DROP COLUMN deletion_reason;

COMMIT;
