-- SPC charts of characteristics (migration quality/inspections): subgroup
-- summaries written when a subgroup closes, control limits frozen in an
-- approved baseline (recalculated only by approving a new one tied to an
-- approved process change), chart data with Nelson rule flags and
-- capability, out-of-control signals with their assignable-cause record.
-- The numbers come from the SPC library (50_spc.sql).

CREATE OR REPLACE TRIGGER _100_touch_updated_at BEFORE UPDATE ON app.spc_signals
  FOR EACH ROW EXECUTE FUNCTION app_private.tg__touch_updated_at();

-- The plotted statistic of a subgroup: mean (X̄, I), proportion (p) or count (np).
CREATE OR REPLACE FUNCTION app_private.spc_point(p_chart app.spc_chart_type, p_subgroup app.spc_subgroups) RETURNS numeric
LANGUAGE sql IMMUTABLE
SET search_path = ''
AS $$
  SELECT CASE p_chart WHEN 'p' THEN p_subgroup.defectives::numeric / p_subgroup.n
                      WHEN 'np' THEN p_subgroup.defectives::numeric
                      ELSE p_subgroup.mean END
$$;
COMMENT ON FUNCTION app_private.spc_point(app.spc_chart_type, app.spc_subgroups) IS
  'The plotted statistic of a subgroup on a chart: its mean (xbar_r, xbar_s, imr), defectives/n (p) or defectives (np).';

-- The points of the last p_count closed subgroups up to p_to, judged against a baseline:
-- limits (per subgroup size on a p chart) and the Nelson rules each point breaks.
CREATE OR REPLACE FUNCTION app_private.spc_judged_points(p_characteristic app.characteristics, p_baseline app.spc_baselines,
                                                         p_to integer, p_count integer)
RETURNS TABLE (subgroup integer, n integer, value numeric, dispersion numeric, center numeric, ucl numeric, lcl numeric,
               dispersion_beyond_limits boolean, rules integer[], rule_names text[], closed_at timestamptz)
LANGUAGE plpgsql STABLE
SET search_path = ''
AS $$
DECLARE
  v_subgroups integer[];
  v_ns integer[];
  v_points numeric[];
  v_dispersions numeric[];
  v_closed timestamptz[];
  v_sigma numeric;
  -- The rules the tenant flags (setting spc_rules; Western Electric 1-4 by default): a point breaking only others is in control.
  v_enabled integer[] := ARRAY(SELECT pg_catalog.jsonb_array_elements_text(app_private.setting(p_characteristic.organization_id, 'spc_rules'))::integer);
