-- Certificates of analysis (migration lab/certificates): per sample or per
-- product lot, built from the released results against the specification
-- each was judged by, frozen in a revision at issue, e-signed by the issuer
-- (app_private.sign_payload, 30_identity/35_signatures.sql: the one signing path),
-- rendered to PDF by the worker (config/worker/tasks/coa_render.mjs) and
-- reissued as a new revision when a result it contains is amended or
-- invalidated. Customers' portal users read their partner's certificates and
-- download the PDFs by presigned URL.

CREATE OR REPLACE TRIGGER _100_touch_updated_at BEFORE UPDATE ON app.certificates
  FOR EACH ROW EXECUTE FUNCTION app_private.tg__touch_updated_at();
CREATE OR REPLACE TRIGGER _100_touch_updated_at BEFORE UPDATE ON app.certificate_versions
  FOR EACH ROW EXECUTE FUNCTION app_private.tg__touch_updated_at();

SELECT app_private.register_entity_type('certificate', 'app.certificates', 'title', 'Certificate of analysis', 'certificate_number');

-- What a certificate covers -------------------------------------------------

CREATE OR REPLACE FUNCTION app_private.certificate_samples(p_organization_id uuid, p_sample_id uuid, p_lot_number text)
RETURNS SETOF app.samples
LANGUAGE plpgsql STABLE
SET search_path = ''
AS $$
DECLARE
  v_sample app.samples;
  v_found boolean := false;
BEGIN
  IF num_nonnulls(p_sample_id, p_lot_number) <> 1 THEN
    PERFORM app_private.raise_invalid('certificate.scope_invalid', 'a certificate is for one sample or for one lot',
      'Send sample_id or lot_number, not both.');
  END IF;
  FOR v_sample IN SELECT * FROM app.samples AS s
                   WHERE s.organization_id = p_organization_id
                     AND (s.id = p_sample_id OR s.lot_number = p_lot_number)
                   ORDER BY s.sample_number LOOP
    v_found := true;
    PERFORM auth.check_permission_at('certificate.issue', v_sample.site_id);
    IF v_sample.status <> 'released' THEN
      RAISE EXCEPTION 'sample % is %', v_sample.sample_number, v_sample.status USING ERRCODE = 'PT409',
        DETAIL = 'certificate.sample_not_released',
        HINT = 'A certificate states released results: release the sample (every sample of the lot) first.';
    END IF;
    IF NOT EXISTS (SELECT FROM app.results AS r
                    WHERE r.organization_id = p_organization_id AND r.sample_id = v_sample.id AND r.status = 'released') THEN
      RAISE EXCEPTION 'sample % has no released result', v_sample.sample_number USING ERRCODE = 'PT409',
        DETAIL = 'certificate.no_released_results', HINT = 'A certificate states released results: release at least one result of the sample.';
    END IF;
    RETURN NEXT v_sample;
  END LOOP;
  IF NOT v_found THEN
    RAISE EXCEPTION 'no sample %', coalesce(p_sample_id::text, 'of lot ' || p_lot_number) USING ERRCODE = 'PT404',
      DETAIL = 'certificate.sample_not_found', HINT = 'GET /samples lists the samples you may read (lot_number=eq.<lot> for a lot).';
  END IF;
END
$$;
COMMENT ON FUNCTION app_private.certificate_samples(uuid, uuid, text) IS
  'The samples a certificate covers (one sample, or every sample of a lot), each checked: the caller holds certificate.issue tenant-wide or at its site (PT403 permission.missing), it is released (PT409 certificate.sample_not_released) and has a released result (PT409 certificate.no_released_results). PT404 certificate.sample_not_found when there is none; PT422 certificate.scope_invalid unless exactly one of sample and lot is given.';

