-- Verify pulse:api_statement_timeouts on pg

BEGIN;

-- Every API role carries a statement timeout for all databases (setdatabase 0).
SELECT 1 / (count(*) = 4)::int
  FROM pg_catalog.pg_db_role_setting AS s
  JOIN pg_catalog.pg_roles AS r ON r.oid = s.setrole
 WHERE s.setdatabase = 0
   AND r.rolname IN ('anon', 'app_user', 'app_admin', 'authenticator')
   AND EXISTS (SELECT FROM pg_catalog.unnest(s.setconfig) AS c(setting) WHERE c.setting LIKE 'statement\_timeout=%');

ROLLBACK;