BEGIN
  SELECT array_agg(w.subgroup ORDER BY w.subgroup), array_agg(w.n ORDER BY w.subgroup),
         array_agg(app_private.spc_point(p_characteristic.chart_type, w) ORDER BY w.subgroup),
         array_agg(CASE WHEN p_characteristic.chart_type = 'xbar_s' THEN w.stddev ELSE w.range END ORDER BY w.subgroup),
         array_agg(w.closed_at ORDER BY w.subgroup)
    INTO v_subgroups, v_ns, v_points, v_dispersions, v_closed
    FROM (SELECT * FROM app.spc_subgroups AS g
           WHERE g.organization_id = p_characteristic.organization_id AND g.characteristic_id = p_characteristic.id
             AND g.subgroup <= p_to
           ORDER BY g.subgroup DESC LIMIT p_count) AS w;
  IF v_subgroups IS NULL THEN
    RETURN;
  END IF;
  IF p_baseline.id IS NULL THEN
    RETURN QUERY SELECT w.subgroup, w.n, w.value, w.dispersion, NULL::numeric, NULL::numeric, NULL::numeric, NULL::boolean,
                        '{}'::integer[], '{}'::text[], w.closed_at
                   FROM unnest(v_subgroups, v_ns, v_points, v_dispersions, v_closed) WITH ORDINALITY AS w (subgroup, n, value, dispersion, closed_at, k)
                  ORDER BY w.k;
    RETURN;
  END IF;
  IF p_characteristic.chart_type = 'p' THEN
    -- Limits vary with each subgroup's size; rule 1 only (the other rules assume one sigma).
    RETURN QUERY
      SELECT w.subgroup, w.n, w.value, NULL::numeric, p_baseline.center, least(1::numeric, p_baseline.center + w.half),
             greatest(0::numeric, p_baseline.center - w.half), NULL::boolean,
             CASE WHEN abs(w.value - p_baseline.center) > w.half AND 1 = ANY (v_enabled) THEN ARRAY[1] ELSE '{}'::integer[] END,
             CASE WHEN abs(w.value - p_baseline.center) > w.half AND 1 = ANY (v_enabled) THEN ARRAY['beyond_3_sigma'] ELSE '{}'::text[] END,
             w.closed_at
        FROM (SELECT u.*, 3 * sqrt(p_baseline.center * (1 - p_baseline.center) / u.n) AS half
                FROM unnest(v_subgroups, v_ns, v_points, v_closed) WITH ORDINALITY AS u (subgroup, n, value, closed_at, k)) AS w
       ORDER BY w.k;
    RETURN;
  END IF;
  v_sigma := (p_baseline.ucl - p_baseline.center) / 3;
  RETURN QUERY
    SELECT w.subgroup, w.n, w.value, w.dispersion, p_baseline.center, p_baseline.ucl, p_baseline.lcl,
           w.dispersion > p_baseline.dispersion_ucl OR w.dispersion < p_baseline.dispersion_lcl,
           coalesce(f.rules, '{}'), coalesce(f.rule_names, '{}'), w.closed_at
      FROM unnest(v_subgroups, v_ns, v_points, v_dispersions, v_closed) WITH ORDINALITY AS w (subgroup, n, value, dispersion, closed_at, k)
      JOIN app_private.spc_nelson_rules(v_points, p_baseline.center, v_sigma) AS r ON r.point = w.k
      LEFT JOIN LATERAL (
        SELECT array_agg(x.rule ORDER BY x.k) AS rules, array_agg(x.name ORDER BY x.k) AS rule_names
          FROM unnest(r.rules, r.rule_names) WITH ORDINALITY AS x (rule, name, k)
         WHERE x.rule = ANY (v_enabled)) AS f ON true
     ORDER BY w.k;
END
$$;
COMMENT ON FUNCTION app_private.spc_judged_points(app.characteristics, app.spc_baselines, integer, integer) IS
  'The last p_count closed subgroups of a characteristic up to subgroup p_to: plotted value, dispersion (range, S or moving range), the baseline''s center line and limits (a p chart''s per subgroup size) and the Nelson rules each point breaks among those the tenant flags (setting spc_rules) (app_private.spc_nelson_rules with sigma = (UCL - CL)/3; p charts: rule 1 against each point''s own limits). Without a baseline: no limits, no rules.';

-- The current baseline of a characteristic (NULL fields when none).
CREATE OR REPLACE FUNCTION app_private.spc_current_baseline(p_organization_id uuid, p_characteristic_id uuid) RETURNS app.spc_baselines
LANGUAGE sql STABLE
SET search_path = ''
AS $$
  SELECT * FROM app.spc_baselines AS b
   WHERE b.organization_id = p_organization_id AND b.characteristic_id = p_characteristic_id AND b.superseded_at IS NULL
$$;
COMMENT ON FUNCTION app_private.spc_current_baseline(uuid, uuid) IS 'The characteristic''s current (not superseded) SPC baseline, or a row of NULLs.';

-- Closes a complete subgroup: its summary row, then (with a baseline) the
-- rules over the last 15 points; a rule broken by this subgroup raises a
-- signal and notifies the control plan's owner.
CREATE OR REPLACE FUNCTION app_private.spc_close_subgroup(p_characteristic app.characteristics, p_subgroup integer) RETURNS void
LANGUAGE plpgsql VOLATILE
SET search_path = ''
AS $$
DECLARE
  v_baseline app.spc_baselines;
  v_point record;
  v_signal app.spc_signals;
  v_plan app.control_plans;