CREATE OR REPLACE FUNCTION app_private.certificate_content(p_organization_id uuid, p_sample_ids uuid[], p_lot_number text)
RETURNS jsonb
LANGUAGE sql STABLE
SET search_path = ''
AS $$
  WITH samples AS (
    SELECT s.*, t.code AS type_code, t.name AS type_name
      FROM app.samples AS s JOIN app.sample_types AS t ON t.organization_id = s.organization_id AND t.id = s.sample_type_id
     WHERE s.organization_id = p_organization_id AND s.id = ANY (p_sample_ids)
  ), results AS (
    SELECT r.*, lt.code AS test_code, lt.name AS test_name, lt.version AS test_version, lt.method,
           sp.code AS spec_code, sp.name AS spec_name,
           (SELECT pg_catalog.jsonb_build_object('unit', l.unit, 'action_low', l.action_low, 'warning_low', l.warning_low,
                                                 'warning_high', l.warning_high, 'action_high', l.action_high,
                                                 'expected_text', l.expected_text)
              FROM app.specification_limits AS l
             WHERE l.organization_id = r.organization_id AND l.specification_id = r.specification_id AND l.test_code = lt.code) AS limits,
           u.display_name AS released_by_name
      FROM app.results AS r
      JOIN app.analyses AS a ON a.organization_id = r.organization_id AND a.id = r.analysis_id
      JOIN app.lab_tests AS lt ON lt.organization_id = a.organization_id AND lt.id = a.lab_test_id
      LEFT JOIN app.specifications AS sp ON sp.organization_id = r.organization_id AND sp.id = r.specification_id
      LEFT JOIN app.users AS u ON u.id = r.released_by
     WHERE r.organization_id = p_organization_id AND r.sample_id = ANY (p_sample_ids) AND r.status = 'released'
  )
  SELECT pg_catalog.jsonb_build_object(
    'laboratory', (SELECT o.name FROM app.organizations AS o WHERE o.id = p_organization_id),
    'lot_number', p_lot_number,
    'customer', (SELECT pg_catalog.jsonb_build_object('id', p.id, 'name', p.name)
                   FROM app.partners AS p
                  WHERE p.organization_id = p_organization_id
                    AND p.id = (SELECT s.partner_id FROM samples AS s WHERE s.partner_id IS NOT NULL LIMIT 1)),
    'samples', (SELECT coalesce(pg_catalog.jsonb_agg(pg_catalog.jsonb_build_object(
                  'sample_id', s.id, 'sample_number', s.sample_number, 'barcode', s.barcode, 'lot_number', s.lot_number,
                  'sample_type', s.type_name, 'description', s.description, 'collected_at', s.collected_at,
                  'received_at', s.received_at,
                  'results', (SELECT coalesce(pg_catalog.jsonb_agg(pg_catalog.jsonb_build_object(
                                'result_id', r.id, 'test_code', r.test_code, 'test_name', r.test_name,
                                'test_version', r.test_version, 'method', r.method, 'value', r.value,
                                'numeric_value', r.numeric_value, 'unit', r.unit,
                                'specification', CASE WHEN r.specification_id IS NOT NULL THEN pg_catalog.jsonb_build_object(
                                                   'id', r.specification_id, 'code', r.spec_code, 'name', r.spec_name) END,
                                'limits', r.limits, 'verdict', r.spec_verdict, 'measured_at', r.measured_at,
                                'released_by', pg_catalog.jsonb_build_object('id', r.released_by, 'name', r.released_by_name),
                                'released_at', r.released_at, 'amends_id', r.amends_id, 'amendment_reason', r.amendment_reason)
                                ORDER BY r.test_code, r.measured_at), '[]')
                                FROM results AS r WHERE r.sample_id = s.id))
                  ORDER BY s.sample_number), '[]') FROM samples AS s),
    'result_ids', (SELECT coalesce(pg_catalog.jsonb_agg(r.id ORDER BY r.id), '[]') FROM results AS r))
$$;
COMMENT ON FUNCTION app_private.certificate_content(uuid, uuid[], text) IS
  'The frozen content of a certificate revision: the laboratory, lot, customer, and per sample its released results with test (code, name, version, method), value, unit, the specification it was judged against with its limits, the verdict, who released it and when, any amendment; result_ids lists every result it contains (what a later amendment or invalidation is matched against).';

-- Issue and reissue ----------------------------------------------------------

CREATE OR REPLACE FUNCTION app_private.notify_certificate_customers(p_certificate app.certificates, p_title text, p_message text)
RETURNS integer
LANGUAGE plpgsql VOLATILE
SET search_path = ''
AS $$
DECLARE
  v_count integer;
