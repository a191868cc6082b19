-- Inspections and measurements (migration quality/inspections): opened
-- against an approved control plan at its plant (inspection.record there),
-- measured one value (or one unit) at a time with a gauge that is in service
-- and calibrated, judged at completion (passed, passed first time), signed
-- off with inspection.approve. AS9102 forms 1-3 of a first article as JSON;
-- first pass yield by part, plant, line and month as a view. API roles only
-- read these tables; the per-measurement path locks one characteristic row,
-- writes one measurement and does SPC work only when a subgroup completes
-- (54_spc_charts.sql).

CREATE OR REPLACE TRIGGER _100_touch_updated_at BEFORE UPDATE ON app.inspections
  FOR EACH ROW EXECUTE FUNCTION app_private.tg__touch_updated_at();
CREATE OR REPLACE TRIGGER _100_append_only BEFORE UPDATE OR DELETE ON app.measurements
  FOR EACH ROW EXECUTE FUNCTION app_private.tg__append_only();


-- An inspection the caller may see (inspection.read or .record, tenant-wide or at its plant), locked when asked.
CREATE OR REPLACE FUNCTION app_private.visible_inspection(p_id uuid, p_lock boolean DEFAULT false) RETURNS app.inspections
LANGUAGE plpgsql VOLATILE
SET search_path = ''
AS $$
DECLARE
  v_inspection app.inspections;
BEGIN
  IF p_lock THEN
    SELECT * INTO v_inspection FROM app.inspections AS i WHERE i.organization_id = auth.org_id() AND i.id = p_id FOR UPDATE;
  ELSE
    SELECT * INTO v_inspection FROM app.inspections AS i WHERE i.organization_id = auth.org_id() AND i.id = p_id;
  END IF;
  IF v_inspection.id IS NULL OR NOT (auth.is_platform_operator() OR auth.has_permission('inspection.read', v_inspection.site_id)
                                       OR auth.has_permission('inspection.record', v_inspection.site_id)) THEN
    RAISE EXCEPTION 'inspection not found' USING ERRCODE = 'PT404', DETAIL = 'inspection.not_found',
      HINT = 'GET /inspections lists the inspections you may see.';
  END IF;
  RETURN v_inspection;
END
$$;
COMMENT ON FUNCTION app_private.visible_inspection(uuid, boolean) IS
  'The inspection if the caller may see it (inspection.read or .record tenant-wide or at its plant), locked FOR UPDATE when p_lock; PT404 inspection.not_found otherwise.';

-- A gauge may take a measurement at a time: in service and, where its class asks for it, calibrated then.
CREATE OR REPLACE FUNCTION app_private.require_gauge_usable(p_organization_id uuid, p_gauge_id uuid, p_at timestamptz) RETURNS void
LANGUAGE plpgsql VOLATILE
SET search_path = ''
AS $$
DECLARE
  v_gauge app.equipment;
  v_state record;
BEGIN
  SELECT * INTO v_gauge FROM app.equipment AS e WHERE e.organization_id = p_organization_id AND e.id = p_gauge_id;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'gauge not found' USING ERRCODE = 'PT404', DETAIL = 'equipment.not_found', HINT = 'A gauge is equipment of the register: GET /equipment.';
  END IF;
  IF v_gauge.status <> 'in_service' THEN
    RAISE EXCEPTION 'gauge % is %', v_gauge.equipment_number, v_gauge.status USING ERRCODE = 'PT409', DETAIL = 'gauge.not_in_service',
      HINT = 'Measure with a gauge that is in service, or put this one back in service first.';
  END IF;
  SELECT * INTO v_state FROM auth.calibration_status(p_organization_id, p_gauge_id, p_at);
  IF v_state.requires_calibration AND v_state.status NOT IN ('calibrated', 'due_soon') THEN
    RAISE EXCEPTION 'gauge % is out of calibration (%) at %', v_gauge.equipment_number, v_state.status, p_at
      USING ERRCODE = 'PT409', DETAIL = 'gauge.out_of_calibration',
            HINT = 'Calibrate the gauge (POST /calibrations) or measure with a calibrated one; GET /equipment_calibration_status shows which are usable.';
  END IF;
END
$$;
COMMENT ON FUNCTION app_private.require_gauge_usable(uuid, uuid, timestamptz) IS
  'Refuses a measurement with a gauge at a time: PT404 equipment.not_found; PT409 gauge.not_in_service (status other than in_service), gauge.out_of_calibration (its class requires calibration and the latest calibration by then failed, expired, is not yet valid or there is none).';

