-- Verify pulse:platform/personal_data_register on pg

BEGIN;

SELECT register_actions FROM app.personal_data_requests WHERE false;

ROLLBACK;