BEGIN
  -- The customer's portal users (memberships bound to the certificate's
  -- partner): the notification names only their own certificate.
  INSERT INTO app.notifications (organization_id, user_id, type, title, message, priority, action_url, entity_type, entity_id)
  SELECT p_certificate.organization_id, m.user_id, 'document', pg_catalog.left(p_title, 200), pg_catalog.left(p_message, 2000),
         'normal', '/certificate/' || p_certificate.id, 'certificate', p_certificate.id
    FROM app.memberships AS m
    JOIN app.users AS u ON u.id = m.user_id AND u.status = 'active'
   WHERE m.organization_id = p_certificate.organization_id AND m.status = 'active'
     AND m.partner_id IS NOT NULL AND m.partner_id = p_certificate.partner_id;
  GET DIAGNOSTICS v_count = ROW_COUNT;
  RETURN v_count;
END
$$;
COMMENT ON FUNCTION app_private.notify_certificate_customers(app.certificates, text, text) IS
  'Notifies the active portal users of a certificate''s customer (memberships with its partner_id) about it; returns how many were notified.';

CREATE OR REPLACE FUNCTION app_private.certificate_event(p_certificate app.certificates, p_version app.certificate_versions, p_previous uuid)
RETURNS jsonb
LANGUAGE sql STABLE
SET search_path = ''
AS $$
  SELECT pg_catalog.jsonb_build_object(
    'certificate_id', p_certificate.id, 'certificate_number', p_certificate.certificate_number,
    'version_id', p_version.id, 'revision', p_version.revision, 'sample_id', p_certificate.sample_id,
    'lot_number', p_certificate.lot_number, 'partner_id', p_certificate.partner_id,
    'sample_ids', (SELECT coalesce(pg_catalog.jsonb_agg(s -> 'sample_id'), '[]') FROM pg_catalog.jsonb_array_elements(p_version.content -> 'samples') AS s),
    'result_count', pg_catalog.jsonb_array_length(p_version.content -> 'result_ids'),
    'content_sha256', p_version.content_sha256, 'issued_by', p_version.issued_by, 'issued_at', p_version.issued_at,
    'reason', p_version.reason, 'previous_version_id', p_previous)
$$;
COMMENT ON FUNCTION app_private.certificate_event(app.certificates, app.certificate_versions, uuid) IS
  'The payload of coa.issued and coa.reissued (contracts/events/lab/coa.issued.schema.json, coa.reissued.schema.json).';

CREATE OR REPLACE FUNCTION app_private.issue_certificate_version(
  p_certificate app.certificates, p_samples app.samples[], p_reason text, p_signature_password text, p_meaning text
) RETURNS app.certificate_versions
LANGUAGE plpgsql VOLATILE
SET search_path = ''
AS $$
DECLARE
  v_revision integer := CASE WHEN p_certificate.id IS NULL THEN 1 ELSE p_certificate.current_revision + 1 END;
  v_sample_ids uuid[] := ARRAY(SELECT s.id FROM pg_catalog.unnest(p_samples) AS s);
  v_content jsonb := app_private.certificate_content(auth.org_id(), v_sample_ids, p_certificate.lot_number);
  v_content_sha256 text := pg_catalog.encode(pg_catalog.sha256(pg_catalog.convert_to(v_content::text, 'UTF8')), 'hex');
  v_signature jsonb;
  v_certificate app.certificates := p_certificate;
  v_previous app.certificate_versions;
  v_version app.certificate_versions;
