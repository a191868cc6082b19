-- Deploy pulse:schemas to pg
-- requires: roles

BEGIN;

CREATE EXTENSION IF NOT EXISTS pgcrypto WITH SCHEMA public;
CREATE EXTENSION IF NOT EXISTS btree_gist WITH SCHEMA public;
CREATE EXTENSION IF NOT EXISTS citext WITH SCHEMA public;
CREATE EXTENSION IF NOT EXISTS pg_trgm WITH SCHEMA public;

CREATE SCHEMA app;
COMMENT ON SCHEMA app IS 'Pulse API: every table, view and function a client may call.';

CREATE SCHEMA app_private;
COMMENT ON SCHEMA app_private IS 'Internal tables and helpers; never exposed, never granted to API roles.';

CREATE SCHEMA auth;
COMMENT ON SCHEMA auth IS 'Identity and claims helpers that policies and functions call.';

CREATE SCHEMA audit;
COMMENT ON SCHEMA audit IS 'The append-only activity log.';

-- Nothing is executable by PUBLIC unless granted per function signature.
ALTER DEFAULT PRIVILEGES REVOKE EXECUTE ON FUNCTIONS FROM PUBLIC;

COMMIT;
