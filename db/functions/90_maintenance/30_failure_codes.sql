-- Failure codes (migration maintenance/assets): problems, causes and
-- remedies as code lists, the allowed problem -> cause -> remedy triples per
-- asset class (the foreign keys carry each code's kind, so a cause can never
-- stand where a problem belongs), the check corrective work calls, and the
-- worst-assets Pareto over breakdown downtime.

CREATE OR REPLACE TRIGGER _100_touch_updated_at BEFORE UPDATE ON app.failure_codes
  FOR EACH ROW EXECUTE FUNCTION app_private.tg__touch_updated_at();
CREATE OR REPLACE TRIGGER _200_check_labels BEFORE INSERT OR UPDATE OF labels ON app.failure_codes
  FOR EACH ROW EXECUTE FUNCTION app_private.tg__check_labels();

-- Whether a problem -> cause -> remedy triple may be recorded for an asset:
-- allowed for its class and every code active. Work orders call it when
-- failure codes are set on corrective work.
CREATE OR REPLACE FUNCTION app.check_failure_codes(equipment_id uuid, problem_id uuid, cause_id uuid, remedy_id uuid) RETURNS boolean
LANGUAGE plpgsql STABLE
SET search_path = ''
AS $$
DECLARE
  v_class_id uuid;
  v_inactive text;
BEGIN
  SELECT e.class_id INTO v_class_id FROM app.equipment AS e WHERE e.organization_id = auth.org_id() AND e.id = check_failure_codes.equipment_id;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'equipment % not found', check_failure_codes.equipment_id USING ERRCODE = 'PT404', DETAIL = 'equipment.not_found',
      HINT = 'The equipment does not exist in your active tenant, or you may not see it.';
  END IF;
  SELECT pg_catalog.string_agg(f.code, ', ' ORDER BY f.code) INTO v_inactive FROM app.failure_codes AS f
   WHERE f.organization_id = auth.org_id() AND f.id IN (problem_id, cause_id, remedy_id)
     AND (NOT f.is_active OR f.deleted_at IS NOT NULL);
  IF v_inactive IS NOT NULL THEN
    RAISE EXCEPTION 'failure code % is not active', v_inactive USING ERRCODE = 'PT422', DETAIL = 'failure_code.inactive',
      HINT = 'Use active failure codes (GET /failure_codes?is_active=is.true).';
  END IF;
  IF NOT EXISTS (SELECT FROM app.failure_code_combinations AS c
                  WHERE c.organization_id = auth.org_id() AND c.class_id = v_class_id AND c.problem_id = check_failure_codes.problem_id
                    AND c.cause_id = check_failure_codes.cause_id AND c.remedy_id = check_failure_codes.remedy_id) THEN
    RAISE EXCEPTION 'this problem, cause and remedy are not an allowed combination for the asset''s class' USING ERRCODE = 'PT422',
      DETAIL = 'failure_code.combination_not_allowed', HINT = 'Choose a combination listed for the class (GET /failure_code_combinations?class_id=eq.<class>).';
  END IF;
  RETURN true;
END
$$;
COMMENT ON FUNCTION app.check_failure_codes(uuid, uuid, uuid, uuid) IS
  E'Check failure codes\ntrue when the problem -> cause -> remedy triple is allowed for the asset''s class and every code is active (not in the trash); PT404 equipment.not_found; PT422 failure_code.inactive, failure_code.combination_not_allowed.';

-- The worst assets by breakdown downtime in a period: the Pareto that tells
-- maintenance where reliability work pays. Breakdown stops come from the
-- platform's downtime log (is_breakdown); an open stop counts up to the end
-- of the period. By failure code once work orders record them.
CREATE OR REPLACE FUNCTION app.worst_assets(from_at timestamptz, to_at timestamptz, n integer DEFAULT 10)
RETURNS TABLE (equipment_id uuid, equipment_number text, name text, breakdowns bigint, downtime_hours numeric,
               share_percent numeric, cumulative_percent numeric)
