-- Control plans (migration quality/control_plans): drafted, approved and
-- obsoleted by RPCs at a plant where the caller holds control_plan.manage;
-- characteristics are added while the plan is a draft and are frozen once it
-- is approved. Gauge R&R studies store their readings and the library's
-- result (52_gauge_rr.sql). API roles only read these tables.

CREATE OR REPLACE TRIGGER _100_touch_updated_at BEFORE UPDATE ON app.control_plans
  FOR EACH ROW EXECUTE FUNCTION app_private.tg__touch_updated_at();
CREATE OR REPLACE TRIGGER _100_touch_updated_at BEFORE UPDATE ON app.characteristics
  FOR EACH ROW EXECUTE FUNCTION app_private.tg__touch_updated_at();
CREATE OR REPLACE TRIGGER _100_append_only BEFORE UPDATE OR DELETE ON app.gauge_study_readings
  FOR EACH ROW EXECUTE FUNCTION app_private.tg__append_only();

SELECT app_private.register_entity_type('control_plan', 'app.control_plans', 'title', 'Control plan', 'title');

-- A control plan the caller may see (control_plan.read or .manage, tenant-wide or at its plant), locked when asked.
CREATE OR REPLACE FUNCTION app_private.visible_control_plan(p_id uuid, p_lock boolean DEFAULT false) RETURNS app.control_plans
LANGUAGE plpgsql VOLATILE
SET search_path = ''
AS $$
DECLARE
  v_plan app.control_plans;
BEGIN
  IF p_lock THEN
    SELECT * INTO v_plan FROM app.control_plans AS p WHERE p.organization_id = auth.org_id() AND p.id = p_id FOR UPDATE;
  ELSE
    SELECT * INTO v_plan FROM app.control_plans AS p WHERE p.organization_id = auth.org_id() AND p.id = p_id;
  END IF;
  IF v_plan.id IS NULL OR NOT (auth.is_platform_operator() OR auth.has_permission('control_plan.read', v_plan.site_id)
                                 OR auth.has_permission('control_plan.manage', v_plan.site_id)) THEN
    RAISE EXCEPTION 'control plan not found' USING ERRCODE = 'PT404', DETAIL = 'control_plan.not_found',
      HINT = 'GET /control_plans lists the plans you may see.';
  END IF;
  RETURN v_plan;
END
$$;
COMMENT ON FUNCTION app_private.visible_control_plan(uuid, boolean) IS
  'The control plan if the caller may see it (control_plan.read or .manage tenant-wide or at its plant), locked FOR UPDATE when p_lock; PT404 control_plan.not_found otherwise.';

-- A draft plan the caller may change.
CREATE OR REPLACE FUNCTION app_private.draft_control_plan(p_id uuid) RETURNS app.control_plans
LANGUAGE plpgsql VOLATILE
SET search_path = ''
AS $$
DECLARE
  v_plan app.control_plans := app_private.visible_control_plan(p_id, true);
BEGIN
  PERFORM auth.check_permission_at('control_plan.manage', v_plan.site_id);
  IF v_plan.status <> 'draft' THEN
    RAISE EXCEPTION 'control plan is %', v_plan.status USING ERRCODE = 'PT409', DETAIL = 'control_plan.not_draft',
      HINT = 'An approved plan is frozen: draft a new plan for the change.';
  END IF;
  RETURN v_plan;
END
$$;
COMMENT ON FUNCTION app_private.draft_control_plan(uuid) IS
  'The visible control plan, locked, if the caller holds control_plan.manage at its plant (PT403 permission.missing) and it is a draft (PT409 control_plan.not_draft).';

CREATE OR REPLACE FUNCTION app.create_control_plan(part_revision_id uuid, site_id uuid, title text, owner_id uuid DEFAULT NULL)
RETURNS app.control_plans
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = ''
AS $$
DECLARE
  v_org uuid := auth.org_id();
  v_plan app.control_plans;
