-- Runs (worksheets) with QC (migration lab/runs): analyses of one test
-- batched on one instrument with blanks, controls, duplicates and reference
-- materials. A QC sample is evaluated against its criteria when its value is
-- recorded; one outside its criteria fails the run, which invalidates every
-- result of the run and sends each analysis back for retest (a new pending
-- analysis, retest_of_id the old one), in the same transaction.
-- Site-scoped by the instrument's site: result.enter builds and runs a run,
-- result.review accepts or fails it by hand.

-- The sample status moves runs need, until the samples part's
-- app_private.set_sample_status takes them over (the lead folds the two).
-- Walks the lifecycle (tg_samples__prepare still checks every step).
CREATE OR REPLACE FUNCTION app_private.runs_move_sample(p_organization_id uuid, p_sample_id uuid, p_to app.sample_status) RETURNS void
LANGUAGE plpgsql VOLATILE
SET search_path = ''
AS $$
DECLARE
  v_status app.sample_status;
BEGIN
  SELECT s.status INTO v_status FROM app.samples AS s WHERE s.organization_id = p_organization_id AND s.id = p_sample_id FOR UPDATE;
  IF p_to = 'in_progress' AND v_status IN ('received', 'retest', 'completed') THEN
    PERFORM app_private.set_sample_status(p_organization_id, p_sample_id, 'in_progress', 'run started');
  ELSIF p_to = 'retest' AND v_status IN ('in_progress', 'completed', 'released', 'invalidated') THEN
    PERFORM app_private.set_sample_status(p_organization_id, p_sample_id, 'invalidated', 'run failed');
    PERFORM app_private.set_sample_status(p_organization_id, p_sample_id, 'retest', 'run failed');
  END IF;
END
$$;
COMMENT ON FUNCTION app_private.runs_move_sample(uuid, uuid, app.sample_status) IS
  'Which sample moves a run makes, through app_private.set_sample_status (history, event): to in_progress (from received, retest or completed) when a run starts; to retest (through invalidated, from in_progress, completed or released) when a failed run sends its analyses back. Other statuses are left alone.';

-- The run a caller may work on, locked; PT404 when it is not theirs to see.
CREATE OR REPLACE FUNCTION app_private.lock_run(p_run_id uuid, p_permission text) RETURNS app.runs
LANGUAGE plpgsql VOLATILE
SET search_path = ''
AS $$
DECLARE
  v_run app.runs;
BEGIN
  SELECT * INTO v_run FROM app.runs AS r WHERE r.organization_id = auth.org_id() AND r.id = p_run_id FOR UPDATE;
  IF NOT FOUND OR auth.partner_id() IS NOT NULL
     OR NOT (auth.has_permission('sample.read', v_run.site_id) OR auth.has_permission(p_permission, v_run.site_id)) THEN
    RAISE EXCEPTION 'run % not found', p_run_id USING ERRCODE = 'PT404', DETAIL = 'run.not_found',
      HINT = 'The run does not exist in your active tenant, or you may not see it (GET /runs).';
  END IF;
  PERFORM auth.check_permission_at(p_permission, v_run.site_id);
  RETURN v_run;
END
$$;
COMMENT ON FUNCTION app_private.lock_run(uuid, text) IS
  'The caller''s tenant''s run, locked FOR UPDATE, when the caller may see it (PT404 run.not_found otherwise) and holds the permission tenant-wide or at its site (PT403 permission.missing).';

CREATE OR REPLACE FUNCTION app_private.refuse_run_status(p_run app.runs, p_allowed app.run_status[], p_doing text) RETURNS void
LANGUAGE plpgsql STABLE
SET search_path = ''
AS $$
BEGIN
  IF NOT p_run.status = ANY (p_allowed) THEN
    RAISE EXCEPTION 'run % is %: cannot %', p_run.run_number, p_run.status, p_doing USING ERRCODE = 'PT409', DETAIL = 'run.status',
      HINT = pg_catalog.format('This needs the run to be %s (open -> in_progress -> completed -> accepted; failed).', pg_catalog.array_to_string(p_allowed, ' or '));
  END IF;
END
$$;
COMMENT ON FUNCTION app_private.refuse_run_status(app.runs, app.run_status[], text) IS
  'PT409 run.status naming the run, its status and what was tried, unless the run is in one of the allowed statuses.';

