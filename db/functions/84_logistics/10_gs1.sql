-- GS1 in SQL (84_logistics): the mod-10 check digit, SSCC-18 from the
-- tenant's GS1 company prefix (setting gs1_company_prefix) and a race-free
-- serial reference, GTIN-14 on parts (parts.gtin, checked here), the GS1-128
-- element string (human-readable "(00)..(01).." and raw with GS between
-- variable-length fields) and a parser for scanned codes.

-- The GS1 check digit of a string of digits (the digits without it): weights
-- 3 and 1 alternating from the right, the complement of the sum to a multiple of 10.
CREATE OR REPLACE FUNCTION app.gs1_check_digit(digits text) RETURNS integer
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
SET search_path = ''
AS $$
DECLARE
  v_sum integer := 0;
  v_len integer := pg_catalog.length(digits);
BEGIN
  IF digits IS NULL OR digits !~ '^[0-9]{1,99}$' THEN
    RAISE EXCEPTION 'a GS1 check digit is computed over digits only' USING ERRCODE = 'PT422', DETAIL = 'gs1.invalid',
      HINT = 'Send the digits without their check digit, e.g. 00614141123452 for 006141411234527.';
  END IF;
  FOR i IN 1 .. v_len LOOP
    v_sum := v_sum + pg_catalog.substr(digits, v_len - i + 1, 1)::integer * CASE WHEN i % 2 = 1 THEN 3 ELSE 1 END;
  END LOOP;
  RETURN (10 - v_sum % 10) % 10;
END
$$;
COMMENT ON FUNCTION app.gs1_check_digit(text) IS
  E'GS1 check digit\nThe mod-10 check digit of a GS1 key (GTIN, SSCC, GLN) given its digits without it: weights 3, 1, 3 ... from the right. PT422 gs1.invalid for anything but digits.';

CREATE OR REPLACE FUNCTION app.gs1_key_valid(code text) RETURNS boolean
LANGUAGE sql IMMUTABLE PARALLEL SAFE
SET search_path = ''
AS $$
  SELECT code ~ '^[0-9]{2,100}$'
     AND pg_catalog.right(code, 1)::integer = app.gs1_check_digit(pg_catalog.left(code, -1))
$$;
COMMENT ON FUNCTION app.gs1_key_valid(text) IS
  E'GS1 key valid\nWhether a GS1 key (GTIN-8/12/13/14, SSCC-18, GLN) is all digits and ends with its right check digit.';

-- GTIN on parts: 14 digits (the CHECK on the column), the check digit right.
CREATE OR REPLACE FUNCTION app_private.tg_parts__check_gtin() RETURNS trigger
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = ''
AS $$
BEGIN
  PERFORM app_private.refuse_foreign_tenant(NEW.organization_id);
  IF NEW.gtin IS NOT NULL AND NEW.gtin ~ '^[0-9]{8,13}$' THEN
    NEW.gtin := pg_catalog.lpad(NEW.gtin, 14, '0');
  END IF;
  IF NEW.gtin IS NOT NULL AND NOT coalesce(app.gs1_key_valid(NEW.gtin) AND pg_catalog.length(NEW.gtin) = 14, false) THEN
    RAISE EXCEPTION 'GTIN % has a wrong check digit or length', NEW.gtin USING ERRCODE = 'PT422', DETAIL = 'part.gtin_invalid',
      HINT = 'Send the GTIN-8, -12, -13 or -14 with its GS1 check digit as the last digit (e.g. 00614141123452); it is kept as 14 digits.';
  END IF;
  RETURN NEW;
END
$$;
COMMENT ON FUNCTION app_private.tg_parts__check_gtin() IS
  'BEFORE INSERT OR UPDATE OF gtin on app.parts: pads a GTIN-8/12/13 to 14 digits and refuses a wrong check digit (PT422 part.gtin_invalid).';
CREATE OR REPLACE TRIGGER _200_check_gtin BEFORE INSERT OR UPDATE OF gtin ON app.parts
  FOR EACH ROW EXECUTE FUNCTION app_private.tg_parts__check_gtin();

-- An SSCC-18 from its parts: extension digit, company prefix (6 to 12
-- digits), serial reference (16 - prefix length digits), check digit.
CREATE OR REPLACE FUNCTION app.gs1_sscc(extension_digit integer, company_prefix text, serial_reference bigint) RETURNS text
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
SET search_path = ''
AS $$
DECLARE
  v_width integer;
  v_body text;
