-- Meters and readings (migration maintenance/assets): a reading is never
-- below the one before unless it is a reset with a reason; readings of one
-- meter are serialized by locking the meter row, which also keeps the
-- current value and the usage total that usage-based maintenance counts.

CREATE OR REPLACE FUNCTION app_private.tg_meters__prepare() RETURNS trigger
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = ''
AS $$
DECLARE
  v_equipment app.equipment;
BEGIN
  PERFORM app_private.refuse_foreign_tenant(NEW.organization_id);
  v_equipment := app_private.visible_equipment(NEW.organization_id, NEW.equipment_id);
  -- The reading columns (last_value, last_read_at, usage_total) are granted
  -- to no API role: only the readings' trigger changes them, and such an
  -- update needs no asset.manage (a technician records readings).
  IF app_private.is_member_call()
     AND (TG_OP = 'INSERT' OR (NEW.name, NEW.unit, NEW.is_active) IS DISTINCT FROM (OLD.name, OLD.unit, OLD.is_active)) THEN
    PERFORM auth.check_permission_at('asset.manage', v_equipment.site_id);
  END IF;
  IF TG_OP = 'UPDATE' AND NEW.unit IS DISTINCT FROM OLD.unit AND OLD.last_read_at IS NOT NULL THEN
    RAISE EXCEPTION 'the meter has readings: its unit is fixed' USING ERRCODE = 'PT409', DETAIL = 'meter.unit_fixed',
      HINT = 'Add a new meter for the other unit, and deactivate this one.';
  END IF;
  RETURN NEW;
END
$$;
COMMENT ON FUNCTION app_private.tg_meters__prepare() IS
  'BEFORE INSERT/UPDATE: the tenant guard; the equipment is visible to the member (PT404 equipment.not_found), who holds asset.manage tenant-wide or at its site to add or change a meter (PT403 permission.missing; the current value and usage, granted to no API role, are the readings'' to keep); a meter with readings keeps its unit (PT409 meter.unit_fixed).';

CREATE OR REPLACE TRIGGER _000_require_site_permission BEFORE INSERT ON app.meters
  FOR EACH STATEMENT EXECUTE FUNCTION app_private.tg_require_insert_permission_at_a_site('asset.manage');
CREATE OR REPLACE TRIGGER _100_touch_updated_at BEFORE UPDATE ON app.meters
  FOR EACH ROW EXECUTE FUNCTION app_private.tg__touch_updated_at();
CREATE OR REPLACE TRIGGER _200_prepare BEFORE INSERT OR UPDATE ON app.meters
  FOR EACH ROW EXECUTE FUNCTION app_private.tg_meters__prepare();

CREATE OR REPLACE FUNCTION app_private.tg_meter_readings__prepare() RETURNS trigger
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = ''
AS $$
DECLARE
  v_meter app.meters;
  v_equipment app.equipment;
