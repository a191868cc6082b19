-- Deploy pulse:workflow/quote_margin to pg
-- requires: workflow/approval_controls

BEGIN;

-- The quote's cost beside its price (quote_value): approval routing reads
-- the margin from them (fact margin_percent, app_private.approval_facts).
ALTER TABLE app.projects ADD COLUMN quote_cost numeric(14, 2) CONSTRAINT projects_quote_cost_positive CHECK (quote_cost >= 0);
COMMENT ON COLUMN app.projects.quote_cost IS
  'Cost of the quoted work (materials, labour, overhead); with quote_value it gives the margin approval chains route on (margin_percent = (quote_value - quote_cost) / quote_value * 100).';

COMMIT;
