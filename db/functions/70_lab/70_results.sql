-- Results (migrations lab/core, lab/results): the rules every result obeys,
-- whoever inserts it (app.record_result, an instrument ingest, a run): the
-- document matches its test's result schema, the number is taken from it and
-- converted to the test's unit, the instrument was usable (calibrated) when
-- it measured, and the applicable specification gives the verdict
-- (72_specifications.sql). Review, release and amendment: 74_review_release.sql;
-- OOS investigations: 76_oos.sql.

CREATE OR REPLACE FUNCTION app_private.tg_results__rules() RETURNS trigger
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = ''
AS $$
DECLARE
  v_analysis app.analyses;
  v_test app.lab_tests;
  v_sample app.samples;
  v_equipment app.equipment;
  v_document_value numeric;
  v_verdict record;
BEGIN
  PERFORM app_private.refuse_foreign_tenant(NEW.organization_id);
  SELECT * INTO v_analysis FROM app.analyses AS a WHERE a.organization_id = NEW.organization_id AND a.id = NEW.analysis_id;
  IF NOT FOUND THEN
    RETURN NEW; -- the foreign key refuses it
  END IF;
  SELECT * INTO v_test FROM app.lab_tests AS t WHERE t.organization_id = NEW.organization_id AND t.id = v_analysis.lab_test_id;
  SELECT * INTO v_sample FROM app.samples AS s WHERE s.organization_id = NEW.organization_id AND s.id = v_analysis.sample_id;
  IF app_private.is_member_call() AND NEW.amends_id IS NULL THEN
    PERFORM auth.check_permission_at('result.enter', v_sample.site_id);
  END IF;
  IF NEW.amends_id IS NULL AND v_analysis.status NOT IN ('pending', 'in_progress') THEN
    RAISE EXCEPTION 'the analysis of % on % is %', v_test.code, v_sample.sample_number, v_analysis.status USING ERRCODE = 'PT409',
      DETAIL = 'analysis.not_open', HINT = 'A result is recorded on a pending or in-progress analysis; a released result is amended (POST /rpc/amend_result), an invalidated one retested (a new analysis).';
  END IF;
  IF NEW.amends_id IS NULL THEN
    -- Entry starts the review cycle; who reviewed and released is set by those RPCs.
    NEW.status := 'entered';
    NEW.reviewed_by := NULL; NEW.reviewed_at := NULL; NEW.review_signature := NULL;
    NEW.released_by := NULL; NEW.released_at := NULL; NEW.release_signature := NULL;
  END IF;
  NEW.invalidated_by := NULL; NEW.invalidated_at := NULL; NEW.invalidation_reason := NULL;

  -- The document against the test version's schema (PT422 json_schema.invalid naming the JSON path).
  PERFORM app_private.validate_json(v_test.result_schema, NEW.value, pg_catalog.format('the result of test %s', v_test.code));
  IF pg_catalog.jsonb_typeof(NEW.value -> 'value') = 'number' THEN
    v_document_value := (NEW.value ->> 'value')::numeric;
    IF NEW.numeric_value IS NULL THEN
      NEW.numeric_value := v_document_value;
    ELSIF NEW.numeric_value <> v_document_value THEN
      PERFORM app_private.raise_invalid('result.value_mismatch',
        pg_catalog.format('numeric_value %s differs from the document''s value %s', NEW.numeric_value, v_document_value),
        'Leave numeric_value out: it is taken from the document''s "value".');
    END IF;
  END IF;

  -- The number in the test's unit; what was sent is kept.
  NEW.reported_value := NEW.numeric_value;
  NEW.reported_unit := NEW.unit;
  IF NEW.numeric_value IS NOT NULL AND v_test.unit IS NOT NULL THEN
    IF NEW.unit IS DISTINCT FROM v_test.unit THEN
      NEW.numeric_value := app.convert_unit(NEW.numeric_value, NEW.unit, v_test.unit);
    END IF;
    NEW.unit := v_test.unit;
  END IF;

  -- The instrument: the test's class requires one; it must be usable (in service, calibrated) when it measured.
  NEW.measured_at := coalesce(NEW.measured_at, pg_catalog.now());
  IF NEW.measured_at > pg_catalog.now() + interval '5 minutes' THEN
    PERFORM app_private.raise_invalid('result.measured_in_future', 'a result cannot be measured in the future',
      'measured_at is when the measurement was taken; leave it out for now.');
  END IF;
  IF NEW.equipment_id IS NULL AND v_test.equipment_class_id IS NOT NULL THEN
    PERFORM app_private.raise_invalid('result.equipment_required',
      pg_catalog.format('test %s is measured with an instrument of its class', v_test.code),
      'Send equipment_id: equipment of the test''s class (lab_tests.equipment_class_id), calibrated at measured_at.');
  END IF;
  IF NEW.equipment_id IS NOT NULL THEN
    v_equipment := app_private.visible_equipment(NEW.organization_id, NEW.equipment_id);
    IF v_test.equipment_class_id IS NOT NULL AND v_equipment.class_id <> v_test.equipment_class_id THEN
      PERFORM app_private.raise_invalid('result.equipment_class',
        pg_catalog.format('%s is not of the class test %s is measured with', v_equipment.equipment_number, v_test.code),
        'Use equipment of the test''s class (GET /equipment?class_id=eq.<lab_tests.equipment_class_id>).');
    END IF;
    PERFORM app_private.require_equipment_usable(NEW.organization_id, NEW.equipment_id, NEW.measured_at);
  END IF;

  -- The verdict against the applicable specification (72_specifications.sql).
  SELECT * INTO v_verdict FROM app_private.result_verdict(v_sample, v_test.code, NEW.numeric_value, NEW.unit, NEW.value);
  NEW.specification_id := v_verdict.specification_id;
  NEW.spec_verdict := v_verdict.verdict;
  RETURN NEW;
