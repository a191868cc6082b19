-- The lab's core records (migration lab/core): sample types, test
-- definitions with frozen published versions, service requests, samples and
-- their lifecycle, analyses. Site-scoped like the equipment register: a
-- member needs the permission tenant-wide or at the row's site
-- (auth.check_permission_at); a customer's portal users see their partner's
-- requests and samples.

-- Sample types and test definitions ---------------------------------------

CREATE OR REPLACE TRIGGER _100_touch_updated_at BEFORE UPDATE ON app.sample_types
  FOR EACH ROW EXECUTE FUNCTION app_private.tg__touch_updated_at();

CREATE OR REPLACE FUNCTION app_private.tg_lab_tests__prepare() RETURNS trigger
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = ''
AS $$
BEGIN
  PERFORM app_private.refuse_foreign_tenant(NEW.organization_id);
  IF TG_OP = 'INSERT' THEN
    -- The server numbers versions; an upsert of an existing version keeps its number.
    IF NOT EXISTS (SELECT FROM app.lab_tests AS t WHERE t.organization_id = NEW.organization_id AND t.id = NEW.id) THEN
      PERFORM pg_catalog.pg_advisory_xact_lock(pg_catalog.hashtextextended('lab_test:' || NEW.organization_id::text || NEW.code, 0));
      NEW.version := coalesce((SELECT max(t.version) + 1 FROM app.lab_tests AS t
                                WHERE t.organization_id = NEW.organization_id AND t.code = NEW.code), 1);
    END IF;
    RETURN NEW;
  END IF;
  IF OLD.status = 'draft' AND NEW.status = 'published' THEN
    NEW.published_at := now();
    -- The version published before is retired: one published version per code.
    UPDATE app.lab_tests AS t SET status = 'retired'
     WHERE t.organization_id = NEW.organization_id AND t.code = NEW.code AND t.status = 'published' AND t.id <> NEW.id;
  ELSIF OLD.status <> 'draft' AND (NEW.status IS DISTINCT FROM OLD.status AND NOT (OLD.status = 'published' AND NEW.status = 'retired')
                                   OR (NEW.name, NEW.labels, NEW.description, NEW.method, NEW.unit, NEW.result_schema, NEW.turnaround_days, NEW.equipment_class_id)
                                      IS DISTINCT FROM (OLD.name, OLD.labels, OLD.description, OLD.method, OLD.unit, OLD.result_schema, OLD.turnaround_days, OLD.equipment_class_id)) THEN
    RAISE EXCEPTION 'test % version % is %', OLD.code, OLD.version, OLD.status USING ERRCODE = 'PT409', DETAIL = 'lab_test.frozen',
      HINT = 'A published or retired test version is frozen (only published -> retired is allowed): insert a new version of the code.';
  END IF;
  RETURN NEW;
END
$$;
COMMENT ON FUNCTION app_private.tg_lab_tests__prepare() IS
  'BEFORE INSERT/UPDATE on lab_tests: the tenant guard; a new version is numbered after the code''s last version; publishing stamps published_at and retires the version published before; a published or retired version is frozen (PT409 lab_test.frozen) except published -> retired.';

CREATE OR REPLACE TRIGGER _200_prepare BEFORE INSERT OR UPDATE ON app.lab_tests
  FOR EACH ROW EXECUTE FUNCTION app_private.tg_lab_tests__prepare();
CREATE OR REPLACE TRIGGER _100_touch_updated_at BEFORE UPDATE ON app.lab_tests
  FOR EACH ROW EXECUTE FUNCTION app_private.tg__touch_updated_at();

-- Service requests ---------------------------------------------------------

CREATE OR REPLACE FUNCTION app_private.tg_service_requests__prepare() RETURNS trigger
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = ''
AS $$
BEGIN
  PERFORM app_private.refuse_foreign_tenant(NEW.organization_id);
  IF TG_OP = 'INSERT' THEN
    NEW.request_number := app_private.take_human_id(NEW.organization_id, 'SR', NEW.request_number);
    NEW.requested_by := auth.user_id();
  END IF;
  RETURN NEW;
