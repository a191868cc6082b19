-- Nonconformance reports (migration quality/ncr): an NCR is worked as a
-- material review board (MRB) works it, open -> containment -> disposition
-- -> verification -> closed (or cancelled), moved by app.advance_ncr only.
-- The steps and their exit rules are fixed here rather than configured per
-- tenant on the platform state machine: "the dispositions cover the whole
-- nonconforming quantity" and "a verification is recorded" are the MRB's
-- rules, which no tenant configuration may drop (the same choice as CAPA).
--
-- The lots and serials an NCR names are held (quality status on_hold, through
-- app_private.record_quality_status_change, the traceability trail) while an
-- NCR naming them is open; a hold by an open NCR cannot be lifted by
-- set_lot_quality_status (trigger _050_ncr_hold); closing or cancelling the
-- last open NCR holding them restores the status they had before, unless the
-- NCR scrapped them. API roles only read these tables.

CREATE OR REPLACE TRIGGER _100_touch_updated_at BEFORE UPDATE ON app.ncrs
  FOR EACH ROW EXECUTE FUNCTION app_private.tg__touch_updated_at();

SELECT app_private.register_entity_type('ncr', 'app.ncrs', 'title', 'NCR', 'ncr_number');
SELECT app_private.register_search('ncr', 't.search_vector', 't.description');
SELECT app_private.enable_custom_fields('ncr', p_required_on_insert => false);

-- A human id with the year: <prefix>-2026-000001, a counter per tenant,
-- prefix and year (the platform's human id counters).
CREATE OR REPLACE FUNCTION app_private.take_yearly_human_id(p_organization_id uuid, p_prefix text) RETURNS text
LANGUAGE sql VOLATILE
SET search_path = ''
AS $$
  SELECT app_private.take_human_id(p_organization_id, p_prefix || '-' || pg_catalog.to_char(pg_catalog.now() AT TIME ZONE 'UTC', 'YYYY'), NULL);
$$;
COMMENT ON FUNCTION app_private.take_yearly_human_id(uuid, text) IS
  'The next human id <prefix>-<year>-<counter> (NCR-2026-000001) of a tenant: one race-free counter per prefix and UTC year.';

-- Is the lot or serial held by an open NCR (other than p_except_ncr)?
CREATE OR REPLACE FUNCTION app_private.ncr_holds(p_organization_id uuid, p_lot_id uuid, p_serial_id uuid, p_except_ncr uuid DEFAULT NULL)
RETURNS app.ncr_items
LANGUAGE sql STABLE
SET search_path = ''
AS $$
  SELECT i.* FROM app.ncr_items AS i
    JOIN app.ncrs AS n ON n.organization_id = i.organization_id AND n.id = i.ncr_id
   WHERE i.organization_id = p_organization_id
     AND (i.lot_id = p_lot_id OR i.serial_id = p_serial_id)
     AND n.status NOT IN ('closed', 'cancelled')
     AND n.id IS DISTINCT FROM p_except_ncr
   ORDER BY i.created_at
   LIMIT 1;
$$;
COMMENT ON FUNCTION app_private.ncr_holds(uuid, uuid, uuid, uuid) IS
  'The earliest item row of an open NCR (other than p_except_ncr) that holds the lot or serial; NULL when none holds it.';

-- A hold by an open NCR is lifted only by closing or cancelling the NCR.
CREATE OR REPLACE FUNCTION app_private.tg_trace_items__ncr_hold() RETURNS trigger
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = ''
AS $$
DECLARE
  v_kind text := CASE TG_TABLE_NAME WHEN 'lots' THEN 'lot' ELSE 'serial' END;
  v_item app.ncr_items;
  v_number text;
BEGIN
  IF TG_TABLE_NAME = 'lots' THEN
    v_item := app_private.ncr_holds(NEW.organization_id, NEW.id, NULL);
  ELSE
    v_item := app_private.ncr_holds(NEW.organization_id, NULL, NEW.id);
  END IF;
  IF v_item.id IS NULL THEN
    RETURN NEW;
  END IF;
  v_number := (SELECT n.ncr_number FROM app.ncrs AS n WHERE n.organization_id = v_item.organization_id AND n.id = v_item.ncr_id);
  IF v_kind = 'lot' THEN
    RAISE EXCEPTION 'lot is held by %', v_number USING ERRCODE = 'PT409', DETAIL = 'lot.held_by_ncr',
      HINT = 'Material under an open NCR stays on hold: the MRB closes or cancels the NCR (app.advance_ncr), which releases it.';
  END IF;
  RAISE EXCEPTION 'serial is held by %', v_number USING ERRCODE = 'PT409', DETAIL = 'serial.held_by_ncr',
    HINT = 'Material under an open NCR stays on hold: the MRB closes or cancels the NCR (app.advance_ncr), which releases it.';
  RETURN NEW;
END
$$;
COMMENT ON FUNCTION app_private.tg_trace_items__ncr_hold() IS
  'BEFORE UPDATE OF quality_status on lots and serials, when an on_hold item would change: PT409 lot.held_by_ncr / serial.held_by_ncr while an open NCR names it. Whoever writes (app.set_lot_quality_status included).';

CREATE OR REPLACE TRIGGER _050_ncr_hold BEFORE UPDATE OF quality_status ON app.lots
  FOR EACH ROW WHEN (OLD.quality_status = 'on_hold' AND NEW.quality_status IS DISTINCT FROM OLD.quality_status)
  EXECUTE FUNCTION app_private.tg_trace_items__ncr_hold();
CREATE OR REPLACE TRIGGER _050_ncr_hold BEFORE UPDATE OF quality_status ON app.serials
  FOR EACH ROW WHEN (OLD.quality_status = 'on_hold' AND NEW.quality_status IS DISTINCT FROM OLD.quality_status)
  EXECUTE FUNCTION app_private.tg_trace_items__ncr_hold();

-- The caller's NCR, locked: PT404 unless they may see it (ncr.read or a
-- permission to act on NCRs, tenant-wide or at its site).
CREATE OR REPLACE FUNCTION app_private.lock_ncr(p_ncr_id uuid) RETURNS app.ncrs
LANGUAGE plpgsql VOLATILE
SET search_path = ''
AS $$
DECLARE
  v_ncr app.ncrs;
BEGIN
  SELECT * INTO v_ncr FROM app.ncrs AS n WHERE n.organization_id = auth.org_id() AND n.id = p_ncr_id FOR UPDATE;
  IF NOT FOUND OR auth.partner_id() IS NOT NULL
     OR NOT (auth.is_platform_operator() OR auth.has_permission('ncr.read', v_ncr.site_id)
             OR auth.has_permission('ncr.manage', v_ncr.site_id) OR auth.has_permission('ncr.disposition', v_ncr.site_id)) THEN
    RAISE EXCEPTION 'NCR not found' USING ERRCODE = 'PT404', DETAIL = 'ncr.not_found', HINT = 'GET /ncrs lists the NCRs you may see.';
  END IF;
  RETURN v_ncr;
END
$$;
COMMENT ON FUNCTION app_private.lock_ncr(uuid) IS
  'The caller''s NCR, locked FOR UPDATE: PT404 ncr.not_found unless staff who may see it (ncr.read, ncr.manage or ncr.disposition tenant-wide or at its site).';

