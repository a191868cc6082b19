-- Verify pulse:platform/i18n on pg

BEGIN;

SELECT locale, name, native_name FROM app.locales WHERE false;
SELECT namespace, key, locale, text FROM app_private.default_i18n_strings WHERE false;
SELECT organization_id, namespace, key, locale, text, updated_at FROM app.i18n_strings WHERE false;
SELECT labels FROM app.workflow_stages WHERE false;
SELECT labels FROM app.workflow_sub_stages WHERE false;
-- The platform's strings are read through the view only.
SELECT 1 / (NOT has_table_privilege('app_user', 'app_private.default_i18n_strings', 'SELECT'))::int;

ROLLBACK;
