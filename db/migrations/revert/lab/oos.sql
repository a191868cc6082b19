-- Revert pulse:lab/oos from pg

BEGIN;

DELETE FROM app_private.entities WHERE entity_type = 'oos_investigation';
DELETE FROM app_private.entity_types WHERE entity_type = 'oos_investigation';
DROP TABLE app.oos_investigations CASCADE;
DROP TYPE app.oos_phase CASCADE;
DROP TYPE app.oos_status CASCADE;

COMMIT;