BEGIN
  IF extension_digit IS NULL OR extension_digit NOT BETWEEN 0 AND 9 OR company_prefix IS NULL OR company_prefix !~ '^[0-9]{6,12}$' THEN
    RAISE EXCEPTION 'an SSCC needs an extension digit 0 to 9 and a GS1 company prefix of 6 to 12 digits' USING ERRCODE = 'PT422',
      DETAIL = 'gs1.invalid', HINT = 'Set the tenant''s GS1 company prefix: PUT setting gs1_company_prefix.';
  END IF;
  v_width := 16 - pg_catalog.length(company_prefix);
  IF serial_reference IS NULL OR serial_reference < 0 OR serial_reference >= 10::numeric ^ v_width THEN
    RAISE EXCEPTION 'the serial reference does not fit in % digits', v_width USING ERRCODE = 'PT409', DETAIL = 'gs1.sscc_exhausted',
      HINT = 'The company prefix leaves this many digits for SSCC serial references; ask GS1 for another prefix or an extension digit.';
  END IF;
  v_body := extension_digit::text || company_prefix || pg_catalog.lpad(serial_reference::text, v_width, '0');
  RETURN v_body || app.gs1_check_digit(v_body)::text;
END
$$;
COMMENT ON FUNCTION app.gs1_sscc(integer, text, bigint) IS
  E'SSCC-18\nThe Serial Shipping Container Code of an extension digit, a GS1 company prefix and a serial reference, with its check digit. PT422 gs1.invalid, PT409 gs1.sscc_exhausted when the reference does not fit.';

-- The tenant's next SSCC: its company prefix (setting gs1_company_prefix),
-- extension digit 0, the next serial reference (a race-free counter).
CREATE OR REPLACE FUNCTION app_private.next_sscc(p_organization_id uuid) RETURNS text
LANGUAGE plpgsql VOLATILE
SET search_path = ''
AS $$
DECLARE
  v_prefix text := app_private.setting(p_organization_id, 'gs1_company_prefix', NULL::text);
  v_number bigint;
BEGIN
  IF coalesce(v_prefix, '') = '' THEN
    RAISE EXCEPTION 'the organization has no GS1 company prefix' USING ERRCODE = 'PT409', DETAIL = 'gs1.company_prefix_missing',
      HINT = 'An administrator sets it: PUT /rpc/set_setting {"key": "gs1_company_prefix", "value": "0614141"} (the prefix GS1 gave you).';
  END IF;
  INSERT INTO app_private.human_id_counters AS c (organization_id, prefix, last_number)
  VALUES (p_organization_id, 'SSCC' || v_prefix, 1)
  ON CONFLICT (organization_id, prefix) DO UPDATE SET last_number = c.last_number + 1
  RETURNING last_number INTO v_number;
  RETURN app.gs1_sscc(0, v_prefix, v_number);
END
$$;
COMMENT ON FUNCTION app_private.next_sscc(uuid) IS
  'The tenant''s next SSCC-18: extension digit 0, its GS1 company prefix (PT409 gs1.company_prefix_missing without one), the next serial reference of its counter (app_private.human_id_counters, prefix SSCC<company prefix>: race-free, one after the other).';

