-- Deploy pulse:platform/personal_data_register to pg
-- requires: platform/personal_data

BEGIN;

-- What an erasure did through the personal-data register
-- (app_private.personal_data_register()): rows deleted and columns cleared,
-- table by table.
ALTER TABLE app.personal_data_requests
  ADD COLUMN register_actions jsonb NOT NULL DEFAULT '[]'
    CONSTRAINT personal_data_requests_register_actions_array CHECK (jsonb_typeof(register_actions) = 'array');
COMMENT ON COLUMN app.personal_data_requests.register_actions IS
  'Erasure: what the personal-data register did: [{table, column, action, rows}] (action delete or clear; rows affected).';

COMMIT;
