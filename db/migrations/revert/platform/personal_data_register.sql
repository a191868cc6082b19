-- Revert pulse:platform/personal_data_register from pg

BEGIN;

ALTER TABLE app.personal_data_requests DROP COLUMN register_actions;

COMMIT;
