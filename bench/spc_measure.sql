-- SPC and Gauge R&R functions (db/functions/80_quality), timed inside the
-- database (bench/spc.sh): each call EXECUTEd in a loop, median and p95 in
-- ms; then the ratios large / small of the same function, to show its cost
-- grows with its input linearly. Seeded random data.
SELECT setseed(0.16) \g /dev/null
CREATE TEMP TABLE data AS
SELECT (SELECT array_agg(round((10 + random() - random())::numeric, 3)) FROM generate_series(1, 100000)) AS v,
       (SELECT array_agg(o) FROM unnest(ARRAY['A', 'B', 'C']) AS o, generate_series(1, 10) AS p, generate_series(1, 3) AS t) AS ops,
       (SELECT array_agg(p::text) FROM unnest(ARRAY['A', 'B', 'C']) AS o, generate_series(1, 10) AS p, generate_series(1, 3) AS t) AS parts,
       (SELECT array_agg((random() * 8)::int) FROM generate_series(1, 1000)) AS defectives,
       (SELECT array_agg(100 + (random() * 100)::int) FROM generate_series(1, 1000)) AS sizes;

CREATE FUNCTION pg_temp.timed(p_label text, p_sql text, p_runs integer)
RETURNS TABLE (measure text, median_ms numeric, p95_ms numeric)
LANGUAGE plpgsql AS $$
DECLARE
  v_times double precision[] := '{}';
  v_start timestamptz;
BEGIN
  EXECUTE p_sql;  -- warm: the functions compiled and their plans cached
  FOR i IN 1 .. p_runs LOOP
    v_start := clock_timestamp();
    EXECUTE p_sql;
    v_times := v_times || extract(epoch FROM clock_timestamp() - v_start) * 1000;
  END LOOP;
  RETURN QUERY SELECT p_label,
    round((SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY t) FROM unnest(v_times) AS t)::numeric, 3),
    round((SELECT percentile_cont(0.95) WITHIN GROUP (ORDER BY t) FROM unnest(v_times) AS t)::numeric, 3);
END
$$;

CREATE TEMP TABLE results AS
SELECT * FROM pg_temp.timed('xbar_r_limits, 25 subgroups of 5',
  $$SELECT * FROM data, app_private.spc_xbar_r_limits(data.v[1:125], array_fill(5, ARRAY[25]))$$, 200)
UNION ALL SELECT * FROM pg_temp.timed('chart of 25 subgroups: points, limits, Nelson rules',
  $$SELECT * FROM data, app_private.spc_xbar_r_limits(data.v[1:125], array_fill(5, ARRAY[25])) AS l,
         app_private.spc_nelson_rules(ARRAY(SELECT s.mean FROM app_private.spc_subgroups(data.v[1:125], array_fill(5, ARRAY[25])) AS s),
                                      l.xbar_cl, l.sigma_within / sqrt(5::numeric))$$, 200)
UNION ALL SELECT * FROM pg_temp.timed('capability_subgroups, 25 subgroups of 5',
  $$SELECT * FROM data, app_private.spc_capability_subgroups(data.v[1:125], array_fill(5, ARRAY[25]), 9, 11)$$, 200)
UNION ALL SELECT * FROM pg_temp.timed('xbar_s_limits, 2,000 subgroups of 5 (10,000 values)',
  $$SELECT * FROM data, app_private.spc_xbar_s_limits(data.v[1:10000], array_fill(5, ARRAY[2000]))$$, 20)
UNION ALL SELECT * FROM pg_temp.timed('xbar_r_limits, 2,000 subgroups of 5 (10,000 values)',
  $$SELECT * FROM data, app_private.spc_xbar_r_limits(data.v[1:10000], array_fill(5, ARRAY[2000]))$$, 20)
UNION ALL SELECT * FROM pg_temp.timed('xbar_r_limits, 20,000 subgroups of 5 (100,000 values)',
  $$SELECT * FROM data, app_private.spc_xbar_r_limits(data.v, array_fill(5, ARRAY[20000]))$$, 5)
UNION ALL SELECT * FROM pg_temp.timed('xbar_s_chart, 1,000 subgroups of 3 to 6',
  $$SELECT count(*) FROM data, app_private.spc_xbar_s_chart(data.v[1:4500], (SELECT array_agg(3 + i % 4) FROM generate_series(1, 1000) AS i))$$, 20)
UNION ALL SELECT * FROM pg_temp.timed('imr_limits, 1,000 values',
  $$SELECT * FROM data, app_private.spc_imr_limits(data.v[1:1000])$$, 50)
UNION ALL SELECT * FROM pg_temp.timed('nelson_rules, 1,000 points',
  $$SELECT count(*) FROM data, app_private.spc_nelson_rules(data.v[1:1000], 10, 0.4)$$, 20)
UNION ALL SELECT * FROM pg_temp.timed('nelson_rules, 10,000 points',
  $$SELECT count(*) FROM data, app_private.spc_nelson_rules(data.v[1:10000], 10, 0.4)$$, 5)
UNION ALL SELECT * FROM pg_temp.timed('p_chart, 1,000 subgroups',
  $$SELECT count(*) FROM data, app_private.spc_p_chart(data.defectives, data.sizes)$$, 50)
UNION ALL SELECT * FROM pg_temp.timed('gauge_rr_average_range, 3 x 10 x 3',
  $$SELECT * FROM data, app_private.gauge_rr_average_range(data.v[1:90], data.ops, data.parts)$$, 100)
UNION ALL SELECT * FROM pg_temp.timed('gauge_rr_anova, 3 x 10 x 3',
  $$SELECT * FROM data, app_private.gauge_rr_anova(data.v[1:90], data.ops, data.parts)$$, 100);

\pset footer off
SELECT measure, median_ms AS "median ms", p95_ms AS "p95 ms" FROM results;
SELECT 'xbar_r_limits 100,000 / 10,000 values (linear: 10)' AS ratio,
       round((SELECT median_ms FROM results WHERE measure LIKE 'xbar_r_limits, 20,000%')
             / (SELECT median_ms FROM results WHERE measure LIKE 'xbar_r_limits, 2,000%'), 2) AS "median ratio"
UNION ALL
SELECT 'nelson_rules 10,000 / 1,000 points (linear: 10)',
       round((SELECT median_ms FROM results WHERE measure LIKE 'nelson_rules, 10,000%')
             / (SELECT median_ms FROM results WHERE measure LIKE 'nelson_rules, 1,000%'), 2);