CREATE OR REPLACE FUNCTION app_private.require_ncr_step(p_ncr app.ncrs, p_steps app.ncr_status[]) RETURNS void
LANGUAGE plpgsql VOLATILE
SET search_path = ''
AS $$
BEGIN
  IF NOT p_ncr.status = ANY (p_steps) THEN
    RAISE EXCEPTION '% is in step %', p_ncr.ncr_number, p_ncr.status USING ERRCODE = 'PT409', DETAIL = 'ncr.wrong_step',
      HINT = pg_catalog.format('This is done in step %s (app.advance_ncr moves the NCR).', pg_catalog.array_to_string(p_steps, ' or '));
  END IF;
END
$$;
COMMENT ON FUNCTION app_private.require_ncr_step(app.ncrs, app.ncr_status[]) IS 'PT409 ncr.wrong_step unless the NCR is in one of the steps.';

-- Puts the named lots and serials under the NCR: each one of the NCR's part
-- at its plant, locked, recorded with the status it had before any open NCR
-- held it, and put on hold (the traceability trail and event) unless it is.
CREATE OR REPLACE FUNCTION app_private.hold_ncr_items(p_ncr app.ncrs, p_lot_ids uuid[], p_serial_ids uuid[]) RETURNS void
LANGUAGE plpgsql VOLATILE
SET search_path = ''
AS $$
DECLARE
  v_lot app.lots;
  v_serial app.serials;
  v_id uuid;
  v_before app.trace_quality_status;
  v_reason text := pg_catalog.format('Held by %s: %s', p_ncr.ncr_number, p_ncr.title);
BEGIN
  IF cardinality(coalesce(p_lot_ids, '{}')) + cardinality(coalesce(p_serial_ids, '{}')) > 1000 THEN
    PERFORM app_private.raise_invalid('ncr.too_many_items', 'an NCR names at most 1000 lots and serials at a time', 'Split the list.');
  END IF;
  FOREACH v_id IN ARRAY coalesce(p_lot_ids, '{}') LOOP
    SELECT * INTO v_lot FROM app.lots AS l WHERE l.organization_id = p_ncr.organization_id AND l.id = v_id FOR UPDATE;
    IF NOT FOUND THEN
      RAISE EXCEPTION 'lot not found' USING ERRCODE = 'PT404', DETAIL = 'lot.not_found', HINT = 'GET /lots lists the lots you may see.';
    END IF;
    IF v_lot.part_id <> p_ncr.part_id OR v_lot.site_id <> p_ncr.site_id THEN
      PERFORM app_private.raise_invalid('ncr.item_mismatch', pg_catalog.format('lot %s is not of the NCR''s part at its plant', v_id),
        'An NCR names lots and serials of its part at its plant; open another NCR for other material.');
    END IF;
    v_before := coalesce((app_private.ncr_holds(p_ncr.organization_id, v_lot.id, NULL, p_ncr.id)).status_before, v_lot.quality_status);
    INSERT INTO app.ncr_items (organization_id, id, ncr_id, lot_id, status_before)
    VALUES (p_ncr.organization_id, public.uuid_generate_v7(), p_ncr.id, v_lot.id, v_before)
    ON CONFLICT (organization_id, ncr_id, lot_id) DO NOTHING;
    IF v_lot.quality_status <> 'on_hold' THEN
      UPDATE app.lots AS l SET quality_status = 'on_hold' WHERE l.organization_id = v_lot.organization_id AND l.id = v_lot.id;
      PERFORM app_private.record_quality_status_change('lot', v_lot.organization_id, v_lot.id, v_lot.lot_number, v_lot.site_id,
                                                       v_lot.quality_status, 'on_hold', v_reason);
    END IF;
  END LOOP;
  FOREACH v_id IN ARRAY coalesce(p_serial_ids, '{}') LOOP
    SELECT * INTO v_serial FROM app.serials AS s WHERE s.organization_id = p_ncr.organization_id AND s.id = v_id FOR UPDATE;
    IF NOT FOUND THEN
      RAISE EXCEPTION 'serial not found' USING ERRCODE = 'PT404', DETAIL = 'serial.not_found', HINT = 'GET /serials lists the serials you may see.';
    END IF;
    IF v_serial.part_id <> p_ncr.part_id OR v_serial.site_id <> p_ncr.site_id THEN
      PERFORM app_private.raise_invalid('ncr.item_mismatch', pg_catalog.format('serial %s is not of the NCR''s part at its plant', v_id),
        'An NCR names lots and serials of its part at its plant; open another NCR for other material.');
    END IF;
    v_before := coalesce((app_private.ncr_holds(p_ncr.organization_id, NULL, v_serial.id, p_ncr.id)).status_before, v_serial.quality_status);
    INSERT INTO app.ncr_items (organization_id, id, ncr_id, serial_id, status_before)
    VALUES (p_ncr.organization_id, public.uuid_generate_v7(), p_ncr.id, v_serial.id, v_before)
    ON CONFLICT (organization_id, ncr_id, serial_id) DO NOTHING;
    IF v_serial.quality_status <> 'on_hold' THEN
      UPDATE app.serials AS s SET quality_status = 'on_hold' WHERE s.organization_id = v_serial.organization_id AND s.id = v_serial.id;
      PERFORM app_private.record_quality_status_change('serial', v_serial.organization_id, v_serial.id, v_serial.serial_number,
                                                       v_serial.site_id, v_serial.quality_status, 'on_hold', v_reason);
    END IF;
  END LOOP;
END
$$;
COMMENT ON FUNCTION app_private.hold_ncr_items(app.ncrs, uuid[], uuid[]) IS
  'Names lots and serials in an NCR (ncr_items) and puts each on hold with the reason "Held by NCR-...": same part and plant as the NCR (PT422 ncr.item_mismatch), the tenant''s (PT404 lot.not_found, serial.not_found), at most 1000 (PT422 ncr.too_many_items). The status kept to return to is the one before the first open NCR held it.';

-- After an NCR closed or was cancelled: each of its lots and serials that no
-- other open NCR holds, that is still on hold and not scrapped, returns to
-- the status it had before.
CREATE OR REPLACE FUNCTION app_private.release_ncr_items(p_ncr app.ncrs) RETURNS void
LANGUAGE plpgsql VOLATILE
SET search_path = ''
AS $$
DECLARE
  v_item record;
  v_reason text := pg_catalog.format('Released: %s %s', p_ncr.ncr_number, p_ncr.status);
BEGIN
  FOR v_item IN
    SELECT i.status_before, l.id AS lot_id, l.lot_number, l.site_id, NULL::uuid AS serial_id, NULL::text AS serial_number
      FROM app.ncr_items AS i JOIN app.lots AS l ON l.organization_id = i.organization_id AND l.id = i.lot_id
     WHERE i.organization_id = p_ncr.organization_id AND i.ncr_id = p_ncr.id
       AND l.quality_status = 'on_hold' AND l.inventory_state <> 'scrapped'
    UNION ALL
    SELECT i.status_before, NULL, NULL, s.site_id, s.id, s.serial_number
      FROM app.ncr_items AS i JOIN app.serials AS s ON s.organization_id = i.organization_id AND s.id = i.serial_id
     WHERE i.organization_id = p_ncr.organization_id AND i.ncr_id = p_ncr.id
       AND s.quality_status = 'on_hold' AND s.inventory_state <> 'scrapped'
  LOOP
    CONTINUE WHEN v_item.status_before = 'on_hold'
               OR (app_private.ncr_holds(p_ncr.organization_id, v_item.lot_id, v_item.serial_id, p_ncr.id)).id IS NOT NULL;
    IF v_item.lot_id IS NOT NULL THEN
      UPDATE app.lots AS l SET quality_status = v_item.status_before WHERE l.organization_id = p_ncr.organization_id AND l.id = v_item.lot_id;
      PERFORM app_private.record_quality_status_change('lot', p_ncr.organization_id, v_item.lot_id, v_item.lot_number, v_item.site_id,
                                                       'on_hold', v_item.status_before, v_reason);
    ELSE
      UPDATE app.serials AS s SET quality_status = v_item.status_before WHERE s.organization_id = p_ncr.organization_id AND s.id = v_item.serial_id;
      PERFORM app_private.record_quality_status_change('serial', p_ncr.organization_id, v_item.serial_id, v_item.serial_number, v_item.site_id,
                                                       'on_hold', v_item.status_before, v_reason);
    END IF;
  END LOOP;
