-- SPC library (db/functions/80_quality/50_spc.sql): the control-chart
-- constants against their formulas, X̄-R, X̄-S, I-MR, p and np limits on
-- hand-computed data, capability with two- and one-sided specifications,
-- each Nelson rule on a series crafted so it fires exactly where expected,
-- and every refusal with its reason and a hint. tests/test_spc_numbers.py
-- checks the same numbers against numpy and statistics.
BEGIN;
SELECT plan(58);

-- Constants: 2..25, c4 from its formula (Gamma ratio by the recurrence
-- r(n + 1) = ((n - 1)/2)/r(n), r(2) = 1/sqrt(pi)), the derived constants
-- from d2, d3 and c4 within the tables' rounding.
SELECT results_eq('SELECT n FROM app_private.spc_constants()', 'SELECT generate_series(2, 25)', 'constants for n = 2..25, in order');
SELECT is_empty($$
  WITH RECURSIVE r (n, ratio) AS (
    SELECT 2, 1 / sqrt(pi())
    UNION ALL
    SELECT n + 1, ((n - 1) / 2.0) / ratio FROM r WHERE n < 25
  )
  SELECT c.n FROM r JOIN app_private.spc_constants() AS c ON c.n = r.n
   WHERE abs(c.c4 - sqrt(2.0 / (r.n - 1)) * r.ratio) > 0.00005
$$, 'c4 = sqrt(2/(n-1)) Gamma(n/2)/Gamma((n-1)/2) to 4 decimals for every n');
SELECT is_empty($$
  SELECT n FROM app_private.spc_constants()
   WHERE abs(a2 - 3 / (d2 * sqrt(n))) > 0.002 OR abs(a3 - 3 / (c4 * sqrt(n))) > 0.002
      OR abs(b4 - (1 + 3 * sqrt(1 - c4 ^ 2) / c4)) > 0.002 OR abs(b3 - greatest(0, 1 - 3 * sqrt(1 - c4 ^ 2) / c4)) > 0.002
      OR abs(d4 - (1 + 3 * d3 / d2)) > 0.002 OR abs(d3_lower - greatest(0, 1 - 3 * d3 / d2)) > 0.002
      OR abs(e2 - 3 / d2) > 0.002
$$, 'A2, A3, B3, B4, D3, D4 and E2 follow from d2, d3 and c4 for every n');
SELECT is((SELECT ROW(a2, a3, b3, b4, c4, d2, d3, d3_lower, d4, e2)::text FROM app_private.spc_constants(5)),
  '(0.577,1.427,0.000,2.089,0.9400,2.326,0.864,0.000,2.114,1.290)', 'n = 5 as published');
SELECT is((SELECT ROW(b3, d3_lower)::text FROM app_private.spc_constants(7)), '(0.118,0.076)', 'n = 7: the first non-zero lower R limit factor');
SELECT is(tests.refusal('SELECT * FROM app_private.spc_constants(1)'), 'PT422 spc.subgroup_size', 'no constants for n = 1');
SELECT is(tests.refusal('SELECT * FROM app_private.spc_constants(26)'), 'PT422 spc.subgroup_size', 'no constants for n = 26');

-- Subgroups {1,2} {3,4} {5,6} {7,9}: means 1.5 3.5 5.5 8, ranges 1 1 1 2.
SELECT results_eq($$SELECT subgroup, n, mean, range, round(stddev, 6) FROM app_private.spc_subgroups('{1,2,3,4,5,6,7,9}', '{2,2,2,2}')$$,
  $$VALUES (1, 2, 1.5, 1.0, 0.707107), (2, 2, 3.5, 1.0, 0.707107), (3, 2, 5.5, 1.0, 0.707107), (4, 2, 8.0, 2.0, 1.414214)$$,
  'subgroups: size, mean, range and sample standard deviation');
SELECT results_eq($$SELECT subgroup, n, mean FROM app_private.spc_subgroups('{1,2,3,4,5}', '{3,2}')$$,
  $$VALUES (1, 3, 2.0), (2, 2, 4.5)$$, 'subgroups of different sizes split where their sizes say');