END
$$;
COMMENT ON FUNCTION app_private.tg_service_requests__prepare() IS
  'BEFORE INSERT/UPDATE on service_requests: the tenant guard; the next human id (SR-000123) unless one is sent; the requester.';

-- Who may write service requests. Staff writing a request directly need
-- service_request.manage tenant-wide or at its site (and at its old site when
-- it moves); the lab's SECURITY DEFINER code (receipt recomputing a request
-- from its samples, the request RPCs) runs as the owner and checks its own
-- permission. Like tg_lab__require_sample_handler, the trigger runs as the
-- invoker so current_user tells the two apart.
CREATE OR REPLACE FUNCTION app_private.tg_service_requests__require_manager() RETURNS trigger
LANGUAGE plpgsql VOLATILE
SET search_path = ''
AS $$
BEGIN
  IF pg_catalog.pg_has_role(current_user, (SELECT c.relowner FROM pg_catalog.pg_class AS c WHERE c.oid = TG_RELID), 'USAGE')
     OR auth.is_platform_operator() OR auth.partner_id() IS NOT NULL THEN
    RETURN NEW;
  END IF;
  IF TG_OP = 'UPDATE' AND OLD.site_id IS DISTINCT FROM NEW.site_id THEN
    PERFORM auth.check_permission_at('service_request.manage', OLD.site_id);
  END IF;
  PERFORM auth.check_permission_at('service_request.manage', NEW.site_id);
  RETURN NEW;
END
$$;
COMMENT ON FUNCTION app_private.tg_service_requests__require_manager() IS
  'BEFORE INSERT/UPDATE on service_requests, as the invoker: staff writing the row directly need service_request.manage tenant-wide or at the request''s site, and at its old site when it moves (PT403 permission.missing); the lab''s code running as the owner (receipt refreshing a request) checks its own permission.';

CREATE OR REPLACE TRIGGER _000_require_site_permission BEFORE INSERT ON app.service_requests
  FOR EACH STATEMENT EXECUTE FUNCTION app_private.tg_require_insert_permission_at_a_site('service_request.manage');
CREATE OR REPLACE TRIGGER _190_require_manager BEFORE INSERT OR UPDATE ON app.service_requests
  FOR EACH ROW EXECUTE FUNCTION app_private.tg_service_requests__require_manager();
CREATE OR REPLACE TRIGGER _200_prepare BEFORE INSERT OR UPDATE ON app.service_requests
  FOR EACH ROW EXECUTE FUNCTION app_private.tg_service_requests__prepare();
CREATE OR REPLACE TRIGGER _100_touch_updated_at BEFORE UPDATE ON app.service_requests
  FOR EACH ROW EXECUTE FUNCTION app_private.tg__touch_updated_at();

SELECT app_private.register_entity_type('service_request', 'app.service_requests', 'title', 'Service request', 'request_number');

-- Who may write samples and analyses. An API caller writing a row directly
-- (POST/PATCH /samples, /analyses) needs sample.manage tenant-wide or at the
-- sample's site (and at its old site when it moves); the lab's SECURITY
-- DEFINER RPCs run as the tables' owner and check their own permission
-- instead (result.review to fail a run, oos.investigate to order a retest,
-- result.release to release a sample). The trigger runs as the invoker, so
-- current_user tells the two apart, and it reads the sample under the
-- caller's own row-level security.
CREATE OR REPLACE FUNCTION app_private.tg_lab__require_sample_handler() RETURNS trigger
LANGUAGE plpgsql VOLATILE
SET search_path = ''
AS $$
DECLARE
  v_site_id uuid;
  v_old_site_id uuid;
