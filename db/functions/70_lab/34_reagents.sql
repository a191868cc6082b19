-- Reagents and consumables (migration lab/reagents): the catalog, lots and
-- their uses. A lot's remaining quantity is lowered only by app.use_reagent,
-- with the lot row locked (FOR UPDATE), so concurrent uses never take it
-- below 0; an expired or quarantined lot is refused. Stock below an item's
-- threshold is announced once per crossing (app_private.reagent_low_stock).

CREATE OR REPLACE TRIGGER _100_touch_updated_at BEFORE UPDATE ON app.reagent_items
  FOR EACH ROW EXECUTE FUNCTION app_private.tg__touch_updated_at();

-- Whether a lot is usable today: expired (past expires_on) wins over its status.
CREATE OR REPLACE FUNCTION app.reagent_lots_effective_status(lot app.reagent_lots) RETURNS text
LANGUAGE sql STABLE
SET search_path = ''
AS $$
  SELECT CASE WHEN lot.status = 'available' AND lot.expires_on < current_date THEN 'expired' ELSE lot.status::text END;
$$;
COMMENT ON FUNCTION app.reagent_lots_effective_status(app.reagent_lots) IS
  'A lot''s status today: available, quarantined, disposed, or expired (available but past its expiry date). GraphQL field effectiveStatus.';

CREATE OR REPLACE FUNCTION app_private.tg_reagent_lots__prepare() RETURNS trigger
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = ''
AS $$
DECLARE
  v_item app.reagent_items;
BEGIN
  PERFORM app_private.refuse_foreign_tenant(NEW.organization_id);
  IF TG_OP = 'INSERT' THEN
    SELECT * INTO v_item FROM app.reagent_items AS i WHERE i.organization_id = NEW.organization_id AND i.id = NEW.item_id;
    IF FOUND AND NOT v_item.is_active THEN
      PERFORM app_private.raise_invalid('reagent_item.inactive', pg_catalog.format('item %s is not active', v_item.code),
        'Receive lots of active items only.');
    END IF;
    NEW.unit := coalesce(NEW.unit, v_item.unit);
    -- Refuses a unit of another dimension than the item's (PT422 unit.incompatible).
    PERFORM app.convert_unit(1, NEW.unit, v_item.unit);
    NEW.remaining_quantity := NEW.received_quantity;
    NEW.received_on := coalesce(NEW.received_on, current_date);
    NEW.created_by := auth.user_id();
  END IF;
  RETURN NEW;
END
$$;
COMMENT ON FUNCTION app_private.tg_reagent_lots__prepare() IS
  'BEFORE INSERT/UPDATE on reagent_lots: the tenant guard; a new lot is of an active item (PT422 reagent_item.inactive), in the item''s unit unless sent (one of its dimension: PT422 unit.incompatible), with all it received remaining, received today unless sent, and its receiver.';

CREATE OR REPLACE TRIGGER _200_prepare BEFORE INSERT OR UPDATE ON app.reagent_lots
  FOR EACH ROW EXECUTE FUNCTION app_private.tg_reagent_lots__prepare();
CREATE OR REPLACE TRIGGER _100_touch_updated_at BEFORE UPDATE ON app.reagent_lots
  FOR EACH ROW EXECUTE FUNCTION app_private.tg__touch_updated_at();

-- Available stock per item, in the item's unit: lots available and not
-- expired on p_as_of.
CREATE OR REPLACE FUNCTION app_private.reagent_available(p_organization_id uuid, p_item_id uuid, p_as_of date DEFAULT current_date)
RETURNS numeric
LANGUAGE sql STABLE
SET search_path = ''
AS $$
  SELECT coalesce(sum(app.convert_unit(l.remaining_quantity, l.unit, i.unit)), 0)
    FROM app.reagent_items AS i
    JOIN app.reagent_lots AS l ON l.organization_id = i.organization_id AND l.item_id = i.id
   WHERE i.organization_id = p_organization_id AND i.id = p_item_id
     AND l.status = 'available' AND (l.expires_on IS NULL OR l.expires_on >= p_as_of);
$$;
COMMENT ON FUNCTION app_private.reagent_available(uuid, uuid, date) IS
  'An item''s available stock in its unit: the remaining quantity of its lots that are available and not expired on p_as_of.';

