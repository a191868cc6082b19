-- Revert pulse:session_tokens_error_fields from pg

BEGIN;

ALTER TYPE app.session_tokens DROP ATTRIBUTE hint, DROP ATTRIBUTE details, DROP ATTRIBUTE message, DROP ATTRIBUTE code;

COMMIT;