BEGIN
  IF pg_catalog.pg_has_role(current_user, (SELECT c.relowner FROM pg_catalog.pg_class AS c WHERE c.oid = TG_RELID), 'USAGE')
     OR auth.is_platform_operator() THEN
    RETURN NEW;
  END IF;
  -- One function for both tables: their rows are read as jsonb.
  IF TG_TABLE_NAME = 'samples' THEN
    v_site_id := (pg_catalog.to_jsonb(NEW) ->> 'site_id')::uuid;
    v_old_site_id := CASE WHEN TG_OP = 'UPDATE' THEN (pg_catalog.to_jsonb(OLD) ->> 'site_id')::uuid ELSE v_site_id END;
  ELSE
    SELECT s.site_id INTO v_site_id FROM app.samples AS s
     WHERE s.organization_id = NEW.organization_id AND s.id = (pg_catalog.to_jsonb(NEW) ->> 'sample_id')::uuid;
    v_old_site_id := v_site_id;
  END IF;
  IF v_old_site_id IS DISTINCT FROM v_site_id THEN
    PERFORM auth.check_permission_at('sample.manage', v_old_site_id);
  END IF;
  PERFORM auth.check_permission_at('sample.manage', v_site_id);
  RETURN NEW;
END
$$;
COMMENT ON FUNCTION app_private.tg_lab__require_sample_handler() IS
  'BEFORE INSERT/UPDATE on samples and analyses, as the invoker: an API caller writing the row directly needs sample.manage tenant-wide or at the sample''s site, and at its old site when it moves (PT403 permission.missing); the lab''s RPCs, running as the owner, check their own permission.';

-- Samples ------------------------------------------------------------------

-- The sample lifecycle as data: which status may follow which. Storage is a
-- location and each analysis has its own status; neither is here.
CREATE OR REPLACE FUNCTION app_private.sample_status_allowed(p_from app.sample_status, p_to app.sample_status) RETURNS boolean
LANGUAGE sql IMMUTABLE PARALLEL SAFE
SET search_path = ''
AS $$
  SELECT (p_from, p_to) IN (
    ('registered', 'received'), ('registered', 'rejected'),
    ('received', 'in_progress'), ('received', 'rejected'), ('received', 'completed'),
    ('in_progress', 'completed'), ('in_progress', 'invalidated'),
    ('completed', 'released'), ('completed', 'invalidated'), ('completed', 'in_progress'),
    ('released', 'invalidated'),
    ('invalidated', 'retest'), ('retest', 'in_progress'),
    ('received', 'disposed'), ('completed', 'disposed'), ('released', 'disposed'), ('rejected', 'disposed'), ('invalidated', 'disposed'))
$$;
COMMENT ON FUNCTION app_private.sample_status_allowed(app.sample_status, app.sample_status) IS
  'The sample lifecycle: whether a sample may go from one status to the other (registered -> received -> in_progress -> completed -> released; rejected at receipt; invalidated -> retest -> in_progress; disposed at the end).';

CREATE OR REPLACE FUNCTION app_private.tg_samples__prepare() RETURNS trigger
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = ''
AS $$
DECLARE
  v_type app.sample_types;
