-- The genealogy walks: app.trace_forward (where did it go), app.trace_backward
-- (what went into it) and app.recall_simulation (everything downstream of a
-- lot, finished goods marked). They run as the caller (SECURITY INVOKER), so
-- row-level security shows only the plants the caller may see, and every
-- level of the recursive CTE filters on the active tenant besides (one shard
-- under Citus). Cycle-safe: the walk is UNION (each item once per depth) and
-- bounded by depth, so a loop ends at the bound; each item is reported once,
-- at its smallest depth.

-- Completeness: a walk as the caller stops at plants they may not read. A
-- trace or recall that is silently partial is worse than none, so a caller
-- without traceability.read tenant-wide gets the full answer only when the
-- whole walk lies where they may read it; otherwise PT403 trace.incomplete
-- names how many items they cannot see (docs/manufacturing/traceability.md).
CREATE OR REPLACE FUNCTION auth.trace_reach_count(p_item_id uuid, p_forward boolean, p_max_depth integer) RETURNS integer
LANGUAGE sql STABLE SECURITY DEFINER
SET search_path = ''
AS $$
  WITH RECURSIVE walk (node, depth) AS (
    SELECT p_item_id, 0
    UNION
    SELECT CASE WHEN p_forward THEN e.to_id ELSE e.from_id END, w.depth + 1
      FROM walk AS w JOIN app.genealogy_edges AS e
        ON e.organization_id = auth.org_id() AND (CASE WHEN p_forward THEN e.from_id ELSE e.to_id END) = w.node
     WHERE w.depth < p_max_depth
  )
  SELECT count(DISTINCT w.node)::integer FROM walk AS w WHERE w.node <> p_item_id AND auth.org_id() IS NOT NULL
$$;
COMMENT ON FUNCTION auth.trace_reach_count(uuid, boolean, integer) IS
  'How many lots and serials a walk from the item (forward or backward, up to p_max_depth) reaches in the caller''s tenant, whatever plant they are at: the full count a plant-scoped caller''s walk is compared with. Definer: sees every plant of the active tenant only (none without one), returns a count only.';

CREATE OR REPLACE FUNCTION auth.require_complete_trace(p_full integer, p_seen integer, p_what text) RETURNS void
LANGUAGE plpgsql VOLATILE
SET search_path = ''
AS $$
BEGIN
  IF p_full > p_seen THEN
    RAISE EXCEPTION '% is incomplete for you: % of % items are at plants you may not read', p_what, p_full - p_seen, p_full
      USING ERRCODE = 'PT403', DETAIL = 'trace.incomplete',
            HINT = 'A trace or recall is answered whole or not at all: ask someone with traceability.read (and shipment.read) for the whole organization, e.g. a quality manager, or for a role at every plant it reaches.';
  END IF;
END
$$;
COMMENT ON FUNCTION auth.require_complete_trace(integer, integer, text) IS
  'PT403 trace.incomplete when the caller sees fewer of a walk''s items (or shipment lines) than there are, with both counts in the message: a trace or recall is never silently partial.';

CREATE OR REPLACE FUNCTION auth.recall_shipment_line_count(p_item_ids uuid[]) RETURNS integer
LANGUAGE sql STABLE SECURITY DEFINER
SET search_path = ''
AS $$
  SELECT count(*)::integer
    FROM app.shipment_items AS i
    JOIN app.shipments AS s ON s.organization_id = i.organization_id AND s.id = i.shipment_id
   WHERE i.organization_id = auth.org_id() AND (i.lot_id = ANY (p_item_ids) OR i.serial_id = ANY (p_item_ids)) AND s.status <> 'cancelled'
$$;
COMMENT ON FUNCTION auth.recall_shipment_line_count(uuid[]) IS
  'How many shipment lines (of shipments not cancelled) carry any of the lots or serials, in the caller''s tenant at every plant: what a recall compares the lines its caller may read with. Definer: returns a count only.';

