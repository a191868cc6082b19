-- Deploy pulse:api_statement_timeouts to pg
-- requires: collaboration

BEGIN;

-- No API request may hold a connection for long (issue #19, finding 1).
-- Roles belong to the whole server, so these settings apply to every Pulse
-- database on it; a timeout an operator already chose for a role is kept.
-- PostgREST (since 11.1) applies the settings of the role it impersonates to
-- each request's transaction; PostgreSQL itself applies a role's settings
-- only at login, so the GraphQL server sets the same bound per request
-- (config/limits.mjs, PULSE_GRAPHQL_STATEMENT_TIMEOUT). The authenticator's
-- own setting bounds what the servers run as themselves (schema cache,
-- introspection) and any connection made without them.
DO $$
DECLARE
  v_role text;
  v_timeout text;
BEGIN
  FOR v_role, v_timeout IN
    VALUES ('anon', '5s'), ('app_user', '5s'), ('app_admin', '5s'), ('authenticator', '10s')
  LOOP
    IF NOT EXISTS (
      SELECT FROM pg_catalog.pg_db_role_setting AS s, pg_catalog.unnest(s.setconfig) AS c(setting)
       WHERE s.setrole = v_role::regrole AND s.setdatabase = 0 AND c.setting LIKE 'statement\_timeout=%'
    ) THEN
      EXECUTE format('ALTER ROLE %I SET statement_timeout = %L', v_role, v_timeout);
    END IF;
  END LOOP;
END
$$;

COMMIT;
