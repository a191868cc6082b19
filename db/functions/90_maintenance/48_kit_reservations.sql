-- Reserving a work order's planned parts (migration maintenance/kits). When
-- a work order is scheduled, each planned part still to issue is reserved in
-- the line's storeroom, else in the active storerooms of the work order's
-- plant, bin by bin (most available first) through the stock ledger. A
-- shortage is not an error at scheduling (the work may wait for a delivery;
-- the reorder check raises the purchase request): what could not be reserved
-- shows in app.work_order_kit_shortages and the work order's creator and
-- whoever scheduled it are notified.

-- What is issued of a part to a work order, net of returns (the ledger's).
CREATE OR REPLACE FUNCTION app_private.work_order_part_issued(p_organization_id uuid, p_work_order_id uuid, p_part_id uuid) RETURNS numeric
LANGUAGE sql STABLE
SET search_path = ''
AS $$
  SELECT coalesce(-sum(m.quantity), 0) FROM app.stock_movements AS m
   WHERE m.organization_id = p_organization_id AND m.entity_type = 'work_order' AND m.entity_id = p_work_order_id
     AND m.part_id = p_part_id AND m.kind IN ('issue', 'return')
$$;
COMMENT ON FUNCTION app_private.work_order_part_issued(uuid, uuid, uuid) IS 'A part issued to a work order less what was returned, from the stock ledger.';

-- The part's stock rows a planned line may take from, locked in bin order
-- (two writers lock in the same order), most available first.
CREATE OR REPLACE FUNCTION app_private.lock_kit_stock(p_order app.work_orders, p_part_id uuid, p_storeroom_id uuid) RETURNS SETOF app.part_stock
LANGUAGE sql VOLATILE
SET search_path = ''
AS $$
  SELECT l.* FROM (
    SELECT s.* FROM app.part_stock AS s
      JOIN app.storeroom_bins AS b ON b.organization_id = s.organization_id AND b.id = s.bin_id AND b.is_active
      JOIN app.storerooms AS r ON r.organization_id = s.organization_id AND r.id = s.storeroom_id AND r.is_active
     WHERE s.organization_id = p_order.organization_id AND s.part_id = p_part_id
       AND CASE WHEN p_storeroom_id IS NOT NULL THEN s.storeroom_id = p_storeroom_id ELSE s.site_id = p_order.site_id END
     ORDER BY s.bin_id
       FOR UPDATE OF s) AS l
   WHERE l.available > 0
   ORDER BY l.available DESC, l.bin_id
$$;
COMMENT ON FUNCTION app_private.lock_kit_stock(app.work_orders, uuid, uuid) IS
  'The stock rows of a part a work order''s line may take from (the line''s storeroom, else the active storerooms of its plant; active bins), locked in bin order, those with stock available, most first.';

CREATE OR REPLACE FUNCTION app_private.release_work_order_reservations(p_order app.work_orders, p_part_id uuid, p_reason text) RETURNS void
LANGUAGE plpgsql VOLATILE
SET search_path = ''
AS $$
DECLARE
  v_reservation app.stock_reservations;
BEGIN
  FOR v_reservation IN
    SELECT * FROM app.stock_reservations AS r
     WHERE r.organization_id = p_order.organization_id AND r.entity_type = 'work_order' AND r.entity_id = p_order.id
       AND (p_part_id IS NULL OR r.part_id = p_part_id) AND r.status = 'open'
     ORDER BY r.bin_id, r.id FOR UPDATE
  LOOP
    INSERT INTO app.stock_movements (organization_id, part_id, bin_id, kind, reserved_delta, reason, entity_type, entity_id, reservation_id)
    VALUES (v_reservation.organization_id, v_reservation.part_id, v_reservation.bin_id, 'reservation_release',
            -(v_reservation.quantity - v_reservation.issued_quantity), p_reason, 'work_order', p_order.id, v_reservation.id);
    UPDATE app.stock_reservations AS r SET status = 'released', release_reason = p_reason, closed_at = pg_catalog.now()
     WHERE r.organization_id = v_reservation.organization_id AND r.id = v_reservation.id;
  END LOOP;
END
$$;
COMMENT ON FUNCTION app_private.release_work_order_reservations(app.work_orders, uuid, text) IS
  'Releases the open reservations of a work order (of one part, or all when p_part_id is null) through the ledger, with the reason.';

-- Re-reserves one planned part: its open reservations are released and what
-- is still to issue is reserved again from the stock the line may take.
-- Returns what could not be reserved.
CREATE OR REPLACE FUNCTION app_private.reserve_work_order_part(p_order app.work_orders, p_part_id uuid) RETURNS numeric
LANGUAGE plpgsql VOLATILE
SET search_path = ''
AS $$
DECLARE
  v_line app.work_order_parts;
  v_needed numeric;
  v_take numeric;
  v_stock app.part_stock;
  v_reservation_id uuid;
BEGIN
  PERFORM app_private.release_work_order_reservations(p_order, p_part_id,
    pg_catalog.format('planned parts of %s re-reserved', p_order.work_order_number));
  SELECT * INTO v_line FROM app.work_order_parts AS l
   WHERE l.organization_id = p_order.organization_id AND l.work_order_id = p_order.id AND l.part_id = p_part_id;
  IF NOT FOUND THEN
    RETURN 0;
  END IF;
  v_needed := v_line.quantity - app_private.work_order_part_issued(p_order.organization_id, p_order.id, p_part_id);
  FOR v_stock IN SELECT * FROM app_private.lock_kit_stock(p_order, p_part_id, v_line.storeroom_id) LOOP
    EXIT WHEN v_needed <= 0;
    v_take := least(v_needed, v_stock.available);
    v_reservation_id := public.uuid_generate_v7();
    INSERT INTO app.stock_reservations (organization_id, id, part_id, bin_id, storeroom_id, site_id, quantity, needed_by, entity_type, entity_id, created_by)
    VALUES (p_order.organization_id, v_reservation_id, p_part_id, v_stock.bin_id, v_stock.storeroom_id, v_stock.site_id, v_take,
            pg_catalog.lower(p_order.scheduled)::date, 'work_order', p_order.id, auth.user_id());
    INSERT INTO app.stock_movements (organization_id, part_id, bin_id, kind, reserved_delta, entity_type, entity_id, reservation_id)
    VALUES (p_order.organization_id, p_part_id, v_stock.bin_id, 'reservation', v_take, 'work_order', p_order.id, v_reservation_id);
    v_needed := v_needed - v_take;
  END LOOP;
  RETURN greatest(v_needed, 0);
END
$$;
COMMENT ON FUNCTION app_private.reserve_work_order_part(app.work_orders, uuid) IS
  'Re-reserves a work order''s planned part: releases its open reservations, then reserves what is still to issue (planned less issued) bin by bin from the stock the line may take, through the ledger. Returns the shortage (0 when all is reserved).';

CREATE OR REPLACE FUNCTION app_private.tg_work_orders__reserve_kit() RETURNS trigger
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = ''
AS $$
DECLARE
  v_line record;
  v_missing numeric;
  v_short text;
BEGIN
  -- Part by part in part order (two schedulings sharing parts lock their stock rows in the same order).
  FOR v_line IN
    SELECT l.part_id, l.unit, p.part_number FROM app.work_order_parts AS l
      JOIN app.parts AS p ON p.organization_id = l.organization_id AND p.id = l.part_id
     WHERE l.organization_id = NEW.organization_id AND l.work_order_id = NEW.id
     ORDER BY l.part_id
  LOOP
    v_missing := app_private.reserve_work_order_part(NEW, v_line.part_id);
    IF v_missing > 0 THEN
      v_short := pg_catalog.concat_ws(', ', v_short, pg_catalog.format('%s %s %s', v_line.part_number, v_missing, v_line.unit));
    END IF;
  END LOOP;
  IF v_short IS NOT NULL THEN
    INSERT INTO app.notifications (organization_id, user_id, type, title, message, priority, action_url, entity_type, entity_id)
    SELECT NEW.organization_id, u.id, 'system', pg_catalog.left(pg_catalog.format('%s: parts short', NEW.work_order_number), 200),
           pg_catalog.left(pg_catalog.format('%s "%s" is scheduled but these parts could not be reserved: %s.', NEW.work_order_number, NEW.title, v_short), 2000),
           'normal', '/work_orders/' || NEW.id, 'work_order', NEW.id
      FROM app.users AS u
     WHERE u.id IN (NEW.created_by, auth.user_id()) AND u.status = 'active'
       AND EXISTS (SELECT FROM app.memberships AS m WHERE m.organization_id = NEW.organization_id AND m.user_id = u.id AND m.status = 'active');
  END IF;
  RETURN NULL;
END
$$;
COMMENT ON FUNCTION app_private.tg_work_orders__reserve_kit() IS
  'AFTER UPDATE OF status on work_orders, planned to scheduled: reserves each planned part (app_private.reserve_work_order_part); when some could not be reserved, the work order''s creator and the scheduler are notified (once each) with the parts short.';
CREATE OR REPLACE TRIGGER _300_reserve_kit AFTER UPDATE OF status ON app.work_orders
  FOR EACH ROW WHEN (OLD.status = 'planned' AND NEW.status = 'scheduled') EXECUTE FUNCTION app_private.tg_work_orders__reserve_kit();

-- What of a planned part is reserved and issued, for the shortage view: as
-- the owner (a planner may not hold stock.read), only for a work order the
-- caller may read.
CREATE OR REPLACE FUNCTION auth.work_order_part_supply(p_work_order_id uuid, p_part_id uuid, OUT reserved numeric, OUT issued numeric)
LANGUAGE plpgsql STABLE SECURITY DEFINER
SET search_path = ''
AS $$
DECLARE
  v_order app.work_orders;
BEGIN
  IF auth.is_platform_operator() THEN
    SELECT * INTO v_order FROM app.work_orders AS w WHERE w.id = p_work_order_id;
  ELSE
    SELECT * INTO v_order FROM app.work_orders AS w WHERE w.organization_id = auth.org_id() AND w.id = p_work_order_id;
  END IF;
  IF NOT FOUND OR NOT (auth.is_platform_operator() OR auth.may_read_work_order(v_order.site_id, v_order.contractor_id)) THEN
    RETURN;
  END IF;
  SELECT coalesce(sum(r.quantity - r.issued_quantity), 0) INTO reserved FROM app.stock_reservations AS r
   WHERE r.organization_id = v_order.organization_id AND r.entity_type = 'work_order' AND r.entity_id = v_order.id
     AND r.part_id = p_part_id AND r.status = 'open';
  issued := app_private.work_order_part_issued(v_order.organization_id, v_order.id, p_part_id);
END
$$;
COMMENT ON FUNCTION auth.work_order_part_supply(uuid, uuid) IS
  'Reserved (open) and issued (net) quantities of a part for a work order the caller may read (platform operators: any); nulls otherwise.';

CREATE OR REPLACE VIEW app.work_order_kit_shortages WITH (security_invoker = true) AS
SELECT w.organization_id, w.id AS work_order_id, w.work_order_number, w.status, w.site_id, w.scheduled,
       l.part_id, p.part_number, l.unit, l.storeroom_id, l.quantity AS planned_quantity, s.reserved AS reserved_quantity,
       s.issued AS issued_quantity, l.quantity - s.reserved - s.issued AS short_quantity
  FROM app.work_order_parts AS l
  JOIN app.work_orders AS w ON w.organization_id = l.organization_id AND w.id = l.work_order_id
  JOIN app.parts AS p ON p.organization_id = l.organization_id AND p.id = l.part_id
 CROSS JOIN LATERAL auth.work_order_part_supply(l.work_order_id, l.part_id) AS s
 WHERE (w.status IN ('scheduled', 'in_progress') OR (w.status = 'on_hold' AND w.held_from IN ('scheduled', 'in_progress')))
   AND l.quantity - s.reserved - s.issued > 0;
COMMENT ON VIEW app.work_order_kit_shortages IS
  E'Work orders with short kits\nScheduled work (scheduled, in progress, or on hold from either) whose planned parts are not all reserved or issued: per part the planned, reserved, issued and short quantities. As the caller: the work orders they may read.';
COMMENT ON COLUMN app.work_order_kit_shortages.organization_id IS E'Tenant';
COMMENT ON COLUMN app.work_order_kit_shortages.work_order_id IS E'Work order';
COMMENT ON COLUMN app.work_order_kit_shortages.work_order_number IS E'Work order number';
COMMENT ON COLUMN app.work_order_kit_shortages.status IS E'Status';
COMMENT ON COLUMN app.work_order_kit_shortages.site_id IS E'Plant';
COMMENT ON COLUMN app.work_order_kit_shortages.scheduled IS E'Scheduled window';
COMMENT ON COLUMN app.work_order_kit_shortages.part_id IS E'Part';
COMMENT ON COLUMN app.work_order_kit_shortages.part_number IS E'Part number';
COMMENT ON COLUMN app.work_order_kit_shortages.unit IS E'Unit';
COMMENT ON COLUMN app.work_order_kit_shortages.storeroom_id IS E'Storeroom\nThe line''s, if any.';
COMMENT ON COLUMN app.work_order_kit_shortages.planned_quantity IS E'Planned';
COMMENT ON COLUMN app.work_order_kit_shortages.reserved_quantity IS E'Reserved\nOpen reservations for the work order.';
COMMENT ON COLUMN app.work_order_kit_shortages.issued_quantity IS E'Issued\nNet of returns.';
COMMENT ON COLUMN app.work_order_kit_shortages.short_quantity IS E'Short\nPlanned less reserved and issued.';
