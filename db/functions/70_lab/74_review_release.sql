-- Review, release and amendment of results (migrations lab/core, lab/results).
-- Four eyes: whoever entered a result neither reviews nor releases it, unless
-- the tenant's typed setting results_self_review_allowed says so and its
-- results_review flag is not second_person. results_review: none (release
-- without review), single (one review, then release), second_person (one
-- review, and never by the person who entered it). Each step may be
-- e-signed, and must be when the tenant's glp_esignatures_required flag is
-- on: the signer's password is re-checked by the state machines' signature
-- code (app_private.sign_transition), and the record keeps the printed name,
-- the date and time and the meaning (21 CFR Part 11 §11.50).

-- The electronic signature of a lab record: NULL when none is sent and none
-- is required; {"refused": ...} (response 403) for a wrong password.
CREATE OR REPLACE FUNCTION app_private.sign_lab_record(
  p_organization_id uuid, p_entity_type text, p_entity_id uuid, p_from text, p_to text, p_meaning text, p_signature jsonb
) RETURNS jsonb
LANGUAGE plpgsql VOLATILE
SET search_path = ''
AS $$
DECLARE
  v_state app.entity_states;
  v_signed jsonb;
  v_meaning text := coalesce(nullif(pg_catalog.btrim(p_signature ->> 'meaning'), ''), p_meaning);
BEGIN
  IF p_signature IS NULL OR p_signature = 'null' OR NOT p_signature ? 'password' THEN
    IF app_private.feature_flag(p_organization_id, 'glp_esignatures_required') = 'true' THEN
      PERFORM app_private.raise_invalid('signature.required', pg_catalog.format('%s must be signed electronically', p_to),
        'The tenant requires electronic signatures (GLP): send signature {"password": "<your sign-in password>", "reason": "..."}.');
    END IF;
    RETURN NULL;
  END IF;
  IF coalesce(pg_catalog.btrim(p_signature ->> 'reason'), '') = '' THEN
    PERFORM app_private.raise_invalid('signature.reason_required', 'a signature needs a reason',
      'Send signature.reason, e.g. "results checked against the raw data".');
  END IF;
  v_state.organization_id := p_organization_id;
  v_state.entity_type := p_entity_type;
  v_state.entity_id := p_entity_id;
  v_state.state := p_from;
  v_signed := app_private.sign_transition(v_state, NULL, p_to, v_meaning, p_signature);
  IF v_signed ? 'refused' THEN
    RETURN v_signed;
  END IF;
  RETURN v_signed || pg_catalog.jsonb_build_object(
    'printed_name', (SELECT u.display_name FROM app.users AS u WHERE u.id = auth.user_id()),
    'signer_id', v_signed -> 'payload' -> 'signer_id', 'signed_at', v_signed -> 'payload' -> 'signed_at');
END
$$;
COMMENT ON FUNCTION app_private.sign_lab_record(uuid, text, uuid, text, text, text, jsonb) IS
  'The electronic signature of a lab record''s step (a result reviewed, released, amended; an OOS investigation closed), through the state machines'' signature code (app_private.sign_transition: password re-checked, counted with sign-in failures): meaning, reason, payload, payload_sha256 plus printed_name, signer_id and signed_at (21 CFR Part 11 §11.50). NULL when no signature is sent and the tenant does not require one (PT422 signature.required when glp_esignatures_required is on); PT422 signature.reason_required; {"refused": "signature.wrong_password"} with response 403 for a wrong password (the caller applies nothing).';

-- The result a member may act on, locked.
CREATE OR REPLACE FUNCTION app_private.result_for_decision(p_result_id uuid, p_permission text) RETURNS app.results
LANGUAGE plpgsql VOLATILE
SET search_path = ''
AS $$
DECLARE
  v_result app.results;
  v_site uuid;
BEGIN
  SELECT s.site_id INTO v_site FROM app.results AS r JOIN app.samples AS s ON s.organization_id = r.organization_id AND s.id = r.sample_id
   WHERE r.organization_id = auth.org_id() AND r.id = p_result_id;
  IF NOT FOUND OR auth.partner_id() IS NOT NULL OR NOT auth.has_permission('sample.read', v_site) AND NOT auth.has_permission(p_permission, v_site) THEN
    RAISE EXCEPTION 'result % not found', p_result_id USING ERRCODE = 'PT404', DETAIL = 'result.not_found',
      HINT = 'The result does not exist in your active tenant, or you may not see it.';
  END IF;
  PERFORM auth.check_permission_at(p_permission, v_site);
  SELECT * INTO v_result FROM app.results AS r WHERE r.organization_id = auth.org_id() AND r.id = p_result_id FOR UPDATE;
  RETURN v_result;
END
$$;
COMMENT ON FUNCTION app_private.result_for_decision(uuid, text) IS
  'The result (locked) a staff member may see, after checking the permission tenant-wide or at the sample''s site: PT404 result.not_found, PT403 permission.missing.';

