-- Revert pulse:platform/equipment from pg

BEGIN;

-- CASCADE: the repeatables (triggers, views, functions) hang off these; the
-- next `pulse db migrate` re-applies what remains.
DROP TABLE app_private.calibration_notices;
DROP TABLE app.equipment_uses CASCADE;
DROP TABLE app.calibrations CASCADE;
DELETE FROM app_private.entities WHERE entity_type = 'equipment';
DELETE FROM app_private.entity_types WHERE entity_type = 'equipment';
DROP TABLE app.equipment CASCADE;
DROP TABLE app.equipment_classes CASCADE;
DROP TYPE app.calibration_result CASCADE;
DROP TYPE app.equipment_status CASCADE;
DROP TYPE app.equipment_kind CASCADE;

COMMIT;