END
$$;
COMMENT ON FUNCTION app_private.tg_results__rules() IS
  'BEFORE INSERT on results, every path (RPC, ingest, runs): the tenant guard; a member needs result.enter at the sample''s site (PT403 permission.missing); the analysis is pending or in progress (PT409 analysis.not_open) unless the result amends another; a new result is entered (review and release cleared); the document matches the test version''s result_schema (PT422 json_schema.invalid naming the JSON path); numeric_value is the document''s "value" (PT422 result.value_mismatch) converted to the test''s unit (PT422 unit.incompatible), the reported value and unit kept; not measured in the future (PT422 result.measured_in_future); equipment of the test''s class is required (PT422 result.equipment_required, result.equipment_class) and must be usable at measured_at (PT409 equipment.calibration_overdue, ...); the specification and verdict (app_private.result_verdict).';

CREATE OR REPLACE TRIGGER _300_rules BEFORE INSERT ON app.results
  FOR EACH ROW EXECUTE FUNCTION app_private.tg_results__rules();

-- After the row (and its entity) exists: the equipment use is recorded and
-- the analysis is resulted.
CREATE OR REPLACE FUNCTION app_private.tg_results__recorded() RETURNS trigger
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = ''
AS $$
BEGIN
  IF NEW.equipment_id IS NOT NULL THEN
    INSERT INTO app.equipment_uses (organization_id, equipment_id, entity_type, entity_id, used_at)
    VALUES (NEW.organization_id, NEW.equipment_id, 'result', NEW.id, NEW.measured_at);
  END IF;
  UPDATE app.analyses AS a SET status = 'resulted'
   WHERE a.organization_id = NEW.organization_id AND a.id = NEW.analysis_id AND a.status IN ('pending', 'in_progress');
  RETURN NULL;
END
$$;
COMMENT ON FUNCTION app_private.tg_results__recorded() IS
  'AFTER INSERT on results: the instrument''s use is recorded in the equipment register (app.equipment_uses, entity result, at measured_at), and a pending or in-progress analysis becomes resulted.';

CREATE OR REPLACE TRIGGER _300_recorded AFTER INSERT ON app.results
  FOR EACH ROW EXECUTE FUNCTION app_private.tg_results__recorded();

-- For clients: one result on one analysis.
CREATE OR REPLACE FUNCTION app.record_result(
  analysis_id uuid, value jsonb, unit text DEFAULT NULL, equipment_id uuid DEFAULT NULL, measured_at timestamptz DEFAULT NULL,
  raw_data_key text DEFAULT NULL, raw_data_sha256 text DEFAULT NULL, comment text DEFAULT ''
) RETURNS app.results
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = ''
AS $$
DECLARE
  v_org uuid := auth.org_id();
  v_analysis app.analyses;
  v_result app.results;
