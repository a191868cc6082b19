-- Shipments (migration logistics/shipments): created by app.create_shipment
-- at a plant where the caller holds shipment.manage, on the tenant's
-- shipment state machine (draft -> picked -> packed -> shipped ->
-- delivered; cancelled), which every tenant gets at provisioning and may
-- replace with its own version (app.define_state_machine). Items and
-- shipping units are added while the shipment is not shipped; only
-- app.ship_shipment takes it to shipped (a guard of kind shipment_ship),
-- because shipping moves inventory: every lot and serial is locked in id
-- order, checked under the lock (released; not consumed, shipped or
-- scrapped; enough left) and taken with a guarded UPDATE, as
-- app.record_consumption does.

CREATE OR REPLACE TRIGGER _100_touch_updated_at BEFORE UPDATE ON app.shipments
  FOR EACH ROW EXECUTE FUNCTION app_private.tg__touch_updated_at();
CREATE OR REPLACE TRIGGER _100_touch_updated_at BEFORE UPDATE ON app.shipping_units
  FOR EACH ROW EXECUTE FUNCTION app_private.tg__touch_updated_at();

SELECT app_private.register_entity_type('shipment', 'app.shipments', 'shipment_number', 'Shipment', 'shipment_number');
SELECT app_private.register_search('shipment', 't.search_vector', $$concat_ws(' ', t.shipment_number, t.carrier, t.tracking_number, t.notes)$$);
SELECT app_private.enable_custom_fields('shipment', p_required_on_insert => false);

-- On-time delivery is measured against the promised date: it may be
-- renegotiated until the goods leave, not after (every change is audited).
CREATE OR REPLACE FUNCTION app_private.tg_shipments__keep_promise() RETURNS trigger
LANGUAGE plpgsql VOLATILE
SET search_path = ''
AS $$
BEGIN
  IF OLD.shipped_at IS NOT NULL OR OLD.status = 'cancelled' THEN
    RAISE EXCEPTION 'shipment % is %: its promised date is fixed', OLD.shipment_number, OLD.status USING ERRCODE = 'PT409',
      DETAIL = 'shipment.promise_fixed',
      HINT = 'On-time delivery is measured against the date promised when the goods left; record a renegotiation in notes.';
  END IF;
  RETURN NEW;
END
$$;
COMMENT ON FUNCTION app_private.tg_shipments__keep_promise() IS
  'BEFORE UPDATE OF promised_date on app.shipments: refuses a new promised date once the shipment shipped (or was cancelled), PT409 shipment.promise_fixed, so OTD cannot be rewritten after the fact.';
CREATE OR REPLACE TRIGGER _200_keep_promise BEFORE UPDATE OF promised_date ON app.shipments
  FOR EACH ROW WHEN (NEW.promised_date IS DISTINCT FROM OLD.promised_date) EXECUTE FUNCTION app_private.tg_shipments__keep_promise();

-- The guard that keeps packed -> shipped to app.ship_shipment: it holds once
-- the shipment is stamped shipped_at, which only app.ship_shipment does (no
-- API role may write the column), after it took the items out of inventory.
CREATE OR REPLACE FUNCTION app_private.transition_guard_shipment_ship(
  p_organization_id uuid, p_entity_type text, p_entity_id uuid, p_guard jsonb
) RETURNS jsonb
LANGUAGE sql STABLE
SET search_path = ''
AS $$
  SELECT CASE WHEN EXISTS (SELECT FROM app.shipments AS s WHERE s.organization_id = p_organization_id AND s.id = p_entity_id
                                                            AND s.shipped_at IS NOT NULL) THEN NULL
              ELSE pg_catalog.jsonb_build_object('reason', 'shipment.ship_with_rpc', 'sqlstate', 'PT409',
                     'message', 'a shipment is shipped with app.ship_shipment, which takes its items out of inventory') END
$$;
COMMENT ON FUNCTION app_private.transition_guard_shipment_ship(uuid, text, uuid, jsonb) IS
  'Guard {"kind": "shipment_ship"}: holds once app.ship_shipment has taken the items out of inventory and stamped shipped_at (in the same transaction); app.transition to shipped otherwise fails with PT409 shipment.ship_with_rpc.';

