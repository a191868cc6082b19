-- Sample lineage (migration lab/lineage): aliquots and derivatives (one
-- parent, many children) and pools (many parents, one child) with the
-- quantity taken from each parent. A parent's remaining quantity never goes
-- negative: the RPCs lock it (FOR UPDATE, in id order for pools) and take
-- the quantity with a guarded UPDATE (PT409 sample.insufficient_quantity).
-- Children are created in the same call as their edges, so no edge can
-- close a cycle. app.sample_lineage walks the edges as the caller sees them.

CREATE OR REPLACE TRIGGER _100_append_only BEFORE UPDATE OR DELETE ON app.sample_lineage_links
  FOR EACH ROW EXECUTE FUNCTION app_private.tg__append_only();

-- Takes a quantity (in any unit of the parent's dimension) from a parent the
-- caller has locked; returns it in the parent's unit (NULL when the parent
-- keeps no quantity).
CREATE OR REPLACE FUNCTION app_private.take_from_sample(p_parent app.samples, p_quantity numeric, p_unit text) RETURNS numeric
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = ''
AS $$
DECLARE
  v_taken numeric;
  v_left numeric;
BEGIN
  IF p_quantity IS NULL THEN
    IF p_parent.remaining_quantity IS NOT NULL THEN
      PERFORM app_private.raise_invalid('sample_lineage.quantity_required',
        pg_catalog.format('taking from %s needs a quantity', p_parent.sample_number),
        pg_catalog.format('Send quantity (and unit, %s unless sent): how much of the parent is used.', p_parent.unit));
    END IF;
    RETURN NULL;
  END IF;
  IF p_quantity <= 0 THEN
    PERFORM app_private.raise_invalid('sample_lineage.quantity_required', 'the quantity taken must be positive', 'Send a quantity above 0.');
  END IF;
  IF p_parent.remaining_quantity IS NULL THEN
    RETURN NULL;
  END IF;
  v_taken := CASE WHEN coalesce(p_unit, p_parent.unit) = p_parent.unit THEN p_quantity
                  ELSE app.convert_unit(p_quantity, p_unit, p_parent.unit) END;
  UPDATE app.samples AS s SET remaining_quantity = s.remaining_quantity - v_taken
   WHERE s.organization_id = p_parent.organization_id AND s.id = p_parent.id AND s.remaining_quantity >= v_taken
  RETURNING s.remaining_quantity INTO v_left;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'sample % has % % left, % % asked', p_parent.sample_number,
      (SELECT s.remaining_quantity FROM app.samples AS s WHERE s.organization_id = p_parent.organization_id AND s.id = p_parent.id),
      p_parent.unit, v_taken, p_parent.unit
      USING ERRCODE = 'PT409', DETAIL = 'sample.insufficient_quantity',
            HINT = 'Take at most the remaining_quantity of the parent (GET /samples?id=eq.<id>&select=remaining_quantity,unit).';
  END IF;
  RETURN v_taken;
END
$$;
COMMENT ON FUNCTION app_private.take_from_sample(app.samples, numeric, text) IS
  'Takes a quantity from a parent sample the caller locked: converted to the parent''s unit (app.convert_unit), deducted only while enough remains (PT409 sample.insufficient_quantity, never negative), PT422 sample_lineage.quantity_required when the parent keeps a quantity and none is sent. Returns what was taken in the parent''s unit, NULL for a parent without quantity.';

-- A sample must be in the lab and not closed for material to be taken from it.
CREATE OR REPLACE FUNCTION app_private.require_sample_available(p_sample app.samples) RETURNS void
LANGUAGE plpgsql STABLE
SET search_path = ''
AS $$
BEGIN
  IF p_sample.status NOT IN ('received', 'in_progress', 'completed', 'released', 'retest') THEN
    RAISE EXCEPTION 'sample % is %', p_sample.sample_number, p_sample.status USING ERRCODE = 'PT409', DETAIL = 'sample.not_available',
      HINT = 'Material is taken only from a sample in the lab: received, in progress, completed, released or for retest.';
  END IF;
END
$$;
COMMENT ON FUNCTION app_private.require_sample_available(app.samples) IS
  'PT409 sample.not_available unless the sample is in the lab (received, in_progress, completed, released or retest): registered, rejected, invalidated and disposed samples give no material.';

