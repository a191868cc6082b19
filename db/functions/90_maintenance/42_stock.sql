-- Stock (migration maintenance/parts): the append-only ledger
-- app.stock_movements is the only writer of app.part_stock. Each movement's
-- BEFORE INSERT trigger locks the part's stock row in its bin (FOR UPDATE;
-- created at the first receipt), refuses a change that would leave on hand
-- below 0 or reserved above on hand (PT409 stock.insufficient), and applies
-- it; two issues racing for the last unit queue on that lock and the second
-- is refused. Reservations and issues name any registered entity (entity
-- type + id): equipment and work orders (72_work_orders.sql registers work_order;
-- a work order takes parts only while open, app_private.require_work_order_takes_parts).

CREATE OR REPLACE FUNCTION app_private.tg_stock_movements__apply() RETURNS trigger
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = ''
AS $$
DECLARE
  v_stock app.part_stock;
  v_part app.parts;
BEGIN
  PERFORM app_private.refuse_foreign_tenant(NEW.organization_id);
  SELECT b.storeroom_id, b.site_id INTO NEW.storeroom_id, NEW.site_id
    FROM app.storeroom_bins AS b WHERE b.organization_id = NEW.organization_id AND b.id = NEW.bin_id;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'bin not found' USING ERRCODE = 'PT404', DETAIL = 'bin.not_found', HINT = 'GET /storeroom_bins lists the bins you may see.';
  END IF;
  SELECT * INTO v_part FROM app.parts AS p WHERE p.organization_id = NEW.organization_id AND p.id = NEW.part_id;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'part not found' USING ERRCODE = 'PT404', DETAIL = 'part.not_found', HINT = 'GET /parts lists the parts master.';
  END IF;
  NEW.moved_by := coalesce(NEW.moved_by, auth.user_id());
  NEW.moved_at := pg_catalog.now();
  INSERT INTO app.part_stock (organization_id, part_id, bin_id, storeroom_id, site_id)
  VALUES (NEW.organization_id, NEW.part_id, NEW.bin_id, NEW.storeroom_id, NEW.site_id)
  ON CONFLICT DO NOTHING;
  SELECT * INTO v_stock FROM app.part_stock AS s
   WHERE s.organization_id = NEW.organization_id AND s.part_id = NEW.part_id AND s.bin_id = NEW.bin_id
   FOR UPDATE;
  IF v_stock.on_hand + NEW.quantity < 0 OR v_stock.reserved + NEW.reserved_delta < 0
     OR (v_stock.on_hand + NEW.quantity) - (v_stock.reserved + NEW.reserved_delta) < 0 THEN
    RAISE EXCEPTION 'not enough % in the bin: % on hand, % reserved, % available', v_part.part_number,
      v_stock.on_hand, v_stock.reserved, v_stock.available
      USING ERRCODE = 'PT409', DETAIL = 'stock.insufficient',
            HINT = 'Take less, another bin (GET /part_stock?part_id=eq.<id>), or the reserved quantity through its reservation.';
  END IF;
  UPDATE app.part_stock AS s
     SET on_hand = s.on_hand + NEW.quantity, reserved = s.reserved + NEW.reserved_delta, updated_at = pg_catalog.now()
   WHERE s.organization_id = NEW.organization_id AND s.part_id = NEW.part_id AND s.bin_id = NEW.bin_id;
  RETURN NEW;
END
$$;
COMMENT ON FUNCTION app_private.tg_stock_movements__apply() IS
  'BEFORE INSERT on stock_movements: the tenant guard; takes the bin''s storeroom and site (PT404 bin.not_found), the part (PT404 part.not_found), the mover and the time; locks the part''s stock row in the bin (created on first use) and applies the movement, refusing one that would leave on hand below 0 or available below 0 (PT409 stock.insufficient). The ledger is the only writer of part_stock.';
CREATE OR REPLACE TRIGGER _200_apply BEFORE INSERT ON app.stock_movements
  FOR EACH ROW EXECUTE FUNCTION app_private.tg_stock_movements__apply();
