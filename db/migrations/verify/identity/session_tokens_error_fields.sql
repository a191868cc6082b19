-- Verify pulse:session_tokens_error_fields on pg

BEGIN;

SELECT code, message, details, hint FROM pg_catalog.jsonb_populate_record(NULL::app.session_tokens, '{}');

ROLLBACK;