-- The default shipment state machine, published for a tenant that has none.
CREATE OR REPLACE FUNCTION app_private.provision_logistics(p_organization_id uuid) RETURNS void
LANGUAGE plpgsql VOLATILE
SET search_path = ''
AS $$
DECLARE
  v_machine uuid := public.uuid_generate_v7();
  v_manage jsonb := '[{"kind": "permission", "permission": "shipment.manage"}]';
BEGIN
  IF EXISTS (SELECT FROM app.state_machines AS m WHERE m.organization_id = p_organization_id AND m.entity_type = 'shipment') THEN
    RETURN;
  END IF;
  INSERT INTO app.state_machines (organization_id, id, entity_type, version, name)
  VALUES (p_organization_id, v_machine, 'shipment', 1, 'Shipment');
  INSERT INTO app.state_machine_states (organization_id, state_machine_id, key, label, is_initial, is_terminal, position)
  VALUES (p_organization_id, v_machine, 'draft', 'Draft', true, false, 1),
         (p_organization_id, v_machine, 'picked', 'Picked', false, false, 2),
         (p_organization_id, v_machine, 'packed', 'Packed', false, false, 3),
         (p_organization_id, v_machine, 'shipped', 'Shipped', false, false, 4),
         (p_organization_id, v_machine, 'delivered', 'Delivered', false, true, 5),
         (p_organization_id, v_machine, 'cancelled', 'Cancelled', false, true, 6);
  INSERT INTO app.state_machine_transitions (organization_id, state_machine_id, from_state, to_state, label, guards, position)
  VALUES (p_organization_id, v_machine, 'draft', 'picked', 'Pick', v_manage, 1),
         (p_organization_id, v_machine, 'picked', 'packed', 'Pack', v_manage, 2),
         (p_organization_id, v_machine, 'packed', 'shipped', 'Ship', v_manage || '[{"kind": "shipment_ship"}]', 3),
         (p_organization_id, v_machine, 'shipped', 'delivered', 'Deliver', v_manage, 4),
         (p_organization_id, v_machine, 'draft', 'cancelled', 'Cancel', v_manage, 5),
         (p_organization_id, v_machine, 'picked', 'cancelled', 'Cancel', v_manage, 6),
         (p_organization_id, v_machine, 'packed', 'cancelled', 'Cancel', v_manage, 7),
         (p_organization_id, v_machine, 'picked', 'draft', 'Back to draft', v_manage, 8);
  UPDATE app.state_machines AS m SET status = 'published', published_at = pg_catalog.now()
   WHERE m.organization_id = p_organization_id AND m.id = v_machine;
END
$$;
COMMENT ON FUNCTION app_private.provision_logistics(uuid) IS
  'Gives a tenant without one the default shipment state machine, published: draft -> picked -> packed -> shipped -> delivered, cancelled from draft, picked or packed, picked back to draft; every transition needs shipment.manage at the shipment''s site, and shipped is reached only through app.ship_shipment (guard shipment_ship). Idempotent; a step of app_private.provision_organization.';

-- The shipment's state mirrored in its status column (and delivered_at).
CREATE OR REPLACE FUNCTION app_private.tg_entity_states__shipment_status() RETURNS trigger
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = ''
AS $$
BEGIN
  UPDATE app.shipments AS s
     SET status = NEW.state,
         delivered_at = CASE WHEN NEW.state = 'delivered' THEN pg_catalog.now() ELSE s.delivered_at END
   WHERE s.organization_id = NEW.organization_id AND s.id = NEW.entity_id;
  RETURN NULL;
END
$$;
COMMENT ON FUNCTION app_private.tg_entity_states__shipment_status() IS
  'AFTER INSERT OR UPDATE OF state on app.entity_states of a shipment: copies the state to shipments.status and stamps delivered_at on delivered.';
CREATE OR REPLACE TRIGGER _500_shipment_status AFTER INSERT OR UPDATE OF state ON app.entity_states
  FOR EACH ROW WHEN (NEW.entity_type = 'shipment') EXECUTE FUNCTION app_private.tg_entity_states__shipment_status();