CREATE OR REPLACE TRIGGER _100_touch_updated_at BEFORE UPDATE ON app.part_stock
  FOR EACH ROW EXECUTE FUNCTION app_private.tg__touch_updated_at();
CREATE OR REPLACE TRIGGER _100_append_only BEFORE UPDATE OR DELETE ON app.stock_movements
  FOR EACH ROW EXECUTE FUNCTION app_private.tg__append_only();

-- The bin as the caller may act on it: in the caller's tenant, the permission
-- tenant-wide or at its site.
CREATE OR REPLACE FUNCTION app_private.stock_bin(p_bin_id uuid, p_permission text) RETURNS app.storeroom_bins
LANGUAGE plpgsql VOLATILE
SET search_path = ''
AS $$
DECLARE
  v_bin app.storeroom_bins;
BEGIN
  SELECT * INTO v_bin FROM app.storeroom_bins AS b WHERE b.organization_id = auth.org_id() AND b.id = p_bin_id;
  IF NOT FOUND OR NOT (auth.is_platform_operator() OR auth.has_permission('stock.read', v_bin.site_id)
                       OR auth.has_permission(p_permission, v_bin.site_id)) THEN
    RAISE EXCEPTION 'bin not found' USING ERRCODE = 'PT404', DETAIL = 'bin.not_found', HINT = 'GET /storeroom_bins lists the bins you may see.';
  END IF;
  PERFORM auth.check_permission_at(p_permission, v_bin.site_id);
  IF NOT v_bin.is_active THEN
    RAISE EXCEPTION 'bin % is not active', v_bin.code USING ERRCODE = 'PT409', DETAIL = 'bin.inactive', HINT = 'Use an active bin.';
  END IF;
  RETURN v_bin;
END
$$;
COMMENT ON FUNCTION app_private.stock_bin(uuid, text) IS
  'The bin of the caller''s tenant the caller may see (PT404 bin.not_found), with p_permission tenant-wide or at its site (PT403 permission.missing), active (PT409 bin.inactive).';

CREATE OR REPLACE FUNCTION app_private.require_positive_quantity(p_quantity numeric) RETURNS void
LANGUAGE plpgsql VOLATILE
SET search_path = ''
AS $$
BEGIN
  IF p_quantity IS NULL OR p_quantity <= 0 THEN
    PERFORM app_private.raise_invalid('stock.quantity_invalid', 'the quantity must be positive', 'Send a quantity above 0 in the part''s unit.');
  END IF;
END
$$;
COMMENT ON FUNCTION app_private.require_positive_quantity(numeric) IS 'PT422 stock.quantity_invalid unless the quantity is above 0.';

-- Receipts, adjustments, transfers (stock.manage) ---------------

CREATE OR REPLACE FUNCTION app.receive_stock(part_id uuid, bin_id uuid, quantity numeric, unit_cost numeric DEFAULT NULL,
                                             purchase_request_id uuid DEFAULT NULL, note text DEFAULT NULL)
RETURNS app.stock_movements
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = ''
AS $$
DECLARE
  v_bin app.storeroom_bins := app_private.stock_bin(receive_stock.bin_id, 'stock.manage');
  v_request app.purchase_requests;
  v_movement app.stock_movements;
