-- Revert pulse:lab/certificates from pg

BEGIN;

-- What the repeatables hang on other tables and would call with the tables gone
-- (70_lab/90_certificates.sql, 95_events.sql); the functions that take the
-- tables' row types go with them (CASCADE).
DROP TRIGGER IF EXISTS _910_certificates ON app.results;
DROP FUNCTION IF EXISTS app_private.tg_results__certificates();
DROP TRIGGER IF EXISTS _300_lab_channel ON app_private.events;
DROP FUNCTION IF EXISTS app_private.tg_events__lab_channel(), app_private.lab_event_sample_id(uuid, text, uuid),
  auth.can_see_lab_event(jsonb), auth.lab_entity_types();
DELETE FROM app_private.entities WHERE entity_type = 'certificate';
DELETE FROM app_private.entity_types WHERE entity_type = 'certificate';
DROP TABLE app.certificate_versions CASCADE;
DROP TABLE app.certificates CASCADE;
DROP TYPE app.certificate_render_status CASCADE;
DROP TYPE app.certificate_status CASCADE;
ALTER TABLE app.samples DROP COLUMN lot_number;

COMMIT;