BEGIN
  IF p_signature_password IS NULL THEN
    RAISE EXCEPTION 'a certificate of analysis must be signed' USING ERRCODE = 'PT422', DETAIL = 'signature.required',
      HINT = 'Send signature_password (your sign-in password) and signature_reason.';
  END IF;
  -- The signature covers the frozen content (its sha256), what it certifies and the revision.
  v_signature := app_private.sign_payload(p_signature_password, p_meaning, p_reason, pg_catalog.jsonb_build_object(
    'entity_type', 'certificate', 'certificate_id', p_certificate.id, 'certificate_number', p_certificate.certificate_number,
    'sample_ids', pg_catalog.to_jsonb(v_sample_ids), 'lot_number', p_certificate.lot_number, 'revision', v_revision,
    'content_sha256', v_content_sha256));
  IF v_signature ? 'refused' THEN
    RETURN NULL;  -- the failure is counted (sign_payload); nothing else is applied
  END IF;
  IF v_certificate.id IS NULL THEN
    INSERT INTO app.certificates (organization_id, certificate_number, title, sample_id, lot_number, partner_id, site_id, issued_by)
    SELECT auth.org_id(), app_private.take_human_id(auth.org_id(), 'CoA', NULL),
           CASE WHEN v_certificate.lot_number IS NOT NULL THEN 'Lot ' || v_certificate.lot_number
                ELSE 'Sample ' || (p_samples[1]).sample_number END,
           v_certificate.sample_id, v_certificate.lot_number,
           (SELECT min(s.partner_id::text)::uuid FROM pg_catalog.unnest(p_samples) AS s),
           CASE WHEN (SELECT count(DISTINCT s.site_id) FROM pg_catalog.unnest(p_samples) AS s) = 1
                 AND NOT EXISTS (SELECT FROM pg_catalog.unnest(p_samples) AS s WHERE s.site_id IS NULL)
                THEN (p_samples[1]).site_id END,
           auth.user_id()
    RETURNING * INTO v_certificate;
  ELSE
    UPDATE app.certificate_versions SET is_current = false, superseded_at = now()
     WHERE organization_id = v_certificate.organization_id AND certificate_id = v_certificate.id AND is_current
    RETURNING * INTO v_previous;
    UPDATE app.certificates SET current_revision = v_revision, status = 'issued', reissue_reason = NULL
     WHERE organization_id = v_certificate.organization_id AND id = v_certificate.id
    RETURNING * INTO v_certificate;
  END IF;
  INSERT INTO app.certificate_versions (organization_id, certificate_id, revision, content, content_sha256, signature, reason, issued_by)
  VALUES (v_certificate.organization_id, v_certificate.id, v_revision, v_content, v_content_sha256,
          v_signature || pg_catalog.jsonb_build_object('certificate_number', v_certificate.certificate_number),
          CASE WHEN v_revision > 1 THEN p_reason END, auth.user_id())
  RETURNING * INTO v_version;
  PERFORM app_private.enqueue_job('coa_render', pg_catalog.jsonb_build_object('organization_id', v_version.organization_id,
                                  'version_id', v_version.id), p_job_key => 'coa_render:' || v_version.id, p_max_attempts => 5);
  PERFORM app_private.publish_event(v_certificate.organization_id, CASE WHEN v_revision = 1 THEN 'coa.issued' ELSE 'coa.reissued' END,
                                    app_private.certificate_event(v_certificate, v_version, v_previous.id), 'certificate', v_certificate.id);
  PERFORM app_private.notify_certificate_customers(v_certificate,
    CASE WHEN v_revision = 1 THEN pg_catalog.format('Certificate of analysis %s issued', v_certificate.certificate_number)
         ELSE pg_catalog.format('Certificate of analysis %s reissued (revision %s)', v_certificate.certificate_number, v_revision) END,
    CASE WHEN v_revision = 1 THEN pg_catalog.format('%s: %s is issued; its PDF can be downloaded once rendered.', v_certificate.certificate_number, v_certificate.title)
         ELSE pg_catalog.format('%s: %s revision %s replaces revision %s. Reason: %s', v_certificate.certificate_number, v_certificate.title,
                                v_revision, v_revision - 1, p_reason) END);
  RETURN v_version;
END
$$;
COMMENT ON FUNCTION app_private.issue_certificate_version(app.certificates, app.samples[], text, text, text) IS
  'Issues a revision of a certificate (revision 1 creates the certificate, CoA-000123): freezes the content of the samples'' released results, signs its sha256 (app_private.sign_payload; NULL, nothing applied, on a wrong password), supersedes the revision before, queues the PDF (task coa_render), publishes coa.issued or coa.reissued and notifies the customer''s portal users. PT422 signature.required without a password.';

CREATE OR REPLACE FUNCTION app.issue_certificate(
  sample_id uuid DEFAULT NULL, lot_number text DEFAULT NULL, signature_password text DEFAULT NULL,
  signature_reason text DEFAULT 'Certificate of analysis issued'
) RETURNS app.certificate_versions
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = ''
AS $$
DECLARE
  v_samples app.samples[];
  v_certificate app.certificates;
