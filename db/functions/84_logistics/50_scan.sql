-- Scans (migration logistics/shipments): app.scan(code, location, device)
-- decodes a GS1 element string (with or without parentheses, raw with GS),
-- a plain SSCC, lot, serial or shipment number; finds what it names among
-- what the caller may see; records the event (app.scan_events, partitioned
-- by month) and the item's current_location. The same device and code
-- within 5 seconds is one event: scans of one device and code key (a GS1
-- code decoded and normalised, app_private.scan_code_key) serialize on a
-- transaction advisory lock, and the second finds the first.

CREATE OR REPLACE TRIGGER _100_append_only BEFORE UPDATE OR DELETE ON app.scan_events
  FOR EACH ROW EXECUTE FUNCTION app_private.tg__append_only();

-- The idempotency key of a scanned code: a GS1 element string normalised as
-- its decoded application identifiers in ascending order, each "(AI)value"
-- (so "(00)006141410000000012", "00006141410000000012" and the plain SSCC
-- are one key); any other code as read.
CREATE OR REPLACE FUNCTION app_private.scan_code_key(p_code text, p_decoded jsonb) RETURNS text
LANGUAGE sql IMMUTABLE
SET search_path = ''
AS $$
  SELECT CASE WHEN coalesce(p_decoded, '{}') = '{}' THEN p_code
              ELSE (SELECT pg_catalog.string_agg('(' || d.key || ')' || d.value, '' ORDER BY d.key) FROM pg_catalog.jsonb_each_text(p_decoded) AS d) END
$$;
COMMENT ON FUNCTION app_private.scan_code_key(text, jsonb) IS
  'The idempotency key of a scanned code: the decoded GS1 application identifiers in ascending order as "(AI)value..." when the code decoded to any, else the code as read.';

CREATE OR REPLACE FUNCTION app.scan(code text, location text, device text) RETURNS app.scan_events
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = ''
AS $$
DECLARE
  v_org uuid := auth.org_id();
  v_code text := pg_catalog.btrim(code, E' \r\n\t');
  v_device text := pg_catalog.btrim(device);
  v_location text := pg_catalog.btrim(location);
  v_event app.scan_events;
  v_kind text;
  v_decoded jsonb := '{}';
  v_site uuid;
  v_shipment uuid;
  v_unit uuid;
  v_lot uuid;
  v_serial uuid;
  v_gtin text;
  v_key text;
