-- Timed inside the database (clock_timestamp around each statement, no
-- client round trip), for bench/partitions.sh; prints one line per figure:
-- name, median ms, p95 ms, n. Rolled back.
--   insert: one event written as the audit triggers write it (the owner,
--           one row into audit.activity_log), :inserts times;
--   table:  acme's last 50 events straight from audit.activity_log (the
--           owner, a tenant filter), :reads times;
--   read:   the same through app.activity_log as qa@acme.test (claims,
--           app_user, row-level security, auth.activity_visibility per
--           event), :reads times (the plan is cached: execution only);
--   plan:   planning that read (EXPLAIN's planning time), :reads / 5 times.
BEGIN;
CREATE TEMP TABLE bench_times (name text, ms double precision);
GRANT ALL ON bench_times TO app_user;
SELECT set_config('bench.inserts', :'inserts', true), set_config('bench.reads', :'reads', true) \g /dev/null
DO $$
DECLARE
  v_started timestamptz;
  v_org uuid := (SELECT acme FROM public.bench_partitions);
BEGIN
  FOR i IN 1..current_setting('bench.inserts')::integer LOOP
    v_started := clock_timestamp();
    INSERT INTO audit.activity_log (organization_id, actor_role, entity_type, entity_id, action, new_values)
    VALUES (v_org, 'app_user', 'bench', i::text, 'insert', jsonb_build_object('n', i));
    INSERT INTO bench_times VALUES ('insert', extract(epoch FROM clock_timestamp() - v_started) * 1000);
  END LOOP;
END
$$;
DO $$
DECLARE
  v_started timestamptz;
  v_org uuid := (SELECT acme FROM public.bench_partitions);
  v_rows integer;
BEGIN
  FOR i IN 1..current_setting('bench.reads')::integer LOOP
    v_started := clock_timestamp();
    SELECT count(*) INTO v_rows FROM (SELECT * FROM audit.activity_log WHERE organization_id = v_org
                                       ORDER BY occurred_at DESC LIMIT 50) AS l;
    INSERT INTO bench_times VALUES ('table', extract(epoch FROM clock_timestamp() - v_started) * 1000);
  END LOOP;
END
$$;
SELECT set_config('request.jwt.claims', jsonb_build_object(
  'sub', (SELECT id FROM app.users WHERE email = 'qa@acme.test'), 'role', 'app_user',
  'org_id', (SELECT acme FROM public.bench_partitions))::text, true) \g /dev/null
SELECT set_config('role', 'app_user', true) \g /dev/null
SELECT auth.check_request() \g /dev/null
DO $$
DECLARE
  v_started timestamptz;
  v_rows integer;
  v_plan json;
BEGIN
  FOR i IN 1..current_setting('bench.reads')::integer LOOP
    v_started := clock_timestamp();
    SELECT count(*) INTO v_rows FROM (SELECT * FROM app.activity_log ORDER BY occurred_at DESC LIMIT 50) AS l;
    INSERT INTO bench_times VALUES ('read', extract(epoch FROM clock_timestamp() - v_started) * 1000);
    IF v_rows <> 50 THEN
      RAISE EXCEPTION 'the reader saw % events, not 50', v_rows;
    END IF;
  END LOOP;
  FOR i IN 1..greatest(current_setting('bench.reads')::integer / 5, 1) LOOP
    EXECUTE 'EXPLAIN (SUMMARY, FORMAT JSON) SELECT * FROM app.activity_log ORDER BY occurred_at DESC LIMIT 50' INTO v_plan;
    INSERT INTO bench_times VALUES ('plan', (v_plan -> 0 ->> 'Planning Time')::double precision);
  END LOOP;
END
$$;
SELECT name, round(percentile_cont(0.5) WITHIN GROUP (ORDER BY ms)::numeric, 3),
       round(percentile_cont(0.95) WITHIN GROUP (ORDER BY ms)::numeric, 3), count(*)
  FROM bench_times GROUP BY name ORDER BY name;
ROLLBACK;