END
$$;
COMMENT ON FUNCTION app_private.release_ncr_items(app.ncrs) IS
  'After an NCR closed or was cancelled: its lots and serials that are on hold, not scrapped and held by no other open NCR return to the status they had before (recorded "Released: NCR-... closed").';

-- When the NCR closes, its scrap dispositions happen in the inventory: a
-- scrapped serial is scrapped; a lot loses the scrapped quantity from what
-- remains (scrapped when nothing remains, else partly consumed, the state
-- the lot constraint allows for a lot with less left than it had).
CREATE OR REPLACE FUNCTION app_private.apply_ncr_scrap(p_ncr app.ncrs) RETURNS void
LANGUAGE plpgsql VOLATILE
SET search_path = ''
AS $$
DECLARE
  v_scrap record;
  v_lot app.lots;
BEGIN
  FOR v_scrap IN
    SELECT d.lot_id, d.serial_id, sum(d.quantity) AS quantity FROM app.ncr_dispositions AS d
     WHERE d.organization_id = p_ncr.organization_id AND d.ncr_id = p_ncr.id AND d.disposition = 'scrap'
       AND (d.lot_id IS NOT NULL OR d.serial_id IS NOT NULL)
     GROUP BY d.lot_id, d.serial_id
  LOOP
    IF v_scrap.serial_id IS NOT NULL THEN
      UPDATE app.serials AS s SET inventory_state = 'scrapped'
       WHERE s.organization_id = p_ncr.organization_id AND s.id = v_scrap.serial_id AND s.inventory_state = 'available';
      CONTINUE;
    END IF;
    SELECT * INTO v_lot FROM app.lots AS l WHERE l.organization_id = p_ncr.organization_id AND l.id = v_scrap.lot_id FOR UPDATE;
    IF v_lot.inventory_state NOT IN ('available', 'partly_consumed') OR v_lot.remaining_quantity < v_scrap.quantity THEN
      RAISE EXCEPTION 'lot % has % % left, less than the % to scrap', v_lot.lot_number, v_lot.remaining_quantity, v_lot.unit, v_scrap.quantity
        USING ERRCODE = 'PT409', DETAIL = 'ncr.scrap_exceeds_remaining',
              HINT = 'Some of the lot was used or shipped meanwhile: go back to disposition (reject the verification) and correct the scrap quantity.';
    END IF;
    UPDATE app.lots AS l
       SET remaining_quantity = l.remaining_quantity - v_scrap.quantity,
           inventory_state = CASE WHEN l.remaining_quantity = v_scrap.quantity THEN 'scrapped' ELSE 'partly_consumed' END::app.trace_inventory_state
     WHERE l.organization_id = v_lot.organization_id AND l.id = v_lot.id;
  END LOOP;
END
$$;
COMMENT ON FUNCTION app_private.apply_ncr_scrap(app.ncrs) IS
  'When an NCR closes: its scrap dispositions of a serial scrap it; of a lot take the quantity off remaining_quantity (inventory_state scrapped when nothing remains, else partly_consumed); PT409 ncr.scrap_exceeds_remaining when less remains.';

CREATE OR REPLACE FUNCTION app.create_ncr(
  part_id uuid, site_id uuid, title text, description text, nonconforming_quantity numeric DEFAULT NULL,
  lot_ids uuid[] DEFAULT '{}', serial_ids uuid[] DEFAULT '{}', part_revision_id uuid DEFAULT NULL,
  supplier_id uuid DEFAULT NULL, customer_id uuid DEFAULT NULL, project_id uuid DEFAULT NULL,
  detection app.ncr_detection DEFAULT 'in_process'
) RETURNS app.ncrs
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = ''
AS $$
DECLARE
  v_org uuid := auth.org_id();
  v_part app.parts;
  v_ncr app.ncrs;
  v_quantity numeric := create_ncr.nonconforming_quantity;
BEGIN
  IF create_ncr.site_id IS NULL OR NOT EXISTS (SELECT FROM app.sites AS s WHERE s.organization_id = v_org AND s.id = create_ncr.site_id) THEN
    RAISE EXCEPTION 'site not found' USING ERRCODE = 'PT404', DETAIL = 'site.not_found', HINT = 'Send site_id: one of GET /sites.';
  END IF;
  IF auth.partner_id() IS NOT NULL THEN
    RAISE EXCEPTION 'NCRs are staff records' USING ERRCODE = 'PT403', DETAIL = 'permission.missing', HINT = 'A customer files a complaint instead.';
  END IF;
  PERFORM auth.check_permission_at('ncr.manage', create_ncr.site_id);
  SELECT * INTO v_part FROM app.parts AS p WHERE p.organization_id = v_org AND p.id = create_ncr.part_id;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'part not found' USING ERRCODE = 'PT404', DETAIL = 'part.not_found', HINT = 'GET /parts lists your organization''s parts.';
  END IF;
  IF create_ncr.part_revision_id IS NOT NULL AND NOT EXISTS (
       SELECT FROM app.part_revisions AS r WHERE r.organization_id = v_org AND r.part_id = v_part.id AND r.id = create_ncr.part_revision_id) THEN
    RAISE EXCEPTION 'part revision not found' USING ERRCODE = 'PT404', DETAIL = 'part_revision.not_found',
      HINT = 'Send a revision of the part (GET /part_revisions?part_id=eq.<id>), or leave it out.';
  END IF;
  IF EXISTS (SELECT FROM pg_catalog.unnest(ARRAY[create_ncr.supplier_id, create_ncr.customer_id]) AS u (id)
              WHERE u.id IS NOT NULL AND NOT EXISTS (SELECT FROM app.partners AS p WHERE p.organization_id = v_org AND p.id = u.id)) THEN
    RAISE EXCEPTION 'partner not found' USING ERRCODE = 'PT404', DETAIL = 'partner.not_found', HINT = 'Send supplier_id and customer_id from GET /partners.';
  END IF;
  IF create_ncr.project_id IS NOT NULL AND NOT EXISTS (SELECT FROM app.projects AS p WHERE p.organization_id = v_org AND p.id = create_ncr.project_id) THEN
    RAISE EXCEPTION 'project not found' USING ERRCODE = 'PT404', DETAIL = 'project.not_found', HINT = 'Send project_id from GET /projects, or leave it out.';
  END IF;
  IF v_quantity IS NULL THEN
    -- What remains of the lots named and one per serial.
    v_quantity := coalesce((SELECT sum(l.remaining_quantity) FROM app.lots AS l WHERE l.organization_id = v_org AND l.id = ANY (create_ncr.lot_ids)), 0)
                  + cardinality(coalesce(create_ncr.serial_ids, '{}'));
  END IF;
  IF v_quantity IS NULL OR v_quantity <= 0 THEN
    PERFORM app_private.raise_invalid('ncr.quantity_invalid', 'the nonconforming quantity must be positive',
      'Send nonconforming_quantity (in the part''s unit), or name the lots and serials it is.');
  END IF;
  IF pg_catalog.length(pg_catalog.btrim(coalesce(create_ncr.title, ''))) NOT BETWEEN 1 AND 200
     OR pg_catalog.length(pg_catalog.btrim(coalesce(create_ncr.description, ''))) NOT BETWEEN 1 AND 20000 THEN
    PERFORM app_private.raise_invalid('ncr.invalid', 'an NCR needs a title (up to 200 characters) and a description',
      'Send title and description: the requirement, what was found, how many.');
  END IF;
  INSERT INTO app.ncrs AS n (organization_id, id, ncr_number, title, description, site_id, part_id, part_revision_id, supplier_id, customer_id,
                             project_id, detection, nonconforming_quantity, unit, created_by)
  VALUES (v_org, public.uuid_generate_v7(), app_private.take_yearly_human_id(v_org, 'NCR'), pg_catalog.btrim(create_ncr.title),
          create_ncr.description, create_ncr.site_id, v_part.id, create_ncr.part_revision_id, create_ncr.supplier_id,
          coalesce(create_ncr.customer_id, v_part.customer_id), create_ncr.project_id, coalesce(create_ncr.detection, 'in_process'),
          v_quantity, v_part.unit, auth.user_id())
  RETURNING n.* INTO v_ncr;
  PERFORM app_private.hold_ncr_items(v_ncr, create_ncr.lot_ids, create_ncr.serial_ids);
  PERFORM app_private.publish_event(v_org, 'ncr.opened',
    pg_catalog.jsonb_build_object('ncr_id', v_ncr.id, 'ncr_number', v_ncr.ncr_number, 'part_id', v_ncr.part_id, 'site_id', v_ncr.site_id,
                                  'nonconforming_quantity', v_ncr.nonconforming_quantity, 'unit', v_ncr.unit),
    'ncr', v_ncr.id);
  RETURN v_ncr;
