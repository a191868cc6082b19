-- Labels (migration logistics/shipments): app.request_label computes the
-- GS1-128 element string of a shipping unit (SSCC), a lot (GTIN, expiry,
-- lot, count) or a serial (GTIN, serial) in SQL and queues the label_render
-- job (config/worker/tasks/label_render.mjs), which draws the barcode with
-- bwip-js, stores the PNG as an object and reports back.

CREATE OR REPLACE FUNCTION app.request_label(shipping_unit_id uuid DEFAULT NULL, lot_id uuid DEFAULT NULL, serial_id uuid DEFAULT NULL,
                                             symbology text DEFAULT NULL)
RETURNS app.labels
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = ''
AS $$
DECLARE
  v_org uuid := auth.org_id();
  v_unit app.shipping_units;
  v_lot app.lots;
  v_serial app.serials;
  v_part app.parts;
  v_site uuid;
  v_symbology text;
  v_codes record;
  v_text jsonb;
  v_label app.labels;
BEGIN
  IF pg_catalog.num_nonnulls(request_label.shipping_unit_id, request_label.lot_id, request_label.serial_id) <> 1 THEN
    PERFORM app_private.raise_invalid('label.invalid', 'a label is for one shipping unit, lot or serial',
      'Send exactly one of shipping_unit_id, lot_id, serial_id.');
  END IF;
  v_symbology := coalesce(request_label.symbology, app_private.setting(v_org, 'shipment_label_format') ->> 'symbology');
  IF v_symbology NOT IN ('gs1-128', 'qr') THEN
    PERFORM app_private.raise_invalid('label.symbology_unsupported', pg_catalog.format('symbology %s is not rendered', v_symbology),
      'Send symbology gs1-128 or qr.');
  END IF;
  IF auth.partner_id() IS NOT NULL THEN
    RAISE EXCEPTION 'a customer''s portal user does not print labels' USING ERRCODE = 'PT403', DETAIL = 'permission.missing',
      HINT = 'Staff with label.print print labels.';
  END IF;
  IF request_label.shipping_unit_id IS NOT NULL THEN
    SELECT * INTO v_unit FROM app.shipping_units AS u WHERE u.organization_id = v_org AND u.id = request_label.shipping_unit_id;
    IF NOT FOUND OR NOT (auth.may_read_shipment(v_unit.site_id, v_unit.customer_id) OR auth.has_permission('label.print', v_unit.site_id)) THEN
      RAISE EXCEPTION 'shipping unit not found' USING ERRCODE = 'PT404', DETAIL = 'shipping_unit.not_found', HINT = 'GET /shipping_units lists the units you may see.';
    END IF;
    v_site := v_unit.site_id;
    v_codes := app.gs1_element_string(sscc => v_unit.sscc);
    v_text := pg_catalog.jsonb_build_object('sscc', v_unit.sscc, 'packaging', v_unit.packaging,
      'shipment_number', (SELECT s.shipment_number FROM app.shipments AS s WHERE s.organization_id = v_org AND s.id = v_unit.shipment_id),
      'customer', (SELECT p.name FROM app.partners AS p WHERE p.organization_id = v_org AND p.id = v_unit.customer_id));
  ELSIF request_label.lot_id IS NOT NULL THEN
    SELECT * INTO v_lot FROM app.lots AS l WHERE l.organization_id = v_org AND l.id = request_label.lot_id;
    IF NOT FOUND OR NOT (auth.has_permission('traceability.read', v_lot.site_id) OR auth.has_permission('label.print', v_lot.site_id)) THEN
      RAISE EXCEPTION 'lot not found' USING ERRCODE = 'PT404', DETAIL = 'lot.not_found', HINT = 'GET /lots lists the lots you may see.';
    END IF;
    v_site := v_lot.site_id;
    SELECT * INTO v_part FROM app.parts AS p WHERE p.organization_id = v_org AND p.id = v_lot.part_id;
    v_codes := app.gs1_element_string(gtin => v_part.gtin, lot => v_lot.lot_number, expiry => (v_lot.expires_at AT TIME ZONE 'UTC')::date,
                                      quantity => CASE WHEN v_lot.unit = 'pcs' AND v_lot.remaining_quantity = pg_catalog.trunc(v_lot.remaining_quantity)
                                                            AND v_lot.remaining_quantity BETWEEN 1 AND 99999999 THEN v_lot.remaining_quantity END);
    v_text := pg_catalog.jsonb_build_object('part_number', v_part.part_number, 'part_name', v_part.name, 'lot_number', v_lot.lot_number,
                                            'quantity', v_lot.remaining_quantity, 'unit', v_lot.unit, 'expires_at', v_lot.expires_at);
  ELSE
    SELECT * INTO v_serial FROM app.serials AS s WHERE s.organization_id = v_org AND s.id = request_label.serial_id;
    IF NOT FOUND OR NOT (auth.has_permission('traceability.read', v_serial.site_id) OR auth.has_permission('label.print', v_serial.site_id)) THEN
      RAISE EXCEPTION 'serial not found' USING ERRCODE = 'PT404', DETAIL = 'serial.not_found', HINT = 'GET /serials lists the serials you may see.';
    END IF;
    v_site := v_serial.site_id;
    SELECT * INTO v_part FROM app.parts AS p WHERE p.organization_id = v_org AND p.id = v_serial.part_id;
    v_codes := app.gs1_element_string(gtin => v_part.gtin, serial => v_serial.serial_number);
    v_text := pg_catalog.jsonb_build_object('part_number', v_part.part_number, 'part_name', v_part.name, 'serial_number', v_serial.serial_number);
  END IF;
  PERFORM auth.check_permission_at('label.print', v_site);
  INSERT INTO app.labels AS l (organization_id, id, shipping_unit_id, lot_id, serial_id, site_id, symbology, element_string, raw_data, human_text, requested_by)
  VALUES (v_org, public.uuid_generate_v7(), request_label.shipping_unit_id, request_label.lot_id, request_label.serial_id, v_site, v_symbology,
          v_codes.human_readable, v_codes.raw, v_text, auth.user_id())
  RETURNING l.* INTO v_label;
  PERFORM app_private.enqueue_job('label_render', pg_catalog.jsonb_build_object('organization_id', v_org, 'label_id', v_label.id),
                                  p_job_key => 'label_render:' || v_label.id, p_max_attempts => 5);
  RETURN v_label;