BEGIN
  v_samples := ARRAY(SELECT s FROM app_private.certificate_samples(auth.org_id(), issue_certificate.sample_id, issue_certificate.lot_number) AS s);
  IF (SELECT count(DISTINCT s.partner_id) FROM pg_catalog.unnest(v_samples) AS s) > 1 THEN
    PERFORM app_private.raise_invalid('certificate.mixed_customers', 'the samples of the lot belong to several customers',
      'A certificate goes to one customer: issue one per sample instead.');
  END IF;
  PERFORM pg_catalog.pg_advisory_xact_lock(pg_catalog.hashtextextended('certificate:' || auth.org_id() || ':'
                                           || coalesce(issue_certificate.sample_id::text, issue_certificate.lot_number), 0));
  IF EXISTS (SELECT FROM app.certificates AS c
              WHERE c.organization_id = auth.org_id()
                AND (c.sample_id = issue_certificate.sample_id OR c.lot_number = issue_certificate.lot_number)) THEN
    RAISE EXCEPTION 'a certificate of % exists', coalesce(issue_certificate.sample_id::text, 'lot ' || issue_certificate.lot_number)
      USING ERRCODE = 'PT409', DETAIL = 'certificate.exists',
            HINT = 'A sample or lot has one certificate: issue a new revision with POST /rpc/reissue_certificate.';
  END IF;
  v_certificate.sample_id := issue_certificate.sample_id;
  v_certificate.lot_number := issue_certificate.lot_number;
  RETURN app_private.issue_certificate_version(v_certificate, v_samples, coalesce(signature_reason, 'Certificate of analysis issued'),
                                               signature_password, 'certified');
END
$$;
COMMENT ON FUNCTION app.issue_certificate(uuid, text, text, text) IS
  E'Issue a certificate of analysis\nFor one released sample (sample_id) or every sample of a lot (lot_number): freezes their released results with the specification, limits and verdict of each in revision 1 of a new certificate (CoA-000123), signed by you (signature_password: your sign-in password; meaning "certified"), queues its PDF and notifies the customer''s portal users (event coa.issued). certificate.issue tenant-wide or at every sample''s site. A wrong password answers 403 (Pulse-Refusal: signature.wrong_password) and issues nothing.\nErrors: PT403 permission.missing, PT404 certificate.sample_not_found, PT409 certificate.exists, certificate.sample_not_released, certificate.no_released_results, PT422 certificate.scope_invalid, certificate.mixed_customers, signature.required, PT429 while sign-in is locked.';

CREATE OR REPLACE FUNCTION app.reissue_certificate(certificate_id uuid, reason text, signature_password text DEFAULT NULL)
RETURNS app.certificate_versions
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = ''
AS $$
DECLARE
  v_certificate app.certificates;
  v_samples app.samples[];
BEGIN
  SELECT * INTO v_certificate FROM app.certificates AS c
   WHERE c.organization_id = auth.org_id() AND c.id = reissue_certificate.certificate_id FOR UPDATE;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'no certificate %', reissue_certificate.certificate_id USING ERRCODE = 'PT404', DETAIL = 'certificate.not_found',
      HINT = 'GET /certificates lists the certificates you may read.';
  END IF;
  PERFORM auth.check_permission_at('certificate.issue', v_certificate.site_id);
  IF coalesce(btrim(reason), '') = '' THEN
    PERFORM app_private.raise_invalid('certificate.reason_required', 'a reissued certificate needs a reason',
      'Say why it is reissued, e.g. "pH result amended: transcription error".');
  END IF;
  v_samples := ARRAY(SELECT s FROM app_private.certificate_samples(auth.org_id(), v_certificate.sample_id, v_certificate.lot_number) AS s);
  RETURN app_private.issue_certificate_version(v_certificate, v_samples, reason, signature_password, 'certified (reissued)');
END
$$;
COMMENT ON FUNCTION app.reissue_certificate(uuid, text, text) IS
  E'Reissue a certificate of analysis\nA new revision from the samples'' released results as they are now (an amended result replaces the one it amends), with the reason, signed by you; the revision before is superseded, the PDF queued, the customer''s portal users notified (event coa.reissued), and a certificate that needed a reissue is issued again. certificate.issue tenant-wide or at every sample''s site; a wrong password answers 403 and changes nothing.\nErrors: PT403 permission.missing, PT404 certificate.not_found, PT409 certificate.sample_not_released, certificate.no_released_results, PT422 certificate.reason_required, signature.required, PT429 while sign-in is locked.';