END
$$;
COMMENT ON FUNCTION app.create_ncr(uuid, uuid, text, text, numeric, uuid[], uuid[], uuid, uuid, uuid, uuid, app.ncr_detection) IS
  E'Report a nonconformance\nOpens an NCR (NCR-<year>-<counter>) for a part at a plant, with the lots and serials concerned, which are put on hold at once (reason "Held by NCR-..."); the nonconforming quantity defaults to what remains of the lots plus one per serial. The customer defaults to the part''s. Needs ncr.manage tenant-wide or at site_id. PT404 site.not_found, part.not_found, part_revision.not_found, partner.not_found, project.not_found, lot.not_found, serial.not_found; PT403 permission.missing; PT422 ncr.quantity_invalid, ncr.invalid, ncr.item_mismatch, ncr.too_many_items. Publishes ncr.opened.';

-- A failed inspection raises its NCR in one call: the inspection's part,
-- revision, plant, lot or serial, the supplier of purchased material, where
-- it was found, and the link to the inspection and characteristic.
CREATE OR REPLACE FUNCTION app.raise_inspection_ncr(inspection_id uuid, title text DEFAULT NULL, description text DEFAULT NULL,
                                                    nonconforming_quantity numeric DEFAULT NULL, characteristic_id uuid DEFAULT NULL)
RETURNS app.ncrs
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = ''
AS $$
DECLARE
  v_inspection app.inspections := app_private.visible_inspection(raise_inspection_ncr.inspection_id, true);
  v_characteristic_id uuid := raise_inspection_ncr.characteristic_id;
  v_failed text;
  v_supplier uuid;
  v_part_number text;
  v_ncr app.ncrs;
BEGIN
  IF NOT (v_inspection.status = 'rejected' OR v_inspection.status = 'completed' AND NOT v_inspection.passed) THEN
    RAISE EXCEPTION 'the inspection did not fail (it is %)', v_inspection.status USING ERRCODE = 'PT409', DETAIL = 'inspection.not_failed',
      HINT = 'Complete the inspection first (app.complete_inspection); an NCR is raised from an inspection that did not pass or that QA rejected.';
  END IF;
  IF v_characteristic_id IS NOT NULL AND NOT EXISTS (
       SELECT FROM app.inspection_characteristics AS ic
        WHERE ic.organization_id = v_inspection.organization_id AND ic.inspection_id = v_inspection.id AND ic.characteristic_id = v_characteristic_id) THEN
    RAISE EXCEPTION 'characteristic not found' USING ERRCODE = 'PT404', DETAIL = 'characteristic.not_found',
      HINT = 'Send a characteristic of the inspection (GET /inspection_characteristics?inspection_id=eq.<id>), or leave it out.';
  END IF;
  SELECT pg_catalog.string_agg(pg_catalog.format('#%s %s (last %s, %s out of spec)', ic.balloon, c.name, coalesce(ic.last_value::text, '-'),
                                                 ic.out_of_spec_count), '; ' ORDER BY ic.balloon),
         (pg_catalog.array_agg(ic.characteristic_id ORDER BY ic.balloon))[1]
    INTO v_failed, v_characteristic_id
    FROM app.inspection_characteristics AS ic
    JOIN app.characteristics AS c ON c.organization_id = ic.organization_id AND c.id = ic.characteristic_id
   WHERE ic.organization_id = v_inspection.organization_id AND ic.inspection_id = v_inspection.id
     AND (ic.characteristic_id = raise_inspection_ncr.characteristic_id
          OR raise_inspection_ncr.characteristic_id IS NULL AND (ic.measured_count = 0 OR NOT ic.last_in_spec));
  SELECT l.supplier_id INTO v_supplier FROM app.lots AS l
   WHERE l.organization_id = v_inspection.organization_id
     AND l.id = coalesce(v_inspection.lot_id, (SELECT s.lot_id FROM app.serials AS s
                                                WHERE s.organization_id = v_inspection.organization_id AND s.id = v_inspection.serial_id));
  SELECT p.part_number INTO v_part_number FROM app.parts AS p WHERE p.organization_id = v_inspection.organization_id AND p.id = v_inspection.part_id;
  v_ncr := app.create_ncr(
    v_inspection.part_id, v_inspection.site_id,
    coalesce(nullif(pg_catalog.btrim(raise_inspection_ncr.title), ''),
             pg_catalog.left(pg_catalog.format('Failed %s inspection of %s', pg_catalog.replace(v_inspection.kind::text, '_', ' '), v_part_number), 200)),
    coalesce(nullif(pg_catalog.btrim(raise_inspection_ncr.description), ''),
             pg_catalog.format('Found in the %s inspection: %s', pg_catalog.replace(v_inspection.kind::text, '_', ' '),
                               coalesce(v_failed, 'rejected at sign-off' || coalesce(': ' || nullif(v_inspection.decision_note, ''), '')))),
    raise_inspection_ncr.nonconforming_quantity,
    pg_catalog.array_remove(ARRAY[v_inspection.lot_id], NULL), pg_catalog.array_remove(ARRAY[v_inspection.serial_id], NULL),
    v_inspection.part_revision_id, v_supplier, NULL, NULL,
    CASE v_inspection.kind WHEN 'receiving' THEN 'receiving' WHEN 'final' THEN 'final_inspection' ELSE 'in_process' END::app.ncr_detection);
  UPDATE app.ncrs AS n SET inspection_id = v_inspection.id, characteristic_id = v_characteristic_id
   WHERE n.organization_id = v_ncr.organization_id AND n.id = v_ncr.id
  RETURNING n.* INTO v_ncr;
  RETURN v_ncr;
