-- Verify pulse:platform/database_load on pg

BEGIN;

SELECT 1 / count(*) FROM pg_catalog.pg_extension WHERE extname = 'pg_stat_statements';

ROLLBACK;