-- Whether the caller may read shipments at a site (staff), or the shipment
-- is their customer's (portal).
CREATE OR REPLACE FUNCTION auth.may_read_shipment(p_site_id uuid, p_customer_id uuid) RETURNS boolean
LANGUAGE sql STABLE
AS $$
  SELECT CASE WHEN auth.partner_id() IS NULL
              THEN auth.has_permission('shipment.read', p_site_id) OR auth.has_permission('shipment.manage', p_site_id)
              ELSE p_customer_id = auth.partner_id() AND auth.has_permission('shipment.read') END
$$;
COMMENT ON FUNCTION auth.may_read_shipment(uuid, uuid) IS
  'Staff: shipment.read or shipment.manage tenant-wide or at the site. A portal user: the customer is their partner and they hold shipment.read.';

-- The caller's shipment, locked: PT404 unless they may read it, PT403
-- without shipment.manage at its site.
CREATE OR REPLACE FUNCTION app_private.lock_shipment(p_shipment_id uuid) RETURNS app.shipments
LANGUAGE plpgsql VOLATILE
SET search_path = ''
AS $$
DECLARE
  v_shipment app.shipments;
BEGIN
  SELECT * INTO v_shipment FROM app.shipments AS s WHERE s.organization_id = auth.org_id() AND s.id = p_shipment_id FOR UPDATE;
  IF NOT FOUND OR NOT auth.may_read_shipment(v_shipment.site_id, v_shipment.customer_id) THEN
    RAISE EXCEPTION 'shipment not found' USING ERRCODE = 'PT404', DETAIL = 'shipment.not_found', HINT = 'GET /shipments lists the shipments you may see.';
  END IF;
  IF auth.partner_id() IS NOT NULL THEN
    RAISE EXCEPTION 'a customer''s portal user reads shipments only' USING ERRCODE = 'PT403', DETAIL = 'permission.missing',
      HINT = 'Staff of the shipping plant with shipment.manage act on shipments.';
  END IF;
  PERFORM auth.check_permission_at('shipment.manage', v_shipment.site_id);
  RETURN v_shipment;
END
$$;
COMMENT ON FUNCTION app_private.lock_shipment(uuid) IS
  'The caller''s shipment, locked FOR UPDATE: PT404 shipment.not_found unless they may read it, PT403 permission.missing for a portal user or without shipment.manage at its site.';

CREATE OR REPLACE FUNCTION app_private.require_shipment_open(p_shipment app.shipments) RETURNS void
LANGUAGE plpgsql STABLE
SET search_path = ''
AS $$
BEGIN
  IF p_shipment.status NOT IN ('draft', 'picked', 'packed') THEN
    RAISE EXCEPTION 'shipment % is %', p_shipment.shipment_number, p_shipment.status USING ERRCODE = 'PT409', DETAIL = 'shipment.not_open',
      HINT = 'Items and units are changed while a shipment is draft, picked or packed.';
  END IF;
END
$$;
COMMENT ON FUNCTION app_private.require_shipment_open(app.shipments) IS 'PT409 shipment.not_open unless the shipment is draft, picked or packed.';

CREATE OR REPLACE FUNCTION app.create_shipment(customer_id uuid, site_id uuid, carrier text DEFAULT NULL, tracking_number text DEFAULT NULL,
                                               promised_date date DEFAULT NULL, notes text DEFAULT '')
RETURNS app.shipments
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = ''
AS $$
DECLARE
  v_org uuid := auth.org_id();
  v_shipment app.shipments;
