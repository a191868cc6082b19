-- Out-of-specification investigations (migration lab/oos), after the FDA
-- guidance on OOS results: a product result out of its specification opens
-- a Phase I laboratory investigation by itself (a failed QC sample is a run
-- failure, not an OOS); Phase I decides whether there is an assignable
-- cause: yes -> the result is invalidated and a retest ordered (a new
-- analysis, retest_of_id); no -> Phase II, the full-scale investigation. A
-- CAPA from the platform register is opened only when the investigators
-- decide so (app.open_oos_capa), never by itself. Closing needs a conclusion
-- and, under GLP, an electronic signature.

CREATE OR REPLACE FUNCTION app_private.tg_oos_investigations__prepare() RETURNS trigger
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = ''
AS $$
BEGIN
  PERFORM app_private.refuse_foreign_tenant(NEW.organization_id);
  IF TG_OP = 'INSERT' THEN
    NEW.investigation_number := app_private.take_human_id(NEW.organization_id, 'OOS', NEW.investigation_number);
    NEW.opened_at := pg_catalog.now();
  END IF;
  RETURN NEW;
END
$$;
COMMENT ON FUNCTION app_private.tg_oos_investigations__prepare() IS
  'BEFORE INSERT/UPDATE on oos_investigations: the tenant guard; a new investigation gets the tenant''s next human id (OOS-000123) and is opened now.';

CREATE OR REPLACE TRIGGER _200_prepare BEFORE INSERT OR UPDATE ON app.oos_investigations
  FOR EACH ROW EXECUTE FUNCTION app_private.tg_oos_investigations__prepare();
CREATE OR REPLACE TRIGGER _100_touch_updated_at BEFORE UPDATE ON app.oos_investigations
  FOR EACH ROW EXECUTE FUNCTION app_private.tg__touch_updated_at();

SELECT app_private.register_entity_type('oos_investigation', 'app.oos_investigations', 'investigation_number', 'OOS investigation',
                                        'investigation_number');

-- A QC sample (blank, control, duplicate, reference material) is marked by
-- the runs' records with a qc_type (or qc_kind) column on the sample; any
-- other sample is product.
CREATE OR REPLACE FUNCTION app_private.is_qc_sample(p_sample app.samples) RETURNS boolean
LANGUAGE sql IMMUTABLE
SET search_path = ''
AS $$
  SELECT coalesce(pg_catalog.to_jsonb(p_sample) ->> 'qc_type', pg_catalog.to_jsonb(p_sample) ->> 'qc_kind') IS NOT NULL
$$;
COMMENT ON FUNCTION app_private.is_qc_sample(app.samples) IS
  'Whether a sample is a QC sample (a non-null qc_type or qc_kind, the column the runs'' records add); its out-of-specification results are run failures, not OOS investigations.';

CREATE OR REPLACE FUNCTION app_private.tg_results__open_oos() RETURNS trigger
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = ''
AS $$
DECLARE
  v_sample app.samples;
  v_oos app.oos_investigations;
BEGIN
  IF NEW.spec_verdict <> 'out_of_specification' THEN
    RETURN NULL;
  END IF;
  SELECT * INTO v_sample FROM app.samples AS s WHERE s.organization_id = NEW.organization_id AND s.id = NEW.sample_id;
  IF app_private.is_qc_sample(v_sample) THEN
    RETURN NULL;
  END IF;
  INSERT INTO app.oos_investigations (organization_id, result_id, analysis_id, sample_id)
  VALUES (NEW.organization_id, NEW.id, NEW.analysis_id, NEW.sample_id)
  RETURNING * INTO v_oos;
  PERFORM app_private.publish_oos_event(v_oos, 'oos.opened');
  RETURN NULL;
END
$$;
COMMENT ON FUNCTION app_private.tg_results__open_oos() IS
  'AFTER INSERT on results: an out-of-specification result of a product (not QC) sample opens a Phase I OOS investigation (event oos.opened).';

CREATE OR REPLACE TRIGGER _500_open_oos AFTER INSERT ON app.results
  FOR EACH ROW EXECUTE FUNCTION app_private.tg_results__open_oos();