-- GS1 dates (YYMMDD, DD 00 = the month's end) as dates.
CREATE OR REPLACE FUNCTION app.gs1_date(value text) RETURNS date
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
SET search_path = ''
AS $$
DECLARE
  v_year integer;
  v_month date;
BEGIN
  IF value IS NULL OR value !~ '^[0-9]{6}$' OR pg_catalog.substr(value, 3, 2)::integer NOT BETWEEN 1 AND 12 THEN
    RAISE EXCEPTION 'GS1 date % is not YYMMDD', value USING ERRCODE = 'PT422', DETAIL = 'gs1.invalid', HINT = 'e.g. 271231 for 31 December 2027.';
  END IF;
  v_year := 2000 + pg_catalog.left(value, 2)::integer;
  v_month := pg_catalog.make_date(v_year, pg_catalog.substr(value, 3, 2)::integer, 1);
  IF pg_catalog.right(value, 2) = '00' THEN
    RETURN (v_month + interval '1 month' - interval '1 day')::date;
  END IF;
  IF pg_catalog.right(value, 2)::integer > pg_catalog.date_part('day', v_month + interval '1 month' - interval '1 day') THEN
    RAISE EXCEPTION 'GS1 date % is not a day', value USING ERRCODE = 'PT422', DETAIL = 'gs1.invalid', HINT = 'e.g. 271231 for 31 December 2027.';
  END IF;
  RETURN v_month + (pg_catalog.right(value, 2)::integer - 1);
END
$$;
COMMENT ON FUNCTION app.gs1_date(text) IS
  E'GS1 date\nA GS1 date (YYMMDD, years 2000 to 2099; day 00 is the last day of the month) as a date. PT422 gs1.invalid.';

-- The application identifiers Pulse reads and writes: fixed length or up to a maximum.
CREATE OR REPLACE FUNCTION app_private.gs1_ai_spec(p_ai text, OUT fixed boolean, OUT max_length integer, OUT numeric_only boolean)
LANGUAGE sql IMMUTABLE PARALLEL SAFE
SET search_path = ''
AS $$
  SELECT s.fixed, s.max_length, s.numeric_only
    FROM (VALUES ('00', true, 18, true), ('01', true, 14, true), ('02', true, 14, true), ('10', false, 20, false),
                 ('11', true, 6, true), ('13', true, 6, true), ('15', true, 6, true), ('17', true, 6, true),
                 ('20', true, 2, true), ('21', false, 20, false), ('30', false, 8, true), ('37', false, 8, true),
                 ('400', false, 30, false), ('410', true, 13, true), ('420', false, 20, false)) AS s (ai, fixed, max_length, numeric_only)
   WHERE s.ai = p_ai
$$;
COMMENT ON FUNCTION app_private.gs1_ai_spec(text) IS
  'The GS1 application identifiers Pulse knows: 00 SSCC, 01/02 GTIN, 10 lot, 11/13/15/17 dates, 20 variant, 21 serial, 30/37 counts, 400 order, 410 ship-to GLN, 420 ship-to postcode; whether fixed-length, the (maximum) length and whether numeric. No row for an unknown AI.';

-- One element's value checked: length, digits, check digit, date.
CREATE OR REPLACE FUNCTION app_private.gs1_check_element(p_ai text, p_value text) RETURNS void
LANGUAGE plpgsql IMMUTABLE
SET search_path = ''
AS $$
DECLARE
  v_spec record;
BEGIN
  SELECT * INTO v_spec FROM app_private.gs1_ai_spec(p_ai);
  IF v_spec.max_length IS NULL THEN
    RAISE EXCEPTION 'unknown GS1 application identifier (%)', p_ai USING ERRCODE = 'PT422', DETAIL = 'gs1.unknown_ai',
      HINT = 'Pulse reads AIs 00, 01, 02, 10, 11, 13, 15, 17, 20, 21, 30, 37, 400, 410, 420.';
  END IF;
  IF p_value IS NULL OR p_value = '' OR (v_spec.fixed AND pg_catalog.length(p_value) <> v_spec.max_length)
     OR pg_catalog.length(p_value) > v_spec.max_length OR (v_spec.numeric_only AND p_value !~ '^[0-9]+$')
     OR p_value ~ '[\x00-\x1f()]' THEN
    RAISE EXCEPTION 'GS1 (%) value % is malformed', p_ai, p_value USING ERRCODE = 'PT422', DETAIL = 'gs1.invalid',
      HINT = pg_catalog.format('AI %s takes %s%s %s.', p_ai, CASE WHEN v_spec.fixed THEN 'exactly ' ELSE 'up to ' END, v_spec.max_length,
                               CASE WHEN v_spec.numeric_only THEN 'digits' ELSE 'characters' END);
  END IF;
  IF p_ai IN ('00', '01', '02', '410') AND NOT app.gs1_key_valid(p_value) THEN
    RAISE EXCEPTION 'GS1 (%) % has a wrong check digit', p_ai, p_value USING ERRCODE = 'PT422', DETAIL = 'gs1.check_digit',
      HINT = 'The last digit is the GS1 mod-10 check digit of the others (app.gs1_check_digit).';
  END IF;
  IF p_ai IN ('11', '13', '15', '17') THEN
    PERFORM app.gs1_date(p_value);
  END IF;
END
$$;
COMMENT ON FUNCTION app_private.gs1_check_element(text, text) IS
  'Refuses a GS1 element whose AI is unknown (PT422 gs1.unknown_ai), whose value has the wrong length or characters (gs1.invalid), a wrong check digit (gs1.check_digit) or a date that is no day.';

CREATE OR REPLACE FUNCTION app.gs1_element_string(
  sscc text DEFAULT NULL, gtin text DEFAULT NULL, lot text DEFAULT NULL, serial text DEFAULT NULL, expiry date DEFAULT NULL,
  quantity numeric DEFAULT NULL, OUT human_readable text, OUT raw text
)
LANGUAGE plpgsql IMMUTABLE
-- Definer: its checks are private helpers no API role may execute; it reads no table.
SECURITY DEFINER
SET search_path = ''
AS $$
DECLARE
  v_elements text[][] := ARRAY[]::text[][];
  v_ai text;
  v_value text;
  v_variable boolean;
BEGIN
  IF pg_catalog.num_nonnulls(sscc, gtin, lot, serial, expiry, quantity) = 0 THEN
    RAISE EXCEPTION 'an element string needs at least one element' USING ERRCODE = 'PT422', DETAIL = 'gs1.invalid',
      HINT = 'Send sscc, or gtin with lot, serial, expiry or quantity.';
  END IF;
  IF quantity IS NOT NULL AND (quantity <> pg_catalog.trunc(quantity) OR quantity NOT BETWEEN 1 AND 99999999) THEN
    RAISE EXCEPTION 'AI (30) counts whole items (1 to 99999999)' USING ERRCODE = 'PT422', DETAIL = 'gs1.invalid',
      HINT = 'Leave quantity out for a quantity in a unit of measure.';
  END IF;
  -- Fixed-length elements first, then the variable ones: only those between two need a GS.
  human_readable := '';
  raw := '';
  FOR v_ai, v_value IN
    SELECT e.ai, e.value FROM (VALUES (1, '00', sscc), (2, '01', gtin), (3, '17', pg_catalog.to_char(expiry, 'YYMMDD')),
                                      (4, '10', lot), (5, '21', serial), (6, '30', quantity::bigint::text)) AS e (n, ai, value)
     WHERE e.value IS NOT NULL ORDER BY e.n LOOP
    PERFORM app_private.gs1_check_element(v_ai, v_value);
    IF v_variable THEN
      raw := raw || pg_catalog.chr(29);
    END IF;
    human_readable := human_readable || '(' || v_ai || ')' || v_value;
    raw := raw || v_ai || v_value;
    v_variable := NOT (app_private.gs1_ai_spec(v_ai)).fixed;
  END LOOP;
END
$$;
COMMENT ON FUNCTION app.gs1_element_string(text, text, text, text, date, numeric) IS
  E'GS1-128 element string\nThe element string of an SSCC (AI 00), GTIN (01), expiry (17, YYMMDD), lot (10), serial (21) and count (30), each checked (check digits, lengths): human_readable as printed under the barcode, "(00)...(01)...", and raw as encoded after the leading FNC1, with a GS (\\x1d) after every variable-length field that is not last. PT422 gs1.invalid, gs1.check_digit.';

-- A scanned code as GS1 elements: "(01)...(10)..." or raw "0109...10ABC<GS>21..."
-- (with or without a symbology identifier ]C1, ]d2, ]Q3, ]e0).
CREATE OR REPLACE FUNCTION app.gs1_parse(code text) RETURNS jsonb
LANGUAGE plpgsql IMMUTABLE
-- Definer: its checks are private helpers no API role may execute; it reads no table.
SECURITY DEFINER
SET search_path = ''
AS $$
DECLARE
  v_code text := pg_catalog.btrim(code, E' \r\n\t');
  v_result jsonb := '{}';
  v_match text[];
  v_rebuilt text := '';
  v_position integer := 1;
  v_ai text;
  v_spec record;
  v_end integer;
  v_value text;