BEGIN
  IF v_code IS NULL OR v_code = '' OR pg_catalog.length(v_code) > 200 OR coalesce(v_device, '') = '' OR pg_catalog.length(v_device) > 100
     OR coalesce(v_location, '') = '' OR pg_catalog.length(v_location) > 200 THEN
    PERFORM app_private.raise_invalid('scan.invalid', 'a scan needs the code, the location and the device',
      'Send code (up to 200 characters), location (up to 200) and device (up to 100).');
  END IF;
  IF auth.partner_id() IS NOT NULL THEN
    RAISE EXCEPTION 'a customer''s portal user does not scan' USING ERRCODE = 'PT403', DETAIL = 'permission.missing',
      HINT = 'Staff with scan.record scan.';
  END IF;
  -- Decode: a GS1 element string, a plain SSCC (18 digits, check digit right), else a number.
  IF v_code ~ '^[0-9]{18}$' AND app.gs1_key_valid(v_code) THEN
    v_kind := 'sscc';
    v_decoded := pg_catalog.jsonb_build_object('00', v_code);
  ELSIF v_code ~ ('^(\(|\]|' || pg_catalog.chr(29) || ')') OR pg_catalog.strpos(v_code, pg_catalog.chr(29)) > 0
     OR v_code ~ '^(00[0-9]{18}|01[0-9]{14})' THEN
    v_kind := 'gs1';
    v_decoded := app.gs1_parse(v_code);
  END IF;

  -- One device and code at a time; the second of two within 5 s returns the first. The code is keyed on what it says:
  -- a GS1 element string as its decoded application identifiers in order, however the scanner wrote it.
  v_key := app_private.scan_code_key(v_code, v_decoded);
  PERFORM pg_catalog.pg_advisory_xact_lock(pg_catalog.hashtextextended('scan:' || v_org || ':' || v_device || ':' || v_key, 0));
  SELECT * INTO v_event FROM app.scan_events AS e
   WHERE e.organization_id = v_org AND e.device = v_device AND e.code_key = v_key
     AND e.scanned_at >= pg_catalog.clock_timestamp() - interval '5 seconds'
   ORDER BY e.scanned_at DESC LIMIT 1;
  IF FOUND THEN
    RETURN v_event;
  END IF;

  IF v_decoded ? '00' THEN
    SELECT u.id, u.shipment_id, u.site_id INTO v_unit, v_shipment, v_site FROM app.shipping_units AS u
     WHERE u.organization_id = v_org AND u.sscc = v_decoded ->> '00' AND auth.may_read_shipment(u.site_id, u.customer_id);
  ELSIF v_decoded ? '21' THEN
    SELECT s.id, s.site_id, p.gtin INTO v_serial, v_site, v_gtin FROM app.serials AS s
      JOIN app.parts AS p ON p.organization_id = s.organization_id AND p.id = s.part_id
     WHERE s.organization_id = v_org AND s.serial_number = v_decoded ->> '21' AND auth.has_permission('traceability.read', s.site_id);
  ELSIF v_decoded ? '10' THEN
    SELECT l.id, l.site_id, p.gtin INTO v_lot, v_site, v_gtin FROM app.lots AS l
      JOIN app.parts AS p ON p.organization_id = l.organization_id AND p.id = l.part_id
     WHERE l.organization_id = v_org AND l.lot_number = v_decoded ->> '10' AND auth.has_permission('traceability.read', l.site_id);
  ELSIF v_kind IS NULL THEN
    SELECT l.id, l.site_id INTO v_lot, v_site FROM app.lots AS l
     WHERE l.organization_id = v_org AND l.lot_number = v_code AND auth.has_permission('traceability.read', l.site_id);
    IF FOUND THEN
      v_kind := 'lot_number';
    ELSE
      SELECT s.id, s.site_id INTO v_serial, v_site FROM app.serials AS s
       WHERE s.organization_id = v_org AND s.serial_number = v_code AND auth.has_permission('traceability.read', s.site_id);
      IF FOUND THEN
        v_kind := 'serial_number';
      ELSE
        SELECT s.id, s.site_id INTO v_shipment, v_site FROM app.shipments AS s
         WHERE s.organization_id = v_org AND s.shipment_number = v_code AND auth.may_read_shipment(s.site_id, s.customer_id);
        IF FOUND THEN
          v_kind := 'shipment_number';
        END IF;
      END IF;
    END IF;
  END IF;
  IF v_site IS NULL THEN
    RAISE EXCEPTION 'nothing you may see has the code %', v_code USING ERRCODE = 'PT404', DETAIL = 'scan.unknown_code',
      HINT = 'Scan an SSCC of a shipping unit, a GS1 label of a lot or serial, or a lot, serial or shipment number of your plants.';
  END IF;
  IF v_decoded ? '01' AND v_gtin IS DISTINCT FROM v_decoded ->> '01' THEN
    RAISE EXCEPTION 'the GTIN % is not the part''s of that lot or serial', v_decoded ->> '01' USING ERRCODE = 'PT409', DETAIL = 'scan.gtin_mismatch',
      HINT = 'The label does not belong to this material: check it before moving it.';
  END IF;
  PERFORM auth.check_permission_at('scan.record', v_site);

  IF v_unit IS NOT NULL THEN
    UPDATE app.shipping_units AS u SET current_location = v_location WHERE u.organization_id = v_org AND u.id = v_unit;
  END IF;
  IF v_shipment IS NOT NULL THEN
    UPDATE app.shipments AS s SET current_location = v_location WHERE s.organization_id = v_org AND s.id = v_shipment;
  END IF;
  IF v_lot IS NOT NULL THEN
    UPDATE app.lots AS l SET current_location = v_location WHERE l.organization_id = v_org AND l.id = v_lot;
  END IF;
  IF v_serial IS NOT NULL THEN
    UPDATE app.serials AS s SET current_location = v_location WHERE s.organization_id = v_org AND s.id = v_serial;
  END IF;
  INSERT INTO app.scan_events AS e (organization_id, id, scanned_at, device, location, code, code_key, code_kind, decoded, site_id, shipment_id,
                                    shipping_unit_id, lot_id, serial_id, scanned_by)
  VALUES (v_org, public.uuid_generate_v7(), pg_catalog.clock_timestamp(), v_device, v_location, v_code, v_key, v_kind, v_decoded, v_site, v_shipment,
          v_unit, v_lot, v_serial, auth.user_id())
  RETURNING e.* INTO v_event;
  RETURN v_event;
END
$$;
COMMENT ON FUNCTION app.scan(text, text, text) IS
  E'Scan\nRecords that a device read a code at a location: a GS1 element string ("(00)..." or "(01)...(10)..." or raw with GS, optionally after ]C1), a plain SSCC-18, or a lot, serial or shipment number. The code is decoded and checked (check digits, dates; a GTIN that is not the part''s is PT409 scan.gtin_mismatch), resolved among what the caller may see, and the shipping unit''s, shipment''s, lot''s or serial''s current_location set. The same device and code within 5 seconds returns the first event (no second row, also when both arrive at once); a GS1 code is the same when it decodes to the same element string (scan_events.code_key: "(00)…", "00…", "]C100…" and a plain SSCC are one code). Needs scan.record at the item''s site. PT404 scan.unknown_code; PT422 scan.invalid, gs1.invalid, gs1.unknown_ai, gs1.check_digit; PT403 permission.missing.';
