-- Instrument data ingest (migration lab/ingest): an import keeps what an
-- instrument sent, exactly as received, with one staging row per received
-- row; app.ingest_results validates each row (sample by barcode, the open
-- analysis of the test, the value document, the unit) and creates results
-- by a plain INSERT INTO app.results, so every rule the results carry (their
-- BEFORE triggers: schema, calibration, specification, the run) applies; a
-- row that breaks one is rejected with the reason and never aborts the
-- import. Idempotent per (instrument, external run id).

CREATE OR REPLACE FUNCTION app_private.tg_instrument_imports__prepare() RETURNS trigger
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = ''
AS $$
DECLARE
  v_equipment app.equipment;
BEGIN
  PERFORM app_private.refuse_foreign_tenant(NEW.organization_id);
  IF TG_OP = 'INSERT' THEN
    v_equipment := app_private.visible_equipment(NEW.organization_id, NEW.equipment_id);
    NEW.site_id := v_equipment.site_id;
    NEW.received_by := auth.user_id();
    IF NEW.run_id IS NOT NULL AND NOT EXISTS (SELECT FROM app.runs AS r WHERE r.organization_id = NEW.organization_id AND r.id = NEW.run_id
                                                AND r.equipment_id = NEW.equipment_id) THEN
      PERFORM app_private.raise_invalid('ingest.run_instrument_mismatch', 'the run is not on this instrument',
        'Send the run (runs.id) measured on equipment_id, or leave run_id out: results take their analysis''s run.');
    END IF;
  END IF;
  IF app_private.is_member_call() THEN
    PERFORM auth.check_permission_at('result.enter', NEW.site_id);
  END IF;
  RETURN NEW;
END
$$;
COMMENT ON FUNCTION app_private.tg_instrument_imports__prepare() IS
  'BEFORE INSERT/UPDATE on instrument_imports: the tenant guard; the instrument is one the caller may see (PT404 equipment.not_found) and gives the site; the sender; a run named is on that instrument (PT422 ingest.run_instrument_mismatch); a member needs result.enter tenant-wide or at the site (PT403 permission.missing).';

-- Each received row staged as it came (pending until ingested).
CREATE OR REPLACE FUNCTION app_private.tg_instrument_imports__stage_rows() RETURNS trigger
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = ''
AS $$
BEGIN
  INSERT INTO app.instrument_import_rows (organization_id, id, import_id, row_number, data)
  SELECT NEW.organization_id, public.uuid_generate_v7(), NEW.id, e.n, e.data
    FROM pg_catalog.jsonb_array_elements(NEW.rows) WITH ORDINALITY AS e (data, n);
  RETURN NULL;
END
$$;
COMMENT ON FUNCTION app_private.tg_instrument_imports__stage_rows() IS
  'AFTER INSERT on instrument_imports: one pending instrument_import_rows row per received row, numbered in the order received.';

CREATE OR REPLACE TRIGGER _000_require_site_permission BEFORE INSERT ON app.instrument_imports
  FOR EACH STATEMENT EXECUTE FUNCTION app_private.tg_require_insert_permission_at_a_site('result.enter');
CREATE OR REPLACE TRIGGER _200_prepare BEFORE INSERT OR UPDATE ON app.instrument_imports
  FOR EACH ROW EXECUTE FUNCTION app_private.tg_instrument_imports__prepare();
CREATE OR REPLACE TRIGGER _100_touch_updated_at BEFORE UPDATE ON app.instrument_imports
  FOR EACH ROW EXECUTE FUNCTION app_private.tg__touch_updated_at();
CREATE OR REPLACE TRIGGER _300_stage_rows AFTER INSERT ON app.instrument_imports
  FOR EACH ROW EXECUTE FUNCTION app_private.tg_instrument_imports__stage_rows();
CREATE OR REPLACE TRIGGER _100_touch_updated_at BEFORE UPDATE ON app.instrument_import_rows
  FOR EACH ROW EXECUTE FUNCTION app_private.tg__touch_updated_at();