CREATE OR REPLACE FUNCTION app.trace_forward(item_id uuid, max_depth integer DEFAULT 20)
RETURNS TABLE (item_type app.trace_item_kind, id uuid, item_number text, part_id uuid, part_number text, site_id uuid, depth integer,
               quantity numeric, remaining_quantity numeric, unit text, quality_status app.trace_quality_status,
               inventory_state app.trace_inventory_state)
LANGUAGE plpgsql STABLE
SET search_path = ''
AS $$
#variable_conflict use_column
DECLARE
  -- The tenant as a value, not a sub-select: the planner then knows how many
  -- lots and serials the tenant has and probes them by key per item reached.
  v_org uuid := auth.org_id();
  v_rows integer;
BEGIN
  IF trace_forward.max_depth IS NULL OR trace_forward.max_depth NOT BETWEEN 1 AND 100 THEN
    RAISE EXCEPTION 'max_depth is 1 to 100' USING ERRCODE = 'PT422', DETAIL = 'genealogy.depth_invalid', HINT = 'e.g. GET /rpc/trace_forward?item_id=<id>&max_depth=20';
  END IF;
  IF NOT EXISTS (SELECT FROM app.lots AS l WHERE l.organization_id = v_org AND l.id = trace_forward.item_id)
     AND NOT EXISTS (SELECT FROM app.serials AS s WHERE s.organization_id = v_org AND s.id = trace_forward.item_id) THEN
    RAISE EXCEPTION 'lot or serial not found' USING ERRCODE = 'PT404', DETAIL = 'trace_item.not_found',
      HINT = 'Send item_id: a lot or serial you may see (GET /lots, GET /serials).';
  END IF;
  RETURN QUERY
  WITH RECURSIVE walk (node, depth) AS (
    SELECT trace_forward.item_id, 0
    UNION
    SELECT e.to_id, w.depth + 1
      FROM walk AS w JOIN app.genealogy_edges AS e ON e.organization_id = v_org AND e.from_id = w.node
     WHERE w.depth < trace_forward.max_depth
  ), reached AS (
    SELECT w.node, min(w.depth) AS depth FROM walk AS w WHERE w.node <> trace_forward.item_id GROUP BY w.node
  )
  -- Lots and serials apart, each looked up by key for every item reached:
  -- row-level security hides the tenant's row counts from the planner (its
  -- filters read sub-selects), which then takes the few items reached for
  -- the big side and scans every lot; LATERAL with OFFSET 0 (not flattened)
  -- keeps the walk outside and one index probe per item inside. The part is
  -- joined LEFT: a plant-scoped reader without part.read still gets every
  -- item (part_id, no part number) rather than silently fewer.
  SELECT 'lot'::app.trace_item_kind, l.id, l.lot_number, l.part_id, p.part_number, l.site_id, r.depth, l.quantity, l.remaining_quantity,
         p.unit, l.quality_status, l.inventory_state
    FROM reached AS r
    CROSS JOIN LATERAL (SELECT l.* FROM app.lots AS l WHERE l.organization_id = v_org AND l.id = r.node OFFSET 0) AS l
    LEFT JOIN LATERAL (SELECT p.* FROM app.parts AS p WHERE p.organization_id = v_org AND p.id = l.part_id OFFSET 0) AS p ON true
  UNION ALL
  SELECT 'serial'::app.trace_item_kind, s.id, s.serial_number, s.part_id, p.part_number, s.site_id, r.depth, 1, CASE WHEN s.inventory_state = 'available' THEN 1 ELSE 0 END,
         p.unit, s.quality_status, s.inventory_state
    FROM reached AS r
    CROSS JOIN LATERAL (SELECT s.* FROM app.serials AS s WHERE s.organization_id = v_org AND s.id = r.node OFFSET 0) AS s
    LEFT JOIN LATERAL (SELECT p.* FROM app.parts AS p WHERE p.organization_id = v_org AND p.id = s.part_id OFFSET 0) AS p ON true
   ORDER BY 7, 3;
  GET DIAGNOSTICS v_rows = ROW_COUNT;
  -- Never silently partial: a caller not reading every plant sees the walk only when it reaches none they may not read.
  IF NOT auth.has_permission('traceability.read') THEN
    PERFORM auth.require_complete_trace(auth.trace_reach_count(trace_forward.item_id, true, trace_forward.max_depth), v_rows, 'the trace');
  END IF;
