-- Revert pulse:platform/settings from pg

BEGIN;

-- CASCADE: repeatables hang off these (the view app.settings, the
-- triggers); the next `pulse db migrate` re-applies what remains.
DROP TABLE app.tenant_settings CASCADE;
DROP TABLE app_private.setting_definitions CASCADE;

COMMIT;
