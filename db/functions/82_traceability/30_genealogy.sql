-- Genealogy (migration traceability/lots): app.record_consumption writes
-- the edges and takes the consumed quantity from the consumed lots in the
-- same call. A lot's remaining quantity never goes negative, even under
-- concurrency: every consumed item is locked (FOR UPDATE, lots then serials,
-- each in id order, so two consumptions over the same lots cannot
-- deadlock), its status checked under the lock, and the quantity taken with
-- a guarded UPDATE (remaining_quantity >= taken), under the CHECK
-- lots_remaining_range besides. Edges are append-only.

CREATE OR REPLACE TRIGGER _100_append_only BEFORE UPDATE OR DELETE ON app.genealogy_edges
  FOR EACH ROW EXECUTE FUNCTION app_private.tg__append_only();

-- Takes p_quantity (in any unit of the lot's dimension) from a lot the
-- caller has locked and checked; returns it in the lot's unit.
CREATE OR REPLACE FUNCTION app_private.consume_from_lot(p_lot app.lots, p_quantity numeric, p_unit text) RETURNS numeric
LANGUAGE plpgsql VOLATILE
SET search_path = ''
AS $$
DECLARE
  v_taken numeric;
BEGIN
  PERFORM app_private.require_released(p_lot, NULL::app.serials, 'is consumed');
  IF p_lot.inventory_state NOT IN ('available', 'partly_consumed') THEN
    RAISE EXCEPTION 'lot % is %', p_lot.lot_number, p_lot.inventory_state USING ERRCODE = 'PT409', DETAIL = 'lot.not_available',
      HINT = 'A consumed, shipped or scrapped lot gives no material.';
  END IF;
  IF p_quantity IS NULL OR p_quantity <= 0 THEN
    PERFORM app_private.raise_invalid('genealogy.quantity_invalid', pg_catalog.format('the quantity taken from lot %s must be positive', p_lot.lot_number),
      pg_catalog.format('Send quantity above 0 (in unit, %s unless sent).', p_lot.unit));
  END IF;
  v_taken := CASE WHEN coalesce(p_unit, p_lot.unit) = p_lot.unit THEN p_quantity ELSE app.convert_unit(p_quantity, p_unit, p_lot.unit) END;
  UPDATE app.lots AS l
     SET remaining_quantity = l.remaining_quantity - v_taken,
         inventory_state = CASE WHEN l.remaining_quantity - v_taken = 0 THEN 'consumed' ELSE 'partly_consumed' END::app.trace_inventory_state
   WHERE l.organization_id = p_lot.organization_id AND l.id = p_lot.id AND l.remaining_quantity >= v_taken;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'lot % has % % left, % % asked', p_lot.lot_number,
      (SELECT l.remaining_quantity FROM app.lots AS l WHERE l.organization_id = p_lot.organization_id AND l.id = p_lot.id), p_lot.unit,
      v_taken, p_lot.unit
      USING ERRCODE = 'PT409', DETAIL = 'lot.insufficient_quantity',
            HINT = 'Consume at most the lot''s remaining_quantity (GET /lots?id=eq.<id>&select=remaining_quantity,unit).';
  END IF;
  RETURN v_taken;
END
$$;
COMMENT ON FUNCTION app_private.consume_from_lot(app.lots, numeric, text) IS
  'Takes a quantity from a locked lot: PT409 lot.not_released unless it is released (app_private.require_released), lot.not_available when consumed, shipped or scrapped, lot.insufficient_quantity when less remains (a guarded UPDATE: never negative); PT422 genealogy.quantity_invalid. Moves the inventory state to partly_consumed or consumed. Returns the quantity in the lot''s unit.';

CREATE OR REPLACE FUNCTION app.record_consumption(consumed jsonb, produced_lot_id uuid DEFAULT NULL, produced_serial_id uuid DEFAULT NULL)
RETURNS SETOF app.genealogy_edges
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = ''
AS $$
DECLARE
  v_org uuid := auth.org_id();
  v_to uuid := coalesce(produced_lot_id, produced_serial_id);
  v_site uuid;
  v_item jsonb;
  v_lot app.lots;
  v_serial app.serials;
  v_taken numeric;
  v_unit text;
  v_edge app.genealogy_edges;
BEGIN
  IF pg_catalog.num_nonnulls(produced_lot_id, produced_serial_id) <> 1 THEN
    PERFORM app_private.raise_invalid('genealogy.invalid', 'name the produced item: produced_lot_id or produced_serial_id',
      'Send exactly one of produced_lot_id and produced_serial_id.');
  END IF;
  IF pg_catalog.jsonb_typeof(consumed) IS DISTINCT FROM 'array' OR pg_catalog.jsonb_array_length(consumed) NOT BETWEEN 1 AND 1000
     OR EXISTS (SELECT FROM pg_catalog.jsonb_array_elements(consumed) AS e
                 WHERE pg_catalog.jsonb_typeof(e.value) IS DISTINCT FROM 'object'
                    OR (e.value ? 'lot_id') = (e.value ? 'serial_id')
                    OR EXISTS (SELECT FROM pg_catalog.jsonb_object_keys(e.value) AS k WHERE k NOT IN ('lot_id', 'serial_id', 'quantity', 'unit')))
     OR (SELECT count(DISTINCT coalesce(e.value ->> 'lot_id', e.value ->> 'serial_id')) FROM pg_catalog.jsonb_array_elements(consumed) AS e)
        <> pg_catalog.jsonb_array_length(consumed) THEN
    PERFORM app_private.raise_invalid('genealogy.invalid', 'consumed must be 1 to 1000 distinct objects {lot_id, quantity, unit} or {serial_id}',
      'Send consumed: [{"lot_id": ..., "quantity": 2.5, "unit": "kg"}, {"serial_id": ...}], each item once.');
  END IF;
  IF EXISTS (SELECT FROM pg_catalog.jsonb_array_elements(consumed) AS e WHERE coalesce(e.value ->> 'lot_id', e.value ->> 'serial_id') = v_to::text) THEN
    PERFORM app_private.raise_invalid('genealogy.self', 'an item cannot consume itself', 'Name other lots or serials in consumed.');
  END IF;
  IF produced_lot_id IS NOT NULL THEN
    v_site := (app_private.lock_lot(produced_lot_id)).site_id;
  ELSE
    v_site := (app_private.lock_serial(produced_serial_id)).site_id;
  END IF;
  -- Lots, then serials, each in id order: concurrent consumptions lock in the same order.
  FOR v_item IN SELECT e.value FROM pg_catalog.jsonb_array_elements(consumed) AS e
                 ORDER BY e.value ? 'serial_id', (coalesce(e.value ->> 'lot_id', e.value ->> 'serial_id'))::uuid LOOP
    IF v_item ? 'lot_id' THEN
      v_lot := app_private.lock_lot((v_item ->> 'lot_id')::uuid);
      v_taken := app_private.consume_from_lot(v_lot, (v_item ->> 'quantity')::numeric, v_item ->> 'unit');
      v_unit := v_lot.unit;
    ELSE
      v_serial := app_private.lock_serial((v_item ->> 'serial_id')::uuid);
      PERFORM app_private.require_released(NULL::app.lots, v_serial, 'is consumed');
      IF v_serial.inventory_state <> 'available' THEN
        RAISE EXCEPTION 'serial % is %', v_serial.serial_number, v_serial.inventory_state USING ERRCODE = 'PT409', DETAIL = 'serial.not_available',
          HINT = 'A consumed, shipped or scrapped piece cannot be consumed again.';
      END IF;
      UPDATE app.serials AS s SET inventory_state = 'consumed' WHERE s.organization_id = v_serial.organization_id AND s.id = v_serial.id;
      v_taken := 1;
      v_unit := (SELECT p.unit FROM app.parts AS p WHERE p.organization_id = v_serial.organization_id AND p.id = v_serial.part_id);
    END IF;
    -- No cycles: the consumed item may not be made (at any depth) from what it goes into.
    IF EXISTS (WITH RECURSIVE down (node, depth) AS (
                 SELECT v_to, 0
                 UNION
                 SELECT e.to_id, d.depth + 1 FROM down AS d JOIN app.genealogy_edges AS e ON e.organization_id = v_org AND e.from_id = d.node
                  WHERE d.depth < 100)
               SELECT FROM down WHERE down.node = coalesce(v_lot.id, v_serial.id)) THEN
      RAISE EXCEPTION 'this consumption would close a loop in the genealogy' USING ERRCODE = 'PT409', DETAIL = 'genealogy.cycle',
        HINT = 'The consumed item was itself made from the produced item: check which lot or serial was meant.';
    END IF;
    INSERT INTO app.genealogy_edges AS g (organization_id, id, consumed_lot_id, consumed_serial_id, produced_lot_id, produced_serial_id,
                                          quantity, unit, site_id, recorded_by)
    VALUES (v_org, public.uuid_generate_v7(), CASE WHEN v_item ? 'lot_id' THEN v_lot.id END, CASE WHEN v_item ? 'serial_id' THEN v_serial.id END,
            record_consumption.produced_lot_id, record_consumption.produced_serial_id, v_taken, v_unit, v_site, auth.user_id())
    RETURNING g.* INTO v_edge;
    RETURN NEXT v_edge;
    v_lot := NULL;
    v_serial := NULL;
  END LOOP;
END
$$;
COMMENT ON FUNCTION app.record_consumption(jsonb, uuid, uuid) IS
  E'Record consumption\nRecords that lots and serials went into a produced lot or serial (produced_lot_id or produced_serial_id), all or nothing: consumed [{lot_id, quantity, unit} | {serial_id}]. Each lot''s quantity (converted to its unit) is taken from its remaining quantity, never more than is left (PT409 lot.insufficient_quantity, also under concurrency: the lots are locked in id order), and its inventory state moves to partly_consumed or consumed; a serial becomes consumed. Only released material is consumed (PT409 lot.not_released, serial.not_released, serial.lot_not_released when the serials lot is held or quarantined; lot.not_available, serial.not_available when consumed, shipped or scrapped). No loops (PT409 genealogy.cycle). Needs traceability.manage at the produced item''s site and at each consumed item''s site; PT404 lot.not_found, serial.not_found; PT422 genealogy.invalid, genealogy.self, genealogy.quantity_invalid, unit.*. Returns the edges.';
