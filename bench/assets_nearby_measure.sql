-- Spatial timings (bench/assets_nearby.sh), timed inside the database after
-- a warm-up, :calls calls per shape at random points of the box: the bare
-- radius query (ST_DWithin on Acme's points, GiST (organization_id,
-- location)) as the owner, no row-level security: the floor;
-- app.assets_within(lon, lat, 1000) as Acme's maintenance planner
-- (tenant-wide, RLS on) and as its technician (scoped to PLANT-1);
-- app.nearest_assets(lon, lat, 10) as the planner. Prints shape, median ms,
-- p95 ms, n, rows per call.
\set ON_ERROR_STOP on
CREATE FUNCTION pg_temp.measure(p_shape text, p_calls integer, p_org uuid)
RETURNS TABLE (shape text, p50 numeric, p95 numeric, n integer, rows_per_call numeric)
LANGUAGE plpgsql AS $$
DECLARE
  v_lon double precision;
  v_lat double precision;
  v_start timestamptz;
  v_rows integer;
  v_times numeric[] := '{}';
  v_total integer := 0;
BEGIN
  FOR i IN 1 .. p_calls LOOP
    v_lon := -88.4 + random() * 1.1;
    v_lat := 41.4 + random() * 0.7;
    v_start := clock_timestamp();
    IF p_shape = 'bare' THEN
      SELECT count(*) INTO v_rows FROM app.assets a
       WHERE a.organization_id = p_org
         AND public.st_dwithin(a.location, public.geography(public.st_setsrid(public.st_makepoint(v_lon, v_lat), 4326)), 1000);
    ELSIF p_shape = 'nearest' THEN
      SELECT count(*) INTO v_rows FROM app.nearest_assets(v_lon, v_lat, 10);
    ELSE
      SELECT count(*) INTO v_rows FROM app.assets_within(v_lon, v_lat, 1000);
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
GRANT EXECUTE ON FUNCTION pg_temp.measure(text, integer, uuid) TO PUBLIC;
SELECT id AS org, (SELECT u.id FROM app.users u WHERE u.email = 'maintenance_planner@acme.test') AS planner,
       (SELECT u.id FROM app.users u WHERE u.email = 'technician@acme.test') AS technician
  FROM app.organizations WHERE slug = 'acme-manufacturing' \gset
SELECT * FROM pg_temp.measure('bare', 20, :'org') \g /dev/null
SELECT * FROM pg_temp.measure('bare', :calls, :'org');
BEGIN;
SELECT set_config('request.jwt.claims', jsonb_build_object(
  'sub', :'planner'::uuid, 'role', 'app_user', 'org_id', :'org'::uuid)::text, true) \g /dev/null
SET LOCAL role app_user;
SELECT * FROM pg_temp.measure('within', 20, :'org') \g /dev/null
SELECT * FROM pg_temp.measure('within', :calls, :'org');
SELECT * FROM pg_temp.measure('nearest', :calls, :'org');
COMMIT;
BEGIN;
SELECT set_config('request.jwt.claims', jsonb_build_object(
  'sub', :'technician'::uuid, 'role', 'app_user', 'org_id', :'org'::uuid)::text, true) \g /dev/null
SET LOCAL role app_user;
SELECT 'within_scoped' AS shape, p50, p95, n, rows_per_call FROM pg_temp.measure('within', :calls, :'org');
COMMIT;
