-- Statistical process control (SPC) in SQL: the control-chart constants,
-- X̄-R, X̄-S (also with subgroup sizes that differ), individuals / moving
-- range (I-MR), p and np chart limits,
-- capability (Cp, Cpk, Pp, Ppk) and the Nelson rules (Western Electric's
-- four are Nelson 1, 5, 6 and, with eight instead of nine, 2).
--
-- A library of pure functions over arrays, independent of any table: a
-- view over measurements feeds them with array_agg (docs/manufacturing/spc.md).
-- Input shapes:
--   subgroups:    p_values numeric[] (all measurements, subgroup after
--                 subgroup) and p_subgroup_sizes integer[] (how many values
--                 each subgroup has, in order; they sum to the values' count)
--   individuals:  p_values numeric[] in time order
--   attributes:   p_defectives integer[] and p_sample_sizes integer[], one
--                 element per subgroup
--   chart points: p_points numeric[] in time order, with the chart's center
--                 line and the sigma of the plotted statistic
-- Bad input raises PT422 with a reason code spc.* (docs/conventions.md).
-- Each set-returning function says how many rows it returns (ROWS 1 for
-- limits): at the default estimate of 1000 a query joining two of them with
-- a table was costed at over a billion rows and spent 170 ms compiling JIT
-- code for a 25-subgroup chart that takes 2 ms (bench/spc.sh).

CREATE OR REPLACE FUNCTION app_private.spc_constants()
RETURNS TABLE (n integer, a2 numeric, a3 numeric, b3 numeric, b4 numeric, c4 numeric,
               d2 numeric, d3 numeric, d3_lower numeric, d4 numeric, e2 numeric)
LANGUAGE sql IMMUTABLE ROWS 24
SET search_path = ''
AS $$
  SELECT * FROM (VALUES
    (2, 1.880, 2.659, 0.000, 3.267, 0.7979, 1.128, 0.853, 0.000, 3.267, 2.660),
    (3, 1.023, 1.954, 0.000, 2.568, 0.8862, 1.693, 0.888, 0.000, 2.574, 1.772),
    (4, 0.729, 1.628, 0.000, 2.266, 0.9213, 2.059, 0.880, 0.000, 2.282, 1.457),
    (5, 0.577, 1.427, 0.000, 2.089, 0.9400, 2.326, 0.864, 0.000, 2.114, 1.290),
    (6, 0.483, 1.287, 0.030, 1.970, 0.9515, 2.534, 0.848, 0.000, 2.004, 1.184),
    (7, 0.419, 1.182, 0.118, 1.882, 0.9594, 2.704, 0.833, 0.076, 1.924, 1.109),
    (8, 0.373, 1.099, 0.185, 1.815, 0.9650, 2.847, 0.820, 0.136, 1.864, 1.054),
    (9, 0.337, 1.032, 0.239, 1.761, 0.9693, 2.970, 0.808, 0.184, 1.816, 1.010),
    (10, 0.308, 0.975, 0.284, 1.716, 0.9727, 3.078, 0.797, 0.223, 1.777, 0.975),
    (11, 0.285, 0.927, 0.321, 1.679, 0.9754, 3.173, 0.787, 0.256, 1.744, 0.945),
    (12, 0.266, 0.886, 0.354, 1.646, 0.9776, 3.258, 0.778, 0.283, 1.717, 0.921),
    (13, 0.249, 0.850, 0.382, 1.618, 0.9794, 3.336, 0.770, 0.307, 1.693, 0.899),
    (14, 0.235, 0.817, 0.406, 1.594, 0.9810, 3.407, 0.763, 0.328, 1.672, 0.881),
    (15, 0.223, 0.789, 0.428, 1.572, 0.9823, 3.472, 0.756, 0.347, 1.653, 0.864),
    (16, 0.212, 0.763, 0.448, 1.552, 0.9835, 3.532, 0.750, 0.363, 1.637, 0.849),
    (17, 0.203, 0.739, 0.466, 1.534, 0.9845, 3.588, 0.744, 0.378, 1.622, 0.836),
    (18, 0.194, 0.718, 0.482, 1.518, 0.9854, 3.640, 0.739, 0.391, 1.608, 0.824),
    (19, 0.187, 0.698, 0.497, 1.503, 0.9862, 3.689, 0.734, 0.403, 1.597, 0.813),
    (20, 0.180, 0.680, 0.510, 1.490, 0.9869, 3.735, 0.729, 0.415, 1.585, 0.803),
    (21, 0.173, 0.663, 0.523, 1.477, 0.9876, 3.778, 0.724, 0.425, 1.575, 0.794),
    (22, 0.167, 0.647, 0.534, 1.466, 0.9882, 3.819, 0.720, 0.434, 1.566, 0.786),
    (23, 0.162, 0.633, 0.545, 1.455, 0.9887, 3.858, 0.716, 0.443, 1.557, 0.778),
    (24, 0.157, 0.619, 0.555, 1.445, 0.9892, 3.895, 0.712, 0.451, 1.548, 0.770),
    (25, 0.153, 0.606, 0.565, 1.435, 0.9896, 3.931, 0.708, 0.459, 1.541, 0.763)
  ) AS t (n, a2, a3, b3, b4, c4, d2, d3, d3_lower, d4, e2)
  ORDER BY 1
$$;
COMMENT ON FUNCTION app_private.spc_constants() IS
  'Control-chart constants for subgroup sizes n = 2..25 as published in the ASTM Manual on Presentation of Data and Control Chart Analysis (MNL 7) and the AIAG SPC manual (2nd ed.), Appendix tables: d2 = E[R/sigma], d3 = sd[R/sigma] of the range of n normal values; c4 = sqrt(2/(n-1)) * Gamma(n/2) / Gamma((n-1)/2) (4 decimals); A2 = 3/(d2 sqrt n), A3 = 3/(c4 sqrt n), B3/B4 = 1 -/+ 3 sqrt(1 - c4^2)/c4 (B3 at least 0), D3/D4 = 1 -/+ 3 d3/d2 (D3 at least 0; column d3_lower, since SQL names ignore case), E2 = 3/d2; 3 decimals, derived from the rounded d2 and d3 as the tables are.';

-- VOLATILE: it raises (docs/conventions.md "Volatility and security").
CREATE OR REPLACE FUNCTION app_private.spc_require_subgroup_size(p_n integer) RETURNS void
LANGUAGE plpgsql VOLATILE
SET search_path = ''
AS $$
BEGIN
  IF p_n IS NULL OR p_n < 2 OR p_n > 25 THEN
    PERFORM app_private.raise_invalid('spc.subgroup_size',
      format('Subgroup size %s is outside 2..25, the sizes the control-chart constants cover.', coalesce(p_n::text, 'NULL')),
      'Use subgroups of 2 to 25 measurements; chart single measurements as individuals (I-MR).');
  END IF;
END
$$;
COMMENT ON FUNCTION app_private.spc_require_subgroup_size(integer) IS
  'Refuses a subgroup size outside 2..25 (PT422 spc.subgroup_size), the sizes app_private.spc_constants() covers.';

CREATE OR REPLACE FUNCTION app_private.spc_constants(p_n integer)
RETURNS TABLE (n integer, a2 numeric, a3 numeric, b3 numeric, b4 numeric, c4 numeric,
               d2 numeric, d3 numeric, d3_lower numeric, d4 numeric, e2 numeric)
LANGUAGE plpgsql IMMUTABLE ROWS 1
SET search_path = ''
AS $$
BEGIN
  PERFORM app_private.spc_require_subgroup_size(p_n);
  RETURN QUERY SELECT c.* FROM app_private.spc_constants() AS c WHERE c.n = p_n;
END
$$;
COMMENT ON FUNCTION app_private.spc_constants(integer) IS
  'The control-chart constants (app_private.spc_constants()) of one subgroup size n = 2..25; another size raises PT422 spc.subgroup_size.';

-- VOLATILE: it raises.
CREATE OR REPLACE FUNCTION app_private.spc_require_values(p_values numeric[], p_minimum integer) RETURNS void
LANGUAGE plpgsql VOLATILE
SET search_path = ''
AS $$
BEGIN
  IF coalesce(cardinality(p_values), 0) = 0 THEN
    PERFORM app_private.raise_invalid('spc.empty', 'No values to chart.',
      'Pass the measurements as a non-empty numeric array.');
  END IF;
  IF array_position(p_values, NULL) IS NOT NULL THEN
    PERFORM app_private.raise_invalid('spc.null_value',
      format('Value %s is NULL.', array_position(p_values, NULL)),
      'Leave missing measurements out of the array (filter them in the query that aggregates it).');
  END IF;
  IF cardinality(p_values) < p_minimum THEN
    PERFORM app_private.raise_invalid('spc.too_few_points',
      format('%s point(s) given; this needs at least %s.', cardinality(p_values), p_minimum),
      'Collect more points before computing limits or capability.');
  END IF;
END
$$;
COMMENT ON FUNCTION app_private.spc_require_values(numeric[], integer) IS
  'Refuses an empty array (PT422 spc.empty), a NULL element (spc.null_value) and fewer elements than the minimum (spc.too_few_points).';

-- VOLATILE: it raises.
CREATE OR REPLACE FUNCTION app_private.spc_require_subgroups(p_values numeric[], p_subgroup_sizes integer[], p_same_size boolean)
RETURNS void
LANGUAGE plpgsql VOLATILE
SET search_path = ''
AS $$
DECLARE
  v_min integer;
  v_max integer;
  v_sum bigint;
  v_bad integer;
BEGIN
  PERFORM app_private.spc_require_values(p_values, 1);
  IF coalesce(cardinality(p_subgroup_sizes), 0) < 2 THEN
    PERFORM app_private.raise_invalid('spc.too_few_points',
      format('%s subgroup(s) given; control limits need at least 2.', coalesce(cardinality(p_subgroup_sizes), 0)),
      'Collect more subgroups (20 to 25 is the usual baseline).');
  END IF;
  -- one pass over the sizes; the smallest size out of range (or a NULL) is the one named
  SELECT min(s), max(s), sum(s), min(s) FILTER (WHERE s NOT BETWEEN 2 AND 25)
    INTO v_min, v_max, v_sum, v_bad
    FROM unnest(p_subgroup_sizes) AS s;
  IF v_bad IS NOT NULL OR array_position(p_subgroup_sizes, NULL) IS NOT NULL THEN
    PERFORM app_private.spc_require_subgroup_size(v_bad);
  END IF;
  IF v_sum <> cardinality(p_values) THEN
    PERFORM app_private.raise_invalid('spc.array_mismatch',
      format('The subgroup sizes add up to %s but %s values were given.', v_sum, cardinality(p_values)),
      'Give one size per subgroup, in the order the values are listed.');
  END IF;
  IF p_same_size AND v_min <> v_max THEN
    PERFORM app_private.raise_invalid('spc.subgroup_sizes_differ',
      'The subgroups are not all the same size.',
      'X̄-R and X̄-S limits here need one subgroup size: chart complete subgroups only.');
  END IF;
END
$$;
COMMENT ON FUNCTION app_private.spc_require_subgroups(numeric[], integer[], boolean) IS
  'Refuses subgrouped data that cannot be charted: no values (PT422 spc.empty), a NULL (spc.null_value), fewer than 2 subgroups (spc.too_few_points), a size outside 2..25 (spc.subgroup_size), sizes that do not add up to the values'' count (spc.array_mismatch), and, when asked, sizes that differ (spc.subgroup_sizes_differ).';

CREATE OR REPLACE FUNCTION app_private.spc_subgroups(p_values numeric[], p_subgroup_sizes integer[])
RETURNS TABLE (subgroup integer, n integer, mean numeric, range numeric, stddev numeric)
LANGUAGE plpgsql IMMUTABLE ROWS 50
SET search_path = ''
AS $$
BEGIN
  PERFORM app_private.spc_require_subgroups(p_values, p_subgroup_sizes, false);
  RETURN QUERY
    -- Each value paired with its subgroup's number (1, 1, 1, 2, 2, ...): one pass, where slicing the array per
    -- subgroup would copy it once per subgroup.
    SELECT g.k::integer, count(*)::integer, avg(g.value), max(g.value) - min(g.value), stddev_samp(g.value)
      FROM unnest(p_values, ARRAY(SELECT u.k FROM unnest(p_subgroup_sizes) WITH ORDINALITY AS u (size, k),
                                                  generate_series(1, u.size) ORDER BY u.k)) AS g (value, k)
     GROUP BY g.k
     ORDER BY g.k;
END
$$;
COMMENT ON FUNCTION app_private.spc_subgroups(numeric[], integer[]) IS
  'Splits measurements into consecutive subgroups of the given sizes (2..25) and returns, per subgroup in order: its size n, mean X̄, range R = max - min and sample standard deviation s (n - 1 denominator): the points of the X̄, R and S charts.';

CREATE OR REPLACE FUNCTION app_private.spc_xbar_r_limits(p_values numeric[], p_subgroup_sizes integer[])
RETURNS TABLE (n integer, subgroups integer, xbar_cl numeric, xbar_ucl numeric, xbar_lcl numeric,
               r_cl numeric, r_ucl numeric, r_lcl numeric, sigma_within numeric)
LANGUAGE plpgsql IMMUTABLE ROWS 1
SET search_path = ''
AS $$
BEGIN
  PERFORM app_private.spc_require_subgroups(p_values, p_subgroup_sizes, true);
  RETURN QUERY
    SELECT c.n, g.k, g.xbar, g.xbar + c.a2 * g.rbar, g.xbar - c.a2 * g.rbar,
           g.rbar, c.d4 * g.rbar, c.d3_lower * g.rbar, g.rbar / c.d2
      FROM (SELECT count(*)::integer AS k, avg(s.mean) AS xbar, avg(s.range) AS rbar
              FROM app_private.spc_subgroups(p_values, p_subgroup_sizes) AS s) AS g,
           app_private.spc_constants(p_subgroup_sizes[1]) AS c;
END
$$;
COMMENT ON FUNCTION app_private.spc_xbar_r_limits(numeric[], integer[]) IS
  'X̄-R chart limits from k >= 2 subgroups of one size n (2..25): X̄ chart CL = X̿ (mean of subgroup means), UCL/LCL = X̿ ± A2·R̄; R chart CL = R̄, UCL = D4·R̄, LCL = D3·R̄; sigma_within = R̄/d2. Constants from app_private.spc_constants (ASTM MNL 7 / AIAG SPC).';

CREATE OR REPLACE FUNCTION app_private.spc_xbar_s_limits(p_values numeric[], p_subgroup_sizes integer[])
RETURNS TABLE (n integer, subgroups integer, xbar_cl numeric, xbar_ucl numeric, xbar_lcl numeric,
               s_cl numeric, s_ucl numeric, s_lcl numeric, sigma_within numeric)
LANGUAGE plpgsql IMMUTABLE ROWS 1
SET search_path = ''
AS $$
BEGIN
  PERFORM app_private.spc_require_subgroups(p_values, p_subgroup_sizes, true);
  RETURN QUERY
    SELECT c.n, g.k, g.xbar, g.xbar + c.a3 * g.sbar, g.xbar - c.a3 * g.sbar,
           g.sbar, c.b4 * g.sbar, c.b3 * g.sbar, g.sbar / c.c4
      FROM (SELECT count(*)::integer AS k, avg(s.mean) AS xbar, avg(s.stddev) AS sbar
              FROM app_private.spc_subgroups(p_values, p_subgroup_sizes) AS s) AS g,
           app_private.spc_constants(p_subgroup_sizes[1]) AS c;
END
$$;
COMMENT ON FUNCTION app_private.spc_xbar_s_limits(numeric[], integer[]) IS
  'X̄-S chart limits from k >= 2 subgroups of one size n (2..25): X̄ chart CL = X̿, UCL/LCL = X̿ ± A3·S̄; S chart CL = S̄ (mean of the subgroups'' sample standard deviations), UCL = B4·S̄, LCL = B3·S̄; sigma_within = S̄/c4. Constants from app_private.spc_constants (ASTM MNL 7 / AIAG SPC).';

CREATE OR REPLACE FUNCTION app_private.spc_xbar_s_chart(p_values numeric[], p_subgroup_sizes integer[])
RETURNS TABLE (subgroup integer, n integer, mean numeric, stddev numeric, xbar_cl numeric, xbar_ucl numeric, xbar_lcl numeric,
               s_cl numeric, s_ucl numeric, s_lcl numeric)
LANGUAGE plpgsql IMMUTABLE ROWS 50
SET search_path = ''
AS $$
BEGIN
  PERFORM app_private.spc_require_subgroups(p_values, p_subgroup_sizes, false);
  RETURN QUERY
    WITH s AS (
      SELECT * FROM app_private.spc_subgroups(p_values, p_subgroup_sizes)
    ), g AS (
      SELECT sum(s.n * s.mean) / sum(s.n) AS xbar,
             sqrt(sum((s.n - 1) * s.stddev ^ 2) / (sum(s.n) - count(*))) AS sbar
        FROM s
    )
    SELECT s.subgroup, s.n, s.mean, s.stddev, g.xbar, g.xbar + c.a3 * g.sbar, g.xbar - c.a3 * g.sbar,
           g.sbar, c.b4 * g.sbar, c.b3 * g.sbar
      FROM s CROSS JOIN g JOIN app_private.spc_constants() AS c ON c.n = s.n
     ORDER BY s.subgroup;
END
$$;
COMMENT ON FUNCTION app_private.spc_xbar_s_chart(numeric[], integer[]) IS
  'X̄-S chart for subgroups whose sizes may differ (2..25), one row per subgroup with its own limits (Montgomery, Introduction to Statistical Quality Control, 6.3.2): X̿ = Σn_i·X̄_i/Σn_i, S̄ = sqrt(Σ(n_i - 1)s_i^2/(Σn_i - m)) (pooled); X̄ limits X̿ ± A3(n_i)·S̄, S chart center S̄ and limits B3(n_i)·S̄, B4(n_i)·S̄. With one size use app_private.spc_xbar_s_limits (S̄ the plain mean of the s_i, as AIAG).';

CREATE OR REPLACE FUNCTION app_private.spc_moving_ranges(p_values numeric[])
RETURNS TABLE (point integer, value numeric, moving_range numeric)
LANGUAGE plpgsql IMMUTABLE ROWS 100
SET search_path = ''
AS $$
BEGIN
  PERFORM app_private.spc_require_values(p_values, 2);
  RETURN QUERY
    SELECT u.i::integer, u.v, abs(u.v - lag(u.v) OVER (ORDER BY u.i))
      FROM unnest(p_values) WITH ORDINALITY AS u (v, i)
     ORDER BY u.i;
END
$$;
COMMENT ON FUNCTION app_private.spc_moving_ranges(numeric[]) IS
  'The points of an individuals / moving range chart: each value in order with its moving range MR_i = |x_i - x_(i-1)| (NULL for the first). Needs at least 2 values.';

CREATE OR REPLACE FUNCTION app_private.spc_imr_limits(p_values numeric[])
RETURNS TABLE (points integer, i_cl numeric, i_ucl numeric, i_lcl numeric,
               mr_cl numeric, mr_ucl numeric, mr_lcl numeric, sigma_within numeric)
LANGUAGE plpgsql IMMUTABLE ROWS 1
SET search_path = ''
AS $$
BEGIN
  RETURN QUERY
    SELECT g.k, g.xbar, g.xbar + c.e2 * g.mrbar, g.xbar - c.e2 * g.mrbar,
           g.mrbar, c.d4 * g.mrbar, c.d3_lower * g.mrbar, g.mrbar / c.d2
      FROM (SELECT count(*)::integer AS k, avg(m.value) AS xbar, avg(m.moving_range) AS mrbar
              FROM app_private.spc_moving_ranges(p_values) AS m) AS g,
           app_private.spc_constants(2) AS c;
END
$$;
COMMENT ON FUNCTION app_private.spc_imr_limits(numeric[]) IS
  'Individuals / moving range (I-MR) limits from m >= 2 values in time order, moving ranges of span 2: I chart CL = X̄, UCL/LCL = X̄ ± E2·MR̄ (E2 = 3/d2 = 2.660); MR chart CL = MR̄, UCL = D4·MR̄ (3.267), LCL = D3·MR̄ (0); sigma_within = MR̄/d2 (d2 = 1.128), constants of n = 2 from app_private.spc_constants.';

-- VOLATILE: it raises.
CREATE OR REPLACE FUNCTION app_private.spc_require_counts(p_defectives integer[], p_sample_sizes integer[]) RETURNS void
LANGUAGE plpgsql VOLATILE
SET search_path = ''
AS $$
DECLARE
  v_bad integer;
BEGIN
  IF coalesce(cardinality(p_sample_sizes), 0) = 0 THEN
    PERFORM app_private.raise_invalid('spc.empty', 'No subgroups to chart.',
      'Pass one defective count and one sample size per subgroup.');
  END IF;
  IF cardinality(p_defectives) IS DISTINCT FROM cardinality(p_sample_sizes) THEN
    PERFORM app_private.raise_invalid('spc.array_mismatch',
      format('%s defective count(s) for %s sample size(s).', coalesce(cardinality(p_defectives), 0), cardinality(p_sample_sizes)),
      'Give one defective count per sample size, subgroup by subgroup.');
  END IF;
  IF cardinality(p_sample_sizes) < 2 THEN
    PERFORM app_private.raise_invalid('spc.too_few_points',
      '1 subgroup given; control limits need at least 2.', 'Collect more subgroups (20 to 25 is the usual baseline).');
  END IF;
  SELECT min(u.i) INTO v_bad FROM unnest(p_defectives, p_sample_sizes) WITH ORDINALITY AS u (d, n, i)
   WHERE u.d IS NULL OR u.n IS NULL OR u.n < 1 OR u.d < 0 OR u.d > u.n;
  IF v_bad IS NOT NULL THEN
    PERFORM app_private.raise_invalid('spc.count_invalid',
      format('Subgroup %s has %s defective(s) in a sample of %s.', v_bad,
             coalesce(p_defectives[v_bad]::text, 'NULL'), coalesce(p_sample_sizes[v_bad]::text, 'NULL')),
      'Each sample size is at least 1 and each defective count between 0 and its sample size.');
  END IF;
END
$$;
COMMENT ON FUNCTION app_private.spc_require_counts(integer[], integer[]) IS
  'Refuses attribute data that cannot be charted: no subgroups (PT422 spc.empty), arrays of different lengths (spc.array_mismatch), fewer than 2 subgroups (spc.too_few_points), a NULL, a sample size below 1 or a defective count outside 0..n (spc.count_invalid).';

CREATE OR REPLACE FUNCTION app_private.spc_p_chart(p_defectives integer[], p_sample_sizes integer[])
RETURNS TABLE (subgroup integer, n integer, defectives integer, p numeric,
               p_cl numeric, p_ucl numeric, p_lcl numeric, beyond_limits boolean)
LANGUAGE plpgsql IMMUTABLE ROWS 50
SET search_path = ''
AS $$
BEGIN
  PERFORM app_private.spc_require_counts(p_defectives, p_sample_sizes);
  RETURN QUERY
    WITH s AS (
      SELECT u.i::integer AS i, u.n, u.d, u.d::numeric / u.n AS p,
             sum(u.d) OVER ()::numeric / sum(u.n) OVER () AS pbar
        FROM unnest(p_defectives, p_sample_sizes) WITH ORDINALITY AS u (d, n, i)
    ), l AS (
      SELECT s.*, least(1, s.pbar + 3 * sqrt(s.pbar * (1 - s.pbar) / s.n)) AS ucl,
                  greatest(0, s.pbar - 3 * sqrt(s.pbar * (1 - s.pbar) / s.n)) AS lcl
        FROM s
    )
    SELECT l.i, l.n, l.d, l.p, l.pbar, l.ucl, l.lcl, l.p > l.ucl OR l.p < l.lcl
      FROM l ORDER BY l.i;
END
$$;
COMMENT ON FUNCTION app_private.spc_p_chart(integer[], integer[]) IS
  'p chart (fraction defective) with limits that vary with each subgroup''s size: p_i = d_i/n_i, CL = p̄ = Σd/Σn, UCL_i = min(1, p̄ + 3·sqrt(p̄(1-p̄)/n_i)), LCL_i = max(0, p̄ - 3·sqrt(p̄(1-p̄)/n_i)); beyond_limits when p_i is outside its own limits (AIAG SPC, attributes charts).';

CREATE OR REPLACE FUNCTION app_private.spc_np_chart_limits(p_defectives integer[], p_sample_sizes integer[])
RETURNS TABLE (n integer, np_cl numeric, np_ucl numeric, np_lcl numeric)
LANGUAGE plpgsql IMMUTABLE ROWS 1
SET search_path = ''
AS $$
BEGIN
  PERFORM app_private.spc_require_counts(p_defectives, p_sample_sizes);
  IF (SELECT count(DISTINCT s) FROM unnest(p_sample_sizes) AS s) > 1 THEN
    PERFORM app_private.raise_invalid('spc.subgroup_sizes_differ',
      'The samples are not all the same size.', 'An np chart needs one sample size; use the p chart for varying sizes.');
  END IF;
  RETURN QUERY
    SELECT p_sample_sizes[1], g.npbar, least(p_sample_sizes[1], g.npbar + 3 * sqrt(g.npbar * (1 - g.pbar))),
           greatest(0, g.npbar - 3 * sqrt(g.npbar * (1 - g.pbar)))
      FROM (SELECT avg(d)::numeric AS npbar, avg(d)::numeric / p_sample_sizes[1] AS pbar FROM unnest(p_defectives) AS d) AS g;
END
$$;
COMMENT ON FUNCTION app_private.spc_np_chart_limits(integer[], integer[]) IS
  'np chart (number defective) limits for samples of one size n: CL = np̄ (mean defective count), UCL = min(n, np̄ + 3·sqrt(np̄(1-p̄))), LCL = max(0, np̄ - 3·sqrt(np̄(1-p̄))) with p̄ = np̄/n; sizes that differ raise PT422 spc.subgroup_sizes_differ.';

CREATE OR REPLACE FUNCTION app_private.spc_capability(p_mean numeric, p_sigma_within numeric, p_sigma_overall numeric,
                                                      p_lsl numeric, p_usl numeric)
RETURNS TABLE (cp numeric, cpk numeric, pp numeric, ppk numeric)
LANGUAGE plpgsql IMMUTABLE ROWS 1
SET search_path = ''
AS $$
BEGIN
  IF p_lsl IS NULL AND p_usl IS NULL THEN
    PERFORM app_private.raise_invalid('spc.spec_missing', 'Capability needs a specification limit; none was given.',
      'Give the lower (LSL), the upper (USL) or both specification limits.');
  END IF;
  IF p_lsl >= p_usl THEN
    PERFORM app_private.raise_invalid('spc.spec_order',
      format('The lower specification limit %s is not below the upper %s.', p_lsl, p_usl), 'Give LSL < USL.');
  END IF;
  IF p_mean IS NULL THEN
    PERFORM app_private.raise_invalid('spc.empty', 'Capability needs the process mean.', 'Give the mean of the measurements.');
  END IF;
  IF p_sigma_within <= 0 OR p_sigma_overall <= 0 THEN
    PERFORM app_private.raise_invalid('spc.sigma_not_positive',
      'The process shows no variation (sigma is 0): capability is not defined.',
      'Check the measurements (gauge resolution, copied values) before computing capability.');
  END IF;
  RETURN QUERY SELECT
    (p_usl - p_lsl) / (6 * p_sigma_within),
    least((p_usl - p_mean) / (3 * p_sigma_within), (p_mean - p_lsl) / (3 * p_sigma_within)),
    (p_usl - p_lsl) / (6 * p_sigma_overall),
    least((p_usl - p_mean) / (3 * p_sigma_overall), (p_mean - p_lsl) / (3 * p_sigma_overall));
END
$$;
COMMENT ON FUNCTION app_private.spc_capability(numeric, numeric, numeric, numeric, numeric) IS
  'Process capability (AIAG SPC 2nd ed., ch. IV): Cp = (USL - LSL)/(6·sigma_within), Cpk = min(CPU, CPL) with CPU = (USL - mean)/(3·sigma_within), CPL = (mean - LSL)/(3·sigma_within); Pp and Ppk the same with sigma_overall (the sample standard deviation of all values). One-sided specification (LSL or USL NULL): Cp and Pp NULL, Cpk/Ppk from the given side. A NULL sigma leaves its indices NULL. Refuses no limit (PT422 spc.spec_missing), LSL >= USL (spc.spec_order), sigma <= 0 (spc.sigma_not_positive).';

CREATE OR REPLACE FUNCTION app_private.spc_capability_subgroups(p_values numeric[], p_subgroup_sizes integer[],
                                                                p_lsl numeric, p_usl numeric, p_sigma_method text DEFAULT 'range')
RETURNS TABLE (mean numeric, sigma_within numeric, sigma_overall numeric, cp numeric, cpk numeric, pp numeric, ppk numeric)
LANGUAGE plpgsql IMMUTABLE ROWS 1
SET search_path = ''
AS $$
DECLARE
  v_sigma_within numeric;
BEGIN
  IF p_sigma_method IS DISTINCT FROM 'range' AND p_sigma_method IS DISTINCT FROM 'stddev' THEN
    PERFORM app_private.raise_invalid('spc.sigma_method',
      format('Unknown within-subgroup sigma method %s.', coalesce(p_sigma_method, 'NULL')),
      'Use ''range'' (R̄/d2) or ''stddev'' (S̄/c4).');
  END IF;
  v_sigma_within := CASE p_sigma_method
    WHEN 'range' THEN (SELECT l.sigma_within FROM app_private.spc_xbar_r_limits(p_values, p_subgroup_sizes) AS l)
    ELSE (SELECT l.sigma_within FROM app_private.spc_xbar_s_limits(p_values, p_subgroup_sizes) AS l) END;
  RETURN QUERY
    SELECT g.mean, v_sigma_within, g.sigma_overall, c.cp, c.cpk, c.pp, c.ppk
      FROM (SELECT avg(v) AS mean, stddev_samp(v) AS sigma_overall FROM unnest(p_values) AS v) AS g,
           app_private.spc_capability(g.mean, v_sigma_within, g.sigma_overall, p_lsl, p_usl) AS c;
END
$$;
COMMENT ON FUNCTION app_private.spc_capability_subgroups(numeric[], integer[], numeric, numeric, text) IS
  'Capability of subgrouped data (subgroups of one size 2..25): mean of all values; sigma_within = R̄/d2 (p_sigma_method ''range'', the default) or S̄/c4 (''stddev''); sigma_overall = sample standard deviation of all values (n - 1); Cp, Cpk, Pp, Ppk as app_private.spc_capability. Another method raises PT422 spc.sigma_method.';

CREATE OR REPLACE FUNCTION app_private.spc_capability_individuals(p_values numeric[], p_lsl numeric, p_usl numeric)
RETURNS TABLE (mean numeric, sigma_within numeric, sigma_overall numeric, cp numeric, cpk numeric, pp numeric, ppk numeric)
LANGUAGE sql IMMUTABLE ROWS 1
SET search_path = ''
AS $$
  SELECT l.i_cl, l.sigma_within, g.sigma_overall, c.cp, c.cpk, c.pp, c.ppk
    FROM app_private.spc_imr_limits(p_values) AS l,
         (SELECT stddev_samp(v) AS sigma_overall FROM unnest(p_values) AS v) AS g,
         app_private.spc_capability(l.i_cl, l.sigma_within, g.sigma_overall, p_lsl, p_usl) AS c
$$;
COMMENT ON FUNCTION app_private.spc_capability_individuals(numeric[], numeric, numeric) IS
  'Capability of individual values in time order: sigma_within = MR̄/d2 (moving ranges of span 2, d2 = 1.128), sigma_overall = sample standard deviation (n - 1); Cp, Cpk, Pp, Ppk as app_private.spc_capability.';

CREATE OR REPLACE FUNCTION app_private.spc_nelson_rule_names()
RETURNS TABLE (rule integer, name text, description text)
LANGUAGE sql IMMUTABLE ROWS 8
SET search_path = ''
AS $$
  SELECT * FROM (VALUES
    (1, 'beyond_3_sigma', 'One point more than 3 sigma from the center line.'),
    (2, 'nine_same_side', 'Nine points in a row on the same side of the center line.'),
    (3, 'six_trending', 'Six points in a row steadily increasing or steadily decreasing.'),
    (4, 'fourteen_alternating', 'Fourteen points in a row alternating up and down.'),
    (5, 'two_of_three_beyond_2_sigma', 'Two of three points in a row more than 2 sigma from the center line, on the same side.'),
    (6, 'four_of_five_beyond_1_sigma', 'Four of five points in a row more than 1 sigma from the center line, on the same side.'),
    (7, 'fifteen_within_1_sigma', 'Fifteen points in a row within 1 sigma of the center line, on either side.'),
    (8, 'eight_beyond_1_sigma', 'Eight points in a row more than 1 sigma from the center line, on both sides, none within 1 sigma.')
  ) AS t (rule, name, description)
$$;
COMMENT ON FUNCTION app_private.spc_nelson_rule_names() IS
  'The eight Nelson rules (L. S. Nelson, "The Shewhart Control Chart — Tests for Special Causes", Journal of Quality Technology 16(4), 1984): number, stable name and description. Western Electric''s rules are Nelson 1, 5, 6 and 2 with eight points instead of nine.';

CREATE OR REPLACE FUNCTION app_private.spc_nelson_rules(p_points numeric[], p_center numeric, p_sigma numeric)
RETURNS TABLE (point integer, value numeric, rules integer[], rule_names text[])
LANGUAGE plpgsql IMMUTABLE ROWS 100
SET search_path = ''
AS $$
DECLARE
  v_count integer;
  v_z double precision[];
  v_up integer[];      -- sign of x_i - x_(i-1): 1, -1, 0 (0 for the first point and for ties)
  v_rules integer[];
  v_names text[] := ARRAY(SELECT r.name FROM app_private.spc_nelson_rule_names() AS r ORDER BY r.rule);
  i integer;
  j integer;
  v_side double precision;
  v_hits integer;
  v_ok boolean;
  v_above boolean;
  v_below boolean;
BEGIN
  PERFORM app_private.spc_require_values(p_points, 1);
  IF p_center IS NULL THEN
    PERFORM app_private.raise_invalid('spc.center_missing', 'The center line is missing.',
      'Give the chart''s center line (for example X̿ from the frozen limits).');
  END IF;
  IF p_sigma IS NULL OR p_sigma <= 0 THEN
    PERFORM app_private.raise_invalid('spc.sigma_not_positive',
      format('Sigma %s is not positive.', coalesce(p_sigma::text, 'NULL')),
      'Give the standard deviation of the plotted statistic, for an X̄ chart sigma_within/sqrt(n).');
  END IF;
  v_count := cardinality(p_points);
  v_z := ARRAY(SELECT ((x - p_center) / p_sigma)::double precision FROM unnest(p_points) WITH ORDINALITY AS u (x, k) ORDER BY k);
  v_up := ARRAY(SELECT coalesce(sign(x - lag(x) OVER (ORDER BY k)), 0)::integer
                  FROM unnest(p_points) WITH ORDINALITY AS u (x, k) ORDER BY k);
  FOR i IN 1 .. v_count LOOP
    v_rules := '{}';
    -- 1: beyond 3 sigma
    IF abs(v_z[i]) > 3 THEN
      v_rules := v_rules || 1;
    END IF;
    -- 2: nine in a row strictly on one side (a point on the center line breaks the run)
    IF i >= 9 THEN
      v_side := sign(v_z[i]);
      v_ok := v_side <> 0;
      FOR j IN i - 8 .. i LOOP
        v_ok := v_ok AND sign(v_z[j]) = v_side;
      END LOOP;
      IF v_ok THEN
        v_rules := v_rules || 2;
      END IF;
    END IF;
    -- 3: six points steadily increasing or decreasing: five steps of the same direction
    IF i >= 6 THEN
      v_ok := v_up[i] <> 0;
      FOR j IN i - 4 .. i LOOP
        v_ok := v_ok AND v_up[j] = v_up[i];
      END LOOP;
      IF v_ok THEN
        v_rules := v_rules || 3;
      END IF;
    END IF;
    -- 4: fourteen points alternating: thirteen steps, each the opposite of the one before
    IF i >= 14 THEN
      v_ok := v_up[i] <> 0;
      FOR j IN i - 11 .. i LOOP
        v_ok := v_ok AND v_up[j] = -v_up[j - 1];
      END LOOP;
      IF v_ok THEN
        v_rules := v_rules || 4;
      END IF;
    END IF;
    -- 5: this point beyond 2 sigma and two of the last three beyond 2 sigma on its side
    IF abs(v_z[i]) > 2 THEN
      v_side := sign(v_z[i]);
      v_hits := 0;
      FOR j IN greatest(1, i - 2) .. i LOOP
        IF v_z[j] * v_side > 2 THEN
          v_hits := v_hits + 1;
        END IF;
      END LOOP;
      IF v_hits >= 2 THEN
        v_rules := v_rules || 5;
      END IF;
    END IF;
    -- 6: this point beyond 1 sigma and four of the last five beyond 1 sigma on its side
    IF abs(v_z[i]) > 1 THEN
      v_side := sign(v_z[i]);
      v_hits := 0;
      FOR j IN greatest(1, i - 4) .. i LOOP
        IF v_z[j] * v_side > 1 THEN
          v_hits := v_hits + 1;
        END IF;
      END LOOP;
      IF v_hits >= 4 THEN
        v_rules := v_rules || 6;
      END IF;
    END IF;
    -- 7: fifteen in a row within 1 sigma
    IF i >= 15 THEN
      v_ok := true;
      FOR j IN i - 14 .. i LOOP
        v_ok := v_ok AND abs(v_z[j]) < 1;
      END LOOP;
      IF v_ok THEN
        v_rules := v_rules || 7;
      END IF;
    END IF;
    -- 8: eight in a row beyond 1 sigma, on both sides
    IF i >= 8 THEN
      v_ok := true;
      v_above := false;
      v_below := false;
      FOR j IN i - 7 .. i LOOP
        v_ok := v_ok AND abs(v_z[j]) > 1;
        v_above := v_above OR v_z[j] > 1;
        v_below := v_below OR v_z[j] < -1;
      END LOOP;
      IF v_ok AND v_above AND v_below THEN
        v_rules := v_rules || 8;
      END IF;
    END IF;
    point := i;
    value := p_points[i];
    rules := v_rules;
    rule_names := ARRAY(SELECT v_names[r] FROM unnest(v_rules) AS r);
    RETURN NEXT;
  END LOOP;
END
$$;
COMMENT ON FUNCTION app_private.spc_nelson_rules(numeric[], numeric, numeric) IS
  'Flags out-of-control points with the eight Nelson rules (app_private.spc_nelson_rule_names). Input: the chart''s points in time order, its center line and the sigma of the plotted statistic (for an X̄ chart sigma_within/sqrt(n)); z_i = (x_i - center)/sigma. Returns every point with the rules (numbers and names) whose pattern it completes: 1 |z| > 3; 2 nine in a row with z of one sign (z = 0 breaks the run); 3 six points each strictly above (or each below) the one before; 4 fourteen points alternating up and down (a tie breaks it); 5 the point and at least one of the two before beyond 2 sigma on its side; 6 the point and at least three of the four before beyond 1 sigma on its side; 7 fifteen in a row with |z| < 1; 8 eight in a row with |z| > 1, on both sides. "Beyond" is strict. Every point that continues a pattern is flagged too. Refuses no points (PT422 spc.empty), a NULL point (spc.null_value), no center (spc.center_missing), sigma <= 0 (spc.sigma_not_positive).';
