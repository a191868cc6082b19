-- ECO effectivity applied (migration quality/workflows). The rule is read,
-- not scheduled: app.implement_change_order releases the revisions a change
-- order names at once, but dates them by its effectivity:
--   date  -- in the future: released_at is the start of that day and the
--            revision before is obsoleted at that moment, so until then
--            app.effective_part_revision (and app.released_drawings) still
--            answer the revision before; no job has to flip anything.
--   lot / serial -- the released part revision keeps the first lot / serial
--            number it applies to; lots and serials numbered before it keep
--            the revision before.
-- Lots and serials carry the revision they are made to: a new one gets the
-- revision effective for its number when it is produced (trigger
-- _150_effective_revision), whatever the caller named.

-- Whether a lot or serial number comes at or after another in the tenant's
-- numbering: the shorter number first, then by text (pattern counters are
-- zero-padded, so this is the order they were taken in).
CREATE OR REPLACE FUNCTION app_private.number_at_or_after(p_number text, p_from text) RETURNS boolean
LANGUAGE sql IMMUTABLE
SET search_path = ''
AS $$
  SELECT (pg_catalog.length(p_number), p_number COLLATE "C") >= (pg_catalog.length(p_from), p_from COLLATE "C")
$$;
COMMENT ON FUNCTION app_private.number_at_or_after(text, text) IS
  'Whether a lot or serial number is at or after another: by length, then bytewise (zero-padded pattern counters sort in the order taken).';

CREATE OR REPLACE FUNCTION app_private.apply_change_order_effectivity(p_order app.change_orders, p_revision_id uuid, p_effective_at timestamptz)
RETURNS void
LANGUAGE plpgsql VOLATILE
SET search_path = ''
AS $$
DECLARE
  v_revision app.part_revisions;
BEGIN
  UPDATE app.part_revisions AS r
     SET change_order_id = p_order.id,
         effective_from_lot_number = CASE WHEN p_order.effectivity = 'lot' THEN p_order.effective_lot_number END,
         effective_from_serial_number = CASE WHEN p_order.effectivity = 'serial' THEN p_order.effective_serial_number END,
         released_at = coalesce(p_effective_at, r.released_at)
   WHERE r.organization_id = p_order.organization_id AND r.id = p_revision_id
  RETURNING * INTO v_revision;
  IF p_effective_at IS NOT NULL THEN
    -- The revision the release obsoleted (in this transaction) stays current until the effective date.
    UPDATE app.part_revisions AS r SET obsoleted_at = p_effective_at
     WHERE r.organization_id = v_revision.organization_id AND r.part_id = v_revision.part_id AND r.id <> v_revision.id
       AND r.status = 'obsolete' AND r.obsoleted_at = pg_catalog.now();
  END IF;
END
$$;
COMMENT ON FUNCTION app_private.apply_change_order_effectivity(app.change_orders, uuid, timestamptz) IS
  'After app.implement_change_order released a part revision: records the change order and its lot or serial effectivity on the revision; a future effective date (p_effective_at) becomes its released_at and the obsoleted_at of the revision it replaced.';

CREATE OR REPLACE FUNCTION app.effective_part_revision(part_id uuid, at timestamptz DEFAULT now(), lot_number text DEFAULT NULL,
                                                       serial_number text DEFAULT NULL)
RETURNS app.part_revisions
LANGUAGE plpgsql STABLE
SET search_path = ''
AS $$
DECLARE
  v_revision app.part_revisions;