-- Runs ---------------------------------------------------------------------

CREATE OR REPLACE FUNCTION app_private.tg_runs__prepare() RETURNS trigger
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
    IF NOT EXISTS (SELECT FROM app.lab_tests AS t WHERE t.organization_id = NEW.organization_id AND t.code = NEW.test_code AND t.status = 'published') THEN
      PERFORM app_private.raise_invalid('run.test_unknown', pg_catalog.format('no published test %s', NEW.test_code),
        'A run is of one published test (GET /lab_tests?status=eq.published).');
    END IF;
    NEW.run_number := app_private.take_human_id(NEW.organization_id, 'RUN', NEW.run_number);
    NEW.created_by := auth.user_id();
  END IF;
  -- A status change comes from the run RPCs, which check their own permission.
  IF app_private.is_member_call() AND (TG_OP = 'INSERT' OR NEW.status = OLD.status) THEN
    PERFORM auth.check_permission_at('result.enter', NEW.site_id);
  END IF;
  RETURN NEW;
END
$$;
COMMENT ON FUNCTION app_private.tg_runs__prepare() IS
  'BEFORE INSERT/UPDATE on runs: the tenant guard; a new run is on equipment the caller may see (PT404 equipment.not_found) and takes its site, is of a published test (PT422 run.test_unknown), gets the next human id (RUN-000123) and its creator; a member writing it needs result.enter tenant-wide or at the site (PT403 permission.missing; status changes come from the run RPCs, which check theirs).';

CREATE OR REPLACE TRIGGER _000_require_site_permission BEFORE INSERT ON app.runs
  FOR EACH STATEMENT EXECUTE FUNCTION app_private.tg_require_insert_permission_at_a_site('result.enter');
CREATE OR REPLACE TRIGGER _200_prepare BEFORE INSERT OR UPDATE ON app.runs
  FOR EACH ROW EXECUTE FUNCTION app_private.tg_runs__prepare();
CREATE OR REPLACE TRIGGER _100_touch_updated_at BEFORE UPDATE ON app.runs
  FOR EACH ROW EXECUTE FUNCTION app_private.tg__touch_updated_at();

SELECT app_private.register_entity_type('run', 'app.runs', 'notes', 'Run', 'run_number');

-- The worksheet: analyses of the run's test, added and removed while open.
CREATE OR REPLACE FUNCTION app_private.tg_run_analyses__prepare() RETURNS trigger
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = ''
AS $$
DECLARE
  v_row app.run_analyses;
  v_run app.runs;
  v_analysis record;
BEGIN
  PERFORM app_private.refuse_foreign_tenant(coalesce(NEW.organization_id, OLD.organization_id));
  v_row := CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
  SELECT * INTO v_run FROM app.runs AS r WHERE r.organization_id = v_row.organization_id AND r.id = v_row.run_id FOR UPDATE;
  IF NOT FOUND AND TG_OP = 'DELETE' THEN
    RETURN OLD;  -- the run itself is being deleted
  END IF;
  IF app_private.is_member_call() THEN
    PERFORM auth.check_permission_at('result.enter', v_run.site_id);
  END IF;
  IF v_run.status <> 'open' AND (TG_OP = 'INSERT' OR app_private.is_member_call()) THEN
    PERFORM app_private.refuse_run_status(v_run, ARRAY['open']::app.run_status[], CASE TG_OP WHEN 'INSERT' THEN 'add analyses' ELSE 'remove analyses' END);
  END IF;
  IF TG_OP = 'DELETE' THEN
    RETURN OLD;
  END IF;
  SELECT a.status, t.code, s.site_id, s.sample_number INTO v_analysis
    FROM app.analyses AS a JOIN app.lab_tests AS t ON t.organization_id = a.organization_id AND t.id = a.lab_test_id
    JOIN app.samples AS s ON s.organization_id = a.organization_id AND s.id = a.sample_id
   WHERE a.organization_id = NEW.organization_id AND a.id = NEW.analysis_id;
  IF app_private.is_member_call() THEN
    PERFORM auth.check_permission_at('result.enter', v_analysis.site_id);
  END IF;
  IF v_analysis.code IS DISTINCT FROM v_run.test_code THEN
    PERFORM app_private.raise_invalid('run.test_mismatch',
      pg_catalog.format('the analysis of sample %s is of test %s, run %s is of %s', v_analysis.sample_number, v_analysis.code, v_run.run_number, v_run.test_code),
      'A run holds analyses of its own test only.');
  END IF;
  IF v_analysis.status NOT IN ('pending', 'in_progress') THEN
    RAISE EXCEPTION 'the analysis of sample % is %', v_analysis.sample_number, v_analysis.status USING ERRCODE = 'PT409', DETAIL = 'analysis.not_open',
      HINT = 'Only pending or in-progress analyses go on a run (a retest is a new analysis).';
  END IF;
  NEW.position := coalesce(NEW.position, (SELECT coalesce(max(ra.position), 0) + 1 FROM app.run_analyses AS ra
                                           WHERE ra.organization_id = NEW.organization_id AND ra.run_id = NEW.run_id));
  NEW.added_by := auth.user_id();
  RETURN NEW;
