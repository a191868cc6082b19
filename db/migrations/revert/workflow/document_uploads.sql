-- Revert pulse:workflow/document_uploads from pg

BEGIN;

-- Versions whose file never arrived (or was rejected) stay, as versions that
-- are not current: versions are never deleted.
-- CASCADE: the quality views (repeatables) read upload_state; the next
-- `pulse db migrate` re-applies them.
ALTER TABLE app.document_versions
  DROP CONSTRAINT document_versions_rejected_has_reason,
  DROP CONSTRAINT document_versions_current_is_stored,
  DROP COLUMN upload_checked_at,
  DROP COLUMN upload_confirmed_at,
  DROP COLUMN upload_rejection,
  DROP COLUMN upload_state CASCADE;
DROP TYPE app.document_upload_state;
COMMENT ON COLUMN app.document_versions.is_current IS 'True for exactly the current version of the document.';
COMMENT ON COLUMN app.document_versions.file_path IS 'Object storage path: /org/<org_slug>/projects/<project_id>/<category>/v<version>/<file_name>.';
COMMENT ON COLUMN app.documents.file_path IS 'Object storage path of the current version: /org/<org_slug>/projects/<project_id>/<category>/v<version>/<file_name>.';

COMMIT;