BEGIN
  IF NOT EXISTS (SELECT FROM app.part_revisions AS r WHERE r.organization_id = v_org AND r.id = create_control_plan.part_revision_id
                   AND r.status <> 'obsolete') THEN
    RAISE EXCEPTION 'part revision not found' USING ERRCODE = 'PT404', DETAIL = 'part_revision.not_found',
      HINT = 'Name a draft or released revision: GET /part_revisions.';
  END IF;
  IF create_control_plan.site_id IS NULL OR NOT EXISTS (SELECT FROM app.sites AS s WHERE s.organization_id = v_org AND s.id = create_control_plan.site_id) THEN
    RAISE EXCEPTION 'site not found' USING ERRCODE = 'PT404', DETAIL = 'site.not_found', HINT = 'Send site_id: one of GET /sites.';
  END IF;
  PERFORM auth.check_permission_at('control_plan.manage', create_control_plan.site_id);
  IF create_control_plan.owner_id IS NOT NULL AND NOT EXISTS (
       SELECT FROM app.memberships AS m WHERE m.organization_id = v_org AND m.user_id = create_control_plan.owner_id AND m.status = 'active') THEN
    RAISE EXCEPTION 'the owner is not an active member' USING ERRCODE = 'PT404', DETAIL = 'user.not_member',
      HINT = 'Name an active member of your organization as owner, or leave owner_id out to own the plan yourself.';
  END IF;
  INSERT INTO app.control_plans (organization_id, id, part_revision_id, site_id, title, owner_id, created_by)
  VALUES (v_org, public.uuid_generate_v7(), create_control_plan.part_revision_id, create_control_plan.site_id, create_control_plan.title,
          coalesce(create_control_plan.owner_id, auth.user_id()), auth.user_id())
  RETURNING * INTO v_plan;
  RETURN v_plan;
END
$$;
COMMENT ON FUNCTION app.create_control_plan(uuid, uuid, text, uuid) IS
  'Drafts a control plan for a part revision (draft or released) at a plant where the caller holds control_plan.manage; the owner (notified of SPC signals) defaults to the caller. PT404 part_revision.not_found, site.not_found, user.not_member; PT403 permission.missing.';

CREATE OR REPLACE FUNCTION app.add_control_plan_step(control_plan_id uuid, step_number integer, name text)
RETURNS app.control_plan_steps
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = ''
AS $$
DECLARE
  v_plan app.control_plans := app_private.draft_control_plan(add_control_plan_step.control_plan_id);
  v_step app.control_plan_steps;
BEGIN
  INSERT INTO app.control_plan_steps (organization_id, id, control_plan_id, site_id, step_number, name)
  VALUES (v_plan.organization_id, public.uuid_generate_v7(), v_plan.id, v_plan.site_id, add_control_plan_step.step_number, add_control_plan_step.name)
  RETURNING * INTO v_step;
  RETURN v_step;
END
$$;
COMMENT ON FUNCTION app.add_control_plan_step(uuid, integer, text) IS
  'Adds a process step (operation number, name) to a draft control plan (control_plan.manage at its plant). PT404 control_plan.not_found, PT409 control_plan.not_draft.';

-- A gauge named for a characteristic, a measurement or a Gauge R&R study is a
-- measuring device of the register: equipment whose class is of kind gauge
-- or instrument and requires calibration (an air compressor or a torque
-- wrench class is not), at the plant of what it measures or of the whole
-- organization. The refusals name no equipment: the caller may not read
-- another plant's register.
CREATE OR REPLACE FUNCTION app_private.require_measuring_gauge(p_organization_id uuid, p_gauge_id uuid, p_site_id uuid) RETURNS app.equipment
LANGUAGE plpgsql VOLATILE
SET search_path = ''
AS $$
DECLARE
  v_gauge app.equipment;
