-- Deploy pulse:workflow/document_retention to pg
-- requires: workflow/routing_defaults

BEGIN;

-- A document's retention class is retain-<N>y (app.create_document writes it
-- from the category's rule): the rule db/functions/60_workflow/35_document_retention.sql
-- reads, so it may hold nothing else.
ALTER TABLE app.documents
  ADD CONSTRAINT documents_retention_tag_format CHECK (retention_tag ~ '^retain-[0-9]{1,3}y$');

CREATE TABLE app.document_disposals (
  organization_id uuid NOT NULL,
  document_id uuid NOT NULL,
  retention_ended_at timestamptz NOT NULL,
  flagged_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (organization_id, document_id),
  FOREIGN KEY (organization_id, document_id) REFERENCES app.documents (organization_id, id) ON DELETE CASCADE
);
CREATE INDEX document_disposals_flagged_idx ON app.document_disposals (organization_id, flagged_at);

COMMENT ON TABLE app.document_disposals IS
  E'Documents due for disposal: their retention has ended.\nFlagged by the flag-documents-for-disposal job; the list of the document controller (workflow.manage). A document in retention cannot be deleted (document.in_retention); once disposed of, its row goes with it.';
COMMENT ON COLUMN app.document_disposals.organization_id IS 'The tenant.';
COMMENT ON COLUMN app.document_disposals.document_id IS 'The document (documents.id).';
COMMENT ON COLUMN app.document_disposals.retention_ended_at IS 'When its retention ended: its newest version''s upload (or its creation) plus the years of its retention_tag.';
COMMENT ON COLUMN app.document_disposals.flagged_at IS 'When the job flagged it.';

COMMIT;