BEGIN
  INSERT INTO app.spc_subgroups (organization_id, id, characteristic_id, subgroup, site_id, n, mean, range, stddev, sum, sum_squares, defectives)
  SELECT p_characteristic.organization_id, public.uuid_generate_v7(), p_characteristic.id, p_subgroup, p_characteristic.site_id,
         count(*), avg(m.value),
         CASE WHEN p_characteristic.chart_type = 'imr'
              THEN abs(avg(m.value) - (SELECT g.mean FROM app.spc_subgroups AS g WHERE g.organization_id = p_characteristic.organization_id
                                          AND g.characteristic_id = p_characteristic.id AND g.subgroup = p_subgroup - 1))
              ELSE max(m.value) - min(m.value) END,
         stddev_samp(m.value), sum(m.value), sum(m.value * m.value), count(*) FILTER (WHERE m.defective)
    FROM app.measurements AS m
   WHERE m.organization_id = p_characteristic.organization_id AND m.characteristic_id = p_characteristic.id AND m.subgroup = p_subgroup;
  v_baseline := app_private.spc_current_baseline(p_characteristic.organization_id, p_characteristic.id);
  IF v_baseline.id IS NULL OR p_subgroup <= v_baseline.to_subgroup THEN
    RETURN;
  END IF;
  SELECT * INTO v_point FROM app_private.spc_judged_points(p_characteristic, v_baseline, p_subgroup, 15) AS j WHERE j.subgroup = p_subgroup;
  IF v_point.subgroup IS NULL OR (cardinality(v_point.rules) = 0 AND NOT coalesce(v_point.dispersion_beyond_limits, false)) THEN
    RETURN;
  END IF;
  INSERT INTO app.spc_signals (organization_id, id, characteristic_id, baseline_id, site_id, subgroup, value, rules, rule_names, reaction_plan)
  VALUES (p_characteristic.organization_id, public.uuid_generate_v7(), p_characteristic.id, v_baseline.id, p_characteristic.site_id, p_subgroup,
          v_point.value, v_point.rules,
          v_point.rule_names || CASE WHEN v_point.dispersion_beyond_limits THEN ARRAY['dispersion_beyond_limits'] ELSE '{}'::text[] END,
          p_characteristic.reaction_plan)
  RETURNING * INTO v_signal;
  SELECT * INTO v_plan FROM app.control_plans AS p WHERE p.organization_id = p_characteristic.organization_id AND p.id = p_characteristic.control_plan_id;
  IF v_plan.owner_id IS NOT NULL THEN
    PERFORM app_private.notify_readers(v_plan.organization_id, ARRAY[v_plan.owner_id], 'inspection.read', 'quality',
      pg_catalog.format('SPC signal: %s, subgroup %s', p_characteristic.name, p_subgroup),
      pg_catalog.format('%s broke %s. Reaction plan: %s', p_characteristic.name, array_to_string(v_signal.rule_names, ', '), p_characteristic.reaction_plan),
      'high', NULL, 'spc_signals', v_signal.id);
  END IF;
END
$$;
COMMENT ON FUNCTION app_private.spc_close_subgroup(app.characteristics, integer) IS
  'Closes a complete subgroup of a characteristic: writes its app.spc_subgroups row from its measurements; with a current baseline (and a subgroup after the baseline''s range) judges the last 15 points and, when this subgroup breaks a Nelson rule (or its dispersion leaves its limits), inserts an app.spc_signals row carrying the reaction plan and notifies the control plan''s owner (type quality, priority high).';

CREATE OR REPLACE FUNCTION app_private.visible_characteristic(p_id uuid) RETURNS app.characteristics
LANGUAGE plpgsql STABLE
SET search_path = ''
AS $$
DECLARE
  v_characteristic app.characteristics;
BEGIN
  SELECT * INTO v_characteristic FROM app.characteristics AS c WHERE c.organization_id = auth.org_id() AND c.id = p_id;
  IF v_characteristic.id IS NULL OR NOT (auth.is_platform_operator() OR auth.has_permission('inspection.read', v_characteristic.site_id)
                                           OR auth.has_permission('control_plan.read', v_characteristic.site_id)) THEN
    RAISE EXCEPTION 'characteristic not found' USING ERRCODE = 'PT404', DETAIL = 'characteristic.not_found',
      HINT = 'GET /characteristics lists the characteristics you may see.';
  END IF;
  RETURN v_characteristic;
