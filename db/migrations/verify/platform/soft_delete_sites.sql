-- Verify pulse:platform/soft_delete_sites on pg

BEGIN;

SELECT site_function FROM app_private.soft_delete_types WHERE false;

ROLLBACK;