BEGIN
  SELECT * INTO v_gauge FROM app.equipment AS e WHERE e.organization_id = p_organization_id AND e.id = p_gauge_id;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'gauge not found' USING ERRCODE = 'PT404', DETAIL = 'equipment.not_found', HINT = 'A gauge is equipment of the register: GET /equipment.';
  END IF;
  IF v_gauge.site_id IS DISTINCT FROM p_site_id AND v_gauge.site_id IS NOT NULL THEN
    PERFORM app_private.raise_invalid('gauge.wrong_plant', 'The gauge is not at this plant.',
      'Use a gauge of the plant (or of the whole organization): GET /equipment?site_id=eq.<plant>.');
  END IF;
  IF NOT EXISTS (SELECT FROM app.equipment_classes AS c
                  WHERE c.organization_id = v_gauge.organization_id AND c.id = v_gauge.class_id
                    AND c.kind IN ('gauge', 'instrument') AND c.requires_calibration) THEN
    PERFORM app_private.raise_invalid('gauge.not_a_gauge', pg_catalog.format('%s is not a measuring device.', v_gauge.equipment_number),
      'A gauge is equipment whose class is of kind gauge or instrument and requires calibration (GET /equipment_classes).');
  END IF;
  RETURN v_gauge;
END
$$;
COMMENT ON FUNCTION app_private.require_measuring_gauge(uuid, uuid, uuid) IS
  'The gauge if it is a measuring device (class of kind gauge or instrument that requires calibration) at the plant p_site_id or of the whole organization: PT404 equipment.not_found; PT422 gauge.wrong_plant (names no equipment), gauge.not_a_gauge.';

CREATE OR REPLACE FUNCTION app.add_characteristic(
  step_id uuid, name text, kind app.characteristic_kind, chart_type app.spc_chart_type, reaction_plan text,
  sample_size integer DEFAULT NULL, nominal numeric DEFAULT NULL, lsl numeric DEFAULT NULL, usl numeric DEFAULT NULL,
  unit text DEFAULT NULL, special_class text DEFAULT NULL, frequency text DEFAULT '', gauge_id uuid DEFAULT NULL, balloon integer DEFAULT NULL)
RETURNS app.characteristics
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = ''
AS $$
DECLARE
  v_org uuid := auth.org_id();
  v_step app.control_plan_steps;
  v_plan app.control_plans;
  v_characteristic app.characteristics;
  v_size integer := coalesce(add_characteristic.sample_size, CASE add_characteristic.chart_type WHEN 'imr' THEN 1 ELSE 5 END);
