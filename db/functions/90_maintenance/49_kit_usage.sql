-- Parts used by a work order (migration maintenance/kits). The technician may
-- record what was actually used of each part while the work is under way;
-- completing the work order issues, per planned part, what was used (else the
-- planned quantity) less what is already issued: from the work order's open
-- reservations first, then from available stock the line may take, through
-- the stock ledger (each movement locks its stock row, so two completions
-- racing for the last unit cannot both take it). When the parts are not
-- there, completion is refused (PT409 work_order.parts_missing), naming the
-- part and what is missing: the technician records what was really used, or
-- the storekeeper receives or moves stock in, and completes again. What is
-- left reserved for the work order is then released.

CREATE OR REPLACE FUNCTION app.record_work_order_part_usage(work_order_id uuid, part_id uuid, used_quantity numeric, unit text DEFAULT NULL)
RETURNS app.work_order_parts
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = ''
AS $$
DECLARE
  v_order app.work_orders := app_private.lock_work_order(record_work_order_part_usage.work_order_id, 'work_order.execute');
  v_line app.work_order_parts;
  v_unit text;
BEGIN
  IF NOT (v_order.status IN ('scheduled', 'in_progress') OR (v_order.status = 'on_hold' AND v_order.held_from IN ('scheduled', 'in_progress'))) THEN
    RAISE EXCEPTION 'work order % is %: usage is recorded while the work is scheduled or under way', v_order.work_order_number, v_order.status
      USING ERRCODE = 'PT409', DETAIL = 'work_order_part.usage_closed',
            HINT = 'Record usage before completing; after completion issue or return parts with app.issue_stock / app.return_stock.';
  END IF;
  IF used_quantity IS NULL OR used_quantity < 0 THEN
    PERFORM app_private.raise_invalid('work_order_part.quantity_invalid', 'the used quantity must be 0 or more', 'Send what was used, 0 for none.');
  END IF;
  SELECT * INTO v_line FROM app.work_order_parts AS l
   WHERE l.organization_id = v_order.organization_id AND l.work_order_id = v_order.id AND l.part_id = record_work_order_part_usage.part_id
   FOR UPDATE;
  IF FOUND THEN
    IF unit IS NOT NULL AND unit <> v_line.unit THEN
      PERFORM app_private.raise_invalid('work_order_part.unit_mismatch', pg_catalog.format('the line is counted in %s, not %s', v_line.unit, unit),
        pg_catalog.format('Send the quantity in %s (or leave unit out).', v_line.unit));
    END IF;
    UPDATE app.work_order_parts AS l SET used_quantity = record_work_order_part_usage.used_quantity
     WHERE l.organization_id = v_line.organization_id AND l.id = v_line.id
    RETURNING l.* INTO v_line;
  ELSE
    -- A part that was not planned: a new line of what was used.
    v_unit := app_private.check_kit_line(v_order.organization_id, record_work_order_part_usage.part_id, record_work_order_part_usage.used_quantity,
                                         record_work_order_part_usage.unit, NULL);
    INSERT INTO app.work_order_parts AS l (organization_id, id, work_order_id, site_id, part_id, quantity, unit, used_quantity, created_by)
    VALUES (v_order.organization_id, public.uuid_generate_v7(), v_order.id, v_order.site_id, record_work_order_part_usage.part_id,
            record_work_order_part_usage.used_quantity, v_unit, record_work_order_part_usage.used_quantity, auth.user_id())
    RETURNING l.* INTO v_line;
  END IF;
  RETURN v_line;
END
$$;
COMMENT ON FUNCTION app.record_work_order_part_usage(uuid, uuid, numeric, text) IS
  E'Record the parts a work order used\nSets what was used of a planned part (0 or more; completion issues it instead of the planned quantity), or adds an unplanned part with what was used (above 0). While the work order is scheduled, in progress or on hold from either. Needs work_order.execute at the work order''s plant.\nErrors: PT403 permission.missing, PT404 work_order.not_found / part.not_found, PT409 work_order_part.usage_closed / part.inactive, PT422 work_order_part.quantity_invalid / work_order_part.unit_mismatch.';

CREATE OR REPLACE FUNCTION app_private.issue_work_order_kit(p_order app.work_orders) RETURNS void
LANGUAGE plpgsql VOLATILE
SET search_path = ''
AS $$
DECLARE
  v_line record;
  v_need numeric;
  v_take numeric;
  v_reservation app.stock_reservations;
  v_stock app.part_stock;