BEGIN
  IF create_shipment.site_id IS NULL OR NOT EXISTS (SELECT FROM app.sites AS s WHERE s.organization_id = v_org AND s.id = create_shipment.site_id) THEN
    RAISE EXCEPTION 'site not found' USING ERRCODE = 'PT404', DETAIL = 'site.not_found', HINT = 'Send site_id: the ship-from plant, one of GET /sites.';
  END IF;
  IF auth.partner_id() IS NOT NULL THEN
    RAISE EXCEPTION 'a customer''s portal user reads shipments only' USING ERRCODE = 'PT403', DETAIL = 'permission.missing',
      HINT = 'Staff of the shipping plant with shipment.manage act on shipments.';
  END IF;
  PERFORM auth.check_permission_at('shipment.manage', create_shipment.site_id);
  IF create_shipment.customer_id IS NULL OR NOT EXISTS (SELECT FROM app.partners AS p WHERE p.organization_id = v_org AND p.id = create_shipment.customer_id) THEN
    RAISE EXCEPTION 'partner not found' USING ERRCODE = 'PT404', DETAIL = 'partner.not_found', HINT = 'Send customer_id: one of GET /partners.';
  END IF;
  INSERT INTO app.shipments AS s (organization_id, shipment_number, customer_id, site_id, carrier, tracking_number, promised_date, notes, created_by)
  VALUES (v_org, app_private.take_human_id(v_org, 'SHP', NULL), create_shipment.customer_id, create_shipment.site_id,
          nullif(pg_catalog.btrim(create_shipment.carrier), ''), nullif(pg_catalog.btrim(create_shipment.tracking_number), ''),
          create_shipment.promised_date, coalesce(create_shipment.notes, ''), auth.user_id())
  RETURNING s.* INTO v_shipment;
  PERFORM auth.state_machine_start('shipment', v_shipment.id);
  SELECT * INTO v_shipment FROM app.shipments AS s WHERE s.organization_id = v_org AND s.id = v_shipment.id;
  RETURN v_shipment;
END
$$;
COMMENT ON FUNCTION app.create_shipment(uuid, uuid, text, text, date, text) IS
  E'Create a shipment\nA shipment (SHP-000123) to a customer (customer_id: a partner) from a plant (site_id), with carrier, tracking number, promised date and notes, put on the tenant''s shipment state machine in draft. Needs shipment.manage tenant-wide or at the site. PT404 site.not_found, partner.not_found; PT403 permission.missing (portal users too); PT409 state_machine.not_published.';

CREATE OR REPLACE FUNCTION app.add_shipping_unit(shipment_id uuid, packaging text DEFAULT 'carton') RETURNS app.shipping_units
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = ''
AS $$
DECLARE
  v_shipment app.shipments := app_private.lock_shipment(add_shipping_unit.shipment_id);
  v_unit app.shipping_units;
BEGIN
  PERFORM app_private.require_shipment_open(v_shipment);
  INSERT INTO app.shipping_units AS u (organization_id, shipment_id, sscc, packaging, site_id, customer_id, created_by)
  VALUES (v_shipment.organization_id, v_shipment.id, app_private.next_sscc(v_shipment.organization_id),
          coalesce(nullif(pg_catalog.btrim(add_shipping_unit.packaging), ''), 'carton'), v_shipment.site_id, v_shipment.customer_id, auth.user_id())
  RETURNING u.* INTO v_unit;
  RETURN v_unit;
END
$$;
COMMENT ON FUNCTION app.add_shipping_unit(uuid, text) IS
  E'Add a shipping unit\nA handling unit (carton, pallet ...) of an open shipment with the tenant''s next SSCC-18. Needs shipment.manage at the shipment''s site. PT404 shipment.not_found; PT409 shipment.not_open, gs1.company_prefix_missing, gs1.sscc_exhausted.';

-- Whether a lot or serial may ship now (checked again, locked, at shipping).
CREATE OR REPLACE FUNCTION app_private.require_shippable_lot(p_lot app.lots, p_quantity numeric) RETURNS void
LANGUAGE plpgsql VOLATILE
SET search_path = ''
AS $$
BEGIN
  PERFORM app_private.require_released(p_lot, NULL::app.serials, 'ships');
  IF p_lot.inventory_state NOT IN ('available', 'partly_consumed') THEN
    RAISE EXCEPTION 'lot % is %', p_lot.lot_number, p_lot.inventory_state USING ERRCODE = 'PT409', DETAIL = 'lot.not_available',
      HINT = 'A consumed, shipped or scrapped lot cannot ship.';
  END IF;
  IF p_quantity > p_lot.remaining_quantity THEN
    RAISE EXCEPTION 'lot % has % % left, % % asked', p_lot.lot_number, p_lot.remaining_quantity, p_lot.unit, p_quantity, p_lot.unit
      USING ERRCODE = 'PT409', DETAIL = 'lot.insufficient_quantity', HINT = 'Ship at most the lot''s remaining_quantity.';
  END IF;
