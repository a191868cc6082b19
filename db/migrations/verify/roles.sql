-- Verify pulse:roles on pg

BEGIN;

SELECT 1 / (count(*) = 3)::int
  FROM pg_catalog.pg_roles
 WHERE rolname IN ('anon', 'app_user', 'app_admin') AND NOT rolcanlogin;

SELECT 1 / (rolcanlogin AND NOT rolinherit)::int
  FROM pg_catalog.pg_roles
 WHERE rolname = 'authenticator';

SELECT 1 / (pg_catalog.pg_has_role('authenticator', 'anon', 'MEMBER')
        AND pg_catalog.pg_has_role('authenticator', 'app_user', 'MEMBER')
        AND pg_catalog.pg_has_role('authenticator', 'app_admin', 'MEMBER'))::int;

ROLLBACK;
