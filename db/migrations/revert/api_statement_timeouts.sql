-- Revert pulse:api_statement_timeouts from pg

BEGIN;

-- Roles are shared by every database on the server: reverting this change in
-- one database lifts the timeouts for all of them.

ALTER ROLE anon RESET statement_timeout;
ALTER ROLE app_user RESET statement_timeout;
ALTER ROLE app_admin RESET statement_timeout;
ALTER ROLE authenticator RESET statement_timeout;

COMMIT;
