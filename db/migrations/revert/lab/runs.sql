-- Revert pulse:lab/runs from pg

BEGIN;

DELETE FROM app_private.entities WHERE entity_type = 'run';
DELETE FROM app_private.entity_types WHERE entity_type = 'run';
ALTER TABLE app.results DROP COLUMN run_id CASCADE;
DROP TABLE app.run_qc_samples CASCADE;
DROP TABLE app.run_analyses CASCADE;
DROP TABLE app.runs CASCADE;
DROP TYPE app.qc_kind CASCADE;
DROP TYPE app.run_status CASCADE;

COMMIT;
