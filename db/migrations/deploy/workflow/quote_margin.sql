-- Deploy pulse:workflow/quote_margin to pg
-- requires: workflow/approval_controls

BEGIN;

-- The quote's cost beside its price (quote_value): approval routing reads
-- the margin from them (fact margin_percent, app_private.approval_facts).
ALTER TABLE app.projects ADD COLUMN quote_cost numeric(14, 2) CONSTRAINT projects_quote_cost_positive CHECK (quote_cost >= 0);
COMMENT ON COLUMN app.projects.quote_cost IS
  'Cost of the quoted work (materials, labour, overhead); with quote_value it gives the margin approval chains route on (margin_percent = (quote_value - quote_cost) / quote_value * 100).';
COMMENT ON TABLE app.approval_chains IS
  E'Routing of approvals. For a new approval the active chain of its type with the lowest rank whose conditions all hold is used; its steps are decided in order, each by a different person (two-person control).\nconditions: {"quote_value": {"gte": 50000}, "margin_percent": {"lt": 15}, "po_value": {"gt": 10000}, "risk_flags": {"any": ["export_controlled"]}, "ctq_failures": {"gt": 0}, "rework_percent": {"gte": 5}, "slippage_days": {"gt": 3}, "priority": {"in": ["urgent"]}}; operators eq, ne, gt, gte, lt, lte, in, any.\nsteps: [{"role": "sales"}, {"role": "finance"}, {"user_id": "..."}].';

COMMIT;