-- A new child sample, received at once (it is made in the lab), inheriting
-- where the parent came from.
CREATE OR REPLACE FUNCTION app_private.create_child_sample(p_parent app.samples, p_sample_type_id uuid, p_quantity numeric, p_unit text,
                                                           p_description text, p_barcode text, p_reason text)
RETURNS app.samples
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = ''
AS $$
DECLARE
  v_child app.samples;
BEGIN
  INSERT INTO app.samples (organization_id, sample_type_id, site_id, partner_id, project_id, service_request_id, collected_at,
                           quantity, unit, description, barcode,
                           custom_fields)
  VALUES (p_parent.organization_id, coalesce(p_sample_type_id, p_parent.sample_type_id), p_parent.site_id, p_parent.partner_id,
          p_parent.project_id, p_parent.service_request_id, p_parent.collected_at, p_quantity, p_unit,
          coalesce(p_description, ''), p_barcode,
          CASE WHEN coalesce(p_sample_type_id, p_parent.sample_type_id) = p_parent.sample_type_id THEN p_parent.custom_fields ELSE '{}' END)
  RETURNING * INTO v_child;
  RETURN app_private.set_sample_status(v_child.organization_id, v_child.id, 'received', p_reason);
END
$$;
COMMENT ON FUNCTION app_private.create_child_sample(app.samples, uuid, numeric, text, text, text, text) IS
  'Registers a child of a parent sample (its type unless another is given, the parent''s site, customer, project, request and collection time; the parent''s custom fields when of the same type) and receives it at once (it was made in the lab), the reason in its status history.';

CREATE OR REPLACE FUNCTION app.split_sample(sample_id uuid, kind app.sample_lineage_kind, children jsonb) RETURNS SETOF app.samples
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = ''
AS $$
DECLARE
  v_parent app.samples := app_private.lock_sample_for_change(split_sample.sample_id);
  v_item jsonb;
  v_position bigint;
  v_type uuid;
  v_taken numeric;
  v_child app.samples;
  v_unknown text[];
BEGIN
  IF kind NOT IN ('aliquot', 'derivative') THEN
    PERFORM app_private.raise_invalid('sample_lineage.kind_invalid', 'split_sample makes aliquots or derivatives',
      'Pool samples with POST /rpc/pool_samples.');
  END IF;
  IF pg_catalog.jsonb_typeof(children) IS DISTINCT FROM 'array' OR pg_catalog.jsonb_array_length(children) NOT BETWEEN 1 AND 1000 THEN
    PERFORM app_private.raise_invalid('sample_lineage.invalid', 'children must be an array of 1 to 1000 objects',
      'Send children: [{"quantity": 10, "unit": "mL"}, ...].');
  END IF;
  PERFORM app_private.require_sample_available(v_parent);
  FOR v_item, v_position IN SELECT e.value, e.ordinality FROM pg_catalog.jsonb_array_elements(children) WITH ORDINALITY AS e LOOP
    v_unknown := ARRAY(SELECT k FROM pg_catalog.jsonb_object_keys(CASE WHEN pg_catalog.jsonb_typeof(v_item) = 'object' THEN v_item ELSE '{"?": 0}' END) AS k
                        WHERE k <> ALL (ARRAY['quantity', 'unit', 'sample_type_id', 'child_quantity', 'child_unit', 'description', 'barcode']));
    IF cardinality(v_unknown) > 0 THEN
      PERFORM app_private.raise_invalid('sample_lineage.invalid',
        pg_catalog.format('children[%s] is not an object of quantity, unit, sample_type_id, child_quantity, child_unit, description, barcode', v_position - 1),
        'quantity/unit: taken from the parent; child_quantity/child_unit: the child''s own (a derivative''s), the taken quantity unless sent.');
    END IF;
    v_type := (v_item ->> 'sample_type_id')::uuid;
    IF kind = 'aliquot' AND v_type IS DISTINCT FROM NULL AND v_type <> v_parent.sample_type_id THEN
      PERFORM app_private.raise_invalid('sample_lineage.kind_invalid', 'an aliquot has its parent''s sample type',
        'Leave sample_type_id out, or make a derivative.');
    END IF;
    v_taken := app_private.take_from_sample(v_parent, (v_item ->> 'quantity')::numeric, v_item ->> 'unit');
    v_child := app_private.create_child_sample(v_parent, v_type,
      coalesce((v_item ->> 'child_quantity')::numeric, (v_item ->> 'quantity')::numeric),
      coalesce(v_item ->> 'child_unit', v_item ->> 'unit', CASE WHEN v_type IS NULL OR v_type = v_parent.sample_type_id THEN v_parent.unit END),
      coalesce(v_item ->> 'description', pg_catalog.format('%s of %s', pg_catalog.initcap(kind::text), v_parent.sample_number)),
      v_item ->> 'barcode', pg_catalog.format('%s of %s', kind, v_parent.sample_number));
    INSERT INTO app.sample_lineage_links (organization_id, parent_id, child_id, kind, quantity, unit, created_by)
    VALUES (v_parent.organization_id, v_parent.id, v_child.id, kind, v_taken, CASE WHEN v_taken IS NOT NULL THEN v_parent.unit END, auth.user_id());
    RETURN NEXT v_child;
  END LOOP;
