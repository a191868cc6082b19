-- Verify pulse:platform/settings on pg

BEGIN;

SELECT key, value_schema, default_value, description, permission FROM app_private.setting_definitions WHERE false;
SELECT organization_id, setting_key, value, updated_at, updated_by FROM app.tenant_settings WHERE false;
-- The definitions are the platform's: no API role reads them directly.
SELECT 1 / (NOT has_table_privilege('app_user', 'app_private.setting_definitions', 'SELECT'))::int;

ROLLBACK;