BEGIN
  IF v_code IS NULL OR v_code = '' OR pg_catalog.length(v_code) > 200 THEN
    RAISE EXCEPTION 'nothing to parse' USING ERRCODE = 'PT422', DETAIL = 'gs1.invalid', HINT = 'Send the scanned code (up to 200 characters).';
  END IF;
  IF v_code ~ '^\](C1|d2|Q3|e0|J1)' THEN
    v_code := pg_catalog.substr(v_code, 4);
  END IF;
  IF pg_catalog.left(v_code, 1) = '(' THEN
    FOR v_match IN SELECT m FROM pg_catalog.regexp_matches(v_code, '\(([0-9]{2,4})\)([^()]+)', 'g') AS m LOOP
      PERFORM app_private.gs1_check_element(v_match[1], v_match[2]);
      IF v_result ? v_match[1] THEN
        RAISE EXCEPTION 'AI (%) appears twice', v_match[1] USING ERRCODE = 'PT422', DETAIL = 'gs1.invalid', HINT = 'Each AI once.';
      END IF;
      v_result := v_result || pg_catalog.jsonb_build_object(v_match[1], v_match[2]);
      v_rebuilt := v_rebuilt || '(' || v_match[1] || ')' || v_match[2];
    END LOOP;
    IF v_rebuilt <> v_code THEN
      RAISE EXCEPTION 'not a GS1 element string' USING ERRCODE = 'PT422', DETAIL = 'gs1.invalid',
        HINT = 'e.g. (01)00614141999996(10)LOT123: each AI in parentheses, then its value.';
    END IF;
    RETURN v_result;
  END IF;
  -- Raw: AIs one after the other; a variable-length value ends at GS or the end.
  v_code := pg_catalog.ltrim(v_code, pg_catalog.chr(29));
  WHILE v_position <= pg_catalog.length(v_code) LOOP
    v_ai := pg_catalog.substr(v_code, v_position, 2);
    SELECT * INTO v_spec FROM app_private.gs1_ai_spec(v_ai);
    IF v_spec.max_length IS NULL THEN
      v_ai := pg_catalog.substr(v_code, v_position, 3);
      SELECT * INTO v_spec FROM app_private.gs1_ai_spec(v_ai);
    END IF;
    IF v_spec.max_length IS NULL THEN
      RAISE EXCEPTION 'unknown GS1 application identifier at position %', v_position USING ERRCODE = 'PT422', DETAIL = 'gs1.unknown_ai',
        HINT = 'Pulse reads AIs 00, 01, 02, 10, 11, 13, 15, 17, 20, 21, 30, 37, 400, 410, 420.';
    END IF;
    v_position := v_position + pg_catalog.length(v_ai);
    IF v_spec.fixed THEN
      v_value := pg_catalog.substr(v_code, v_position, v_spec.max_length);
      v_position := v_position + v_spec.max_length;
      IF pg_catalog.substr(v_code, v_position, 1) = pg_catalog.chr(29) THEN
        v_position := v_position + 1;
      END IF;
    ELSE
      v_end := pg_catalog.strpos(pg_catalog.substr(v_code, v_position), pg_catalog.chr(29));
      IF v_end = 0 THEN
        v_value := pg_catalog.substr(v_code, v_position);
        v_position := pg_catalog.length(v_code) + 1;
      ELSE
        v_value := pg_catalog.substr(v_code, v_position, v_end - 1);
        v_position := v_position + v_end;
      END IF;
    END IF;
    PERFORM app_private.gs1_check_element(v_ai, v_value);
    IF v_result ? v_ai THEN
      RAISE EXCEPTION 'AI (%) appears twice', v_ai USING ERRCODE = 'PT422', DETAIL = 'gs1.invalid', HINT = 'Each AI once.';
    END IF;
    v_result := v_result || pg_catalog.jsonb_build_object(v_ai, v_value);
  END LOOP;
  RETURN v_result;
END
$$;
COMMENT ON FUNCTION app.gs1_parse(text) IS
  E'Parse a GS1 code\nThe application identifiers and values of a scanned GS1 element string as {"00": ..., "01": ..., "10": ...}: human-readable with parentheses, or raw (optionally after a symbology identifier ]C1, ]d2, ]Q3, ]e0) with GS (\\x1d) ending variable-length fields; every element checked (lengths, check digits, dates). PT422 gs1.invalid, gs1.unknown_ai, gs1.check_digit.';
