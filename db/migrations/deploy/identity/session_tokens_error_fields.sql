-- Deploy pulse:session_tokens_error_fields to pg
-- requires: server_filled_keys

-- A refused sign-in or refresh must commit (the failure counts towards the
-- lockout), so app.login and app.refresh return normally with HTTP status 401
-- instead of raising. The returned row is then the response body; with these
-- fields it is the error object client libraries read (postgrest-js
-- error.message, postgrest-py APIError.code), the same shape PostgREST gives a
-- raised error. They are null on success.

BEGIN;

ALTER TYPE app.session_tokens
  ADD ATTRIBUTE code text,
  ADD ATTRIBUTE message text,
  ADD ATTRIBUTE details text,
  ADD ATTRIBUTE hint text;

COMMENT ON COLUMN app.session_tokens.code IS 'Refusals only (HTTP 401): the error code, PT401; null on success.';
COMMENT ON COLUMN app.session_tokens.message IS 'Refusals only: why, e.g. invalid email or password; null on success.';
COMMENT ON COLUMN app.session_tokens.details IS 'Refusals only: the stable reason code (sign_in.invalid_credentials, session.refresh_token_reused, session.invalid_refresh_token); null on success.';
COMMENT ON COLUMN app.session_tokens.hint IS 'Refusals only: what to do next; null on success.';

COMMIT;
