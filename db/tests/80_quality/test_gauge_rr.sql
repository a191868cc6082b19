-- Gauge R&R (db/functions/80_quality/52_gauge_rr.sql) on the AIAG MSA 4th
-- edition's worked example (3 appraisers A, B, C x 10 parts x 3 trials,
-- ch. III B, figures III-B 15..18 and tables III-B 6..7): the published
-- results of the average-and-range and ANOVA methods; the interaction kept
-- when significant or when pooling is turned off; the F distribution; the
-- K constants against d2 and d3; every refusal. tests/test_spc_numbers.py
-- recomputes the same numbers with numpy.
BEGIN;
SELECT plan(27);

CREATE TEMP TABLE aiag AS SELECT v, o, p FROM unnest('{0.29,0.41,0.64,-0.56,-0.68,-0.58,1.34,1.17,1.27,0.47,0.50,0.64,-0.80,-0.92,-0.84,0.02,-0.11,-0.21,0.59,0.75,0.66,-0.31,-0.20,-0.17,2.26,1.99,2.01,-1.36,-1.25,-1.31,0.08,0.25,0.07,-0.47,-1.22,-0.68,1.19,0.94,1.34,0.01,1.03,0.20,-0.56,-1.20,-1.28,-0.20,0.22,0.06,0.47,0.55,0.83,-0.63,0.08,-0.34,1.80,2.12,2.19,-1.68,-1.62,-1.50,0.04,-0.11,-0.15,-1.38,-1.13,-0.96,0.88,1.09,0.67,0.14,0.20,0.11,-1.46,-1.07,-1.45,-0.29,-0.67,-0.49,0.02,0.01,0.21,-0.46,-0.56,-0.49,1.77,1.45,1.87,-1.49,-1.77,-2.16}'::numeric[], '{A,A,A,A,A,A,A,A,A,A,A,A,A,A,A,A,A,A,A,A,A,A,A,A,A,A,A,A,A,A,B,B,B,B,B,B,B,B,B,B,B,B,B,B,B,B,B,B,B,B,B,B,B,B,B,B,B,B,B,B,C,C,C,C,C,C,C,C,C,C,C,C,C,C,C,C,C,C,C,C,C,C,C,C,C,C,C,C,C,C}'::text[], '{1,1,1,2,2,2,3,3,3,4,4,4,5,5,5,6,6,6,7,7,7,8,8,8,9,9,9,10,10,10,1,1,1,2,2,2,3,3,3,4,4,4,5,5,5,6,6,6,7,7,7,8,8,8,9,9,9,10,10,10,1,1,1,2,2,2,3,3,3,4,4,4,5,5,5,6,6,6,7,7,7,8,8,8,9,9,9,10,10,10}'::text[]) AS u (v, o, p);
CREATE FUNCTION pg_temp.values_() RETURNS numeric[] LANGUAGE sql AS 'SELECT array_agg(v) FROM aiag';
CREATE FUNCTION pg_temp.operators() RETURNS text[] LANGUAGE sql AS 'SELECT array_agg(o) FROM aiag';
CREATE FUNCTION pg_temp.parts() RETURNS text[] LANGUAGE sql AS 'SELECT array_agg(p) FROM aiag';

-- Average and range, as published: R̄ 0.3417, X̄diff 0.4446, Rp 3.511,
-- EV 0.20188, AV 0.22963, GRR 0.30575, PV 1.10456, TV 1.14610, %GRR 26.68,
-- ndc 5 (the book rounds R̄ and X̄diff first, hence the 4th decimal).
SELECT is((SELECT ROW(operators, parts, trials, round(r_bar, 4), round(x_diff, 4), round(r_p, 3))::text
             FROM app_private.gauge_rr_average_range(pg_temp.values_(), pg_temp.operators(), pg_temp.parts())),
  '(3,10,3,0.3417,0.4447,3.511)', 'average and range: R̄, X̄diff and Rp of the AIAG example');
SELECT is((SELECT ROW(round(ev, 3), round(av, 3), round(grr, 3), round(pv, 3), round(tv, 3), round(pct_ev, 1), round(pct_av, 1),
                      round(pct_grr, 1), round(pct_pv, 1), ndc)::text
             FROM app_private.gauge_rr_average_range(pg_temp.values_(), pg_temp.operators(), pg_temp.parts())),
  '(0.202,0.230,0.306,1.105,1.146,17.6,20.0,26.7,96.4,5)', 'average and range: EV, AV, GRR, PV, TV, their % of TV and ndc as published');
SELECT is((SELECT ROW(round(ev, 6), round(av, 6), round(pv, 6))::text
             FROM app_private.gauge_rr_average_range(pg_temp.values_(), pg_temp.operators(), pg_temp.parts())),
  '(0.201857,0.229667,1.104596)', 'average and range unrounded: R̄·0.5908, sqrt((X̄diff·0.5231)^2 - EV^2/30), Rp·0.3146');
