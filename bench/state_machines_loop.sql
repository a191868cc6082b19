-- app.transition timed inside the database (clock_timestamp around each
-- call, no client round trip), as qa@acme.test, :calls calls per kind
-- interleaved; prints median and p95 in ms. Rolled back.
BEGIN;
CREATE TEMP TABLE bench_sm_times (kind text, ms double precision);
GRANT ALL ON bench_sm_times TO app_user;
SELECT set_config('request.jwt.claims', jsonb_build_object(
  'sub', (SELECT id FROM app.users WHERE email = 'qa@acme.test'), 'role', 'app_user',
  'org_id', (SELECT id FROM app.organizations WHERE slug = 'acme-manufacturing'))::text, true) \g /dev/null
SELECT set_config('bench.calls', :'calls', true), set_config('role', 'app_user', true) \g /dev/null
SELECT auth.check_request() \g /dev/null
DO $$
DECLARE
  v_target record;
  v_kind text;
  v_started timestamptz;
BEGIN
  FOR i IN 1..current_setting('bench.calls')::integer LOOP
    FOREACH v_kind IN ARRAY ARRAY['document', 'project'] LOOP
      SELECT t.entity_id, s.state INTO v_target
        FROM public.bench_sm_targets AS t
        JOIN app.entity_states AS s ON s.entity_type = t.kind AND s.entity_id = t.entity_id
       WHERE t.kind = v_kind AND t.n = i % (SELECT count(*) FROM public.bench_sm_targets AS c WHERE c.kind = v_kind);
      v_started := clock_timestamp();
      PERFORM app.transition(v_kind, v_target.entity_id, CASE v_target.state WHEN 'a' THEN 'b' ELSE 'a' END, 'bench loop');
      INSERT INTO bench_sm_times VALUES (v_kind, extract(epoch FROM clock_timestamp() - v_started) * 1000);
    END LOOP;
  END LOOP;
END
$$;
SELECT kind, percentile_cont(0.5) WITHIN GROUP (ORDER BY ms), percentile_cont(0.95) WITHIN GROUP (ORDER BY ms), count(*)
  FROM bench_sm_times GROUP BY kind ORDER BY kind;
ROLLBACK;
