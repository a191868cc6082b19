-- Revert pulse:quality/project_bom from pg

BEGIN;

DROP TABLE app.project_bom_lines CASCADE;

COMMIT;
