-- Revert pulse:platform/soft_delete_sites from pg

BEGIN;

DROP FUNCTION IF EXISTS app_private.enable_soft_delete(text, text, regprocedure);
DROP FUNCTION IF EXISTS auth.check_trash_permission(text, uuid, boolean);
ALTER TABLE app_private.soft_delete_types DROP COLUMN site_function;

COMMIT;
