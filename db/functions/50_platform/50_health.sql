-- Anonymous callers (load balancers, monitors) learn only that the database
-- answers and how many migration changes are deployed; the server version and
-- the names and times of the changes are for platform operators (app_admin).
CREATE OR REPLACE FUNCTION app.health() RETURNS app.health_report
LANGUAGE sql STABLE SECURITY DEFINER
SET search_path = ''
AS $$
  SELECT true,
         CASE WHEN auth.claims() ->> 'role' = 'app_admin' THEN pg_catalog.current_setting('server_version') END,
         count(*)::integer,
         CASE WHEN auth.claims() ->> 'role' = 'app_admin'
              THEN (pg_catalog.array_agg(c.change ORDER BY c.committed_at DESC))[1] END,
         CASE WHEN auth.claims() ->> 'role' = 'app_admin' THEN max(c.committed_at) END,
         pg_catalog.now()
    FROM sqitch.changes AS c
   WHERE c.project = 'pulse'
$$;

COMMENT ON FUNCTION app.health() IS
  'Health check for load balancers and monitors: database reachability and how many migration changes are deployed. Anonymous callers may use it; the server version and the last change are shown to platform operators (app_admin) only.';