END
$$;
COMMENT ON FUNCTION app.split_sample(uuid, app.sample_lineage_kind, jsonb) IS
  E'Split a sample into aliquots or derivatives\nMakes children of one parent, all or nothing: each element {quantity, unit} is taken from the parent (converted to its unit; the parent''s remaining_quantity never goes negative: PT409 sample.insufficient_quantity), with optional sample_type_id (a derivative''s type; an aliquot keeps the parent''s), child_quantity/child_unit (the child''s own amount), description, barcode. Children inherit the parent''s site, customer, project and request and are received at once. The parent must be in the lab (PT409 sample.not_available); needs sample.manage at its site. Returns the children with their human ids and barcodes. PT422 sample_lineage.kind_invalid, sample_lineage.invalid, sample_lineage.quantity_required.';

CREATE OR REPLACE FUNCTION app.pool_samples(parents jsonb, sample_type_id uuid DEFAULT NULL, description text DEFAULT NULL, barcode text DEFAULT NULL)
RETURNS app.samples
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = ''
AS $$
DECLARE
  v_items jsonb;
  v_item jsonb;
  v_parent app.samples;
  v_first app.samples;
  v_parents app.samples[] := '{}';
  v_type uuid := pool_samples.sample_type_id;
  v_unit text;
  v_taken numeric[] := '{}';
  v_total numeric := 0;
  v_child app.samples;
  v_proto app.samples;
  i integer;
