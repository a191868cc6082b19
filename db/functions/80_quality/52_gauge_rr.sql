-- Gauge repeatability and reproducibility (AIAG Measurement Systems
-- Analysis, 4th ed., 2010, ch. III section B): the average-and-range
-- method and the two-way ANOVA method with interaction, as pure functions
-- over a crossed, balanced study (every operator measures every part the
-- same number of times). Input shape, one element per measurement:
--   p_values numeric[], p_operators text[], p_parts text[]
-- (operator and part keys as text, so a view casts whatever its keys are).
-- Results are standard deviations (1 sigma, as the 4th edition reports
-- them; the 3rd edition's 5.15 sigma multiplies them all and leaves the
-- percentages unchanged).

-- The F distribution's upper tail needs the regularized incomplete beta
-- function, which needs log Gamma; neither is built into PostgreSQL 15.
CREATE OR REPLACE FUNCTION app_private.ln_gamma(p_x double precision) RETURNS double precision
LANGUAGE plpgsql IMMUTABLE STRICT
SET search_path = ''
AS $$
DECLARE
  v_c double precision[] := ARRAY[676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
                                  12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7];
  v_x double precision := p_x - 1;
  v_a double precision := 0.99999999999980993;
  v_t double precision := p_x - 1 + 7.5;
  i integer;
BEGIN
  IF p_x < 0.5 THEN
    -- reflection: Gamma(x) Gamma(1 - x) = pi / sin(pi x)
    RETURN ln(pi() / abs(sin(pi() * p_x))) - app_private.ln_gamma(1 - p_x);
  END IF;
  FOR i IN 1 .. 8 LOOP
    v_a := v_a + v_c[i] / (v_x + i);
  END LOOP;
  RETURN 0.5 * ln(2 * pi()) + (v_x + 0.5) * ln(v_t) - v_t + ln(v_a);
END
$$;
COMMENT ON FUNCTION app_private.ln_gamma(double precision) IS
  'ln Gamma(x) by the Lanczos approximation (g = 7, 9 coefficients; about 15 significant digits), with the reflection formula below 0.5.';

CREATE OR REPLACE FUNCTION app_private.regularized_incomplete_beta(p_x double precision, p_a double precision, p_b double precision)
RETURNS double precision
LANGUAGE plpgsql IMMUTABLE STRICT
SET search_path = ''
AS $$
DECLARE
  v_front double precision;
  v_a double precision := p_a;
  v_b double precision := p_b;
  v_x double precision := p_x;
  v_flip boolean := false;
  v_c double precision := 1;
  v_d double precision;
  v_h double precision;
  v_aa double precision;
  v_delta double precision;
  v_tiny constant double precision := 1e-300;
  m integer;
BEGIN
  IF p_x <= 0 THEN
    RETURN 0;
  ELSIF p_x >= 1 THEN
    RETURN 1;
  END IF;
  -- the continued fraction converges fast for x < (a + 1)/(a + b + 2); else use I_x(a, b) = 1 - I_(1-x)(b, a)
  IF p_x > (p_a + 1) / (p_a + p_b + 2) THEN
    v_flip := true;
    v_a := p_b;
    v_b := p_a;
    v_x := 1 - p_x;
  END IF;
  v_front := exp(app_private.ln_gamma(v_a + v_b) - app_private.ln_gamma(v_a) - app_private.ln_gamma(v_b)
                 + v_a * ln(v_x) + v_b * ln(1 - v_x)) / v_a;
  -- modified Lentz evaluation of the continued fraction 1/(1 + d1/(1 + d2/(1 + ...)))
  v_d := 1 - (v_a + v_b) * v_x / (v_a + 1);
  IF abs(v_d) < v_tiny THEN v_d := v_tiny; END IF;
  v_d := 1 / v_d;
  v_h := v_d;
  FOR m IN 1 .. 300 LOOP
    -- even step d_(2m) = m (b - m) x / ((a + 2m - 1)(a + 2m))
    v_aa := m * (v_b - m) * v_x / ((v_a + 2 * m - 1) * (v_a + 2 * m));
    v_d := 1 + v_aa * v_d;
    IF abs(v_d) < v_tiny THEN v_d := v_tiny; END IF;
    v_c := 1 + v_aa / v_c;
    IF abs(v_c) < v_tiny THEN v_c := v_tiny; END IF;
    v_d := 1 / v_d;
    v_h := v_h * v_d * v_c;
    -- odd step d_(2m+1) = -(a + m)(a + b + m) x / ((a + 2m)(a + 2m + 1))
    v_aa := -(v_a + m) * (v_a + v_b + m) * v_x / ((v_a + 2 * m) * (v_a + 2 * m + 1));
    v_d := 1 + v_aa * v_d;
    IF abs(v_d) < v_tiny THEN v_d := v_tiny; END IF;
    v_c := 1 + v_aa / v_c;
    IF abs(v_c) < v_tiny THEN v_c := v_tiny; END IF;
    v_d := 1 / v_d;
    v_delta := v_d * v_c;
    v_h := v_h * v_delta;
    EXIT WHEN abs(v_delta - 1) < 1e-15;
  END LOOP;
  RETURN CASE WHEN v_flip THEN 1 - v_front * v_h ELSE v_front * v_h END;