END
$$;
COMMENT ON FUNCTION app_private.visible_characteristic(uuid) IS
  'The characteristic if the caller may see it (inspection.read or control_plan.read tenant-wide or at its plant); PT404 characteristic.not_found otherwise.';

CREATE OR REPLACE FUNCTION app.approve_spc_baseline(characteristic_id uuid, from_subgroup integer, to_subgroup integer, reason text,
                                                    change_reference text DEFAULT NULL)
RETURNS app.spc_baselines
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = ''
AS $$
DECLARE
  v_characteristic app.characteristics := app_private.visible_characteristic(approve_spc_baseline.characteristic_id);
  v_current app.spc_baselines;
  v_values numeric[];
  v_sizes integer[];
  v_defectives integer[];
  v_subgroups integer;
  v_baseline app.spc_baselines;
  v_limits record;
  v_change app.change_orders;
BEGIN
  PERFORM auth.check_permission_at('inspection.approve', v_characteristic.site_id);
  IF coalesce(btrim(approve_spc_baseline.reason), '') = '' THEN
    PERFORM app_private.raise_invalid('spc_baseline.reason_required', 'A baseline needs its reason.',
      'Say why these limits: the initial capability study, or the process change made.');
  END IF;
  -- Serialize approvals of one characteristic.
  PERFORM FROM app.characteristics AS c WHERE c.organization_id = v_characteristic.organization_id AND c.id = v_characteristic.id FOR UPDATE;
  v_current := app_private.spc_current_baseline(v_characteristic.organization_id, v_characteristic.id);
  IF v_current.id IS NOT NULL AND coalesce(btrim(approve_spc_baseline.change_reference), '') = '' THEN
    PERFORM app_private.raise_invalid('spc_baseline.change_required',
      'The limits are frozen: they are recalculated only for an approved process change.',
      'Send change_reference: the approved change (ECO or change request number) the process went through.');
  END IF;
  -- Not free text: a recalculation names the change order the process change went through (implemented, below).
  IF v_current.id IS NOT NULL AND pg_catalog.btrim(approve_spc_baseline.change_reference) !~ '^ECO-[0-9]{6,12}$' THEN
    PERFORM app_private.raise_invalid('spc_baseline.change_not_approved',
      'Frozen limits are recalculated only against an approved, implemented change order.',
      'Send change_reference: the ECO number of the implemented change order of the process change (GET /change_orders?status=eq.implemented).');
  END IF;
  -- A reference that is an ECO number is a real link: the tenant's change order, implemented.
  IF pg_catalog.btrim(approve_spc_baseline.change_reference) ~ '^ECO-[0-9]{6,12}$' THEN
    SELECT * INTO v_change FROM app.change_orders AS o
     WHERE o.organization_id = v_characteristic.organization_id AND o.eco_number = pg_catalog.btrim(approve_spc_baseline.change_reference);
    IF NOT FOUND THEN
      RAISE EXCEPTION 'change order % not found', pg_catalog.btrim(approve_spc_baseline.change_reference)
        USING ERRCODE = 'PT404', DETAIL = 'change_order.not_found', HINT = 'Send the ECO number of one of your change orders (GET /change_orders).';
    END IF;
    IF v_change.status <> 'implemented' THEN
      RAISE EXCEPTION 'change order % is %', v_change.eco_number, v_change.status
        USING ERRCODE = 'PT409', DETAIL = 'spc_baseline.change_not_implemented',
              HINT = 'Limits are recalculated after the process change: implement the change order first (POST /rpc/implement_change_order).';
    END IF;
  END IF;
  SELECT count(*)::integer, array_agg(g.n ORDER BY g.subgroup), array_agg(g.defectives ORDER BY g.subgroup)
    INTO v_subgroups, v_sizes, v_defectives
    FROM app.spc_subgroups AS g
   WHERE g.organization_id = v_characteristic.organization_id AND g.characteristic_id = v_characteristic.id
     AND g.subgroup BETWEEN approve_spc_baseline.from_subgroup AND approve_spc_baseline.to_subgroup;
  IF v_subgroups < 2 THEN
    PERFORM app_private.raise_invalid('spc_baseline.too_few_subgroups',
      pg_catalog.format('%s closed subgroup(s) in %s..%s; control limits need at least 2 (20 to 25 recommended).', v_subgroups,
                        approve_spc_baseline.from_subgroup, approve_spc_baseline.to_subgroup),
      'Choose a range of closed subgroups (GET /spc_subgroups).');
  END IF;
  IF v_characteristic.kind = 'variable' THEN
    v_values := ARRAY(SELECT m.value FROM app.measurements AS m
                       WHERE m.organization_id = v_characteristic.organization_id AND m.characteristic_id = v_characteristic.id
                         AND m.subgroup BETWEEN approve_spc_baseline.from_subgroup AND approve_spc_baseline.to_subgroup
                       ORDER BY m.subgroup, m.measured_at, m.id);
  END IF;
  CASE v_characteristic.chart_type
    WHEN 'xbar_r' THEN
      SELECT l.xbar_cl AS center, l.xbar_ucl AS ucl, l.xbar_lcl AS lcl, l.r_cl AS d_cl, l.r_ucl AS d_ucl, l.r_lcl AS d_lcl, l.sigma_within
        INTO v_limits FROM app_private.spc_xbar_r_limits(v_values, v_sizes) AS l;
    WHEN 'xbar_s' THEN
      SELECT l.xbar_cl AS center, l.xbar_ucl AS ucl, l.xbar_lcl AS lcl, l.s_cl AS d_cl, l.s_ucl AS d_ucl, l.s_lcl AS d_lcl, l.sigma_within
        INTO v_limits FROM app_private.spc_xbar_s_limits(v_values, v_sizes) AS l;
    WHEN 'imr' THEN
      SELECT l.i_cl AS center, l.i_ucl AS ucl, l.i_lcl AS lcl, l.mr_cl AS d_cl, l.mr_ucl AS d_ucl, l.mr_lcl AS d_lcl, l.sigma_within
        INTO v_limits FROM app_private.spc_imr_limits(v_values) AS l;
    WHEN 'np' THEN
      SELECT l.np_cl AS center, l.np_ucl AS ucl, l.np_lcl AS lcl, NULL::numeric AS d_cl, NULL::numeric AS d_ucl, NULL::numeric AS d_lcl,
             NULL::numeric AS sigma_within
        INTO v_limits FROM app_private.spc_np_chart_limits(v_defectives, v_sizes) AS l;
    ELSE
      PERFORM app_private.spc_require_counts(v_defectives, v_sizes);
      SELECT sum(d)::numeric / sum(s) AS center, NULL::numeric AS ucl, NULL::numeric AS lcl, NULL::numeric AS d_cl, NULL::numeric AS d_ucl,
             NULL::numeric AS d_lcl, NULL::numeric AS sigma_within
        INTO v_limits FROM unnest(v_defectives, v_sizes) AS u (d, s);
  END CASE;
  -- Frozen limits without spread would judge every later point out of control (and give the rules no sigma).
  IF v_characteristic.chart_type <> 'p' AND NOT coalesce(v_limits.ucl > v_limits.center, false)
     OR v_characteristic.chart_type = 'p' AND NOT coalesce(v_limits.center BETWEEN 0.0000001 AND 0.9999999, false) THEN
    PERFORM app_private.raise_invalid('spc.sigma_not_positive',
      pg_catalog.format('Subgroups %s..%s show no variation: control limits are not defined.', approve_spc_baseline.from_subgroup,
                        approve_spc_baseline.to_subgroup),
      'Check the gauge''s resolution and the values, or choose subgroups that show the process''s ordinary variation.');
  END IF;
  UPDATE app.spc_baselines AS b SET superseded_at = pg_catalog.now()
   WHERE b.organization_id = v_characteristic.organization_id AND b.id = v_current.id;
  INSERT INTO app.spc_baselines (organization_id, id, characteristic_id, site_id, from_subgroup, to_subgroup, subgroups, center, ucl, lcl,
                                 dispersion_center, dispersion_ucl, dispersion_lcl, sigma_within, reason, change_reference, change_order_id, approved_by)
  VALUES (v_characteristic.organization_id, public.uuid_generate_v7(), v_characteristic.id, v_characteristic.site_id,
          approve_spc_baseline.from_subgroup, approve_spc_baseline.to_subgroup, v_subgroups, v_limits.center, v_limits.ucl, v_limits.lcl,
          v_limits.d_cl, v_limits.d_ucl, v_limits.d_lcl, v_limits.sigma_within, btrim(approve_spc_baseline.reason),
          nullif(btrim(approve_spc_baseline.change_reference), ''), v_change.id, auth.user_id())
  RETURNING * INTO v_baseline;
  RETURN v_baseline;
