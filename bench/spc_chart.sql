-- SPC chart timings (bench/spc_chart.sh): Acme's demo characteristic "Hole
-- distance" charted as QA before and after :measurements measurements are
-- loaded (as the owner, set-based: measurements, then their subgroup
-- summaries as app_private.spc_close_subgroup writes them), then the
-- per-measurement path. Prints shape, median ms, p95 ms, n; and "rows".
\set ON_ERROR_STOP on
SELECT setseed(0.16) \g /dev/null
CREATE FUNCTION pg_temp.measure(p_shape text, p_sql text, p_calls integer)
RETURNS TABLE (shape text, p50 numeric, p95 numeric, n integer)
LANGUAGE plpgsql AS $$
DECLARE
  v_start timestamptz;
  v_times numeric[] := '{}';
BEGIN
  FOR i IN 1 .. 5 LOOP EXECUTE p_sql; END LOOP;  -- warm
  FOR i IN 1 .. p_calls LOOP
    v_start := clock_timestamp();
    EXECUTE p_sql;
    v_times := v_times || (extract(epoch FROM clock_timestamp() - v_start) * 1000)::numeric;
  END LOOP;
  RETURN QUERY SELECT p_shape,
    round((SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY t) FROM unnest(v_times) t)::numeric, 2),
    round((SELECT percentile_cont(0.95) WITHIN GROUP (ORDER BY t) FROM unnest(v_times) t)::numeric, 2),
    p_calls;
END
$$;
GRANT EXECUTE ON FUNCTION pg_temp.measure(text, text, integer) TO PUBLIC;
SELECT o.id AS org, (SELECT u.id FROM app.users u WHERE u.email = 'qa@acme.test') AS qa,
       c.id AS hole, c.open_subgroup AS first_subgroup, b.id AS burr,
       (SELECT i.id FROM app.inspections i WHERE i.organization_id = o.id AND i.kind = 'in_process' AND i.status = 'open' LIMIT 1) AS run
  FROM app.organizations o
  JOIN app.characteristics c ON c.organization_id = o.id AND c.name = 'Hole distance'
  JOIN app.characteristics b ON b.organization_id = o.id AND b.name = 'Burr-free edges'
 WHERE o.slug = 'acme-manufacturing' \gset

-- Before the load, as QA.
BEGIN;
SELECT set_config('request.jwt.claims', jsonb_build_object('sub', :'qa'::uuid, 'role', 'app_user', 'org_id', :'org'::uuid)::text, true) \g /dev/null
SET LOCAL role app_user;
SELECT * FROM pg_temp.measure('before_100', format('SELECT app.spc_chart(%L, 100)', :'hole'), :calls);
COMMIT;

-- The load, as the owner: :measurements values in subgroups of 5 over ten months, and noise on the attribute.
INSERT INTO app.measurements (organization_id, id, measured_at, inspection_id, characteristic_id, site_id, subgroup, value, in_spec, gauge_id)
SELECT c.organization_id, public.uuid_generate_v7(),
       now() - interval '300 days' + (g / 5) * (interval '300 days' / (:measurements / 5)), :'run', c.id, c.site_id,
       c.open_subgroup + g / 5, round((25 + (random() - random()) * 0.02)::numeric, 3), true, c.gauge_id
  FROM app.characteristics c, generate_series(0, :measurements - 1) AS g
 WHERE c.id = :'hole';
INSERT INTO app.measurements (organization_id, id, measured_at, inspection_id, characteristic_id, site_id, subgroup, defective, in_spec)
SELECT c.organization_id, public.uuid_generate_v7(), now() - interval '300 days' + g * interval '1 minute', :'run', c.id, c.site_id,
       c.open_subgroup + g / 50, random() < 0.02, true
  FROM app.characteristics c, generate_series(0, :measurements / 5 - 1) AS g
 WHERE c.id = :'burr';
INSERT INTO app.spc_subgroups (organization_id, id, characteristic_id, subgroup, site_id, n, mean, range, stddev, sum, sum_squares, defectives, closed_at)
SELECT m.organization_id, public.uuid_generate_v7(), m.characteristic_id, m.subgroup, min(m.site_id::text)::uuid, count(*), avg(m.value),
       max(m.value) - min(m.value), stddev_samp(m.value), sum(m.value), sum(m.value * m.value), count(*) FILTER (WHERE m.defective), max(m.measured_at)
  FROM app.measurements m
 WHERE m.characteristic_id IN (:'hole', :'burr') AND m.subgroup >= :first_subgroup
 GROUP BY m.organization_id, m.characteristic_id, m.subgroup
ON CONFLICT DO NOTHING;
UPDATE app.characteristics c SET open_subgroup = (SELECT max(g.subgroup) + 1 FROM app.spc_subgroups g WHERE g.characteristic_id = c.id), open_count = 0
 WHERE c.id IN (:'hole', :'burr');
ANALYZE app.measurements;
ANALYZE app.spc_subgroups;

-- After the load, as QA; then the per-measurement path (an open inspection, one value a call).
BEGIN;
SELECT set_config('request.jwt.claims', jsonb_build_object('sub', :'qa'::uuid, 'role', 'app_user', 'org_id', :'org'::uuid)::text, true) \g /dev/null
SET LOCAL role app_user;
SELECT * FROM pg_temp.measure('after_100', format('SELECT app.spc_chart(%L, 100)', :'hole'), :calls);
SELECT * FROM pg_temp.measure('after_1000', format('SELECT app.spc_chart(%L, 1000)', :'hole'), greatest(:calls / 4, 10));
SELECT * FROM pg_temp.measure('record', format('SELECT app.record_measurement(%L, %L, round((25 + (random() - random()) * 0.02)::numeric, 3))', :'run', :'hole'), :calls);
COMMIT;
SELECT 'rows', count(*), 0, 0 FROM app.measurements WHERE characteristic_id = :'hole';