CREATE OR REPLACE FUNCTION app.open_inspection(control_plan_id uuid, kind app.inspection_kind, lot_id uuid DEFAULT NULL,
                                               serial_id uuid DEFAULT NULL, line text DEFAULT '', fai_reason text DEFAULT '')
RETURNS app.inspections
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = ''
AS $$
DECLARE
  v_plan app.control_plans := app_private.visible_control_plan(open_inspection.control_plan_id);
  v_part_id uuid;
  v_inspection app.inspections;
BEGIN
  PERFORM auth.check_permission_at('inspection.record', v_plan.site_id);
  IF v_plan.status <> 'approved' THEN
    RAISE EXCEPTION 'control plan is %', v_plan.status USING ERRCODE = 'PT409', DETAIL = 'control_plan.not_approved',
      HINT = 'Inspect against an approved control plan.';
  END IF;
  v_part_id := (SELECT r.part_id FROM app.part_revisions AS r WHERE r.organization_id = v_plan.organization_id AND r.id = v_plan.part_revision_id);
  IF open_inspection.lot_id IS NOT NULL AND NOT EXISTS (
       SELECT FROM app.lots AS l WHERE l.organization_id = v_plan.organization_id AND l.id = open_inspection.lot_id AND l.part_id = v_part_id) THEN
    RAISE EXCEPTION 'lot not found' USING ERRCODE = 'PT404', DETAIL = 'lot.not_found', HINT = 'Name a lot of the control plan''s part.';
  END IF;
  IF open_inspection.serial_id IS NOT NULL AND NOT EXISTS (
       SELECT FROM app.serials AS s WHERE s.organization_id = v_plan.organization_id AND s.id = open_inspection.serial_id AND s.part_id = v_part_id) THEN
    RAISE EXCEPTION 'serial not found' USING ERRCODE = 'PT404', DETAIL = 'serial.not_found', HINT = 'Name a serial of the control plan''s part.';
  END IF;
  INSERT INTO app.inspections (organization_id, id, kind, part_id, part_revision_id, control_plan_id, lot_id, serial_id, site_id, line, fai_reason, created_by)
  VALUES (v_plan.organization_id, public.uuid_generate_v7(), open_inspection.kind, v_part_id, v_plan.part_revision_id, v_plan.id, open_inspection.lot_id,
          open_inspection.serial_id, v_plan.site_id, coalesce(open_inspection.line, ''), coalesce(open_inspection.fai_reason, ''), auth.user_id())
  RETURNING * INTO v_inspection;
  INSERT INTO app.inspection_characteristics (organization_id, id, inspection_id, characteristic_id, site_id, balloon)
  SELECT c.organization_id, public.uuid_generate_v7(), v_inspection.id, c.id, c.site_id, c.balloon
    FROM app.characteristics AS c WHERE c.organization_id = v_plan.organization_id AND c.control_plan_id = v_plan.id;
  RETURN v_inspection;
END
$$;
COMMENT ON FUNCTION app.open_inspection(uuid, app.inspection_kind, uuid, uuid, text, text) IS
  'Opens an inspection against an approved control plan at its plant (inspection.record there), optionally of a lot or serial of the plan''s part; lists the plan''s characteristics (AS9102 form 3 rows). PT404 control_plan.not_found, lot.not_found, serial.not_found; PT409 control_plan.not_approved; PT403 permission.missing.';

CREATE OR REPLACE FUNCTION app.record_measurement(inspection_id uuid, characteristic_id uuid, value numeric DEFAULT NULL,
                                                  defective boolean DEFAULT NULL, gauge_id uuid DEFAULT NULL, measured_at timestamptz DEFAULT NULL)
RETURNS app.measurements
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = ''
AS $$
DECLARE
  v_inspection app.inspections := app_private.visible_inspection(record_measurement.inspection_id);
  v_characteristic app.characteristics;
  v_at timestamptz := coalesce(record_measurement.measured_at, pg_catalog.now());
  v_gauge uuid;
  v_used app.equipment;
  v_substituted uuid;
  v_in_spec boolean;
  v_subgroup integer;
  v_count integer;
  v_measurement app.measurements;
