-- SAP inbound (migration integration/sap): SAP (or a middleware acting for
-- it) stages material masters and purchase orders with integration.manage;
-- app.apply_sap_staging validates every staged row and applies the good ones,
-- each in a subtransaction of its own: a row is applied whole or not at all,
-- and a refused row keeps its errors ([{reason, message, line}]). Every row
-- applied or refused is logged in app.sap_sync_log (direction inbound).
-- Applying does not echo the change back to SAP: the messages the part's
-- triggers made in this transaction are dropped with the row applied (the
-- job they queued then finds nothing to send).

CREATE OR REPLACE FUNCTION app.stage_sap_materials(materials jsonb) RETURNS integer
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = ''
AS $$
DECLARE
  v_count integer;
BEGIN
  PERFORM app_private.require_permission('integration.manage');
  IF pg_catalog.jsonb_typeof(stage_sap_materials.materials) IS DISTINCT FROM 'array'
     OR pg_catalog.jsonb_array_length(stage_sap_materials.materials) NOT BETWEEN 1 AND 10000
     OR EXISTS (SELECT FROM pg_catalog.jsonb_array_elements(stage_sap_materials.materials) AS e
                 WHERE pg_catalog.jsonb_typeof(e) <> 'object'
                    OR length(coalesce(e ->> 'material_number', '')) NOT BETWEEN 1 AND 64
                    OR length(coalesce(e ->> 'base_unit', '')) NOT BETWEEN 1 AND 32
                    OR length(coalesce(e ->> 'description', '')) > 4000
                    OR length(e ->> 'revision_level') NOT BETWEEN 1 AND 16) THEN
    PERFORM app_private.raise_invalid('sap_staging.materials_invalid', 'the staged materials are not a list of material masters',
      'Send 1 to 10000 objects {material_number, description, base_unit, revision_level (optional)}.');
  END IF;
  INSERT INTO app.sap_staged_materials (organization_id, id, material_number, description, base_unit, revision_level, staged_by)
  SELECT auth.org_id(), public.uuid_generate_v7(), btrim(e ->> 'material_number'), coalesce(e ->> 'description', ''),
         btrim(e ->> 'base_unit'), nullif(btrim(e ->> 'revision_level'), ''), auth.user_id()
    FROM pg_catalog.jsonb_array_elements(stage_sap_materials.materials) AS e;
  GET DIAGNOSTICS v_count = ROW_COUNT;
  RETURN v_count;
END
$$;
COMMENT ON FUNCTION app.stage_sap_materials(jsonb) IS
  E'Stage SAP material masters\nStages [{material_number, description, base_unit, revision_level}] for app.apply_sap_staging; returns how many were staged. Needs integration.manage. Errors: PT403 permission.missing, PT422 sap_staging.materials_invalid (not a list of 1 to 10000 such objects).';

CREATE OR REPLACE FUNCTION app.stage_sap_purchase_orders(purchase_orders jsonb) RETURNS integer
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = ''
AS $$
DECLARE
  v_count integer;
BEGIN
  PERFORM app_private.require_permission('integration.manage');
  IF pg_catalog.jsonb_typeof(stage_sap_purchase_orders.purchase_orders) IS DISTINCT FROM 'array'
     OR pg_catalog.jsonb_array_length(stage_sap_purchase_orders.purchase_orders) NOT BETWEEN 1 AND 10000
     OR EXISTS (SELECT FROM pg_catalog.jsonb_array_elements(stage_sap_purchase_orders.purchase_orders) AS e
                 WHERE pg_catalog.jsonb_typeof(e) <> 'object'
                    OR length(coalesce(e ->> 'po_number', '')) NOT BETWEEN 1 AND 35
                    OR length(coalesce(e ->> 'vendor', '')) NOT BETWEEN 1 AND 40
                    OR pg_catalog.jsonb_typeof(e -> 'lines') IS DISTINCT FROM 'array'
                    OR EXISTS (SELECT FROM pg_catalog.jsonb_array_elements(e -> 'lines') AS l WHERE pg_catalog.jsonb_typeof(l) <> 'object'))
  THEN
    PERFORM app_private.raise_invalid('sap_staging.purchase_orders_invalid', 'the staged purchase orders are not a list of purchase orders',
      'Send 1 to 10000 objects {po_number, vendor, lines: [{line, material, quantity, unit, delivery_date, delivery_completed}]}.');
  END IF;
  INSERT INTO app.sap_staged_purchase_orders (organization_id, id, po_number, vendor_number, lines, staged_by)
  SELECT auth.org_id(), public.uuid_generate_v7(), btrim(e ->> 'po_number'), btrim(e ->> 'vendor'), e -> 'lines', auth.user_id()
    FROM pg_catalog.jsonb_array_elements(stage_sap_purchase_orders.purchase_orders) AS e;
  GET DIAGNOSTICS v_count = ROW_COUNT;
  RETURN v_count;