END
$$;
COMMENT ON FUNCTION app_private.tg_run_analyses__prepare() IS
  'BEFORE INSERT/DELETE on run_analyses: the tenant guard; a member needs result.enter at the run''s and the sample''s site (PT403 permission.missing); analyses are added and removed while the run is open (PT409 run.status); an analysis is of the run''s test (PT422 run.test_mismatch) and pending or in progress (PT409 analysis.not_open); the next position unless sent; who added it.';

CREATE OR REPLACE TRIGGER _000_require_site_permission BEFORE INSERT ON app.run_analyses
  FOR EACH STATEMENT EXECUTE FUNCTION app_private.tg_require_insert_permission_at_a_site('result.enter');
CREATE OR REPLACE TRIGGER _200_prepare BEFORE INSERT OR DELETE ON app.run_analyses
  FOR EACH ROW EXECUTE FUNCTION app_private.tg_run_analyses__prepare();

-- QC samples: defined while the run is open or in progress, frozen once measured.
CREATE OR REPLACE FUNCTION app_private.tg_run_qc_samples__prepare() RETURNS trigger
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = ''
AS $$
DECLARE
  v_row app.run_qc_samples;
  v_run app.runs;
BEGIN
  PERFORM app_private.refuse_foreign_tenant(coalesce(NEW.organization_id, OLD.organization_id));
  v_row := CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
  SELECT * INTO v_run FROM app.runs AS r WHERE r.organization_id = v_row.organization_id AND r.id = v_row.run_id;
  IF NOT FOUND AND TG_OP = 'DELETE' THEN
    RETURN OLD;  -- the run itself is being deleted
  END IF;
  IF app_private.is_member_call() THEN
    PERFORM auth.check_permission_at('result.enter', v_run.site_id);
    PERFORM app_private.refuse_run_status(v_run, ARRAY['open', 'in_progress']::app.run_status[], 'change its QC samples');
    -- A measured QC sample is a record; an upsert that sends it back unchanged changes nothing and passes.
    IF TG_OP <> 'INSERT' AND OLD.measured_value IS NOT NULL
       AND (TG_OP = 'DELETE' OR pg_catalog.to_jsonb(NEW) - 'updated_at' IS DISTINCT FROM pg_catalog.to_jsonb(OLD) - 'updated_at') THEN
      RAISE EXCEPTION 'QC sample % was measured', OLD.label USING ERRCODE = 'PT409', DETAIL = 'qc.recorded',
        HINT = 'A measured QC sample is a record: it is neither changed nor removed.';
    END IF;
  END IF;
  IF TG_OP = 'DELETE' THEN
    RETURN OLD;
  END IF;
  IF NEW.duplicate_of_id IS NOT NULL AND NOT EXISTS (
       SELECT FROM app.run_analyses AS ra WHERE ra.organization_id = NEW.organization_id AND ra.run_id = NEW.run_id AND ra.analysis_id = NEW.duplicate_of_id) THEN
    PERFORM app_private.raise_invalid('qc.duplicate_not_in_run', 'a duplicate repeats an analysis of its own run',
      'Send duplicate_of_id: an analysis on the run (GET /run_analyses?run_id=eq.<run>).');
  END IF;
  NEW.unit := coalesce(NEW.unit, (SELECT t.unit FROM app.lab_tests AS t WHERE t.organization_id = NEW.organization_id AND t.code = v_run.test_code
                                   AND t.status = 'published'));
  RETURN NEW;
