-- Verify pulse:documents on pg

BEGIN;

SELECT organization_id, category, is_regulated, retention_years FROM app.document_category_settings WHERE false;
SELECT organization_id, id, project_id, title, category, file_extension, version, file_name, file_path, checksum,
       size_bytes, mime_type, approval_state, approved_by, retention_tag, uploaded_by
  FROM app.documents WHERE false;
SELECT organization_id, id, document_id, version_number, file_name, file_path, checksum, size_bytes, mime_type,
       is_current, approval_state, approved_by, approved_at, uploaded_by, uploaded_at, change_summary, metadata
  FROM app.document_versions WHERE false;
SELECT organization_id, id, document_id, version_number, user_id, action, accessed_at FROM app.document_access_log WHERE false;

ROLLBACK;