BEGIN
  PERFORM app_private.require_positive_quantity(receive_stock.quantity);
  IF receive_stock.purchase_request_id IS NOT NULL THEN
    SELECT * INTO v_request FROM app.purchase_requests AS r
     WHERE r.organization_id = v_bin.organization_id AND r.id = receive_stock.purchase_request_id FOR UPDATE;
    IF NOT FOUND OR v_request.storeroom_id <> v_bin.storeroom_id OR v_request.part_id <> receive_stock.part_id THEN
      RAISE EXCEPTION 'purchase request not found for this part and storeroom' USING ERRCODE = 'PT404', DETAIL = 'purchase_request.not_found',
        HINT = 'GET /purchase_requests?status=in.(open,ordered) lists the open requests.';
    END IF;
    IF v_request.status NOT IN ('open', 'ordered') THEN
      RAISE EXCEPTION 'purchase request is %', v_request.status USING ERRCODE = 'PT409', DETAIL = 'purchase_request.closed',
        HINT = 'Receive without naming the request.';
    END IF;
    -- Closed before the receipt, so the receipt's own check may raise the next request.
    UPDATE app.purchase_requests AS r SET status = 'received', closed_at = pg_catalog.now(), closed_by = auth.user_id()
     WHERE r.organization_id = v_request.organization_id AND r.id = v_request.id;
  END IF;
  INSERT INTO app.stock_movements (organization_id, part_id, bin_id, kind, quantity, unit_cost, reason, entity_type, entity_id)
  VALUES (v_bin.organization_id, receive_stock.part_id, v_bin.id, 'receipt', receive_stock.quantity, receive_stock.unit_cost,
          receive_stock.note, CASE WHEN v_request.id IS NOT NULL THEN 'purchase_request' END, v_request.id)
  RETURNING * INTO v_movement;
  RETURN v_movement;
END
$$;
COMMENT ON FUNCTION app.receive_stock(uuid, uuid, numeric, numeric, uuid, text) IS
  E'Receives a quantity of a part into a bin (a receipt movement), optionally against an open purchase request of that part and storeroom, which it marks received. stock.manage at the bin''s site.\nErrors: PT403 permission.missing, PT404 bin.not_found, part.not_found, purchase_request.not_found, PT409 bin.inactive, purchase_request.closed, PT422 stock.quantity_invalid.';

CREATE OR REPLACE FUNCTION app.adjust_stock(part_id uuid, bin_id uuid, counted_quantity numeric, reason text)
RETURNS app.stock_movements
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = ''
AS $$
DECLARE
  v_bin app.storeroom_bins := app_private.stock_bin(adjust_stock.bin_id, 'stock.manage');
  v_on_hand numeric;
  v_movement app.stock_movements;
BEGIN
  IF adjust_stock.counted_quantity IS NULL OR adjust_stock.counted_quantity < 0 THEN
    PERFORM app_private.raise_invalid('stock.quantity_invalid', 'the counted quantity must be 0 or more', 'Send what the count found.');
  END IF;
  IF coalesce(pg_catalog.btrim(adjust_stock.reason), '') = '' THEN
    PERFORM app_private.raise_invalid('stock.reason_required', 'an adjustment needs a reason', 'Say why the count differs (damaged, miscounted, found).');
  END IF;
  SELECT s.on_hand INTO v_on_hand FROM app.part_stock AS s
   WHERE s.organization_id = v_bin.organization_id AND s.part_id = adjust_stock.part_id AND s.bin_id = v_bin.id FOR UPDATE;
  IF coalesce(v_on_hand, 0) = adjust_stock.counted_quantity THEN
    RETURN NULL;
  END IF;
  INSERT INTO app.stock_movements (organization_id, part_id, bin_id, kind, quantity, reason)
  VALUES (v_bin.organization_id, adjust_stock.part_id, v_bin.id, 'adjustment', adjust_stock.counted_quantity - coalesce(v_on_hand, 0),
          adjust_stock.reason)
  RETURNING * INTO v_movement;
  RETURN v_movement;
END
$$;
COMMENT ON FUNCTION app.adjust_stock(uuid, uuid, numeric, text) IS
  E'Sets a part''s on-hand quantity in a bin to what a count found, with a reason: an adjustment movement of the difference (none when equal; returns null). Never below what is reserved. stock.manage at the bin''s site.\nErrors: PT403 permission.missing, PT404 bin.not_found, part.not_found, PT409 bin.inactive, stock.insufficient, PT422 stock.quantity_invalid, stock.reason_required.';