END
$$;
COMMENT ON FUNCTION app.trace_forward(uuid, integer) IS
  E'Trace forward\nEvery lot and serial the item (a lot or serial id) went into, directly or through others, up to max_depth levels (1 to 100): type, number, part, plant, depth (1 = made directly from it), quantity and what remains, quality status and inventory state; each item once, at its smallest depth. One tenant, cycle-safe, as the caller; never partial: a caller without traceability.read tenant-wide whose walk would reach plants they may not read gets PT403 trace.incomplete (with the count) instead. PT404 trace_item.not_found, PT422 genealogy.depth_invalid.';

CREATE OR REPLACE FUNCTION app.trace_backward(item_id uuid, max_depth integer DEFAULT 20)
RETURNS TABLE (item_type app.trace_item_kind, id uuid, item_number text, part_id uuid, part_number text, site_id uuid, depth integer,
               quantity numeric, remaining_quantity numeric, unit text, quality_status app.trace_quality_status,
               inventory_state app.trace_inventory_state, supplier_id uuid, supplier_lot text)
LANGUAGE plpgsql STABLE
SET search_path = ''
AS $$
#variable_conflict use_column
DECLARE
  -- The tenant as a value, not a sub-select: the planner then knows how many
  -- lots and serials the tenant has and probes them by key per item reached.
  v_org uuid := auth.org_id();
  v_rows integer;
BEGIN
  IF trace_backward.max_depth IS NULL OR trace_backward.max_depth NOT BETWEEN 1 AND 100 THEN
    RAISE EXCEPTION 'max_depth is 1 to 100' USING ERRCODE = 'PT422', DETAIL = 'genealogy.depth_invalid', HINT = 'e.g. GET /rpc/trace_backward?item_id=<id>&max_depth=20';
  END IF;
  IF NOT EXISTS (SELECT FROM app.lots AS l WHERE l.organization_id = v_org AND l.id = trace_backward.item_id)
     AND NOT EXISTS (SELECT FROM app.serials AS s WHERE s.organization_id = v_org AND s.id = trace_backward.item_id) THEN
    RAISE EXCEPTION 'lot or serial not found' USING ERRCODE = 'PT404', DETAIL = 'trace_item.not_found',
      HINT = 'Send item_id: a lot or serial you may see (GET /lots, GET /serials).';
  END IF;
  RETURN QUERY
  WITH RECURSIVE walk (node, depth) AS (
    SELECT trace_backward.item_id, 0
    UNION
    SELECT e.from_id, w.depth + 1
      FROM walk AS w JOIN app.genealogy_edges AS e ON e.organization_id = v_org AND e.to_id = w.node
     WHERE w.depth < trace_backward.max_depth
  ), reached AS (
    SELECT w.node, min(w.depth) AS depth FROM walk AS w WHERE w.node <> trace_backward.item_id GROUP BY w.node
  )
  SELECT 'lot'::app.trace_item_kind, l.id, l.lot_number, l.part_id, p.part_number, l.site_id, r.depth, l.quantity, l.remaining_quantity,
         p.unit, l.quality_status, l.inventory_state, l.supplier_id, l.supplier_lot
    FROM reached AS r
    CROSS JOIN LATERAL (SELECT l.* FROM app.lots AS l WHERE l.organization_id = v_org AND l.id = r.node OFFSET 0) AS l
    LEFT JOIN LATERAL (SELECT p.* FROM app.parts AS p WHERE p.organization_id = v_org AND p.id = l.part_id OFFSET 0) AS p ON true
  UNION ALL
  SELECT 'serial'::app.trace_item_kind, s.id, s.serial_number, s.part_id, p.part_number, s.site_id, r.depth, 1, CASE WHEN s.inventory_state = 'available' THEN 1 ELSE 0 END,
         p.unit, s.quality_status, s.inventory_state, NULL::uuid, NULL::text
    FROM reached AS r
    CROSS JOIN LATERAL (SELECT s.* FROM app.serials AS s WHERE s.organization_id = v_org AND s.id = r.node OFFSET 0) AS s
    LEFT JOIN LATERAL (SELECT p.* FROM app.parts AS p WHERE p.organization_id = v_org AND p.id = s.part_id OFFSET 0) AS p ON true
   ORDER BY 7, 3;
  GET DIAGNOSTICS v_rows = ROW_COUNT;
  -- Never silently partial: a caller not reading every plant sees the walk only when it reaches none they may not read.
  IF NOT auth.has_permission('traceability.read') THEN
    PERFORM auth.require_complete_trace(auth.trace_reach_count(trace_backward.item_id, false, trace_backward.max_depth), v_rows, 'the trace');
  END IF;