END
$$;
COMMENT ON FUNCTION app.raise_inspection_ncr(uuid, text, text, numeric, uuid) IS
  E'Raise an NCR from a failed inspection\nFrom an inspection completed as failed, or rejected by QA, in one call: an NCR (app.create_ncr) for the inspection''s part, revision and plant, holding its lot or serial, with the supplier of purchased material (the lot''s), detected at receiving, final_inspection or in_process after the inspection''s kind, linked to the inspection (ncrs.inspection_id) and to characteristic_id or else the first nonconforming characteristic (ncrs.characteristic_id); title and description default to what failed. The inspection lists its NCRs through ncrs.inspection_id. Needs ncr.manage at the inspection''s plant. PT404 inspection.not_found, characteristic.not_found; PT409 inspection.not_failed; and app.create_ncr''s refusals.';

CREATE OR REPLACE FUNCTION app.add_ncr_items(ncr_id uuid, lot_ids uuid[] DEFAULT '{}', serial_ids uuid[] DEFAULT '{}') RETURNS app.ncrs
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = ''
AS $$
DECLARE
  v_ncr app.ncrs := app_private.lock_ncr(add_ncr_items.ncr_id);
BEGIN
  PERFORM auth.check_permission_at('ncr.manage', v_ncr.site_id);
  PERFORM app_private.require_ncr_step(v_ncr, ARRAY['open', 'containment']::app.ncr_status[]);
  PERFORM app_private.hold_ncr_items(v_ncr, add_ncr_items.lot_ids, add_ncr_items.serial_ids);
  RETURN v_ncr;
END
$$;
COMMENT ON FUNCTION app.add_ncr_items(uuid, uuid[], uuid[]) IS
  E'Add suspect material to an NCR\nDuring containment: more lots and serials of the NCR''s part at its plant are named and put on hold (the nonconforming quantity is not changed). Needs ncr.manage at the NCR''s site. PT404 ncr.not_found, lot.not_found, serial.not_found; PT403 permission.missing; PT409 ncr.wrong_step; PT422 ncr.item_mismatch.';

CREATE OR REPLACE FUNCTION app.advance_ncr(ncr_id uuid, to_status app.ncr_status, note text DEFAULT NULL) RETURNS app.ncrs
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = ''
AS $$
DECLARE
  v_old app.ncrs := app_private.lock_ncr(advance_ncr.ncr_id);
  v_new app.ncrs;
  v_note text := nullif(pg_catalog.btrim(advance_ncr.note), '');
BEGIN
  PERFORM auth.check_permission_at('ncr.manage', v_old.site_id);
  IF v_old.status IN ('closed', 'cancelled') THEN
    RAISE EXCEPTION '% is %', v_old.ncr_number, v_old.status USING ERRCODE = 'PT409', DETAIL = 'ncr.closed',
      HINT = 'A closed or cancelled NCR does not move; report a new one.';
  END IF;
  -- The step must be a transition of the NCR's machine from its state (a
  -- tenant's own version may add steps; app.transition takes those).
  IF to_status IS NULL OR NOT EXISTS (
       SELECT FROM app.entity_states AS e
         JOIN app.state_machine_transitions AS t
           ON t.organization_id = e.organization_id AND t.state_machine_id = e.state_machine_id AND t.from_state = e.state
        WHERE e.organization_id = v_old.organization_id AND e.entity_type = 'ncr' AND e.entity_id = v_old.id
          AND t.to_state = to_status::text) THEN
    RAISE EXCEPTION 'no step from % to %', v_old.status, coalesce(to_status::text, 'nothing') USING ERRCODE = 'PT409',
      DETAIL = 'ncr.transition_invalid',
      HINT = 'open -> containment -> disposition -> verification -> closed, or cancelled from any open step (app.available_transitions lists the ways).';
  END IF;
  IF pg_catalog.length(v_note) > 2000 AND to_status <> 'disposition' THEN
    PERFORM app_private.raise_invalid('ncr.note_too_long', 'a note has at most 2000 characters', NULL);
  END IF;
  -- What the note records, written before the guards read it (a refusal rolls it back).
  IF to_status = 'disposition' AND v_note IS NOT NULL THEN
    UPDATE app.ncrs AS n SET containment_summary = v_note WHERE n.organization_id = v_old.organization_id AND n.id = v_old.id;
  END IF;
  IF to_status = 'cancelled' AND v_note IS NULL THEN
    PERFORM app_private.raise_invalid('ncr.cancel_reason_required', 'cancelling an NCR needs a reason', 'Send note: why it is cancelled.');
  END IF;
  -- The platform transition: guards (ncr.manage at the site, the MRB rules),
  -- history; the mirror trigger sets the status, scraps and releases.
  PERFORM auth.state_machine_transition('ncr', v_old.id, to_status::text, pg_catalog.left(v_note, 2000), NULL);
  SELECT * INTO v_new FROM app.ncrs AS n WHERE n.organization_id = v_old.organization_id AND n.id = v_old.id;
  RETURN v_new;
END
$$;
COMMENT ON FUNCTION app.advance_ncr(uuid, app.ncr_status, text) IS
  E'Move an NCR one MRB step\nTakes the transition of the tenant''s NCR state machine (app.transition with the note as reason; the default machine: open -> containment -> disposition (note: the containment done, unless recorded) -> verification (the dispositions cover the nonconforming quantity exactly) -> closed (an accepted verification recorded; scrap dispositions happen in the inventory; the material is released); cancelled from any open step with note as the reason (the material is released). Released means: back to the status it had before, unless another open NCR holds it or it was scrapped. The guards of the transition are the rules (guard kind ncr_rule). Needs ncr.manage at the NCR''s site. PT404 ncr.not_found; PT403 permission.missing; PT409 ncr.closed, ncr.transition_invalid, ncr.disposition_incomplete, ncr.not_verified, ncr.scrap_exceeds_remaining; PT422 ncr.containment_required, ncr.cancel_reason_required, ncr.note_too_long. Publishes ncr.status_changed.';

-- A concession the disposition may be made under: the NCR's customer's and
-- part's, granted, in force, covering the NCR's material, with the quantity
-- left. Locked, so two dispositions cannot both take its last units.
CREATE OR REPLACE FUNCTION app_private.require_usable_concession(p_concession_id uuid, p_ncr app.ncrs, p_quantity numeric) RETURNS app.concessions
LANGUAGE plpgsql VOLATILE
SET search_path = ''
AS $$
DECLARE
  v_concession app.concessions;
  v_used numeric;