END
$$;
COMMENT ON FUNCTION app_private.require_shippable_lot(app.lots, numeric) IS
  'PT409 lot.not_released unless the lot is released, lot.not_available when consumed, shipped or scrapped, lot.insufficient_quantity when less than the quantity remains.';

CREATE OR REPLACE FUNCTION app_private.require_shippable_serial(p_serial app.serials) RETURNS void
LANGUAGE plpgsql VOLATILE
SET search_path = ''
AS $$
BEGIN
  PERFORM app_private.require_released(NULL::app.lots, p_serial, 'ships');
  IF p_serial.inventory_state <> 'available' THEN
    RAISE EXCEPTION 'serial % is %', p_serial.serial_number, p_serial.inventory_state USING ERRCODE = 'PT409', DETAIL = 'serial.not_available',
      HINT = 'A consumed, shipped or scrapped piece cannot ship.';
  END IF;
END
$$;
COMMENT ON FUNCTION app_private.require_shippable_serial(app.serials) IS
  'PT409 serial.not_released unless the piece is released, serial.lot_not_released unless its lot is (app_private.require_released), serial.not_available unless it is available.';

CREATE OR REPLACE FUNCTION app.add_shipment_item(shipment_id uuid, lot_id uuid DEFAULT NULL, serial_id uuid DEFAULT NULL,
                                                 quantity numeric DEFAULT NULL, unit text DEFAULT NULL, shipping_unit_id uuid DEFAULT NULL)
RETURNS app.shipment_items
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = ''
AS $$
DECLARE
  v_shipment app.shipments := app_private.lock_shipment(add_shipment_item.shipment_id);
  v_lot app.lots;
  v_serial app.serials;
  v_quantity numeric;
  v_item app.shipment_items;