END
$$;
COMMENT ON FUNCTION app_private.tg_run_qc_samples__prepare() IS
  'BEFORE INSERT/UPDATE/DELETE on run_qc_samples: the tenant guard; a member needs result.enter at the run''s site (PT403 permission.missing), while the run is open or in progress (PT409 run.status), and a measured QC sample is frozen (PT409 qc.recorded; sending it back unchanged passes); a duplicate repeats an analysis of the run (PT422 qc.duplicate_not_in_run); the test''s unit unless sent.';

CREATE OR REPLACE TRIGGER _000_require_site_permission BEFORE INSERT ON app.run_qc_samples
  FOR EACH STATEMENT EXECUTE FUNCTION app_private.tg_require_insert_permission_at_a_site('result.enter');
CREATE OR REPLACE TRIGGER _200_prepare BEFORE INSERT OR UPDATE OR DELETE ON app.run_qc_samples
  FOR EACH ROW EXECUTE FUNCTION app_private.tg_run_qc_samples__prepare();
CREATE OR REPLACE TRIGGER _100_touch_updated_at BEFORE UPDATE ON app.run_qc_samples
  FOR EACH ROW EXECUTE FUNCTION app_private.tg__touch_updated_at();

-- A result of an analysis on a run belongs to the run, measured while it is in progress.
CREATE OR REPLACE FUNCTION app_private.tg_results__link_run() RETURNS trigger
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = ''
AS $$
DECLARE
  v_run app.runs;
BEGIN
  PERFORM app_private.refuse_foreign_tenant(NEW.organization_id);
  SELECT r.* INTO v_run FROM app.run_analyses AS ra JOIN app.runs AS r ON r.organization_id = ra.organization_id AND r.id = ra.run_id
   WHERE ra.organization_id = NEW.organization_id AND ra.analysis_id = NEW.analysis_id;
  IF NEW.run_id IS DISTINCT FROM v_run.id AND NEW.run_id IS NOT NULL THEN
    PERFORM app_private.raise_invalid('result.run_mismatch', 'the analysis is not on that run',
      'Leave run_id out: a result takes the run its analysis is on.');
  END IF;
  IF v_run.id IS NOT NULL AND v_run.status <> 'in_progress' THEN
    PERFORM app_private.refuse_run_status(v_run, ARRAY['in_progress']::app.run_status[], 'take results');
  END IF;
  NEW.run_id := v_run.id;
  RETURN NEW;
END
$$;
COMMENT ON FUNCTION app_private.tg_results__link_run() IS
  'BEFORE INSERT on results: the tenant guard; a result of an analysis on a run gets the run (PT422 result.run_mismatch for another run) and is taken only while the run is in progress (PT409 run.status).';

CREATE OR REPLACE TRIGGER _210_link_run BEFORE INSERT ON app.results
  FOR EACH ROW EXECUTE FUNCTION app_private.tg_results__link_run();

-- QC evaluation ------------------------------------------------------------

-- Whether a measured value meets a QC sample's criteria; for a duplicate,
-- p_original is its original analysis's value.
CREATE OR REPLACE FUNCTION app_private.evaluate_qc(p_qc app.run_qc_samples, p_measured numeric, p_original numeric,
                                                  OUT passed boolean, OUT rpd numeric, OUT evaluation text)
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
SET search_path = ''
AS $$
BEGIN
  IF p_qc.kind = 'blank' THEN
    passed := p_measured <= p_qc.max_value;
    evaluation := pg_catalog.format('%s %s the blank limit %s', p_measured, CASE WHEN passed THEN 'is within' ELSE 'exceeds' END, p_qc.max_value);
  ELSIF p_qc.kind = 'duplicate' THEN
    rpd := CASE WHEN p_measured + p_original = 0 THEN 0
                ELSE round(abs(p_measured - p_original) / (abs(p_measured + p_original) / 2) * 100, 4) END;
    passed := rpd <= p_qc.max_rpd;
    evaluation := pg_catalog.format('RPD %s%% against %s %s the limit %s%%', rpd, p_original, CASE WHEN passed THEN 'is within' ELSE 'exceeds' END, p_qc.max_rpd);
  ELSIF p_qc.expected_value IS NOT NULL THEN
    passed := abs(p_measured - p_qc.expected_value) <= p_qc.tolerance;
    evaluation := pg_catalog.format('%s is %s %s ± %s', p_measured, CASE WHEN passed THEN 'within' ELSE 'outside' END, p_qc.expected_value, p_qc.tolerance);
  ELSE
    passed := p_measured BETWEEN p_qc.min_value AND p_qc.max_value;
    evaluation := pg_catalog.format('%s is %s %s..%s', p_measured, CASE WHEN passed THEN 'within' ELSE 'outside' END, p_qc.min_value, p_qc.max_value);
  END IF;
