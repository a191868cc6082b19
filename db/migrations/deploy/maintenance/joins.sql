-- Deploy pulse:maintenance/joins to pg
-- requires: maintenance/work_orders
-- requires: maintenance/parts
-- requires: maintenance/assets

BEGIN;

-- Failure codes recorded on a work order: problem -> cause -> remedy, all or none,
-- each a code of the tenant (composite foreign keys carrying the code's kind).
ALTER TABLE app.work_orders
  ADD COLUMN problem_code_id uuid,
  ADD COLUMN problem_kind app.failure_code_kind NOT NULL DEFAULT 'problem' CONSTRAINT work_orders_problem_kind CHECK (problem_kind = 'problem'),
  ADD COLUMN cause_code_id uuid,
  ADD COLUMN cause_kind app.failure_code_kind NOT NULL DEFAULT 'cause' CONSTRAINT work_orders_cause_kind CHECK (cause_kind = 'cause'),
  ADD COLUMN remedy_code_id uuid,
  ADD COLUMN remedy_kind app.failure_code_kind NOT NULL DEFAULT 'remedy' CONSTRAINT work_orders_remedy_kind CHECK (remedy_kind = 'remedy'),
  ADD CONSTRAINT work_orders_failure_codes_whole CHECK (num_nulls(problem_code_id, cause_code_id, remedy_code_id) IN (0, 3)),
  ADD CONSTRAINT work_orders_problem_code_fkey FOREIGN KEY (organization_id, problem_code_id, problem_kind)
    REFERENCES app.failure_codes (organization_id, id, kind),
  ADD CONSTRAINT work_orders_cause_code_fkey FOREIGN KEY (organization_id, cause_code_id, cause_kind)
    REFERENCES app.failure_codes (organization_id, id, kind),
  ADD CONSTRAINT work_orders_remedy_code_fkey FOREIGN KEY (organization_id, remedy_code_id, remedy_kind)
    REFERENCES app.failure_codes (organization_id, id, kind);
CREATE INDEX work_orders_problem_code_idx ON app.work_orders (organization_id, problem_code_id, problem_kind);
CREATE INDEX work_orders_cause_code_idx ON app.work_orders (organization_id, cause_code_id, cause_kind);
CREATE INDEX work_orders_remedy_code_idx ON app.work_orders (organization_id, remedy_code_id, remedy_kind);
COMMENT ON COLUMN app.work_orders.problem_code_id IS E'Problem\nThe failure code (problem) recorded by app.set_work_order_failure_codes.';
COMMENT ON COLUMN app.work_orders.problem_kind IS E'Problem kind\nAlways problem (carried by the foreign key).';
COMMENT ON COLUMN app.work_orders.cause_code_id IS E'Cause\nThe failure code (cause).';
COMMENT ON COLUMN app.work_orders.cause_kind IS E'Cause kind\nAlways cause (carried by the foreign key).';
COMMENT ON COLUMN app.work_orders.remedy_code_id IS E'Remedy\nThe failure code (remedy).';
COMMENT ON COLUMN app.work_orders.remedy_kind IS E'Remedy kind\nAlways remedy (carried by the foreign key).';
COMMENT ON COLUMN app.stock_movements.unit_cost IS E'Unit cost\nPer unit of the part: at receipt as received; on issues and returns frozen by the stock RPCs (app_private.stock_unit_cost).';

COMMIT;