CREATE OR REPLACE FUNCTION app.transfer_stock(part_id uuid, from_bin_id uuid, to_bin_id uuid, quantity numeric)
RETURNS SETOF app.stock_movements
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = ''
AS $$
DECLARE
  v_from app.storeroom_bins := app_private.stock_bin(transfer_stock.from_bin_id, 'stock.manage');
  v_to app.storeroom_bins := app_private.stock_bin(transfer_stock.to_bin_id, 'stock.manage');
  v_transfer uuid := public.uuid_generate_v7();
BEGIN
  PERFORM app_private.require_positive_quantity(transfer_stock.quantity);
  IF v_from.id = v_to.id THEN
    PERFORM app_private.raise_invalid('stock.same_bin', 'a transfer needs two different bins', 'Name another bin to move to.');
  END IF;
  RETURN QUERY
  INSERT INTO app.stock_movements (organization_id, part_id, bin_id, kind, quantity, transfer_id)
  VALUES (v_from.organization_id, transfer_stock.part_id, v_from.id, 'transfer_out', -transfer_stock.quantity, v_transfer),
         (v_to.organization_id, transfer_stock.part_id, v_to.id, 'transfer_in', transfer_stock.quantity, v_transfer)
  RETURNING *;
END
$$;
COMMENT ON FUNCTION app.transfer_stock(uuid, uuid, uuid, numeric) IS
  E'Moves a quantity of a part from one bin to another (also across storerooms): two movements with one transfer id; only available stock moves. stock.manage at both sites.\nErrors: PT403 permission.missing, PT404 bin.not_found, part.not_found, PT409 bin.inactive, stock.insufficient, PT422 stock.quantity_invalid, stock.same_bin.';

-- Reservations and issues (stock.issue) ---------------------------

-- What an issue or a return is costed at, frozen on the movement (later
-- receipts do not rewrite what a work order cost, as labour keeps its rate):
-- an issue at the unit cost of the latest receipt of the part into the same
-- storeroom that had one; a return at the unit cost of the latest issue of
-- the part to the same reference (credited at what was charged), else as an
-- issue. NULL when no receipt had a cost (the cost line then has no amount).
CREATE OR REPLACE FUNCTION app_private.stock_unit_cost(p_organization_id uuid, p_part_id uuid, p_storeroom_id uuid, p_kind app.stock_movement_kind,
                                                       p_entity_type text, p_entity_id uuid) RETURNS numeric
LANGUAGE sql STABLE
SET search_path = ''
AS $$
  SELECT coalesce(
    (SELECT m.unit_cost FROM app.stock_movements AS m
      WHERE p_kind = 'return' AND m.organization_id = p_organization_id AND m.entity_type = p_entity_type AND m.entity_id = p_entity_id
        AND m.part_id = p_part_id AND m.kind = 'issue' AND m.unit_cost IS NOT NULL
      ORDER BY m.moved_at DESC, m.id DESC LIMIT 1),
    (SELECT m.unit_cost FROM app.stock_movements AS m
      WHERE m.organization_id = p_organization_id AND m.part_id = p_part_id AND m.storeroom_id = p_storeroom_id AND m.kind = 'receipt'
        AND m.unit_cost IS NOT NULL
      ORDER BY m.moved_at DESC, m.id DESC LIMIT 1))
$$;
COMMENT ON FUNCTION app_private.stock_unit_cost(uuid, uuid, uuid, app.stock_movement_kind, text, uuid) IS
  'The unit cost an issue or return is frozen at: an issue at the latest receipt cost of the part in the storeroom; a return at the latest issue cost of the part to the same reference, else as an issue; NULL when no receipt had a cost.';

-- Parts for a work order: reserved while the work is ahead (planned,
-- scheduled, in progress, on hold); issued and returned until it is closed
-- or cancelled (completed and verified work may still book what it used).
CREATE OR REPLACE FUNCTION app_private.require_work_order_takes_parts(p_organization_id uuid, p_work_order_id uuid, p_kind text) RETURNS void
LANGUAGE plpgsql STABLE
SET search_path = ''
AS $$
DECLARE
  v_status text;
  v_number text;