BEGIN
  IF pg_catalog.jsonb_typeof(parents) IS DISTINCT FROM 'array' OR pg_catalog.jsonb_array_length(parents) NOT BETWEEN 2 AND 1000
     OR EXISTS (SELECT FROM pg_catalog.jsonb_array_elements(parents) AS e
                 WHERE pg_catalog.jsonb_typeof(e.value) IS DISTINCT FROM 'object' OR NOT e.value ? 'sample_id'
                    OR EXISTS (SELECT FROM pg_catalog.jsonb_object_keys(e.value) AS k WHERE k NOT IN ('sample_id', 'quantity', 'unit')))
     OR (SELECT count(DISTINCT e.value ->> 'sample_id') FROM pg_catalog.jsonb_array_elements(parents) AS e) <> pg_catalog.jsonb_array_length(parents) THEN
    PERFORM app_private.raise_invalid('sample_lineage.invalid', 'parents must be 2 to 1000 distinct objects {sample_id, quantity, unit}',
      'Send parents: [{"sample_id": ..., "quantity": 5, "unit": "mL"}, ...], each sample once.');
  END IF;
  -- Lock the parents in id order: two pools over the same samples cannot deadlock.
  SELECT pg_catalog.jsonb_agg(e.value ORDER BY (e.value ->> 'sample_id')::uuid) INTO v_items FROM pg_catalog.jsonb_array_elements(parents) AS e;
  FOR v_item IN SELECT e.value FROM pg_catalog.jsonb_array_elements(v_items) AS e LOOP
    v_parent := app_private.lock_sample_for_change((v_item ->> 'sample_id')::uuid);
    PERFORM app_private.require_sample_available(v_parent);
    v_parents := v_parents || v_parent;
  END LOOP;
  v_first := v_parents[1];
  IF EXISTS (SELECT FROM pg_catalog.unnest(v_parents) AS p WHERE p.site_id IS DISTINCT FROM v_first.site_id) THEN
    PERFORM app_private.raise_invalid('sample_lineage.mixed_sites', 'pooled samples must be at one site',
      'Pool samples of the same site (transfer them first).');
  END IF;
  IF v_type IS NULL THEN
    IF EXISTS (SELECT FROM pg_catalog.unnest(v_parents) AS p WHERE p.sample_type_id <> v_first.sample_type_id) THEN
      PERFORM app_private.raise_invalid('sample_lineage.kind_invalid', 'pooled samples of different types need the pool''s sample_type_id',
        'Send sample_type_id: the type of the pooled sample.');
    END IF;
    v_type := v_first.sample_type_id;
  END IF;
  v_unit := coalesce((SELECT t.default_unit FROM app.sample_types AS t WHERE t.organization_id = v_first.organization_id AND t.id = v_type),
                     v_first.unit);
  FOR i IN 1 .. cardinality(v_parents) LOOP
    v_item := v_items -> (i - 1);
    v_taken := v_taken || app_private.take_from_sample(v_parents[i], (v_item ->> 'quantity')::numeric, v_item ->> 'unit');
    -- The pool holds the sum of what was taken, in its own unit (when every part has a quantity).
    v_total := v_total + CASE WHEN v_item ? 'quantity' AND v_unit IS NOT NULL
                              THEN app.convert_unit((v_item ->> 'quantity')::numeric, coalesce(v_item ->> 'unit', v_parents[i].unit), v_unit) END;
  END LOOP;
  -- The pool's template: the first parent, with what the parents do not share left out.
  v_proto := v_first;
  v_proto.partner_id := CASE WHEN NOT EXISTS (SELECT FROM pg_catalog.unnest(v_parents) AS p WHERE p.partner_id IS DISTINCT FROM v_first.partner_id) THEN v_first.partner_id END;
  v_proto.project_id := CASE WHEN NOT EXISTS (SELECT FROM pg_catalog.unnest(v_parents) AS p WHERE p.project_id IS DISTINCT FROM v_first.project_id) THEN v_first.project_id END;
  v_proto.service_request_id := CASE WHEN NOT EXISTS (SELECT FROM pg_catalog.unnest(v_parents) AS p WHERE p.service_request_id IS DISTINCT FROM v_first.service_request_id)
                                     THEN v_first.service_request_id END;
  v_proto.collected_at := (SELECT min(p.collected_at) FROM pg_catalog.unnest(v_parents) AS p);
  v_proto.custom_fields := '{}';
  v_proto.sample_type_id := NULL;
  v_child := app_private.create_child_sample(v_proto,
    v_type, v_total, CASE WHEN v_total IS NOT NULL THEN v_unit END,
    coalesce(pool_samples.description, 'Pool of ' || (SELECT pg_catalog.string_agg(p.sample_number, ', ' ORDER BY p.sample_number) FROM pg_catalog.unnest(v_parents) AS p)),
    pool_samples.barcode, pg_catalog.format('pool of %s samples', cardinality(v_parents)));
  FOR i IN 1 .. cardinality(v_parents) LOOP
    INSERT INTO app.sample_lineage_links (organization_id, parent_id, child_id, kind, quantity, unit, created_by)
    VALUES (v_child.organization_id, v_parents[i].id, v_child.id, 'pool', v_taken[i], CASE WHEN v_taken[i] IS NOT NULL THEN v_parents[i].unit END,
            auth.user_id());
  END LOOP;
  RETURN v_child;
END
$$;
COMMENT ON FUNCTION app.pool_samples(jsonb, uuid, text, text) IS
  E'Pool samples\nCombines 2 or more samples of one site into a new one, all or nothing: parents [{sample_id, quantity, unit}], each quantity taken from its parent (converted to its unit; never more than remains: PT409 sample.insufficient_quantity). The pool is of sample_type_id (the parents'' common type unless sent), holds the sum taken in that type''s unit, keeps the customer, project and request the parents share, and is received at once. Parents are locked in id order. Needs sample.manage at the site; PT409 sample.not_available, PT422 sample_lineage.invalid, sample_lineage.mixed_sites, sample_lineage.kind_invalid.';