END
$$;
COMMENT ON FUNCTION app.trace_backward(uuid, integer) IS
  E'Trace backward\nEvery lot and serial that went into the item (a lot or serial id), directly or through others, up to max_depth levels (1 to 100), with the supplier and supplier lot of purchased material: type, number, part, plant, depth, quantities, statuses; each item once, at its smallest depth. One tenant, cycle-safe, as the caller; never partial (PT403 trace.incomplete, as trace_forward). PT404 trace_item.not_found, PT422 genealogy.depth_invalid.';

CREATE OR REPLACE FUNCTION app.recall_simulation(lot_id uuid, max_depth integer DEFAULT 20)
RETURNS TABLE (item_type app.trace_item_kind, id uuid, item_number text, part_id uuid, part_number text, customer_id uuid, site_id uuid,
               depth integer, quantity numeric, remaining_quantity numeric, unit text, quality_status app.trace_quality_status,
               inventory_state app.trace_inventory_state, finished boolean, shipped_quantity numeric, shipments jsonb)
LANGUAGE plpgsql STABLE
SET search_path = ''
AS $$
#variable_conflict use_column
DECLARE
  -- The tenant as a value, not a sub-select: the planner then knows how many
  -- lots and serials the tenant has and probes them by key per item reached.
  v_org uuid := auth.org_id();
  v_lot app.lots;
  v_items uuid[];
  v_seen integer;