-- Four eyes: the person who entered a result does not review or release it.
CREATE OR REPLACE FUNCTION app_private.require_other_person(p_result app.results, p_step text) RETURNS void
LANGUAGE plpgsql STABLE
SET search_path = ''
AS $$
BEGIN
  IF p_result.entered_by = auth.user_id()
     AND NOT (app_private.feature_flag(p_result.organization_id, 'results_self_review_allowed') = 'true'
              AND app_private.feature_flag(p_result.organization_id, 'results_review') <> '"second_person"') THEN
    RAISE EXCEPTION 'you entered this result and cannot % it', p_step USING ERRCODE = 'PT403', DETAIL = 'result.four_eyes',
      HINT = 'Another person reviews and releases it (four eyes); a tenant may allow self-review with the setting results_self_review_allowed unless results_review is second_person.';
  END IF;
END
$$;
COMMENT ON FUNCTION app_private.require_other_person(app.results, text) IS
  'Four eyes: PT403 result.four_eyes when the caller entered the result, unless the tenant allows self-review (results_self_review_allowed on and results_review not second_person).';

CREATE OR REPLACE FUNCTION app.review_result(result_id uuid, signature jsonb DEFAULT NULL) RETURNS app.results
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = ''
AS $$
DECLARE
  v_result app.results := app_private.result_for_decision(review_result.result_id, 'result.review');
  v_signed jsonb;
BEGIN
  IF v_result.status <> 'entered' THEN
    RAISE EXCEPTION 'the result is %', v_result.status USING ERRCODE = 'PT409', DETAIL = 'result.not_entered',
      HINT = 'Only an entered result is reviewed.';
  END IF;
  PERFORM app_private.require_other_person(v_result, 'review');
  v_signed := app_private.sign_lab_record(v_result.organization_id, 'result', v_result.id, 'entered', 'reviewed', 'reviewed', review_result.signature);
  IF v_signed ? 'refused' THEN
    RETURN v_result;
  END IF;
  UPDATE app.results AS r SET status = 'reviewed', reviewed_by = auth.user_id(), reviewed_at = pg_catalog.now(), review_signature = v_signed
   WHERE r.organization_id = v_result.organization_id AND r.id = v_result.id
  RETURNING * INTO v_result;
  UPDATE app.analyses AS a SET status = 'reviewed'
   WHERE a.organization_id = v_result.organization_id AND a.id = v_result.analysis_id AND a.status = 'resulted';
  RETURN v_result;
END
$$;
COMMENT ON FUNCTION app.review_result(uuid, jsonb) IS
  E'Reviews a result\nAn entered result becomes reviewed (its analysis too), by someone other than who entered it (four eyes), with result.review at the sample''s site; signature {"password", "reason", "meaning"} (meaning "reviewed" by default) is required when the tenant''s GLP flag is on.\nErrors: PT404 result.not_found; PT403 permission.missing, result.four_eyes; 403 with header Pulse-Refusal: signature.wrong_password; PT409 result.not_entered; PT422 signature.required, signature.reason_required; PT429 while sign-in is locked.';

CREATE OR REPLACE FUNCTION app.release_result(result_id uuid, signature jsonb DEFAULT NULL) RETURNS app.results
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = ''
AS $$
DECLARE
  v_result app.results := app_private.result_for_decision(release_result.result_id, 'result.release');
  v_review text := app_private.feature_flag(v_result.organization_id, 'results_review') #>> '{}';
  v_signed jsonb;
BEGIN
  IF v_result.status = 'entered' AND v_review <> 'none' THEN
    RAISE EXCEPTION 'the result is not reviewed yet' USING ERRCODE = 'PT409', DETAIL = 'result.not_reviewed',
      HINT = 'The tenant reviews results before release (results_review): POST /rpc/review_result first.';
  ELSIF v_result.status NOT IN ('entered', 'reviewed') THEN
    RAISE EXCEPTION 'the result is %', v_result.status USING ERRCODE = 'PT409', DETAIL = 'result.not_releasable',
      HINT = 'An entered (when results_review is none) or reviewed result is released; a released one is amended.';
  END IF;
  PERFORM app_private.require_other_person(v_result, 'release');
  v_signed := app_private.sign_lab_record(v_result.organization_id, 'result', v_result.id, v_result.status::text, 'released', 'released',
                                          release_result.signature);
  IF v_signed ? 'refused' THEN
    RETURN v_result;
  END IF;
  UPDATE app.results AS r SET status = 'released', released_by = auth.user_id(), released_at = pg_catalog.now(), release_signature = v_signed
   WHERE r.organization_id = v_result.organization_id AND r.id = v_result.id
  RETURNING * INTO v_result;
  UPDATE app.analyses AS a SET status = 'released'
   WHERE a.organization_id = v_result.organization_id AND a.id = v_result.analysis_id AND a.status IN ('resulted', 'reviewed');
  PERFORM app_private.publish_result_event(v_result, 'result.released');
  RETURN v_result;
