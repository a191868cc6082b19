-- Reorder (migration maintenance/parts): when a part's AVAILABLE stock in a
-- storeroom (on hand minus reserved, summed over its bins) drops below its
-- level -- the reorder point, or a critical spare's fixed minimum when that is
-- higher -- one purchase request is raised (the unique index
-- purchase_requests_one_open refuses a second while one is open or ordered)
-- with the suggested vendor, and the storeroom's responsible storekeeper and
-- the holders of purchase_request.manage at its site are told.
-- Available, not on hand: reserved parts are promised to planned work, so a
-- shelf full of reserved parts is short for everyone else.

CREATE OR REPLACE FUNCTION app_private.storeroom_available(p_organization_id uuid, p_part_id uuid, p_storeroom_id uuid) RETURNS numeric
LANGUAGE sql STABLE
SET search_path = ''
AS $$
  SELECT coalesce(sum(s.available), 0) FROM app.part_stock AS s
   WHERE s.organization_id = p_organization_id AND s.part_id = p_part_id AND s.storeroom_id = p_storeroom_id;
$$;
COMMENT ON FUNCTION app_private.storeroom_available(uuid, uuid, uuid) IS 'A part''s available stock in a storeroom: on hand minus reserved, over its bins.';

CREATE OR REPLACE FUNCTION app_private.check_reorder(p_organization_id uuid, p_part_id uuid, p_storeroom_id uuid) RETURNS uuid
LANGUAGE plpgsql VOLATILE
SET search_path = ''
AS $$
DECLARE
  v_setting app.part_storeroom_settings;
  v_critical numeric;
  v_level numeric;
  v_available numeric;
  v_storeroom app.storerooms;
  v_part app.parts;
  v_vendor app.vendor_parts;
  v_request app.purchase_requests;
BEGIN
  SELECT * INTO v_setting FROM app.part_storeroom_settings AS s
   WHERE s.organization_id = p_organization_id AND s.part_id = p_part_id AND s.storeroom_id = p_storeroom_id;
  SELECT max(c.minimum_stock) INTO v_critical FROM app.equipment_spare_parts AS c
   WHERE c.organization_id = p_organization_id AND c.part_id = p_part_id AND c.storeroom_id = p_storeroom_id AND c.is_critical;
  v_level := greatest(v_setting.reorder_point, v_critical);
  IF v_level IS NULL THEN
    RETURN NULL;
  END IF;
  v_available := app_private.storeroom_available(p_organization_id, p_part_id, p_storeroom_id);
  IF v_available >= v_level THEN
    RETURN NULL;
  END IF;
  SELECT * INTO v_storeroom FROM app.storerooms AS r WHERE r.organization_id = p_organization_id AND r.id = p_storeroom_id;
  IF NOT v_storeroom.is_active THEN
    RETURN NULL;
  END IF;
  SELECT * INTO v_part FROM app.parts AS p WHERE p.organization_id = p_organization_id AND p.id = p_part_id;
  -- The suggestion: the preferred vendor, else the quickest (then the cheapest), of active vendors.
  SELECT v.* INTO v_vendor FROM app.vendor_parts AS v
    JOIN app.partners AS p ON p.organization_id = v.organization_id AND p.id = v.partner_id AND p.is_active
   WHERE v.organization_id = p_organization_id AND v.part_id = p_part_id
     AND EXISTS (SELECT FROM app.partner_roles AS r WHERE r.organization_id = v.organization_id AND r.partner_id = v.partner_id AND r.role = 'vendor')
   ORDER BY v.is_preferred DESC, v.lead_time_days, v.unit_price NULLS LAST LIMIT 1;
  INSERT INTO app.purchase_requests (organization_id, part_id, storeroom_id, site_id, quantity, trigger_level, available_at_request,
                                     is_critical, vendor_id, vendor_part_number, lead_time_days, unit_price, expected_on)
  VALUES (p_organization_id, p_part_id, p_storeroom_id, v_storeroom.site_id,
          greatest(coalesce(v_setting.reorder_quantity, 0), v_level - v_available), v_level, v_available,
          v_critical IS NOT NULL AND v_critical >= coalesce(v_setting.reorder_point, 0),
          v_vendor.partner_id, v_vendor.vendor_part_number, v_vendor.lead_time_days, v_vendor.unit_price,
          current_date + v_vendor.lead_time_days)
  ON CONFLICT (organization_id, part_id, storeroom_id) WHERE status IN ('open', 'ordered') DO NOTHING
  RETURNING * INTO v_request;
  IF v_request.id IS NULL THEN
    RETURN NULL;
  END IF;
  INSERT INTO app.notifications (organization_id, user_id, type, title, message, priority, action_url, entity_type, entity_id)
  SELECT p_organization_id, m.user_id, 'system',
         pg_catalog.left(pg_catalog.format('%s is low in %s', v_part.part_number, v_storeroom.code), 200),
         pg_catalog.left(pg_catalog.format('%s "%s": %s %s available in %s, below %s. Purchase request for %s %s%s.',
           v_part.part_number, v_part.name, pg_catalog.round(v_available, 3), v_part.unit, v_storeroom.name, v_level,
           v_request.quantity, v_part.unit,
           CASE WHEN v_vendor.partner_id IS NOT NULL THEN pg_catalog.format(', lead time %s days', v_vendor.lead_time_days) ELSE '' END), 2000),
         CASE WHEN v_request.is_critical THEN 'high' ELSE 'normal' END::app.priority_level,
         '/purchase_requests/' || v_request.id, 'purchase_request', v_request.id
    FROM app.memberships AS m
    JOIN app.users AS u ON u.id = m.user_id AND u.status = 'active'
   WHERE m.organization_id = p_organization_id AND m.status = 'active' AND m.partner_id IS NULL
     AND (m.user_id = v_storeroom.responsible_user_id
          OR EXISTS (SELECT FROM app.role_assignments AS ra
                       JOIN app.role_permissions AS rp ON rp.organization_id = ra.organization_id AND rp.role_id = ra.role_id
                      WHERE ra.organization_id = m.organization_id AND ra.membership_id = m.id
                        AND (ra.site_id IS NULL OR ra.site_id = v_storeroom.site_id)
                        AND rp.permission = 'purchase_request.manage'));
  RETURN v_request.id;