CREATE OR REPLACE FUNCTION app.sample_lineage(sample_id uuid, direction text DEFAULT 'both', depth integer DEFAULT 10)
RETURNS TABLE (id uuid, sample_number text, barcode text, status app.sample_status, relation text, parent_id uuid, child_id uuid,
               kind app.sample_lineage_kind, quantity numeric, unit text, level integer, path uuid[])
LANGUAGE plpgsql STABLE
SET search_path = ''
AS $$
#variable_conflict use_column
BEGIN
  IF direction IS NULL OR direction NOT IN ('ancestors', 'descendants', 'both') OR depth IS NULL OR depth NOT BETWEEN 1 AND 100 THEN
    -- Raised here: the function runs as the caller, who may not call app_private.raise_invalid.
    RAISE EXCEPTION 'direction is ancestors, descendants or both; depth 1 to 100' USING ERRCODE = 'PT422', DETAIL = 'sample_lineage.invalid',
      HINT = 'e.g. GET /rpc/sample_lineage?sample_id=<id>&direction=both&depth=10';
  END IF;
  RETURN QUERY
  WITH RECURSIVE up AS (
    SELECT e.parent_id AS node, e.parent_id, e.child_id, e.kind, e.quantity, e.unit, 1 AS depth, ARRAY[e.child_id, e.parent_id] AS path
      FROM app.sample_lineage_links AS e
     WHERE direction IN ('ancestors', 'both') AND e.organization_id = (SELECT auth.org_id()) AND e.child_id = sample_lineage.sample_id
    UNION ALL
    SELECT e.parent_id, e.parent_id, e.child_id, e.kind, e.quantity, e.unit, up.depth + 1, up.path || e.parent_id
      FROM up JOIN app.sample_lineage_links AS e ON e.organization_id = (SELECT auth.org_id()) AND e.child_id = up.node
     WHERE up.depth < sample_lineage.depth AND e.parent_id <> ALL (up.path)
  ), down AS (
    SELECT e.child_id AS node, e.parent_id, e.child_id, e.kind, e.quantity, e.unit, 1 AS depth, ARRAY[e.parent_id, e.child_id] AS path
      FROM app.sample_lineage_links AS e
     WHERE direction IN ('descendants', 'both') AND e.organization_id = (SELECT auth.org_id()) AND e.parent_id = sample_lineage.sample_id
    UNION ALL
    SELECT e.child_id, e.parent_id, e.child_id, e.kind, e.quantity, e.unit, down.depth + 1, down.path || e.child_id
      FROM down JOIN app.sample_lineage_links AS e ON e.organization_id = (SELECT auth.org_id()) AND e.parent_id = down.node
     WHERE down.depth < sample_lineage.depth AND e.child_id <> ALL (down.path)
  ), walked AS (
    SELECT 'ancestor'::text AS relation, up.* FROM up
    UNION ALL
    SELECT 'descendant'::text, down.* FROM down
  )
  SELECT w.node, s.sample_number, s.barcode, s.status, w.relation, w.parent_id, w.child_id, w.kind, w.quantity, w.unit, w.depth, w.path
    FROM walked AS w
    JOIN app.samples AS s ON s.organization_id = (SELECT auth.org_id()) AND s.id = w.node
   ORDER BY w.relation, w.depth, s.sample_number;
END
$$;
COMMENT ON FUNCTION app.sample_lineage(uuid, text, integer) IS
  E'Sample lineage\nThe samples a sample came from (direction ancestors), was split or pooled into (descendants), or both, up to depth generations (1 to 100): one row per edge walked, with the sample at its far end (id, sample_number, barcode, status), the relation (ancestor or descendant), the edge (parent_id, child_id, kind, quantity taken, unit), its level (1 for parents or children) and the path of sample ids from the start. Runs as the caller: only edges and samples they may see, in their tenant. PT422 sample_lineage.invalid.';
