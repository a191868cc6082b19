-- Verify pulse:workflow/quote_margin on pg

BEGIN;

SELECT quote_cost FROM app.projects WHERE false;
SELECT 1 / (pg_catalog.pg_get_constraintdef(oid) LIKE '%quote_cost >= %')::int
  FROM pg_catalog.pg_constraint WHERE conname = 'projects_quote_cost_positive';

ROLLBACK;