END
$$;
COMMENT ON FUNCTION app_private.check_reorder(uuid, uuid, uuid) IS
  'Raises a purchase request when a part''s available stock in a storeroom is below its level (the reorder point, or a critical spare''s minimum when higher), once while one is open or ordered, for the reorder quantity or what gets back to the level, with the preferred (else quickest) active vendor, its lead time and price; notifies the storeroom''s responsible person and the staff holding purchase_request.manage tenant-wide or at its site. Returns the new request''s id, or null.';

CREATE OR REPLACE FUNCTION app_private.tg_stock__check_reorder() RETURNS trigger
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = ''
AS $$
BEGIN
  IF (pg_catalog.to_jsonb(NEW) ->> 'storeroom_id') IS NOT NULL THEN
    PERFORM app_private.check_reorder(NEW.organization_id, NEW.part_id, (pg_catalog.to_jsonb(NEW) ->> 'storeroom_id')::uuid);
  END IF;
  RETURN NULL;
END
$$;
COMMENT ON FUNCTION app_private.tg_stock__check_reorder() IS
  'AFTER INSERT/UPDATE on stock_movements, part_storeroom_settings and equipment_spare_parts: re-checks the part in the storeroom against its level (app_private.check_reorder).';
CREATE OR REPLACE TRIGGER _500_check_reorder AFTER INSERT ON app.stock_movements
  FOR EACH ROW EXECUTE FUNCTION app_private.tg_stock__check_reorder();
CREATE OR REPLACE TRIGGER _500_check_reorder AFTER INSERT OR UPDATE ON app.part_storeroom_settings
  FOR EACH ROW EXECUTE FUNCTION app_private.tg_stock__check_reorder();
CREATE OR REPLACE TRIGGER _500_check_reorder AFTER INSERT OR UPDATE ON app.equipment_spare_parts
  FOR EACH ROW EXECUTE FUNCTION app_private.tg_stock__check_reorder();

CREATE OR REPLACE FUNCTION app.set_purchase_request_status(purchase_request_id uuid, status app.purchase_request_status, note text DEFAULT NULL)
RETURNS app.purchase_requests
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = ''
AS $$
DECLARE
  v_request app.purchase_requests;
BEGIN
  SELECT * INTO v_request FROM app.purchase_requests AS r
   WHERE r.organization_id = auth.org_id() AND r.id = set_purchase_request_status.purchase_request_id FOR UPDATE;
  IF NOT FOUND OR NOT (auth.is_platform_operator() OR auth.has_permission('stock.read', v_request.site_id)
                       OR auth.has_permission('purchase_request.manage', v_request.site_id)) THEN
    RAISE EXCEPTION 'purchase request not found' USING ERRCODE = 'PT404', DETAIL = 'purchase_request.not_found',
      HINT = 'GET /purchase_requests lists the requests you may see.';
  END IF;
  PERFORM auth.check_permission_at('purchase_request.manage', v_request.site_id);
  IF NOT ((v_request.status = 'open' AND set_purchase_request_status.status IN ('ordered', 'cancelled'))
          OR (v_request.status = 'ordered' AND set_purchase_request_status.status IN ('received', 'cancelled'))) THEN
    RAISE EXCEPTION 'a % purchase request cannot become %', v_request.status, set_purchase_request_status.status
      USING ERRCODE = 'PT409', DETAIL = 'purchase_request.transition_invalid',
            HINT = 'open -> ordered or cancelled; ordered -> received or cancelled (or receive stock against it).';
  END IF;
  IF set_purchase_request_status.status = 'cancelled' AND coalesce(pg_catalog.btrim(set_purchase_request_status.note), '') = '' THEN
    PERFORM app_private.raise_invalid('purchase_request.reason_required', 'cancelling needs a reason', 'Say why the parts are not bought.');
  END IF;
  UPDATE app.purchase_requests AS r
     SET status = set_purchase_request_status.status, status_note = coalesce(set_purchase_request_status.note, r.status_note),
         closed_at = CASE WHEN set_purchase_request_status.status IN ('received', 'cancelled') THEN pg_catalog.now() END,
         closed_by = CASE WHEN set_purchase_request_status.status IN ('received', 'cancelled') THEN auth.user_id() END
   WHERE r.organization_id = v_request.organization_id AND r.id = v_request.id
  RETURNING * INTO v_request;
  RETURN v_request;
