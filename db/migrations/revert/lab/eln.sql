-- Revert pulse:lab/eln from pg

BEGIN;

DELETE FROM app_private.search_sources WHERE entity_type = 'eln_entry';
DELETE FROM app_private.entities WHERE entity_type = 'eln_entry';
DELETE FROM app_private.entity_types WHERE entity_type = 'eln_entry';
ALTER TABLE app.results DROP COLUMN eln_entry_id CASCADE;
DROP TABLE app.eln_links CASCADE;
DROP TABLE app.eln_signatures CASCADE;
DROP TABLE app.eln_entry_versions CASCADE;
DROP TABLE app.eln_entries CASCADE;
DROP TABLE app.eln_templates CASCADE;
DROP TYPE app.eln_signature_meaning CASCADE;
DROP TYPE app.eln_entry_status CASCADE;
DROP TYPE app.eln_template_status CASCADE;

COMMIT;
