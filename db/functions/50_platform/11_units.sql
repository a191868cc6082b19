-- Units of measure (migration platform/units): conversion between units of
-- one dimension through the dimension's base unit. The reference is the
-- global table app.units (db/seeds/reference/50_units.sql, extended by
-- platform operators); docs/platform/units.md says why not postgresql-unit.

CREATE OR REPLACE FUNCTION app.convert_unit(value numeric, from_unit text, to_unit text) RETURNS numeric
LANGUAGE plpgsql STABLE
SET search_path = ''
AS $$
DECLARE
  v_from app.units;
  v_to app.units;
BEGIN
  SELECT * INTO v_from FROM app.units AS u WHERE u.code = from_unit;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'unknown unit: %', from_unit USING ERRCODE = 'PT422', DETAIL = 'unit.unknown',
      HINT = 'Use a unit code of GET /units (codes are case-sensitive).';
  END IF;
  SELECT * INTO v_to FROM app.units AS u WHERE u.code = to_unit;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'unknown unit: %', to_unit USING ERRCODE = 'PT422', DETAIL = 'unit.unknown',
      HINT = 'Use a unit code of GET /units (codes are case-sensitive).';
  END IF;
  IF v_from.dimension <> v_to.dimension THEN
    RAISE EXCEPTION 'cannot convert % (%) to % (%)', from_unit, v_from.dimension, to_unit, v_to.dimension
      USING ERRCODE = 'PT422', DETAIL = 'unit.incompatible',
            HINT = 'Only units of one dimension convert into each other (GET /units?dimension=eq.' || v_from.dimension || ').';
  END IF;
  IF from_unit = to_unit THEN
    RETURN value;
  END IF;
  -- Through the base unit: base = value * factor + base_offset. Rounded to
  -- 15 decimal places: factors like 5/9 (degF) are not exact in numeric, and
  -- 100 degC should be 212 degF, not 211.99999999999999999831.
  RETURN pg_catalog.trim_scale(pg_catalog.round((value * v_from.factor + v_from.base_offset - v_to.base_offset) / v_to.factor, 15));
END
$$;
COMMENT ON FUNCTION app.convert_unit(numeric, text, text) IS
  E'Convert a value between units\nConverts value from from_unit to to_unit (codes of GET /units) through their dimension''s base unit, offsets included (degC to degF), rounded to 15 decimal places; PT422 unit.unknown for a code that is not in the reference, unit.incompatible for units of different dimensions.';

CREATE OR REPLACE TRIGGER _100_touch_updated_at BEFORE UPDATE ON app.units
  FOR EACH ROW EXECUTE FUNCTION app_private.tg__touch_updated_at();

CREATE OR REPLACE FUNCTION app.units_localized_name(unit app.units) RETURNS text
LANGUAGE sql STABLE
SET search_path = ''
AS $$
  SELECT auth.localized(unit.name, unit.labels);
$$;
COMMENT ON FUNCTION app.units_localized_name(app.units) IS
  'The unit''s name in the caller''s locale (labels, then the default name): GraphQL field localizedName, REST select=*,units_localized_name.';