END
$$;
COMMENT ON FUNCTION app.set_purchase_request_status(uuid, app.purchase_request_status, text) IS
  E'Moves a purchase request on: open -> ordered | cancelled (with a reason), ordered -> received | cancelled. A closed request lets the next shortage raise a new one. purchase_request.manage at the storeroom''s site.\nErrors: PT403 permission.missing, PT404 purchase_request.not_found, PT409 purchase_request.transition_invalid, PT422 purchase_request.reason_required.';

CREATE OR REPLACE VIEW app.parts_below_reorder_point WITH (security_invoker = true) AS
WITH levels AS (
  SELECT s.organization_id, s.part_id, s.storeroom_id, s.site_id, s.reorder_point AS level, false AS is_critical
    FROM app.part_storeroom_settings AS s
  UNION ALL
  SELECT c.organization_id, c.part_id, c.storeroom_id, c.site_id, c.minimum_stock, true
    FROM app.equipment_spare_parts AS c WHERE c.is_critical
), worst AS (
  SELECT l.organization_id, l.part_id, l.storeroom_id, l.site_id, max(l.level) AS level,
         bool_or(l.is_critical) AS is_critical
    FROM levels AS l GROUP BY l.organization_id, l.part_id, l.storeroom_id, l.site_id
)
SELECT w.organization_id, w.part_id, p.part_number, p.name AS part_name, p.unit, w.storeroom_id, r.code AS storeroom_code, w.site_id,
       w.level, w.is_critical,
       coalesce(st.on_hand, 0) AS on_hand, coalesce(st.reserved, 0) AS reserved, coalesce(st.available, 0) AS available,
       (SELECT q.id FROM app.purchase_requests AS q
         WHERE q.organization_id = w.organization_id AND q.part_id = w.part_id AND q.storeroom_id = w.storeroom_id
           AND q.status IN ('open', 'ordered')) AS open_purchase_request_id
  FROM worst AS w
  JOIN app.parts AS p ON p.organization_id = w.organization_id AND p.id = w.part_id
  JOIN app.storerooms AS r ON r.organization_id = w.organization_id AND r.id = w.storeroom_id
  LEFT JOIN LATERAL (
    SELECT sum(s.on_hand) AS on_hand, sum(s.reserved) AS reserved, sum(s.available) AS available FROM app.part_stock AS s
     WHERE s.organization_id = w.organization_id AND s.part_id = w.part_id AND s.storeroom_id = w.storeroom_id) AS st ON true
 WHERE coalesce(st.available, 0) < w.level;
COMMENT ON VIEW app.parts_below_reorder_point IS
  E'Parts below reorder point\nPer part and storeroom the caller may see: the level (reorder point, or the highest critical-spare minimum), on hand, reserved, available, and the open purchase request, for those whose available stock is below the level (the KPI "parts below reorder point").';
COMMENT ON COLUMN app.parts_below_reorder_point.organization_id IS E'Tenant';
COMMENT ON COLUMN app.parts_below_reorder_point.part_id IS E'Part';
COMMENT ON COLUMN app.parts_below_reorder_point.part_number IS E'Part number';
COMMENT ON COLUMN app.parts_below_reorder_point.part_name IS E'Part name';
COMMENT ON COLUMN app.parts_below_reorder_point.unit IS E'Unit';
COMMENT ON COLUMN app.parts_below_reorder_point.storeroom_id IS E'Storeroom';
COMMENT ON COLUMN app.parts_below_reorder_point.storeroom_code IS E'Storeroom code';
COMMENT ON COLUMN app.parts_below_reorder_point.site_id IS E'Site';
COMMENT ON COLUMN app.parts_below_reorder_point.level IS E'Level\nThe reorder point or critical minimum, the higher.';
COMMENT ON COLUMN app.parts_below_reorder_point.is_critical IS E'Critical\nWhether a critical spare sets a minimum.';
COMMENT ON COLUMN app.parts_below_reorder_point.on_hand IS E'On hand';
COMMENT ON COLUMN app.parts_below_reorder_point.reserved IS E'Reserved';
COMMENT ON COLUMN app.parts_below_reorder_point.available IS E'Available';
COMMENT ON COLUMN app.parts_below_reorder_point.open_purchase_request_id IS E'Open purchase request';

SELECT app_private.register_entity_type('purchase_request', 'app.purchase_requests', 'status', 'Purchase request');