END
$$;
COMMENT ON FUNCTION app.approve_spc_baseline(uuid, integer, integer, text, text) IS
  'Freezes a characteristic''s control limits (inspection.approve at its plant) from its closed subgroups from_subgroup..to_subgroup with the SPC library (X̄-R, X̄-S, I-MR limits; p̄ for p charts; np limits), superseding the current baseline. The first needs a reason; a recalculation also the approved process change it follows: change_reference, the ECO number of an implemented change order of the tenant (free text is refused: spc_baseline.change_not_approved), linked as change_order_id. PT404 change_order.not_found; PT409 spc_baseline.change_not_implemented; PT422 spc_baseline.reason_required, spc_baseline.change_required, spc_baseline.change_not_approved, spc_baseline.too_few_subgroups, spc.sigma_not_positive (no spread: every point would signal) and the library''s spc.* reasons; PT404 characteristic.not_found.';

CREATE OR REPLACE FUNCTION app.spc_chart(characteristic_id uuid, subgroups integer DEFAULT 100) RETURNS jsonb
LANGUAGE plpgsql STABLE SECURITY DEFINER
SET search_path = ''
AS $$
DECLARE
  v_characteristic app.characteristics := app_private.visible_characteristic(spc_chart.characteristic_id);
  v_baseline app.spc_baselines := app_private.spc_current_baseline(v_characteristic.organization_id, v_characteristic.id);
  v_count integer := least(greatest(coalesce(spc_chart.subgroups, 100), 2), 1000);
  v_points jsonb;
  v_summary record;
  v_sigma_within numeric;
  v_capability jsonb;
