-- Revert pulse:platform/capa from pg

BEGIN;

-- CASCADE: repeatables hang off these (triggers, app.advance_capa returns a
-- CAPA); the next `pulse db migrate` re-applies them.
DROP TABLE app.capa_links CASCADE;
DROP TABLE app.capa_actions CASCADE;
DROP TABLE app.capas CASCADE;
DROP TYPE app.capa_action_status CASCADE;
DROP TYPE app.capa_action_discipline CASCADE;
DROP TYPE app.capa_status CASCADE;
DROP TYPE app.capa_source CASCADE;
DROP TYPE app.capa_kind CASCADE;
DELETE FROM app_private.entities WHERE entity_type = 'capa';
-- app.notification_type keeps its value quality: PostgreSQL cannot drop an
-- enum value, and the deploy adds it only if missing.
DELETE FROM app_private.entity_types WHERE entity_type = 'capa';

COMMIT;