END
$$;
COMMENT ON FUNCTION app.stage_sap_purchase_orders(jsonb) IS
  E'Stage SAP purchase orders\nStages [{po_number, vendor, lines: [{line, material, quantity, unit, delivery_date}]}] for app.apply_sap_staging; returns how many were staged. Needs integration.manage. Errors: PT403 permission.missing, PT422 sap_staging.purchase_orders_invalid.';

-- The part an SAP material number names in a tenant: its MATERIAL mapping, else the part of that number.
CREATE OR REPLACE FUNCTION app_private.sap_material_part(p_organization_id uuid, p_material_number text) RETURNS uuid
LANGUAGE sql STABLE
SET search_path = ''
AS $$
  SELECT coalesce(
    (SELECT m.entity_id FROM app.sap_mappings AS m
      WHERE m.organization_id = p_organization_id AND m.sap_object_type = 'MATERIAL' AND m.sap_object_number = p_material_number),
    (SELECT p.id FROM app.parts AS p WHERE p.organization_id = p_organization_id AND p.part_number = p_material_number));
$$;
COMMENT ON FUNCTION app_private.sap_material_part(uuid, text) IS
  'The part an SAP material number names in a tenant: the one mapped to MATERIAL n, else the part numbered n; NULL when none.';

CREATE OR REPLACE FUNCTION app_private.sap_apply_material(p_row app.sap_staged_materials) RETURNS uuid
LANGUAGE plpgsql VOLATILE
SET search_path = ''
AS $$
DECLARE
  v_part_id uuid := app_private.sap_material_part(p_row.organization_id, p_row.material_number);
  v_revision_id uuid;
  v_name text := coalesce(nullif(btrim(left(p_row.description, 200)), ''), p_row.material_number);
BEGIN
  IF v_part_id IS NULL THEN
    INSERT INTO app.parts (organization_id, id, part_number, name, unit)
    VALUES (p_row.organization_id, public.uuid_generate_v7(), p_row.material_number, v_name, p_row.base_unit)
    RETURNING id INTO v_part_id;
  ELSE
    UPDATE app.parts AS p SET name = v_name, unit = p_row.base_unit
     WHERE p.organization_id = p_row.organization_id AND p.id = v_part_id
       AND (p.name, p.unit) IS DISTINCT FROM (v_name, p_row.base_unit);
  END IF;
  IF NOT EXISTS (SELECT FROM app.sap_mappings AS m WHERE m.organization_id = p_row.organization_id
                    AND m.sap_object_type = 'MATERIAL' AND m.entity_type = 'part' AND m.entity_id = v_part_id) THEN
    INSERT INTO app.sap_mappings (organization_id, id, sap_object_type, sap_object_number, entity_type, entity_id)
    VALUES (p_row.organization_id, public.uuid_generate_v7(), 'MATERIAL', p_row.material_number, 'part', v_part_id);
  END IF;
  -- A revision level SAP knows and Pulse does not becomes the released revision.
  IF p_row.revision_level IS NOT NULL AND NOT EXISTS (
       SELECT FROM app.part_revisions AS r WHERE r.organization_id = p_row.organization_id AND r.part_id = v_part_id
          AND r.revision = p_row.revision_level) THEN
    PERFORM FROM app.parts AS p WHERE p.organization_id = p_row.organization_id AND p.id = v_part_id FOR UPDATE;
    UPDATE app.part_revisions AS r SET status = 'obsolete', obsoleted_at = pg_catalog.now()
     WHERE r.organization_id = p_row.organization_id AND r.part_id = v_part_id AND r.status = 'released';
    INSERT INTO app.part_revisions (organization_id, id, part_id, revision, description, status, released_at, released_by)
    VALUES (p_row.organization_id, public.uuid_generate_v7(), v_part_id, p_row.revision_level, 'From SAP', 'released',
            pg_catalog.now(), auth.user_id())
    RETURNING id INTO v_revision_id;
  END IF;
  -- SAP sent this: what the outbound triggers just made of it is not sent back.
  DELETE FROM app.sap_outbound_messages AS m
   WHERE m.organization_id = p_row.organization_id AND m.entity_type = 'part' AND m.entity_id = v_part_id
     AND m.created_at = pg_catalog.now() AND m.attempt_count = 0;
  RETURN v_part_id;
