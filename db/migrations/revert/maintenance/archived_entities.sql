-- Revert pulse:maintenance/archived_entities from pg

BEGIN;

ALTER TABLE app_private.entity_types DROP COLUMN archive_view;
ALTER TABLE app_private.entities DROP COLUMN archived_at;

COMMIT;