BEGIN
  PERFORM app_private.refuse_foreign_tenant(NEW.organization_id);
  IF TG_OP = 'INSERT' THEN
    SELECT * INTO v_type FROM app.sample_types AS t WHERE t.organization_id = NEW.organization_id AND t.id = NEW.sample_type_id;
    IF FOUND AND NOT v_type.is_active THEN
      PERFORM app_private.raise_invalid('sample_type.inactive', pg_catalog.format('sample type %s is not active', v_type.code),
        'New samples need an active sample type (GET /sample_types?is_active=is.true).');
    END IF;
    IF NEW.status <> 'registered' AND app_private.is_member_call() THEN
      PERFORM app_private.raise_invalid('sample.status_locked', 'a new sample starts as registered',
        'Leave status out; receipt (POST /rpc/receive_samples) and the lab''s other RPCs move it on.');
    END IF;
    NEW.sample_number := app_private.take_human_id(NEW.organization_id, 'S', NEW.sample_number);
    NEW.barcode := coalesce(NEW.barcode, NEW.sample_number);
    NEW.unit := coalesce(NEW.unit, v_type.default_unit);
    NEW.remaining_quantity := coalesce(NEW.remaining_quantity, NEW.quantity);
    NEW.created_by := auth.user_id();
  ELSIF NEW.status IS DISTINCT FROM OLD.status AND NOT app_private.sample_status_allowed(OLD.status, NEW.status) THEN
    RAISE EXCEPTION 'sample % cannot go from % to %', OLD.sample_number, OLD.status, NEW.status USING ERRCODE = 'PT409',
      DETAIL = 'sample.status_transition', HINT = 'The lifecycle is registered -> received -> in_progress -> completed -> released; invalidated -> retest; rejected and disposed are final.';
  END IF;
  RETURN NEW;
END
$$;
COMMENT ON FUNCTION app_private.tg_samples__prepare() IS
  'BEFORE INSERT/UPDATE on samples: the tenant guard; an active type (PT422 sample_type.inactive); a new sample is registered (PT422 sample.status_locked) with the next human id (S-000123), its barcode (the number unless sent), the type''s default unit and the full quantity remaining; a status change must follow the lifecycle (PT409 sample.status_transition).';

CREATE OR REPLACE TRIGGER _000_require_site_permission BEFORE INSERT ON app.samples
  FOR EACH STATEMENT EXECUTE FUNCTION app_private.tg_require_insert_permission_at_a_site('sample.manage');
CREATE OR REPLACE TRIGGER _190_require_handler BEFORE INSERT OR UPDATE ON app.samples
  FOR EACH ROW EXECUTE FUNCTION app_private.tg_lab__require_sample_handler();
CREATE OR REPLACE TRIGGER _200_prepare BEFORE INSERT OR UPDATE ON app.samples
  FOR EACH ROW EXECUTE FUNCTION app_private.tg_samples__prepare();
CREATE OR REPLACE TRIGGER _100_touch_updated_at BEFORE UPDATE ON app.samples
  FOR EACH ROW EXECUTE FUNCTION app_private.tg__touch_updated_at();

SELECT app_private.register_entity_type('sample', 'app.samples', 'description', 'Sample', 'sample_number');
SELECT app_private.enable_custom_fields('sample', p_required_on_insert => false);

-- Analyses -----------------------------------------------------------------

CREATE OR REPLACE FUNCTION app_private.tg_analyses__prepare() RETURNS trigger
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = ''
AS $$
DECLARE
  v_sample app.samples;
  v_test app.lab_tests;
BEGIN
  PERFORM app_private.refuse_foreign_tenant(NEW.organization_id);
  SELECT * INTO v_sample FROM app.samples AS s WHERE s.organization_id = NEW.organization_id AND s.id = NEW.sample_id;
  IF TG_OP = 'INSERT' THEN
    SELECT * INTO v_test FROM app.lab_tests AS t WHERE t.organization_id = NEW.organization_id AND t.id = NEW.lab_test_id;
    IF FOUND AND v_test.status <> 'published' THEN
      PERFORM app_private.raise_invalid('lab_test.not_published', pg_catalog.format('test %s version %s is %s', v_test.code, v_test.version, v_test.status),
        'Analyses use the published version of a test (GET /lab_tests?status=eq.published).');
    END IF;
    IF v_sample.status IN ('rejected', 'disposed', 'released') THEN
      RAISE EXCEPTION 'sample % is %', v_sample.sample_number, v_sample.status USING ERRCODE = 'PT409', DETAIL = 'sample.closed',
        HINT = 'A rejected, disposed or released sample takes no new analyses (invalidate a released one first).';
    END IF;
    IF NEW.status <> 'pending' AND app_private.is_member_call() THEN
      PERFORM app_private.raise_invalid('analysis.status_locked', 'a new analysis starts as pending',
        'Leave status out; the lab''s RPCs move it on.');
    END IF;
    NEW.due_at := coalesce(NEW.due_at, v_sample.received_at + pg_catalog.make_interval(days => v_test.turnaround_days));
    NEW.created_by := auth.user_id();
  END IF;
  RETURN NEW;