BEGIN
  FOR v_line IN
    SELECT l.*, p.part_number FROM app.work_order_parts AS l
      JOIN app.parts AS p ON p.organization_id = l.organization_id AND p.id = l.part_id
     WHERE l.organization_id = p_order.organization_id AND l.work_order_id = p_order.id
     ORDER BY l.part_id
  LOOP
    v_need := coalesce(v_line.used_quantity, v_line.quantity) - app_private.work_order_part_issued(p_order.organization_id, p_order.id, v_line.part_id);
    FOR v_reservation IN
      SELECT * FROM app.stock_reservations AS r
       WHERE r.organization_id = p_order.organization_id AND r.entity_type = 'work_order' AND r.entity_id = p_order.id
         AND r.part_id = v_line.part_id AND r.status = 'open'
       ORDER BY r.bin_id, r.id FOR UPDATE
    LOOP
      EXIT WHEN v_need <= 0;
      v_take := least(v_need, v_reservation.quantity - v_reservation.issued_quantity);
      INSERT INTO app.stock_movements (organization_id, part_id, bin_id, kind, quantity, reserved_delta, unit_cost, reason, entity_type, entity_id, reservation_id)
      VALUES (p_order.organization_id, v_line.part_id, v_reservation.bin_id, 'issue', -v_take, -v_take,
              app_private.stock_unit_cost(p_order.organization_id, v_line.part_id, v_reservation.storeroom_id, 'issue', 'work_order', p_order.id),
              pg_catalog.format('%s completed', p_order.work_order_number), 'work_order', p_order.id, v_reservation.id);
      UPDATE app.stock_reservations AS r
         SET issued_quantity = r.issued_quantity + v_take,
             status = CASE WHEN r.issued_quantity + v_take = r.quantity THEN 'issued'::app.stock_reservation_status ELSE r.status END,
             closed_at = CASE WHEN r.issued_quantity + v_take = r.quantity THEN pg_catalog.now() END
       WHERE r.organization_id = v_reservation.organization_id AND r.id = v_reservation.id;
      v_need := v_need - v_take;
    END LOOP;
    IF v_need > 0 THEN
      FOR v_stock IN SELECT * FROM app_private.lock_kit_stock(p_order, v_line.part_id, v_line.storeroom_id) LOOP
        EXIT WHEN v_need <= 0;
        v_take := least(v_need, v_stock.available);
        INSERT INTO app.stock_movements (organization_id, part_id, bin_id, kind, quantity, unit_cost, reason, entity_type, entity_id)
        VALUES (p_order.organization_id, v_line.part_id, v_stock.bin_id, 'issue', -v_take,
                app_private.stock_unit_cost(p_order.organization_id, v_line.part_id, v_stock.storeroom_id, 'issue', 'work_order', p_order.id),
                pg_catalog.format('%s completed', p_order.work_order_number), 'work_order', p_order.id);
        v_need := v_need - v_take;
      END LOOP;
    END IF;
    IF v_need > 0 THEN
      RAISE EXCEPTION 'not enough % to complete %: % % more needed', v_line.part_number, p_order.work_order_number, v_need, v_line.unit
        USING ERRCODE = 'PT409', DETAIL = 'work_order.parts_missing',
              HINT = 'Record what was really used (app.record_work_order_part_usage), or have stock received or moved into the plant''s storerooms, then complete again.';
    END IF;
  END LOOP;
  PERFORM app_private.release_work_order_reservations(p_order, NULL, pg_catalog.format('%s completed', p_order.work_order_number));
END
$$;
COMMENT ON FUNCTION app_private.issue_work_order_kit(app.work_orders) IS
  'Issues a completed work order''s parts: per planned part what was used (else planned) less what is already issued, from its open reservations, then from available stock the line may take, through the ledger; PT409 work_order.parts_missing when the parts are not there; then releases what is left reserved for the work order.';

CREATE OR REPLACE FUNCTION app_private.tg_work_orders__issue_kit() RETURNS trigger
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = ''
AS $$
BEGIN
  PERFORM app_private.issue_work_order_kit(NEW);
  RETURN NULL;
END
$$;
COMMENT ON FUNCTION app_private.tg_work_orders__issue_kit() IS
  'AFTER UPDATE OF status on work_orders, in progress to completed: issues the work order''s parts (app_private.issue_work_order_kit); refuses the completion when they are not there.';
CREATE OR REPLACE TRIGGER _300_issue_kit AFTER UPDATE OF status ON app.work_orders
  FOR EACH ROW WHEN (OLD.status = 'in_progress' AND NEW.status = 'completed') EXECUTE FUNCTION app_private.tg_work_orders__issue_kit();
