-- Service requests (migration lab/service_requests): customers' portal users
-- and lab staff submit them (app.submit_service_request), lab staff accept
-- or cancel them; the requested tests are published test codes of the
-- tenant; the due date follows the turnaround SLA from the first sample's
-- receipt, and the request completes when its last sample is released or
-- rejected (a trigger on samples). Events service_request.submitted and
-- service_request.completed (contracts/events/lab/).

-- The requested tests must be codes of published tests, on every path
-- (the RPC, a staff member's direct POST /service_requests, a PATCH).
CREATE OR REPLACE FUNCTION app_private.tg_service_requests__check_tests() RETURNS trigger
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = ''
AS $$
DECLARE
  v_unknown text[];
BEGIN
  PERFORM app_private.refuse_foreign_tenant(NEW.organization_id);
  SELECT pg_catalog.array_agg(c ORDER BY c) INTO v_unknown
    FROM pg_catalog.unnest(NEW.requested_tests) AS c
   WHERE (TG_OP = 'INSERT' OR NEW.requested_tests IS DISTINCT FROM OLD.requested_tests)
     AND NOT EXISTS (SELECT FROM app.lab_tests AS t
                      WHERE t.organization_id = NEW.organization_id AND t.code = c AND t.status = 'published');
  IF v_unknown IS NOT NULL THEN
    PERFORM app_private.raise_invalid('service_request.unknown_test',
      pg_catalog.format('not a published test: %s', pg_catalog.array_to_string(v_unknown, ', ')),
      'Request the codes of published tests (GET /lab_tests?status=eq.published&select=code,name).');
  END IF;
  IF TG_OP = 'INSERT' THEN
    NEW.submitted_at := CASE WHEN NEW.status <> 'draft' THEN pg_catalog.now() END;
  ELSIF OLD.status = 'draft' AND NEW.status = 'submitted' THEN
    NEW.submitted_at := pg_catalog.now();
  END IF;
  RETURN NEW;
END
$$;
COMMENT ON FUNCTION app_private.tg_service_requests__check_tests() IS
  'BEFORE INSERT/UPDATE OF requested_tests, status on service_requests: every requested test (new or changed) is the code of a published test of the tenant (PT422 service_request.unknown_test naming the others); stamps submitted_at.';

CREATE OR REPLACE TRIGGER _210_check_tests BEFORE INSERT OR UPDATE OF requested_tests, status ON app.service_requests
  FOR EACH ROW EXECUTE FUNCTION app_private.tg_service_requests__check_tests();

-- The event payload of a request.
CREATE OR REPLACE FUNCTION app_private.service_request_event(p_request app.service_requests) RETURNS jsonb
LANGUAGE sql STABLE
SET search_path = ''
AS $$
  SELECT pg_catalog.jsonb_build_object(
    'service_request_id', p_request.id, 'request_number', p_request.request_number, 'title', p_request.title,
    'partner_id', p_request.partner_id, 'site_id', p_request.site_id, 'status', p_request.status,
    'requested_tests', pg_catalog.to_jsonb(p_request.requested_tests), 'due_at', p_request.due_at,
    'received_at', p_request.received_at, 'released_at', p_request.released_at,
    'samples', (SELECT count(*) FROM app.samples AS s
                 WHERE s.organization_id = p_request.organization_id AND s.service_request_id = p_request.id))
$$;
COMMENT ON FUNCTION app_private.service_request_event(app.service_requests) IS
  'The payload of the service_request.* events (contracts/events/lab/service_request.*.schema.json).';

CREATE OR REPLACE FUNCTION app.submit_service_request(
  title text, requested_tests text[], partner_id uuid DEFAULT NULL, site_id uuid DEFAULT NULL,
  project_id uuid DEFAULT NULL, notes text DEFAULT ''
) RETURNS app.service_requests
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = ''
AS $$
DECLARE
  v_org uuid := auth.org_id();
  v_own_partner uuid := auth.partner_id();
  v_request app.service_requests;
BEGIN
  IF v_org IS NULL OR auth.user_id() IS NULL THEN
    RAISE EXCEPTION 'not signed in to an organization' USING ERRCODE = 'PT401', DETAIL = 'session.required',
      HINT = 'Sign in and choose an organization.';
  END IF;
  IF v_own_partner IS NOT NULL THEN
    -- A customer's portal user asks for their own partner, never another.
    IF submit_service_request.partner_id IS NOT NULL AND submit_service_request.partner_id <> v_own_partner THEN
      RAISE EXCEPTION 'a portal user submits requests for their own customer only' USING ERRCODE = 'PT403',
        DETAIL = 'service_request.foreign_partner', HINT = 'Leave partner_id out: the request is your organization''s.';
    END IF;
    IF submit_service_request.project_id IS NOT NULL THEN
      PERFORM app_private.raise_invalid('service_request.project_not_allowed', 'a portal user cannot file a request under a project',
        'Leave project_id out; the lab links the request to its project.');
    END IF;
    partner_id := v_own_partner;
  ELSE
    PERFORM auth.check_permission_at('service_request.manage', submit_service_request.site_id);
  END IF;
  IF coalesce(pg_catalog.cardinality(requested_tests), 0) = 0 THEN
    PERFORM app_private.raise_invalid('service_request.no_tests', 'a service request asks for at least one test',
      'Send requested_tests: the codes of published tests (GET /lab_tests?status=eq.published).');
  END IF;
  INSERT INTO app.service_requests (organization_id, title, partner_id, project_id, site_id, requested_tests, notes, status)
  VALUES (v_org, submit_service_request.title, submit_service_request.partner_id, submit_service_request.project_id,
          submit_service_request.site_id, ARRAY(SELECT DISTINCT pg_catalog.lower(btrim(c)) FROM pg_catalog.unnest(requested_tests) AS c),
          coalesce(submit_service_request.notes, ''), 'submitted')
  RETURNING * INTO v_request;
  PERFORM app_private.publish_event(v_org, 'service_request.submitted', app_private.service_request_event(v_request),
                                    'service_request', v_request.id);
  RETURN v_request;
END
$$;
COMMENT ON FUNCTION app.submit_service_request(text, text[], uuid, uuid, uuid, text) IS
  E'Submit a service request\nA customer''s portal user submits one for their own partner (partner_id left out or their own: PT403 service_request.foreign_partner otherwise; no project, PT422 service_request.project_not_allowed); lab staff need service_request.manage tenant-wide or at the site (PT403 permission.missing). The tests are codes of published tests (PT422 service_request.no_tests, service_request.unknown_test). Publishes service_request.submitted.';

-- A request the calling staff member may manage (tenant-wide or at its
-- site), locked; PT404 when they cannot see it.
CREATE OR REPLACE FUNCTION app_private.managed_service_request(p_id uuid) RETURNS app.service_requests
LANGUAGE plpgsql VOLATILE
SET search_path = ''
AS $$
DECLARE
  v_request app.service_requests;
BEGIN
  SELECT * INTO v_request FROM app.service_requests AS r
   WHERE r.organization_id = auth.org_id() AND r.id = p_id FOR UPDATE;
  IF NOT FOUND OR auth.partner_id() IS NOT NULL
     OR NOT (auth.has_permission('sample.read') OR v_request.site_id = ANY (auth.permitted_site_ids('sample.read'))
             OR auth.has_permission('service_request.manage') OR v_request.site_id = ANY (auth.permitted_site_ids('service_request.manage'))) THEN
    RAISE EXCEPTION 'service request % not found', p_id USING ERRCODE = 'PT404', DETAIL = 'service_request.not_found',
      HINT = 'The request does not exist in your active tenant, or you may not see it.';
  END IF;
  PERFORM auth.check_permission_at('service_request.manage', v_request.site_id);
  RETURN v_request;
END
$$;
COMMENT ON FUNCTION app_private.managed_service_request(uuid) IS
  'The service request, locked, when the calling staff member may see it (PT404 service_request.not_found) and holds service_request.manage tenant-wide or at its site (PT403 permission.missing).';

CREATE OR REPLACE FUNCTION app.accept_service_request(service_request_id uuid) RETURNS app.service_requests
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = ''
AS $$
DECLARE
  v_request app.service_requests := app_private.managed_service_request(service_request_id);
BEGIN
  IF v_request.status <> 'submitted' THEN
    RAISE EXCEPTION 'service request % is %', v_request.request_number, v_request.status USING ERRCODE = 'PT409',
      DETAIL = 'service_request.status_transition', HINT = 'Only a submitted request is accepted.';
  END IF;
  UPDATE app.service_requests AS r SET status = 'accepted', accepted_by = auth.user_id(), accepted_at = pg_catalog.now()
   WHERE r.organization_id = v_request.organization_id AND r.id = v_request.id
  RETURNING * INTO v_request;
  RETURN v_request;
END
$$;
COMMENT ON FUNCTION app.accept_service_request(uuid) IS
  E'Accept a service request\nThe lab takes on a submitted request (who and when are recorded). service_request.manage tenant-wide or at its site (PT403 permission.missing); PT404 service_request.not_found; PT409 service_request.status_transition.';

CREATE OR REPLACE FUNCTION app.cancel_service_request(service_request_id uuid, reason text) RETURNS app.service_requests
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = ''
AS $$
DECLARE
  v_request app.service_requests := app_private.managed_service_request(service_request_id);
BEGIN
  IF length(btrim(coalesce(reason, ''))) = 0 THEN
    PERFORM app_private.raise_invalid('service_request.reason_required', 'cancelling a service request needs a reason',
      'Send reason: why the request is cancelled (the customer sees it).');
  END IF;
  IF v_request.status NOT IN ('draft', 'submitted', 'accepted', 'in_progress') THEN
    RAISE EXCEPTION 'service request % is %', v_request.request_number, v_request.status USING ERRCODE = 'PT409',
      DETAIL = 'service_request.status_transition', HINT = 'A completed or cancelled request stays as it is.';
  END IF;
  UPDATE app.service_requests AS r
     SET status = 'cancelled', cancelled_by = auth.user_id(), cancelled_at = pg_catalog.now(), cancel_reason = btrim(reason)
   WHERE r.organization_id = v_request.organization_id AND r.id = v_request.id
  RETURNING * INTO v_request;
  RETURN v_request;
END
$$;
COMMENT ON FUNCTION app.cancel_service_request(uuid, text) IS
  E'Cancel a service request\nWith a reason (PT422 service_request.reason_required), unless it is completed or cancelled already (PT409 service_request.status_transition). service_request.manage tenant-wide or at its site (PT403 permission.missing); PT404 service_request.not_found.';

-- The turnaround SLA of a request: due = the first sample's receipt + the
-- longest turnaround of its requested tests (their published versions), or
-- the tenant's lab_turnaround_days when none has one. Completed (released_at
-- stamped, service_request.completed published) once every linked sample is
-- released or rejected.
CREATE OR REPLACE FUNCTION app_private.refresh_service_request(p_organization_id uuid, p_id uuid) RETURNS void
LANGUAGE plpgsql VOLATILE
SET search_path = ''
AS $$
DECLARE
  v_request app.service_requests;
  v_received timestamptz;
  v_days integer;
  v_open integer;
  v_total integer;
  v_was_completed boolean;