END
$$;
COMMENT ON FUNCTION app.release_result(uuid, jsonb) IS
  E'Releases a result\nA reviewed result (or an entered one when the tenant''s results_review is none) becomes released (its analysis too) and visible to the customer''s portal users; by someone other than who entered it (four eyes), with result.release at the sample''s site; signed as for review (meaning "released"). Event result.released.\nErrors: PT404 result.not_found; PT403 permission.missing, result.four_eyes; 403 Pulse-Refusal: signature.wrong_password; PT409 result.not_reviewed, result.not_releasable; PT422 signature.required, signature.reason_required.';

-- A released result is changed only by an amendment: a new released result
-- pointing at it, with the reason; the original is kept, superseded.
CREATE OR REPLACE FUNCTION app.amend_result(result_id uuid, value jsonb, reason text, signature jsonb DEFAULT NULL, unit text DEFAULT NULL)
RETURNS app.results
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = ''
AS $$
DECLARE
  v_original app.results := app_private.result_for_decision(amend_result.result_id, 'result.release');
  v_amended app.results;
  v_signed jsonb;
BEGIN
  IF v_original.status <> 'released' THEN
    RAISE EXCEPTION 'the result is %', v_original.status USING ERRCODE = 'PT409', DETAIL = 'result.not_released',
      HINT = 'Only a released result is amended; an entered or reviewed one is still being checked.';
  END IF;
  IF coalesce(pg_catalog.btrim(amend_result.reason), '') = '' THEN
    PERFORM app_private.raise_invalid('result.amendment_reason_required', 'an amendment needs a reason',
      'State why the released result is changed (kept with the amendment).');
  END IF;
  v_signed := app_private.sign_lab_record(v_original.organization_id, 'result', v_original.id, 'released', 'superseded', 'amended',
                                          amend_result.signature);
  IF v_signed ? 'refused' THEN
    RETURN v_original;
  END IF;
  UPDATE app.results AS r SET status = 'superseded'
   WHERE r.organization_id = v_original.organization_id AND r.id = v_original.id;
  INSERT INTO app.results (organization_id, analysis_id, value, unit, equipment_id, measured_at, raw_data_key, raw_data_sha256,
                           amends_id, amendment_reason, comment)
  VALUES (v_original.organization_id, v_original.analysis_id, amend_result.value,
          coalesce(amend_result.unit, v_original.reported_unit, v_original.unit), v_original.equipment_id, v_original.measured_at,
          v_original.raw_data_key, v_original.raw_data_sha256, v_original.id, pg_catalog.btrim(amend_result.reason), v_original.comment)
  RETURNING * INTO v_amended;
  UPDATE app.results AS r SET status = 'released', reviewed_by = v_original.reviewed_by, reviewed_at = v_original.reviewed_at,
         released_by = auth.user_id(), released_at = pg_catalog.now(), release_signature = v_signed
   WHERE r.organization_id = v_amended.organization_id AND r.id = v_amended.id
  RETURNING * INTO v_amended;
  PERFORM app_private.publish_result_event(v_amended, 'result.amended');
  RETURN v_amended;
END
$$;
COMMENT ON FUNCTION app.amend_result(uuid, jsonb, text, jsonb, text) IS
  E'Amends a released result\nA new released result with the corrected document (validated, converted and judged like any result; same instrument, time and raw data), amends_id pointing at the original and the reason; the original is kept, superseded. With result.release at the sample''s site; signed as for release (meaning "amended"), required under GLP. Event result.amended.\nErrors: PT404 result.not_found; PT403 permission.missing; 403 Pulse-Refusal: signature.wrong_password; PT409 result.not_released; PT422 result.amendment_reason_required, json_schema.invalid, signature.required, signature.reason_required.';

CREATE OR REPLACE FUNCTION app_private.publish_result_event(p_result app.results, p_event_type text) RETURNS void
LANGUAGE plpgsql VOLATILE
SET search_path = ''
AS $$
BEGIN
  PERFORM app_private.publish_event(p_result.organization_id, p_event_type,
    (SELECT pg_catalog.jsonb_build_object(
       'result_id', p_result.id, 'analysis_id', p_result.analysis_id, 'sample_id', p_result.sample_id, 'sample_number', s.sample_number,
       'partner_id', s.partner_id, 'test_code', t.code, 'test_version', t.version, 'value', p_result.value,
       'numeric_value', p_result.numeric_value, 'unit', p_result.unit, 'specification_id', p_result.specification_id,
       'spec_verdict', p_result.spec_verdict, 'amends_id', p_result.amends_id, 'amendment_reason', p_result.amendment_reason,
       'released_by', p_result.released_by, 'released_at', p_result.released_at, 'signed', p_result.release_signature IS NOT NULL)
       FROM app.samples AS s, app.analyses AS a, app.lab_tests AS t
      WHERE s.organization_id = p_result.organization_id AND s.id = p_result.sample_id
        AND a.organization_id = p_result.organization_id AND a.id = p_result.analysis_id
        AND t.organization_id = a.organization_id AND t.id = a.lab_test_id),
    'result', p_result.id);
END
$$;
COMMENT ON FUNCTION app_private.publish_result_event(app.results, text) IS
  'Publishes result.released or result.amended (contracts/events/lab/) for a result: its sample, customer, test, value, verdict, amendment and release.';