END
$$;
COMMENT ON FUNCTION app_private.regularized_incomplete_beta(double precision, double precision, double precision) IS
  'The regularized incomplete beta function I_x(a, b) = B(x; a, b)/B(a, b), by its continued fraction (modified Lentz), using I_x(a, b) = 1 - I_(1-x)(b, a) above x = (a + 1)/(a + b + 2).';

CREATE OR REPLACE FUNCTION app_private.f_distribution_upper_tail(p_f double precision, p_df1 double precision, p_df2 double precision)
RETURNS double precision
LANGUAGE sql IMMUTABLE STRICT
SET search_path = ''
AS $$
  SELECT CASE WHEN p_f <= 0 THEN 1::double precision
              ELSE app_private.regularized_incomplete_beta(p_df2 / (p_df2 + p_df1 * p_f), p_df2 / 2, p_df1 / 2) END
$$;
COMMENT ON FUNCTION app_private.f_distribution_upper_tail(double precision, double precision, double precision) IS
  'P(F > f) for the F distribution with df1 and df2 degrees of freedom: I_(df2/(df2 + df1 f))(df2/2, df1/2): the p-value of an F test.';

CREATE OR REPLACE FUNCTION app_private.gauge_rr_k_constants()
RETURNS TABLE (factor text, count integer, k numeric)
LANGUAGE sql IMMUTABLE ROWS 13
SET search_path = ''
AS $$
  SELECT * FROM (VALUES
    ('K1', 2, 0.8862), ('K1', 3, 0.5908),
    ('K2', 2, 0.7071), ('K2', 3, 0.5231),
    ('K3', 2, 0.7071), ('K3', 3, 0.5231), ('K3', 4, 0.4467), ('K3', 5, 0.4030), ('K3', 6, 0.3742),
    ('K3', 7, 0.3534), ('K3', 8, 0.3375), ('K3', 9, 0.3249), ('K3', 10, 0.3146)
  ) AS t (factor, count, k)
$$;
COMMENT ON FUNCTION app_private.gauge_rr_k_constants() IS
  'The average-and-range constants of AIAG MSA 4th ed. (ch. III, section B): K1 by number of trials (2, 3) = 1/d2*, d2* for many ranges; K2 by number of operators (2, 3) and K3 by number of parts (2..10) = 1/d2* for one range (d2* = sqrt(d2^2 + d3^2)).';

-- VOLATILE: it raises.
CREATE OR REPLACE FUNCTION app_private.gauge_rr_require_study(p_values numeric[], p_operators text[], p_parts text[])
RETURNS void
LANGUAGE plpgsql VOLATILE
SET search_path = ''
AS $$
DECLARE
  v_operators integer;
  v_parts integer;
  v_cells integer;
  v_min integer;
  v_max integer;
