-- Deploy pulse:workflow/document_uploads to pg
-- requires: platform/object_storage

BEGIN;

CREATE TYPE app.document_upload_state AS ENUM ('pending', 'verifying', 'stored', 'rejected');
COMMENT ON TYPE app.document_upload_state IS
  'Where a version''s file is: pending (waiting for the upload), verifying (confirmed, being checked), stored (checked: size and sha256 match) or rejected.';

-- Versions recorded before this change never had their bytes checked; they
-- stay current and count as stored (there is no object to check).
ALTER TABLE app.document_versions
  ADD COLUMN upload_state app.document_upload_state NOT NULL DEFAULT 'stored',
  ADD COLUMN upload_rejection text CONSTRAINT document_versions_upload_rejection_reason
    CHECK (upload_rejection IN ('upload.missing_object', 'upload.size_mismatch', 'upload.checksum_mismatch',
                                'upload.superseded', 'upload.identical_to_current')),
  ADD COLUMN upload_confirmed_at timestamptz,
  ADD COLUMN upload_checked_at timestamptz,
  ADD CONSTRAINT document_versions_current_is_stored CHECK (NOT is_current OR upload_state = 'stored'),
  ADD CONSTRAINT document_versions_rejected_has_reason CHECK ((upload_state = 'rejected') = (upload_rejection IS NOT NULL));
ALTER TABLE app.document_versions ALTER COLUMN upload_state SET DEFAULT 'pending';
CREATE INDEX document_versions_verifying_idx ON app.document_versions (upload_confirmed_at) WHERE upload_state = 'verifying';

COMMENT ON COLUMN app.document_versions.upload_state IS
  'pending until the file is uploaded and confirmed, verifying while it is checked, then stored (the version became current) or rejected.';
COMMENT ON COLUMN app.document_versions.upload_rejection IS
  'Why the upload was rejected: upload.missing_object, upload.size_mismatch, upload.checksum_mismatch, upload.superseded, upload.identical_to_current.';
COMMENT ON COLUMN app.document_versions.upload_confirmed_at IS 'When the uploader confirmed the upload (app.confirm_document_upload).';
COMMENT ON COLUMN app.document_versions.upload_checked_at IS 'When the stored object was checked against the declared size and sha256.';
COMMENT ON COLUMN app.document_versions.file_path IS
  'Storage path in the seed''s layout: /org/<org_slug>/projects/<project_id>/<category>/v<version>/<file_name>. The file itself is stored at tenants/<organization id>/documents/<document id>/v<version>/<file_name> (signed URLs: app.document_upload_url, app.document_download_url).';
COMMENT ON COLUMN app.documents.file_path IS
  'Storage path of the current version in the seed''s layout: /org/<org_slug>/projects/<project_id>/<category>/v<version>/<file_name>.';
COMMENT ON COLUMN app.document_versions.is_current IS
  'True for exactly the current version of the document; only a stored version (its file checked) can be current.';

COMMIT;
