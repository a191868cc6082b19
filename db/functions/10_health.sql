CREATE OR REPLACE FUNCTION app.health() RETURNS app.health_report
LANGUAGE sql STABLE SECURITY DEFINER
SET search_path = ''
AS $$
  SELECT true,
         pg_catalog.current_setting('server_version'),
         count(*)::integer,
         (pg_catalog.array_agg(c.change ORDER BY c.committed_at DESC))[1],
         max(c.committed_at),
         pg_catalog.now()
    FROM sqitch.changes AS c
   WHERE c.project = 'pulse'
$$;

COMMENT ON FUNCTION app.health() IS
  'Health check for load balancers and monitors: database reachability, server version and migration state. Anonymous callers may use it.';