BEGIN
  SELECT w.status, w.work_order_number INTO v_status, v_number FROM app.work_orders AS w
   WHERE w.organization_id = p_organization_id AND w.id = p_work_order_id;
  IF v_status IN ('closed', 'cancelled') OR (p_kind = 'reservation' AND v_status IN ('completed', 'verified')) THEN
    RAISE EXCEPTION 'work order % is %: no % of parts', v_number, v_status, p_kind USING ERRCODE = 'PT409', DETAIL = 'work_order.parts_closed',
      HINT = 'Reserve for work ahead (planned, scheduled, in progress, on hold); issue and return until the work order is closed.';
  END IF;
END
$$;
COMMENT ON FUNCTION app_private.require_work_order_takes_parts(uuid, uuid, text) IS
  'PT409 work_order.parts_closed: reservations only for work ahead (planned, scheduled, in progress, on hold), issues and returns not once closed or cancelled.';

-- The bodies run as the owner after app.* checked, as the caller, that the
-- referenced entity is visible (auth.check_entity).
CREATE OR REPLACE FUNCTION auth.stock_reserve(p_part_id uuid, p_bin_id uuid, p_storeroom_id uuid, p_quantity numeric,
                                              p_needed_by date, p_entity_type text, p_entity_id uuid)
RETURNS app.stock_reservations
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = ''
AS $$
DECLARE
  v_org uuid := auth.org_id();
  v_bin_id uuid := p_bin_id;
  v_bin app.storeroom_bins;
  v_reservation app.stock_reservations;
BEGIN
  PERFORM app_private.require_positive_quantity(p_quantity);
  IF (p_bin_id IS NULL) = (p_storeroom_id IS NULL) THEN
    PERFORM app_private.raise_invalid('stock_reservation.place_required', 'name a bin or a storeroom, not both',
      'Send bin_id, or storeroom_id to reserve from its bin with the most available.');
  END IF;
  IF v_bin_id IS NULL THEN
    -- The storeroom's bin with the most available of the part (its stock row locked by the movement).
    SELECT s.bin_id INTO v_bin_id FROM app.part_stock AS s
      JOIN app.storeroom_bins AS b ON b.organization_id = s.organization_id AND b.id = s.bin_id AND b.is_active
     WHERE s.organization_id = v_org AND s.storeroom_id = p_storeroom_id AND s.part_id = p_part_id AND s.available >= p_quantity
     ORDER BY s.available DESC, b.code LIMIT 1;
    IF NOT FOUND THEN
      IF NOT EXISTS (SELECT FROM app.storerooms AS r WHERE r.organization_id = v_org AND r.id = p_storeroom_id
                        AND (auth.is_platform_operator() OR auth.has_permission('stock.read', r.site_id)
                             OR auth.has_permission('stock.issue', r.site_id))) THEN
        RAISE EXCEPTION 'storeroom not found' USING ERRCODE = 'PT404', DETAIL = 'storeroom.not_found',
          HINT = 'GET /storerooms lists the storerooms you may see.';
      END IF;
      RAISE EXCEPTION 'no bin of the storeroom has % available', p_quantity USING ERRCODE = 'PT409', DETAIL = 'stock.insufficient',
        HINT = 'Reserve less, in parts from several bins, or from another storeroom.';
    END IF;
  END IF;
  v_bin := app_private.stock_bin(v_bin_id, 'stock.issue');
  IF p_entity_type = 'work_order' THEN
    PERFORM app_private.require_work_order_takes_parts(v_org, p_entity_id, 'reservation');
  END IF;
  -- The stock row exists once anything was received; reserving where nothing ever was is short of stock.
  IF NOT EXISTS (SELECT FROM app.part_stock AS s WHERE s.organization_id = v_org AND s.part_id = p_part_id AND s.bin_id = v_bin.id) THEN
    RAISE EXCEPTION 'no stock of the part in the bin' USING ERRCODE = 'PT409', DETAIL = 'stock.insufficient',
      HINT = 'Reserve where the part is stocked (GET /part_stock?part_id=eq.<id>).';
  END IF;
  INSERT INTO app.stock_reservations (organization_id, part_id, bin_id, storeroom_id, site_id, quantity, needed_by, entity_type, entity_id, created_by)
  VALUES (v_org, p_part_id, v_bin.id, v_bin.storeroom_id, v_bin.site_id, p_quantity, p_needed_by, p_entity_type, p_entity_id, auth.user_id())
  RETURNING * INTO v_reservation;
  INSERT INTO app.stock_movements (organization_id, part_id, bin_id, kind, reserved_delta, entity_type, entity_id, reservation_id)
  VALUES (v_org, p_part_id, v_bin.id, 'reservation', p_quantity, p_entity_type, p_entity_id, v_reservation.id);
  RETURN v_reservation;
