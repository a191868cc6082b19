-- Revert pulse:platform/units from pg

BEGIN;

DROP TABLE app.units CASCADE;
DROP FUNCTION IF EXISTS app.convert_unit(numeric, text, text);
DROP FUNCTION IF EXISTS app_private.tg_units__guard();

COMMIT;