BEGIN
  SELECT * INTO v_step FROM app.control_plan_steps AS s WHERE s.organization_id = v_org AND s.id = add_characteristic.step_id;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'control plan step not found' USING ERRCODE = 'PT404', DETAIL = 'control_plan_step.not_found',
      HINT = 'GET /control_plan_steps lists the steps of the plans you may see.';
  END IF;
  v_plan := app_private.draft_control_plan(v_step.control_plan_id);
  IF add_characteristic.lsl IS NOT NULL AND add_characteristic.usl IS NOT NULL AND add_characteristic.lsl >= add_characteristic.usl THEN
    PERFORM app_private.raise_invalid('characteristic.spec_order', pg_catalog.format('LSL %s is not below USL %s.', add_characteristic.lsl, add_characteristic.usl),
      'Give LSL < USL, or leave one of them out for a one-sided specification.');
  END IF;
  IF add_characteristic.kind = 'variable' AND add_characteristic.lsl IS NULL AND add_characteristic.usl IS NULL THEN
    PERFORM app_private.raise_invalid('characteristic.spec_missing', 'A variable characteristic needs LSL, USL or both.',
      'Give the specification limits from the drawing.');
  END IF;
  IF add_characteristic.nominal IS NOT NULL AND (add_characteristic.nominal < add_characteristic.lsl OR add_characteristic.nominal > add_characteristic.usl) THEN
    PERFORM app_private.raise_invalid('characteristic.nominal_outside', pg_catalog.format('Nominal %s is outside the specification.', add_characteristic.nominal),
      'The nominal lies within LSL..USL.');
  END IF;
  IF (add_characteristic.kind = 'variable') <> (add_characteristic.chart_type IN ('xbar_r', 'xbar_s', 'imr')) THEN
    PERFORM app_private.raise_invalid('characteristic.chart_kind',
      pg_catalog.format('A %s characteristic is not charted on a %s chart.', add_characteristic.kind, add_characteristic.chart_type),
      'Variables use xbar_r, xbar_s or imr; attributes use p or np.');
  END IF;
  IF add_characteristic.kind = 'attribute' AND (add_characteristic.lsl IS NOT NULL OR add_characteristic.usl IS NOT NULL OR add_characteristic.nominal IS NOT NULL) THEN
    PERFORM app_private.raise_invalid('characteristic.chart_kind', 'An attribute characteristic has no nominal or specification limits.',
      'Leave nominal, lsl and usl out of an attribute.');
  END IF;
  IF (add_characteristic.chart_type IN ('xbar_r', 'xbar_s') AND v_size NOT BETWEEN 2 AND 25)
     OR (add_characteristic.chart_type = 'imr' AND v_size <> 1)
     OR (add_characteristic.chart_type IN ('p', 'np') AND v_size NOT BETWEEN 1 AND 100000) THEN
    PERFORM app_private.raise_invalid('characteristic.sample_size',
      pg_catalog.format('Sample size %s does not fit a %s chart.', v_size, add_characteristic.chart_type),
      'X̄-R and X̄-S charts take subgroups of 2..25, I-MR of 1, p and np charts 1..100000 units per sample.');
  END IF;
  IF add_characteristic.unit IS NOT NULL AND NOT EXISTS (SELECT FROM app.units AS u WHERE u.code = add_characteristic.unit) THEN
    PERFORM app_private.raise_invalid('characteristic.unit_unknown', pg_catalog.format('Unit %s is not in the units register.', add_characteristic.unit),
      'GET /units lists the codes.');
  END IF;
  IF add_characteristic.gauge_id IS NOT NULL THEN
    PERFORM app_private.require_measuring_gauge(v_org, add_characteristic.gauge_id, v_plan.site_id);
  END IF;
  INSERT INTO app.characteristics (organization_id, id, control_plan_id, step_id, site_id, balloon, name, kind, nominal, lsl, usl, unit,
                                   special_class, sample_size, frequency, gauge_id, reaction_plan, chart_type)
  VALUES (v_org, public.uuid_generate_v7(), v_plan.id, v_step.id, v_plan.site_id,
          coalesce(add_characteristic.balloon, (SELECT coalesce(max(c.balloon), 0) + 1 FROM app.characteristics AS c
                                                   WHERE c.organization_id = v_org AND c.control_plan_id = v_plan.id)),
          add_characteristic.name, add_characteristic.kind, add_characteristic.nominal, add_characteristic.lsl, add_characteristic.usl,
          add_characteristic.unit, add_characteristic.special_class, v_size, coalesce(add_characteristic.frequency, ''),
          add_characteristic.gauge_id, add_characteristic.reaction_plan, add_characteristic.chart_type)
  RETURNING * INTO v_characteristic;
  RETURN v_characteristic;
END
$$;
COMMENT ON FUNCTION app.add_characteristic(uuid, text, app.characteristic_kind, app.spc_chart_type, text, integer, numeric, numeric, numeric, text, text, text, uuid, integer) IS
  'Adds a characteristic to a step of a draft control plan (control_plan.manage at its plant): PT422 characteristic.spec_order (LSL >= USL), spec_missing (a variable without limits), nominal_outside, chart_kind, sample_size (2..25 for X̄ charts, 1 for I-MR), unit_unknown, gauge.not_a_gauge, gauge.wrong_plant (the gauge must be a measuring device at the plan''s plant, app_private.require_measuring_gauge); PT404 control_plan_step.not_found, equipment.not_found (gauge). The balloon number defaults to the next free one.';

