-- Revert pulse:lab/certificates from pg

BEGIN;

DELETE FROM app_private.entities WHERE entity_type = 'certificate';
DELETE FROM app_private.entity_types WHERE entity_type = 'certificate';
DROP TABLE app.certificate_versions CASCADE;
DROP TABLE app.certificates CASCADE;
DROP TYPE app.certificate_render_status;
DROP TYPE app.certificate_status;
ALTER TABLE app.samples DROP COLUMN lot_number;

COMMIT;