BEGIN
  PERFORM app_private.spc_require_values(p_values, 1);
  IF cardinality(p_operators) IS DISTINCT FROM cardinality(p_values) OR cardinality(p_parts) IS DISTINCT FROM cardinality(p_values) THEN
    PERFORM app_private.raise_invalid('gauge_rr.array_mismatch',
      format('%s values, %s operators and %s parts: one of each per measurement.',
             cardinality(p_values), coalesce(cardinality(p_operators), 0), coalesce(cardinality(p_parts), 0)),
      'Aggregate the value, the operator and the part of each measurement in the same order.');
  END IF;
  IF array_position(p_operators, NULL) IS NOT NULL OR array_position(p_parts, NULL) IS NOT NULL THEN
    PERFORM app_private.raise_invalid('gauge_rr.label_missing', 'A measurement has no operator or no part.',
      'Give every measurement its operator and its part.');
  END IF;
  SELECT count(DISTINCT o), count(DISTINCT p) INTO v_operators, v_parts FROM unnest(p_operators, p_parts) AS u (o, p);
  IF v_operators < 2 OR v_parts < 2 THEN
    PERFORM app_private.raise_invalid('gauge_rr.too_few',
      format('%s operator(s) and %s part(s): a study needs at least 2 of each.', v_operators, v_parts),
      'AIAG recommends 2 or 3 operators, 10 parts and 2 or 3 trials.');
  END IF;
  SELECT count(*), min(c.n), max(c.n) INTO v_cells, v_min, v_max
    FROM (SELECT count(*) AS n FROM unnest(p_operators, p_parts) AS u (o, p) GROUP BY u.o, u.p) AS c;
  IF v_cells <> v_operators * v_parts OR v_min <> v_max OR v_min < 2 THEN
    PERFORM app_private.raise_invalid('gauge_rr.unbalanced',
      format('The study is not balanced: %s of %s operator-part pairs measured, %s to %s trials each.',
             v_cells, v_operators * v_parts, v_min, v_max),
      'Every operator measures every part the same number of times (at least 2 trials).');
  END IF;
END
$$;
COMMENT ON FUNCTION app_private.gauge_rr_require_study(numeric[], text[], text[]) IS
  'Refuses a Gauge R&R study that is not crossed and balanced: no values (PT422 spc.empty), a NULL value (spc.null_value), arrays of different lengths (gauge_rr.array_mismatch), a measurement without operator or part (gauge_rr.label_missing), fewer than 2 operators or parts (gauge_rr.too_few), a missing operator-part pair, trial counts that differ or fewer than 2 trials (gauge_rr.unbalanced).';

-- VOLATILE: it raises.
CREATE OR REPLACE FUNCTION app_private.gauge_rr_require_tolerance(p_tolerance numeric) RETURNS void
LANGUAGE plpgsql VOLATILE
SET search_path = ''
AS $$
BEGIN
  IF p_tolerance <= 0 THEN
    PERFORM app_private.raise_invalid('gauge_rr.tolerance_invalid',
      format('Tolerance %s is not positive.', p_tolerance), 'Give USL - LSL, or NULL to leave %GRR of tolerance out.');
  END IF;
END
$$;
COMMENT ON FUNCTION app_private.gauge_rr_require_tolerance(numeric) IS
  'Refuses a tolerance (USL - LSL) that is zero or negative (PT422 gauge_rr.tolerance_invalid); NULL passes (no %GRR of tolerance).';

CREATE OR REPLACE FUNCTION app_private.gauge_rr_average_range(p_values numeric[], p_operators text[], p_parts text[],
                                                              p_tolerance numeric DEFAULT NULL)
RETURNS TABLE (operators integer, parts integer, trials integer, r_bar numeric, x_diff numeric, r_p numeric,
               ev numeric, av numeric, grr numeric, pv numeric, tv numeric,
               pct_ev numeric, pct_av numeric, pct_grr numeric, pct_pv numeric, ndc integer, pct_grr_tolerance numeric)
