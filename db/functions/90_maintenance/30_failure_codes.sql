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
   WHERE f.organization_id = auth.org_id() AND f.id IN (problem_id, cause_id, remedy_id) AND NOT f.is_active;
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
  E'Check failure codes\ntrue when the problem -> cause -> remedy triple is allowed for the asset''s class and every code is active; PT404 equipment.not_found; PT422 failure_code.inactive, failure_code.combination_not_allowed.';

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

CREATE OR REPLACE TRIGGER _000_require_permission BEFORE INSERT ON app.failure_codes
  FOR EACH STATEMENT EXECUTE FUNCTION app_private.tg_require_insert_permission('asset.manage');
CREATE OR REPLACE TRIGGER _000_require_permission BEFORE INSERT ON app.failure_code_combinations
  FOR EACH STATEMENT EXECUTE FUNCTION app_private.tg_require_insert_permission('asset.manage');
