-- Verify pulse:workflow/document_retention on pg

BEGIN;

SELECT organization_id, document_id, retention_ended_at, flagged_at FROM app.document_disposals WHERE false;
SELECT 1 / count(*)::int FROM pg_catalog.pg_constraint
 WHERE conrelid = 'app.documents'::regclass AND conname = 'documents_retention_tag_format';

ROLLBACK;