CREATE OR REPLACE FUNCTION app_private.publish_oos_event(p_oos app.oos_investigations, p_event_type text) RETURNS void
LANGUAGE plpgsql VOLATILE
SET search_path = ''
AS $$
BEGIN
  PERFORM app_private.publish_event(p_oos.organization_id, p_event_type,
    (SELECT pg_catalog.jsonb_build_object(
       'investigation_id', p_oos.id, 'investigation_number', p_oos.investigation_number, 'result_id', p_oos.result_id,
       'analysis_id', p_oos.analysis_id, 'sample_id', p_oos.sample_id, 'sample_number', s.sample_number, 'test_code', t.code,
       'numeric_value', r.numeric_value, 'unit', r.unit, 'specification_id', r.specification_id, 'status', p_oos.status,
       'phase', p_oos.phase, 'assignable_cause', p_oos.assignable_cause, 'retest_analysis_id', p_oos.retest_analysis_id,
       'capa_id', p_oos.capa_id, 'conclusion', p_oos.conclusion, 'opened_at', p_oos.opened_at, 'closed_at', p_oos.closed_at,
       'signed', p_oos.closure_signature IS NOT NULL)
       FROM app.results AS r, app.samples AS s, app.analyses AS a, app.lab_tests AS t
      WHERE r.organization_id = p_oos.organization_id AND r.id = p_oos.result_id
        AND s.organization_id = p_oos.organization_id AND s.id = p_oos.sample_id
        AND a.organization_id = p_oos.organization_id AND a.id = p_oos.analysis_id
        AND t.organization_id = a.organization_id AND t.id = a.lab_test_id),
    'oos_investigation', p_oos.id);
END
$$;
COMMENT ON FUNCTION app_private.publish_oos_event(app.oos_investigations, text) IS
  'Publishes oos.opened or oos.closed (contracts/events/lab/) for an investigation: its result, sample, test, phase, cause, retest, CAPA and conclusion.';