SELECT is((SELECT ROW(n, subgroups, xbar_cl, round(xbar_ucl, 4), round(xbar_lcl, 4), r_cl, round(r_ucl, 5), round(r_lcl, 5), round(sigma_within, 6))::text
             FROM app_private.spc_xbar_r_limits('{1,2,3,4,5,6,7,9}', '{2,2,2,2}')),
  '(2,4,4.6250000000000000,6.9750,2.2750,1.2500000000000000,4.08375,0.00000,1.108156)',
  'X̄-R: X̿ ± A2 R̄ (1.880), R̄ with D4 = 3.267 and D3 = 0, sigma = R̄/d2');
-- n = 7 where D3 and B3 are not zero: seven values 1..7 twice and 2..8.
SELECT is((SELECT ROW(round(r_lcl, 4), round(r_ucl, 4))::text
             FROM app_private.spc_xbar_r_limits('{1,2,3,4,5,6,7,1,2,3,4,5,6,7,2,3,4,5,6,7,8}', '{7,7,7}')),
  '(0.4560,11.5440)', 'X̄-R with n = 7: R limits 0.076 R̄ and 1.924 R̄');
SELECT is((SELECT ROW(round(xbar_cl, 4), round(xbar_ucl, 4), round(xbar_lcl, 4), round(s_cl, 6), round(s_ucl, 6), round(s_lcl, 6), round(sigma_within, 6))::text
             FROM app_private.spc_xbar_s_limits('{1,2,3,4,5,6,7,1,2,3,4,5,6,7,2,3,4,5,6,7,8}', '{7,7,7}')),
  '(4.3333,6.8867,1.7799,2.160247,4.065585,0.254909,2.251664)',
  'X̄-S: X̿ ± A3 S̄ (1.182), S̄ with B4 = 1.882 and B3 = 0.118, sigma = S̄/c4');
-- Sizes 3, 2, 4: X̿ = 47/9 weighted by size, S̄ pooled = sqrt(12.5/6), limits per size.
SELECT results_eq($$SELECT subgroup, n, round(xbar_cl, 4), round(xbar_ucl, 4), round(xbar_lcl, 4), round(s_cl, 4), round(s_ucl, 4), round(s_lcl, 4)
                      FROM app_private.spc_xbar_s_chart('{1,2,3,4,5,6,7,9,10}', '{3,2,4}')$$,
  $$VALUES (1, 3, 5.2222, 8.0426, 2.4019, 1.4434, 3.7066, 0.0000), (2, 2, 5.2222, 9.0602, 1.3843, 1.4434, 4.7155, 0.0000),
           (3, 4, 5.2222, 7.5720, 2.8724, 1.4434, 3.2707, 0.0000)$$,
  'X̄-S with sizes that differ: X̿ weighted by size, pooled S̄, A3, B3, B4 of each subgroup''s size');
SELECT is((SELECT round(s_lcl, 4) FROM app_private.spc_xbar_s_chart('{1,2,3,4,5,6,7,1,2,3,4,5,6,7,2,3,4,5,6,7,8}', '{7,7,7}') LIMIT 1),
  0.2549, 'X̄-S chart with one size 7: B3 = 0.118 gives a positive S LCL');
SELECT results_eq($$SELECT point, value, moving_range FROM app_private.spc_moving_ranges('{5,7,4,4}')$$,
  $$VALUES (1, 5::numeric, NULL::numeric), (2, 7, 2), (3, 4, 3), (4, 4, 0)$$, 'moving ranges of span 2, none for the first point');
SELECT is((SELECT ROW(points, i_cl, round(i_ucl, 4), round(i_lcl, 4), round(mr_cl, 4), round(mr_ucl, 4), round(mr_lcl, 4), round(sigma_within, 6))::text
             FROM app_private.spc_imr_limits('{5,7,4,4}')),
  '(4,5.0000000000000000,9.4333,0.5667,1.6667,5.4450,0.0000,1.477541)',
  'I-MR: X̄ ± 2.660 MR̄, MR̄ with D4 = 3.267, sigma = MR̄/1.128');