LANGUAGE plpgsql STABLE
SET search_path = ''
AS $$
BEGIN
  IF from_at IS NULL OR to_at IS NULL OR to_at <= from_at THEN
    RAISE EXCEPTION 'the period must end after it starts' USING ERRCODE = 'PT422', DETAIL = 'pareto.period_invalid',
      HINT = 'Send from_at and to_at with to_at after from_at.';
  END IF;
  IF n IS NULL OR n NOT BETWEEN 1 AND 1000 THEN
    RAISE EXCEPTION 'n = % is out of range', coalesce(n::text, 'null') USING ERRCODE = 'PT422', DETAIL = 'pareto.count_out_of_range',
      HINT = 'Ask for 1 to 1000 assets.';
  END IF;
  RETURN QUERY
    WITH per_asset AS (
      SELECT d.equipment_id, pg_catalog.count(*) AS breakdowns,
             sum(EXTRACT(EPOCH FROM (LEAST(coalesce(d.ended_at, to_at), to_at) - GREATEST(d.started_at, from_at)))) / 3600 AS hours
        FROM app.downtime_events AS d
       WHERE d.organization_id = auth.org_id() AND d.is_breakdown
         AND d.started_at < to_at AND coalesce(d.ended_at, to_at) > from_at
       GROUP BY d.equipment_id
    ), ranked AS (
      SELECT p.*, sum(p.hours) OVER () AS total,
             sum(p.hours) OVER (ORDER BY p.hours DESC, p.equipment_id ROWS UNBOUNDED PRECEDING) AS running
        FROM per_asset AS p
    )
    SELECT r.equipment_id, e.equipment_number, e.name, r.breakdowns, round(r.hours, 2),
           round(100 * r.hours / NULLIF(r.total, 0), 1), round(100 * r.running / NULLIF(r.total, 0), 1)
      FROM ranked AS r
      JOIN app.equipment AS e ON e.organization_id = auth.org_id() AND e.id = r.equipment_id
     ORDER BY r.hours DESC, r.equipment_id
     LIMIT n;
END
$$;
COMMENT ON FUNCTION app.worst_assets(timestamptz, timestamptz, integer) IS
  E'Worst assets (Pareto)\nThe n assets with the most breakdown downtime between from_at and to_at (from the downtime log, as the caller may see it): breakdowns, hours, share of all breakdown hours and the cumulative share. PT422 pareto.period_invalid, pareto.count_out_of_range.';