BEGIN
  PERFORM app_private.require_shipment_open(v_shipment);
  IF pg_catalog.num_nonnulls(add_shipment_item.lot_id, add_shipment_item.serial_id) <> 1 THEN
    PERFORM app_private.raise_invalid('shipment_item.invalid', 'an item is a lot (with a quantity) or a serial',
      'Send lot_id and quantity (unit: the part''s unless sent), or serial_id.');
  END IF;
  IF add_shipment_item.shipping_unit_id IS NOT NULL AND NOT EXISTS (
       SELECT FROM app.shipping_units AS u WHERE u.organization_id = v_shipment.organization_id AND u.id = add_shipment_item.shipping_unit_id
          AND u.shipment_id = v_shipment.id) THEN
    RAISE EXCEPTION 'shipping unit not found' USING ERRCODE = 'PT404', DETAIL = 'shipping_unit.not_found',
      HINT = 'Send shipping_unit_id: a unit of this shipment (POST /rpc/add_shipping_unit).';
  END IF;
  IF add_shipment_item.lot_id IS NOT NULL THEN
    SELECT * INTO v_lot FROM app.lots AS l WHERE l.organization_id = v_shipment.organization_id AND l.id = add_shipment_item.lot_id
       AND l.site_id = v_shipment.site_id;
    IF NOT FOUND THEN
      RAISE EXCEPTION 'lot not found' USING ERRCODE = 'PT404', DETAIL = 'lot.not_found', HINT = 'A shipment carries lots of its own plant.';
    END IF;
    IF add_shipment_item.quantity IS NULL OR add_shipment_item.quantity <= 0 THEN
      PERFORM app_private.raise_invalid('shipment_item.quantity_invalid', 'the quantity shipped must be positive',
        pg_catalog.format('Send quantity above 0 (in unit, %s unless sent).', v_lot.unit));
    END IF;
    v_quantity := CASE WHEN coalesce(add_shipment_item.unit, v_lot.unit) = v_lot.unit THEN add_shipment_item.quantity
                       ELSE app.convert_unit(add_shipment_item.quantity, add_shipment_item.unit, v_lot.unit) END;
    PERFORM app_private.require_shippable_lot(v_lot, v_quantity + coalesce((
      SELECT sum(i.quantity) FROM app.shipment_items AS i
       WHERE i.organization_id = v_shipment.organization_id AND i.shipment_id = v_shipment.id AND i.lot_id = v_lot.id), 0));
    INSERT INTO app.shipment_items AS i (organization_id, id, shipment_id, shipping_unit_id, lot_id, part_id, quantity, unit, site_id, customer_id, created_by)
    VALUES (v_shipment.organization_id, public.uuid_generate_v7(), v_shipment.id, add_shipment_item.shipping_unit_id, v_lot.id, v_lot.part_id,
            v_quantity, v_lot.unit, v_shipment.site_id, v_shipment.customer_id, auth.user_id())
    RETURNING i.* INTO v_item;
  ELSE
    SELECT * INTO v_serial FROM app.serials AS s WHERE s.organization_id = v_shipment.organization_id AND s.id = add_shipment_item.serial_id
       AND s.site_id = v_shipment.site_id;
    IF NOT FOUND THEN
      RAISE EXCEPTION 'serial not found' USING ERRCODE = 'PT404', DETAIL = 'serial.not_found', HINT = 'A shipment carries serials of its own plant.';
    END IF;
    PERFORM app_private.require_shippable_serial(v_serial);
    INSERT INTO app.shipment_items AS i (organization_id, id, shipment_id, shipping_unit_id, serial_id, part_id, quantity, unit, site_id, customer_id, created_by)
    VALUES (v_shipment.organization_id, public.uuid_generate_v7(), v_shipment.id, add_shipment_item.shipping_unit_id, v_serial.id, v_serial.part_id,
            1, (SELECT p.unit FROM app.parts AS p WHERE p.organization_id = v_serial.organization_id AND p.id = v_serial.part_id),
            v_shipment.site_id, v_shipment.customer_id, auth.user_id())
    ON CONFLICT ON CONSTRAINT shipment_items_serial_once DO NOTHING
    RETURNING i.* INTO v_item;
    IF v_item.id IS NULL THEN
      PERFORM app_private.raise_invalid('shipment_item.invalid', pg_catalog.format('serial %s is on the shipment already', v_serial.serial_number),
        'A serial is shipped once.');
    END IF;
  END IF;
  RETURN v_item;
END
$$;
COMMENT ON FUNCTION app.add_shipment_item(uuid, uuid, uuid, numeric, text, uuid) IS
  E'Add a shipment item\nPuts a quantity of a lot (sent in unit, kept in the part''s unit) or one serial of the shipment''s plant on an open shipment, optionally in one of its shipping units; refused now when it could not ship (checked again, locked, by app.ship_shipment). Needs shipment.manage at the shipment''s site. PT404 shipment.not_found, lot.not_found, serial.not_found, shipping_unit.not_found; PT409 shipment.not_open, lot.not_released, lot.not_available, lot.insufficient_quantity (with what the shipment already carries of it), serial.not_released, serial.lot_not_released, serial.not_available; PT422 shipment_item.invalid, shipment_item.quantity_invalid, unit.*.';

CREATE OR REPLACE FUNCTION app.ship_shipment(shipment_id uuid) RETURNS app.shipments
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = ''
AS $$
DECLARE
  v_shipment app.shipments := app_private.lock_shipment(ship_shipment.shipment_id);
  v_take record;
  v_lot app.lots;
  v_serial app.serials;