-- A changed result ------------------------------------------------------------

CREATE OR REPLACE FUNCTION app_private.tg_results__certificates() RETURNS trigger
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = ''
AS $$
DECLARE
  v_certificate record;
  v_why text;
BEGIN
  v_why := pg_catalog.format('result %s of sample %s was %s', NEW.id,
                             (SELECT s.sample_number FROM app.samples AS s WHERE s.organization_id = NEW.organization_id AND s.id = NEW.sample_id),
                             CASE NEW.status WHEN 'superseded' THEN 'amended' ELSE 'invalidated' END);
  FOR v_certificate IN
    UPDATE app.certificates AS c
       SET status = 'reissue_required',
           reissue_reason = pg_catalog.left(concat_ws('; ', CASE WHEN c.status = 'reissue_required' THEN c.reissue_reason END, v_why), 2000)
      FROM app.certificate_versions AS v
     WHERE v.organization_id = NEW.organization_id AND v.is_current
       AND v.content @> pg_catalog.jsonb_build_object('result_ids', pg_catalog.jsonb_build_array(NEW.id))
       AND c.organization_id = v.organization_id AND c.id = v.certificate_id
    RETURNING c.organization_id, c.id, c.certificate_number, c.title, c.site_id, v.issued_by
  LOOP
    -- The issuer, while they may still read the certificate (sample.read
    -- tenant-wide or at its site; app_private.notify_readers knows only
    -- tenant-wide permissions).
    INSERT INTO app.notifications (organization_id, user_id, type, title, message, priority, action_url, entity_type, entity_id)
    SELECT v_certificate.organization_id, m.user_id, 'document',
           pg_catalog.format('%s needs a reissue', v_certificate.certificate_number),
           pg_catalog.left(pg_catalog.format('%s (%s): %s. Reissue it with the reason (POST /rpc/reissue_certificate).',
                                             v_certificate.certificate_number, v_certificate.title, v_why), 2000),
           'high', '/certificate/' || v_certificate.id, 'certificate', v_certificate.id
      FROM app.memberships AS m
      JOIN app.users AS u ON u.id = m.user_id AND u.status = 'active'
     WHERE m.organization_id = v_certificate.organization_id AND m.user_id = v_certificate.issued_by
       AND m.status = 'active' AND m.partner_id IS NULL
       AND EXISTS (SELECT FROM app.role_assignments AS ra
                     JOIN app.role_permissions AS rp ON rp.organization_id = ra.organization_id AND rp.role_id = ra.role_id
                    WHERE ra.organization_id = m.organization_id AND ra.membership_id = m.id AND rp.permission = 'sample.read'
                      AND (ra.site_id IS NULL OR ra.site_id = v_certificate.site_id));
  END LOOP;
  RETURN NULL;
END
$$;
COMMENT ON FUNCTION app_private.tg_results__certificates() IS
  'AFTER UPDATE of a result''s status from released to superseded (amended) or invalidated: every certificate whose current revision contains it needs a reissue (status reissue_required, the reason appended) and the issuer of that revision is notified (high priority) while they may read the certificate.';

CREATE OR REPLACE TRIGGER _910_certificates AFTER UPDATE OF status ON app.results
  FOR EACH ROW WHEN (OLD.status = 'released' AND NEW.status IN ('superseded', 'invalidated'))
  EXECUTE FUNCTION app_private.tg_results__certificates();

-- The PDF ---------------------------------------------------------------------

CREATE OR REPLACE FUNCTION app_private.certificate_pdf_path(p_version app.certificate_versions) RETURNS text
LANGUAGE sql IMMUTABLE
SET search_path = ''
AS $$
  SELECT 'certificates/' || p_version.certificate_id || '/rev-' || p_version.revision || '-' || p_version.id || '.pdf'
$$;
COMMENT ON FUNCTION app_private.certificate_pdf_path(app.certificate_versions) IS
  'Where a revision''s PDF is stored inside its tenant''s storage: certificates/<certificate id>/rev-<n>-<revision id>.pdf.';

CREATE OR REPLACE FUNCTION app_private.certificate_render_begin(p_organization_id uuid, p_version_id uuid) RETURNS jsonb
LANGUAGE plpgsql VOLATILE
SET search_path = ''
AS $$
DECLARE
  v_version app.certificate_versions;
  v_certificate app.certificates;