END
$$;
COMMENT ON FUNCTION auth.stock_reserve(uuid, uuid, uuid, numeric, date, text, uuid) IS
  'The body of app.reserve_stock, run after the caller''s visibility check of the entity: picks the storeroom''s bin with the most available when no bin is named, needs stock.issue at its site, records the reservation and its ledger movement (reserved up, never above on hand: PT409 stock.insufficient).';

CREATE OR REPLACE FUNCTION app.reserve_stock(part_id uuid, quantity numeric, entity_type text, entity_id uuid,
                                             bin_id uuid DEFAULT NULL, storeroom_id uuid DEFAULT NULL, needed_by date DEFAULT NULL)
RETURNS app.stock_reservations
LANGUAGE plpgsql VOLATILE
SET search_path = ''
AS $$
BEGIN
  PERFORM auth.check_entity(reserve_stock.entity_type, reserve_stock.entity_id);
  RETURN auth.stock_reserve(reserve_stock.part_id, reserve_stock.bin_id, reserve_stock.storeroom_id, reserve_stock.quantity,
                            reserve_stock.needed_by, reserve_stock.entity_type, reserve_stock.entity_id);
END
$$;
COMMENT ON FUNCTION app.reserve_stock(uuid, numeric, text, uuid, uuid, uuid, date) IS
  E'Holds a quantity of a part for a future use by an entity the caller may see (equipment, work orders): in the bin named, or in the storeroom''s bin with the most available. Reserved stock is not available to others. stock.issue at the site.\nErrors: PT403 permission.missing, PT404 entity.not_found, bin.not_found, storeroom.not_found, PT409 stock.insufficient, bin.inactive, work_order.parts_closed, PT422 stock.quantity_invalid, stock_reservation.place_required, entity_type.unknown.';

CREATE OR REPLACE FUNCTION app.release_stock_reservation(reservation_id uuid, reason text)
RETURNS app.stock_reservations
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = ''
AS $$
DECLARE
  v_reservation app.stock_reservations;
BEGIN
  SELECT * INTO v_reservation FROM app.stock_reservations AS r
   WHERE r.organization_id = auth.org_id() AND r.id = release_stock_reservation.reservation_id FOR UPDATE;
  IF NOT FOUND OR NOT (auth.is_platform_operator() OR auth.has_permission('stock.read', v_reservation.site_id)
                       OR auth.has_permission('stock.issue', v_reservation.site_id)) THEN
    RAISE EXCEPTION 'reservation not found' USING ERRCODE = 'PT404', DETAIL = 'stock_reservation.not_found',
      HINT = 'GET /stock_reservations?status=eq.open lists the open reservations you may see.';
  END IF;
  PERFORM auth.check_permission_at('stock.issue', v_reservation.site_id);
  IF v_reservation.status <> 'open' THEN
    RAISE EXCEPTION 'reservation is %', v_reservation.status USING ERRCODE = 'PT409', DETAIL = 'stock_reservation.closed',
      HINT = 'Only an open reservation is released.';
  END IF;
  IF coalesce(pg_catalog.btrim(release_stock_reservation.reason), '') = '' THEN
    PERFORM app_private.raise_invalid('stock.reason_required', 'releasing a reservation needs a reason', 'Say why the parts are no longer needed.');
  END IF;
  INSERT INTO app.stock_movements (organization_id, part_id, bin_id, kind, reserved_delta, reason, entity_type, entity_id, reservation_id)
  VALUES (v_reservation.organization_id, v_reservation.part_id, v_reservation.bin_id, 'reservation_release',
          -(v_reservation.quantity - v_reservation.issued_quantity), release_stock_reservation.reason,
          v_reservation.entity_type, v_reservation.entity_id, v_reservation.id);
  UPDATE app.stock_reservations AS r SET status = 'released', release_reason = release_stock_reservation.reason, closed_at = pg_catalog.now()
   WHERE r.organization_id = v_reservation.organization_id AND r.id = v_reservation.id
  RETURNING * INTO v_reservation;
  RETURN v_reservation;
