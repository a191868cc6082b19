-- Document uploads: get a signed URL, upload, confirm. A version starts
-- pending (app.create_document, app.add_document_version); its uploader asks
-- app.document_upload_url for a presigned PUT URL, uploads the file, and
-- calls app.confirm_document_upload. The verify worker (`pulse storage
-- verify`) fetches the object and reports its size and sha256 to
-- app_private.record_upload_check, which decides: the version becomes
-- current (stored), or is rejected with a reason. Readers get presigned GET
-- URLs from app.document_download_url. Objects live under the tenant's
-- prefix, one key per version: tenants/<organization id>/documents/<document
-- id>/v<n>/<file_name>. (file_path, the seed's layout, names the category and
-- not the document: two documents of one category in a project share it.)

CREATE OR REPLACE FUNCTION app_private.document_object_path(p_version app.document_versions) RETURNS text
LANGUAGE sql IMMUTABLE
AS $$
  SELECT pg_catalog.format('documents/%s/v%s/%s', p_version.document_id, p_version.version_number, p_version.file_name)
$$;

COMMENT ON FUNCTION app_private.document_object_path(app.document_versions) IS
  'The path of a version''s file inside its tenant''s storage, documents/<document id>/v<n>/<file_name> (the key is tenants/<organization id>/<path>): unique per version and never changing.';

CREATE OR REPLACE FUNCTION app_private.find_readable_version(p_version_id uuid) RETURNS app.document_versions
LANGUAGE plpgsql STABLE
SET search_path = ''
AS $$
DECLARE
  v_version app.document_versions;
BEGIN
  -- The rule of the document_versions_select_staff policy: staff of the tenant who read projects.
  SELECT * INTO v_version FROM app.document_versions AS v
   WHERE v.organization_id = auth.org_id() AND v.id = p_version_id
     AND auth.has_permission('project.read') AND auth.partner_id() IS NULL;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'no document version %', p_version_id USING ERRCODE = 'PT404', DETAIL = 'document.not_found',
      HINT = 'GET /document_versions?document_id=eq.<id> lists a document''s versions.';
  END IF;
  RETURN v_version;
END
$$;

COMMENT ON FUNCTION app_private.find_readable_version(uuid) IS
  'A document version of the active tenant the caller may read (staff with project.read), or PT404 document.not_found.';

CREATE OR REPLACE FUNCTION app_private.find_uploadable_version(p_version_id uuid, p_lock boolean DEFAULT false)
RETURNS app.document_versions
LANGUAGE plpgsql VOLATILE
SET search_path = ''
AS $$
DECLARE
  v_version app.document_versions := app_private.find_readable_version(p_version_id);
BEGIN
  PERFORM app_private.require_document_upload((SELECT d.project_id FROM app.documents AS d
                                                 WHERE d.organization_id = v_version.organization_id AND d.id = v_version.document_id));
  IF p_lock THEN
    SELECT * INTO v_version FROM app.document_versions AS v
     WHERE v.organization_id = v_version.organization_id AND v.id = v_version.id FOR UPDATE;
  END IF;
  IF v_version.upload_state NOT IN ('pending', 'verifying') THEN
    RAISE EXCEPTION 'version % of the document is already %', v_version.version_number, v_version.upload_state
      USING ERRCODE = 'PT409', DETAIL = 'document_upload.not_pending',
      HINT = 'Read upload_state and upload_rejection of the version; upload a new version with app.add_document_version.';
  END IF;
  RETURN v_version;
END
$$;

COMMENT ON FUNCTION app_private.find_uploadable_version(uuid, boolean) IS
  'A version whose file the caller may upload and confirm: readable (app_private.find_readable_version), of a project they may upload to (app_private.require_document_upload), still pending or verifying (locked with p_lock). PT403 permission.missing / project.staff_only, PT404 document.not_found / project.not_found, PT409 document_upload.not_pending.';

