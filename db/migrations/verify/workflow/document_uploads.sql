-- Verify pulse:workflow/document_uploads on pg

BEGIN;

SELECT upload_state, upload_rejection, upload_confirmed_at, upload_checked_at FROM app.document_versions WHERE false;
SELECT 1 / count(*)::int FROM pg_catalog.pg_constraint
 WHERE conrelid = 'app.document_versions'::regclass AND conname = 'document_versions_current_is_stored';
SELECT 1 / count(*)::int FROM pg_catalog.pg_indexes
 WHERE schemaname = 'app' AND indexname = 'document_versions_verifying_idx';
-- API roles read versions; they never write them.
SELECT 1 / (NOT has_column_privilege('app_user', 'app.document_versions', 'upload_state', 'UPDATE'))::int;

ROLLBACK;