END
$$;
COMMENT ON FUNCTION app_private.sap_apply_material(app.sap_staged_materials) IS
  'Applies one valid staged material: creates or updates the part (found by MATERIAL mapping or part number; name from the description, unit from the base unit), maps it as MATERIAL, and releases a new revision for a revision level the part does not have; drops the outbound messages this made in the transaction (no echo to SAP). Returns the part id.';

CREATE OR REPLACE FUNCTION app_private.sap_vendor_partner(p_organization_id uuid, p_vendor_number text) RETURNS uuid
LANGUAGE sql STABLE
SET search_path = ''
AS $$
  SELECT coalesce(
    (SELECT m.entity_id FROM app.sap_mappings AS m
      WHERE m.organization_id = p_organization_id AND m.sap_object_type = 'VENDOR' AND m.sap_object_number = p_vendor_number),
    (SELECT p.id FROM app.partners AS p
      WHERE p.organization_id = p_organization_id AND p.code = p_vendor_number AND p.kind IN ('supplier', 'customer_and_supplier')));
$$;
COMMENT ON FUNCTION app_private.sap_vendor_partner(uuid, text) IS
  'The partner an SAP vendor number names in a tenant: the one mapped to VENDOR n, else the supplier whose code is n; NULL when none.';

CREATE OR REPLACE FUNCTION app_private.sap_purchase_order_errors(p_row app.sap_staged_purchase_orders) RETURNS jsonb
LANGUAGE sql STABLE
SET search_path = ''
AS $$
  WITH lines AS (
    SELECT l.ordinality AS n, l.value AS line, l.value ->> 'line' AS line_text, l.value ->> 'material' AS material,
           l.value ->> 'unit' AS unit, l.value ->> 'quantity' AS quantity, l.value ->> 'delivery_date' AS delivery_date
      FROM pg_catalog.jsonb_array_elements(p_row.lines) WITH ORDINALITY AS l
  ), received AS (
    SELECT pl.line_number, pl.unit AS line_unit, app_private.purchase_order_line_received(pl.organization_id, pl.id, pl.unit) AS received
      FROM app.purchase_orders AS o
      JOIN app.purchase_order_lines AS pl ON pl.organization_id = o.organization_id AND pl.purchase_order_id = o.id
     WHERE o.organization_id = p_row.organization_id AND o.po_number = p_row.po_number
  ), errors AS (
    SELECT 0 AS n, 'purchase_order.vendor_unknown' AS reason,
           pg_catalog.format('vendor %s is neither mapped (VENDOR) nor the code of a supplier', p_row.vendor_number) AS message,
           NULL::text AS line
     WHERE app_private.sap_vendor_partner(p_row.organization_id, p_row.vendor_number) IS NULL
    UNION ALL
    SELECT 0, 'purchase_order.no_lines', 'the purchase order has no lines', NULL WHERE pg_catalog.jsonb_array_length(p_row.lines) = 0
    UNION ALL
    SELECT n, 'purchase_order_line.line_invalid', pg_catalog.format('line %s is not an item number (1 to 999999)', coalesce(line_text, 'null')), line_text
      FROM lines WHERE CASE WHEN line_text ~ '^[0-9]{1,6}$' THEN line_text::integer = 0 ELSE true END
    UNION ALL
    SELECT min(n), 'purchase_order_line.duplicate', pg_catalog.format('line %s appears %s times', line_text, count(*)), line_text
      FROM lines WHERE line_text ~ '^[0-9]{1,6}$' GROUP BY line_text::integer, line_text HAVING count(*) > 1
    UNION ALL
    SELECT n, 'purchase_order_line.material_unknown', pg_catalog.format('material %s is neither mapped (MATERIAL) nor a part number', coalesce(material, 'null')), line_text
      FROM lines WHERE material IS NULL OR app_private.sap_material_part(p_row.organization_id, material) IS NULL
    UNION ALL
    SELECT n, 'purchase_order_line.unit_unknown', pg_catalog.format('unit %s is not in the units register', coalesce(unit, 'null')), line_text
      FROM lines WHERE NOT EXISTS (SELECT FROM app.units AS u WHERE u.code = lines.unit)
    UNION ALL
    SELECT n, 'purchase_order_line.quantity_invalid', pg_catalog.format('quantity %s is not a positive number', coalesce(quantity, 'null')), line_text
      FROM lines WHERE CASE WHEN quantity ~ '^[0-9]{1,12}(\.[0-9]{1,6})?$' THEN quantity::numeric <= 0 ELSE true END
    UNION ALL
    SELECT n, 'purchase_order_line.delivery_date_invalid', pg_catalog.format('delivery date %s is not a date (YYYY-MM-DD)', delivery_date), line_text
      FROM lines WHERE delivery_date IS NOT NULL AND delivery_date !~ '^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$'
    UNION ALL
    -- SAP may not shrink a line below what Pulse already received against it, nor drop such a line.
    SELECT n, 'purchase_order_line.below_received',
           pg_catalog.format('line %s: %s %s ordered, but %s %s already received', line_text, quantity, unit, r.received, r.line_unit), line_text
      FROM lines
      JOIN received AS r ON r.line_number::text = lines.line_text
     WHERE r.received > 0 AND quantity ~ '^[0-9]{1,12}(\.[0-9]{1,6})?$'
       AND CASE WHEN EXISTS (SELECT FROM app.units AS a, app.units AS b
                              WHERE a.code = lines.unit AND b.code = r.line_unit AND a.dimension = b.dimension)
                THEN app.convert_unit(quantity::numeric, lines.unit, r.line_unit) < r.received
                ELSE true END
    UNION ALL
    SELECT 999999 + r.line_number, 'purchase_order_line.below_received',
           pg_catalog.format('line %s is left out, but %s %s were already received against it', r.line_number, r.received, r.line_unit),
           r.line_number::text
      FROM received AS r
     WHERE r.received > 0 AND NOT EXISTS (SELECT FROM lines WHERE lines.line_text = r.line_number::text)
  )
  SELECT coalesce(pg_catalog.jsonb_agg(pg_catalog.jsonb_build_object('reason', e.reason, 'message', e.message, 'line', e.line)
                                       ORDER BY e.n, e.reason), '[]')
    FROM errors AS e;
