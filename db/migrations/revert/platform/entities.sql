-- Revert pulse:platform/entities from pg

BEGIN;

-- CASCADE: the registered tables' triggers and the blocks' repeatables hang
-- off these; the next `pulse db migrate` re-applies them.
DROP TABLE app_private.events CASCADE;
DROP TABLE app_private.entities CASCADE;
DROP TABLE app_private.entity_types CASCADE;
DROP FUNCTION IF EXISTS app_private.tg_entities__track() CASCADE;

COMMIT;
