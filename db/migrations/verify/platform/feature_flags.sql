-- Verify pulse:platform/feature_flags on pg

BEGIN;

SELECT key, value_type, allowed_values, minimum, maximum, default_value, description
  FROM app_private.feature_flag_definitions WHERE false;
SELECT organization_id, flag_key, value, updated_at, updated_by FROM app.tenant_feature_flags WHERE false;
-- The definitions are the platform's: no API role reads them directly.
SELECT 1 / (NOT has_table_privilege('app_user', 'app_private.feature_flag_definitions', 'SELECT'))::int;

ROLLBACK;
