-- Revert pulse:schemas from pg

BEGIN;

-- CASCADE: the repeatables (db/functions, db/policies) hang their objects
-- off these schemas; `pulse db migrate` re-applies them.
DROP SCHEMA app, app_private, auth, audit CASCADE;

ALTER DEFAULT PRIVILEGES GRANT EXECUTE ON FUNCTIONS TO PUBLIC;

DROP EXTENSION IF EXISTS pg_trgm;
DROP EXTENSION IF EXISTS citext;
DROP EXTENSION IF EXISTS btree_gist;
DROP EXTENSION IF EXISTS pgcrypto;

COMMIT;
