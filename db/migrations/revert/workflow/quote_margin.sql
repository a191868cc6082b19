-- Revert pulse:workflow/quote_margin from pg

BEGIN;

-- CASCADE: the views that list the project's columns belong to the
-- repeatables; the next `pulse db migrate` re-applies them.
ALTER TABLE app.projects DROP COLUMN quote_cost CASCADE;
COMMENT ON TABLE app.approval_chains IS
  E'Routing of approvals. For a new approval the active chain of its type with the lowest rank whose conditions all hold is used; its steps are decided in order.\nconditions: {"quote_value": {"gte": 50000}, "po_value": {"gt": 10000}, "risk_flags": {"any": ["export_controlled"]}, "ctq_failures": {"gt": 0}, "rework_percent": {"gte": 5}, "slippage_days": {"gt": 3}, "priority": {"in": ["urgent"]}}; operators eq, ne, gt, gte, lt, lte, in, any.\nsteps: [{"role": "sales"}, {"role": "finance"}, {"user_id": "..."}].';

COMMIT;
