-- Deploy pulse:platform/settings_in_use to pg
-- requires: platform/settings

BEGIN;

-- Every tenant setting takes effect (db/tests/50_platform/test_settings_in_use.sql
-- fails on a setting no function reads). Three did nothing and are removed
-- with the values tenants set (ON DELETE CASCADE): measurement_system and
-- measurement_decimals (read nowhere), lot_number_date_format (the date part
-- of lot numbers is the tenant's trace_number_patterns). Shipping labels
-- draw gs1-128 and qr only: a tenant's datamatrix becomes gs1-128, which the
-- setting's schema (db/seeds/reference/50_platform.sql) now names alone with qr.
DELETE FROM app_private.setting_definitions WHERE key IN ('measurement_system', 'measurement_decimals', 'lot_number_date_format');
UPDATE app.tenant_settings SET value = jsonb_set(value, '{symbology}', '"gs1-128"')
 WHERE setting_key = 'shipment_label_format' AND value ->> 'symbology' = 'datamatrix';

COMMIT;
