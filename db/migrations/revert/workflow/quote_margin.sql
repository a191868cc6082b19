-- Revert pulse:workflow/quote_margin from pg

BEGIN;

-- CASCADE: the views that list the project's columns belong to the
-- repeatables; the next `pulse db migrate` re-applies them.
ALTER TABLE app.projects DROP COLUMN quote_cost CASCADE;

COMMIT;