BEGIN
  SELECT coalesce(jsonb_agg(pg_catalog.to_jsonb(j) ORDER BY j.subgroup), '[]'::jsonb) INTO v_points
    FROM app_private.spc_judged_points(v_characteristic, v_baseline, v_characteristic.open_subgroup, v_count) AS j;
  IF v_characteristic.kind = 'variable' THEN
    SELECT sum(w.n)::numeric AS total, sum(w.sum) AS s, sum(w.sum_squares) AS ss, avg(w.range) AS rbar, avg(w.stddev) AS sbar, min(w.n) AS n
      INTO v_summary
      FROM (SELECT g.* FROM app.spc_subgroups AS g
             WHERE g.organization_id = v_characteristic.organization_id AND g.characteristic_id = v_characteristic.id
             ORDER BY g.subgroup DESC LIMIT v_count) AS w;
    v_sigma_within := coalesce(v_baseline.sigma_within,
                               (SELECT CASE v_characteristic.chart_type WHEN 'xbar_s' THEN v_summary.sbar / c.c4 ELSE v_summary.rbar / c.d2 END
                                  FROM app_private.spc_constants(greatest(v_summary.n, 2)) AS c));
    IF v_summary.total >= 2 AND v_sigma_within > 0 THEN
      SELECT pg_catalog.to_jsonb(k) || pg_catalog.jsonb_build_object('mean', v_summary.s / v_summary.total, 'sigma_within', v_sigma_within,
               'sigma_overall', sqrt(greatest((v_summary.ss - v_summary.s * v_summary.s / v_summary.total) / (v_summary.total - 1), 0)))
        INTO v_capability
        FROM app_private.spc_capability(v_summary.s / v_summary.total, v_sigma_within,
                                        nullif(sqrt(greatest((v_summary.ss - v_summary.s * v_summary.s / v_summary.total) / (v_summary.total - 1), 0)), 0),
                                        v_characteristic.lsl, v_characteristic.usl) AS k;
    END IF;
  END IF;
  RETURN pg_catalog.jsonb_build_object(
    'characteristic', pg_catalog.jsonb_build_object('id', v_characteristic.id, 'name', v_characteristic.name, 'chart_type', v_characteristic.chart_type,
                                                    'nominal', v_characteristic.nominal, 'lsl', v_characteristic.lsl, 'usl', v_characteristic.usl,
                                                    'unit', v_characteristic.unit, 'sample_size', v_characteristic.sample_size,
                                                    'reaction_plan', v_characteristic.reaction_plan),
    'baseline', CASE WHEN v_baseline.id IS NOT NULL THEN pg_catalog.to_jsonb(v_baseline) END,
    'points', v_points,
    'capability', v_capability,
    'open_signals', (SELECT count(*) FROM app.spc_signals AS s WHERE s.organization_id = v_characteristic.organization_id
                       AND s.characteristic_id = v_characteristic.id AND s.status = 'open'));