-- Once per crossing: below the threshold and not announced -> announce
-- (notification to reagent.manage holders, event reagent.low_stock); back
-- at or above it -> forget, so the next crossing is announced again.
CREATE OR REPLACE FUNCTION app_private.check_reagent_stock(p_organization_id uuid, p_item_id uuid, p_as_of timestamptz DEFAULT now())
RETURNS boolean
LANGUAGE plpgsql VOLATILE
SET search_path = ''
AS $$
DECLARE
  v_item app.reagent_items;
  v_available numeric;
BEGIN
  SELECT * INTO v_item FROM app.reagent_items AS i WHERE i.organization_id = p_organization_id AND i.id = p_item_id;
  IF NOT FOUND THEN
    RETURN false;
  END IF;
  v_available := app_private.reagent_available(p_organization_id, p_item_id, (p_as_of AT TIME ZONE 'UTC')::date);
  IF v_item.low_stock_threshold IS NULL OR NOT v_item.is_active OR v_available >= v_item.low_stock_threshold THEN
    DELETE FROM app_private.reagent_low_stock AS l WHERE l.organization_id = p_organization_id AND l.item_id = p_item_id;
    RETURN false;
  END IF;
  INSERT INTO app_private.reagent_low_stock (organization_id, item_id, available, since)
  VALUES (p_organization_id, p_item_id, v_available, p_as_of)
  ON CONFLICT DO NOTHING;
  IF NOT FOUND THEN
    RETURN false;
  END IF;
  PERFORM app_private.notify_readers(p_organization_id,
    ARRAY(SELECT m.user_id FROM app.memberships AS m WHERE m.organization_id = p_organization_id AND m.status = 'active'),
    'reagent.manage', 'system', pg_catalog.format('%s is low on stock', v_item.code),
    pg_catalog.format('%s "%s": %s %s available, below the threshold of %s %s.', v_item.code, v_item.name,
                      pg_catalog.round(v_available, 3), v_item.unit, v_item.low_stock_threshold, v_item.unit),
    'high', NULL, 'reagent_item', v_item.id);
  PERFORM app_private.publish_event(p_organization_id, 'reagent.low_stock',
    pg_catalog.jsonb_build_object('item_id', v_item.id, 'code', v_item.code, 'name', v_item.name, 'kind', v_item.kind,
                                  'unit', v_item.unit, 'available', v_available, 'threshold', v_item.low_stock_threshold),
    'reagent_item', v_item.id);
  RETURN true;
END
$$;
COMMENT ON FUNCTION app_private.check_reagent_stock(uuid, uuid, timestamptz) IS
  'Announces an item whose available stock is below its threshold once per crossing: a high-priority notification to staff holding reagent.manage tenant-wide and the event reagent.low_stock; forgets the crossing when the stock is back at or above the threshold. Returns whether it announced.';

CREATE OR REPLACE FUNCTION app_private.tg_reagent_stock__check() RETURNS trigger
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = ''
AS $$
BEGIN
  PERFORM app_private.check_reagent_stock(NEW.organization_id, CASE TG_TABLE_NAME WHEN 'reagent_items' THEN NEW.id ELSE (pg_catalog.to_jsonb(NEW) ->> 'item_id')::uuid END);
  RETURN NULL;
END
$$;
COMMENT ON FUNCTION app_private.tg_reagent_stock__check() IS
  'AFTER INSERT/UPDATE on reagent_lots and reagent_items: re-checks the item''s stock against its threshold (app_private.check_reagent_stock).';

CREATE OR REPLACE TRIGGER _500_check_stock AFTER INSERT OR UPDATE ON app.reagent_lots
  FOR EACH ROW EXECUTE FUNCTION app_private.tg_reagent_stock__check();
CREATE OR REPLACE TRIGGER _500_check_stock AFTER UPDATE OF low_stock_threshold, is_active ON app.reagent_items
  FOR EACH ROW EXECUTE FUNCTION app_private.tg_reagent_stock__check();

-- Job check-reagent-stock: lots expire by date, which no write announces.
CREATE OR REPLACE FUNCTION app_private.check_all_reagent_stock(p_as_of timestamptz DEFAULT now()) RETURNS integer
LANGUAGE sql VOLATILE
SET search_path = ''
AS $$
  SELECT count(*) FILTER (WHERE app_private.check_reagent_stock(i.organization_id, i.id, p_as_of))::integer
    FROM app.reagent_items AS i WHERE i.low_stock_threshold IS NOT NULL;
