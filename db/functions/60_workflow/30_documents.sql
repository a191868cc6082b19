-- Documents: names and storage paths computed in SQL, atomic versioning,
-- immutable history, approval of regulated categories, the access log.

CREATE OR REPLACE FUNCTION app_private.organization_code(p_organization app.organizations) RETURNS text
LANGUAGE sql IMMUTABLE
AS $$
  SELECT coalesce(p_organization.short_code,
                  pg_catalog.upper((SELECT pg_catalog.string_agg(pg_catalog.left(part, 1), '')
                                      FROM pg_catalog.regexp_split_to_table(p_organization.slug, '-') AS part)))
$$;

COMMENT ON FUNCTION app_private.organization_code(app.organizations) IS
  'The code that starts document names: short_code, else the initials of the slug (acme-manufacturing: AM).';

CREATE OR REPLACE FUNCTION app_private.document_file_name(
  p_organization_code text, p_project_number text, p_category app.document_category, p_day date, p_version integer,
  p_extension text
) RETURNS text
LANGUAGE sql IMMUTABLE
AS $$
  SELECT pg_catalog.format('%s-%s-%s-%s-v%s.%s', p_organization_code, p_project_number, p_category,
                           pg_catalog.to_char(p_day, 'YYYYMMDD'), pg_catalog.lpad(p_version::text, 2, '0'), p_extension)
$$;

COMMENT ON FUNCTION app_private.document_file_name(text, text, app.document_category, date, integer, text) IS
  '<ORG>-<PROJECTID>-<CATEGORY>-<YYYYMMDD>-v<NN>.<ext>, e.g. FP-PRJ-000123-qa_report-20250907-v03.pdf.';

CREATE OR REPLACE FUNCTION app_private.document_storage_path(
  p_organization_slug text, p_project_number text, p_category app.document_category, p_version integer, p_file_name text
) RETURNS text
LANGUAGE sql IMMUTABLE
AS $$
  SELECT pg_catalog.format('/org/%s/projects/%s/%s/v%s/%s', p_organization_slug, p_project_number, p_category, p_version, p_file_name)
$$;

COMMENT ON FUNCTION app_private.document_storage_path(text, text, app.document_category, integer, text) IS
  '/org/<org_slug>/projects/<project_id>/<category>/v<version>/<filename>.';

CREATE OR REPLACE FUNCTION app_private.store_document_version(
  p_document app.documents, p_checksum text, p_size_bytes bigint, p_mime_type text, p_change_summary text, p_metadata jsonb
) RETURNS app.document_versions
LANGUAGE plpgsql VOLATILE
SET search_path = ''
AS $$
DECLARE
  v_organization app.organizations;
  v_project app.projects;
  v_version app.document_versions;
  v_regulated boolean;
  v_number integer;
