-- Lots and serials (migration traceability/lots): created by app.create_lots
-- and app.create_serials at a plant where the caller holds
-- traceability.manage; their quality status changes only through
-- app.set_lot_quality_status / app.set_serial_quality_status, with a reason
-- (app.trace_status_changes) and an event. API roles only read these tables.

CREATE OR REPLACE TRIGGER _100_touch_updated_at BEFORE UPDATE ON app.lots
  FOR EACH ROW EXECUTE FUNCTION app_private.tg__touch_updated_at();
CREATE OR REPLACE TRIGGER _100_touch_updated_at BEFORE UPDATE ON app.serials
  FOR EACH ROW EXECUTE FUNCTION app_private.tg__touch_updated_at();
CREATE OR REPLACE TRIGGER _100_append_only BEFORE UPDATE OR DELETE ON app.trace_status_changes
  FOR EACH ROW EXECUTE FUNCTION app_private.tg__append_only();

SELECT app_private.register_entity_type('lot', 'app.lots', 'lot_number', 'Lot', 'lot_number');
SELECT app_private.register_search('lot', 't.search_vector', $$concat_ws(' ', t.lot_number, t.supplier_lot)$$);
SELECT app_private.register_entity_type('serial', 'app.serials', 'serial_number', 'Serial', 'serial_number');
SELECT app_private.register_search('serial', 't.search_vector', $$concat_ws(' ', t.serial_number, t.current_location)$$);
SELECT app_private.enable_custom_fields('lot', p_required_on_insert => false);