LANGUAGE plpgsql IMMUTABLE ROWS 1
SET search_path = ''
AS $$
DECLARE
  v_o integer;
  v_p integer;
  v_r integer;
  v_k1 numeric;
  v_k2 numeric;
  v_k3 numeric;
BEGIN
  PERFORM app_private.gauge_rr_require_study(p_values, p_operators, p_parts);
  PERFORM app_private.gauge_rr_require_tolerance(p_tolerance);
  SELECT count(DISTINCT o), count(DISTINCT p), count(*) / (count(DISTINCT o) * count(DISTINCT p))
    INTO v_o, v_p, v_r FROM unnest(p_operators, p_parts) AS u (o, p);
  SELECT k.k INTO v_k1 FROM app_private.gauge_rr_k_constants() AS k WHERE k.factor = 'K1' AND k.count = v_r;
  SELECT k.k INTO v_k2 FROM app_private.gauge_rr_k_constants() AS k WHERE k.factor = 'K2' AND k.count = v_o;
  SELECT k.k INTO v_k3 FROM app_private.gauge_rr_k_constants() AS k WHERE k.factor = 'K3' AND k.count = v_p;
  IF v_k1 IS NULL OR v_k2 IS NULL OR v_k3 IS NULL THEN
    PERFORM app_private.raise_invalid('gauge_rr.design_size',
      format('%s trials, %s operators and %s parts: the average-and-range constants cover 2-3 trials, 2-3 operators and 2-10 parts.',
             v_r, v_o, v_p),
      'Use the ANOVA method (app_private.gauge_rr_anova) for other study sizes.');
  END IF;
  RETURN QUERY
    WITH m AS (
      SELECT u.v, u.o, u.p FROM unnest(p_values, p_operators, p_parts) AS u (v, o, p)
    ), cell AS (
      SELECT max(m.v) - min(m.v) AS range FROM m GROUP BY m.o, m.p
    ), stat AS (
      SELECT (SELECT avg(c.range) FROM cell AS c) AS r_bar,
             (SELECT max(a) - min(a) FROM (SELECT avg(m.v) AS a FROM m GROUP BY m.o) AS x) AS x_diff,
             (SELECT max(a) - min(a) FROM (SELECT avg(m.v) AS a FROM m GROUP BY m.p) AS x) AS r_p
    ), ev AS (
      SELECT s.*, s.r_bar * v_k1 AS ev, s.r_p * v_k3 AS pv FROM stat AS s
    ), av AS (
      SELECT e.*, sqrt(greatest(0, (e.x_diff * v_k2) ^ 2 - e.ev ^ 2 / (v_p * v_r))) AS av FROM ev AS e
    ), grr AS (
      SELECT a.*, sqrt(a.ev ^ 2 + a.av ^ 2) AS grr FROM av AS a
    ), tv AS (
      SELECT g.*, sqrt(g.grr ^ 2 + g.pv ^ 2) AS tv FROM grr AS g
    )
    SELECT v_o, v_p, v_r, t.r_bar, t.x_diff, t.r_p, t.ev, t.av, t.grr, t.pv, t.tv,
           100 * t.ev / nullif(t.tv, 0), 100 * t.av / nullif(t.tv, 0), 100 * t.grr / nullif(t.tv, 0),
           100 * t.pv / nullif(t.tv, 0), floor(1.41 * t.pv / nullif(t.grr, 0))::integer,
           100 * t.grr / (p_tolerance / 6)
      FROM tv AS t;
END
$$;
COMMENT ON FUNCTION app_private.gauge_rr_average_range(numeric[], text[], text[], numeric) IS
  'Gauge R&R by the average-and-range method (AIAG MSA 4th ed., ch. III B), as standard deviations: EV = R̄·K1 (R̄ the mean range of the operator-part cells, K1 by trials), AV = sqrt((X̄diff·K2)^2 - EV^2/(n·r)) (0 when negative; X̄diff the spread of operator means, K2 by operators, n parts, r trials), GRR = sqrt(EV^2 + AV^2), PV = Rp·K3 (Rp the spread of part means, K3 by parts), TV = sqrt(GRR^2 + PV^2); %EV, %AV, %GRR, %PV of TV; ndc = floor(1.41·PV/GRR) (NULL when GRR = 0); %GRR of tolerance = 100·GRR/(tolerance/6) when p_tolerance (USL - LSL) is given. Needs 2-3 trials, 2-3 operators, 2-10 parts (PT422 gauge_rr.design_size), and a balanced study (app_private.gauge_rr_require_study).';

