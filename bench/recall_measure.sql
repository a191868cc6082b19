-- Recall timings (bench/recall.sh), timed inside the database after a
-- warm-up, :calls calls per shape from random items of Acme's genealogy:
-- app.recall_simulation of a layer-0 lot at depth 10 as QA (claims, role
-- app_user, row-level security on); the same walk as a plain recursive CTE
-- as the owner (no RLS, no joins: the floor); app.trace_backward of a
-- finished serial at depth 10 as QA. Prints shape, median ms, p95 ms, n,
-- rows per call.
\set ON_ERROR_STOP on
CREATE FUNCTION pg_temp.measure(p_shape text, p_layer integer, p_calls integer, p_org uuid)
RETURNS TABLE (shape text, p50 numeric, p95 numeric, n integer, rows_per_call numeric)
LANGUAGE plpgsql AS $$
DECLARE
  v_org uuid := p_org;
  v_width integer := (SELECT max(j) + 1 FROM public.bench_items WHERE org = v_org AND layer = 0);
  v_id uuid;
  v_j integer;
  v_start timestamptz;
  v_rows integer;
  v_times numeric[] := '{}';
  v_total integer := 0;
BEGIN
  FOR i IN 1 .. p_calls LOOP
    v_j := floor(random() * v_width)::integer;  -- drawn once: random() in the WHERE would be drawn per row
    SELECT id INTO STRICT v_id FROM public.bench_items WHERE org = v_org AND layer = p_layer AND j = v_j;
    v_start := clock_timestamp();
    IF p_shape = 'recall' THEN
      SELECT count(*) INTO v_rows FROM app.recall_simulation(v_id, 10);
    ELSIF p_shape = 'backward' THEN
      SELECT count(*) INTO v_rows FROM app.trace_backward(v_id, 10);
    ELSE
      WITH RECURSIVE walk (node, depth) AS (
        SELECT v_id, 0
        UNION
        SELECT e.to_id, w.depth + 1 FROM walk w JOIN app.genealogy_edges e ON e.organization_id = v_org AND e.from_id = w.node WHERE w.depth < 10)
      SELECT count(DISTINCT node) - 1 INTO v_rows FROM walk;
    END IF;
    v_times := v_times || (extract(epoch FROM clock_timestamp() - v_start) * 1000)::numeric;
    v_total := v_total + v_rows;
  END LOOP;
  RETURN QUERY SELECT p_shape,
    round((SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY t) FROM unnest(v_times) t)::numeric, 2),
    round((SELECT percentile_cont(0.95) WITHIN GROUP (ORDER BY t) FROM unnest(v_times) t)::numeric, 2),
    p_calls, round(v_total::numeric / p_calls, 1);
END
$$;
GRANT EXECUTE ON FUNCTION pg_temp.measure(text, integer, integer, uuid) TO PUBLIC;
-- Read as the owner: a member reads organizations through their membership only.
SELECT id AS org, (SELECT u.id FROM app.users u WHERE u.email = 'qa@acme.test') AS qa
  FROM app.organizations WHERE slug = 'acme-manufacturing' \gset
SELECT * FROM pg_temp.measure('raw', 0, 20, :'org') \g /dev/null
SELECT * FROM pg_temp.measure('raw', 0, :calls, :'org');
BEGIN;
SELECT set_config('request.jwt.claims', jsonb_build_object(
  'sub', :'qa'::uuid, 'role', 'app_user', 'org_id', :'org'::uuid)::text, true) \g /dev/null
SET LOCAL role app_user;
SELECT * FROM pg_temp.measure('recall', 0, 20, :'org') \g /dev/null
SELECT * FROM pg_temp.measure('recall', 0, :calls, :'org');
SELECT * FROM pg_temp.measure('backward', 10, :calls, :'org');
COMMIT;
