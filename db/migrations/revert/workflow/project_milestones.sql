-- Revert pulse:workflow/project_milestones from pg

BEGIN;

DROP VIEW IF EXISTS app.project_milestone_slippage;
DROP TABLE app.project_milestones CASCADE;
DROP TYPE app.project_milestone_status CASCADE;

COMMIT;
