-- Verify pulse:schemas on pg

BEGIN;

SELECT pg_catalog.has_schema_privilege('app', 'USAGE');
SELECT pg_catalog.has_schema_privilege('app_private', 'USAGE');
SELECT pg_catalog.has_schema_privilege('auth', 'USAGE');
SELECT pg_catalog.has_schema_privilege('audit', 'USAGE');

SELECT 1 / (count(*) = 4)::int
  FROM pg_catalog.pg_extension
 WHERE extname IN ('pgcrypto', 'btree_gist', 'citext', 'pg_trgm');

-- The API roles never reach the private schema.
SELECT 1 / (NOT pg_catalog.has_schema_privilege('app_user', 'app_private', 'USAGE'))::int;
SELECT 1 / (NOT pg_catalog.has_schema_privilege('anon', 'app_private', 'USAGE'))::int;

ROLLBACK;