-- p chart: p̄ = 12/400 = 0.03; limits depend on each sample's size; the LCL
-- stays at 0, the fourth point (8/50) is above its own UCL.
SELECT results_eq($$SELECT subgroup, n, defectives, round(p, 2), round(p_ucl, 6), round(p_lcl, 6), beyond_limits
                      FROM app_private.spc_p_chart('{1,2,1,8}', '{100,200,50,50}')$$,
  $$VALUES (1, 100, 1, 0.01, 0.081176, 0.000000, false), (2, 200, 2, 0.01, 0.066187, 0.000000, false),
           (3, 50, 1, 0.02, 0.102374, 0.000000, false), (4, 50, 8, 0.16, 0.102374, 0.000000, true)$$,
  'p chart: p_i, limits from p̄ = Σd/Σn and each n_i, out-of-limit point flagged');
SELECT is((SELECT DISTINCT p_cl FROM app_private.spc_p_chart('{1,2,1,8}', '{100,200,50,50}')), 0.03, 'p chart center line is p̄ = Σd/Σn, not the mean of the p_i');
SELECT is((SELECT round(p_lcl, 6) FROM app_private.spc_p_chart('{30,50}', '{200,200}') LIMIT 1), 0.115147::numeric,
  'p chart: a positive LCL where p̄ is large enough');
SELECT is((SELECT string_agg(round(p_ucl, 4)::text, ' ') FROM app_private.spc_p_chart('{19,19}', '{20,20}')), '1.0000 1.0000',
  'p chart: the UCL stays at 1 where p̄ + 3 sigma would pass it');
SELECT is((SELECT ROW(n, np_cl, round(np_ucl, 4), np_lcl)::text FROM app_private.spc_np_chart_limits('{2,4,3,3}', '{100,100,100,100}')),
  '(100,3.0000000000000000,8.1176,0)', 'np chart: np̄ ± 3 sqrt(np̄(1 - p̄)), LCL at least 0');

-- Capability: mean 4.625, sigma_within R̄/d2 = 1.108156, overall s = 2.669270.
SELECT is((SELECT ROW(round(cp, 4), round(cpk, 4), round(pp, 4), round(ppk, 4))::text
             FROM app_private.spc_capability_subgroups('{1,2,3,4,5,6,7,9}', '{2,2,2,2}', 0, 12)),
  '(1.8048,1.3912,0.7493,0.5776)', 'Cp, Cpk (nearer USL), Pp, Ppk from R̄/d2 and the overall s');
SELECT is((SELECT ROW(round(sigma_within, 6), round(cp, 4), round(cpk, 4))::text
             FROM app_private.spc_capability_subgroups('{1,2,3,4,5,6,7,9}', '{2,2,2,2}', 0, 12, 'stddev')),
  '(1.107762,1.8054,1.3917)', 'the stddev method takes sigma_within from S̄/c4');
SELECT is((SELECT ROW(cp, round(cpk, 4), pp, round(ppk, 4))::text
             FROM app_private.spc_capability_subgroups('{1,2,3,4,5,6,7,9}', '{2,2,2,2}', 0, NULL)),
  '(,1.3912,,0.5776)', 'LSL only: Cp and Pp NULL, Cpk and Ppk from the lower side');
SELECT is((SELECT ROW(cp, round(cpk, 4), pp, round(ppk, 4))::text
             FROM app_private.spc_capability_individuals('{5,7,4,4}', NULL, 10)),
  '(,1.1280,,1.1785)', 'USL only, individuals: Cpk from MR̄/d2, Ppk from s, Cp and Pp NULL');
SELECT is((SELECT ROW(round(cp, 4), round(cpk, 4))::text FROM app_private.spc_capability(10, 1, NULL, 4, 19)),
  '(2.5000,2.0000)', 'capability from given mean and sigma; no overall sigma leaves Pp and Ppk NULL');

