-- Revert pulse:documents from pg

BEGIN;

DROP TABLE app.document_access_log, app.document_versions, app.documents, app.document_category_settings CASCADE;
DROP TYPE app.document_approval_state, app.document_access_action CASCADE;

COMMIT;
