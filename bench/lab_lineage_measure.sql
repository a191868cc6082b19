-- Lineage walk timings (bench/lab_lineage.sh): app.sample_lineage as
-- Northwind's lab manager (claims, role app_user, row-level security on),
-- :calls calls per shape on random trees, after a warm-up. Prints
-- shape, median ms, p95 ms, n, rows per call.
\set ON_ERROR_STOP on
CREATE FUNCTION pg_temp.measure(p_direction text, p_generation integer, p_calls integer)
RETURNS TABLE (shape text, p50 numeric, p95 numeric, n integer, rows_per_call numeric)
LANGUAGE plpgsql AS $$
DECLARE
  v_trees integer := (SELECT max(tree) FROM public.bench_lineage_nodes);
  v_tree integer;
  v_id uuid;
  v_start timestamptz;
  v_rows integer;
  v_times numeric[] := '{}';
  v_total integer := 0;
BEGIN
  FOR i IN 1 .. p_calls LOOP
    v_tree := 1 + floor(random() * v_trees)::integer;
    SELECT id INTO v_id FROM public.bench_lineage_nodes WHERE tree = v_tree AND generation = p_generation;
    v_start := clock_timestamp();
    SELECT count(*) INTO v_rows FROM app.sample_lineage(v_id, p_direction, 10);
    v_times := v_times || (extract(epoch FROM clock_timestamp() - v_start) * 1000)::numeric;
    v_total := v_total + v_rows;
  END LOOP;
  RETURN QUERY SELECT p_direction || ' from generation ' || p_generation,
    round((SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY t) FROM unnest(v_times) t)::numeric, 2),
    round((SELECT percentile_cont(0.95) WITHIN GROUP (ORDER BY t) FROM unnest(v_times) t)::numeric, 2),
    p_calls, round(v_total::numeric / p_calls, 1);
END
$$;
GRANT EXECUTE ON FUNCTION pg_temp.measure(text, integer, integer) TO PUBLIC;
BEGIN;
SELECT set_config('request.jwt.claims', jsonb_build_object(
  'sub', (SELECT id FROM app.users WHERE email = 'lab_manager@northwind.test'), 'role', 'app_user',
  'org_id', (SELECT id FROM app.organizations WHERE slug = 'northwind-labs'))::text, true) \g /dev/null
SET LOCAL role app_user;
SELECT * FROM pg_temp.measure('descendants', 0, 20) \g /dev/null
SELECT * FROM pg_temp.measure('descendants', 0, :calls);
SELECT * FROM pg_temp.measure('ancestors', 10, :calls);
SELECT * FROM pg_temp.measure('both', 5, :calls);
COMMIT;