-- The part new material is made of: the caller's, active; and the revision
-- it is made to (the one named, else the part's released one).
CREATE OR REPLACE FUNCTION app_private.part_for_new_material(p_part_id uuid, p_revision_id uuid, OUT part app.parts, OUT revision_id uuid)
LANGUAGE plpgsql STABLE
SET search_path = ''
AS $$
BEGIN
  SELECT * INTO part FROM app.parts AS p WHERE p.organization_id = auth.org_id() AND p.id = p_part_id;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'part not found' USING ERRCODE = 'PT404', DETAIL = 'part.not_found', HINT = 'GET /parts lists your organization''s parts.';
  END IF;
  IF part.status <> 'active' THEN
    RAISE EXCEPTION 'part % is obsolete', part.part_number USING ERRCODE = 'PT409', DETAIL = 'part.obsolete',
      HINT = 'Lots and serials are made of active parts only.';
  END IF;
  IF p_revision_id IS NULL THEN
    revision_id := (SELECT r.id FROM app.part_revisions AS r WHERE r.organization_id = part.organization_id AND r.part_id = part.id
                       AND r.status = 'released');
  ELSIF NOT EXISTS (SELECT FROM app.part_revisions AS r WHERE r.organization_id = part.organization_id AND r.part_id = part.id
                       AND r.id = p_revision_id AND r.status = 'released') THEN
    RAISE EXCEPTION 'that revision is not the released revision of %', part.part_number USING ERRCODE = 'PT409',
      DETAIL = 'part_revision.not_released', HINT = 'Leave part_revision_id out to use the released revision.';
  ELSE
    revision_id := p_revision_id;
  END IF;
END
$$;
COMMENT ON FUNCTION app_private.part_for_new_material(uuid, uuid) IS
  'The caller''s part (PT404 part.not_found), active (PT409 part.obsolete), and the revision new material is made to: the one named if it is the released one (PT409 part_revision.not_released), else the part''s released revision (none: empty).';

-- A site of the caller's tenant where they may write traceability records.
CREATE OR REPLACE FUNCTION app_private.require_trace_site(p_site_id uuid) RETURNS void
LANGUAGE plpgsql STABLE
SET search_path = ''
AS $$
BEGIN
  IF p_site_id IS NULL OR NOT EXISTS (SELECT FROM app.sites AS s WHERE s.organization_id = auth.org_id() AND s.id = p_site_id) THEN
    RAISE EXCEPTION 'site not found' USING ERRCODE = 'PT404', DETAIL = 'site.not_found', HINT = 'Send site_id: one of GET /sites.';
  END IF;
  PERFORM auth.check_permission_at('traceability.manage', p_site_id);
END
$$;
COMMENT ON FUNCTION app_private.require_trace_site(uuid) IS
  'PT404 site.not_found unless the site is the active tenant''s; PT403 permission.missing without traceability.manage tenant-wide or at that site.';

-- The one place lots are inserted (app.create_lots, app.record_receipt): numbered from the
-- tenant's lot pattern (race-free) unless one lot_number is sent, in the part's unit.
CREATE OR REPLACE FUNCTION app_private.insert_lots(p_part app.parts, p_revision_id uuid, p_site_id uuid, p_quantity numeric, p_count integer,
                                                   p_lot_number text, p_supplier_id uuid, p_supplier_lot text,
                                                   p_quality_status app.trace_quality_status, p_at timestamptz, p_expires_at timestamptz)
RETURNS SETOF app.lots
LANGUAGE sql VOLATILE
SET search_path = ''
AS $$
  INSERT INTO app.lots AS l (organization_id, id, lot_number, part_id, part_revision_id, site_id, quantity, remaining_quantity, unit,
                             supplier_id, supplier_lot, quality_status, produced_at, expires_at, created_by)
  SELECT p_part.organization_id, public.uuid_generate_v7(), n.number, p_part.id, p_revision_id, p_site_id, p_quantity, p_quantity,
         p_part.unit, p_supplier_id, nullif(pg_catalog.btrim(p_supplier_lot), ''), p_quality_status, p_at, p_expires_at, auth.user_id()
    FROM (SELECT p_lot_number AS number WHERE p_lot_number IS NOT NULL
          UNION ALL
          SELECT t.number FROM app_private.take_trace_numbers(p_part.organization_id, 'lot', p_site_id, p_count, p_at) AS t (number)
           WHERE p_lot_number IS NULL) AS n
  RETURNING l.*;
$$;
COMMENT ON FUNCTION app_private.insert_lots(app.parts, uuid, uuid, numeric, integer, text, uuid, text, app.trace_quality_status, timestamptz, timestamptz) IS
  'Inserts p_count lots of a part at a plant, each of p_quantity in the part''s unit, numbered from the tenant''s lot pattern (app_private.take_trace_numbers) or p_lot_number for one lot; the one lot insert of app.create_lots and app.record_receipt (callers check access and input).';

CREATE OR REPLACE FUNCTION app.create_lots(part_id uuid, site_id uuid, quantity numeric, unit text DEFAULT NULL, lot_count integer DEFAULT 1,
                                           lot_number text DEFAULT NULL, part_revision_id uuid DEFAULT NULL,
                                           supplier_id uuid DEFAULT NULL, supplier_lot text DEFAULT NULL,
                                           quality_status app.trace_quality_status DEFAULT 'released',
                                           produced_at timestamptz DEFAULT NULL, expires_at timestamptz DEFAULT NULL)
RETURNS SETOF app.lots
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = ''
AS $$
DECLARE
  v_found record;
  v_part app.parts;
  v_revision uuid;
  v_quantity numeric;
  v_at timestamptz := coalesce(create_lots.produced_at, pg_catalog.now());
BEGIN
  PERFORM app_private.require_trace_site(create_lots.site_id);
  v_found := app_private.part_for_new_material(create_lots.part_id, create_lots.part_revision_id);
  v_part := v_found.part;
  v_revision := v_found.revision_id;
  IF lot_count IS NULL OR lot_count NOT BETWEEN 1 AND 1000 THEN
    PERFORM app_private.raise_invalid('lot.invalid', 'lot_count is 1 to 1000', 'Send lot_count: how many lots of quantity each to create.');
  END IF;
  IF create_lots.quantity IS NULL OR create_lots.quantity <= 0 THEN
    PERFORM app_private.raise_invalid('lot.quantity_invalid', 'the quantity of a lot must be positive', 'Send quantity above 0 (in unit, the part''s unless sent).');
  END IF;
  IF create_lots.lot_number IS NOT NULL AND lot_count <> 1 THEN
    PERFORM app_private.raise_invalid('lot.invalid', 'a lot_number is sent for one lot only', 'Leave lot_number out to number the lots from the pattern.');
  END IF;
  IF create_lots.supplier_id IS NOT NULL AND NOT EXISTS (SELECT FROM app.partners AS p WHERE p.organization_id = v_part.organization_id
                                                           AND p.id = create_lots.supplier_id) THEN
    RAISE EXCEPTION 'partner not found' USING ERRCODE = 'PT404', DETAIL = 'partner.not_found', HINT = 'Send supplier_id: one of GET /partners.';
  END IF;
  v_quantity := CASE WHEN coalesce(create_lots.unit, v_part.unit) = v_part.unit THEN create_lots.quantity
                     ELSE app.convert_unit(create_lots.quantity, create_lots.unit, v_part.unit) END;
  RETURN QUERY
  SELECT * FROM app_private.insert_lots(v_part, v_revision, create_lots.site_id, v_quantity, lot_count, create_lots.lot_number,
                                        create_lots.supplier_id, create_lots.supplier_lot, coalesce(create_lots.quality_status, 'released'),
                                        v_at, create_lots.expires_at);
END
$$;
COMMENT ON FUNCTION app.create_lots(uuid, uuid, numeric, text, integer, text, uuid, uuid, text, app.trace_quality_status, timestamptz, timestamptz) IS
  E'Create lots\nCreates lot_count lots (1 to 1000) of an active part at a plant, each of quantity (sent in unit, kept in the part''s unit), numbered from the tenant''s lot pattern (or lot_number for one lot), made to the part''s released revision unless part_revision_id names it; for purchased material supplier_id and supplier_lot, and quality_status quarantined until receiving inspection releases it. Needs traceability.manage tenant-wide or at site_id. PT404 site.not_found, part.not_found, partner.not_found; PT409 part.obsolete, part_revision.not_released; PT422 lot.invalid, lot.quantity_invalid, unit.*; PT409 23505 on a lot_number already used.';

CREATE OR REPLACE FUNCTION app.create_serials(part_id uuid, site_id uuid, serial_count integer DEFAULT 1, lot_id uuid DEFAULT NULL,
                                              part_revision_id uuid DEFAULT NULL,
                                              quality_status app.trace_quality_status DEFAULT 'released',
                                              produced_at timestamptz DEFAULT NULL)
RETURNS SETOF app.serials
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = ''
AS $$
DECLARE
  v_found record;
  v_part app.parts;
  v_revision uuid;
  v_at timestamptz := coalesce(create_serials.produced_at, pg_catalog.now());
BEGIN
  PERFORM app_private.require_trace_site(create_serials.site_id);
  v_found := app_private.part_for_new_material(create_serials.part_id, create_serials.part_revision_id);
  v_part := v_found.part;
  v_revision := v_found.revision_id;
  IF serial_count IS NULL OR serial_count NOT BETWEEN 1 AND 10000 THEN
    PERFORM app_private.raise_invalid('serial.invalid', 'serial_count is 1 to 10000', 'Send serial_count: how many pieces to number.');
  END IF;
  IF create_serials.lot_id IS NOT NULL AND NOT EXISTS (SELECT FROM app.lots AS l WHERE l.organization_id = v_part.organization_id
                                                         AND l.id = create_serials.lot_id AND l.part_id = v_part.id
                                                         AND l.site_id = create_serials.site_id) THEN
    RAISE EXCEPTION 'lot not found' USING ERRCODE = 'PT404', DETAIL = 'lot.not_found',
      HINT = 'A serial''s lot is a lot of the same part at the same site.';
  END IF;
  RETURN QUERY
  INSERT INTO app.serials AS s (organization_id, id, serial_number, part_id, part_revision_id, lot_id, site_id, quality_status, produced_at, created_by)
  SELECT v_part.organization_id, public.uuid_generate_v7(), t.number, v_part.id, v_revision, create_serials.lot_id, create_serials.site_id,
         coalesce(create_serials.quality_status, 'released'), v_at, auth.user_id()
    FROM app_private.take_trace_numbers(v_part.organization_id, 'serial', create_serials.site_id, serial_count, v_at) AS t (number)
  RETURNING s.*;
END
$$;
COMMENT ON FUNCTION app.create_serials(uuid, uuid, integer, uuid, uuid, app.trace_quality_status, timestamptz) IS
  E'Create serials\nNumbers serial_count pieces (1 to 10000) of an active part at a plant in one call, from the tenant''s serial pattern (consecutive, race-free), optionally of a lot of the same part and site, made to the part''s released revision unless part_revision_id names it. Needs traceability.manage tenant-wide or at site_id. PT404 site.not_found, part.not_found, lot.not_found; PT409 part.obsolete, part_revision.not_released; PT422 serial.invalid.';

-- The caller's lot or serial, locked: PT404 unless they may see it
-- (traceability.read tenant-wide or at its site), PT403 without
-- traceability.manage there.
CREATE OR REPLACE FUNCTION app_private.lock_lot(p_lot_id uuid) RETURNS app.lots
LANGUAGE plpgsql VOLATILE
SET search_path = ''
AS $$
DECLARE
  v_lot app.lots;
BEGIN
  SELECT * INTO v_lot FROM app.lots AS l WHERE l.organization_id = auth.org_id() AND l.id = p_lot_id FOR UPDATE;
  IF NOT FOUND OR NOT (auth.is_platform_operator() OR auth.has_permission('traceability.read', v_lot.site_id)
                       OR auth.has_permission('traceability.manage', v_lot.site_id)) THEN
    RAISE EXCEPTION 'lot not found' USING ERRCODE = 'PT404', DETAIL = 'lot.not_found', HINT = 'GET /lots lists the lots you may see.';
  END IF;
  PERFORM auth.check_permission_at('traceability.manage', v_lot.site_id);
  RETURN v_lot;
END
$$;
COMMENT ON FUNCTION app_private.lock_lot(uuid) IS
  'The caller''s lot, locked FOR UPDATE: PT404 lot.not_found unless they may see it (traceability.read or .manage tenant-wide or at its site), PT403 permission.missing without traceability.manage there.';

CREATE OR REPLACE FUNCTION app_private.lock_serial(p_serial_id uuid) RETURNS app.serials
LANGUAGE plpgsql VOLATILE
SET search_path = ''
AS $$
DECLARE
  v_serial app.serials;
BEGIN
  SELECT * INTO v_serial FROM app.serials AS s WHERE s.organization_id = auth.org_id() AND s.id = p_serial_id FOR UPDATE;
  IF NOT FOUND OR NOT (auth.is_platform_operator() OR auth.has_permission('traceability.read', v_serial.site_id)
                       OR auth.has_permission('traceability.manage', v_serial.site_id)) THEN
    RAISE EXCEPTION 'serial not found' USING ERRCODE = 'PT404', DETAIL = 'serial.not_found', HINT = 'GET /serials lists the serials you may see.';
  END IF;
  PERFORM auth.check_permission_at('traceability.manage', v_serial.site_id);
  RETURN v_serial;
END
$$;
COMMENT ON FUNCTION app_private.lock_serial(uuid) IS
  'The caller''s serial, locked FOR UPDATE: PT404 serial.not_found unless they may see it (traceability.read or .manage tenant-wide or at its site), PT403 permission.missing without traceability.manage there.';

CREATE OR REPLACE FUNCTION app_private.require_status_reason(p_reason text) RETURNS void
LANGUAGE plpgsql VOLATILE
SET search_path = ''
AS $$
BEGIN
  IF p_reason IS NULL OR pg_catalog.length(pg_catalog.btrim(p_reason)) NOT BETWEEN 1 AND 2000 THEN
    PERFORM app_private.raise_invalid('trace_status.reason_required', 'a quality status change needs a reason',
      'Send reason: why the material is held, quarantined or released (up to 2000 characters).');
  END IF;
END
$$;
COMMENT ON FUNCTION app_private.require_status_reason(text) IS 'PT422 trace_status.reason_required unless the reason has 1 to 2000 characters.';

-- What every quality status change of a lot or serial leaves behind: the
-- trail row and the event (one place for both kinds).
CREATE OR REPLACE FUNCTION app_private.record_quality_status_change(
  p_kind app.trace_item_kind, p_organization_id uuid, p_id uuid, p_number text, p_site_id uuid,
  p_from app.trace_quality_status, p_to app.trace_quality_status, p_reason text
) RETURNS void
LANGUAGE plpgsql VOLATILE
SET search_path = ''
AS $$
BEGIN
  INSERT INTO app.trace_status_changes (organization_id, lot_id, serial_id, site_id, from_status, to_status, reason, changed_by)
  VALUES (p_organization_id, CASE WHEN p_kind = 'lot' THEN p_id END, CASE WHEN p_kind = 'serial' THEN p_id END, p_site_id,
          p_from, p_to, pg_catalog.btrim(p_reason), auth.user_id());
  PERFORM app_private.publish_event(p_organization_id, p_kind || '.quality_status_changed',
    pg_catalog.jsonb_build_object(p_kind || '_id', p_id, p_kind || '_number', p_number, 'reason', pg_catalog.btrim(p_reason),
                                  'old', pg_catalog.jsonb_build_object('quality_status', p_from),
                                  'new', pg_catalog.jsonb_build_object('quality_status', p_to)),
    p_kind::text, p_id);
END
$$;
COMMENT ON FUNCTION app_private.record_quality_status_change(app.trace_item_kind, uuid, uuid, text, uuid, app.trace_quality_status, app.trace_quality_status, text) IS
  'Records a lot''s or serial''s quality status change in app.trace_status_changes (with its reason and who) and publishes lot.quality_status_changed or serial.quality_status_changed.';

CREATE OR REPLACE FUNCTION app.set_lot_quality_status(lot_id uuid, quality_status app.trace_quality_status, reason text) RETURNS app.lots
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = ''
AS $$
DECLARE
  v_old app.lots := app_private.lock_lot(set_lot_quality_status.lot_id);
  v_new app.lots;
BEGIN
  PERFORM app_private.require_status_reason(reason);
  IF quality_status IS NULL OR quality_status = v_old.quality_status THEN
    RETURN v_old;
  END IF;
  UPDATE app.lots AS l SET quality_status = set_lot_quality_status.quality_status
   WHERE l.organization_id = v_old.organization_id AND l.id = v_old.id RETURNING l.* INTO v_new;
  PERFORM app_private.record_quality_status_change('lot', v_old.organization_id, v_old.id, v_old.lot_number, v_old.site_id,
                                                   v_old.quality_status, v_new.quality_status, reason);
  RETURN v_new;
END
$$;
COMMENT ON FUNCTION app.set_lot_quality_status(uuid, app.trace_quality_status, text) IS
  E'Hold, quarantine or release a lot\nSets the lot''s quality status (released, quarantined, on_hold) with a reason, whatever its inventory state (a partly consumed lot can be on hold): recorded in trace_status_changes and the audit log, published as lot.quality_status_changed. The same status again changes nothing. Needs traceability.manage at the lot''s site; PT404 lot.not_found, PT422 trace_status.reason_required.';

CREATE OR REPLACE FUNCTION app.set_lot_custom_fields(lot_id uuid, custom_fields jsonb) RETURNS app.lots
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = ''
AS $$
DECLARE
  v_old app.lots := app_private.lock_lot(set_lot_custom_fields.lot_id);
  v_new app.lots;
BEGIN
  IF pg_catalog.jsonb_typeof(set_lot_custom_fields.custom_fields) IS DISTINCT FROM 'object' THEN
    PERFORM app_private.raise_invalid('custom_field.values_invalid', 'custom_fields must be a JSON object',
      'Send custom_fields: {"<code>": <value>, ...} with the codes of the tenant''s custom fields for lots.');
  END IF;
  UPDATE app.lots AS l SET custom_fields = v_old.custom_fields || set_lot_custom_fields.custom_fields
   WHERE l.organization_id = v_old.organization_id AND l.id = v_old.id
  RETURNING l.* INTO v_new;
  RETURN v_new;
END
$$;
COMMENT ON FUNCTION app.set_lot_custom_fields(uuid, jsonb) IS
  E'Set a lot''s custom fields\nMerges the values sent into the lot''s custom fields, checked against the tenant''s definitions for lots (the custom fields block, entity type lot). Needs traceability.manage tenant-wide or at the lot''s plant. PT404 lot.not_found; PT403 permission.missing; PT422 custom_field.values_invalid, custom_field.*.';

CREATE OR REPLACE FUNCTION app.set_serial_quality_status(serial_id uuid, quality_status app.trace_quality_status, reason text) RETURNS app.serials
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = ''
AS $$
DECLARE
  v_old app.serials := app_private.lock_serial(set_serial_quality_status.serial_id);
  v_new app.serials;
BEGIN
  PERFORM app_private.require_status_reason(reason);
  IF quality_status IS NULL OR quality_status = v_old.quality_status THEN
    RETURN v_old;
  END IF;
  UPDATE app.serials AS s SET quality_status = set_serial_quality_status.quality_status
   WHERE s.organization_id = v_old.organization_id AND s.id = v_old.id RETURNING s.* INTO v_new;
  PERFORM app_private.record_quality_status_change('serial', v_old.organization_id, v_old.id, v_old.serial_number, v_old.site_id,
                                                   v_old.quality_status, v_new.quality_status, reason);
  RETURN v_new;
END
$$;
COMMENT ON FUNCTION app.set_serial_quality_status(uuid, app.trace_quality_status, text) IS
  E'Hold, quarantine or release a serial\nSets the piece''s quality status with a reason: recorded in trace_status_changes and the audit log, published as serial.quality_status_changed. Needs traceability.manage at the serial''s site; PT404 serial.not_found, PT422 trace_status.reason_required.';

-- Whether a lot or serial may move (ship, be consumed) as far as quality
-- goes: the one rule every movement calls. A serial moves only when it is
-- released AND so is the lot it belongs to (a hold or quarantine of the lot,
-- an open NCR naming the lot included, holds its pieces too). The serial's
-- lot is share-locked, so a hold committed meanwhile waits for this move.
CREATE OR REPLACE FUNCTION app_private.require_released(p_lot app.lots, p_serial app.serials, p_move text) RETURNS void
LANGUAGE plpgsql VOLATILE
SET search_path = ''
AS $$
DECLARE
  v_lot app.lots;
BEGIN
  IF p_lot.id IS NOT NULL AND p_lot.quality_status <> 'released' THEN
    RAISE EXCEPTION 'lot % is %', p_lot.lot_number, p_lot.quality_status USING ERRCODE = 'PT409', DETAIL = 'lot.not_released',
      HINT = pg_catalog.format('Only released material %s: release the lot (POST /rpc/set_lot_quality_status) once its hold or quarantine is resolved.', p_move);
  END IF;
  IF p_serial.id IS NOT NULL THEN
    IF p_serial.quality_status <> 'released' THEN
      RAISE EXCEPTION 'serial % is %', p_serial.serial_number, p_serial.quality_status USING ERRCODE = 'PT409', DETAIL = 'serial.not_released',
        HINT = pg_catalog.format('Only a released piece %s: release it (POST /rpc/set_serial_quality_status) once its hold or quarantine is resolved.', p_move);
    END IF;
    IF p_serial.lot_id IS NOT NULL THEN
      SELECT l.* INTO v_lot FROM app.lots AS l WHERE l.organization_id = p_serial.organization_id AND l.id = p_serial.lot_id FOR SHARE;
      IF v_lot.quality_status <> 'released' THEN
        RAISE EXCEPTION 'serial % belongs to lot %, which is %', p_serial.serial_number, v_lot.lot_number, v_lot.quality_status
          USING ERRCODE = 'PT409', DETAIL = 'serial.lot_not_released',
                HINT = pg_catalog.format('A piece of a held or quarantined lot is held with it: only a piece of a released lot %s; release the lot once its hold, quarantine or NCR is resolved.', p_move);
      END IF;
    END IF;
  END IF;
END
$$;
COMMENT ON FUNCTION app_private.require_released(app.lots, app.serials, text) IS
  'The quality rule of every movement (shipping, consumption): PT409 lot.not_released unless the lot is released; for a serial PT409 serial.not_released unless the piece is released, serial.lot_not_released unless the lot it belongs to is released (share-locked: a hold or NCR on the lot holds its pieces). p_move words the hint (ships, is consumed).';
