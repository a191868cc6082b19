-- A work order's planned parts (migration maintenance/kits): copied from its
-- template's kit (46_kits.sql) or added here by a planner, while the work has
-- not started (planned or scheduled, or on hold from either). A change while
-- the work order is scheduled re-reserves that part (48_kit_reservations.sql).

CREATE OR REPLACE FUNCTION app_private.require_work_order_parts_open(p_order app.work_orders) RETURNS void
LANGUAGE plpgsql STABLE
SET search_path = ''
AS $$
BEGIN
  IF NOT (p_order.status IN ('planned', 'scheduled') OR (p_order.status = 'on_hold' AND p_order.held_from IN ('planned', 'scheduled'))) THEN
    RAISE EXCEPTION 'work order % is %: its planned parts are fixed', p_order.work_order_number, p_order.status
      USING ERRCODE = 'PT409', DETAIL = 'work_order_part.work_started',
            HINT = 'Plan parts before the work starts; the technician records what was used with app.record_work_order_part_usage.';
  END IF;
END
$$;
COMMENT ON FUNCTION app_private.require_work_order_parts_open(app.work_orders) IS
  'PT409 work_order_part.work_started unless the work order is planned or scheduled (or on hold from either): planned parts are edited before the work starts.';

CREATE OR REPLACE FUNCTION app_private.work_order_holds_reservations(p_order app.work_orders) RETURNS boolean
LANGUAGE sql IMMUTABLE
SET search_path = ''
AS $$
  SELECT p_order.status IN ('scheduled', 'in_progress') OR (p_order.status = 'on_hold' AND p_order.held_from IN ('scheduled', 'in_progress'))
$$;
COMMENT ON FUNCTION app_private.work_order_holds_reservations(app.work_orders) IS
  'Whether the work order''s planned parts are reserved: scheduled or in progress (or on hold from either).';

CREATE OR REPLACE FUNCTION app.set_work_order_part(work_order_id uuid, part_id uuid, quantity numeric, unit text DEFAULT NULL,
                                                  storeroom_id uuid DEFAULT NULL)
RETURNS app.work_order_parts
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = ''
AS $$
DECLARE
  v_order app.work_orders := app_private.lock_work_order(set_work_order_part.work_order_id, 'work_order.manage');
  v_unit text;
  v_line app.work_order_parts;
BEGIN
  PERFORM app_private.require_work_order_parts_open(v_order);
  v_unit := app_private.check_kit_line(v_order.organization_id, set_work_order_part.part_id, set_work_order_part.quantity,
                                       set_work_order_part.unit, set_work_order_part.storeroom_id);
  INSERT INTO app.work_order_parts AS l (organization_id, id, work_order_id, site_id, part_id, quantity, unit, storeroom_id, created_by)
  VALUES (v_order.organization_id, public.uuid_generate_v7(), v_order.id, v_order.site_id, set_work_order_part.part_id,
          set_work_order_part.quantity, v_unit, set_work_order_part.storeroom_id, auth.user_id())
  ON CONFLICT ON CONSTRAINT work_order_parts_one_per_part DO UPDATE
    SET quantity = EXCLUDED.quantity, unit = EXCLUDED.unit, storeroom_id = EXCLUDED.storeroom_id
  RETURNING l.* INTO v_line;
  IF app_private.work_order_holds_reservations(v_order) THEN
    PERFORM app_private.reserve_work_order_part(v_order, v_line.part_id);
  END IF;
  RETURN v_line;
END
$$;
COMMENT ON FUNCTION app.set_work_order_part(uuid, uuid, numeric, text, uuid) IS
  E'Plan a part for a work order\nAdds the part to the work order''s planned parts or changes its line (one per part): quantity above 0 in the part''s unit, optionally the storeroom. Before the work starts (planned, scheduled, or on hold from either); on a scheduled work order the part is re-reserved at once (a shortage is shown by app.work_order_kit_shortages, not refused). Needs work_order.manage at the work order''s plant.\nErrors: PT403 permission.missing, PT404 work_order.not_found / part.not_found / storeroom.not_found, PT409 work_order_part.work_started / part.inactive, PT422 work_order_part.quantity_invalid / work_order_part.unit_mismatch.';

CREATE OR REPLACE FUNCTION app.remove_work_order_part(work_order_id uuid, part_id uuid) RETURNS boolean
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = ''
AS $$
DECLARE
  v_order app.work_orders := app_private.lock_work_order(remove_work_order_part.work_order_id, 'work_order.manage');
  v_found boolean;
BEGIN
  PERFORM app_private.require_work_order_parts_open(v_order);
  DELETE FROM app.work_order_parts AS l
   WHERE l.organization_id = v_order.organization_id AND l.work_order_id = v_order.id AND l.part_id = remove_work_order_part.part_id;
  v_found := FOUND;
  IF v_found AND app_private.work_order_holds_reservations(v_order) THEN
    PERFORM app_private.reserve_work_order_part(v_order, remove_work_order_part.part_id);
  END IF;
  RETURN v_found;
END
$$;
COMMENT ON FUNCTION app.remove_work_order_part(uuid, uuid) IS
  E'Take a part off a work order''s planned parts\nBefore the work starts; its reservations are released. True when it was there. Needs work_order.manage at the work order''s plant.\nErrors: PT403 permission.missing, PT404 work_order.not_found, PT409 work_order_part.work_started.';