$$;
COMMENT ON FUNCTION app_private.check_all_reagent_stock(timestamptz) IS
  'Job check-reagent-stock: re-checks every item with a threshold as of p_as_of (lots expire by date without a write); returns how many crossings were announced.';

CREATE OR REPLACE VIEW app.reagent_stock WITH (security_invoker = true) AS
SELECT i.organization_id, i.id AS item_id, i.code, i.name, i.kind, i.unit, i.low_stock_threshold,
       coalesce(sum(app.convert_unit(l.remaining_quantity, l.unit, i.unit))
                FILTER (WHERE l.status = 'available' AND (l.expires_on IS NULL OR l.expires_on >= current_date)), 0) AS available,
       count(l.id) FILTER (WHERE l.status = 'available' AND (l.expires_on IS NULL OR l.expires_on >= current_date)) AS available_lots,
       min(l.expires_on) FILTER (WHERE l.status = 'available' AND l.expires_on >= current_date) AS next_expiry,
       coalesce(coalesce(sum(app.convert_unit(l.remaining_quantity, l.unit, i.unit))
                FILTER (WHERE l.status = 'available' AND (l.expires_on IS NULL OR l.expires_on >= current_date)), 0)
                < i.low_stock_threshold, false) AS is_low
  FROM app.reagent_items AS i
  LEFT JOIN app.reagent_lots AS l ON l.organization_id = i.organization_id AND l.item_id = i.id
 WHERE i.is_active
 GROUP BY i.organization_id, i.id;
COMMENT ON VIEW app.reagent_stock IS
  E'Reagent stock\nPer active item: the stock available today (lots available and not expired, in the item''s unit), how many such lots, the next expiry, and whether it is below the low-stock threshold.';
COMMENT ON COLUMN app.reagent_stock.organization_id IS E'Tenant';
COMMENT ON COLUMN app.reagent_stock.item_id IS E'Item\nreagent_items.id.';
COMMENT ON COLUMN app.reagent_stock.code IS E'Code';
COMMENT ON COLUMN app.reagent_stock.name IS E'Name';
COMMENT ON COLUMN app.reagent_stock.kind IS E'Kind';
COMMENT ON COLUMN app.reagent_stock.unit IS E'Unit';
COMMENT ON COLUMN app.reagent_stock.low_stock_threshold IS E'Low-stock threshold';
COMMENT ON COLUMN app.reagent_stock.available IS E'Available\nRemaining quantity of available, unexpired lots, in unit.';
COMMENT ON COLUMN app.reagent_stock.available_lots IS E'Available lots';
COMMENT ON COLUMN app.reagent_stock.next_expiry IS E'Next expiry\nThe earliest expiry date among available lots.';
COMMENT ON COLUMN app.reagent_stock.is_low IS E'Low\nWhether available is below the threshold.';

CREATE OR REPLACE FUNCTION auth.reagent_use(p_lot_id uuid, p_quantity numeric, p_unit text, p_entity_type text, p_entity_id uuid)
RETURNS app.reagent_uses
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = ''
AS $$
DECLARE
  v_org uuid := app_private.caller_entity(p_entity_type, p_entity_id);
  v_lot app.reagent_lots;
  v_item app.reagent_items;
  v_lot_quantity numeric;
  v_use app.reagent_uses;
