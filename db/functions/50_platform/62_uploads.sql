-- Uploads: what every uploaded file shares, whatever it belongs to (a
-- document's version, 60_workflow/32_document_uploads.sql; an attachment,
-- 50_platform/34_attachments.sql). A file is declared first (size, sha256),
-- uploaded to a presigned PUT URL, confirmed (pending -> verifying), then
-- measured by the verify worker (cli/pulse/storage.py), which reports the
-- stored object's size and sha256; the database compares them with the
-- declaration here. The owner of each kind of upload lists its due checks
-- and records the verdict in its own table (app_private.upload_checks_due /
-- record_upload_check for documents, attachment_checks_due /
-- record_attachment_check for attachments).

CREATE OR REPLACE FUNCTION app_private.upload_rejection(
  p_declared_size bigint, p_declared_sha256 text, p_found_size bigint, p_found_sha256 text
) RETURNS text
LANGUAGE sql IMMUTABLE
AS $$
  SELECT CASE
    WHEN p_found_size IS NULL THEN 'upload.missing_object'
    WHEN p_found_size <> p_declared_size THEN 'upload.size_mismatch'
    WHEN pg_catalog.lower(p_found_sha256) IS DISTINCT FROM pg_catalog.lower(p_declared_sha256) THEN 'upload.checksum_mismatch'
  END
$$;

COMMENT ON FUNCTION app_private.upload_rejection(bigint, text, bigint, text) IS
  'The verify worker''s finding against a declaration: NULL when the stored object has the declared size and sha256, else upload.missing_object (no object: found size NULL), upload.size_mismatch or upload.checksum_mismatch.';

CREATE OR REPLACE FUNCTION app_private.upload_rejection_message(p_reason text, p_declared_size bigint, p_found_size bigint)
RETURNS text
LANGUAGE sql IMMUTABLE
AS $$
  SELECT CASE p_reason
    WHEN 'upload.missing_object' THEN 'No file was found at the upload URL.'
    WHEN 'upload.size_mismatch' THEN pg_catalog.format('The uploaded file has %s bytes, not the %s declared.', p_found_size, p_declared_size)
    WHEN 'upload.checksum_mismatch' THEN 'The uploaded file''s sha256 is not the one declared.'
  END
$$;

COMMENT ON FUNCTION app_private.upload_rejection_message(text, bigint, bigint) IS
  'What the uploader is told of a rejection app_private.upload_rejection found (NULL for other reasons, which their owner words).';