BEGIN
  SELECT * INTO v_concession FROM app.concessions AS c
   WHERE c.organization_id = p_ncr.organization_id AND c.id = p_concession_id FOR UPDATE;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'concession not found' USING ERRCODE = 'PT404', DETAIL = 'concession.not_found', HINT = 'GET /concessions lists the concessions.';
  END IF;
  IF v_concession.part_id <> p_ncr.part_id OR v_concession.customer_id IS DISTINCT FROM p_ncr.customer_id THEN
    PERFORM app_private.raise_invalid('concession.not_applicable',
      pg_catalog.format('concession %s is not for this NCR''s part and customer', v_concession.concession_number),
      'Use a concession of the NCR''s customer for its part (GET /concessions?part_id=eq.<id>).');
  END IF;
  IF v_concession.status <> 'granted' THEN
    RAISE EXCEPTION 'concession % is %', v_concession.concession_number, v_concession.status USING ERRCODE = 'PT409',
      DETAIL = 'concession.not_granted', HINT = 'Only a concession the customer granted may be used.';
  END IF;
  IF pg_catalog.now() < v_concession.valid_from OR pg_catalog.now() >= v_concession.valid_until THEN
    RAISE EXCEPTION 'concession % is not in force now (% to %)', v_concession.concession_number, v_concession.valid_from, v_concession.valid_until
      USING ERRCODE = 'PT409', DETAIL = 'concession.expired', HINT = 'Ask the customer for a new concession or an extension.';
  END IF;
  IF EXISTS (SELECT FROM app.concession_scope AS s WHERE s.organization_id = v_concession.organization_id AND s.concession_id = v_concession.id) AND (
       -- Of each kind the scope names, the NCR's revision, lots and serials are among them.
       (EXISTS (SELECT FROM app.concession_scope AS s WHERE s.organization_id = v_concession.organization_id AND s.concession_id = v_concession.id
                   AND s.part_revision_id IS NOT NULL)
        AND NOT EXISTS (SELECT FROM app.concession_scope AS s WHERE s.organization_id = v_concession.organization_id
                           AND s.concession_id = v_concession.id AND s.part_revision_id = p_ncr.part_revision_id))
       OR EXISTS (SELECT FROM app.ncr_items AS i
                   WHERE i.organization_id = p_ncr.organization_id AND i.ncr_id = p_ncr.id
                     AND ((i.lot_id IS NOT NULL AND EXISTS (SELECT FROM app.concession_scope AS s WHERE s.organization_id = v_concession.organization_id
                                                               AND s.concession_id = v_concession.id AND s.lot_id IS NOT NULL)
                           AND NOT EXISTS (SELECT FROM app.concession_scope AS s WHERE s.organization_id = v_concession.organization_id
                                              AND s.concession_id = v_concession.id AND s.lot_id = i.lot_id))
                       OR (i.serial_id IS NOT NULL AND EXISTS (SELECT FROM app.concession_scope AS s WHERE s.organization_id = v_concession.organization_id
                                                                  AND s.concession_id = v_concession.id AND s.serial_id IS NOT NULL)
                           AND NOT EXISTS (SELECT FROM app.concession_scope AS s WHERE s.organization_id = v_concession.organization_id
                                              AND s.concession_id = v_concession.id AND s.serial_id = i.serial_id))))) THEN
    PERFORM app_private.raise_invalid('concession.out_of_scope',
      pg_catalog.format('concession %s does not cover this NCR''s revision, lots or serials', v_concession.concession_number),
      'GET /concession_scope?concession_id=eq.<id> lists what it covers.');
  END IF;
  v_used := coalesce((SELECT sum(d.quantity) FROM app.ncr_dispositions AS d
                       WHERE d.organization_id = v_concession.organization_id AND d.concession_id = v_concession.id), 0);
  IF v_used + p_quantity > v_concession.quantity_limit THEN
    RAISE EXCEPTION 'concession % has % % left', v_concession.concession_number, v_concession.quantity_limit - v_used, v_concession.unit
      USING ERRCODE = 'PT409', DETAIL = 'concession.exhausted', HINT = 'Its quantity limit is used up: ask the customer to extend it.';
  END IF;
  RETURN v_concession;
END
$$;
COMMENT ON FUNCTION app_private.require_usable_concession(uuid, app.ncrs, numeric) IS
  'The concession, locked, when it may cover this quantity of the NCR: the tenant''s (PT404 concession.not_found), of the NCR''s part and customer (PT422 concession.not_applicable), granted (PT409 concession.not_granted), in force now (PT409 concession.expired), its scope covering the NCR''s revision, lots and serials (PT422 concession.out_of_scope), with the quantity left (PT409 concession.exhausted).';

CREATE OR REPLACE FUNCTION app.add_ncr_disposition(
  ncr_id uuid, disposition app.ncr_disposition_kind, quantity numeric, lot_id uuid DEFAULT NULL, serial_id uuid DEFAULT NULL,
  concession_id uuid DEFAULT NULL, instructions text DEFAULT NULL
) RETURNS app.ncr_dispositions
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = ''
AS $$
DECLARE
  v_ncr app.ncrs := app_private.lock_ncr(add_ncr_disposition.ncr_id);
  v_required boolean;
  v_disposed numeric;
  v_row app.ncr_dispositions;
BEGIN
  PERFORM auth.check_permission_at('ncr.disposition', v_ncr.site_id);
  -- Segregation of duties: who reported the nonconformance does not decide
  -- what becomes of it (the MRB is independent of the reporter).
  IF v_ncr.created_by = auth.user_id() THEN
    RAISE EXCEPTION 'you reported %', v_ncr.ncr_number USING ERRCODE = 'PT403', DETAIL = 'ncr.disposition_by_reporter',
      HINT = 'Another member of the material review board (ncr.disposition) decides the disposition.';
  END IF;
  PERFORM app_private.require_ncr_step(v_ncr, ARRAY['disposition']::app.ncr_status[]);
  IF disposition IS NULL OR quantity IS NULL OR quantity <= 0 THEN
    PERFORM app_private.raise_invalid('ncr_disposition.invalid', 'a disposition needs its kind and a positive quantity',
      pg_catalog.format('Send disposition (use_as_is, rework, repair, scrap, return_to_supplier) and quantity in %s.', v_ncr.unit));
  END IF;
  IF num_nonnulls(lot_id, serial_id) > 1 OR (lot_id IS NOT NULL AND NOT EXISTS (
       SELECT FROM app.ncr_items AS i WHERE i.organization_id = v_ncr.organization_id AND i.ncr_id = v_ncr.id AND i.lot_id = add_ncr_disposition.lot_id))
     OR (serial_id IS NOT NULL AND NOT EXISTS (
       SELECT FROM app.ncr_items AS i WHERE i.organization_id = v_ncr.organization_id AND i.ncr_id = v_ncr.id AND i.serial_id = add_ncr_disposition.serial_id))
     OR (serial_id IS NOT NULL AND quantity <> 1) THEN
    PERFORM app_private.raise_invalid('ncr_disposition.item_invalid', 'a disposition names at most one lot or serial of the NCR (a serial is 1)',
      'GET /ncr_items?ncr_id=eq.<id> lists the NCR''s lots and serials.');
  END IF;
  v_disposed := coalesce((SELECT sum(d.quantity) FROM app.ncr_dispositions AS d WHERE d.organization_id = v_ncr.organization_id AND d.ncr_id = v_ncr.id), 0);
  IF v_disposed + quantity > v_ncr.nonconforming_quantity THEN
    RAISE EXCEPTION 'only % % of % are left to disposition', v_ncr.nonconforming_quantity - v_disposed, v_ncr.unit, v_ncr.ncr_number
      USING ERRCODE = 'PT409', DETAIL = 'ncr_disposition.exceeds_quantity',
            HINT = 'The dispositions of an NCR add up to its nonconforming quantity at most; withdraw one to change it.';
  END IF;
  v_required := disposition IN ('use_as_is', 'rework', 'repair')
                AND (SELECT p.customer_concession_required FROM app.parts AS p WHERE p.organization_id = v_ncr.organization_id AND p.id = v_ncr.part_id);
  IF v_required AND concession_id IS NULL THEN
    RAISE EXCEPTION '% needs the customer''s concession for this part', disposition USING ERRCODE = 'PT409',
      DETAIL = 'ncr_disposition.concession_required',
      HINT = 'Send concession_id: a concession the customer granted for the part (app.request_concession, app.decide_concession).';
  END IF;
  IF concession_id IS NOT NULL THEN
    PERFORM app_private.require_usable_concession(concession_id, v_ncr, quantity);
  END IF;
  INSERT INTO app.ncr_dispositions AS d (organization_id, id, ncr_id, disposition, quantity, unit, lot_id, serial_id, concession_id,
                                         instructions, approved_by)
  VALUES (v_ncr.organization_id, public.uuid_generate_v7(), v_ncr.id, add_ncr_disposition.disposition, add_ncr_disposition.quantity,
          v_ncr.unit, add_ncr_disposition.lot_id, add_ncr_disposition.serial_id, add_ncr_disposition.concession_id,
          nullif(pg_catalog.btrim(add_ncr_disposition.instructions), ''), auth.user_id())
  RETURNING d.* INTO v_row;
  PERFORM app_private.publish_event(v_ncr.organization_id, 'ncr.dispositioned',
    pg_catalog.jsonb_build_object('ncr_id', v_ncr.id, 'ncr_number', v_ncr.ncr_number, 'disposition', v_row.disposition,
                                  'quantity', v_row.quantity, 'unit', v_row.unit, 'concession_id', v_row.concession_id),
    'ncr', v_ncr.id);
  RETURN v_row;
