-- Revert pulse:platform/database_load from pg

BEGIN;

DROP EXTENSION IF EXISTS pg_stat_statements;

COMMIT;
