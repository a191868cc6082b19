-- The project BOM (migration quality/project_bom): per project, assembly
-- part -> component part lines with a quantity in a unit that converts to
-- the component's unit. Written with part.manage (engineering), read with
-- project.read. A line that would close a cycle in its project is refused
-- (PT422 project_bom.cycle): writers of one project's BOM serialize on a
-- transaction lock, so two concurrent lines cannot close one together.
-- app.explode_project_bom multiplies quantities down the levels (converted
-- to each component's unit); app.part_where_used goes up.

CREATE OR REPLACE TRIGGER _000_fill_keys BEFORE INSERT ON app.project_bom_lines
  FOR EACH ROW EXECUTE FUNCTION app_private.tg_fill_keys('organization_id', 'id');
CREATE OR REPLACE TRIGGER _010_keep_fixed_columns BEFORE UPDATE ON app.project_bom_lines
  FOR EACH ROW EXECUTE FUNCTION app_private.tg_keep_fixed_columns('organization_id', 'id', 'project_id');
CREATE OR REPLACE TRIGGER _000_require_permission BEFORE INSERT ON app.project_bom_lines
  FOR EACH STATEMENT EXECUTE FUNCTION app_private.tg_require_insert_permission('part.manage');
CREATE OR REPLACE TRIGGER _100_touch_updated_at BEFORE UPDATE ON app.project_bom_lines
  FOR EACH ROW EXECUTE FUNCTION app_private.tg__touch_updated_at();

CREATE OR REPLACE FUNCTION app_private.tg_project_bom_lines__prepare() RETURNS trigger
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = ''
AS $$
DECLARE
  v_component_unit text;
  v_component_number text;
BEGIN
  PERFORM app_private.refuse_foreign_tenant(NEW.organization_id);
  IF TG_OP = 'INSERT' THEN
    NEW.created_by := coalesce(NEW.created_by, auth.user_id());
  ELSIF OLD.ended_by_change_order_id IS NOT NULL THEN
    -- A line a change order superseded is history.
    RAISE EXCEPTION 'this BOM line was superseded by a change order: it is kept as it was' USING ERRCODE = 'PT409',
      DETAIL = 'project_bom.line_superseded', HINT = 'Change the line in effect (ended_by_change_order_id empty), or raise a change order.';
  END IF;
  -- The quantity's unit converts to the component's unit.
  SELECT p.unit, p.part_number INTO v_component_unit, v_component_number
    FROM app.parts AS p WHERE p.organization_id = NEW.organization_id AND p.id = NEW.component_part_id;
  IF FOUND AND NOT EXISTS (
       SELECT FROM app.units AS a JOIN app.units AS b ON b.dimension = a.dimension
        WHERE a.code = NEW.unit AND b.code = v_component_unit) THEN
    RAISE EXCEPTION 'a quantity in % does not convert to % (the unit of %)', NEW.unit, v_component_unit, v_component_number
      USING ERRCODE = 'PT422', DETAIL = 'project_bom.unit_incompatible',
            HINT = 'Give the quantity in a unit of the component''s dimension (GET /units), e.g. ' || v_component_unit || '.';
  END IF;
  -- No cycle: the component must not be the assembly or one of its
  -- ancestors in this project's BOM. Writers of one project queue here.
  IF TG_OP = 'INSERT' OR NEW.parent_part_id IS DISTINCT FROM OLD.parent_part_id OR NEW.component_part_id IS DISTINCT FROM OLD.component_part_id THEN
    PERFORM pg_catalog.pg_advisory_xact_lock(pg_catalog.hashtextextended('project_bom:' || NEW.organization_id::text || ':' || NEW.project_id::text, 0));
    IF EXISTS (
      WITH RECURSIVE up (part_id, path) AS (
        SELECT NEW.parent_part_id, ARRAY[NEW.parent_part_id]
        UNION ALL
        SELECT l.parent_part_id, up.path || l.parent_part_id
          FROM up JOIN app.project_bom_lines AS l
            ON l.organization_id = NEW.organization_id AND l.project_id = NEW.project_id AND l.component_part_id = up.part_id
           AND l.id <> NEW.id
         WHERE NOT l.parent_part_id = ANY (up.path)
      )
      SELECT FROM up WHERE up.part_id = NEW.component_part_id) THEN
      RAISE EXCEPTION 'this line would make % a component of itself', v_component_number
        USING ERRCODE = 'PT422', DETAIL = 'project_bom.cycle',
              HINT = 'A part cannot be used, directly or through sub-assemblies, in an assembly it contains (GET /rpc/part_where_used).';
    END IF;
  END IF;
  RETURN NEW;
END
$$;
COMMENT ON FUNCTION app_private.tg_project_bom_lines__prepare() IS
  'BEFORE INSERT OR UPDATE on project_bom_lines: refuses another tenant''s row (tenant.foreign_row), stamps created_by; PT409 project_bom.line_superseded for an update of a line a change order superseded (history); PT422 project_bom.unit_incompatible when the quantity''s unit does not convert to the component''s unit; PT422 project_bom.cycle when the component is the assembly or one of its ancestors in the project (writers of a project serialize on a transaction lock).';

CREATE OR REPLACE TRIGGER _200_prepare BEFORE INSERT OR UPDATE ON app.project_bom_lines
  FOR EACH ROW EXECUTE FUNCTION app_private.tg_project_bom_lines__prepare();

-- Whether a BOM line is in effect at a time for a lot or serial number
-- (change order effectivity, as app.effective_part_revision reads it): lot
-- and serial numbers compare by length, then bytewise, the order pattern
-- counters are taken in. In auth: the BOM reads run as the caller. No SET
-- search_path (every name is qualified), so the planner inlines it into
-- their WHERE clauses instead of calling it per line.
CREATE OR REPLACE FUNCTION auth.bom_line_in_effect(p_line app.project_bom_lines, p_at timestamptz, p_lot_number text, p_serial_number text)
RETURNS boolean
LANGUAGE sql IMMUTABLE
AS $$
  SELECT (p_line.effective_from IS NULL OR p_line.effective_from <= p_at)
     AND (p_line.effective_to IS NULL OR p_line.effective_to > p_at)
     AND (p_line.effective_from_lot_number IS NULL OR p_lot_number IS NULL
          OR (pg_catalog.length(p_lot_number), p_lot_number COLLATE "C")
             >= (pg_catalog.length(p_line.effective_from_lot_number), p_line.effective_from_lot_number COLLATE "C"))
     AND (p_line.effective_to_lot_number IS NULL
          OR (pg_catalog.length(p_lot_number), p_lot_number COLLATE "C")
             < (pg_catalog.length(p_line.effective_to_lot_number), p_line.effective_to_lot_number COLLATE "C"))
     AND (p_line.effective_from_serial_number IS NULL OR p_serial_number IS NULL
          OR (pg_catalog.length(p_serial_number), p_serial_number COLLATE "C")
             >= (pg_catalog.length(p_line.effective_from_serial_number), p_line.effective_from_serial_number COLLATE "C"))
     AND (p_line.effective_to_serial_number IS NULL
          OR (pg_catalog.length(p_serial_number), p_serial_number COLLATE "C")
             < (pg_catalog.length(p_line.effective_to_serial_number), p_line.effective_to_serial_number COLLATE "C"))
$$;
COMMENT ON FUNCTION auth.bom_line_in_effect(app.project_bom_lines, timestamptz, text, text) IS
  'Whether a project BOM line is in effect at p_at for the lot or serial number (NULL: any): its effective dates, and its lot and serial ranges compared by length then bytewise. Read by app.explode_project_bom and app.part_where_used.';

CREATE OR REPLACE FUNCTION app.explode_project_bom(
  project_id uuid, assembly_part_id uuid DEFAULT NULL, quantity numeric DEFAULT 1, max_depth integer DEFAULT 25,
  at timestamptz DEFAULT now(), lot_number text DEFAULT NULL, serial_number text DEFAULT NULL
) RETURNS TABLE (
  depth integer, path text, top_part_id uuid, parent_part_id uuid, part_id uuid, part_number text, part_name text,
  line_id uuid, line_quantity numeric, line_unit text, quantity_per_parent numeric, extended_quantity numeric, unit text
)
LANGUAGE plpgsql STABLE
SET search_path = ''
AS $$
#variable_conflict use_column
BEGIN
  IF explode_project_bom.quantity IS NULL OR explode_project_bom.quantity <= 0 THEN
    RAISE EXCEPTION 'the quantity to explode must be positive' USING ERRCODE = 'PT422', DETAIL = 'project_bom.quantity_invalid',
      HINT = 'Give how many of the top assembly to build, e.g. quantity=1.';
  END IF;
  IF explode_project_bom.max_depth IS NULL OR explode_project_bom.max_depth NOT BETWEEN 1 AND 100 THEN
    RAISE EXCEPTION 'max_depth must be between 1 and 100' USING ERRCODE = 'PT422', DETAIL = 'project_bom.depth_invalid',
      HINT = 'Leave max_depth out (25 levels) or give 1..100.';
  END IF;
  RETURN QUERY
  WITH RECURSIVE
    lines AS (
      SELECT l.* FROM app.project_bom_lines AS l
       WHERE l.organization_id = auth.org_id() AND l.project_id = explode_project_bom.project_id
         AND auth.bom_line_in_effect(l, explode_project_bom.at, explode_project_bom.lot_number, explode_project_bom.serial_number)
    ),
    tops AS (
      SELECT DISTINCT l.parent_part_id AS part_id FROM lines AS l
       WHERE explode_project_bom.assembly_part_id IS NULL
         AND NOT EXISTS (SELECT FROM lines AS c WHERE c.component_part_id = l.parent_part_id)
      UNION
      SELECT explode_project_bom.assembly_part_id WHERE explode_project_bom.assembly_part_id IS NOT NULL
    ),
    tree (depth, path_ids, path_numbers, top_part_id, parent_part_id, part_id, line_id, line_quantity, line_unit, per_parent, extended, position) AS (
      SELECT 0, ARRAY[t.part_id], ARRAY[p.part_number], t.part_id, NULL::uuid, t.part_id, NULL::uuid, NULL::numeric, NULL::text,
             NULL::numeric, explode_project_bom.quantity, ARRAY[p.part_number]
        FROM tops AS t JOIN app.parts AS p ON p.organization_id = auth.org_id() AND p.id = t.part_id
      UNION ALL
      SELECT tree.depth + 1, tree.path_ids || l.component_part_id, tree.path_numbers || c.part_number, tree.top_part_id,
             l.parent_part_id, l.component_part_id, l.id, l.quantity, l.unit, q.per_parent, tree.extended * q.per_parent,
             tree.position || (pg_catalog.lpad(l.position::text, 6, '0') || ' ' || c.part_number)
        FROM tree
        JOIN lines AS l ON l.parent_part_id = tree.part_id
        JOIN app.parts AS c ON c.organization_id = l.organization_id AND c.id = l.component_part_id
        CROSS JOIN LATERAL (SELECT app.convert_unit(l.quantity, l.unit, c.unit) AS per_parent) AS q
       WHERE tree.depth < explode_project_bom.max_depth
         AND NOT l.component_part_id = ANY (tree.path_ids)   -- cycle-safe even if one slipped in
    )
  SELECT tree.depth, pg_catalog.array_to_string(tree.path_numbers, ' > '), tree.top_part_id, tree.parent_part_id, tree.part_id,
         p.part_number, p.name, tree.line_id, tree.line_quantity, tree.line_unit, tree.per_parent, tree.extended, p.unit
    FROM tree JOIN app.parts AS p ON p.organization_id = auth.org_id() AND p.id = tree.part_id
   ORDER BY tree.position;
END
$$;
COMMENT ON FUNCTION app.explode_project_bom(uuid, uuid, numeric, integer, timestamptz, text, text) IS
  E'Explode a project BOM\nThe project''s BOM as a tree, from one assembly (assembly_part_id) or from every top assembly (parts used in no line of the project), for quantity units of it: depth (0 = the assembly), the path of part numbers, the line''s quantity and unit, the quantity per parent converted to the component''s unit and the extended quantity multiplied down the levels. Only the lines in effect: at a time (at, default now) for a lot or serial number (optional) by the change orders that added or superseded them (date, lot or serial effectivity; without a number, new production: lines a lot or serial effectivity superseded are left out). Cycle-safe; at most max_depth levels (1..100, PT422 project_bom.depth_invalid); PT422 project_bom.quantity_invalid. Lines the caller may not read are left out.';

CREATE OR REPLACE FUNCTION app.part_where_used(part_id uuid, in_project_id uuid DEFAULT NULL, at timestamptz DEFAULT now(),
                                               lot_number text DEFAULT NULL, serial_number text DEFAULT NULL)
RETURNS TABLE (
  project_id uuid, project_number text, project_title text, depth integer, parent_part_id uuid, parent_part_number text,
  quantity numeric, unit text, is_top_assembly boolean
)
LANGUAGE sql STABLE
SET search_path = ''
AS $$
  WITH RECURSIVE lines AS (
    SELECT l.* FROM app.project_bom_lines AS l
     WHERE l.organization_id = auth.org_id()
       AND (part_where_used.in_project_id IS NULL OR l.project_id = part_where_used.in_project_id)
       AND auth.bom_line_in_effect(l, part_where_used.at, part_where_used.lot_number, part_where_used.serial_number)
  ), up (project_id, depth, parent_part_id, quantity, unit, path) AS (
    SELECT l.project_id, 1, l.parent_part_id, l.quantity, l.unit, ARRAY[l.component_part_id, l.parent_part_id]
      FROM lines AS l
     WHERE l.component_part_id = part_where_used.part_id
    UNION ALL
    SELECT l.project_id, up.depth + 1, l.parent_part_id, l.quantity, l.unit, up.path || l.parent_part_id
      FROM up JOIN lines AS l
        ON l.project_id = up.project_id AND l.component_part_id = up.parent_part_id
     WHERE NOT l.parent_part_id = ANY (up.path) AND up.depth < 100
  )
  SELECT up.project_id, pr.project_number, pr.title, up.depth, up.parent_part_id, p.part_number, up.quantity, up.unit,
         NOT EXISTS (SELECT FROM lines AS l WHERE l.project_id = up.project_id AND l.component_part_id = up.parent_part_id)
    FROM up
    JOIN app.projects AS pr ON pr.organization_id = auth.org_id() AND pr.id = up.project_id
    JOIN app.parts AS p ON p.organization_id = auth.org_id() AND p.id = up.parent_part_id
   ORDER BY pr.project_number, up.depth, p.part_number;
$$;
COMMENT ON FUNCTION app.part_where_used(uuid, uuid, timestamptz, text, text) IS
  E'Where a part is used\nThe assemblies that use a part in project BOMs, directly (depth 1, with the line''s quantity and unit) and through sub-assemblies (depth 2, ...), up to the top assemblies (is_top_assembly), per project the caller may read; optionally in one project (in_project_id). Only the lines in effect at a time (at, default now) for a lot or serial number (optional), as app.explode_project_bom reads them.';