END
$$;
COMMENT ON FUNCTION app.release_stock_reservation(uuid, text) IS
  E'Gives back what is left of an open reservation (cancelled or no longer needed), with a reason: a reservation_release movement; the reservation is released. stock.issue at its site.\nErrors: PT403 permission.missing, PT404 stock_reservation.not_found, PT409 stock_reservation.closed, PT422 stock.reason_required.';

CREATE OR REPLACE FUNCTION auth.stock_issue(p_kind app.stock_movement_kind, p_part_id uuid, p_bin_id uuid, p_quantity numeric,
                                            p_entity_type text, p_entity_id uuid, p_reservation_id uuid, p_reason text)
RETURNS app.stock_movements
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = ''
AS $$
DECLARE
  v_org uuid := auth.org_id();
  v_bin app.storeroom_bins;
  v_reservation app.stock_reservations;
  v_movement app.stock_movements;
BEGIN
  PERFORM app_private.require_positive_quantity(p_quantity);
  IF p_kind NOT IN ('issue', 'return') THEN
    PERFORM app_private.raise_invalid('stock.kind_invalid', 'only issues and returns are made here', 'Use app.issue_stock or app.return_stock.');
  END IF;
  IF p_reservation_id IS NOT NULL THEN
    SELECT * INTO v_reservation FROM app.stock_reservations AS r WHERE r.organization_id = v_org AND r.id = p_reservation_id FOR UPDATE;
    IF NOT FOUND OR v_reservation.part_id <> p_part_id OR v_reservation.bin_id IS DISTINCT FROM coalesce(p_bin_id, v_reservation.bin_id)
       OR (v_reservation.entity_type, v_reservation.entity_id) IS DISTINCT FROM (p_entity_type, p_entity_id) THEN
      RAISE EXCEPTION 'reservation not found for this part, bin and reference' USING ERRCODE = 'PT404', DETAIL = 'stock_reservation.not_found',
        HINT = 'GET /stock_reservations?status=eq.open lists the open reservations you may see.';
    END IF;
    IF v_reservation.status <> 'open' THEN
      RAISE EXCEPTION 'reservation is %', v_reservation.status USING ERRCODE = 'PT409', DETAIL = 'stock_reservation.closed',
        HINT = 'Issue without the reservation (from available stock).';
    END IF;
    IF p_quantity > v_reservation.quantity - v_reservation.issued_quantity THEN
      RAISE EXCEPTION 'the reservation has % left, % asked', v_reservation.quantity - v_reservation.issued_quantity, p_quantity
        USING ERRCODE = 'PT409', DETAIL = 'stock_reservation.exceeded', HINT = 'Issue the rest without the reservation, from available stock.';
    END IF;
  END IF;
  v_bin := app_private.stock_bin(coalesce(p_bin_id, v_reservation.bin_id), 'stock.issue');
  IF p_entity_type = 'work_order' THEN
    PERFORM app_private.require_work_order_takes_parts(v_org, p_entity_id, p_kind::text);
  END IF;
  INSERT INTO app.stock_movements (organization_id, part_id, bin_id, kind, quantity, reserved_delta, unit_cost, reason, entity_type, entity_id,
                                   reservation_id)
  VALUES (v_org, p_part_id, v_bin.id, p_kind, CASE p_kind WHEN 'issue' THEN -p_quantity ELSE p_quantity END,
          CASE WHEN v_reservation.id IS NOT NULL THEN -p_quantity ELSE 0 END,
          app_private.stock_unit_cost(v_org, p_part_id, v_bin.storeroom_id, p_kind, p_entity_type, p_entity_id),
          p_reason, p_entity_type, p_entity_id, v_reservation.id)
  RETURNING * INTO v_movement;
  IF v_reservation.id IS NOT NULL THEN
    UPDATE app.stock_reservations AS r
       SET issued_quantity = r.issued_quantity + p_quantity,
           status = CASE WHEN r.issued_quantity + p_quantity = r.quantity THEN 'issued'::app.stock_reservation_status ELSE r.status END,
           closed_at = CASE WHEN r.issued_quantity + p_quantity = r.quantity THEN pg_catalog.now() END
     WHERE r.organization_id = v_org AND r.id = v_reservation.id;
  END IF;
  RETURN v_movement;
