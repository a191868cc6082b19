-- Revert pulse:platform/i18n from pg

BEGIN;

-- CASCADE: repeatables hang off these (app.localized_strings, the label
-- functions, the triggers); the next `pulse db migrate` re-applies what remains.
ALTER TABLE app.workflow_sub_stages DROP COLUMN labels CASCADE;
ALTER TABLE app.workflow_stages DROP COLUMN labels CASCADE;
DROP TABLE app.i18n_strings CASCADE;
DROP TABLE app_private.default_i18n_strings CASCADE;
DROP TABLE app.locales CASCADE;

COMMIT;