CREATE OR REPLACE FUNCTION app.document_upload_url(version_id uuid, expires_in integer DEFAULT 900) RETURNS app.signed_url
LANGUAGE plpgsql STABLE
SECURITY DEFINER
SET search_path = ''
AS $$
DECLARE
  v_version app.document_versions := app_private.find_uploadable_version(document_upload_url.version_id);
BEGIN
  IF v_version.upload_state <> 'pending' THEN
    RAISE EXCEPTION 'version % of the document is %, not waiting for its file', v_version.version_number, v_version.upload_state
      USING ERRCODE = 'PT409', DETAIL = 'document_upload.not_pending',
      HINT = 'A file is uploaded once, before the upload is confirmed; upload a new version with app.add_document_version.';
  END IF;
  RETURN app_private.presign_tenant_object(v_version.organization_id, 'PUT', app_private.document_object_path(v_version),
                                           document_upload_url.expires_in);
END
$$;

COMMENT ON FUNCTION app.document_upload_url(uuid, integer) IS
  E'Upload URL of a document version\nA presigned PUT URL for the file of a pending version (expires_in seconds, 900 by default, at most 604800). PUT the exact bytes whose sha256 and size the version declares, then call app.confirm_document_upload. Needs document.upload. Errors: PT403 permission.missing or project.staff_only, PT404 document.not_found, PT409 document_upload.not_pending, PT422 object_url.expiry_invalid, PT503 object_storage.not_configured.';

CREATE OR REPLACE FUNCTION app.confirm_document_upload(version_id uuid) RETURNS app.document_versions
LANGUAGE plpgsql VOLATILE
SECURITY DEFINER
SET search_path = ''
AS $$
DECLARE
  v_version app.document_versions := app_private.find_uploadable_version(confirm_document_upload.version_id, true);
BEGIN
  IF v_version.upload_state = 'verifying' THEN
    RETURN v_version;
  END IF;
  UPDATE app.document_versions AS v SET upload_state = 'verifying', upload_confirmed_at = pg_catalog.now()
   WHERE v.organization_id = v_version.organization_id AND v.id = v_version.id
  RETURNING * INTO v_version;
  PERFORM pg_catalog.pg_notify('pulse_document_uploads', v_version.id::text);
  RETURN v_version;
END
$$;

COMMENT ON FUNCTION app.confirm_document_upload(uuid) IS
  E'Confirm a document upload\nSays the file of a pending version is uploaded: the version becomes verifying and the verify worker checks the stored object (usually within a second). Returns the version; its upload_state then turns stored (it is the current version) or rejected (upload_rejection says why), and the uploader is notified. Calling it again while verifying returns the version unchanged. Needs document.upload. Errors: PT403 permission.missing or project.staff_only, PT404 document.not_found, PT409 document_upload.not_pending.';

CREATE OR REPLACE FUNCTION app.document_download_url(version_id uuid, expires_in integer DEFAULT 300) RETURNS app.signed_url
LANGUAGE plpgsql VOLATILE
SECURITY DEFINER
SET search_path = ''
AS $$
DECLARE
  v_version app.document_versions := app_private.find_readable_version(document_download_url.version_id);
BEGIN
  IF v_version.upload_state <> 'stored' THEN
    RAISE EXCEPTION 'version % of the document has no stored file (%)', v_version.version_number, v_version.upload_state
      USING ERRCODE = 'PT409', DETAIL = 'document_upload.not_stored',
      HINT = 'Only a version whose file was checked (upload_state stored) can be downloaded.';
  END IF;
  INSERT INTO app.document_access_log (organization_id, document_id, version_number, user_id, action)
  VALUES (v_version.organization_id, v_version.document_id, v_version.version_number, auth.user_id(), 'download');
  RETURN app_private.presign_tenant_object(v_version.organization_id, 'GET', app_private.document_object_path(v_version),
                                           document_download_url.expires_in);
END
$$;

COMMENT ON FUNCTION app.document_download_url(uuid, integer) IS
  E'Download URL of a document version\nA presigned GET URL for the file of a stored version (expires_in seconds, 300 by default, at most 604800), for staff who read the tenant''s documents; the download is logged in document_access_log. Errors: PT404 document.not_found, PT409 document_upload.not_stored, PT422 object_url.expiry_invalid, PT503 object_storage.not_configured.';