BEGIN
  SELECT r.* INTO v_revision FROM app.part_revisions AS r
   WHERE r.organization_id = auth.org_id() AND r.part_id = effective_part_revision.part_id
     AND r.released_at IS NOT NULL AND r.released_at <= effective_part_revision.at
     AND r.status IN ('released', 'obsolete')
     -- An obsolete revision still counts where it was replaced later than
     -- "at", or replaced by a lot or serial effectivity that may exclude this number.
     AND (r.status = 'released' OR r.obsoleted_at > effective_part_revision.at
          OR EXISTS (SELECT FROM app.part_revisions AS n
                      WHERE n.organization_id = r.organization_id AND n.part_id = r.part_id AND n.id <> r.id AND n.released_at >= r.released_at
                        AND (n.effective_from_lot_number IS NOT NULL OR n.effective_from_serial_number IS NOT NULL)))
     AND (r.effective_from_lot_number IS NULL OR effective_part_revision.lot_number IS NULL
          OR (length(effective_part_revision.lot_number), effective_part_revision.lot_number COLLATE "C")
             >= (length(r.effective_from_lot_number), r.effective_from_lot_number COLLATE "C"))
     AND (r.effective_from_serial_number IS NULL OR effective_part_revision.serial_number IS NULL
          OR (length(effective_part_revision.serial_number), effective_part_revision.serial_number COLLATE "C")
             >= (length(r.effective_from_serial_number), r.effective_from_serial_number COLLATE "C"))
   -- Released at the same moment (one transaction): the revision that replaced
   -- the other wins, i.e. the one obsoleted later or not at all.
   ORDER BY r.released_at DESC, r.obsoleted_at DESC NULLS FIRST, r.id DESC
   LIMIT 1;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'no released revision of this part is in effect' USING ERRCODE = 'PT404', DETAIL = 'part_revision.not_found',
      HINT = 'GET /part_revisions?part_id=eq.<id> lists its revisions; POST /rpc/release_part_revision releases one.';
  END IF;
  RETURN v_revision;
END
$$;
-- (The number order is app_private.number_at_or_after, inlined: the caller reads as themselves.)
COMMENT ON FUNCTION app.effective_part_revision(uuid, timestamptz, text, text) IS
  E'The part revision in effect\nThe revision of a part production uses at a time (at, default now) for a lot or serial number (optional): the latest released by then, where a change order''s effectivity applies (a future effective date: from that day; lot or serial effectivity: for numbers at or after the first one, compared by length then text). Without a lot or serial number, new production (the newest effective revision). PT404 part_revision.not_found when none is in effect (or the part is another tenant''s or not readable). Readers of the part (row-level security).';

-- New lots and serials are made to the revision in effect for their number.
CREATE OR REPLACE FUNCTION app_private.tg_trace_items__effective_revision() RETURNS trigger
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = ''
AS $$
DECLARE
  v_lot_number text;
  v_effective uuid;
BEGIN
  PERFORM app_private.refuse_foreign_tenant(NEW.organization_id);
  -- Only parts a change order's effectivity governs; the rest keep the released revision as before.
  IF NOT EXISTS (SELECT FROM app.part_revisions AS r WHERE r.organization_id = NEW.organization_id AND r.part_id = NEW.part_id
                                                      AND r.change_order_id IS NOT NULL) THEN
    RETURN NEW;
  END IF;
  IF TG_TABLE_NAME = 'lots' THEN
    v_lot_number := NEW.lot_number;
  ELSE
    v_lot_number := (SELECT l.lot_number FROM app.lots AS l
                      WHERE l.organization_id = NEW.organization_id AND l.id = (pg_catalog.to_jsonb(NEW) ->> 'lot_id')::uuid);
  END IF;
  SELECT r.id INTO v_effective FROM app.part_revisions AS r
   WHERE r.organization_id = NEW.organization_id AND r.part_id = NEW.part_id
     AND r.released_at IS NOT NULL AND r.released_at <= coalesce(NEW.produced_at, pg_catalog.now())
     AND r.status IN ('released', 'obsolete')
     AND (r.status = 'released' OR r.obsoleted_at > coalesce(NEW.produced_at, pg_catalog.now())
          OR EXISTS (SELECT FROM app.part_revisions AS n
                      WHERE n.organization_id = r.organization_id AND n.part_id = r.part_id AND n.id <> r.id AND n.released_at >= r.released_at
                        AND (n.effective_from_lot_number IS NOT NULL OR n.effective_from_serial_number IS NOT NULL)))
     AND (r.effective_from_lot_number IS NULL OR v_lot_number IS NULL OR app_private.number_at_or_after(v_lot_number, r.effective_from_lot_number))
     AND (r.effective_from_serial_number IS NULL OR TG_TABLE_NAME = 'lots'
          OR app_private.number_at_or_after((pg_catalog.to_jsonb(NEW) ->> 'serial_number'), r.effective_from_serial_number))
   -- Released at the same moment (one transaction): the revision that replaced
   -- the other wins, i.e. the one obsoleted later or not at all.
   ORDER BY r.released_at DESC, r.obsoleted_at DESC NULLS FIRST, r.id DESC
   LIMIT 1;
  NEW.part_revision_id := coalesce(v_effective, NEW.part_revision_id);
  RETURN NEW;