SELECT is((SELECT round(pct_grr_tolerance, 2) FROM app_private.gauge_rr_average_range(pg_temp.values_(), pg_temp.operators(), pg_temp.parts(), 5)),
  36.69, '%GRR of a tolerance of 5: 100 GRR / (5/6)');
SELECT is((SELECT pct_grr_tolerance FROM app_private.gauge_rr_average_range(pg_temp.values_(), pg_temp.operators(), pg_temp.parts())),
  NULL, 'no tolerance, no %GRR of tolerance');

-- ANOVA as published (table III-B 7): SS 88.3619, 3.1673, 0.3590, 2.7589,
-- 94.6471; MS 9.8180, 1.5836, 0.0199, 0.0460; F interaction 0.434,
-- p 0.974 > 0.25: pooled; EV 0.19993, AV 0.22684, PV 1.04233, %GRR 27.86, ndc 4.
SELECT is((SELECT ROW(round(ss_part, 4), round(ss_operator, 4), round(ss_interaction, 4), round(ss_error, 4), round(ss_total, 4),
                      df_part, df_operator, df_interaction, df_error)::text
             FROM app_private.gauge_rr_anova(pg_temp.values_(), pg_temp.operators(), pg_temp.parts())),
  '(88.3619,3.1673,0.3590,2.7589,94.6471,9,2,18,60)', 'ANOVA: sums of squares and degrees of freedom');
SELECT is((SELECT ROW(round(ms_part, 4), round(ms_operator, 4), round(ms_interaction, 4), round(ms_error, 4),
                      round(f_interaction::numeric, 3), round(p_interaction::numeric, 3), interaction_pooled)::text
             FROM app_private.gauge_rr_anova(pg_temp.values_(), pg_temp.operators(), pg_temp.parts())),
  '(9.8180,1.5836,0.0199,0.0460,0.434,0.974,t)', 'ANOVA: mean squares, F and p of the interaction, pooled above 0.25');
SELECT is((SELECT ROW(round(ev, 5), round(av, 5), interaction, round(grr, 5), round(pv, 5), round(pct_grr, 2), ndc)::text
             FROM app_private.gauge_rr_anova(pg_temp.values_(), pg_temp.operators(), pg_temp.parts())),
  '(0.19993,0.22684,0.000000000000000,0.30237,1.04233,27.86,4)', 'ANOVA pooled: EV from the pooled error, AV, GRR, PV, %GRR, ndc');
SELECT is((SELECT ROW(interaction_pooled, round(ev, 5), round(av, 5), round(interaction, 5), round(pv, 5))::text
             FROM app_private.gauge_rr_anova(pg_temp.values_(), pg_temp.operators(), pg_temp.parts(), NULL, 1)),
  '(f,0.21443,0.22830,0.00000,1.04339)', 'ANOVA never pooled (level 1): EV from MS error, AV and PV against MS interaction, a negative interaction variance is 0');

-- A significant interaction: operator A reads part 1 high, B reads part 2 high.
SELECT is((SELECT ROW(interaction_pooled, p_interaction < 0.001, round(interaction, 4), round(ev, 4))::text
             FROM app_private.gauge_rr_anova('{10,10.1,5,5.1,5,5.1,10,10.1}', '{A,A,A,A,B,B,B,B}', '{1,1,2,2,1,1,2,2}')),
  '(f,t,4.9997,0.0707)', 'a significant interaction is kept: (MS_int - MS_error)/r');

-- The F distribution and its helpers.
SELECT is(round(app_private.f_distribution_upper_tail(3, 2, 2)::numeric, 10), 0.25, 'P(F(2,2) > 3) = 1/(1 + 3)');
SELECT is(round(app_private.f_distribution_upper_tail(4, 1, 10)::numeric, 4), 0.0734, 'P(F(1,10) > 4) = 0.0734 (a t test with 10 df at t = 2)');
SELECT is_empty($$
  SELECT f, m FROM (VALUES (0.5, 60), (3.0, 7), (0.05, 25), (8.0, 3)) AS t (f, m)
   WHERE abs(app_private.f_distribution_upper_tail(f, 2, m) - power(1 + 2 * f / m, -m / 2.0)) > 1e-12
$$, 'P(F(2,m) > f) = (1 + 2f/m)^(-m/2) to 12 decimals, on both sides of the continued fraction''s switch');
SELECT is(app_private.f_distribution_upper_tail(0, 3, 7), 1::double precision, 'P(F > 0) = 1');
SELECT is(round(app_private.ln_gamma(0.25)::numeric, 10), 1.2880225247, 'ln Gamma(1/4), through the reflection formula');
SELECT is(round(app_private.regularized_incomplete_beta(0.5, 2, 2)::numeric, 12), 0.5, 'I_0.5(2, 2) = 0.5');
SELECT is_empty($$
  SELECT k.factor, k.count FROM app_private.gauge_rr_k_constants() AS k
    JOIN app_private.spc_constants() AS c ON c.n = k.count
   WHERE abs(k.k - CASE k.factor WHEN 'K1' THEN 1 / c.d2 ELSE 1 / sqrt(c.d2 ^ 2 + c.d3 ^ 2) END) > 0.0005
$$, 'K1 = 1/d2, K2 and K3 = 1/d2* = 1/sqrt(d2^2 + d3^2)');