BEGIN
  PERFORM app_private.refuse_foreign_tenant(NEW.organization_id);
  -- One reading of a meter at a time: the next waits here and then sees this one.
  SELECT * INTO v_meter FROM app.meters AS m WHERE m.organization_id = NEW.organization_id AND m.id = NEW.meter_id FOR UPDATE;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'meter % not found', NEW.meter_id USING ERRCODE = 'PT404', DETAIL = 'meter.not_found',
      HINT = 'The meter does not exist in your active tenant, or you may not see it.';
  END IF;
  v_equipment := app_private.visible_equipment(NEW.organization_id, v_meter.equipment_id);
  IF app_private.is_member_call() THEN
    PERFORM auth.check_permission_at('meter.record', v_equipment.site_id);
    NEW.recorded_by := auth.user_id();
  END IF;
  IF NOT v_meter.is_active THEN
    RAISE EXCEPTION 'meter "%" is not active', v_meter.name USING ERRCODE = 'PT409', DETAIL = 'meter.inactive',
      HINT = 'Record readings on an active meter (PATCH is_active to true if it is still in use).';
  END IF;
  NEW.recorded_at := pg_catalog.now();
  NEW.read_at := coalesce(NEW.read_at, NEW.recorded_at);
  IF NEW.read_at > NEW.recorded_at + interval '5 minutes' THEN
    PERFORM app_private.raise_invalid('meter_reading.in_future', 'a reading cannot be taken in the future',
      'read_at is when the meter showed the value; leave it out for now.');
  END IF;
  IF NEW.is_reset AND coalesce(btrim(NEW.reset_reason), '') = '' THEN
    PERFORM app_private.raise_invalid('meter_reading.reset_reason_required', 'a reset needs a reason',
      'Say why the meter was reset (replaced, zeroed) in reset_reason.');
  END IF;
  IF NOT NEW.is_reset THEN
    NEW.reset_reason := NULL;
  END IF;
  IF v_meter.last_read_at IS NOT NULL AND NEW.read_at < v_meter.last_read_at THEN
    RAISE EXCEPTION 'the meter''s latest reading is from %', v_meter.last_read_at USING ERRCODE = 'PT409', DETAIL = 'meter_reading.out_of_order',
      HINT = 'Readings are recorded in time order: read_at is not before the latest reading''s.';
  END IF;
  IF v_meter.last_value IS NOT NULL AND NEW.value < v_meter.last_value AND NOT NEW.is_reset THEN
    RAISE EXCEPTION 'reading % is below the latest %', NEW.value, v_meter.last_value USING ERRCODE = 'PT409', DETAIL = 'meter_reading.decreasing',
      HINT = 'A meter only counts up. If it was replaced or zeroed, record a reset (is_reset true) with a reason.';
  END IF;
  NEW.usage := CASE WHEN NEW.is_reset OR v_meter.last_value IS NULL THEN 0 ELSE NEW.value - v_meter.last_value END;
  NEW.usage_total := v_meter.usage_total + NEW.usage;
  UPDATE app.meters AS m SET last_value = NEW.value, last_read_at = NEW.read_at, usage_total = NEW.usage_total
   WHERE m.organization_id = NEW.organization_id AND m.id = NEW.meter_id;
  RETURN NEW;
END
$$;
COMMENT ON FUNCTION app_private.tg_meter_readings__prepare() IS
  'BEFORE INSERT: the tenant guard; locks the meter (readings of one meter are serialized; PT404 meter.not_found), visible to the member (PT404 equipment.not_found), who holds meter.record tenant-wide or at its site (PT403 permission.missing) and is the recorder; an active meter (PT409 meter.inactive); not in the future (PT422 meter_reading.in_future); a reset has a reason (PT422 meter_reading.reset_reason_required); in time order (PT409 meter_reading.out_of_order); never below the latest value unless a reset (PT409 meter_reading.decreasing); fills usage and usage_total and the meter''s current value.';

CREATE OR REPLACE TRIGGER _100_append_only BEFORE UPDATE OR DELETE ON app.meter_readings
  FOR EACH ROW EXECUTE FUNCTION app_private.tg__append_only();
CREATE OR REPLACE TRIGGER _000_require_site_permission BEFORE INSERT ON app.meter_readings
  FOR EACH STATEMENT EXECUTE FUNCTION app_private.tg_require_insert_permission_at_a_site('meter.record');
CREATE OR REPLACE TRIGGER _200_prepare BEFORE INSERT ON app.meter_readings
  FOR EACH ROW EXECUTE FUNCTION app_private.tg_meter_readings__prepare();

-- Usage since a reading: what usage-based maintenance asks ("500 h since the
-- last service"): the meter's usage total now minus at that reading.
CREATE OR REPLACE FUNCTION app.meter_usage_since(reading_id uuid) RETURNS numeric
LANGUAGE plpgsql STABLE
SET search_path = ''
AS $$
DECLARE
  v_usage numeric;
BEGIN
  SELECT m.usage_total - r.usage_total INTO v_usage
    FROM app.meter_readings AS r
    JOIN app.meters AS m ON m.organization_id = r.organization_id AND m.id = r.meter_id
   WHERE r.organization_id = auth.org_id() AND r.id = reading_id;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'meter reading % not found', reading_id USING ERRCODE = 'PT404', DETAIL = 'meter_reading.not_found',
      HINT = 'The reading does not exist in your active tenant, or you may not see it.';
  END IF;
  RETURN v_usage;
END
$$;
COMMENT ON FUNCTION app.meter_usage_since(uuid) IS
  E'Usage since a reading\nHow much the meter counted since the reading (resets in between included), in the meter''s unit. PT404 meter_reading.not_found.';
