-- Deploy pulse:documents to pg
-- requires: projects

BEGIN;

CREATE TYPE app.document_access_action AS ENUM ('view', 'download');
COMMENT ON TYPE app.document_access_action IS 'What a logged document access was.';

CREATE TYPE app.document_approval_state AS ENUM ('not_required', 'pending', 'approved', 'rejected');
COMMENT ON TYPE app.document_approval_state IS 'Approval of a document version; regulated categories need approved.';

CREATE TABLE app.document_category_settings (
  organization_id uuid NOT NULL DEFAULT auth.jwt_org_id() REFERENCES app.organizations (id) ON DELETE CASCADE,
  category app.document_category NOT NULL,
  is_regulated boolean NOT NULL DEFAULT false,
  retention_years integer NOT NULL DEFAULT 2 CONSTRAINT document_category_settings_retention_range CHECK (retention_years BETWEEN 1 AND 100),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (organization_id, category)
);
COMMENT ON TABLE app.document_category_settings IS
  'Per-tenant rules of each document category: whether it is regulated (versions need approval, only approved ones count as mandatory documents) and how long it is kept.';
COMMENT ON COLUMN app.document_category_settings.organization_id IS 'The tenant.';
COMMENT ON COLUMN app.document_category_settings.category IS 'The category.';
COMMENT ON COLUMN app.document_category_settings.is_regulated IS 'New versions start pending approval; only an approved version satisfies a mandatory document.';
COMMENT ON COLUMN app.document_category_settings.retention_years IS 'Years documents of the category are kept (retention_tag of new documents).';
COMMENT ON COLUMN app.document_category_settings.updated_at IS 'When the rule was last changed.';

CREATE TABLE app.documents (
  organization_id uuid NOT NULL DEFAULT auth.jwt_org_id(),
  id uuid NOT NULL DEFAULT public.uuid_generate_v7(),
  project_id uuid NOT NULL,
  title text NOT NULL CONSTRAINT documents_title_length CHECK (length(btrim(title)) BETWEEN 1 AND 200),
  category app.document_category NOT NULL,
  file_extension text NOT NULL CONSTRAINT documents_file_extension_format CHECK (file_extension ~ '^[a-z0-9]{1,10}$'),
  version integer NOT NULL DEFAULT 0,
  file_name text,
  file_path text,
  checksum text,
  size_bytes bigint,
  mime_type text,
  approval_state app.document_approval_state NOT NULL DEFAULT 'not_required',
  approved_by uuid REFERENCES app.users (id) ON DELETE SET NULL,
  retention_tag text NOT NULL,
  uploaded_by uuid REFERENCES app.users (id) ON DELETE SET NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (organization_id, id),
  FOREIGN KEY (organization_id, project_id) REFERENCES app.projects (organization_id, id) ON DELETE CASCADE
);
CREATE INDEX documents_project_idx ON app.documents (organization_id, project_id, category);
CREATE INDEX documents_category_idx ON app.documents (organization_id, category);
CREATE INDEX documents_checksum_idx ON app.documents (organization_id, checksum);

COMMENT ON TABLE app.documents IS
  'Project documents. The row describes the document and mirrors its current version; app.create_document and app.add_document_version write them, document_versions keeps every version.';
COMMENT ON COLUMN app.documents.organization_id IS 'The tenant.';
COMMENT ON COLUMN app.documents.id IS 'Document id.';
COMMENT ON COLUMN app.documents.project_id IS 'The project (projects.id).';
COMMENT ON COLUMN app.documents.title IS 'Title.';
COMMENT ON COLUMN app.documents.category IS 'Category (document_category).';
COMMENT ON COLUMN app.documents.file_extension IS 'File extension used in the generated file names (pdf, xlsx, step, ...).';
COMMENT ON COLUMN app.documents.version IS 'The current version number.';
COMMENT ON COLUMN app.documents.file_name IS 'File name of the current version: <ORG>-<PROJECTID>-<CATEGORY>-<YYYYMMDD>-v<NN>.<ext>.';
COMMENT ON COLUMN app.documents.file_path IS 'Object storage path of the current version: /org/<org_slug>/projects/<project_id>/<category>/v<version>/<file_name>.';
COMMENT ON COLUMN app.documents.checksum IS 'sha256 of the current version (64 hex digits).';
COMMENT ON COLUMN app.documents.size_bytes IS 'Size of the current version.';
COMMENT ON COLUMN app.documents.mime_type IS 'MIME type of the current version.';
COMMENT ON COLUMN app.documents.approval_state IS 'Approval of the current version.';
COMMENT ON COLUMN app.documents.approved_by IS 'Who approved the current version.';
COMMENT ON COLUMN app.documents.retention_tag IS 'Retention class, e.g. retain-7y, from the category''s rule when the document was created.';
COMMENT ON COLUMN app.documents.uploaded_by IS 'Who uploaded the current version.';
COMMENT ON COLUMN app.documents.created_at IS 'When the document was created.';
COMMENT ON COLUMN app.documents.updated_at IS 'When the current version changed.';