END
$$;
COMMENT ON FUNCTION app.add_ncr_disposition(uuid, app.ncr_disposition_kind, numeric, uuid, uuid, uuid, text) IS
  E'MRB disposition\nDecides what becomes of a quantity of an NCR''s material in its disposition step: use_as_is, rework, repair, scrap or return_to_supplier, optionally of one of its lots or serials (a scrap of one happens in the inventory when the NCR closes). All dispositions add up to the nonconforming quantity at most. use_as_is, rework and repair of a part whose customer requires it need a granted, unexpired, in-scope concession with quantity left, recorded on the disposition. Approved by a holder of ncr.disposition at the NCR''s site who did not report the NCR (segregation of duties). PT404 ncr.not_found, concession.not_found; PT403 permission.missing, ncr.disposition_by_reporter; PT409 ncr.wrong_step, ncr_disposition.exceeds_quantity, ncr_disposition.concession_required, concession.not_granted, concession.expired, concession.exhausted; PT422 ncr_disposition.invalid, ncr_disposition.item_invalid, concession.not_applicable, concession.out_of_scope. Publishes ncr.dispositioned.';

CREATE OR REPLACE FUNCTION app.withdraw_ncr_disposition(disposition_id uuid) RETURNS app.ncrs
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = ''
AS $$
DECLARE
  v_row app.ncr_dispositions;
  v_ncr app.ncrs;
BEGIN
  SELECT * INTO v_row FROM app.ncr_dispositions AS d WHERE d.organization_id = auth.org_id() AND d.id = withdraw_ncr_disposition.disposition_id;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'disposition not found' USING ERRCODE = 'PT404', DETAIL = 'ncr_disposition.not_found',
      HINT = 'GET /ncr_dispositions?ncr_id=eq.<id> lists an NCR''s dispositions.';
  END IF;
  v_ncr := app_private.lock_ncr(v_row.ncr_id);
  PERFORM auth.check_permission_at('ncr.disposition', v_ncr.site_id);
  PERFORM app_private.require_ncr_step(v_ncr, ARRAY['disposition']::app.ncr_status[]);
  DELETE FROM app.ncr_dispositions AS d WHERE d.organization_id = v_row.organization_id AND d.id = v_row.id;
  RETURN v_ncr;
END
$$;
COMMENT ON FUNCTION app.withdraw_ncr_disposition(uuid) IS
  E'Withdraw an MRB disposition\nIn the disposition step (also after a rejected verification sent the NCR back), a holder of ncr.disposition at the NCR''s site removes a disposition (the audit log keeps it). PT404 ncr_disposition.not_found, ncr.not_found; PT403 permission.missing; PT409 ncr.wrong_step.';

CREATE OR REPLACE FUNCTION app.record_ncr_verification(ncr_id uuid, result text, note text) RETURNS app.ncrs
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = ''
AS $$
DECLARE
  v_ncr app.ncrs := app_private.lock_ncr(record_ncr_verification.ncr_id);
BEGIN
  PERFORM auth.check_permission_at('ncr.manage', v_ncr.site_id);
  PERFORM app_private.require_ncr_step(v_ncr, ARRAY['verification']::app.ncr_status[]);
  IF result IS NULL OR result NOT IN ('accepted', 'rejected')
     OR pg_catalog.length(pg_catalog.btrim(coalesce(note, ''))) NOT BETWEEN 1 AND 5000 THEN
    PERFORM app_private.raise_invalid('ncr.verification_invalid', 'a verification is accepted or rejected, with the evidence',
      'Send result (accepted or rejected) and note: how the disposition was checked (up to 5000 characters).');
  END IF;
  UPDATE app.ncrs AS n
     SET verification_result = result, verification_note = pg_catalog.btrim(note), verified_by = auth.user_id(), verified_at = pg_catalog.now()
   WHERE n.organization_id = v_ncr.organization_id AND n.id = v_ncr.id
  RETURNING n.* INTO v_ncr;
  -- A rejected verification sends the NCR back to disposition (a transition of its machine).
  IF result = 'rejected' THEN
    PERFORM auth.state_machine_transition('ncr', v_ncr.id, 'disposition', 'verification rejected: ' || pg_catalog.left(pg_catalog.btrim(note), 1900), NULL);
    SELECT * INTO v_ncr FROM app.ncrs AS n WHERE n.organization_id = v_ncr.organization_id AND n.id = v_ncr.id;
  END IF;
  RETURN v_ncr;
END
$$;
COMMENT ON FUNCTION app.record_ncr_verification(uuid, text, text) IS
  E'Verify an NCR''s dispositions\nIn the verification step: accepted (the NCR may close) or rejected (it goes back to disposition), with the evidence; who and when are recorded. Needs ncr.manage at the NCR''s site. PT404 ncr.not_found; PT403 permission.missing; PT409 ncr.wrong_step; PT422 ncr.verification_invalid.';

-- SECURITY INVOKER: the platform's app.open_capa checks the caller's own
-- capa.manage and sight of the NCR; auth.link_ncr_capa writes the link.
CREATE OR REPLACE FUNCTION auth.ncr_capa_allowed(p_ncr_id uuid) RETURNS void
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = ''
AS $$
DECLARE
  v_ncr app.ncrs := app_private.lock_ncr(p_ncr_id);
BEGIN
  PERFORM auth.check_permission_at('ncr.manage', v_ncr.site_id);
  IF v_ncr.status IN ('closed', 'cancelled') THEN
    RAISE EXCEPTION '% is %', v_ncr.ncr_number, v_ncr.status USING ERRCODE = 'PT409', DETAIL = 'ncr.closed', HINT = 'Open the CAPA from the CAPA register.';
  END IF;
  IF v_ncr.capa_id IS NOT NULL THEN
    RAISE EXCEPTION '% already has a CAPA', v_ncr.ncr_number USING ERRCODE = 'PT409', DETAIL = 'ncr.capa_exists',
      HINT = 'GET /capas?id=eq.<capa_id> shows it.';
  END IF;
END
$$;
COMMENT ON FUNCTION auth.ncr_capa_allowed(uuid) IS
  'Whether the caller may open a CAPA for the NCR: PT404 ncr.not_found, PT403 permission.missing (ncr.manage at its site), PT409 ncr.closed, ncr.capa_exists.';

CREATE OR REPLACE FUNCTION auth.link_ncr_capa(p_ncr_id uuid, p_capa_id uuid) RETURNS app.ncrs
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = ''
AS $$
DECLARE
  v_ncr app.ncrs;