-- One received row to one result, or an error naming why not (raised, so
-- the caller's subtransaction rolls back whatever the row began).
CREATE OR REPLACE FUNCTION app_private.ingest_row(p_import app.instrument_imports, p_data jsonb) RETURNS uuid
LANGUAGE plpgsql VOLATILE
SET search_path = ''
AS $$
DECLARE
  v_sample app.samples;
  v_analysis app.analyses;
  v_test app.lab_tests;
  v_document jsonb;
  v_number numeric;
  v_unit text;
  v_measured_at timestamptz;
  v_result uuid;
BEGIN
  IF pg_catalog.jsonb_typeof(p_data) IS DISTINCT FROM 'object' THEN
    PERFORM app_private.raise_invalid('ingest.row_invalid', 'the row is not a JSON object', 'Each row is an object: barcode, test, value, unit, measured_at.');
  END IF;
  IF coalesce(p_data ->> 'barcode', '') = '' THEN
    PERFORM app_private.raise_invalid('ingest.barcode_missing', 'the row has no barcode', 'Send the sample''s barcode.');
  END IF;
  SELECT * INTO v_sample FROM app.samples AS s WHERE s.organization_id = p_import.organization_id AND s.barcode = p_data ->> 'barcode';
  IF NOT FOUND OR (app_private.is_member_call() AND NOT auth.has_permission('result.enter', v_sample.site_id)) THEN
    PERFORM app_private.raise_invalid('ingest.sample_unknown', pg_catalog.format('no sample with barcode %s', p_data ->> 'barcode'),
      'The barcode names no sample you may enter results for.');
  END IF;
  IF coalesce(p_data ->> 'test', '') = '' THEN
    PERFORM app_private.raise_invalid('ingest.test_missing', 'the row has no test code', 'Send the test''s code (lab_tests.code).');
  END IF;
  SELECT a.* INTO v_analysis FROM app.analyses AS a JOIN app.lab_tests AS t ON t.organization_id = a.organization_id AND t.id = a.lab_test_id
   WHERE a.organization_id = v_sample.organization_id AND a.sample_id = v_sample.id AND t.code = p_data ->> 'test'
     AND a.status IN ('pending', 'in_progress')
   ORDER BY a.created_at, a.id LIMIT 1
     FOR UPDATE OF a;
  IF NOT FOUND THEN
    PERFORM app_private.raise_invalid('ingest.analysis_missing',
      pg_catalog.format('sample %s has no open analysis of test %s', v_sample.sample_number, p_data ->> 'test'),
      'A row needs a pending or in-progress analysis of its test on the sample (one result per analysis).');
  END IF;
  SELECT * INTO v_test FROM app.lab_tests AS t WHERE t.organization_id = v_analysis.organization_id AND t.id = v_analysis.lab_test_id;
  v_document := CASE pg_catalog.jsonb_typeof(p_data -> 'value')
                  WHEN 'object' THEN p_data -> 'value'
                  WHEN 'number' THEN pg_catalog.jsonb_build_object('value', p_data -> 'value') END;
  IF v_document IS NULL THEN
    PERFORM app_private.raise_invalid('ingest.value_invalid', 'the row''s value is neither a number nor a result document',
      'Send value as a number or as the test''s result document (an object).');
  END IF;
  IF pg_catalog.jsonb_typeof(v_document -> 'value') = 'number' THEN
    v_number := (v_document ->> 'value')::numeric;
  END IF;
  v_unit := nullif(p_data ->> 'unit', '');
  IF v_unit IS NOT NULL AND NOT EXISTS (SELECT FROM app.units AS u WHERE u.code = v_unit) THEN
    PERFORM app_private.raise_invalid('ingest.unit_unknown', pg_catalog.format('unknown unit %s', v_unit), 'Send a unit code of GET /units.');
  END IF;
  IF v_unit IS NOT NULL AND v_test.unit IS NOT NULL AND v_unit <> v_test.unit AND v_number IS NOT NULL THEN
    BEGIN
      v_number := app.convert_unit(v_number, v_unit, v_test.unit);
    EXCEPTION WHEN OTHERS THEN
      PERFORM app_private.raise_invalid('ingest.unit_incompatible',
        pg_catalog.format('%s cannot be converted to the test''s unit %s', v_unit, v_test.unit), 'Send the value in a unit of the test''s dimension.');
    END;
    v_document := v_document || pg_catalog.jsonb_build_object('value', v_number);
    v_unit := v_test.unit;
  END IF;
  IF p_data ? 'measured_at' THEN
    BEGIN
      v_measured_at := (p_data ->> 'measured_at')::timestamptz;
    EXCEPTION WHEN OTHERS THEN
      PERFORM app_private.raise_invalid('ingest.measured_at_invalid', pg_catalog.format('measured_at %s is not a timestamp', p_data ->> 'measured_at'),
        'Send measured_at as an ISO 8601 timestamp with its offset.');
    END;
  END IF;
  INSERT INTO app.results (organization_id, analysis_id, value, numeric_value, unit, equipment_id, measured_at, raw_data_key, raw_data_sha256, run_id, comment)
  VALUES (p_import.organization_id, v_analysis.id, v_document, v_number, v_unit, p_import.equipment_id, coalesce(v_measured_at, now()),
          coalesce(p_data ->> 'raw_data_key', p_import.raw_data_key),
          CASE WHEN p_data ? 'raw_data_key' THEN p_data ->> 'raw_data_sha256' ELSE p_import.raw_data_sha256 END,
          p_import.run_id, coalesce(p_data ->> 'comment', ''))
  RETURNING id INTO v_result;
  UPDATE app.analyses SET status = 'resulted' WHERE organization_id = v_analysis.organization_id AND id = v_analysis.id;
  RETURN v_result;
END
$$;
COMMENT ON FUNCTION app_private.ingest_row(app.instrument_imports, jsonb) IS
  'One received row to one result: the sample by barcode (PT422 ingest.sample_unknown, also when the caller may not enter results at its site), its oldest pending or in-progress analysis of the test (ingest.analysis_missing), the value as a number or a result document (ingest.value_invalid), a known unit (ingest.unit_unknown) converted to the test''s (ingest.unit_incompatible), measured_at (ingest.measured_at_invalid); then a plain INSERT INTO app.results (every results trigger applies) and the analysis resulted. Returns the result id.';

CREATE OR REPLACE FUNCTION app_private.ingest_import(p_import app.instrument_imports) RETURNS app.instrument_imports
LANGUAGE plpgsql VOLATILE
SET search_path = ''
AS $$
DECLARE
  v_import app.instrument_imports := p_import;
  v_first uuid;
  v_row app.instrument_import_rows;
  v_result uuid;
  v_detail text;
  v_message text;
  v_state text;
BEGIN
  IF v_import.status <> 'received' THEN
    RETURN v_import;  -- already ingested (or a duplicate): calling again creates nothing
  END IF;
  -- One ingest per instrument run at a time; the first processed import wins.
  PERFORM pg_catalog.pg_advisory_xact_lock(pg_catalog.hashtextextended(
    'instrument_import:' || v_import.organization_id::text || v_import.equipment_id::text || v_import.external_run_id, 0));
  SELECT i.id INTO v_first FROM app.instrument_imports AS i
   WHERE i.organization_id = v_import.organization_id AND i.equipment_id = v_import.equipment_id
     AND i.external_run_id = v_import.external_run_id AND i.status = 'processed';
  IF FOUND THEN
    UPDATE app.instrument_import_rows SET outcome = 'skipped' WHERE organization_id = v_import.organization_id AND import_id = v_import.id;
    UPDATE app.instrument_imports SET status = 'duplicate', duplicate_of_id = v_first, processed_by = auth.user_id(), processed_at = now()
     WHERE organization_id = v_import.organization_id AND id = v_import.id RETURNING * INTO v_import;
    RETURN v_import;
  END IF;
  FOR v_row IN SELECT * FROM app.instrument_import_rows AS r WHERE r.organization_id = v_import.organization_id AND r.import_id = v_import.id
                ORDER BY r.row_number LOOP
    BEGIN
      v_result := app_private.ingest_row(v_import, v_row.data);
      UPDATE app.instrument_import_rows SET outcome = 'accepted', result_id = v_result
       WHERE organization_id = v_row.organization_id AND id = v_row.id;
    EXCEPTION
      WHEN query_canceled OR serialization_failure OR deadlock_detected OR lock_not_available THEN
        RAISE;
      WHEN OTHERS THEN
        GET STACKED DIAGNOSTICS v_message = MESSAGE_TEXT, v_detail = PG_EXCEPTION_DETAIL, v_state = RETURNED_SQLSTATE;
        UPDATE app.instrument_import_rows
           SET outcome = 'rejected',
               rejection_code = CASE WHEN v_detail ~ '^[a-z_]+(\.[a-z_]+)+$' THEN v_detail ELSE v_state END,
               rejection_reason = left(v_message || CASE WHEN v_detail IS NOT NULL AND v_detail !~ '^[a-z_]+(\.[a-z_]+)+$' THEN ': ' || v_detail ELSE '' END, 2000)
         WHERE organization_id = v_row.organization_id AND id = v_row.id;
    END;
  END LOOP;
  UPDATE app.instrument_imports AS i
     SET status = 'processed', processed_by = auth.user_id(), processed_at = now(),
         accepted_count = (SELECT count(*) FROM app.instrument_import_rows AS r WHERE r.organization_id = i.organization_id AND r.import_id = i.id AND r.outcome = 'accepted'),
         rejected_count = (SELECT count(*) FROM app.instrument_import_rows AS r WHERE r.organization_id = i.organization_id AND r.import_id = i.id AND r.outcome = 'rejected')
   WHERE i.organization_id = v_import.organization_id AND i.id = v_import.id
  RETURNING * INTO v_import;
  RETURN v_import;
END
$$;
COMMENT ON FUNCTION app_private.ingest_import(app.instrument_imports) IS
  'Ingests a locked import for app.ingest_results (and the owner''s paths): nothing when it is no longer received; a duplicate (rows skipped, duplicate_of_id) when another import of the same instrument run was processed; else each row through app_private.ingest_row in its own subtransaction, accepted with its result or rejected with the reason code (the error''s DETAIL, or its SQLSTATE) and message; then processed with the counts.';

CREATE OR REPLACE FUNCTION app.ingest_results(import_id uuid) RETURNS app.instrument_imports
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = ''
AS $$
DECLARE
  v_import app.instrument_imports;
BEGIN
  SELECT * INTO v_import FROM app.instrument_imports AS i WHERE i.organization_id = auth.org_id() AND i.id = ingest_results.import_id FOR UPDATE;
  IF NOT FOUND OR auth.partner_id() IS NOT NULL OR NOT auth.has_permission('result.enter', v_import.site_id) THEN
    RAISE EXCEPTION 'import % not found', ingest_results.import_id USING ERRCODE = 'PT404', DETAIL = 'ingest.not_found',
      HINT = 'The import does not exist in your active tenant, or you may not enter results at its instrument''s site (GET /instrument_imports).';
  END IF;
  RETURN app_private.ingest_import(v_import);
END
$$;
COMMENT ON FUNCTION app.ingest_results(uuid) IS
  E'Ingest an instrument import\nValidates each received row of the import (result.enter at its instrument''s site; portal users never) and creates a result per valid row (the sample by barcode, its open analysis of the test, the value document, the unit, then every rule on results); a row that fails is rejected with its reason code and message, and never aborts the import. Idempotent per (instrument, external run id): calling it again returns the import unchanged, and an import of an instrument run already processed becomes a duplicate that creates nothing (duplicate_of_id). Returns the import with its counts; the rows'' outcomes are in instrument_import_rows. PT404 ingest.not_found.';