CREATE OR REPLACE FUNCTION app_private.gauge_rr_anova(p_values numeric[], p_operators text[], p_parts text[],
                                                      p_tolerance numeric DEFAULT NULL, p_pool_above double precision DEFAULT 0.25)
RETURNS TABLE (operators integer, parts integer, trials integer,
               ss_part numeric, ss_operator numeric, ss_interaction numeric, ss_error numeric, ss_total numeric,
               df_part integer, df_operator integer, df_interaction integer, df_error integer,
               ms_part numeric, ms_operator numeric, ms_interaction numeric, ms_error numeric,
               f_interaction double precision, p_interaction double precision, interaction_pooled boolean,
               ev numeric, av numeric, interaction numeric, grr numeric, pv numeric, tv numeric,
               pct_ev numeric, pct_av numeric, pct_interaction numeric, pct_grr numeric, pct_pv numeric,
               ndc integer, pct_grr_tolerance numeric)
LANGUAGE plpgsql IMMUTABLE ROWS 1
SET search_path = ''
AS $$
DECLARE
  v_o integer;
  v_p integer;
  v_r integer;
  v_ss_p numeric;
  v_ss_o numeric;
  v_ss_op numeric;
  v_ss_e numeric;
  v_ss_t numeric;
  v_ms_p numeric;
  v_ms_o numeric;
  v_ms_op numeric;
  v_ms_e numeric;
  v_ms_within numeric;
  v_f double precision;
  v_pvalue double precision;
  v_pooled boolean;
  v_var_e numeric;
  v_var_o numeric;
  v_var_op numeric;
  v_var_p numeric;