END
$$;
COMMENT ON FUNCTION app_private.evaluate_qc(app.run_qc_samples, numeric, numeric) IS
  'A QC sample''s verdict on a measured value: a blank at most max_value; a control or reference material within expected_value ± tolerance or min_value..max_value; a duplicate''s relative percent difference |a-b| / (|a+b|/2) × 100 to its original at most max_rpd. Returns passed, rpd, the evaluation in words.';

-- Failing a run: every result of the run invalidated, each analysis invalidated
-- and repeated by a new pending analysis, the samples back to retest; one transaction.
CREATE OR REPLACE FUNCTION app_private.fail_run(p_run app.runs, p_reason text, p_decided_by uuid) RETURNS app.runs
LANGUAGE plpgsql VOLATILE
SET search_path = ''
AS $$
DECLARE
  v_run app.runs;
  v_results uuid[];
  v_retests jsonb;
BEGIN
  UPDATE app.runs SET status = 'failed', failure_reason = p_reason, decided_by = p_decided_by, decided_at = now()
   WHERE organization_id = p_run.organization_id AND id = p_run.id
  RETURNING * INTO v_run;
  WITH invalidated AS (
    UPDATE app.results AS r SET status = 'invalidated'
     WHERE r.organization_id = p_run.organization_id AND r.status NOT IN ('invalidated', 'superseded')
       AND (r.run_id = p_run.id OR r.analysis_id IN (SELECT ra.analysis_id FROM app.run_analyses AS ra
                                                     WHERE ra.organization_id = p_run.organization_id AND ra.run_id = p_run.id))
    RETURNING r.id)
  SELECT coalesce(array_agg(id ORDER BY id), '{}') INTO v_results FROM invalidated;
  UPDATE app.analyses AS a SET status = 'invalidated'
   WHERE a.organization_id = p_run.organization_id AND a.status NOT IN ('invalidated', 'cancelled')
     AND a.id IN (SELECT ra.analysis_id FROM app.run_analyses AS ra WHERE ra.organization_id = p_run.organization_id AND ra.run_id = p_run.id);
  PERFORM app_private.runs_move_sample(p_run.organization_id, s.sample_id, 'retest')
     FROM (SELECT DISTINCT a.sample_id FROM app.run_analyses AS ra
             JOIN app.analyses AS a ON a.organization_id = ra.organization_id AND a.id = ra.analysis_id
            WHERE ra.organization_id = p_run.organization_id AND ra.run_id = p_run.id) AS s;
  WITH retest AS (
    INSERT INTO app.analyses (organization_id, sample_id, lab_test_id, assigned_to, due_at, retest_of_id)
    SELECT a.organization_id, a.sample_id,
           coalesce((SELECT t.id FROM app.lab_tests AS t WHERE t.organization_id = a.organization_id AND t.code = p_run.test_code AND t.status = 'published'),
                    a.lab_test_id),
           a.assigned_to, a.due_at, a.id
      FROM app.run_analyses AS ra JOIN app.analyses AS a ON a.organization_id = ra.organization_id AND a.id = ra.analysis_id
     WHERE ra.organization_id = p_run.organization_id AND ra.run_id = p_run.id AND a.status = 'invalidated'
       AND NOT EXISTS (SELECT FROM app.analyses AS r WHERE r.organization_id = a.organization_id AND r.retest_of_id = a.id)
    RETURNING id, retest_of_id)
  SELECT coalesce(jsonb_agg(jsonb_build_object('analysis_id', retest_of_id, 'retest_analysis_id', id) ORDER BY retest_of_id), '[]') INTO v_retests FROM retest;
  PERFORM app_private.publish_event(v_run.organization_id, 'run.failed',
    jsonb_build_object('run_id', v_run.id, 'run_number', v_run.run_number, 'test_code', v_run.test_code, 'equipment_id', v_run.equipment_id,
                       'site_id', v_run.site_id, 'reason', v_run.failure_reason, 'decided_by', v_run.decided_by, 'failed_at', v_run.decided_at,
                       'failed_qc', (SELECT coalesce(jsonb_agg(jsonb_build_object('qc_sample_id', q.id, 'kind', q.kind, 'label', q.label,
                                                                                  'measured_value', q.measured_value, 'evaluation', q.evaluation) ORDER BY q.recorded_at, q.id), '[]')
                                       FROM app.run_qc_samples AS q WHERE q.organization_id = v_run.organization_id AND q.run_id = v_run.id AND NOT q.passed),
                       'invalidated_result_ids', to_jsonb(v_results), 'retests', v_retests),
    'run', v_run.id);
  RETURN v_run;