$$;
COMMENT ON FUNCTION app_private.sap_purchase_order_errors(app.sap_staged_purchase_orders) IS
  'What is wrong with a staged purchase order, as [{reason, message, line}]: purchase_order.vendor_unknown, no_lines; purchase_order_line.line_invalid, duplicate, material_unknown, unit_unknown, quantity_invalid, delivery_date_invalid, below_received (an existing line shrunk below, or left out after, what was received against it). Empty when it can be applied.';

CREATE OR REPLACE FUNCTION app_private.sap_apply_purchase_order(p_row app.sap_staged_purchase_orders) RETURNS uuid
LANGUAGE plpgsql VOLATILE
SET search_path = ''
AS $$
DECLARE
  v_po app.purchase_orders;
BEGIN
  INSERT INTO app.purchase_orders AS o (organization_id, id, po_number, supplier_id)
  VALUES (p_row.organization_id, public.uuid_generate_v7(), p_row.po_number,
          app_private.sap_vendor_partner(p_row.organization_id, p_row.vendor_number))
  ON CONFLICT (organization_id, po_number) DO UPDATE SET supplier_id = excluded.supplier_id, updated_at = pg_catalog.now()
  RETURNING * INTO v_po;
  DELETE FROM app.purchase_order_lines AS l
   WHERE l.organization_id = v_po.organization_id AND l.purchase_order_id = v_po.id
     AND l.line_number NOT IN (SELECT (e ->> 'line')::integer FROM pg_catalog.jsonb_array_elements(p_row.lines) AS e);
  INSERT INTO app.purchase_order_lines AS pl (organization_id, id, purchase_order_id, line_number, part_id, quantity, unit, delivery_date,
                                               delivery_completed)
  SELECT v_po.organization_id, public.uuid_generate_v7(), v_po.id, (e ->> 'line')::integer,
         app_private.sap_material_part(v_po.organization_id, e ->> 'material'), (e ->> 'quantity')::numeric, e ->> 'unit',
         (e ->> 'delivery_date')::date, coalesce(e ->> 'delivery_completed' = 'true', false)
    FROM pg_catalog.jsonb_array_elements(p_row.lines) AS e
  ON CONFLICT (organization_id, purchase_order_id, line_number) DO UPDATE
    SET part_id = excluded.part_id, quantity = excluded.quantity, unit = excluded.unit, delivery_date = excluded.delivery_date,
        delivery_completed = excluded.delivery_completed;
  IF NOT EXISTS (SELECT FROM app.sap_mappings AS m WHERE m.organization_id = v_po.organization_id
                    AND m.sap_object_type = 'PURCHASE_ORDER' AND m.entity_type = 'purchase_order' AND m.entity_id = v_po.id) THEN
    INSERT INTO app.sap_mappings (organization_id, id, sap_object_type, sap_object_number, entity_type, entity_id)
    VALUES (v_po.organization_id, public.uuid_generate_v7(), 'PURCHASE_ORDER', v_po.po_number, 'purchase_order', v_po.id);
  END IF;
  RETURN v_po.id;
