-- Verify pulse:platform/settings_in_use on pg

BEGIN;

SELECT 1 / (count(*) = 0)::integer FROM app_private.setting_definitions
 WHERE key IN ('measurement_system', 'measurement_decimals', 'lot_number_date_format');

ROLLBACK;