BEGIN
  SELECT * INTO v_request FROM app.service_requests AS r WHERE r.organization_id = p_organization_id AND r.id = p_id FOR UPDATE;
  IF NOT FOUND OR v_request.status IN ('cancelled', 'draft') THEN
    RETURN;
  END IF;
  v_was_completed := v_request.status = 'completed';
  SELECT min(s.received_at), count(*) FILTER (WHERE s.status NOT IN ('released', 'rejected', 'disposed')), count(*)
    INTO v_received, v_open, v_total
    FROM app.samples AS s WHERE s.organization_id = p_organization_id AND s.service_request_id = p_id;
  SELECT max(t.turnaround_days) INTO v_days FROM app.lab_tests AS t
   WHERE t.organization_id = p_organization_id AND t.code = ANY (v_request.requested_tests) AND t.status = 'published';
  v_days := coalesce(v_days, (app_private.feature_flag(p_organization_id, 'lab_turnaround_days') #>> '{}')::integer);
  UPDATE app.service_requests AS r
     SET received_at = v_received,
         due_at = CASE WHEN v_received IS NOT NULL THEN v_received + pg_catalog.make_interval(days => v_days) ELSE r.due_at END,
         status = CASE WHEN v_total > 0 AND v_open = 0 THEN 'completed'::app.service_request_status
                       WHEN v_received IS NOT NULL AND r.status IN ('submitted', 'accepted') THEN 'in_progress'
                       WHEN r.status = 'completed' AND v_open > 0 THEN 'in_progress'
                       ELSE r.status END,
         released_at = CASE WHEN v_total > 0 AND v_open = 0 THEN coalesce(r.released_at, pg_catalog.now()) END
   WHERE r.organization_id = p_organization_id AND r.id = p_id
  RETURNING * INTO v_request;
  IF v_request.status = 'completed' AND NOT v_was_completed THEN
    PERFORM app_private.publish_event(p_organization_id, 'service_request.completed', app_private.service_request_event(v_request),
                                      'service_request', p_id);
  END IF;
END
$$;
COMMENT ON FUNCTION app_private.refresh_service_request(uuid, uuid) IS
  'Recomputes a service request from its samples: received_at (the first receipt), due_at (receipt + the longest turnaround of the requested tests, else the tenant''s lab_turnaround_days), in_progress once a sample is received, completed with released_at when every sample is released or rejected (publishing service_request.completed once).';

CREATE OR REPLACE FUNCTION app_private.tg_samples__track_service_request() RETURNS trigger
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = ''
AS $$
BEGIN
  IF TG_OP <> 'INSERT' AND OLD.service_request_id IS NOT NULL
     AND (TG_OP = 'DELETE' OR OLD.service_request_id IS DISTINCT FROM NEW.service_request_id) THEN
    PERFORM app_private.refresh_service_request(OLD.organization_id, OLD.service_request_id);
  END IF;
  IF TG_OP <> 'DELETE' AND NEW.service_request_id IS NOT NULL THEN
    PERFORM app_private.refresh_service_request(NEW.organization_id, NEW.service_request_id);
  END IF;
  RETURN NULL;
END
$$;
COMMENT ON FUNCTION app_private.tg_samples__track_service_request() IS
  'AFTER INSERT/DELETE/UPDATE OF status, received_at, service_request_id on samples: recomputes the service requests the sample leaves and joins (app_private.refresh_service_request).';

CREATE OR REPLACE TRIGGER _500_track_service_request AFTER INSERT OR DELETE OR UPDATE OF status, received_at, service_request_id ON app.samples
  FOR EACH ROW EXECUTE FUNCTION app_private.tg_samples__track_service_request();