BEGIN
  UPDATE app.certificate_versions SET render_attempts = render_attempts + 1
   WHERE organization_id = p_organization_id AND id = p_version_id AND render_status = 'pending'
  RETURNING * INTO v_version;
  IF NOT FOUND THEN
    RETURN NULL;  -- rendered already, failed for good, or gone
  END IF;
  SELECT * INTO v_certificate FROM app.certificates WHERE organization_id = p_organization_id AND id = v_version.certificate_id;
  RETURN pg_catalog.jsonb_build_object(
    'certificate_number', v_certificate.certificate_number, 'title', v_certificate.title, 'revision', v_version.revision,
    'reason', v_version.reason, 'issued_at', v_version.issued_at, 'content', v_version.content,
    'content_sha256', v_version.content_sha256,
    'signer_name', v_version.signature #>> '{payload,signer_name}', 'signer_email', v_version.signature #>> '{payload,signer_email}',
    'signed_at', v_version.signature #>> '{payload,signed_at}', 'meaning', v_version.signature ->> 'meaning',
    'signature_sha256', v_version.signature ->> 'payload_sha256',
    'put_url', (app_private.presign_tenant_object(p_organization_id, 'PUT', app_private.certificate_pdf_path(v_version), 900, true)).url);
END
$$;
COMMENT ON FUNCTION app_private.certificate_render_begin(uuid, uuid) IS
  'For the coa_render task: counts an attempt and returns what the PDF shows (number, title, revision, reason, the frozen content, the signature''s printed name, time and meaning) and a presigned PUT URL (worker endpoint, 15 minutes) for its object; NULL when the revision is not pending.';

CREATE OR REPLACE FUNCTION app_private.certificate_render_finish(
  p_organization_id uuid, p_version_id uuid, p_sha256 text, p_size bigint, p_error text, p_final boolean
) RETURNS app.certificate_render_status
LANGUAGE plpgsql VOLATILE
SET search_path = ''
AS $$
DECLARE
  v_version app.certificate_versions;
BEGIN
  IF p_error IS NULL THEN
    UPDATE app.certificate_versions AS v
       SET render_status = 'rendered', pdf_key = app_private.certificate_pdf_path(v), pdf_sha256 = p_sha256, pdf_size = p_size,
           rendered_at = now(), render_error = NULL
     WHERE v.organization_id = p_organization_id AND v.id = p_version_id AND v.render_status = 'pending'
    RETURNING * INTO v_version;
  ELSE
    UPDATE app.certificate_versions AS v
       SET render_status = CASE WHEN p_final THEN 'failed' ELSE 'pending' END::app.certificate_render_status,
           render_error = pg_catalog.left(p_error, 2000)
     WHERE v.organization_id = p_organization_id AND v.id = p_version_id AND v.render_status = 'pending'
    RETURNING * INTO v_version;
  END IF;
  RETURN v_version.render_status;
END
$$;
COMMENT ON FUNCTION app_private.certificate_render_finish(uuid, uuid, text, bigint, text, boolean) IS
  'For the coa_render task: records the stored PDF (sha256, size; status rendered), or the error of a failed attempt (still pending while graphile-worker retries; failed after the last, p_final). Returns the status, NULL when the revision was not pending.';

CREATE OR REPLACE FUNCTION app.retry_certificate_render(version_id uuid) RETURNS app.certificate_versions
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = ''
AS $$
DECLARE
  v_version app.certificate_versions;
BEGIN
  SELECT v.* INTO v_version FROM app.certificate_versions AS v
    JOIN app.certificates AS c ON c.organization_id = v.organization_id AND c.id = v.certificate_id
   WHERE v.organization_id = auth.org_id() AND v.id = retry_certificate_render.version_id FOR UPDATE OF v;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'no certificate revision %', retry_certificate_render.version_id USING ERRCODE = 'PT404',
      DETAIL = 'certificate.not_found', HINT = 'GET /certificate_versions lists the revisions you may read.';
  END IF;
  PERFORM auth.check_permission_at('certificate.issue', (SELECT c.site_id FROM app.certificates AS c
                                                          WHERE c.organization_id = v_version.organization_id AND c.id = v_version.certificate_id));
  IF v_version.render_status <> 'failed' THEN
    RAISE EXCEPTION 'the PDF is %', v_version.render_status USING ERRCODE = 'PT409', DETAIL = 'certificate.render_not_failed',
      HINT = 'Only a PDF whose rendering failed is rendered again.';
  END IF;
  UPDATE app.certificate_versions SET render_status = 'pending', render_error = NULL
   WHERE organization_id = v_version.organization_id AND id = v_version.id
  RETURNING * INTO v_version;
  PERFORM app_private.enqueue_job('coa_render', pg_catalog.jsonb_build_object('organization_id', v_version.organization_id,
                                  'version_id', v_version.id), p_job_key => 'coa_render:' || v_version.id, p_max_attempts => 5);
  RETURN v_version;
