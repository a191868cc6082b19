-- What loads the database, for platform operators only (docs/scaling.md,
-- "Seeing load"): the statements that took the most time (pg_stat_statements)
-- and the sessions waiting for a lock, with who holds it up. Both are SECURITY
-- DEFINER because PostgreSQL shows other roles' query text only to superusers
-- and members of pg_read_all_stats: the functions' owner (the migrating
-- superuser) must be one. They check the caller first, and only app_admin may
-- execute them (db/policies/50_platform.sql).

CREATE OR REPLACE FUNCTION app.database_top_statements(top integer DEFAULT 20)
RETURNS TABLE (
  query text, role_name name, calls bigint, total_ms numeric, mean_ms numeric, max_ms numeric,
  rows_returned bigint, cache_hit_percent numeric, temp_blocks_written bigint, share_of_total_percent numeric
)
LANGUAGE plpgsql STABLE
SECURITY DEFINER
SET search_path = ''
AS $$
BEGIN
  PERFORM app_private.require_platform_operator();
  IF top IS NULL OR top NOT BETWEEN 1 AND 500 THEN
    PERFORM app_private.raise_invalid('database_load.top_out_of_range',
      pg_catalog.format('top must be from 1 to 500, got %s', coalesce(top::text, 'null')),
      'Ask for the 20 statements that took the most time with top => 20.');
  END IF;
  IF NOT EXISTS (SELECT FROM pg_catalog.pg_extension WHERE extname = 'pg_stat_statements') THEN
    RAISE EXCEPTION 'statement statistics are not available in this database' USING ERRCODE = 'PT503',
      DETAIL = 'database_load.no_statistics', HINT = 'Run `pulse db migrate` (it creates the pg_stat_statements extension).';
  END IF;
  BEGIN
    RETURN QUERY
    SELECT s.query, r.rolname, s.calls,
           round(s.total_exec_time::numeric, 2), round(s.mean_exec_time::numeric, 3), round(s.max_exec_time::numeric, 2),
           s.rows,
           round(100.0 * s.shared_blks_hit / nullif(s.shared_blks_hit + s.shared_blks_read, 0), 2),
           s.temp_blks_written,
           round((100.0 * s.total_exec_time / nullif(pg_catalog.sum(s.total_exec_time) OVER (), 0))::numeric, 2)
      FROM public.pg_stat_statements(true) AS s
      LEFT JOIN pg_catalog.pg_roles AS r ON r.oid = s.userid
     WHERE s.dbid = (SELECT d.oid FROM pg_catalog.pg_database AS d WHERE d.datname = pg_catalog.current_database())
     ORDER BY s.total_exec_time DESC
     LIMIT top;
  EXCEPTION WHEN object_not_in_prerequisite_state THEN
    RAISE EXCEPTION 'statement statistics are not collected by this server' USING ERRCODE = 'PT503',
      DETAIL = 'database_load.no_statistics',
      HINT = 'Add pg_stat_statements to shared_preload_libraries and restart PostgreSQL (`pulse db start` does for the local cluster).';
  END;
END
$$;

COMMENT ON FUNCTION app.database_top_statements(integer) IS
  'The statements of this database that took the most execution time since the statistics were last reset (pg_stat_statements, parameters shown as $n), with calls, total/mean/max time in ms, rows, the shared-buffer hit ratio and the share of all statements'' time. Platform operators only. Errors: PT403 operator.required, PT422 database_load.top_out_of_range, PT503 database_load.no_statistics.';

CREATE OR REPLACE FUNCTION app.database_lock_waits()
RETURNS TABLE (
  waiting_pid integer, waiting_role name, waiting_query text, waiting_since timestamptz, wait_seconds numeric,
  wait_event text, blocking_pids integer[], blocking_roles name[], blocking_queries text[], blocking_states text[]
)
LANGUAGE plpgsql STABLE
SECURITY DEFINER
SET search_path = ''
AS $$
BEGIN
  PERFORM app_private.require_platform_operator();
  RETURN QUERY
  SELECT w.pid, w.usename, w.query, w.query_start,
         round(extract(epoch FROM pg_catalog.clock_timestamp() - w.query_start)::numeric, 3),
         w.wait_event_type || ':' || w.wait_event,
         b.pids,
         array(SELECT a.usename FROM pg_catalog.pg_stat_activity AS a JOIN unnest(b.pids) WITH ORDINALITY AS p(pid, n) ON p.pid = a.pid ORDER BY p.n),
         array(SELECT a.query FROM pg_catalog.pg_stat_activity AS a JOIN unnest(b.pids) WITH ORDINALITY AS p(pid, n) ON p.pid = a.pid ORDER BY p.n),
         array(SELECT a.state FROM pg_catalog.pg_stat_activity AS a JOIN unnest(b.pids) WITH ORDINALITY AS p(pid, n) ON p.pid = a.pid ORDER BY p.n)
    FROM pg_catalog.pg_stat_activity AS w
    CROSS JOIN LATERAL (SELECT pg_catalog.pg_blocking_pids(w.pid) AS pids) AS b
   WHERE w.datname = pg_catalog.current_database()
     AND w.wait_event_type = 'Lock'
     AND pg_catalog.cardinality(b.pids) > 0
   ORDER BY w.query_start;
END
$$;

COMMENT ON FUNCTION app.database_lock_waits() IS
  'The sessions of this database waiting for a lock now, longest first, each with the sessions that hold it up (pg_blocking_pids): their roles, queries and states (an "idle in transaction" blocker is a transaction left open). Platform operators only. Errors: PT403 operator.required.';
