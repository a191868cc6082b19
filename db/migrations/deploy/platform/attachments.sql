-- Deploy pulse:platform/attachments to pg
-- requires: platform/comments platform/object_storage

BEGIN;

ALTER TYPE app.notification_type ADD VALUE IF NOT EXISTS 'attachment';

-- Attachments: files in the object store on any registered entity, or on a
-- comment (db/functions/50_platform/34_attachments.sql). The upload follows the
-- documents' flow: pending -> verifying (confirmed) -> stored or rejected
-- (the verify worker's report, db/functions/50_platform/62_uploads.sql).
CREATE TYPE app.upload_state AS ENUM ('pending', 'verifying', 'stored', 'rejected');
COMMENT ON TYPE app.upload_state IS
  'Where an attachment''s file is: pending (waiting for the upload), verifying (confirmed, being checked), stored (checked: size and sha256 match) or rejected.';

CREATE TABLE app.attachments (
  organization_id uuid NOT NULL,
  id uuid NOT NULL,
  entity_type text NOT NULL,
  entity_id uuid NOT NULL,
  comment_id uuid,
  file_name text NOT NULL CONSTRAINT attachments_file_name_format
    CHECK (length(file_name) BETWEEN 1 AND 255 AND file_name !~ '[/\\[:cntrl:]]' AND file_name NOT IN ('.', '..')),
  mime_type text NOT NULL CONSTRAINT attachments_mime_type_format CHECK (mime_type ~ '^[a-z0-9][a-z0-9!#$&^_.+-]{0,63}/[a-z0-9][a-z0-9!#$&^_.+-]{0,127}$'),
  size_bytes bigint NOT NULL CONSTRAINT attachments_size_range CHECK (size_bytes BETWEEN 1 AND 5368709120),
  sha256 text NOT NULL CONSTRAINT attachments_sha256_format CHECK (sha256 ~ '^[0-9a-f]{64}$'),
  uploaded_by uuid NOT NULL REFERENCES app.users (id),
  created_at timestamptz NOT NULL DEFAULT now(),
  upload_state app.upload_state NOT NULL DEFAULT 'pending',
  upload_rejection text CONSTRAINT attachments_upload_rejection_reason
    CHECK (upload_rejection IN ('upload.missing_object', 'upload.size_mismatch', 'upload.checksum_mismatch')),
  upload_confirmed_at timestamptz,
  upload_checked_at timestamptz,
  PRIMARY KEY (organization_id, id),
  FOREIGN KEY (organization_id, entity_type, entity_id)
    REFERENCES app_private.entities (organization_id, entity_type, id) ON DELETE CASCADE,
  -- An attachment of a comment belongs to the comment's entity and goes with the comment.
  FOREIGN KEY (organization_id, entity_type, entity_id, comment_id)
    REFERENCES app.comments (organization_id, entity_type, entity_id, id) ON DELETE CASCADE,
  CONSTRAINT attachments_rejected_has_reason CHECK ((upload_state = 'rejected') = (upload_rejection IS NOT NULL))
);
CREATE INDEX attachments_entity_idx ON app.attachments (organization_id, entity_type, entity_id, created_at);
CREATE INDEX attachments_comment_idx ON app.attachments (organization_id, entity_type, entity_id, comment_id) WHERE comment_id IS NOT NULL;
CREATE INDEX attachments_uploaded_by_idx ON app.attachments (uploaded_by);
CREATE INDEX attachments_verifying_idx ON app.attachments (upload_confirmed_at) WHERE upload_state = 'verifying';

COMMENT ON TABLE app.attachments IS
  E'Attachments\nFiles on any entity (GET /entity_types) or on one of its comments, kept in the object store at tenants/<tenant>/attachments/<id>/<file_name>. Create the row (holders of attachment.upload who may read the entity), PUT the bytes to app.attachment_upload_url, confirm with app.confirm_attachment_upload; the verify worker stores or rejects it. Whoever may read the entity reads the rows and gets download URLs of stored files (app.attachment_download_url).';
COMMENT ON COLUMN app.attachments.organization_id IS 'Tenant (filled from the token when left out).';
COMMENT ON COLUMN app.attachments.id IS 'Attachment id (filled by the server when left out).';
COMMENT ON COLUMN app.attachments.entity_type IS 'Entity type (entity_types.entity_type, e.g. project).';
COMMENT ON COLUMN app.attachments.entity_id IS 'The entity the file is attached to.';
COMMENT ON COLUMN app.attachments.comment_id IS 'The comment (of the same entity) the file belongs to, or null.';
COMMENT ON COLUMN app.attachments.file_name IS 'Original file name, 1 to 255 characters, without / \ or control characters.';
COMMENT ON COLUMN app.attachments.mime_type IS 'Media type (e.g. application/pdf), lower case.';
COMMENT ON COLUMN app.attachments.size_bytes IS 'Declared size in bytes (1 byte to 5 GiB); the stored object must match.';
COMMENT ON COLUMN app.attachments.sha256 IS 'Declared sha256 of the file (64 lower-case hex digits); the stored object must match.';
COMMENT ON COLUMN app.attachments.uploaded_by IS 'Who attached it (set by the server).';
COMMENT ON COLUMN app.attachments.created_at IS 'When it was attached.';
COMMENT ON COLUMN app.attachments.upload_state IS 'pending until uploaded and confirmed, verifying while checked, then stored or rejected.';
COMMENT ON COLUMN app.attachments.upload_rejection IS 'Why the upload was rejected: upload.missing_object, upload.size_mismatch or upload.checksum_mismatch.';
COMMENT ON COLUMN app.attachments.upload_confirmed_at IS 'When the uploader confirmed the upload.';
COMMENT ON COLUMN app.attachments.upload_checked_at IS 'When the stored object was checked.';

CREATE TABLE app.attachment_downloads (
  organization_id uuid NOT NULL,
  id uuid NOT NULL,
  attachment_id uuid NOT NULL,
  user_id uuid NOT NULL REFERENCES app.users (id),
  downloaded_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (organization_id, id),
  FOREIGN KEY (organization_id, attachment_id) REFERENCES app.attachments (organization_id, id) ON DELETE CASCADE
);
CREATE INDEX attachment_downloads_attachment_idx ON app.attachment_downloads (organization_id, attachment_id, downloaded_at);
CREATE INDEX attachment_downloads_user_idx ON app.attachment_downloads (user_id);

COMMENT ON TABLE app.attachment_downloads IS
  E'Attachment downloads\nWho got a download URL of which attachment, and when (written by app.attachment_download_url). Each reads their own; holders of audit.read read those of attachments they may read.';
COMMENT ON COLUMN app.attachment_downloads.organization_id IS 'Tenant.';
COMMENT ON COLUMN app.attachment_downloads.id IS 'Row id.';
COMMENT ON COLUMN app.attachment_downloads.attachment_id IS 'The attachment (attachments.id).';
COMMENT ON COLUMN app.attachment_downloads.user_id IS 'Who asked for the URL.';
COMMENT ON COLUMN app.attachment_downloads.downloaded_at IS 'When.';

-- Objects whose attachment row is gone: the database cannot delete objects,
-- so it lists them here for the purge (app_private.object_purges_due,
-- `pulse storage purge`).
CREATE TABLE app_private.object_purges (
  object_key text PRIMARY KEY CONSTRAINT object_purges_key_format CHECK (object_key ~ '^tenants/[0-9a-f-]{36}/.'),
  queued_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX object_purges_queued_idx ON app_private.object_purges (queued_at);
COMMENT ON TABLE app_private.object_purges IS
  'Object keys (tenants/<organization id>/...) whose attachment was deleted (with its entity, its comment, its tenant or by hand) and that the store may still hold; `pulse storage purge` deletes them and removes the row. Not a tenant table (no organization_id, no foreign key): it outlives a purged tenant, whose objects must go too.';

COMMIT;