END
$$;
COMMENT ON FUNCTION app_private.fail_run(app.runs, text, uuid) IS
  'Fails a run in the caller''s transaction: status failed with the reason; every result of the run (by run_id or by its analyses) invalidated; each analysis invalidated and repeated by a new pending analysis of the published test version (retest_of_id the old one, same assignee and due date); the samples back to retest; publishes run.failed.';

-- The RPCs ----------------------------------------------------------------

CREATE OR REPLACE FUNCTION app.record_qc_value(qc_sample_id uuid, measured_value numeric) RETURNS app.run_qc_samples
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = ''
AS $$
DECLARE
  v_qc app.run_qc_samples;
  v_run app.runs;
  v_original numeric;
  v_verdict record;
BEGIN
  SELECT * INTO v_qc FROM app.run_qc_samples AS q WHERE q.organization_id = auth.org_id() AND q.id = record_qc_value.qc_sample_id;
  v_run := app_private.lock_run(v_qc.run_id, 'result.enter');
  SELECT * INTO v_qc FROM app.run_qc_samples AS q WHERE q.organization_id = v_run.organization_id AND q.id = record_qc_value.qc_sample_id FOR UPDATE;
  PERFORM app_private.refuse_run_status(v_run, ARRAY['in_progress']::app.run_status[], 'record QC values');
  IF v_qc.measured_value IS NOT NULL THEN
    RAISE EXCEPTION 'QC sample % was measured', v_qc.label USING ERRCODE = 'PT409', DETAIL = 'qc.recorded',
      HINT = 'A measured QC sample is a record: it is neither changed nor removed.';
  END IF;
  IF record_qc_value.measured_value IS NULL THEN
    PERFORM app_private.raise_invalid('qc.value_missing', 'a measured value is required', 'Send measured_value (a number, in the QC sample''s unit).');
  END IF;
  IF v_qc.kind = 'duplicate' THEN
    SELECT r.numeric_value INTO v_original FROM app.results AS r
     WHERE r.organization_id = v_qc.organization_id AND r.analysis_id = v_qc.duplicate_of_id AND r.status NOT IN ('invalidated', 'superseded')
       AND r.numeric_value IS NOT NULL
     ORDER BY r.entered_at DESC LIMIT 1;
    IF v_original IS NULL THEN
      RAISE EXCEPTION 'the original of duplicate % has no result yet', v_qc.label USING ERRCODE = 'PT409', DETAIL = 'qc.original_missing',
        HINT = 'Record the original analysis''s result first; the duplicate is compared with it.';
    END IF;
  END IF;
  v_verdict := app_private.evaluate_qc(v_qc, record_qc_value.measured_value, v_original);
  UPDATE app.run_qc_samples SET measured_value = record_qc_value.measured_value, rpd = v_verdict.rpd, passed = v_verdict.passed, evaluation = v_verdict.evaluation,
                                recorded_by = auth.user_id(), recorded_at = now()
   WHERE organization_id = v_qc.organization_id AND id = v_qc.id
  RETURNING * INTO v_qc;
  IF NOT v_qc.passed THEN
    PERFORM app_private.fail_run(v_run, pg_catalog.format('%s %s failed: %s', v_qc.kind, v_qc.label, v_qc.evaluation), NULL);
  END IF;
  RETURN v_qc;
