-- Revert pulse:lab/eln from pg

BEGIN;

-- Triggers the repeatables hung on tables this change did not create.
DROP TRIGGER IF EXISTS _300_keep_eln_pins ON app.attachments;
DROP TRIGGER IF EXISTS _210_eln_entry ON app.results;
DROP FUNCTION IF EXISTS app_private.tg_attachments__keep_eln_pins() CASCADE;
DROP FUNCTION IF EXISTS app_private.tg_results__eln_entry() CASCADE;
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
