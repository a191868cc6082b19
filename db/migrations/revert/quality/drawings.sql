-- Revert pulse:quality/drawings from pg

BEGIN;

DROP VIEW IF EXISTS app.released_drawings;
DROP TABLE app.drawing_revisions, app.drawing_parts, app.drawings CASCADE;
DROP TYPE app.drawing_revision_status CASCADE;

COMMIT;