BEGIN
  -- Lots are the tenant's: reagent.use tenant-wide or at some site will do.
  IF pg_catalog.cardinality(auth.permitted_site_ids('reagent.use')) = 0 THEN
    PERFORM app_private.require_permission('reagent.use');
  END IF;
  IF p_quantity IS NULL OR p_quantity <= 0 THEN
    PERFORM app_private.raise_invalid('reagent_use.quantity', 'the quantity used must be positive', 'Send the quantity used and its unit.');
  END IF;
  SELECT * INTO v_lot FROM app.reagent_lots AS l WHERE l.organization_id = v_org AND l.id = p_lot_id FOR UPDATE;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'reagent lot not found' USING ERRCODE = 'PT404', DETAIL = 'reagent_lot.not_found',
      HINT = 'GET /reagent_lots lists the lots of your tenant.';
  END IF;
  SELECT * INTO v_item FROM app.reagent_items AS i WHERE i.organization_id = v_org AND i.id = v_lot.item_id;
  IF v_lot.status = 'quarantined' THEN
    RAISE EXCEPTION 'lot % of % is quarantined', v_lot.lot_number, v_item.code USING ERRCODE = 'PT409', DETAIL = 'reagent_lot.quarantined',
      HINT = coalesce('Reason: ' || v_lot.status_reason || '. ', '') || 'Use an available lot (GET /reagent_lots?status=eq.available).';
  ELSIF v_lot.status = 'disposed' THEN
    RAISE EXCEPTION 'lot % of % is disposed', v_lot.lot_number, v_item.code USING ERRCODE = 'PT409', DETAIL = 'reagent_lot.disposed',
      HINT = 'Use an available lot (GET /reagent_lots?status=eq.available).';
  END IF;
  IF v_lot.expires_on < current_date THEN
    RAISE EXCEPTION 'lot % of % expired on %', v_lot.lot_number, v_item.code, v_lot.expires_on USING ERRCODE = 'PT409',
      DETAIL = 'reagent_lot.expired', HINT = 'Use a lot that has not expired, and dispose of this one.';
  END IF;
  v_lot_quantity := app.convert_unit(p_quantity, coalesce(p_unit, v_lot.unit), v_lot.unit);
  IF v_lot_quantity > v_lot.remaining_quantity THEN
    RAISE EXCEPTION 'lot % of % has % % left, % % asked', v_lot.lot_number, v_item.code, v_lot.remaining_quantity, v_lot.unit,
      v_lot_quantity, v_lot.unit USING ERRCODE = 'PT409', DETAIL = 'reagent_lot.insufficient',
      HINT = 'Use less, or take the rest from another lot.';
  END IF;
  UPDATE app.reagent_lots AS l SET remaining_quantity = l.remaining_quantity - v_lot_quantity
   WHERE l.organization_id = v_org AND l.id = v_lot.id;
  INSERT INTO app.reagent_uses (organization_id, lot_id, quantity, unit, lot_quantity, entity_type, entity_id, used_by)
  VALUES (v_org, v_lot.id, p_quantity, coalesce(p_unit, v_lot.unit), v_lot_quantity, p_entity_type, p_entity_id, auth.user_id())
  RETURNING * INTO v_use;
  RETURN v_use;
END
$$;
COMMENT ON FUNCTION auth.reagent_use(uuid, numeric, text, text, uuid) IS
  'The body of app.use_reagent, run after the caller''s visibility check of the entity: reagent.use (tenant-wide or at some site); locks the lot, refuses one not available (PT409 reagent_lot.quarantined, reagent_lot.disposed), expired (PT409 reagent_lot.expired) or with too little left (PT409 reagent_lot.insufficient), converts the quantity into the lot''s unit, deducts it and records the use.';

CREATE OR REPLACE FUNCTION app.use_reagent(lot_id uuid, quantity numeric, unit text, entity_type text, entity_id uuid)
RETURNS app.reagent_uses
LANGUAGE plpgsql VOLATILE
SET search_path = ''
AS $$
BEGIN
  PERFORM auth.check_entity(use_reagent.entity_type, use_reagent.entity_id);
  RETURN auth.reagent_use(use_reagent.lot_id, use_reagent.quantity, use_reagent.unit, use_reagent.entity_type, use_reagent.entity_id);
END
$$;
COMMENT ON FUNCTION app.use_reagent(uuid, numeric, text, text, uuid) IS
  E'Uses a quantity of a reagent lot for an entity the caller may see (a result, analysis, run or task: its reagent provenance): deducts it atomically (in the lot''s unit, converted from the unit sent) and records the use. reagent.use.\nErrors: PT403 permission.missing, PT404 entity.not_found, reagent_lot.not_found, PT409 reagent_lot.expired, reagent_lot.quarantined, reagent_lot.disposed, reagent_lot.insufficient, PT422 reagent_use.quantity, unit.incompatible, unit.unknown.';

CREATE OR REPLACE TRIGGER _100_append_only BEFORE UPDATE OR DELETE ON app.reagent_uses
  FOR EACH ROW EXECUTE FUNCTION app_private.tg__append_only();

SELECT app_private.register_entity_type('reagent_item', 'app.reagent_items', 'name', 'Reagent or consumable', 'code');
SELECT app_private.register_entity_type('reagent_lot', 'app.reagent_lots', 'lot_number', 'Reagent lot');
