-- Revert pulse:identity from pg

BEGIN;

DROP TYPE app.session_tokens CASCADE;
DROP TABLE app_private.token_settings, app.sessions, app_private.sign_in_failures, app_private.credentials,
           app.memberships, app.users CASCADE;
DROP TYPE app.membership_status, app.user_status;

COMMIT;
