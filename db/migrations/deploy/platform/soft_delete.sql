-- Deploy pulse:platform/soft_delete to pg
-- requires: platform/search

BEGIN;

-- Soft delete (db/functions/50_platform/38_soft_delete.sql,
-- docs/platform/soft-delete.md): a row moved to the trash keeps its data and
-- gets deleted_at; reads hide it from everyone but holders of trash.manage,
-- who may restore it; the purge-trash job hard-deletes it after the retention.

ALTER TABLE app.projects
  ADD COLUMN deleted_at timestamptz,
  ADD COLUMN deleted_by uuid REFERENCES app.users (id) ON DELETE SET NULL,
  ADD COLUMN deletion_reason text CONSTRAINT projects_deletion_reason_length CHECK (length(deletion_reason) <= 2000);
COMMENT ON COLUMN app.projects.deleted_at IS
  E'Moved to the trash\nWhen the project was moved to the trash (app.soft_delete); null while it is live. Only trash.manage holders see trashed projects.';
COMMENT ON COLUMN app.projects.deleted_by IS 'Who moved it to the trash.';
COMMENT ON COLUMN app.projects.deletion_reason IS 'Why it was moved to the trash.';
CREATE INDEX projects_deleted_idx ON app.projects (organization_id, deleted_at) WHERE deleted_at IS NOT NULL;
CREATE INDEX projects_deleted_by_idx ON app.projects (deleted_by) WHERE deleted_by IS NOT NULL;

ALTER TABLE app.documents
  ADD COLUMN deleted_at timestamptz,
  ADD COLUMN deleted_by uuid REFERENCES app.users (id) ON DELETE SET NULL,
  ADD COLUMN deletion_reason text CONSTRAINT documents_deletion_reason_length CHECK (length(deletion_reason) <= 2000);
COMMENT ON COLUMN app.documents.deleted_at IS
  E'Moved to the trash\nWhen the document was moved to the trash (app.soft_delete); null while it is live. Only trash.manage holders see trashed documents.';
COMMENT ON COLUMN app.documents.deleted_by IS 'Who moved it to the trash.';
COMMENT ON COLUMN app.documents.deletion_reason IS 'Why it was moved to the trash.';
CREATE INDEX documents_deleted_idx ON app.documents (organization_id, deleted_at) WHERE deleted_at IS NOT NULL;
CREATE INDEX documents_deleted_by_idx ON app.documents (deleted_by) WHERE deleted_by IS NOT NULL;

-- The entity types that opted in (app_private.enable_soft_delete), with the
-- permission that moves a row to the trash.
CREATE TABLE app_private.soft_delete_types (
  entity_type text PRIMARY KEY REFERENCES app_private.entity_types (entity_type) ON DELETE CASCADE,
  delete_permission text NOT NULL,
  enabled_at timestamptz NOT NULL DEFAULT now()
);
COMMENT ON TABLE app_private.soft_delete_types IS
  'Entity types with soft delete (app_private.enable_soft_delete): their tables carry deleted_at, deleted_by, deletion_reason; delete_permission moves a row to the trash, trash.manage sees and restores it.';

COMMIT;