END
$$;
COMMENT ON FUNCTION app.record_qc_value(uuid, numeric) IS
  E'Record a QC value\nRecords the measured value of a QC sample of an in-progress run (result.enter at the run''s site) and evaluates it against its criteria (a duplicate against its original''s result). A value outside the criteria fails the run at once: its results are invalidated and its analyses go back for retest (run.failed). PT404 run.not_found, PT409 run.status, qc.recorded, qc.original_missing, PT422 qc.value_missing.';

CREATE OR REPLACE FUNCTION app.start_run(run_id uuid) RETURNS app.runs
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = ''
AS $$
DECLARE
  v_run app.runs := app_private.lock_run(start_run.run_id, 'result.enter');
BEGIN
  PERFORM app_private.refuse_run_status(v_run, ARRAY['open']::app.run_status[], 'start');
  IF NOT EXISTS (SELECT FROM app.run_analyses AS ra WHERE ra.organization_id = v_run.organization_id AND ra.run_id = v_run.id) THEN
    RAISE EXCEPTION 'run % has no analyses', v_run.run_number USING ERRCODE = 'PT409', DETAIL = 'run.empty',
      HINT = 'Add analyses (POST /run_analyses) before starting the run.';
  END IF;
  UPDATE app.analyses AS a SET status = 'in_progress'
   WHERE a.organization_id = v_run.organization_id AND a.status = 'pending'
     AND a.id IN (SELECT ra.analysis_id FROM app.run_analyses AS ra WHERE ra.organization_id = v_run.organization_id AND ra.run_id = v_run.id);
  PERFORM app_private.runs_move_sample(v_run.organization_id, s.sample_id, 'in_progress')
     FROM (SELECT DISTINCT a.sample_id FROM app.run_analyses AS ra JOIN app.analyses AS a ON a.organization_id = ra.organization_id AND a.id = ra.analysis_id
            WHERE ra.organization_id = v_run.organization_id AND ra.run_id = v_run.id) AS s;
  UPDATE app.runs SET status = 'in_progress', started_at = now() WHERE organization_id = v_run.organization_id AND id = v_run.id RETURNING * INTO v_run;
  RETURN v_run;
END
$$;
COMMENT ON FUNCTION app.start_run(uuid) IS
  E'Start a run\nopen -> in_progress (result.enter at the run''s site): the worksheet is fixed, its analyses go in progress and their samples too. PT404 run.not_found, PT409 run.status, run.empty.';

CREATE OR REPLACE FUNCTION app.complete_run(run_id uuid) RETURNS app.runs
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = ''
AS $$
DECLARE
  v_run app.runs := app_private.lock_run(complete_run.run_id, 'result.enter');
  v_missing text;
BEGIN
  PERFORM app_private.refuse_run_status(v_run, ARRAY['in_progress']::app.run_status[], 'complete');
  IF NOT EXISTS (SELECT FROM app.run_qc_samples AS q WHERE q.organization_id = v_run.organization_id AND q.run_id = v_run.id) THEN
    RAISE EXCEPTION 'run % has no QC samples', v_run.run_number USING ERRCODE = 'PT409', DETAIL = 'run.no_qc',
      HINT = 'A run is proved by its QC samples: add at least one (POST /run_qc_samples) and record it.';
  END IF;
  SELECT string_agg(q.label, ', ' ORDER BY q.label) INTO v_missing FROM app.run_qc_samples AS q
   WHERE q.organization_id = v_run.organization_id AND q.run_id = v_run.id AND q.measured_value IS NULL;
  IF v_missing IS NOT NULL THEN
    RAISE EXCEPTION 'run % has unmeasured QC samples: %', v_run.run_number, v_missing USING ERRCODE = 'PT409', DETAIL = 'run.qc_unrecorded',
      HINT = 'Record every QC sample (POST /rpc/record_qc_value) before completing the run.';
  END IF;
  SELECT string_agg(s.sample_number, ', ' ORDER BY s.sample_number) INTO v_missing
    FROM app.run_analyses AS ra JOIN app.analyses AS a ON a.organization_id = ra.organization_id AND a.id = ra.analysis_id
    JOIN app.samples AS s ON s.organization_id = a.organization_id AND s.id = a.sample_id
   WHERE ra.organization_id = v_run.organization_id AND ra.run_id = v_run.id
     AND NOT EXISTS (SELECT FROM app.results AS r WHERE r.organization_id = a.organization_id AND r.analysis_id = a.id AND r.status <> 'invalidated');
  IF v_missing IS NOT NULL THEN
    RAISE EXCEPTION 'run % has analyses without a result: %', v_run.run_number, v_missing USING ERRCODE = 'PT409', DETAIL = 'run.results_missing',
      HINT = 'Record (or ingest) a result for every analysis on the run, or remove it before starting.';
  END IF;
  UPDATE app.runs SET status = 'completed', completed_at = now() WHERE organization_id = v_run.organization_id AND id = v_run.id RETURNING * INTO v_run;
  RETURN v_run;