CREATE TABLE app.document_versions (
  organization_id uuid NOT NULL,
  id uuid NOT NULL DEFAULT public.uuid_generate_v7(),
  document_id uuid NOT NULL,
  version_number integer NOT NULL CONSTRAINT document_versions_number_positive CHECK (version_number > 0),
  file_name text NOT NULL,
  file_path text NOT NULL,
  checksum text NOT NULL CONSTRAINT document_versions_checksum_sha256 CHECK (checksum ~ '^[0-9a-f]{64}$'),
  size_bytes bigint NOT NULL CONSTRAINT document_versions_size_range CHECK (size_bytes BETWEEN 0 AND 1099511627776),
  mime_type text NOT NULL CONSTRAINT document_versions_mime_format CHECK (mime_type ~ '^[a-z]+/[a-zA-Z0-9.+_-]{1,100}$'),
  is_current boolean NOT NULL,
  approval_state app.document_approval_state NOT NULL,
  approved_by uuid REFERENCES app.users (id) ON DELETE SET NULL,
  approved_at timestamptz,
  uploaded_by uuid REFERENCES app.users (id) ON DELETE SET NULL,
  uploaded_at timestamptz NOT NULL DEFAULT now(),
  change_summary text NOT NULL DEFAULT '' CONSTRAINT document_versions_summary_length CHECK (length(change_summary) <= 2000),
  metadata jsonb NOT NULL DEFAULT '{}'
    CONSTRAINT document_versions_metadata_object CHECK (jsonb_typeof(metadata) = 'object' AND octet_length(metadata::text) <= 16384),
  PRIMARY KEY (organization_id, id),
  CONSTRAINT document_versions_number_unique UNIQUE (organization_id, document_id, version_number),
  FOREIGN KEY (organization_id, document_id) REFERENCES app.documents (organization_id, id) ON DELETE CASCADE
);
CREATE UNIQUE INDEX document_versions_one_current ON app.document_versions (organization_id, document_id) WHERE is_current;

COMMENT ON TABLE app.document_versions IS
  'Every uploaded version of a document. Immutable once written, except which one is current and its approval.';
COMMENT ON COLUMN app.document_versions.organization_id IS 'The tenant.';
COMMENT ON COLUMN app.document_versions.id IS 'Version row id.';
COMMENT ON COLUMN app.document_versions.document_id IS 'The document.';
COMMENT ON COLUMN app.document_versions.version_number IS 'Version number, 1, 2, ... per document.';
COMMENT ON COLUMN app.document_versions.file_name IS 'Generated file name: <ORG>-<PROJECTID>-<CATEGORY>-<YYYYMMDD>-v<NN>.<ext>.';
COMMENT ON COLUMN app.document_versions.file_path IS 'Object storage path: /org/<org_slug>/projects/<project_id>/<category>/v<version>/<file_name>.';
COMMENT ON COLUMN app.document_versions.checksum IS 'sha256 of the file, 64 lower-case hex digits.';
COMMENT ON COLUMN app.document_versions.size_bytes IS 'File size in bytes.';
COMMENT ON COLUMN app.document_versions.mime_type IS 'MIME type, e.g. application/pdf.';
COMMENT ON COLUMN app.document_versions.is_current IS 'True for exactly the current version of the document.';
COMMENT ON COLUMN app.document_versions.approval_state IS 'not_required, or pending / approved / rejected for regulated categories.';
COMMENT ON COLUMN app.document_versions.approved_by IS 'Who decided the approval.';
COMMENT ON COLUMN app.document_versions.approved_at IS 'When the approval was decided.';
COMMENT ON COLUMN app.document_versions.uploaded_by IS 'Who uploaded it.';
COMMENT ON COLUMN app.document_versions.uploaded_at IS 'When it was uploaded.';
COMMENT ON COLUMN app.document_versions.change_summary IS 'What changed from the previous version.';
COMMENT ON COLUMN app.document_versions.metadata IS 'Free JSON (at most 16 KiB); qa_report and test_result versions carry result = pass | fail.';

CREATE TABLE app.document_access_log (
  organization_id uuid NOT NULL,
  id uuid NOT NULL DEFAULT public.uuid_generate_v7(),
  document_id uuid NOT NULL,
  version_number integer NOT NULL,
  user_id uuid REFERENCES app.users (id) ON DELETE SET NULL,
  action app.document_access_action NOT NULL,
  accessed_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (organization_id, id),
  FOREIGN KEY (organization_id, document_id, version_number)
    REFERENCES app.document_versions (organization_id, document_id, version_number) ON DELETE CASCADE
);
CREATE INDEX document_access_log_document_idx ON app.document_access_log (organization_id, document_id, accessed_at);

COMMENT ON TABLE app.document_access_log IS 'Who viewed or downloaded which document version, when (written by app.log_document_access). Append-only.';
COMMENT ON COLUMN app.document_access_log.organization_id IS 'The tenant.';
COMMENT ON COLUMN app.document_access_log.id IS 'Entry id.';
COMMENT ON COLUMN app.document_access_log.document_id IS 'The document.';
COMMENT ON COLUMN app.document_access_log.version_number IS 'The version.';
COMMENT ON COLUMN app.document_access_log.user_id IS 'Who.';
COMMENT ON COLUMN app.document_access_log.action IS 'view or download.';
COMMENT ON COLUMN app.document_access_log.accessed_at IS 'When.';

COMMIT;