BEGIN
  PERFORM app_private.gauge_rr_require_study(p_values, p_operators, p_parts);
  PERFORM app_private.gauge_rr_require_tolerance(p_tolerance);
  IF p_pool_above IS NULL OR p_pool_above < 0 OR p_pool_above > 1 THEN
    PERFORM app_private.raise_invalid('gauge_rr.pool_level_invalid',
      format('Pooling level %s is not a probability.', coalesce(p_pool_above::text, 'NULL')),
      'Give 0.25 (AIAG: pool the interaction when its p-value is above 0.25), 1 never to pool, 0 always to pool.');
  END IF;
  WITH m AS (
    SELECT u.v, u.o, u.p FROM unnest(p_values, p_operators, p_parts) AS u (v, o, p)
  ), g AS (
    SELECT avg(m.v) AS mean, count(DISTINCT m.o)::integer AS o, count(DISTINCT m.p)::integer AS p, count(*)::integer AS total FROM m
  ), om AS (
    SELECT m.o, avg(m.v) AS mean FROM m GROUP BY m.o
  ), pm AS (
    SELECT m.p, avg(m.v) AS mean FROM m GROUP BY m.p
  ), cm AS (
    SELECT m.o, m.p, avg(m.v) AS mean FROM m GROUP BY m.o, m.p
  )
  SELECT g.o, g.p, g.total / (g.o * g.p),
         (g.total / g.p) * (SELECT sum((pm.mean - g.mean) ^ 2) FROM pm),
         (g.total / g.o) * (SELECT sum((om.mean - g.mean) ^ 2) FROM om),
         (g.total / (g.o * g.p)) * (SELECT sum((cm.mean - om.mean - pm.mean + g.mean) ^ 2)
                                      FROM cm JOIN om ON om.o = cm.o JOIN pm ON pm.p = cm.p),
         (SELECT sum((m.v - cm.mean) ^ 2) FROM m JOIN cm ON cm.o = m.o AND cm.p = m.p),
         (SELECT sum((m.v - g.mean) ^ 2) FROM m)
    INTO v_o, v_p, v_r, v_ss_p, v_ss_o, v_ss_op, v_ss_e, v_ss_t
    FROM g;
  v_ms_p := v_ss_p / (v_p - 1);
  v_ms_o := v_ss_o / (v_o - 1);
  v_ms_op := v_ss_op / ((v_o - 1) * (v_p - 1));
  v_ms_e := v_ss_e / (v_o * v_p * (v_r - 1));
  IF v_ms_e > 0 THEN
    v_f := v_ms_op / v_ms_e;
    v_pvalue := app_private.f_distribution_upper_tail(v_f, (v_o - 1) * (v_p - 1), v_o * v_p * (v_r - 1));
  END IF;
  -- Without a p-value (no repeatability error at all) the interaction is kept.
  v_pooled := coalesce(v_pvalue > p_pool_above, false);
  IF v_pooled THEN
    v_ms_within := (v_ss_op + v_ss_e) / ((v_o - 1) * (v_p - 1) + v_o * v_p * (v_r - 1));
    v_var_e := v_ms_within;
    v_var_op := 0;
  ELSE
    v_ms_within := v_ms_op;
    v_var_e := v_ms_e;
    v_var_op := greatest(0, (v_ms_op - v_ms_e) / v_r);
  END IF;
  v_var_o := greatest(0, (v_ms_o - v_ms_within) / (v_p * v_r));
  v_var_p := greatest(0, (v_ms_p - v_ms_within) / (v_o * v_r));
  RETURN QUERY
    SELECT v_o, v_p, v_r, v_ss_p, v_ss_o, v_ss_op, v_ss_e, v_ss_t,
           v_p - 1, v_o - 1, (v_o - 1) * (v_p - 1), v_o * v_p * (v_r - 1),
           v_ms_p, v_ms_o, v_ms_op, v_ms_e, v_f, v_pvalue, v_pooled,
           x.ev, x.av, x.int, x.grr, x.pv, x.tv,
           100 * x.ev / nullif(x.tv, 0), 100 * x.av / nullif(x.tv, 0), 100 * x.int / nullif(x.tv, 0),
           100 * x.grr / nullif(x.tv, 0), 100 * x.pv / nullif(x.tv, 0),
           floor(1.41 * x.pv / nullif(x.grr, 0))::integer, 100 * x.grr / (p_tolerance / 6)
      FROM (SELECT sqrt(v_var_e) AS ev, sqrt(v_var_o) AS av, sqrt(v_var_op) AS int,
                   sqrt(v_var_e + v_var_o + v_var_op) AS grr, sqrt(v_var_p) AS pv,
                   sqrt(v_var_e + v_var_o + v_var_op + v_var_p) AS tv) AS x;
END
$$;
COMMENT ON FUNCTION app_private.gauge_rr_anova(numeric[], text[], text[], numeric, double precision) IS
  'Gauge R&R by the ANOVA method (AIAG MSA 4th ed., ch. III B and appendix A): two-way crossed ANOVA, parts x operators with interaction, r trials; sums of squares, degrees of freedom, mean squares; F = MS_interaction/MS_error and its p-value (F distribution, app_private.f_distribution_upper_tail). When p > p_pool_above (AIAG: 0.25, the default) the interaction is pooled into the error: MS_pooled = (SS_int + SS_error)/(df_int + df_error), repeatability variance = MS_pooled, interaction 0; otherwise repeatability = MS_error, interaction = (MS_int - MS_error)/r. Appraiser variance = (MS_operator - M)/(n·r), part variance = (MS_part - M)/(k·r) with M = MS_pooled when pooled, else MS_int; negative variances are 0. EV, AV, interaction, GRR = sqrt(EV^2 + AV^2 + INT^2), PV, TV are standard deviations; %s of TV; ndc = floor(1.41·PV/GRR); %GRR of tolerance as the average-and-range method. p_pool_above 1 never pools, 0 always pools (when the p-value exists).';