END
$$;
COMMENT ON FUNCTION app.spc_chart(uuid, integer) IS
  'Chart data of a characteristic the caller may see (inspection.read or control_plan.read at its plant), from the last `subgroups` closed subgroups (2..1000, default 100): each point (subgroup, n, value, dispersion, center line and limits of the current baseline, a p chart''s per subgroup size, Nelson rule numbers and names), the baseline, capability (Cp, Cpk, Pp, Ppk, mean, sigma within from the baseline or R̄/d2, S̄/c4, MR̄/d2, sigma overall) for variables, and the count of open signals. Reads subgroup summaries, never the measurements.';

CREATE OR REPLACE FUNCTION app.close_spc_signal(signal_id uuid, cause text, action text) RETURNS app.spc_signals
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = ''
AS $$
DECLARE
  v_signal app.spc_signals;
BEGIN
  SELECT * INTO v_signal FROM app.spc_signals AS s WHERE s.organization_id = auth.org_id() AND s.id = close_spc_signal.signal_id FOR UPDATE;
  IF v_signal.id IS NULL OR NOT (auth.is_platform_operator() OR auth.has_permission('inspection.read', v_signal.site_id)
                                   OR auth.has_permission('inspection.record', v_signal.site_id)) THEN
    RAISE EXCEPTION 'SPC signal not found' USING ERRCODE = 'PT404', DETAIL = 'spc_signal.not_found', HINT = 'GET /spc_signals lists the signals you may see.';
  END IF;
  PERFORM auth.check_permission_at('inspection.record', v_signal.site_id);
  IF v_signal.status = 'closed' THEN
    RAISE EXCEPTION 'SPC signal is already closed' USING ERRCODE = 'PT409', DETAIL = 'spc_signal.closed', HINT = 'Nothing to do.';
  END IF;
  IF coalesce(btrim(close_spc_signal.cause), '') = '' OR coalesce(btrim(close_spc_signal.action), '') = '' THEN
    PERFORM app_private.raise_invalid('spc_signal.cause_required', 'An SPC signal is closed with its assignable cause and the action taken.',
      'Send cause (what made the process shift) and action (what was done, per the reaction plan).');
  END IF;
  UPDATE app.spc_signals AS s SET status = 'closed', cause = btrim(close_spc_signal.cause), action = btrim(close_spc_signal.action),
                                  closed_by = auth.user_id(), closed_at = pg_catalog.now()
   WHERE s.organization_id = v_signal.organization_id AND s.id = v_signal.id
  RETURNING * INTO v_signal;
  RETURN v_signal;
END
$$;
COMMENT ON FUNCTION app.close_spc_signal(uuid, text, text) IS
  'Closes an open SPC signal with its assignable-cause record (inspection.record at its plant): cause and action, by and at. PT404 spc_signal.not_found; PT409 spc_signal.closed; PT422 spc_signal.cause_required. A signal is not a nonconformance: raise an NCR separately when product is affected.';