CREATE OR REPLACE FUNCTION app_private.make_version_current(p_version app.document_versions) RETURNS app.document_versions
LANGUAGE plpgsql VOLATILE
SET search_path = ''
AS $$
DECLARE
  v_document app.documents;
  v_project app.projects;
  v_version app.document_versions;
BEGIN
  SELECT * INTO v_document FROM app.documents WHERE organization_id = p_version.organization_id AND id = p_version.document_id;
  SELECT * INTO v_project FROM app.projects WHERE organization_id = v_document.organization_id AND id = v_document.project_id;

  UPDATE app.document_versions SET is_current = false
   WHERE organization_id = v_document.organization_id AND document_id = v_document.id AND is_current;
  UPDATE app.document_versions SET is_current = true
   WHERE organization_id = p_version.organization_id AND id = p_version.id
  RETURNING * INTO v_version;

  UPDATE app.documents
     SET version = v_version.version_number, file_name = v_version.file_name, file_path = v_version.file_path,
         checksum = v_version.checksum, size_bytes = v_version.size_bytes, mime_type = v_version.mime_type,
         approval_state = v_version.approval_state, approved_by = NULL, uploaded_by = v_version.uploaded_by
   WHERE organization_id = v_document.organization_id AND id = v_document.id;

  IF v_version.approval_state = 'pending' THEN
    PERFORM app_private.open_approval(v_version.organization_id, 'document_version', v_version.id, v_project,
                                      'quality_review', jsonb_build_object('document_category', v_document.category));
  END IF;
  PERFORM app_private.notify(v_project.organization_id,
    array_remove(ARRAY[v_project.assigned_to] || v_project.team_member_ids, auth.user_id()), 'document',
    format('%s: %s v%s', v_project.project_number, v_document.title, v_version.version_number), v_version.file_name, 'low',
    v_project.id, 'documents', v_document.id);
  -- contracts/events/workflow/document.version_stored.schema.json
  PERFORM app_private.publish_event(v_version.organization_id, 'document.version_stored', pg_catalog.jsonb_build_object(
    'document_id', v_document.id, 'version_id', v_version.id, 'project_id', v_project.id,
    'project_number', v_project.project_number, 'title', v_document.title, 'category', v_document.category,
    'version_number', v_version.version_number, 'file_name', v_version.file_name, 'size_bytes', v_version.size_bytes,
    'mime_type', v_version.mime_type, 'checksum', v_version.checksum, 'approval_state', v_version.approval_state,
    'uploaded_by', v_version.uploaded_by),
    'document', v_document.id);
  PERFORM app_private.advance_project_if_ready(v_project.organization_id, v_project.id);
  RETURN v_version;
END
$$;

COMMENT ON FUNCTION app_private.make_version_current(app.document_versions) IS
  'Makes a stored version the only current one and mirrors it on the document; a regulated category opens its approval (requested by the acting user), the project team is notified, document.version_stored is published and the project advances when its stage is complete. The caller holds the document''s row lock and acts as the uploader.';

CREATE OR REPLACE FUNCTION app_private.record_upload_check(p_version_id uuid, p_size_bytes bigint, p_checksum text)
RETURNS app.document_versions
LANGUAGE plpgsql VOLATILE
SECURITY DEFINER
SET search_path = ''
AS $$
DECLARE
  v_version app.document_versions;
  v_document app.documents;
  v_reason text;
  v_claims text := pg_catalog.current_setting('request.jwt.claims', true);
