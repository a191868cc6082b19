-- Revert pulse:platform/object_storage from pg

BEGIN;

-- CASCADE: the signed-URL functions (repeatables) return the type; the next
-- `pulse db migrate` re-applies them.
DROP TYPE app.signed_url CASCADE;
DROP TABLE app_private.object_storage;

COMMIT;
