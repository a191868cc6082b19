-- Deploy pulse:api_statement_timeouts to pg
-- requires: collaboration

BEGIN;

-- No API request may hold a connection for long (issue #19, finding 1).
-- Roles belong to the whole server, so these settings apply to every Pulse
-- database on it. PostgREST (since 11.1) applies the settings of the role it
-- impersonates to each request's transaction; PostgreSQL itself applies a
-- role's settings only at login, so the GraphQL server sets the same bound
-- per request (config/limits.mjs, PULSE_STATEMENT_TIMEOUT). The
-- authenticator's own setting bounds what the servers run as themselves
-- (schema cache, introspection) and any connection made without them.
ALTER ROLE anon SET statement_timeout = '5s';
ALTER ROLE app_user SET statement_timeout = '5s';
ALTER ROLE app_admin SET statement_timeout = '5s';
ALTER ROLE authenticator SET statement_timeout = '10s';

COMMIT;
