-- Revert pulse:platform/personal_data from pg

BEGIN;

-- CASCADE: app.erase_personal_data returns a request row; the next `pulse db migrate` re-applies it.
DROP TABLE app.personal_data_requests CASCADE;
DROP TYPE app.personal_data_request_kind CASCADE;

COMMIT;
