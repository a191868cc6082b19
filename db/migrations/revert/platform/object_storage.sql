-- Revert pulse:platform/object_storage from pg

BEGIN;

DROP TYPE app.signed_url;
DROP TABLE app_private.object_storage;

COMMIT;