END
$$;
COMMENT ON FUNCTION app_private.tg_analyses__prepare() IS
  'BEFORE INSERT/UPDATE on analyses: the tenant guard; a member needs sample.manage tenant-wide or at the sample''s site (PT403 permission.missing) except for a change of status alone (the lab''s RPCs, which check their own permission); a new analysis uses a published test version (PT422 lab_test.not_published), on a sample that is not rejected, disposed or released (PT409 sample.closed), starts pending (PT422 analysis.status_locked) and is due at receipt plus the test''s turnaround unless sent.';

CREATE OR REPLACE TRIGGER _000_require_site_permission BEFORE INSERT ON app.analyses
  FOR EACH STATEMENT EXECUTE FUNCTION app_private.tg_require_insert_permission_at_a_site('sample.manage');
CREATE OR REPLACE TRIGGER _190_require_handler BEFORE INSERT OR UPDATE ON app.analyses
  FOR EACH ROW EXECUTE FUNCTION app_private.tg_lab__require_sample_handler();
CREATE OR REPLACE TRIGGER _200_prepare BEFORE INSERT OR UPDATE ON app.analyses
  FOR EACH ROW EXECUTE FUNCTION app_private.tg_analyses__prepare();
CREATE OR REPLACE TRIGGER _100_touch_updated_at BEFORE UPDATE ON app.analyses
  FOR EACH ROW EXECUTE FUNCTION app_private.tg__touch_updated_at();


-- Specifications ----------------------------------------------------------

CREATE OR REPLACE TRIGGER _100_touch_updated_at BEFORE UPDATE ON app.specifications
  FOR EACH ROW EXECUTE FUNCTION app_private.tg__touch_updated_at();
CREATE OR REPLACE TRIGGER _100_touch_updated_at BEFORE UPDATE ON app.specification_limits
  FOR EACH ROW EXECUTE FUNCTION app_private.tg__touch_updated_at();

-- Results ------------------------------------------------------------------

CREATE OR REPLACE FUNCTION app_private.tg_results__prepare() RETURNS trigger
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = ''
AS $$
DECLARE
  v_analysis app.analyses;
BEGIN
  PERFORM app_private.refuse_foreign_tenant(NEW.organization_id);
  IF TG_OP = 'INSERT' THEN
    SELECT * INTO v_analysis FROM app.analyses AS a WHERE a.organization_id = NEW.organization_id AND a.id = NEW.analysis_id;
    NEW.sample_id := v_analysis.sample_id;
    NEW.unit := coalesce(NEW.unit, (SELECT t.unit FROM app.lab_tests AS t WHERE t.organization_id = NEW.organization_id AND t.id = v_analysis.lab_test_id));
    NEW.entered_by := coalesce(auth.user_id(), NEW.entered_by);
    NEW.entered_at := now();
  END IF;
  RETURN NEW;
END
$$;
COMMENT ON FUNCTION app_private.tg_results__prepare() IS
  'BEFORE INSERT/UPDATE on results: the tenant guard; a new result takes its sample from its analysis, the test''s unit unless sent, the entering member and the server''s time.';

CREATE OR REPLACE TRIGGER _200_prepare BEFORE INSERT OR UPDATE ON app.results
  FOR EACH ROW EXECUTE FUNCTION app_private.tg_results__prepare();
CREATE OR REPLACE TRIGGER _100_touch_updated_at BEFORE UPDATE ON app.results
  FOR EACH ROW EXECUTE FUNCTION app_private.tg__touch_updated_at();

SELECT app_private.register_entity_type('result', 'app.results', 'comment', 'Result');