END
$$;
COMMENT ON FUNCTION app_private.tg_trace_items__effective_revision() IS
  'BEFORE INSERT on lots and serials: refuses another tenant''s row (tenant.foreign_row); for a part a change order''s effectivity governs, sets part_revision_id to the revision in effect when it is produced for its number (the serial''s own number and its lot''s number), as app.effective_part_revision answers.';

CREATE OR REPLACE TRIGGER _150_effective_revision BEFORE INSERT ON app.lots
  FOR EACH ROW EXECUTE FUNCTION app_private.tg_trace_items__effective_revision();
CREATE OR REPLACE TRIGGER _150_effective_revision BEFORE INSERT ON app.serials
  FOR EACH ROW EXECUTE FUNCTION app_private.tg_trace_items__effective_revision();

-- BOM-line items applied (migration quality/eco_bom_changes): on
-- implementation a change order's BOM changes take effect in the project BOM
-- by its effectivity, as its part revisions do. The superseded line is kept,
-- end-dated (effective_to at the effective time, or effective_to_lot_number /
-- effective_to_serial_number at the first lot or serial), and marked with the
-- change order that ended it; the new line (add, change, replace) starts
-- there (effective_from / effective_from_lot_number / effective_from_serial_number)
-- and names the change order that added it. app.explode_project_bom and
-- app.part_where_used read the lines in effect (64_project_bom.sql). Runs as
-- the implementer (inside app.implement_change_order): part.manage and the
-- BOM line rules (unit, cycle) apply.
CREATE OR REPLACE FUNCTION app_private.apply_change_order_bom_item(p_order app.change_orders, p_item app.change_order_items,
                                                                   p_effective_at timestamptz) RETURNS uuid
LANGUAGE plpgsql VOLATILE
SET search_path = ''
AS $$
DECLARE
  v_line app.project_bom_lines;
  v_at timestamptz := CASE WHEN p_order.effectivity = 'date' THEN coalesce(p_effective_at, pg_catalog.now()) END;
  v_lot text := CASE WHEN p_order.effectivity = 'lot' THEN p_order.effective_lot_number END;
  v_serial text := CASE WHEN p_order.effectivity = 'serial' THEN p_order.effective_serial_number END;
  v_project uuid := p_item.bom_project_id;
  v_parent uuid := p_item.bom_parent_part_id;
  v_component uuid := p_item.bom_component_part_id;
  v_quantity numeric := p_item.bom_quantity;
  v_unit text := p_item.bom_unit;
  v_position integer;
  v_note text := p_order.eco_number || CASE WHEN p_item.note <> '' THEN ': ' || p_item.note ELSE '' END;
  v_new uuid;