BEGIN
  SELECT * INTO v_organization FROM app.organizations WHERE id = p_document.organization_id;
  SELECT * INTO v_project FROM app.projects WHERE organization_id = p_document.organization_id AND id = p_document.project_id;
  SELECT is_regulated INTO v_regulated FROM app.document_category_settings
   WHERE organization_id = p_document.organization_id AND category = p_document.category;
  IF p_checksum IS NOT NULL AND pg_catalog.lower(p_checksum) = p_document.checksum THEN
    RAISE EXCEPTION 'this file is identical to version % of the document', p_document.version USING ERRCODE = 'PT409',
      DETAIL = 'document.identical_version',
      HINT = 'Only upload a version that differs (its sha256 is the same as the current one).';
  END IF;
  -- Numbers count every version asked for, uploaded or not (the caller holds the document's row lock).
  SELECT coalesce(max(v.version_number), 0) + 1 INTO v_number FROM app.document_versions AS v
   WHERE v.organization_id = p_document.organization_id AND v.document_id = p_document.id;

  INSERT INTO app.document_versions
    (organization_id, document_id, version_number, file_name, file_path, checksum, size_bytes, mime_type, is_current,
     upload_state, approval_state, uploaded_by, change_summary, metadata)
  SELECT p_document.organization_id, p_document.id, v_number, n.file_name,
         app_private.document_storage_path(v_organization.slug, v_project.project_number, p_document.category, v_number, n.file_name),
         pg_catalog.lower(p_checksum), p_size_bytes, p_mime_type, false, 'pending',
         CASE WHEN coalesce(v_regulated, false) THEN 'pending' ELSE 'not_required' END::app.document_approval_state,
         auth.user_id(), coalesce(p_change_summary, ''), coalesce(p_metadata, '{}')
    FROM (SELECT app_private.document_file_name(app_private.organization_code(v_organization), v_project.project_number,
                                                p_document.category, current_date, v_number,
                                                p_document.file_extension) AS file_name) AS n
  RETURNING * INTO v_version;
  RETURN v_version;
END
$$;

COMMENT ON FUNCTION app_private.store_document_version(app.documents, text, bigint, text, text, jsonb) IS
  'Records the next version of a document as pending: it becomes current only once its uploaded file is checked (app_private.make_version_current, 32_document_uploads.sql). PT409 document.identical_version when the checksum is the current one''s. The caller holds the document''s row lock.';

CREATE OR REPLACE FUNCTION app_private.require_document_upload(p_project_id uuid) RETURNS app.projects
LANGUAGE plpgsql STABLE
SET search_path = ''
AS $$
DECLARE
  v_project app.projects;
BEGIN
  PERFORM app_private.require_permission('document.upload');
  PERFORM app_private.refuse_portal_user();
  SELECT * INTO v_project FROM app.projects WHERE organization_id = auth.org_id() AND id = p_project_id;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'no project %', p_project_id USING ERRCODE = 'PT404', DETAIL = 'project.not_found',
      HINT = 'GET /projects lists the projects of your organization.';
  END IF;
  RETURN v_project;
END
$$;

COMMENT ON FUNCTION app_private.require_document_upload(uuid) IS 'The project a caller may upload to, or PT403 (permission.missing, project.staff_only) / PT404 project.not_found.';

CREATE OR REPLACE FUNCTION app.create_document(
  project_id uuid,
  title text,
  category app.document_category,
  file_extension text,
  checksum text,
  size_bytes bigint,
  mime_type text,
  change_summary text DEFAULT '',
  metadata jsonb DEFAULT '{}'
) RETURNS app.document_versions
LANGUAGE plpgsql VOLATILE
SECURITY DEFINER
SET search_path = ''
AS $$
#variable_conflict use_column
DECLARE
  v_project app.projects := app_private.require_document_upload(create_document.project_id);
  v_document app.documents;
BEGIN
  INSERT INTO app.documents (organization_id, project_id, title, category, file_extension, retention_tag, uploaded_by)
  SELECT v_project.organization_id, v_project.id, create_document.title, create_document.category,
         pg_catalog.lower(create_document.file_extension), 'retain-' || s.retention_years || 'y', auth.user_id()
    FROM app.document_category_settings AS s
   WHERE s.organization_id = v_project.organization_id AND s.category = create_document.category
  RETURNING * INTO v_document;
  RETURN app_private.store_document_version(v_document, create_document.checksum, create_document.size_bytes,
                                            create_document.mime_type, create_document.change_summary, create_document.metadata);
END
$$;

COMMENT ON FUNCTION app.create_document(uuid, text, app.document_category, text, text, bigint, text, text, jsonb) IS
  'POST /documents: records a document and its first version (checksum: sha256 hex, size, mime type) as pending and returns the version row with its generated file_name and file_path. Then: app.document_upload_url (PUT the file), app.confirm_document_upload; the version becomes current once the file is checked (upload_state stored). Needs document.upload. Errors: PT403 permission.missing or project.staff_only, PT404 project.not_found, 23514 bad checksum, mime type or extension.';

CREATE OR REPLACE FUNCTION app.add_document_version(
  document_id uuid,
  checksum text,
  size_bytes bigint,
  mime_type text,
  change_summary text DEFAULT '',
  metadata jsonb DEFAULT '{}'
) RETURNS app.document_versions
LANGUAGE plpgsql VOLATILE
SECURITY DEFINER
SET search_path = ''
AS $$
#variable_conflict use_column
DECLARE
  v_document app.documents;
BEGIN
  SELECT * INTO v_document FROM app.documents AS d
   WHERE d.organization_id = auth.org_id() AND d.id = add_document_version.document_id
   FOR UPDATE;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'no document %', document_id USING ERRCODE = 'PT404', DETAIL = 'document.not_found',
      HINT = 'GET /documents?project_id=eq.<id> lists a project''s documents.';
  END IF;
  PERFORM app_private.require_document_upload(v_document.project_id);
  RETURN app_private.store_document_version(v_document, add_document_version.checksum, add_document_version.size_bytes,
                                            add_document_version.mime_type, add_document_version.change_summary,
                                            add_document_version.metadata);
END
$$;

COMMENT ON FUNCTION app.add_document_version(uuid, text, bigint, text, text, jsonb) IS
  'Records the next version of a document (the highest version_number + 1) as pending and returns it; it becomes the only current one once its file is uploaded, confirmed and checked (app.document_upload_url, app.confirm_document_upload). Concurrent calls queue on the document. Needs document.upload. Errors: PT403 permission.missing or project.staff_only, PT404 document.not_found, PT409 document.identical_version.';

CREATE OR REPLACE FUNCTION app.log_document_access(
  document_id uuid, version_number integer DEFAULT NULL, action app.document_access_action DEFAULT 'view'
) RETURNS app.document_versions
LANGUAGE plpgsql VOLATILE
SECURITY DEFINER
SET search_path = ''
AS $$
#variable_conflict use_column
DECLARE
  v_version app.document_versions;
BEGIN
  -- Whoever may not read the tenant's documents finds nothing.
  SELECT * INTO v_version FROM app.document_versions AS v
   WHERE v.organization_id = auth.org_id() AND v.document_id = log_document_access.document_id
     AND (v.version_number = log_document_access.version_number OR (log_document_access.version_number IS NULL AND v.is_current))
     AND v.upload_state = 'stored'
     AND auth.has_permission('project.read') AND auth.partner_id() IS NULL;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'no document % version %', document_id, coalesce(version_number::text, 'current') USING ERRCODE = 'PT404',
      DETAIL = 'document.not_found', HINT = 'GET /document_versions?document_id=eq.<id> lists its versions.';
  END IF;
  INSERT INTO app.document_access_log (organization_id, document_id, version_number, user_id, action)
  VALUES (v_version.organization_id, v_version.document_id, v_version.version_number, auth.user_id(), log_document_access.action);
  RETURN v_version;
END
$$;

COMMENT ON FUNCTION app.log_document_access(uuid, integer, app.document_access_action) IS
  'Opens a stored document version (the current one when version_number is empty) for view or download: logs the access and returns the version with its file_path (app.document_download_url also signs a URL to fetch it). Errors: PT404 document.not_found (also for a version whose file is not stored, and for whoever may not read the tenant''s documents).';

CREATE OR REPLACE FUNCTION app_private.tg_document_versions__immutable() RETURNS trigger
LANGUAGE plpgsql VOLATILE
SET search_path = ''
AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    IF app_private.tenant_is_leaving(OLD.organization_id) THEN
      RETURN OLD;
    END IF;
    RAISE EXCEPTION 'document versions are kept: delete refused' USING ERRCODE = 'PT409', DETAIL = 'document_version.kept',
      HINT = 'Upload a new version instead; versions leave only with their tenant.';
  END IF;
  IF (pg_catalog.to_jsonb(NEW) - ARRAY['is_current', 'approval_state', 'approved_by', 'approved_at', 'upload_state',
                                        'upload_rejection', 'upload_confirmed_at', 'upload_checked_at'])
     IS DISTINCT FROM (pg_catalog.to_jsonb(OLD) - ARRAY['is_current', 'approval_state', 'approved_by', 'approved_at', 'upload_state',
                                                     'upload_rejection', 'upload_confirmed_at', 'upload_checked_at']) THEN
    RAISE EXCEPTION 'version % of document % is immutable', OLD.version_number, OLD.document_id USING ERRCODE = 'PT409',
      DETAIL = 'document_version.immutable', HINT = 'Upload a new version with app.add_document_version.';
  END IF;
  -- An upload moves one way: pending -> verifying -> stored or rejected.
  IF NEW.upload_state IS DISTINCT FROM OLD.upload_state
     AND (OLD.upload_state, NEW.upload_state) NOT IN (('pending', 'verifying'), ('verifying', 'stored'), ('verifying', 'rejected')) THEN
    RAISE EXCEPTION 'an upload cannot go from % to %', OLD.upload_state, NEW.upload_state USING ERRCODE = 'PT409',
      DETAIL = 'document_upload.invalid_transition',
      HINT = 'A version is confirmed once (pending to verifying); only the file check makes it stored or rejected.';
  END IF;
  RETURN NEW;
END
$$;

COMMENT ON FUNCTION app_private.tg_document_versions__immutable() IS
  'BEFORE UPDATE or DELETE: a version''s file, checksum and history never change (only which one is current, its approval and its upload state: PT409 document_version.immutable); the upload state only moves pending -> verifying -> stored or rejected (PT409 document_upload.invalid_transition); versions are never deleted except with their tenant (PT409 document_version.kept).';

CREATE OR REPLACE TRIGGER _100_touch_updated_at BEFORE UPDATE ON app.documents
  FOR EACH ROW EXECUTE FUNCTION app_private.tg__touch_updated_at();
CREATE OR REPLACE TRIGGER _100_immutable BEFORE UPDATE OR DELETE ON app.document_versions
  FOR EACH ROW EXECUTE FUNCTION app_private.tg_document_versions__immutable();
CREATE OR REPLACE TRIGGER _100_append_only BEFORE UPDATE OR DELETE ON app.document_access_log
  FOR EACH ROW EXECUTE FUNCTION app_private.tg__append_only();
CREATE OR REPLACE TRIGGER _100_append_only BEFORE UPDATE OR DELETE ON app.project_stage_transitions
  FOR EACH ROW EXECUTE FUNCTION app_private.tg__append_only();

-- Document rules keep the time of their last change.
CREATE OR REPLACE TRIGGER _100_touch_updated_at BEFORE UPDATE ON app.document_category_settings
  FOR EACH ROW EXECUTE FUNCTION app_private.tg__touch_updated_at();

-- Documents carry the platform blocks (custom fields, tags, comments, search).
SELECT app_private.register_entity_type('document', 'app.documents', 'title', 'Document');
SELECT app_private.register_search('document', 't.search_vector', $$concat_ws(' ', t.title, t.file_name)$$);
SELECT app_private.enable_soft_delete('document', 'project.update');
-- Documents are created by app.create_document, which takes no custom fields:
-- their values are set afterwards (PATCH /documents), so an insert need not
-- carry the required ones.
SELECT app_private.enable_custom_fields('document', p_required_on_insert => false);
