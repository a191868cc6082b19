-- Revert pulse:workflow/exit_criteria from pg

BEGIN;

-- CASCADE: repeatables hang off these (the view app.project_exit_criteria,
-- app.waive_exit_criterion returns a waiver); the next `pulse db migrate`
-- re-applies them.
DROP TABLE app.exit_criterion_waivers CASCADE;
DROP TABLE app.workflow_exit_criteria CASCADE;
DROP TABLE app_private.default_exit_criteria;
DROP TYPE app.exit_criterion_kind CASCADE;

COMMIT;