BEGIN
  SELECT a.* INTO v_analysis FROM app.analyses AS a JOIN app.samples AS s ON s.organization_id = a.organization_id AND s.id = a.sample_id
   WHERE a.organization_id = v_org AND a.id = record_result.analysis_id AND auth.partner_id() IS NULL
     AND auth.has_permission('sample.read', s.site_id);
  IF NOT FOUND THEN
    RAISE EXCEPTION 'analysis % not found', record_result.analysis_id USING ERRCODE = 'PT404', DETAIL = 'analysis.not_found',
      HINT = 'The analysis does not exist in your active tenant, or you may not see it.';
  END IF;
  INSERT INTO app.results (organization_id, analysis_id, value, unit, equipment_id, measured_at, raw_data_key, raw_data_sha256, comment)
  VALUES (v_org, v_analysis.id, record_result.value, record_result.unit, record_result.equipment_id,
          coalesce(record_result.measured_at, pg_catalog.now()), record_result.raw_data_key, record_result.raw_data_sha256,
          coalesce(record_result.comment, ''))
  RETURNING * INTO v_result;
  RETURN v_result;
END
$$;
COMMENT ON FUNCTION app.record_result(uuid, jsonb, text, uuid, timestamptz, text, text, text) IS
  E'Records a result\nThe result document of an analysis (e.g. {"value": 7.2}), in unit (the test''s unit when empty; another unit of its dimension is converted), measured with equipment_id at measured_at, with the raw data file (object key and sha256). Needs result.enter at the sample''s site. The analysis becomes resulted; the result gets its specification and verdict; an out-of-specification product result opens an OOS investigation.\nErrors: PT404 analysis.not_found, equipment.not_found; PT403 permission.missing; PT409 analysis.not_open, equipment.not_in_service, equipment.calibration_failed, equipment.calibration_overdue, equipment.not_calibrated; PT422 json_schema.invalid, result.value_mismatch, unit.incompatible, unit.unknown, result.equipment_required, result.equipment_class, result.measured_in_future.';

-- An instrument found out of tolerance: the results measured with it since
-- its last passing (or adjusted) calibration, every one when it never had one.
CREATE OR REPLACE FUNCTION app.results_since_last_good_calibration(equipment_id uuid)
RETURNS TABLE (result_id uuid, sample_id uuid, sample_number text, analysis_id uuid, test_code text, status app.result_status,
               spec_verdict app.spec_verdict, numeric_value numeric, unit text, measured_at timestamptz, released_at timestamptz,
               last_good_calibration_id uuid, last_good_calibration_at timestamptz)
LANGUAGE plpgsql STABLE
SET search_path = ''
AS $$
BEGIN
  -- Refused first (PT404), whatever the caller's results: the register's own check.
  IF NOT EXISTS (SELECT FROM app.equipment AS e WHERE e.organization_id = auth.org_id() AND e.id = results_since_last_good_calibration.equipment_id) THEN
    RAISE EXCEPTION 'equipment % not found', results_since_last_good_calibration.equipment_id USING ERRCODE = 'PT404',
      DETAIL = 'equipment.not_found', HINT = 'The equipment does not exist in your active tenant, or you may not see it.';
  END IF;
  RETURN QUERY
  SELECT r.id, r.sample_id, s.sample_number, r.analysis_id, t.code, r.status, r.spec_verdict, r.numeric_value, r.unit, r.measured_at,
         r.released_at, u.last_good_calibration_id, u.last_good_calibration_at
    FROM app.equipment_uses_since_last_good_calibration(results_since_last_good_calibration.equipment_id) AS u
    JOIN app.results AS r ON r.organization_id = auth.org_id() AND r.id = u.entity_id
    JOIN app.samples AS s ON s.organization_id = r.organization_id AND s.id = r.sample_id
    JOIN app.analyses AS a ON a.organization_id = r.organization_id AND a.id = r.analysis_id
    JOIN app.lab_tests AS t ON t.organization_id = a.organization_id AND t.id = a.lab_test_id
   WHERE u.entity_type = 'result'
   ORDER BY r.measured_at, r.id;
END
$$;
COMMENT ON FUNCTION app.results_since_last_good_calibration(uuid) IS
  E'Results since the last good calibration\nThe results measured with an instrument since its latest passing or adjusted calibration (every one when it has none): after it was found out of tolerance, the results to re-examine, with their sample, test, status and verdict. As the caller sees them; PT404 equipment.not_found.';