BEGIN
  SELECT * INTO v_lot FROM app.lots AS l WHERE l.organization_id = v_org AND l.id = recall_simulation.lot_id;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'lot not found' USING ERRCODE = 'PT404', DETAIL = 'lot.not_found', HINT = 'Send lot_id: a lot you may see (GET /lots).';
  END IF;
  -- Never silently partial: trace_forward refuses a walk into plants the caller may not read (trace.incomplete);
  -- a caller not reading every plant's shipments must see every shipment line of the affected items.
  IF NOT (auth.has_permission('shipment.read') OR auth.has_permission('shipment.manage')) THEN
    v_items := ARRAY(SELECT f.id FROM app.trace_forward(recall_simulation.lot_id, recall_simulation.max_depth) AS f) || v_lot.id;
    SELECT count(*)::integer INTO v_seen
      FROM app.shipment_items AS i JOIN app.shipments AS s ON s.organization_id = i.organization_id AND s.id = i.shipment_id
     WHERE i.organization_id = v_org AND (i.lot_id = ANY (v_items) OR i.serial_id = ANY (v_items)) AND s.status <> 'cancelled';
    PERFORM auth.require_complete_trace(auth.recall_shipment_line_count(v_items), v_seen, 'the recall''s shipments');
  END IF;
  -- The lot itself (depth 0: it may have shipped as it is), then everything made from it; each with the shipments
  -- (of those the caller may read) that carried it: number, customer, quantity, state, when shipped.
  RETURN QUERY
  WITH affected AS (
    SELECT 'lot'::app.trace_item_kind AS item_type, v_lot.id, v_lot.lot_number AS item_number, v_lot.part_id,
           (SELECT p.part_number FROM app.parts AS p WHERE p.organization_id = v_org AND p.id = v_lot.part_id), v_lot.site_id,
           0 AS depth, v_lot.quantity, v_lot.remaining_quantity, v_lot.unit, v_lot.quality_status, v_lot.inventory_state
    UNION ALL
    SELECT f.item_type, f.id, f.item_number, f.part_id, f.part_number, f.site_id, f.depth, f.quantity, f.remaining_quantity, f.unit,
           f.quality_status, f.inventory_state
      FROM app.trace_forward(recall_simulation.lot_id, recall_simulation.max_depth) AS f
  -- The shipments of all affected items at once (the policies' checks run once, not per item): a lot's items by
  -- lot_id, a serial's by serial_id.
  ), shipped AS (
    SELECT x.item_id, sum(x.quantity) FILTER (WHERE s.status IN ('shipped', 'delivered')) AS shipped_quantity,
           pg_catalog.jsonb_agg(pg_catalog.jsonb_build_object(
             'shipment_id', s.id, 'shipment_number', s.shipment_number, 'status', s.status, 'customer_id', s.customer_id,
             'customer_name', c.name, 'quantity', x.quantity, 'unit', x.unit, 'shipped_at', s.shipped_at, 'delivered_at', s.delivered_at)
             ORDER BY s.shipment_number) AS shipments
      FROM (SELECT a.id AS item_id, i.shipment_id, i.quantity, i.unit
              FROM affected AS a JOIN app.shipment_items AS i ON i.organization_id = v_org AND i.lot_id = a.id
             WHERE a.item_type = 'lot'
            UNION ALL
            SELECT a.id, i.shipment_id, i.quantity, i.unit
              FROM affected AS a JOIN app.shipment_items AS i ON i.organization_id = v_org AND i.serial_id = a.id
             WHERE a.item_type = 'serial') AS x
      JOIN app.shipments AS s ON s.organization_id = v_org AND s.id = x.shipment_id
      LEFT JOIN app.partners AS c ON c.organization_id = v_org AND c.id = s.customer_id  -- the name only where partners are read
     WHERE s.status <> 'cancelled'
     GROUP BY x.item_id
  )
  SELECT a.item_type, a.id, a.item_number, a.part_id, a.part_number, p.customer_id, a.site_id, a.depth, a.quantity, a.remaining_quantity,
         a.unit, a.quality_status, a.inventory_state,
         NOT EXISTS (SELECT FROM app.genealogy_edges AS e WHERE e.organization_id = v_org AND e.from_id = a.id),
         coalesce(sh.shipped_quantity, 0), coalesce(sh.shipments, '[]')
    FROM affected AS a
    LEFT JOIN app.parts AS p ON p.organization_id = v_org AND p.id = a.part_id
    LEFT JOIN shipped AS sh ON sh.item_id = a.id
   ORDER BY a.depth, a.item_number;
END
$$;
COMMENT ON FUNCTION app.recall_simulation(uuid, integer) IS
  E'Recall simulation\nWhat a recall of a lot reaches, in one call: the lot itself (depth 0) and every lot and serial made from it at any depth up to max_depth (1 to 100), with its part, the customer the part is made for, plant, depth, quantity made and remaining, statuses, finished (nothing was made from it), and the shipments that carry it (not cancelled; shipments: [{shipment_id, shipment_number, status, customer_id, customer_name, quantity, unit, shipped_at, delivered_at}]) with shipped_quantity, what left in shipped or delivered ones. As the caller, and never partial: a caller who may not read every plant the walk reaches, or every shipment that carries an affected item, gets PT403 trace.incomplete with the count of what is hidden (an operations manager never gets a silently short recall list). PT404 lot.not_found, PT422 genealogy.depth_invalid.';