-- ndc is rounded down: 1.41 PV/GRR = 11.81 here gives 11.
SELECT is((SELECT ndc FROM app_private.gauge_rr_average_range('{10,10.2,12.1,12.3,10.1,10.3,12.2,12.4}', '{A,A,A,A,B,B,B,B}', '{1,1,2,2,1,1,2,2}')),
  11, 'ndc = floor(1.41 PV/GRR)');

-- Refusals.
SELECT is(tests.refusal($$SELECT * FROM app_private.gauge_rr_anova('{1,2}', '{A}', '{1,1}')$$), 'PT422 gauge_rr.array_mismatch', 'arrays of different lengths');
SELECT is(tests.refusal($$SELECT * FROM app_private.gauge_rr_anova('{1,2}', '{A,NULL}', '{1,1}')$$), 'PT422 gauge_rr.label_missing', 'a measurement without operator');
SELECT is(tests.refusal($$SELECT * FROM app_private.gauge_rr_anova('{1,2,3,4}', '{A,A,A,A}', '{1,1,2,2}')$$), 'PT422 gauge_rr.too_few', 'one operator');
SELECT is(tests.refusal($$SELECT * FROM app_private.gauge_rr_anova('{1,2,3,4,5,6,7}', '{A,A,A,A,B,B,B}', '{1,1,2,2,1,1,2}')$$),
  'PT422 gauge_rr.unbalanced', 'a missing trial (and a pair with one trial)');
SELECT is(tests.refusal($$SELECT * FROM app_private.gauge_rr_anova('{1,2,3,4,5,6,7,8,9}', '{A,A,A,A,A,B,B,B,B}', '{1,1,1,2,2,1,1,2,2}')$$),
  'PT422 gauge_rr.unbalanced', 'three trials of one pair, two of the others');
SELECT is(tests.refusal($$SELECT * FROM app_private.gauge_rr_average_range('{1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16}',
  '{A,A,A,A,B,B,B,B,C,C,C,C,D,D,D,D}', '{1,1,2,2,1,1,2,2,1,1,2,2,1,1,2,2}')$$),
  'PT422 gauge_rr.design_size', 'four operators are beyond the K2 table');
SELECT is(tests.refusal($$SELECT * FROM app_private.gauge_rr_average_range('{1,2,3,4,5,6,7,8}', '{A,A,A,A,B,B,B,B}', '{1,1,2,2,1,1,2,2}', 0)$$),
  'PT422 gauge_rr.tolerance_invalid', 'a tolerance of 0');
SELECT is(tests.refusal($$SELECT * FROM app_private.gauge_rr_anova('{1,2,3,4,5,6,7,8}', '{A,A,A,A,B,B,B,B}', '{1,1,2,2,1,1,2,2}', NULL, 1.5)$$),
  'PT422 gauge_rr.pool_level_invalid', 'a pooling level above 1');

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
  $q$SELECT * FROM app_private.gauge_rr_anova('{1,2}', '{A}', '{1,1}')$q$,
  $q$SELECT * FROM app_private.gauge_rr_anova('{1,2}', '{A,NULL}', '{1,1}')$q$,
  $q$SELECT * FROM app_private.gauge_rr_anova('{1,2,3,4}', '{A,A,A,A}', '{1,1,2,2}')$q$,
  $q$SELECT * FROM app_private.gauge_rr_anova('{1,2,3}', '{A,A,B}', '{1,1,1}')$q$,
  $q$SELECT * FROM app_private.gauge_rr_average_range('{1,2,3,4,5,6,7,8}', '{A,A,A,A,B,B,B,B}', '{1,1,2,2,1,1,2,2}', -1)$q$,
  $q$SELECT * FROM app_private.gauge_rr_anova('{1,2,3,4,5,6,7,8}', '{A,A,A,A,B,B,B,B}', '{1,1,2,2,1,1,2,2}', NULL, -0.1)$q$]) AS s),
  'every Gauge R&R refusal says what to do (a hint)');

SELECT * FROM finish();
ROLLBACK;