BEGIN
  IF v_shipment.status <> 'packed' THEN
    RAISE EXCEPTION 'shipment % is %', v_shipment.shipment_number, v_shipment.status USING ERRCODE = 'PT409', DETAIL = 'shipment.not_packed',
      HINT = 'Ship a packed shipment: POST /rpc/transition {"entity_type": "shipment", "entity_id": ..., "to_state": "packed"} first.';
  END IF;
  IF NOT EXISTS (SELECT FROM app.shipment_items AS i WHERE i.organization_id = v_shipment.organization_id AND i.shipment_id = v_shipment.id) THEN
    RAISE EXCEPTION 'shipment % carries nothing', v_shipment.shipment_number USING ERRCODE = 'PT409', DETAIL = 'shipment.empty',
      HINT = 'Add items first (POST /rpc/add_shipment_item).';
  END IF;
  -- Lots in id order (what the shipment carries of each, summed), then serials in id order.
  FOR v_take IN SELECT i.lot_id, sum(i.quantity) AS quantity FROM app.shipment_items AS i
                 WHERE i.organization_id = v_shipment.organization_id AND i.shipment_id = v_shipment.id AND i.lot_id IS NOT NULL
                 GROUP BY i.lot_id ORDER BY i.lot_id LOOP
    SELECT * INTO v_lot FROM app.lots AS l WHERE l.organization_id = v_shipment.organization_id AND l.id = v_take.lot_id FOR UPDATE;
    PERFORM app_private.require_shippable_lot(v_lot, v_take.quantity);
    UPDATE app.lots AS l
       SET remaining_quantity = l.remaining_quantity - v_take.quantity,
           inventory_state = CASE WHEN l.remaining_quantity - v_take.quantity = 0 THEN 'shipped' ELSE 'partly_consumed' END::app.trace_inventory_state
     WHERE l.organization_id = v_lot.organization_id AND l.id = v_lot.id AND l.remaining_quantity >= v_take.quantity;
    IF NOT FOUND THEN
      RAISE EXCEPTION 'lot % has less left than the shipment carries', v_lot.lot_number USING ERRCODE = 'PT409', DETAIL = 'lot.insufficient_quantity',
        HINT = 'Ship at most the lot''s remaining_quantity.';
    END IF;
  END LOOP;
  FOR v_take IN SELECT i.serial_id FROM app.shipment_items AS i
                 WHERE i.organization_id = v_shipment.organization_id AND i.shipment_id = v_shipment.id AND i.serial_id IS NOT NULL
                 ORDER BY i.serial_id LOOP
    SELECT * INTO v_serial FROM app.serials AS s WHERE s.organization_id = v_shipment.organization_id AND s.id = v_take.serial_id FOR UPDATE;
    PERFORM app_private.require_shippable_serial(v_serial);
    UPDATE app.serials AS s SET inventory_state = 'shipped' WHERE s.organization_id = v_serial.organization_id AND s.id = v_serial.id;
  END LOOP;
  UPDATE app.shipments AS s SET shipped_at = pg_catalog.now(), shipped_by = auth.user_id()
   WHERE s.organization_id = v_shipment.organization_id AND s.id = v_shipment.id;
  PERFORM auth.state_machine_transition('shipment', v_shipment.id, 'shipped', NULL, NULL);
  SELECT * INTO v_shipment FROM app.shipments AS s WHERE s.organization_id = v_shipment.organization_id AND s.id = v_shipment.id;
  PERFORM app_private.publish_event(v_shipment.organization_id, 'shipment.shipped',
    pg_catalog.jsonb_build_object('shipment_id', v_shipment.id, 'shipment_number', v_shipment.shipment_number,
                                  'customer_id', v_shipment.customer_id, 'shipped_at', v_shipment.shipped_at),
    'shipment', v_shipment.id);
  RETURN v_shipment;
END
$$;
COMMENT ON FUNCTION app.ship_shipment(uuid) IS
  E'Ship a shipment\nTakes a packed shipment''s items out of inventory and moves it to shipped, all or nothing: each lot (locked, in id order) gives what the shipment carries of it (its inventory state becomes shipped when nothing is left, partly_consumed otherwise), each serial becomes shipped; only released material that is not consumed, shipped or scrapped ships, never more than remains (also under concurrency). Records who and when (shipped_by, shipped_at), publishes shipment.shipped. Needs shipment.manage at the shipment''s site. PT404 shipment.not_found; PT409 shipment.not_packed, shipment.empty, lot.not_released, lot.not_available, lot.insufficient_quantity, serial.not_released, serial.lot_not_released, serial.not_available.';