END
$$;
COMMENT ON FUNCTION app.request_label(uuid, uuid, uuid, text) IS
  E'Request a label\nA barcode label for one shipping unit (SSCC, AI 00), lot (GTIN 01 when the part has one, expiry 17, lot 10, count 30 for whole pieces) or serial (GTIN 01, serial 21): the GS1-128 element string computed and checked here, rendered asynchronously (job label_render, bwip-js) as a PNG object; status queued, then rendered or failed. symbology gs1-128 or qr (default: setting shipment_label_format). Needs label.print at the item''s site. PT404 shipping_unit.not_found, lot.not_found, serial.not_found; PT403 permission.missing; PT422 label.invalid, label.symbology_unsupported, gs1.*.';

CREATE OR REPLACE FUNCTION app_private.label_render_begin(p_organization_id uuid, p_label_id uuid) RETURNS jsonb
LANGUAGE plpgsql VOLATILE
SET search_path = ''
AS $$
DECLARE
  v_label app.labels;
BEGIN
  UPDATE app.labels SET render_attempts = render_attempts + 1
   WHERE organization_id = p_organization_id AND id = p_label_id AND status = 'queued'
  RETURNING * INTO v_label;
  IF NOT FOUND THEN
    RETURN NULL;
  END IF;
  -- The label size in millimetres the barcode is drawn to fit: the tenant's setting shipment_label_format.
  RETURN pg_catalog.jsonb_build_object('symbology', v_label.symbology, 'element_string', v_label.element_string, 'raw_data', v_label.raw_data,
    'human_text', v_label.human_text,
    'width_mm', (app_private.setting(p_organization_id, 'shipment_label_format') ->> 'width_mm')::integer,
    'height_mm', (app_private.setting(p_organization_id, 'shipment_label_format') ->> 'height_mm')::integer,
    'put_url', (app_private.presign_tenant_object(p_organization_id, 'PUT', 'labels/' || v_label.id || '.png', 900, true)).url);
END
$$;
COMMENT ON FUNCTION app_private.label_render_begin(uuid, uuid) IS
  'For the label_render task: counts an attempt and returns what to draw (symbology, element string, raw data, text) and a presigned PUT URL (15 minutes) for labels/<id>.png; NULL when the label is not queued.';

CREATE OR REPLACE FUNCTION app_private.label_render_finish(p_organization_id uuid, p_label_id uuid, p_sha256 text, p_size bigint, p_error text, p_final boolean)
RETURNS app.render_status
LANGUAGE plpgsql VOLATILE
SET search_path = ''
AS $$
DECLARE
  v_label app.labels;
BEGIN
  IF p_error IS NULL THEN
    UPDATE app.labels AS l SET status = 'rendered', object_key = 'labels/' || l.id || '.png', sha256 = p_sha256, size_bytes = p_size,
                                rendered_at = pg_catalog.now(), render_error = NULL
     WHERE l.organization_id = p_organization_id AND l.id = p_label_id AND l.status = 'queued'
    RETURNING l.* INTO v_label;
  ELSE
    UPDATE app.labels AS l SET status = CASE WHEN p_final THEN 'failed' ELSE 'queued' END::app.render_status, render_error = pg_catalog.left(p_error, 2000)
     WHERE l.organization_id = p_organization_id AND l.id = p_label_id AND l.status = 'queued'
    RETURNING l.* INTO v_label;
  END IF;
  RETURN v_label.status;
END
$$;
COMMENT ON FUNCTION app_private.label_render_finish(uuid, uuid, text, bigint, text, boolean) IS
  'For the label_render task: records the stored PNG (sha256, size; rendered) or a failed attempt''s error (queued while retried, failed after the last). Returns the status; NULL when the label was not queued.';
