-- Revert pulse:quality/parts from pg

BEGIN;

DROP TABLE app.part_revisions, app.parts CASCADE;
DROP TYPE app.part_revision_status, app.part_status CASCADE;

COMMIT;