END
$$;
COMMENT ON FUNCTION app.complete_run(uuid) IS
  E'Complete a run\nin_progress -> completed (result.enter at the run''s site) once it has QC samples, every one measured (and so passed: a failing one fails the run), and a result for every analysis. PT404 run.not_found, PT409 run.status, run.no_qc, run.qc_unrecorded, run.results_missing.';

CREATE OR REPLACE FUNCTION app.accept_run(run_id uuid) RETURNS app.runs
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = ''
AS $$
DECLARE
  v_run app.runs := app_private.lock_run(accept_run.run_id, 'result.review');
BEGIN
  PERFORM app_private.refuse_run_status(v_run, ARRAY['completed']::app.run_status[], 'accept');
  UPDATE app.runs SET status = 'accepted', decided_by = auth.user_id(), decided_at = now()
   WHERE organization_id = v_run.organization_id AND id = v_run.id RETURNING * INTO v_run;
  PERFORM app_private.publish_event(v_run.organization_id, 'run.accepted',
    jsonb_build_object('run_id', v_run.id, 'run_number', v_run.run_number, 'test_code', v_run.test_code, 'equipment_id', v_run.equipment_id,
                       'site_id', v_run.site_id, 'accepted_by', v_run.decided_by, 'accepted_at', v_run.decided_at,
                       'analyses', (SELECT count(*) FROM app.run_analyses AS ra WHERE ra.organization_id = v_run.organization_id AND ra.run_id = v_run.id),
                       'qc_samples', (SELECT count(*) FROM app.run_qc_samples AS q WHERE q.organization_id = v_run.organization_id AND q.run_id = v_run.id)),
    'run', v_run.id);
  RETURN v_run;
END
$$;
COMMENT ON FUNCTION app.accept_run(uuid) IS
  E'Accept a run\ncompleted -> accepted (result.review at the run''s site): its QC passed, its results go on to review and release. Publishes run.accepted. PT404 run.not_found, PT409 run.status.';

CREATE OR REPLACE FUNCTION app.fail_run(run_id uuid, reason text) RETURNS app.runs
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = ''
AS $$
DECLARE
  v_run app.runs := app_private.lock_run(fail_run.run_id, 'result.review');
BEGIN
  PERFORM app_private.refuse_run_status(v_run, ARRAY['in_progress', 'completed']::app.run_status[], 'fail');
  IF length(btrim(coalesce(fail_run.reason, ''))) = 0 THEN
    PERFORM app_private.raise_invalid('run.reason_missing', 'failing a run needs a reason', 'Send reason (e.g. "lamp drift during the sequence").');
  END IF;
  RETURN app_private.fail_run(v_run, btrim(fail_run.reason), auth.user_id());
END
$$;
COMMENT ON FUNCTION app.fail_run(uuid, text) IS
  E'Fail a run\nin_progress or completed -> failed with a reason (result.review at the run''s site; sending the analyses back also needs sample.manage there): every result of the run is invalidated and each analysis goes back for retest, as when a QC sample fails. Publishes run.failed. PT404 run.not_found, PT409 run.status, PT422 run.reason_missing.';