-- The open investigation a member may work on, locked (oos.investigate at
-- the sample's site).
CREATE OR REPLACE FUNCTION app_private.oos_for_decision(p_investigation_id uuid) RETURNS app.oos_investigations
LANGUAGE plpgsql VOLATILE
SET search_path = ''
AS $$
DECLARE
  v_oos app.oos_investigations;
  v_site uuid;
BEGIN
  SELECT s.site_id INTO v_site FROM app.oos_investigations AS o JOIN app.samples AS s ON s.organization_id = o.organization_id AND s.id = o.sample_id
   WHERE o.organization_id = auth.org_id() AND o.id = p_investigation_id;
  IF NOT FOUND OR auth.partner_id() IS NOT NULL OR NOT (auth.has_permission('sample.read', v_site) OR auth.has_permission('oos.investigate', v_site)) THEN
    RAISE EXCEPTION 'OOS investigation % not found', p_investigation_id USING ERRCODE = 'PT404', DETAIL = 'oos.not_found',
      HINT = 'The investigation does not exist in your active tenant, or you may not see it.';
  END IF;
  PERFORM auth.check_permission_at('oos.investigate', v_site);
  SELECT * INTO v_oos FROM app.oos_investigations AS o WHERE o.organization_id = auth.org_id() AND o.id = p_investigation_id FOR UPDATE;
  IF v_oos.status = 'closed' THEN
    RAISE EXCEPTION '% is closed', v_oos.investigation_number USING ERRCODE = 'PT409', DETAIL = 'oos.closed',
      HINT = 'A closed investigation is not changed.';
  END IF;
  RETURN v_oos;
END
$$;
COMMENT ON FUNCTION app_private.oos_for_decision(uuid) IS
  'The open OOS investigation (locked) the caller may work on: PT404 oos.not_found, PT403 permission.missing (oos.investigate at the sample''s site), PT409 oos.closed.';

CREATE OR REPLACE FUNCTION app.decide_oos_phase_1(investigation_id uuid, assignable_cause boolean, findings text, checklist jsonb DEFAULT '{}')
RETURNS app.oos_investigations
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = ''
AS $$
DECLARE
  v_oos app.oos_investigations := app_private.oos_for_decision(decide_oos_phase_1.investigation_id);
  v_analysis app.analyses;
  v_retest uuid;
BEGIN
  IF v_oos.assignable_cause IS NOT NULL THEN
    RAISE EXCEPTION 'Phase I of % is decided', v_oos.investigation_number USING ERRCODE = 'PT409', DETAIL = 'oos.phase_1_decided',
      HINT = 'Phase I is decided once; continue in Phase II or close the investigation.';
  END IF;
  IF decide_oos_phase_1.assignable_cause IS NULL OR coalesce(pg_catalog.btrim(findings), '') = '' THEN
    PERFORM app_private.raise_invalid('oos.findings_required', 'Phase I needs a decision on the assignable cause and the findings',
      'Send assignable_cause (true or false) and findings (what the laboratory investigation found).');
  END IF;
  IF pg_catalog.jsonb_typeof(coalesce(checklist, '{}')) <> 'object'
     OR EXISTS (SELECT FROM pg_catalog.jsonb_each(checklist) AS c WHERE pg_catalog.jsonb_typeof(c.value) <> 'boolean') THEN
    PERFORM app_private.raise_invalid('oos.checklist_invalid', 'the checklist is an object of questions answered true or false',
      'e.g. {"calculation_checked": true, "instrument_checked": true, "standards_checked": true, "sample_prep_checked": false}.');
  END IF;
  IF decide_oos_phase_1.assignable_cause THEN
    -- A laboratory error explains the result: it is invalidated and the test repeated.
    UPDATE app.results AS r SET status = 'invalidated', invalidated_by = auth.user_id(), invalidated_at = pg_catalog.now(),
           invalidation_reason = pg_catalog.format('%s: %s', v_oos.investigation_number, pg_catalog.btrim(findings))
     WHERE r.organization_id = v_oos.organization_id AND r.id = v_oos.result_id AND r.status IN ('entered', 'reviewed', 'released');
    UPDATE app.analyses AS a SET status = 'invalidated'
     WHERE a.organization_id = v_oos.organization_id AND a.id = v_oos.analysis_id
    RETURNING * INTO v_analysis;
    INSERT INTO app.analyses (organization_id, sample_id, lab_test_id, retest_of_id, assigned_to)
    SELECT v_analysis.organization_id, v_analysis.sample_id, coalesce(p.id, v_analysis.lab_test_id), v_analysis.id, v_analysis.assigned_to
      FROM app.lab_tests AS t
      LEFT JOIN app.lab_tests AS p ON p.organization_id = t.organization_id AND p.code = t.code AND p.status = 'published'
     WHERE t.organization_id = v_analysis.organization_id AND t.id = v_analysis.lab_test_id
    RETURNING id INTO v_retest;
  END IF;
  UPDATE app.oos_investigations AS o
     SET checklist = coalesce(decide_oos_phase_1.checklist, '{}'), assignable_cause = decide_oos_phase_1.assignable_cause,
         phase_1_findings = pg_catalog.btrim(findings), phase_1_decided_by = auth.user_id(), phase_1_decided_at = pg_catalog.now(),
         phase = CASE WHEN decide_oos_phase_1.assignable_cause THEN 'phase_1' ELSE 'phase_2' END::app.oos_phase,
         retest_analysis_id = v_retest
   WHERE o.organization_id = v_oos.organization_id AND o.id = v_oos.id
  RETURNING * INTO v_oos;
  RETURN v_oos;
END
$$;
COMMENT ON FUNCTION app.decide_oos_phase_1(uuid, boolean, text, jsonb) IS
  E'Decides Phase I of an OOS investigation\nThe laboratory checklist (questions answered true/false), whether an assignable cause was found and the findings. An assignable cause invalidates the result and its analysis and orders a retest (a new analysis of the published test version, retest_of_id); none moves the investigation to Phase II. With oos.investigate at the sample''s site.\nErrors: PT404 oos.not_found; PT403 permission.missing; PT409 oos.closed, oos.phase_1_decided, sample.closed; PT422 oos.findings_required, oos.checklist_invalid.';

-- SECURITY INVOKER: the platform's app.open_capa checks the caller's own
-- capa.manage and sight of the investigation; the link is then written by
-- auth.link_oos_capa.
CREATE OR REPLACE FUNCTION app.open_oos_capa(investigation_id uuid, title text, problem_statement text, owner_id uuid DEFAULT NULL,
                                             due_date date DEFAULT NULL)
RETURNS app.oos_investigations
LANGUAGE plpgsql VOLATILE
SET search_path = ''
AS $$
DECLARE
  v_capa app.capas;
BEGIN
  PERFORM auth.oos_capa_allowed(open_oos_capa.investigation_id);
  v_capa := app.open_capa(open_oos_capa.title, open_oos_capa.problem_statement, 'corrective', 'internal', 'oos_investigation',
                          open_oos_capa.investigation_id, open_oos_capa.owner_id, open_oos_capa.due_date);
  RETURN auth.link_oos_capa(open_oos_capa.investigation_id, v_capa.id);
END
$$;
COMMENT ON FUNCTION app.open_oos_capa(uuid, text, text, uuid, date) IS
  E'Opens a CAPA for an OOS investigation\nWhen the investigators decide the cause needs corrective action: a CAPA in the platform register (app.open_capa) with the investigation as its source, linked to it; once per investigation. Needs oos.investigate at the sample''s site and capa.manage.\nErrors: PT404 oos.not_found; PT403 permission.missing; PT409 oos.closed, oos.capa_exists; PT422 capa.team_not_member.';

CREATE OR REPLACE FUNCTION auth.oos_capa_allowed(p_investigation_id uuid) RETURNS void
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = ''
AS $$
DECLARE
  v_oos app.oos_investigations := app_private.oos_for_decision(p_investigation_id);
BEGIN
  IF v_oos.capa_id IS NOT NULL THEN
    RAISE EXCEPTION '% already has a CAPA', v_oos.investigation_number USING ERRCODE = 'PT409', DETAIL = 'oos.capa_exists',
      HINT = 'One CAPA per investigation; add actions to it (app.capa_actions).';
  END IF;
END
$$;
COMMENT ON FUNCTION auth.oos_capa_allowed(uuid) IS
  'Whether the caller may open a CAPA for the investigation: app_private.oos_for_decision, and none yet (PT409 oos.capa_exists).';

CREATE OR REPLACE FUNCTION auth.link_oos_capa(p_investigation_id uuid, p_capa_id uuid) RETURNS app.oos_investigations
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = ''
AS $$
DECLARE
  v_oos app.oos_investigations := app_private.oos_for_decision(p_investigation_id);
BEGIN
  IF v_oos.capa_id IS NOT NULL OR NOT EXISTS (
       SELECT FROM app.capa_links AS l
        WHERE l.organization_id = v_oos.organization_id AND l.capa_id = p_capa_id AND l.entity_type = 'oos_investigation'
          AND l.entity_id = v_oos.id AND l.relation = 'source' AND l.linked_by = auth.user_id()) THEN
    RAISE EXCEPTION '% already has a CAPA', v_oos.investigation_number USING ERRCODE = 'PT409', DETAIL = 'oos.capa_exists',
      HINT = 'One CAPA per investigation, opened with app.open_oos_capa.';
  END IF;
  UPDATE app.oos_investigations AS o SET capa_id = p_capa_id
   WHERE o.organization_id = v_oos.organization_id AND o.id = v_oos.id
  RETURNING * INTO v_oos;
  RETURN v_oos;
END
$$;
COMMENT ON FUNCTION auth.link_oos_capa(uuid, uuid) IS
  'Links the CAPA the caller just opened with the investigation as its source (a capa_links source row by the caller) to the investigation; PT409 oos.capa_exists otherwise.';

CREATE OR REPLACE FUNCTION app.close_oos_investigation(investigation_id uuid, conclusion text, phase_2_findings text DEFAULT NULL,
                                                       signature jsonb DEFAULT NULL)
RETURNS app.oos_investigations
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = ''
AS $$
DECLARE
  v_oos app.oos_investigations := app_private.oos_for_decision(close_oos_investigation.investigation_id);
  v_signed jsonb;
BEGIN
  IF v_oos.assignable_cause IS NULL THEN
    RAISE EXCEPTION 'Phase I of % is not decided', v_oos.investigation_number USING ERRCODE = 'PT409', DETAIL = 'oos.phase_1_open',
      HINT = 'Decide Phase I first (POST /rpc/decide_oos_phase_1).';
  END IF;
  IF coalesce(pg_catalog.btrim(conclusion), '') = '' THEN
    PERFORM app_private.raise_invalid('oos.conclusion_required', 'closing an investigation needs a conclusion',
      'State the conclusion: the root cause, the batch disposition, the retest outcome.');
  END IF;
  IF v_oos.phase = 'phase_2' AND coalesce(pg_catalog.btrim(coalesce(phase_2_findings, v_oos.phase_2_findings)), '') = '' THEN
    PERFORM app_private.raise_invalid('oos.phase_2_findings_required', 'a Phase II investigation is closed with its findings',
      'Send phase_2_findings: what the full-scale investigation (production, process, sampling) found.');
  END IF;
  v_signed := app_private.sign_lab_record(v_oos.organization_id, 'oos_investigation', v_oos.id, v_oos.phase::text, 'closed', 'closed',
                                          close_oos_investigation.signature);
  IF v_signed ? 'refused' THEN
    RETURN v_oos;
  END IF;
  UPDATE app.oos_investigations AS o
     SET status = 'closed', conclusion = pg_catalog.btrim(close_oos_investigation.conclusion),
         phase_2_findings = coalesce(pg_catalog.btrim(close_oos_investigation.phase_2_findings), o.phase_2_findings),
         closed_by = auth.user_id(), closed_at = pg_catalog.now(), closure_signature = v_signed
   WHERE o.organization_id = v_oos.organization_id AND o.id = v_oos.id
  RETURNING * INTO v_oos;
  PERFORM app_private.publish_oos_event(v_oos, 'oos.closed');
  RETURN v_oos;
END
$$;
COMMENT ON FUNCTION app.close_oos_investigation(uuid, text, text, jsonb) IS
  E'Closes an OOS investigation\nAfter Phase I was decided, with a conclusion (and the Phase II findings when it went to Phase II), by someone with oos.investigate at the sample''s site; signed electronically (meaning "closed"), required under GLP. Event oos.closed.\nErrors: PT404 oos.not_found; PT403 permission.missing; 403 Pulse-Refusal: signature.wrong_password; PT409 oos.closed, oos.phase_1_open; PT422 oos.conclusion_required, oos.phase_2_findings_required, signature.required, signature.reason_required.';