-- Refusals, each with its reason.
SELECT is(tests.refusal($$SELECT * FROM app_private.spc_xbar_r_limits('{}', '{}')$$), 'PT422 spc.empty', 'no values');
SELECT is(tests.refusal($$SELECT * FROM app_private.spc_imr_limits(NULL)$$), 'PT422 spc.empty', 'NULL array');
SELECT is(tests.refusal($$SELECT * FROM app_private.spc_imr_limits('{1,NULL,3}')$$), 'PT422 spc.null_value', 'a NULL value');
SELECT is(tests.refusal($$SELECT * FROM app_private.spc_imr_limits('{1}')$$), 'PT422 spc.too_few_points', 'I-MR needs 2 points');
SELECT is(tests.refusal($$SELECT * FROM app_private.spc_xbar_r_limits('{1,2}', '{2}')$$), 'PT422 spc.too_few_points', 'one subgroup is too few');
SELECT is(tests.refusal($$SELECT * FROM app_private.spc_xbar_r_limits('{1,2,3,4,5}', '{2,2}')$$), 'PT422 spc.array_mismatch', 'sizes not adding up to the values');
SELECT is(tests.refusal($$SELECT * FROM app_private.spc_subgroups('{1,2,3}', '{1,2}')$$), 'PT422 spc.subgroup_size', 'a subgroup of 1');
SELECT is(tests.refusal($$SELECT * FROM app_private.spc_xbar_s_limits('{1,2,3,4,5}', '{3,2}')$$), 'PT422 spc.subgroup_sizes_differ', 'X̄-S with sizes that differ');
SELECT is(tests.refusal($$SELECT * FROM app_private.spc_capability_individuals('{1,2,3}', 5, 2)$$), 'PT422 spc.spec_order', 'LSL above USL');
SELECT is(tests.refusal($$SELECT * FROM app_private.spc_capability(1, 1, 1, 2, 2)$$), 'PT422 spc.spec_order', 'LSL equal to USL');
SELECT is(tests.refusal($$SELECT * FROM app_private.spc_capability_individuals('{1,2,3}', NULL, NULL)$$), 'PT422 spc.spec_missing', 'no specification limit');
SELECT is(tests.refusal($$SELECT * FROM app_private.spc_capability_individuals('{4,4,4}', 1, 9)$$), 'PT422 spc.sigma_not_positive', 'no variation');
SELECT is(tests.refusal($$SELECT * FROM app_private.spc_capability(NULL, 1, 1, 0, 9)$$), 'PT422 spc.empty', 'capability without a mean');
SELECT is(tests.refusal($$SELECT * FROM app_private.spc_capability_subgroups('{1,2,3,4}', '{2,2}', 0, 9, 'mad')$$), 'PT422 spc.sigma_method', 'an unknown sigma method');
SELECT is(tests.refusal($$SELECT * FROM app_private.spc_p_chart('{1,2}', '{10}')$$), 'PT422 spc.array_mismatch', 'p chart arrays of different lengths');
SELECT is(tests.refusal($$SELECT * FROM app_private.spc_p_chart('{11,2}', '{10,10}')$$), 'PT422 spc.count_invalid', 'more defectives than the sample');
SELECT is(tests.refusal($$SELECT * FROM app_private.spc_p_chart('{0,0}', '{0,10}')$$), 'PT422 spc.count_invalid', 'an empty sample');
SELECT is(tests.refusal($$SELECT * FROM app_private.spc_np_chart_limits('{1,2}', '{10,20}')$$), 'PT422 spc.subgroup_sizes_differ', 'np chart with sizes that differ');
SELECT is(tests.refusal($$SELECT * FROM app_private.spc_nelson_rules('{1,2}', NULL, 1)$$), 'PT422 spc.center_missing', 'Nelson rules without a center line');
SELECT is(tests.refusal($$SELECT * FROM app_private.spc_nelson_rules('{1,2}', 0, 0)$$), 'PT422 spc.sigma_not_positive', 'Nelson rules with sigma 0');
CREATE FUNCTION pg_temp.hint(p_sql text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE v_hint text;
BEGIN
  EXECUTE p_sql;
  RETURN NULL;
EXCEPTION WHEN OTHERS THEN
  GET STACKED DIAGNOSTICS v_hint = PG_EXCEPTION_HINT;
  RETURN v_hint;
END $$;
SELECT ok((SELECT bool_and(pg_temp.hint(s) <> '') FROM unnest(ARRAY[
  $$SELECT * FROM app_private.spc_constants(1)$$, $$SELECT * FROM app_private.spc_imr_limits('{}')$$,
  $$SELECT * FROM app_private.spc_imr_limits('{1,NULL}')$$, $$SELECT * FROM app_private.spc_xbar_r_limits('{1,2,3}', '{2,2}')$$,
  $$SELECT * FROM app_private.spc_capability(1, 1, 1, 3, 2)$$, $$SELECT * FROM app_private.spc_p_chart('{3}', '{2}')$$,
  $$SELECT * FROM app_private.spc_nelson_rules('{1}', 0, -1)$$]) AS s), 'every refusal says what to do (a hint)');

-- Nelson rules (center 0, sigma 1): each crafted series fires its rule, and
-- only it, exactly where the pattern completes (and where it continues).
CREATE FUNCTION pg_temp.flags(p_points numeric[]) RETURNS text LANGUAGE sql AS $$
  SELECT coalesce(string_agg(point || ':' || rules::text, ' ' ORDER BY point), '')
    FROM app_private.spc_nelson_rules(p_points, 0, 1) WHERE rules <> '{}'
$$;
SELECT is(pg_temp.flags('{0,0.5,-0.5,3.5,0,-3.01,3}'), '4:{1} 6:{1}', 'rule 1: beyond 3 sigma (exactly 3 is not beyond)');
SELECT is(pg_temp.flags('{-0.5,0.5,0.5,0.5,0.5,0.5,0.5,0.5,0.5,0.5,0.5,0,0.5}'), '10:{2} 11:{2}', 'rule 2: nine on one side, flagged while the run lasts; a point on the center line breaks it');
SELECT is(pg_temp.flags('{-0.3,-0.2,-0.1,0.1,0.2,0.3,0.4,0.4,0.3,0.2,0.1,-0.1,-0.2}'), '6:{3} 7:{3} 13:{3}', 'rule 3: six rising or six falling; a tie breaks the trend');
SELECT is(pg_temp.flags('{0.5,-0.5,0.5,-0.5,0.5,-0.5,0.5,-0.5,0.5,-0.5,0.5,-0.5,0.5,-0.5,-1.5}'), '14:{4}', 'rule 4: fourteen alternating');
SELECT is(pg_temp.flags('{0,2.5,0,2.5,-2.5,0,-2.1}'), '4:{5} 7:{5}', 'rule 5: two of three beyond 2 sigma on the same side, the flagged point among them');
SELECT is(pg_temp.flags('{0,1.5,1.5,0,1.5,1.5,0,-1.5}'), '6:{6}', 'rule 6: four of five beyond 1 sigma on the same side');
SELECT is(pg_temp.flags('{0.1,0.2,-0.1,-0.2,0.1,0.2,-0.1,-0.2,0.1,0.2,-0.1,-0.2,0.1,0.2,-0.1,1}'), '15:{7}', 'rule 7: fifteen within 1 sigma');
SELECT is(pg_temp.flags('{1.5,-1.5,1.5,-1.5,1.5,-1.5,1.5,-1.5,0.5}'), '8:{8}', 'rule 8: eight beyond 1 sigma on both sides');
SELECT is(pg_temp.flags('{1.5,1.5,1.5,1.5,1.5,1.5,1.5,1.5}'), '4:{6} 5:{6} 6:{6} 7:{6} 8:{6}',
  'rule 8 needs both sides: eight beyond 1 sigma on one side are rule 6 only');
SELECT is(pg_temp.flags('{0.5,-0.3,1.2,-0.8,0.1,0.4,-1.1,0.2,2.2,-2.2,1.4,0.9}'), '', 'an in-control series fires no rule');
SELECT is((SELECT rule_names FROM app_private.spc_nelson_rules('{3.5,3.5}', 0, 1) WHERE point = 2),
  '{beyond_3_sigma,two_of_three_beyond_2_sigma}', 'a point can break several rules, named');

SELECT * FROM finish();
ROLLBACK;