BEGIN
  PERFORM auth.ncr_capa_allowed(p_ncr_id);
  UPDATE app.ncrs AS n SET capa_id = p_capa_id
   WHERE n.organization_id = auth.org_id() AND n.id = p_ncr_id
  RETURNING n.* INTO v_ncr;
  RETURN v_ncr;
END
$$;
COMMENT ON FUNCTION auth.link_ncr_capa(uuid, uuid) IS 'Records the CAPA opened for the NCR (after the same checks as auth.ncr_capa_allowed).';

CREATE OR REPLACE FUNCTION app.open_ncr_capa(ncr_id uuid, title text DEFAULT NULL, problem_statement text DEFAULT NULL,
                                             owner_id uuid DEFAULT NULL, due_date date DEFAULT NULL)
RETURNS app.ncrs
LANGUAGE plpgsql VOLATILE
SET search_path = ''
AS $$
DECLARE
  v_ncr app.ncrs;
  v_capa app.capas;
BEGIN
  PERFORM auth.ncr_capa_allowed(open_ncr_capa.ncr_id);
  SELECT * INTO v_ncr FROM app.ncrs AS n WHERE n.organization_id = auth.org_id() AND n.id = open_ncr_capa.ncr_id;
  v_capa := app.open_capa(coalesce(open_ncr_capa.title, v_ncr.ncr_number || ': ' || v_ncr.title),
                          coalesce(open_ncr_capa.problem_statement, v_ncr.description), 'corrective', 'nonconformance', 'ncr',
                          open_ncr_capa.ncr_id, open_ncr_capa.owner_id, open_ncr_capa.due_date, v_ncr.site_id);
  RETURN auth.link_ncr_capa(open_ncr_capa.ncr_id, v_capa.id);
END
$$;
COMMENT ON FUNCTION app.open_ncr_capa(uuid, text, text, uuid, date) IS
  E'Open the CAPA/8D of an NCR\nRoot cause and corrective action of a nonconformance live in the platform CAPA register: opens a corrective CAPA (source nonconformance, at the NCR''s site) with the NCR linked as its source, titled and described from the NCR unless sent; once per NCR. Needs ncr.manage at the NCR''s site and capa.manage. PT404 ncr.not_found; PT403 permission.missing; PT409 ncr.closed, ncr.capa_exists; PT422 capa.team_not_member.';

CREATE OR REPLACE FUNCTION app.set_ncr_custom_fields(ncr_id uuid, custom_fields jsonb) RETURNS app.ncrs
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = ''
AS $$
DECLARE
  v_old app.ncrs := app_private.lock_ncr(set_ncr_custom_fields.ncr_id);
  v_new app.ncrs;
BEGIN
  PERFORM auth.check_permission_at('ncr.manage', v_old.site_id);
  IF pg_catalog.jsonb_typeof(set_ncr_custom_fields.custom_fields) IS DISTINCT FROM 'object' THEN
    PERFORM app_private.raise_invalid('ncr.custom_fields_invalid', 'custom_fields must be a JSON object',
      'Send custom_fields: {"<code>": <value>, ...} with the codes of the tenant''s custom fields for NCRs.');
  END IF;
  UPDATE app.ncrs AS n SET custom_fields = v_old.custom_fields || set_ncr_custom_fields.custom_fields
   WHERE n.organization_id = v_old.organization_id AND n.id = v_old.id
  RETURNING n.* INTO v_new;
  RETURN v_new;
END
$$;
COMMENT ON FUNCTION app.set_ncr_custom_fields(uuid, jsonb) IS
  E'Set an NCR''s custom fields\nMerges the values sent into the NCR''s custom fields, checked against the tenant''s definitions for NCRs (the custom fields block). Needs ncr.manage tenant-wide or at the NCR''s plant. PT404 ncr.not_found; PT403 permission.missing; PT422 ncr.custom_fields_invalid, custom_field.*.';

CREATE OR REPLACE FUNCTION app.set_ncr_defect_category(ncr_id uuid, defect_category text) RETURNS app.ncrs
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = ''
AS $$
DECLARE
  v_old app.ncrs := app_private.lock_ncr(set_ncr_defect_category.ncr_id);
  v_new app.ncrs;
BEGIN
  PERFORM auth.check_permission_at('ncr.manage', v_old.site_id);
  IF NOT EXISTS (SELECT FROM app.type_lists AS l
                   JOIN app.type_list_values AS v ON v.organization_id = l.organization_id AND v.type_list_id = l.id
                  WHERE l.organization_id = v_old.organization_id AND l.code = 'ncr_defect_categories'
                    AND v.code = set_ncr_defect_category.defect_category AND v.is_active) THEN
    PERFORM app_private.raise_invalid('ncr.defect_category_unknown',
      pg_catalog.format('%s is not an active defect category', coalesce(set_ncr_defect_category.defect_category, 'an empty category')),
      'Send a value code of the type list ncr_defect_categories (GET /type_list_values?type_list_id=eq.<its id>&is_active=is.true).');
  END IF;
  UPDATE app.ncrs AS n SET defect_category = set_ncr_defect_category.defect_category
   WHERE n.organization_id = v_old.organization_id AND n.id = v_old.id
  RETURNING n.* INTO v_new;
  RETURN v_new;
END
$$;
COMMENT ON FUNCTION app.set_ncr_defect_category(uuid, text) IS
  E'Classify an NCR\nSets the NCR''s defect category, an active value code of the tenant''s type list ncr_defect_categories (what the defect Pareto groups by). Needs ncr.manage tenant-wide or at the NCR''s plant. PT404 ncr.not_found; PT403 permission.missing; PT422 ncr.defect_category_unknown.';

CREATE OR REPLACE FUNCTION app.ncr_defect_pareto(reported_from timestamptz DEFAULT NULL, reported_to timestamptz DEFAULT NULL)
RETURNS TABLE (defect_category text, label text, ncr_count bigint, share numeric, cumulative_share numeric)
LANGUAGE sql STABLE
SET search_path = ''
AS $$
  WITH counted AS (
    SELECT n.defect_category, count(*) AS ncr_count
      FROM app.ncrs AS n
     WHERE n.organization_id = auth.org_id() AND n.status <> 'cancelled'
       AND (reported_from IS NULL OR n.created_at >= reported_from) AND (reported_to IS NULL OR n.created_at < reported_to)
     GROUP BY n.defect_category)
  SELECT c.defect_category,
         coalesce((SELECT v.label FROM app.type_lists AS l
                     JOIN app.type_list_values AS v ON v.organization_id = l.organization_id AND v.type_list_id = l.id
                    WHERE l.organization_id = auth.org_id() AND l.code = 'ncr_defect_categories' AND v.code = c.defect_category),
                  'Unclassified'),
         c.ncr_count,
         round(c.ncr_count::numeric / sum(c.ncr_count) OVER (), 4),
         round(sum(c.ncr_count) OVER (ORDER BY c.ncr_count DESC, c.defect_category NULLS LAST ROWS UNBOUNDED PRECEDING)::numeric
               / sum(c.ncr_count) OVER (), 4)
    FROM counted AS c
   ORDER BY c.ncr_count DESC, c.defect_category NULLS LAST
$$;
COMMENT ON FUNCTION app.ncr_defect_pareto(timestamptz, timestamptz) IS
  E'NCR defect Pareto\nThe NCRs the caller may read (not cancelled; reported in [reported_from, reported_to) when sent) counted by defect category (the type list ncr_defect_categories; unclassified ones as NULL), most first, with each category''s share and the cumulative share.';