END
$$;
COMMENT ON FUNCTION app.retry_certificate_render(uuid) IS
  E'Render a certificate PDF again\nQueues the PDF of a revision whose rendering failed (render_status failed -> pending). certificate.issue tenant-wide or at the certificate''s site.\nErrors: PT403 permission.missing, PT404 certificate.not_found, PT409 certificate.render_not_failed.';

CREATE OR REPLACE FUNCTION app.certificate_pdf_url(version_id uuid, expires_in integer DEFAULT 300) RETURNS app.signed_url
LANGUAGE plpgsql VOLATILE
SET search_path = ''
AS $$
DECLARE
  v_version app.certificate_versions;
BEGIN
  -- Read as the caller: row-level security decides who may download.
  SELECT * INTO v_version FROM app.certificate_versions AS v
   WHERE v.organization_id = auth.org_id() AND v.id = certificate_pdf_url.version_id;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'no certificate revision %', certificate_pdf_url.version_id USING ERRCODE = 'PT404',
      DETAIL = 'certificate.not_found', HINT = 'GET /certificate_versions lists the revisions you may read.';
  END IF;
  IF v_version.render_status <> 'rendered' THEN
    RAISE EXCEPTION 'the PDF is %', v_version.render_status USING ERRCODE = 'PT409', DETAIL = 'certificate.not_rendered',
      HINT = 'Wait until render_status is rendered (a failed one is rendered again with POST /rpc/retry_certificate_render).';
  END IF;
  RETURN auth.sign_certificate_pdf(v_version.id, certificate_pdf_url.expires_in);
END
$$;
COMMENT ON FUNCTION app.certificate_pdf_url(uuid, integer) IS
  E'Download URL of a certificate PDF\nA presigned GET URL for the rendered PDF of a certificate revision you may read (staff who read its samples; the customer''s portal users), valid expires_in seconds (300 by default). Compare the file with pdf_sha256.\nErrors: PT404 certificate.not_found, PT409 certificate.not_rendered, PT422 object_url.expiry_invalid, PT503 object_storage.not_configured.';

CREATE OR REPLACE FUNCTION auth.sign_certificate_pdf(p_version_id uuid, p_expires_in integer) RETURNS app.signed_url
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = ''
AS $$
DECLARE
  v_version app.certificate_versions;
BEGIN
  -- The same rule as the policies certificates_select_*, decided again here
  -- where row-level security is the owner's.
  SELECT v.* INTO v_version FROM app.certificate_versions AS v
    JOIN app.certificates AS c ON c.organization_id = v.organization_id AND c.id = v.certificate_id
   WHERE v.organization_id = auth.org_id() AND v.id = p_version_id AND v.render_status = 'rendered'
     AND (c.partner_id = auth.partner_id()
          OR auth.partner_id() IS NULL AND (auth.has_permission('sample.read') OR c.site_id = ANY (auth.permitted_site_ids('sample.read'))));
  IF NOT FOUND THEN
    RAISE EXCEPTION 'no certificate revision %', p_version_id USING ERRCODE = 'PT404', DETAIL = 'certificate.not_found',
      HINT = 'Ask app.certificate_pdf_url.';
  END IF;
  RETURN app_private.presign_tenant_object(v_version.organization_id, 'GET', v_version.pdf_key, p_expires_in);
END
$$;
COMMENT ON FUNCTION auth.sign_certificate_pdf(uuid, integer) IS
  'The presigned GET URL behind app.certificate_pdf_url: signs only for a rendered revision of the caller''s tenant that the caller may read (the customer''s portal users, staff with sample.read tenant-wide or at the certificate''s site); PT404 certificate.not_found otherwise.';