CREATE OR REPLACE FUNCTION app.approve_control_plan(control_plan_id uuid) RETURNS app.control_plans
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = ''
AS $$
DECLARE
  v_plan app.control_plans := app_private.draft_control_plan(approve_control_plan.control_plan_id);
BEGIN
  PERFORM auth.check_permission_at('inspection.approve', v_plan.site_id);
  IF NOT EXISTS (SELECT FROM app.characteristics AS c WHERE c.organization_id = v_plan.organization_id AND c.control_plan_id = v_plan.id) THEN
    RAISE EXCEPTION 'the control plan has no characteristics' USING ERRCODE = 'PT409', DETAIL = 'control_plan.empty',
      HINT = 'Add the characteristics to check first (app.add_characteristic).';
  END IF;
  UPDATE app.control_plans AS p SET status = 'approved', approved_by = auth.user_id(), approved_at = pg_catalog.now()
   WHERE p.organization_id = v_plan.organization_id AND p.id = v_plan.id
  RETURNING * INTO v_plan;
  RETURN v_plan;
END
$$;
COMMENT ON FUNCTION app.approve_control_plan(uuid) IS
  'Approves a draft control plan (control_plan.manage and inspection.approve at its plant): inspections may use it, its characteristics are frozen. PT409 control_plan.not_draft, control_plan.empty.';

CREATE OR REPLACE FUNCTION app.obsolete_control_plan(control_plan_id uuid) RETURNS app.control_plans
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = ''
AS $$
DECLARE
  v_plan app.control_plans := app_private.visible_control_plan(obsolete_control_plan.control_plan_id, true);
BEGIN
  PERFORM auth.check_permission_at('control_plan.manage', v_plan.site_id);
  IF v_plan.status = 'obsolete' THEN
    RAISE EXCEPTION 'control plan is already obsolete' USING ERRCODE = 'PT409', DETAIL = 'control_plan.obsolete', HINT = 'Nothing to do.';
  END IF;
  UPDATE app.control_plans AS p SET status = 'obsolete', approved_at = coalesce(p.approved_at, pg_catalog.now())
   WHERE p.organization_id = v_plan.organization_id AND p.id = v_plan.id
  RETURNING * INTO v_plan;
  RETURN v_plan;
END
$$;
COMMENT ON FUNCTION app.obsolete_control_plan(uuid) IS
  'Obsoletes a control plan (control_plan.manage at its plant): no new inspection uses it; its history stays. PT409 control_plan.obsolete.';

-- Gauge R&R ----------------------------------------------------------------

CREATE OR REPLACE FUNCTION app.record_gauge_study(gauge_id uuid, characteristic_id uuid, method text, readings jsonb)
RETURNS app.gauge_studies
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = ''
AS $$
DECLARE
  v_org uuid := auth.org_id();
  v_characteristic app.characteristics;
  v_tolerance numeric;
  v_values numeric[];
  v_operators text[];
  v_parts text[];
  v_result jsonb;
  v_study app.gauge_studies;