END
$$;
COMMENT ON FUNCTION auth.stock_issue(app.stock_movement_kind, uuid, uuid, numeric, text, uuid, uuid, text) IS
  'The body of app.issue_stock and app.return_stock, run after the caller''s visibility check of the entity: an issue takes available stock, or reserved stock through an open reservation of the same part, bin and reference (PT404 stock_reservation.not_found, PT409 stock_reservation.closed, stock_reservation.exceeded); a return puts parts back; stock.issue at the bin''s site.';

CREATE OR REPLACE FUNCTION app.issue_stock(part_id uuid, quantity numeric, entity_type text, entity_id uuid,
                                           bin_id uuid DEFAULT NULL, reservation_id uuid DEFAULT NULL)
RETURNS app.stock_movements
LANGUAGE plpgsql VOLATILE
SET search_path = ''
AS $$
BEGIN
  PERFORM auth.check_entity(issue_stock.entity_type, issue_stock.entity_id);
  RETURN auth.stock_issue('issue', issue_stock.part_id, issue_stock.bin_id, issue_stock.quantity, issue_stock.entity_type,
                          issue_stock.entity_id, issue_stock.reservation_id, NULL);
END
$$;
COMMENT ON FUNCTION app.issue_stock(uuid, numeric, text, uuid, uuid, uuid) IS
  E'Issues a quantity of a part from a bin against an entity the caller may see (equipment, work orders): from available stock, or from a reservation of that part, bin and reference (then the bin may be left out). Atomic under concurrency: the stock row is locked, the second of two issues for the last unit is refused. stock.issue at the bin''s site.\nErrors: PT403 permission.missing, PT404 entity.not_found, bin.not_found, part.not_found, stock_reservation.not_found, PT409 stock.insufficient, stock_reservation.closed, stock_reservation.exceeded, bin.inactive, work_order.parts_closed, PT422 stock.quantity_invalid, entity_type.unknown.';

CREATE OR REPLACE FUNCTION app.return_stock(part_id uuid, bin_id uuid, quantity numeric, entity_type text, entity_id uuid, reason text DEFAULT NULL)
RETURNS app.stock_movements
LANGUAGE plpgsql VOLATILE
SET search_path = ''
AS $$
BEGIN
  PERFORM auth.check_entity(return_stock.entity_type, return_stock.entity_id);
  RETURN auth.stock_issue('return', return_stock.part_id, return_stock.bin_id, return_stock.quantity, return_stock.entity_type,
                          return_stock.entity_id, NULL, return_stock.reason);
END
$$;
COMMENT ON FUNCTION app.return_stock(uuid, uuid, numeric, text, uuid, text) IS
  E'Returns unused parts issued for an entity the caller may see into a bin (a return movement). stock.issue at the bin''s site.\nErrors: PT403 permission.missing, PT404 entity.not_found, bin.not_found, part.not_found, PT409 bin.inactive, work_order.parts_closed, PT422 stock.quantity_invalid.';

SELECT app_private.register_entity_type('stock_reservation', 'app.stock_reservations', 'entity_type', 'Stock reservation');