-- Pareto of breakdowns by failure code (problem or cause) per asset class:
-- the breakdown stops of the downtime log in the period (planned stops
-- excluded, open ones to the period's end, clipped to it), each counted
-- under the failure code recorded on the work order it was recorded from
-- (app.record_work_order_stop, app.set_work_order_failure_codes); stops
-- without a work order or codes are counted uncoded (code null), so the
-- shares add up to the class's breakdown hours. Read as the caller: the
-- downtime log, work orders and codes they may see (plant scoping).
CREATE OR REPLACE FUNCTION app.failure_pareto(from_at timestamptz, to_at timestamptz, dimension text DEFAULT 'problem',
                                              class_id uuid DEFAULT NULL, site_id uuid DEFAULT NULL, n integer DEFAULT 20)
RETURNS TABLE (equipment_class_id uuid, equipment_class_name text, failure_code_id uuid, failure_code text, failure_code_name text,
               breakdowns bigint, work_orders bigint, downtime_hours numeric, share_percent numeric, cumulative_percent numeric)
LANGUAGE plpgsql STABLE
SET search_path = ''
AS $$
BEGIN
  IF from_at IS NULL OR to_at IS NULL OR to_at <= from_at THEN
    RAISE EXCEPTION 'the period must end after it starts' USING ERRCODE = 'PT422', DETAIL = 'pareto.period_invalid',
      HINT = 'Send from_at and to_at with to_at after from_at.';
  END IF;
  IF n IS NULL OR n NOT BETWEEN 1 AND 1000 THEN
    RAISE EXCEPTION 'n = % is out of range', coalesce(n::text, 'null') USING ERRCODE = 'PT422', DETAIL = 'pareto.count_out_of_range',
      HINT = 'Ask for 1 to 1000 codes per class.';
  END IF;
  IF dimension IS NULL OR dimension NOT IN ('problem', 'cause') THEN
    RAISE EXCEPTION 'dimension % is not problem or cause', coalesce(dimension, 'null') USING ERRCODE = 'PT422',
      DETAIL = 'pareto.dimension_invalid', HINT = 'Send dimension problem or cause.';
  END IF;
  RETURN QUERY
    WITH stops AS (
      SELECT e.class_id, d.work_order_id,
             CASE dimension WHEN 'problem' THEN w.problem_code_id ELSE w.cause_code_id END AS code_id,
             EXTRACT(EPOCH FROM (LEAST(coalesce(d.ended_at, to_at), to_at) - GREATEST(d.started_at, from_at))) / 3600 AS hours
        FROM app.downtime_events AS d
        JOIN app.equipment AS e ON e.organization_id = d.organization_id AND e.id = d.equipment_id
        LEFT JOIN app.work_orders AS w ON w.organization_id = d.organization_id AND w.id = d.work_order_id
       WHERE d.organization_id = auth.org_id() AND d.is_breakdown
         AND d.started_at < to_at AND coalesce(d.ended_at, to_at) > from_at
         AND (failure_pareto.class_id IS NULL OR e.class_id = failure_pareto.class_id)
         AND (failure_pareto.site_id IS NULL OR e.site_id = failure_pareto.site_id)
    ), per_code AS (
      SELECT s.class_id, s.code_id, pg_catalog.count(*) AS breakdowns, pg_catalog.count(DISTINCT s.work_order_id) AS work_orders,
             sum(s.hours) AS hours
        FROM stops AS s
       GROUP BY s.class_id, s.code_id
    ), ranked AS (
      SELECT p.*, sum(p.hours) OVER (PARTITION BY p.class_id) AS total,
             sum(p.hours) OVER (PARTITION BY p.class_id ORDER BY p.hours DESC, p.breakdowns DESC, p.code_id NULLS LAST
                                ROWS UNBOUNDED PRECEDING) AS running,
             pg_catalog.row_number() OVER (PARTITION BY p.class_id ORDER BY p.hours DESC, p.breakdowns DESC, p.code_id NULLS LAST) AS rank
        FROM per_code AS p
    )
    SELECT r.class_id, c.name, r.code_id, f.code, f.name, r.breakdowns, r.work_orders, round(r.hours, 2),
           round(100 * r.hours / NULLIF(r.total, 0), 1), round(100 * r.running / NULLIF(r.total, 0), 1)
      FROM ranked AS r
      JOIN app.equipment_classes AS c ON c.organization_id = auth.org_id() AND c.id = r.class_id
      LEFT JOIN app.failure_codes AS f ON f.organization_id = auth.org_id() AND f.id = r.code_id
     WHERE r.rank <= n
     ORDER BY c.name, r.class_id, r.rank;
END
$$;
COMMENT ON FUNCTION app.failure_pareto(timestamptz, timestamptz, text, uuid, uuid, integer) IS
  E'Breakdowns by failure code (Pareto)\nPer asset class, the breakdown stops between from_at and to_at (the downtime log, planned stops excluded, clipped to the period) grouped by the problem (dimension problem, the default) or cause (dimension cause) code recorded on their work order; stops without codes count under a null code. Count of stops and of work orders, downtime hours, share of the class''s breakdown hours and the cumulative share, most hours first, at most n codes per class. Optional class_id and site_id (plant) filters. As the caller sees the downtime log, work orders and codes.\nErrors: PT422 pareto.period_invalid, pareto.count_out_of_range, pareto.dimension_invalid.';

CREATE OR REPLACE TRIGGER _000_require_permission BEFORE INSERT ON app.failure_codes
  FOR EACH STATEMENT EXECUTE FUNCTION app_private.tg_require_insert_permission('asset.manage');
CREATE OR REPLACE TRIGGER _000_require_permission BEFORE INSERT ON app.failure_code_combinations
  FOR EACH STATEMENT EXECUTE FUNCTION app_private.tg_require_insert_permission('asset.manage');