BEGIN
  SELECT * INTO v_characteristic FROM app.characteristics AS c WHERE c.organization_id = v_org AND c.id = record_gauge_study.characteristic_id;
  IF v_characteristic.id IS NULL OR NOT (auth.is_platform_operator() OR auth.has_permission('control_plan.read', v_characteristic.site_id)
                                           OR auth.has_permission('control_plan.manage', v_characteristic.site_id)) THEN
    RAISE EXCEPTION 'characteristic not found' USING ERRCODE = 'PT404', DETAIL = 'characteristic.not_found',
      HINT = 'GET /characteristics lists the characteristics you may see.';
  END IF;
  PERFORM auth.check_permission_at('control_plan.manage', v_characteristic.site_id);
  PERFORM app_private.require_measuring_gauge(v_org, record_gauge_study.gauge_id, v_characteristic.site_id);
  IF record_gauge_study.method IS NULL OR record_gauge_study.method NOT IN ('average_range', 'anova') THEN
    PERFORM app_private.raise_invalid('gauge_study.method', pg_catalog.format('Method %s is not known.', coalesce(record_gauge_study.method, 'NULL')),
      'Use average_range or anova.');
  END IF;
  IF pg_catalog.jsonb_typeof(record_gauge_study.readings) IS DISTINCT FROM 'array' OR EXISTS (
       SELECT FROM pg_catalog.jsonb_array_elements(record_gauge_study.readings) AS r (x)
        WHERE pg_catalog.jsonb_typeof(r.x) <> 'object' OR pg_catalog.jsonb_typeof(r.x -> 'value') IS DISTINCT FROM 'number'
           OR r.x ->> 'operator' IS NULL OR r.x ->> 'part' IS NULL) THEN
    PERFORM app_private.raise_invalid('gauge_study.readings',
      'readings must be an array of {"operator": text, "part": text, "trial": integer, "value": number}.',
      'Send every reading of the study, operators × parts × trials.');
  END IF;
  v_tolerance := v_characteristic.usl - v_characteristic.lsl;
  SELECT array_agg((r.x ->> 'value')::numeric ORDER BY ord), array_agg(r.x ->> 'operator' ORDER BY ord), array_agg(r.x ->> 'part' ORDER BY ord)
    INTO v_values, v_operators, v_parts
    FROM pg_catalog.jsonb_array_elements(record_gauge_study.readings) WITH ORDINALITY AS r (x, ord);
  IF record_gauge_study.method = 'anova' THEN
    SELECT pg_catalog.to_jsonb(g) INTO v_result FROM app_private.gauge_rr_anova(v_values, v_operators, v_parts, v_tolerance) AS g;
  ELSE
    SELECT pg_catalog.to_jsonb(g) INTO v_result FROM app_private.gauge_rr_average_range(v_values, v_operators, v_parts, v_tolerance) AS g;
  END IF;
  INSERT INTO app.gauge_studies (organization_id, id, gauge_id, characteristic_id, site_id, method, tolerance, result, percent_grr, ndc, created_by)
  VALUES (v_org, public.uuid_generate_v7(), record_gauge_study.gauge_id, v_characteristic.id, v_characteristic.site_id, record_gauge_study.method,
          v_tolerance, v_result, (v_result ->> 'pct_grr')::numeric, (v_result ->> 'ndc')::integer, auth.user_id())
  RETURNING * INTO v_study;
  INSERT INTO app.gauge_study_readings (organization_id, id, study_id, site_id, operator, part, trial, value)
  SELECT v_org, public.uuid_generate_v7(), v_study.id, v_study.site_id, r.x ->> 'operator', r.x ->> 'part',
         coalesce((r.x ->> 'trial')::integer, pg_catalog.row_number() OVER (PARTITION BY r.x ->> 'operator', r.x ->> 'part' ORDER BY r.ord)::integer),
         (r.x ->> 'value')::numeric
    FROM pg_catalog.jsonb_array_elements(record_gauge_study.readings) WITH ORDINALITY AS r (x, ord);
  RETURN v_study;
END
$$;
COMMENT ON FUNCTION app.record_gauge_study(uuid, uuid, text, jsonb) IS
  'Stores a Gauge R&R study of a gauge on a characteristic (control_plan.manage at its plant): the readings (operators × parts × trials) and the result of app_private.gauge_rr_average_range or app_private.gauge_rr_anova (tolerance USL - LSL when both are set). PT422 gauge_study.method, gauge_study.readings, gauge.not_a_gauge, gauge.wrong_plant (a measuring device at the characteristic''s plant) and the library''s gauge_rr.* reasons; PT404 characteristic.not_found, equipment.not_found.';