BEGIN
  SELECT * INTO v_version FROM app.document_versions WHERE id = p_version_id;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'no document version %', p_version_id USING ERRCODE = 'PT404', DETAIL = 'document.not_found',
      HINT = 'app_private.upload_checks_due() lists the versions waiting for their check.';
  END IF;
  SELECT * INTO v_document FROM app.documents
   WHERE organization_id = v_version.organization_id AND id = v_version.document_id FOR UPDATE;
  SELECT * INTO v_version FROM app.document_versions WHERE organization_id = v_version.organization_id AND id = p_version_id;
  IF v_version.upload_state <> 'verifying' THEN
    RETURN v_version;  -- decided already (a second worker, a repeated report)
  END IF;

  v_reason := CASE
    WHEN app_private.upload_rejection(v_version.size_bytes, v_version.checksum, p_size_bytes, p_checksum) IS NOT NULL
      THEN app_private.upload_rejection(v_version.size_bytes, v_version.checksum, p_size_bytes, p_checksum)
    WHEN v_version.version_number < v_document.version THEN 'upload.superseded'
    WHEN v_version.checksum = v_document.checksum THEN 'upload.identical_to_current'
  END;
  UPDATE app.document_versions
     SET upload_state = CASE WHEN v_reason IS NULL THEN 'stored' ELSE 'rejected' END::app.document_upload_state,
         upload_rejection = v_reason, upload_checked_at = pg_catalog.now()
   WHERE organization_id = v_version.organization_id AND id = v_version.id
  RETURNING * INTO v_version;

  -- What follows is done on behalf of the uploader: they request the approval a regulated
  -- version opens, and the team but them hears of the new version.
  PERFORM pg_catalog.set_config('request.jwt.claims', pg_catalog.jsonb_build_object(
    'sub', v_version.uploaded_by, 'org_id', v_version.organization_id, 'role', 'app_user')::text, true);
  IF v_reason IS NULL THEN
    v_version := app_private.make_version_current(v_version);
  END IF;
  PERFORM app_private.notify(v_version.organization_id, ARRAY[v_version.uploaded_by], 'document',
    CASE WHEN v_reason IS NULL THEN format('%s v%s is stored', v_document.title, v_version.version_number)
         ELSE format('%s v%s was rejected', v_document.title, v_version.version_number) END,
    CASE v_reason
      WHEN 'upload.superseded' THEN 'A later version became current first.'
      WHEN 'upload.identical_to_current' THEN 'The file is identical to the current version.'
      ELSE coalesce(app_private.upload_rejection_message(v_reason, v_version.size_bytes, p_size_bytes), v_version.file_name) END,
    CASE WHEN v_reason IS NULL THEN 'low' ELSE 'normal' END::app.priority_level,
    v_document.project_id, 'documents', v_document.id);
  PERFORM pg_catalog.set_config('request.jwt.claims', coalesce(v_claims, ''), true);
  RETURN v_version;
END
$$;

COMMENT ON FUNCTION app_private.record_upload_check(uuid, bigint, text) IS
  'The verify worker''s report on a confirmed upload: the stored object''s size and sha256 (NULL size: no object). The database decides: stored and current when both match the declaration and no later version is current, else rejected with upload.missing_object, upload.size_mismatch, upload.checksum_mismatch, upload.superseded or upload.identical_to_current. The uploader is notified either way. A version no longer verifying is returned unchanged. PT404 document.not_found.';

CREATE OR REPLACE FUNCTION app_private.upload_checks_due(p_limit integer DEFAULT 20)
RETURNS TABLE (version_id uuid, size_bytes bigint, checksum text, url text)
LANGUAGE sql STABLE
SECURITY DEFINER
SET search_path = ''
AS $$
  SELECT v.id, v.size_bytes, v.checksum,
         (app_private.presign_tenant_object(v.organization_id, 'GET', app_private.document_object_path(v), 300, true)).url
    FROM app.document_versions AS v
   WHERE v.upload_state = 'verifying'
   ORDER BY v.upload_confirmed_at, v.id
   LIMIT p_limit
$$;

COMMENT ON FUNCTION app_private.upload_checks_due(integer) IS
  'Confirmed uploads waiting for their check, oldest first, each with its declared size and sha256 and a GET URL on the workers'' endpoint (5 minutes). The verify worker fetches each and reports to app_private.record_upload_check.';