END
$$;
COMMENT ON FUNCTION app_private.sap_apply_purchase_order(app.sap_staged_purchase_orders) IS
  'Applies one valid staged purchase order: creates or updates the order (by PO number) with its supplier, replaces its lines with the staged ones (by line number; delivery_completed true closes a line), maps it as PURCHASE_ORDER. Returns the purchase order id.';

CREATE OR REPLACE FUNCTION app.apply_sap_staging() RETURNS jsonb
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = ''
AS $$
DECLARE
  v_org uuid := auth.org_id();
  v_material app.sap_staged_materials;
  v_po app.sap_staged_purchase_orders;
  v_errors jsonb;
  v_id uuid;
  v_counts jsonb := '{"materials_applied": 0, "materials_failed": 0, "purchase_orders_applied": 0, "purchase_orders_failed": 0}';
  v_key text;
BEGIN
  PERFORM app_private.require_permission('integration.manage');
  -- Materials first: the purchase orders staged with them may order them.
  FOR v_material IN SELECT * FROM app.sap_staged_materials AS s WHERE s.organization_id = v_org AND s.status = 'staged'
                     ORDER BY s.staged_at, s.id FOR UPDATE
  LOOP
    v_errors := '[]';
    v_id := NULL;
    IF NOT EXISTS (SELECT FROM app.units AS u WHERE u.code = v_material.base_unit) THEN
      v_errors := v_errors || pg_catalog.jsonb_build_object('reason', 'material.unit_unknown',
        'message', pg_catalog.format('base unit %s is not in the units register', v_material.base_unit));
    END IF;
    IF v_material.material_number !~ '^[A-Za-z0-9][A-Za-z0-9._/-]{0,63}$' THEN
      v_errors := v_errors || pg_catalog.jsonb_build_object('reason', 'material.number_invalid',
        'message', pg_catalog.format('%s is not a part number (letters, digits, . _ / -)', v_material.material_number));
    END IF;
    IF v_material.revision_level !~ '^[A-Za-z0-9][A-Za-z0-9._-]{0,15}$' THEN
      v_errors := v_errors || pg_catalog.jsonb_build_object('reason', 'material.revision_invalid',
        'message', pg_catalog.format('%s is not a revision level', v_material.revision_level));
    END IF;
    IF v_errors = '[]' THEN
      BEGIN  -- a subtransaction: the row is applied whole or not at all
        v_id := app_private.sap_apply_material(v_material);
      EXCEPTION WHEN OTHERS THEN
        GET STACKED DIAGNOSTICS v_key = PG_EXCEPTION_DETAIL;
        v_errors := pg_catalog.jsonb_build_array(pg_catalog.jsonb_build_object(
          'reason', coalesce(nullif(v_key, ''), 'material.not_applied'), 'message', SQLERRM));
      END;
    END IF;
    UPDATE app.sap_staged_materials AS s
       SET status = CASE WHEN v_errors = '[]' THEN 'applied' ELSE 'error' END, errors = v_errors, part_id = v_id,
           applied_at = pg_catalog.now()
     WHERE s.organization_id = v_org AND s.id = v_material.id;
    INSERT INTO app.sap_sync_log (organization_id, id, direction, sap_object_type, sap_object_number, status, error)
    VALUES (v_org, public.uuid_generate_v7(), 'inbound', 'MATERIAL', left(v_material.material_number, 64),
            CASE WHEN v_errors = '[]' THEN 'applied' ELSE 'error' END,
            CASE WHEN v_errors <> '[]' THEN left(v_errors::text, 2000) END);
    v_key := CASE WHEN v_errors = '[]' THEN 'materials_applied' ELSE 'materials_failed' END;
    v_counts := pg_catalog.jsonb_set(v_counts, ARRAY[v_key], pg_catalog.to_jsonb((v_counts ->> v_key)::integer + 1));
  END LOOP;
  FOR v_po IN SELECT * FROM app.sap_staged_purchase_orders AS s WHERE s.organization_id = v_org AND s.status = 'staged'
               ORDER BY s.staged_at, s.id FOR UPDATE
  LOOP
    v_id := NULL;
    v_errors := app_private.sap_purchase_order_errors(v_po);
    IF v_po.po_number !~ '^[A-Za-z0-9][A-Za-z0-9._/-]{0,34}$' THEN
      v_errors := v_errors || pg_catalog.jsonb_build_object('reason', 'purchase_order.number_invalid',
        'message', pg_catalog.format('%s is not a purchase order number', v_po.po_number), 'line', NULL);
    END IF;
    IF v_errors = '[]' THEN
      BEGIN
        v_id := app_private.sap_apply_purchase_order(v_po);
      EXCEPTION WHEN OTHERS THEN
        GET STACKED DIAGNOSTICS v_key = PG_EXCEPTION_DETAIL;
        v_errors := pg_catalog.jsonb_build_array(pg_catalog.jsonb_build_object(
          'reason', coalesce(nullif(v_key, ''), 'purchase_order.not_applied'), 'message', SQLERRM, 'line', NULL));
      END;
    END IF;
    UPDATE app.sap_staged_purchase_orders AS s
       SET status = CASE WHEN v_errors = '[]' THEN 'applied' ELSE 'error' END, errors = v_errors, purchase_order_id = v_id,
           applied_at = pg_catalog.now()
     WHERE s.organization_id = v_org AND s.id = v_po.id;
    INSERT INTO app.sap_sync_log (organization_id, id, direction, sap_object_type, sap_object_number, status, error)
    VALUES (v_org, public.uuid_generate_v7(), 'inbound', 'PURCHASE_ORDER', left(v_po.po_number, 64),
            CASE WHEN v_errors = '[]' THEN 'applied' ELSE 'error' END,
            CASE WHEN v_errors <> '[]' THEN left(v_errors::text, 2000) END);
    v_key := CASE WHEN v_errors = '[]' THEN 'purchase_orders_applied' ELSE 'purchase_orders_failed' END;
    v_counts := pg_catalog.jsonb_set(v_counts, ARRAY[v_key], pg_catalog.to_jsonb((v_counts ->> v_key)::integer + 1));
  END LOOP;
  RETURN v_counts;
END
$$;
COMMENT ON FUNCTION app.apply_sap_staging() IS
  E'Apply staged SAP data\nValidates every staged material and purchase order of the caller''s tenant and applies the good ones, each whole or not at all: materials become parts (mapped as MATERIAL, a new revision level released), purchase orders become purchase_orders with their lines (mapped as PURCHASE_ORDER). Refused rows keep their errors (material.unit_unknown, number_invalid, revision_invalid; purchase_order.vendor_unknown, no_lines, number_invalid; purchase_order_line.line_invalid, duplicate, material_unknown, unit_unknown, quantity_invalid, delivery_date_invalid, below_received). Logs each row in sap_sync_log; returns the counts {materials_applied, materials_failed, purchase_orders_applied, purchase_orders_failed}. Needs integration.manage. Errors: PT403 permission.missing.';

CREATE OR REPLACE TRIGGER _100_touch_updated_at BEFORE UPDATE ON app.purchase_orders
  FOR EACH ROW EXECUTE FUNCTION app_private.tg__touch_updated_at();
