-- Deploy pulse:maintenance/archived_entities to pg
-- requires: maintenance/kpis
-- Archival (90_maintenance/96_archive.sql) keeps an archived work order's
-- supertype row in app_private.entities, marked archived_at, so every row of
-- the platform blocks that hangs off it (checklists and their answers,
-- comments, attachments, tags, stock movements, ...) stays where it is; an
-- entity type names the view its archived rows are read through, so those
-- rows stay readable by whoever could read the entity
-- (auth.can_see_entity).

BEGIN;

ALTER TABLE app_private.entities ADD COLUMN archived_at timestamptz;
COMMENT ON COLUMN app_private.entities.archived_at IS
  'When the entity''s row left its table for an archive (the supertype row stays, and what hangs off it); null while live.';

ALTER TABLE app_private.entity_types ADD COLUMN archive_view regclass;
COMMENT ON COLUMN app_private.entity_types.archive_view IS
  'The view (organization_id, id, with the readers'' filter) an archived entity of this type is read through; null when the type is never archived.';

COMMIT;