BEGIN
  PERFORM auth.check_permission_at('inspection.record', v_inspection.site_id);
  IF v_inspection.status <> 'open' THEN
    RAISE EXCEPTION 'inspection is %', v_inspection.status USING ERRCODE = 'PT409', DETAIL = 'inspection.not_open',
      HINT = 'Measurements are recorded in an open inspection; open a new one.';
  END IF;
  IF NOT EXISTS (SELECT FROM app.inspection_characteristics AS ic WHERE ic.organization_id = v_inspection.organization_id
                   AND ic.inspection_id = v_inspection.id AND ic.characteristic_id = record_measurement.characteristic_id) THEN
    RAISE EXCEPTION 'characteristic not in this inspection' USING ERRCODE = 'PT404', DETAIL = 'characteristic.not_found',
      HINT = 'GET /inspection_characteristics?inspection_id=eq.<id> lists what the inspection checks.';
  END IF;
  IF v_at > pg_catalog.now() + interval '5 minutes' THEN
    PERFORM app_private.raise_invalid('measurement.in_future', 'a measurement cannot be taken in the future', 'Leave measured_at out for now.');
  END IF;
  -- Nor before its inspection was opened: the gauge's calibration is judged at
  -- measured_at, so an earlier time would let a lapsed gauge measure.
  IF v_at < v_inspection.created_at - interval '5 minutes' THEN
    PERFORM app_private.raise_invalid('measurement.before_inspection',
      pg_catalog.format('the inspection was opened at %s; a measurement of it cannot be older', v_inspection.created_at),
      'Leave measured_at out for now, or give a time since the inspection was opened.');
  END IF;
  -- The one lock of the path: the characteristic row, which numbers its subgroups.
  SELECT * INTO v_characteristic FROM app.characteristics AS c
   WHERE c.organization_id = v_inspection.organization_id AND c.id = record_measurement.characteristic_id FOR UPDATE;
  IF v_characteristic.kind = 'variable' AND (record_measurement.value IS NULL OR record_measurement.defective IS NOT NULL) THEN
    PERFORM app_private.raise_invalid('measurement.value_required', pg_catalog.format('%s is a variable: send its value.', v_characteristic.name),
      'Send value (a number) and no defective flag.');
  END IF;
  IF v_characteristic.kind = 'attribute' AND (record_measurement.defective IS NULL OR record_measurement.value IS NOT NULL) THEN
    PERFORM app_private.raise_invalid('measurement.defective_required', pg_catalog.format('%s is an attribute: send defective true or false.', v_characteristic.name),
      'Send defective (true for a failed unit) and no value.');
  END IF;
  v_gauge := coalesce(record_measurement.gauge_id, v_characteristic.gauge_id);
  IF v_gauge IS NOT NULL THEN
    v_used := app_private.require_measuring_gauge(v_inspection.organization_id, v_gauge, v_inspection.site_id);
    -- Another gauge than the planned one stands in only for an equivalent (of the planned gauge's class), recorded as a substitution.
    IF v_characteristic.gauge_id IS NOT NULL AND v_gauge <> v_characteristic.gauge_id THEN
      IF NOT EXISTS (SELECT FROM app.equipment AS e WHERE e.organization_id = v_inspection.organization_id
                        AND e.id = v_characteristic.gauge_id AND e.class_id = v_used.class_id) THEN
        PERFORM app_private.raise_invalid('gauge.not_equivalent', 'The gauge is not of the planned gauge''s class.',
          'Measure with the characteristic''s gauge or one of the same class (GET /characteristics?select=gauge_id).');
      END IF;
      v_substituted := v_characteristic.gauge_id;
    END IF;
    PERFORM app_private.require_gauge_usable(v_inspection.organization_id, v_gauge, v_at);
  END IF;
  v_in_spec := CASE WHEN v_characteristic.kind = 'attribute' THEN NOT record_measurement.defective
                    ELSE record_measurement.value >= coalesce(v_characteristic.lsl, record_measurement.value)
                         AND record_measurement.value <= coalesce(v_characteristic.usl, record_measurement.value) END;
  -- A first article inspection stays out of the SPC stream: no subgroup, the characteristic's counters untouched.
  IF v_inspection.kind <> 'first_article' THEN
    v_subgroup := v_characteristic.open_subgroup;
    v_count := v_characteristic.open_count + 1;
  END IF;
  INSERT INTO app.measurements (organization_id, id, measured_at, inspection_id, characteristic_id, site_id, subgroup, value, defective,
                                in_spec, gauge_id, substituted_gauge_id, recorded_by)
  VALUES (v_inspection.organization_id, public.uuid_generate_v7(), v_at, v_inspection.id, v_characteristic.id, v_characteristic.site_id,
          v_subgroup, record_measurement.value, record_measurement.defective, v_in_spec, v_gauge, v_substituted, auth.user_id())
  RETURNING * INTO v_measurement;
  UPDATE app.inspection_characteristics AS ic
     SET measured_count = ic.measured_count + 1, out_of_spec_count = ic.out_of_spec_count + (NOT v_in_spec)::integer,
         last_value = coalesce(record_measurement.value, record_measurement.defective::integer), last_in_spec = v_in_spec
   WHERE ic.organization_id = v_inspection.organization_id AND ic.inspection_id = v_inspection.id AND ic.characteristic_id = v_characteristic.id;
  IF v_subgroup IS NULL THEN
    NULL;
  ELSIF v_count >= v_characteristic.sample_size THEN
    UPDATE app.characteristics AS c SET open_subgroup = v_subgroup + 1, open_count = 0
     WHERE c.organization_id = v_characteristic.organization_id AND c.id = v_characteristic.id;
    PERFORM app_private.spc_close_subgroup(v_characteristic, v_subgroup);
  ELSE
    UPDATE app.characteristics AS c SET open_count = v_count
     WHERE c.organization_id = v_characteristic.organization_id AND c.id = v_characteristic.id;
  END IF;
  RETURN v_measurement;
END
$$;
COMMENT ON FUNCTION app.record_measurement(uuid, uuid, numeric, boolean, uuid, timestamptz) IS
  'Records one measurement of a characteristic in an open inspection (inspection.record at its plant): a value (variables) or defective true/false (attributes), with the gauge named or the characteristic''s: a measuring device at the inspection''s plant (app_private.require_measuring_gauge), another than the planned one only if of its class (an equivalent, recorded in substituted_gauge_id), in service and calibrated then (the gauge used is kept on the measurement: AS9102 form 3''s "as used"); numbers it into the characteristic''s open subgroup and, when that subgroup is complete, closes it and judges it against the frozen SPC limits (app_private.spc_close_subgroup). A first article inspection''s measurements carry no subgroup and stay out of SPC. PT409 inspection.not_open, gauge.not_in_service, gauge.out_of_calibration; PT404 characteristic.not_found, equipment.not_found; PT422 gauge.not_a_gauge, gauge.wrong_plant, gauge.not_equivalent, measurement.value_required, measurement.defective_required, measurement.in_future, measurement.before_inspection (measured_at more than 5 minutes before the inspection was opened: calibration is judged at measured_at).';

CREATE OR REPLACE FUNCTION app.record_measurements(inspection_id uuid, characteristic_id uuid, "values" numeric[], gauge_id uuid DEFAULT NULL)
RETURNS integer
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = ''
AS $$
DECLARE
  v_value numeric;
  v_count integer := 0;
BEGIN
  FOREACH v_value IN ARRAY coalesce(record_measurements."values", '{}') LOOP
    PERFORM app.record_measurement(record_measurements.inspection_id, record_measurements.characteristic_id, v_value,
                                   gauge_id => record_measurements.gauge_id);
    v_count := v_count + 1;
  END LOOP;
  RETURN v_count;
END
$$;
COMMENT ON FUNCTION app.record_measurements(uuid, uuid, numeric[], uuid) IS
  'Records several values of a variable characteristic in order (a subgroup at once), each as app.record_measurement; returns how many.';

CREATE OR REPLACE FUNCTION app.complete_inspection(inspection_id uuid) RETURNS app.inspections
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = ''
AS $$
DECLARE
  v_inspection app.inspections := app_private.visible_inspection(complete_inspection.inspection_id, true);
  v_passed boolean;
  v_first boolean;
BEGIN
  PERFORM auth.check_permission_at('inspection.record', v_inspection.site_id);
  IF v_inspection.status <> 'open' THEN
    RAISE EXCEPTION 'inspection is %', v_inspection.status USING ERRCODE = 'PT409', DETAIL = 'inspection.not_open',
      HINT = 'Only an open inspection is completed.';
  END IF;
  SELECT coalesce(bool_and(ic.measured_count > 0 AND ic.last_in_spec), false), coalesce(bool_and(ic.out_of_spec_count = 0), false)
    INTO v_passed, v_first
    FROM app.inspection_characteristics AS ic WHERE ic.organization_id = v_inspection.organization_id AND ic.inspection_id = v_inspection.id;
  UPDATE app.inspections AS i SET status = 'completed', passed = v_passed, passed_first_time = v_passed AND v_first,
                                  completed_by = auth.user_id(), completed_at = pg_catalog.now()
   WHERE i.organization_id = v_inspection.organization_id AND i.id = v_inspection.id
  RETURNING * INTO v_inspection;
  RETURN v_inspection;
END
$$;
COMMENT ON FUNCTION app.complete_inspection(uuid) IS
  'Completes an open inspection (inspection.record at its plant) and judges it: passed when every characteristic was measured and its latest measurement is in spec; passed_first_time when it passed with no out-of-spec measurement on the way (FPY). PT409 inspection.not_open.';

CREATE OR REPLACE FUNCTION app.decide_inspection(inspection_id uuid, approve boolean, note text DEFAULT '') RETURNS app.inspections
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = ''
AS $$
DECLARE
  v_inspection app.inspections := app_private.visible_inspection(decide_inspection.inspection_id, true);
BEGIN
  PERFORM auth.check_permission_at('inspection.approve', v_inspection.site_id);
  IF v_inspection.status <> 'completed' THEN
    RAISE EXCEPTION 'inspection is %', v_inspection.status USING ERRCODE = 'PT409', DETAIL = 'inspection.not_completed',
      HINT = 'Complete the inspection first (app.complete_inspection); a decision is final.';
  END IF;
  -- Separation of duties: who completed the inspection or recorded any of its measurements does not decide it.
  IF auth.user_id() = v_inspection.completed_by
     OR EXISTS (SELECT FROM app.measurements AS m WHERE m.organization_id = v_inspection.organization_id
                  AND m.inspection_id = v_inspection.id AND m.recorded_by = auth.user_id()) THEN
    RAISE EXCEPTION 'you inspected this: someone else decides it' USING ERRCODE = 'PT403', DETAIL = 'inspection.own_inspection',
      HINT = 'An inspection is approved or rejected by a person with inspection.approve who neither recorded its measurements nor completed it.';
  END IF;
  IF decide_inspection.approve AND NOT v_inspection.passed THEN
    RAISE EXCEPTION 'the inspection did not pass' USING ERRCODE = 'PT409', DETAIL = 'inspection.failed',
      HINT = 'Reject it and raise a nonconformance report for the nonconforming characteristics.';
  END IF;
  -- AS9102 form 2: a first article is approved with its materials' certificates on record and customer-approved special process sources.
  IF decide_inspection.approve AND v_inspection.kind = 'first_article'
     AND pg_catalog.cardinality(app_private.fai_form2_gaps(v_inspection.organization_id, v_inspection.id)) > 0 THEN
    RAISE EXCEPTION 'form 2 is not complete: %', pg_catalog.array_to_string(app_private.fai_form2_gaps(v_inspection.organization_id, v_inspection.id), '; ')
      USING ERRCODE = 'PT409', DETAIL = 'fai.form2_incomplete',
            HINT = 'Add a material line with its certificate of conformance for each consumed lot (POST /rpc/add_fai_form2_item with lot_id), or reject the FAI when a special process source is not customer-approved.';
  END IF;
  UPDATE app.inspections AS i
     SET status = CASE WHEN decide_inspection.approve THEN 'approved' ELSE 'rejected' END::app.inspection_status,
         decided_by = auth.user_id(), decided_at = pg_catalog.now(), decision_note = coalesce(decide_inspection.note, '')
   WHERE i.organization_id = v_inspection.organization_id AND i.id = v_inspection.id
  RETURNING * INTO v_inspection;
  RETURN v_inspection;
END
$$;
COMMENT ON FUNCTION app.decide_inspection(uuid, boolean, text) IS
  'Approves (only a passed one) or rejects a completed inspection (inspection.approve at its plant), never by who completed it or recorded one of its measurements (PT403 inspection.own_inspection). A first article is approved only with AS9102 form 2 complete (every consumed lot''s certificate on a material line, no special process source the customer has not approved: PT409 fai.form2_incomplete). PT409 inspection.not_completed, inspection.failed.';

-- AS9102 --------------------------------------------------------------------

CREATE OR REPLACE FUNCTION app.fai_report(inspection_id uuid) RETURNS jsonb
LANGUAGE plpgsql STABLE SECURITY DEFINER
SET search_path = ''
AS $$
DECLARE
  v_inspection app.inspections := app_private.visible_inspection(fai_report.inspection_id);
BEGIN
  IF v_inspection.kind <> 'first_article' THEN
    RAISE EXCEPTION 'not a first article inspection' USING ERRCODE = 'PT409', DETAIL = 'inspection.not_first_article',
      HINT = 'AS9102 forms are made for first_article inspections.';
  END IF;
  RETURN (
    SELECT pg_catalog.jsonb_build_object(
      'form1', pg_catalog.jsonb_build_object(
        'part_number', p.part_number, 'part_name', p.name, 'part_revision', r.revision,
        'serial_number', (SELECT s.serial_number FROM app.serials AS s WHERE s.organization_id = i.organization_id AND s.id = i.serial_id),
        'lot_number', (SELECT l.lot_number FROM app.lots AS l WHERE l.organization_id = i.organization_id AND l.id = i.lot_id),
        'fai_report_number', i.fai_report_number, 'fai_scope', coalesce(i.fai_scope, 'full'), 'fai_partial_reason', i.fai_partial_reason,
        'po_number', i.po_number,
        -- The released revision of each drawing that defines the part (app.drawing_parts): drawing number and revision.
        'drawings', coalesce((
          SELECT pg_catalog.jsonb_agg(pg_catalog.jsonb_build_object('drawing_number', d.drawing_number, 'drawing_revision', dr.revision)
                                      ORDER BY d.drawing_number)
            FROM app.drawing_parts AS dp
            JOIN app.drawings AS d ON d.organization_id = dp.organization_id AND d.id = dp.drawing_id
            JOIN app.drawing_revisions AS dr ON dr.organization_id = d.organization_id AND dr.drawing_id = d.id AND dr.status = 'released'
           WHERE dp.organization_id = i.organization_id AND dp.part_id = i.part_id), '[]'::jsonb),
        'fai_reason', i.fai_reason, 'organization', o.name, 'plant', st.name, 'control_plan', cp.title,
        'status', i.status, 'passed', i.passed, 'completed_at', i.completed_at, 'decided_at', i.decided_at,
        'decided_by', (SELECT u.email FROM app.users AS u WHERE u.id = i.decided_by)),
      -- Form 2: the lines recorded (app.add_fai_form2_item), the lots consumed into the inspected lot or serial
      -- (genealogy) with the certificate of the material line naming each, and what keeps it from being complete.
      'form2', pg_catalog.jsonb_build_object(
        'lines', coalesce((
          SELECT pg_catalog.jsonb_agg(pg_catalog.jsonb_build_object(
                   'kind', f.kind, 'name', f.name, 'specification', f.specification, 'code', f.process_code,
                   'supplier', (SELECT sp.name FROM app.partners AS sp WHERE sp.organization_id = f.organization_id AND sp.id = f.supplier_id),
                   'supplier_code', f.supplier_code, 'customer_approval', f.customer_approval, 'coc_number', f.coc_number,
                   'lot_number', (SELECT fl.lot_number FROM app.lots AS fl WHERE fl.organization_id = f.organization_id AND fl.id = f.lot_id),
                   'functional_test_procedure', f.functional_test_procedure, 'acceptance_report_number', f.acceptance_report_number)
                 ORDER BY array_position(ARRAY['material', 'special_process', 'functional_test'], f.kind), f.created_at, f.id)
            FROM app.fai_form2_items AS f
           WHERE f.organization_id = i.organization_id AND f.inspection_id = i.id), '[]'::jsonb),
        'consumed_lots', coalesce((
          SELECT pg_catalog.jsonb_agg(pg_catalog.jsonb_build_object('part_number', cpart.part_number, 'lot_number', cl.lot_number,
                                                                    'supplier_lot', cl.supplier_lot, 'quantity', e.quantity, 'unit', e.unit,
                                                                    'coc_number', (SELECT min(f.coc_number) FROM app.fai_form2_items AS f
                                                                                    WHERE f.organization_id = i.organization_id AND f.inspection_id = i.id
                                                                                      AND f.kind = 'material' AND f.lot_id = cl.id))
                                      ORDER BY cl.lot_number)
            FROM app.genealogy_edges AS e
            JOIN app.lots AS cl ON cl.organization_id = e.organization_id AND cl.id = e.consumed_lot_id
            JOIN app.parts AS cpart ON cpart.organization_id = cl.organization_id AND cpart.id = cl.part_id
           WHERE e.organization_id = i.organization_id
             AND (e.produced_lot_id = i.lot_id OR e.produced_serial_id = i.serial_id)), '[]'::jsonb),
        'gaps', pg_catalog.to_jsonb(app_private.fai_form2_gaps(i.organization_id, i.id)),
        'complete', pg_catalog.cardinality(app_private.fai_form2_gaps(i.organization_id, i.id)) = 0),
      'form3', coalesce((
        SELECT pg_catalog.jsonb_agg(pg_catalog.jsonb_build_object(
                 'balloon', ic.balloon, 'characteristic', c.name, 'special_class', c.special_class, 'kind', c.kind,
                 'requirement', CASE WHEN c.kind = 'attribute' THEN 'pass' ELSE
                                  concat_ws(' ', c.nominal::text, '[' || coalesce(c.lsl::text, '') || ' .. ' || coalesce(c.usl::text, '') || ']', c.unit) END,
                 'result', CASE WHEN c.kind = 'attribute' THEN CASE WHEN ic.last_value = 1 THEN 'defective' WHEN ic.last_value = 0 THEN 'pass' END
                                ELSE ic.last_value::text END,
                 'measured', ic.measured_count, 'conforming', ic.last_in_spec,
                 'gauge_planned', (SELECT e.equipment_number FROM app.equipment AS e WHERE e.organization_id = c.organization_id AND e.id = c.gauge_id),
                 -- "As used": the gauges recorded on this inspection's measurements of the characteristic.
                 'gauge', (SELECT pg_catalog.string_agg(DISTINCT e.equipment_number, ', ')
                             FROM app.measurements AS m
                             JOIN app.equipment AS e ON e.organization_id = m.organization_id AND e.id = m.gauge_id
                            WHERE m.organization_id = ic.organization_id AND m.inspection_id = ic.inspection_id
                              AND m.characteristic_id = ic.characteristic_id),
                 -- Form 3's non-conformance number: the NCRs raised from this inspection for the characteristic.
                 'ncr_numbers', coalesce((SELECT pg_catalog.jsonb_agg(n.ncr_number ORDER BY n.ncr_number)
                                            FROM app.ncrs AS n
                                           WHERE n.organization_id = ic.organization_id AND n.inspection_id = ic.inspection_id
                                             AND n.characteristic_id = ic.characteristic_id), '[]'::jsonb))
               ORDER BY ic.balloon)
          FROM app.inspection_characteristics AS ic
          JOIN app.characteristics AS c ON c.organization_id = ic.organization_id AND c.id = ic.characteristic_id
         WHERE ic.organization_id = i.organization_id AND ic.inspection_id = i.id), '[]'::jsonb))
      FROM app.inspections AS i
      JOIN app.part_revisions AS r ON r.organization_id = i.organization_id AND r.id = i.part_revision_id
      JOIN app.parts AS p ON p.organization_id = r.organization_id AND p.id = r.part_id
      JOIN app.organizations AS o ON o.id = i.organization_id
      JOIN app.sites AS st ON st.organization_id = i.organization_id AND st.id = i.site_id
      JOIN app.control_plans AS cp ON cp.organization_id = i.organization_id AND cp.id = i.control_plan_id
     WHERE i.organization_id = v_inspection.organization_id AND i.id = v_inspection.id);
END
$$;
COMMENT ON FUNCTION app.fai_report(uuid) IS
  'AS9102 first article inspection report of a first_article inspection the caller may see, as JSON: form1 (part number accountability: part, revision, the released drawing number and revision of each drawing of the part, FAI report number, full or partial with its reason, purchase order, serial or lot, reason, plant, result, sign-off), form2 (product accountability: lines, the materials, special processes and functional tests recorded with app.add_fai_form2_item, with specification, code, supplier, customer approval and certificate of conformance number; consumed_lots, the lots consumed into the inspected lot or serial from the genealogy, each with the certificate number of its material line; gaps and complete, app_private.fai_form2_gaps) and form3 (characteristic accountability: one row per characteristic by balloon number with requirement, result, conformance, the gauge as used (recorded on its measurements), the gauge planned and ncr_numbers, the non-conformance reports raised from this inspection for the characteristic: app.raise_inspection_ncr). PT404 inspection.not_found, PT409 inspection.not_first_article.';

CREATE OR REPLACE FUNCTION app.set_fai_details(inspection_id uuid, fai_report_number text DEFAULT NULL, fai_scope text DEFAULT 'full',
                                               fai_partial_reason text DEFAULT '', po_number text DEFAULT NULL) RETURNS app.inspections
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = ''
AS $$
DECLARE
  v_inspection app.inspections := app_private.visible_inspection(set_fai_details.inspection_id, true);
BEGIN
  PERFORM auth.check_permission_at('inspection.record', v_inspection.site_id);
  IF v_inspection.kind <> 'first_article' THEN
    RAISE EXCEPTION 'not a first article inspection' USING ERRCODE = 'PT409', DETAIL = 'inspection.not_first_article',
      HINT = 'The AS9102 form 1 fields belong to first_article inspections.';
  END IF;
  IF v_inspection.status IN ('approved', 'rejected') THEN
    RAISE EXCEPTION 'inspection is %', v_inspection.status USING ERRCODE = 'PT409', DETAIL = 'inspection.decided',
      HINT = 'A decided FAI report is final; open a new first article inspection.';
  END IF;
  IF set_fai_details.fai_scope IS NULL OR set_fai_details.fai_scope NOT IN ('full', 'partial') THEN
    PERFORM app_private.raise_invalid('fai.scope_invalid', 'fai_scope is full or partial', 'Send fai_scope: full or partial.');
  END IF;
  IF set_fai_details.fai_scope = 'partial' AND length(btrim(coalesce(set_fai_details.fai_partial_reason, ''))) = 0 THEN
    PERFORM app_private.raise_invalid('fai.partial_reason_required', 'a partial FAI says why',
      'Send fai_partial_reason: the change and the characteristics it affects.');
  END IF;
  IF set_fai_details.fai_report_number IS NOT NULL AND set_fai_details.fai_report_number !~ '^[A-Za-z0-9][A-Za-z0-9._/-]{0,63}$' THEN
    PERFORM app_private.raise_invalid('fai.report_number_invalid', 'the FAI report number is 1 to 64 letters, digits and . _ / -',
      'e.g. FAI-2026-0042');
  END IF;
  IF length(set_fai_details.po_number) NOT BETWEEN 1 AND 64 OR length(set_fai_details.fai_partial_reason) > 1000 THEN
    PERFORM app_private.raise_invalid('fai.invalid', 'po_number is 1 to 64 characters, fai_partial_reason at most 1000',
      'Leave po_number out when it is not known.');
  END IF;
  IF EXISTS (SELECT FROM app.inspections AS i WHERE i.organization_id = v_inspection.organization_id
               AND i.fai_report_number = set_fai_details.fai_report_number AND i.id <> v_inspection.id) THEN
    RAISE EXCEPTION 'FAI report number % is taken', set_fai_details.fai_report_number USING ERRCODE = 'PT409',
      DETAIL = 'fai.report_number_taken', HINT = 'FAI report numbers are unique in the organization.';
  END IF;
  UPDATE app.inspections AS i
     SET fai_report_number = set_fai_details.fai_report_number, fai_scope = set_fai_details.fai_scope,
         fai_partial_reason = CASE WHEN set_fai_details.fai_scope = 'partial' THEN btrim(set_fai_details.fai_partial_reason) ELSE '' END,
         po_number = set_fai_details.po_number
   WHERE i.organization_id = v_inspection.organization_id AND i.id = v_inspection.id
  RETURNING * INTO v_inspection;
  RETURN v_inspection;
END
$$;
COMMENT ON FUNCTION app.set_fai_details(uuid, text, text, text, text) IS
  E'Set the FAI report fields\nAS9102 form 1 fields of a first article inspection not yet decided (inspection.record at its plant): the FAI report number (unique in the tenant), full or partial FAI (a partial one needs fai_partial_reason) and the purchase order where known. PT409 inspection.not_first_article, inspection.decided, fai.report_number_taken; PT422 fai.scope_invalid, fai.partial_reason_required, fai.report_number_invalid, fai.invalid.';

-- First pass yield ------------------------------------------------------------

CREATE OR REPLACE VIEW app.inspection_fpy WITH (security_invoker) AS
SELECT i.organization_id, i.site_id, i.part_id, i.kind, i.line,
       pg_catalog.date_trunc('month', i.completed_at) AS period,
       count(*)::integer AS inspections,
       count(*) FILTER (WHERE i.passed)::integer AS passed,
       count(*) FILTER (WHERE i.passed_first_time)::integer AS passed_first_time,
       round(100.0 * count(*) FILTER (WHERE i.passed_first_time) / count(*), 2) AS fpy_percent
  FROM app.inspections AS i
 WHERE i.status <> 'open'
 GROUP BY i.organization_id, i.site_id, i.part_id, i.kind, i.line, pg_catalog.date_trunc('month', i.completed_at);
COMMENT ON VIEW app.inspection_fpy IS
  E'First pass yield\nCompleted inspections the caller may see by plant, part, kind, line (the inspection''s free-text line) and month of completion: how many, how many passed, how many passed first time (no out-of-spec measurement on the way) and FPY in percent.';
COMMENT ON COLUMN app.inspection_fpy.organization_id IS E'Tenant';
COMMENT ON COLUMN app.inspection_fpy.site_id IS E'Plant';
COMMENT ON COLUMN app.inspection_fpy.part_id IS E'Part';
COMMENT ON COLUMN app.inspection_fpy.kind IS E'Kind';
COMMENT ON COLUMN app.inspection_fpy.line IS E'Line';
COMMENT ON COLUMN app.inspection_fpy.period IS E'Month\nFirst day of the month the inspections were completed.';
COMMENT ON COLUMN app.inspection_fpy.inspections IS E'Inspections\nCompleted, approved or rejected.';
COMMENT ON COLUMN app.inspection_fpy.passed IS E'Passed';
COMMENT ON COLUMN app.inspection_fpy.passed_first_time IS E'Passed first time';
COMMENT ON COLUMN app.inspection_fpy.fpy_percent IS E'FPY %\n100 × passed first time / inspections.';
