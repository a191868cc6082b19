-- Deploy pulse:platform/database_load to pg
-- requires: schemas

BEGIN;

-- Statement statistics for operators (app.database_top_statements, docs/scaling.md
-- "Seeing load"). The library is preloaded by the server (shared_preload_libraries,
-- which `pulse db start` and docker-compose.yml set); the extension gives this
-- database its view. Creating it needs a superuser, as the migrations run.
CREATE EXTENSION IF NOT EXISTS pg_stat_statements WITH SCHEMA public;

COMMIT;
