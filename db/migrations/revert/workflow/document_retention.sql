-- Revert pulse:workflow/document_retention from pg

BEGIN;

DROP TABLE app.document_disposals;
ALTER TABLE app.documents DROP CONSTRAINT documents_retention_tag_format;

COMMIT;