BEGIN
  IF p_item.bom_action <> 'add' THEN
    SELECT * INTO v_line FROM app.project_bom_lines AS l
     WHERE l.organization_id = p_order.organization_id AND l.id = p_item.bom_line_id FOR UPDATE;
    IF v_line.ended_by_change_order_id IS NOT NULL THEN
      RAISE EXCEPTION 'the BOM line was already superseded by another change order' USING ERRCODE = 'PT409',
        DETAIL = 'project_bom.line_superseded', HINT = 'Name the line in effect (GET /project_bom_lines?ended_by_change_order_id=is.null).';
    END IF;
    IF (v_at IS NOT NULL AND v_line.effective_from >= v_at)
       OR (v_lot IS NOT NULL AND v_line.effective_from_lot_number IS NOT NULL AND NOT app_private.number_at_or_after(v_lot, v_line.effective_from_lot_number))
       OR (v_serial IS NOT NULL AND v_line.effective_from_serial_number IS NOT NULL
           AND NOT app_private.number_at_or_after(v_serial, v_line.effective_from_serial_number)) THEN
      RAISE EXCEPTION '%', pg_catalog.format('the BOM line takes effect only after %s would end it', p_order.eco_number) USING ERRCODE = 'PT409',
        DETAIL = 'project_bom.effectivity_conflict', HINT = 'Give the change order an effectivity after the line''s own start.';
    END IF;
    UPDATE app.project_bom_lines AS l
       SET effective_to = v_at, effective_to_lot_number = v_lot, effective_to_serial_number = v_serial,
           ended_by_change_order_id = p_order.id
     WHERE l.organization_id = v_line.organization_id AND l.id = v_line.id;
    v_project := v_line.project_id;
    v_parent := v_line.parent_part_id;
    v_position := v_line.position;
    IF p_item.bom_action = 'remove' THEN
      RETURN v_line.id;
    ELSIF p_item.bom_action = 'change' THEN
      v_component := v_line.component_part_id;
    ELSE
      v_quantity := coalesce(v_quantity, v_line.quantity);
      v_unit := coalesce(v_unit, v_line.unit);
    END IF;
  END IF;
  IF EXISTS (SELECT FROM app.project_bom_lines AS l
              WHERE l.organization_id = p_order.organization_id AND l.project_id = v_project AND l.parent_part_id = v_parent
                AND l.component_part_id = v_component AND l.ended_by_change_order_id IS NULL) THEN
    RAISE EXCEPTION 'the assembly already has a line of that component' USING ERRCODE = 'PT409', DETAIL = 'project_bom.line_exists',
      HINT = 'Change that line''s quantity instead (bom_action change), or remove it in the same change order.';
  END IF;
  INSERT INTO app.project_bom_lines (organization_id, project_id, parent_part_id, component_part_id, quantity, unit, position, note,
                                     change_order_id, effective_from, effective_from_lot_number, effective_from_serial_number)
  VALUES (p_order.organization_id, v_project, v_parent, v_component, v_quantity, v_unit,
          coalesce(v_position, (SELECT coalesce(max(l.position), 0) + 10 FROM app.project_bom_lines AS l
                                 WHERE l.organization_id = p_order.organization_id AND l.project_id = v_project AND l.parent_part_id = v_parent)),
          pg_catalog.left(v_note, 2000), p_order.id, v_at, v_lot, v_serial)
  RETURNING id INTO v_new;
  RETURN v_new;
END
$$;
COMMENT ON FUNCTION app_private.apply_change_order_bom_item(app.change_orders, app.change_order_items, timestamptz) IS
  'Applies one BOM-line item of a change order being implemented, by its effectivity (date: p_effective_at or now; lot; serial): remove, change and replace end the named line (effective_to / effective_to_lot_number / effective_to_serial_number, ended_by_change_order_id; PT409 project_bom.line_superseded when another change order ended it, project_bom.effectivity_conflict when it would end before it starts); add, change and replace insert the new line from there (change_order_id; PT409 project_bom.line_exists when the assembly has a current line of that component; the line''s own rules: unit, cycle, part.manage). Returns the new line''s id (the ended line''s for remove).';
