-- Revert pulse:api_statement_timeouts from pg

BEGIN;

-- Roles belong to the whole server. As with the roles themselves (revert
-- roles), their timeouts stay while another database still uses the API
-- roles: lifting them there would unbound every request of that database.
DO $$
BEGIN
  IF EXISTS (
    SELECT FROM pg_catalog.pg_shdepend AS d
      JOIN pg_catalog.pg_database AS db ON db.oid = d.dbid
     WHERE d.refclassid = 'pg_catalog.pg_authid'::pg_catalog.regclass
       AND d.refobjid IN (SELECT oid FROM pg_catalog.pg_roles WHERE rolname IN ('anon', 'app_user', 'app_admin'))
       AND db.datname <> pg_catalog.current_database()
  ) THEN
    RAISE NOTICE 'the API roles are still used by another database; their statement timeouts are kept';
  ELSE
    ALTER ROLE anon RESET statement_timeout;
    ALTER ROLE app_user RESET statement_timeout;
    ALTER ROLE app_admin RESET statement_timeout;
    ALTER ROLE authenticator RESET statement_timeout;
  END IF;
END
$$;

COMMIT;
