-- Revert pulse:maintenance/joins from pg

BEGIN;

ALTER TABLE app.work_orders
  DROP COLUMN problem_code_id, DROP COLUMN problem_kind, DROP COLUMN cause_code_id, DROP COLUMN cause_kind,
  DROP COLUMN remedy_code_id, DROP COLUMN remedy_kind;
COMMENT ON COLUMN app.stock_movements.unit_cost IS E'Unit cost\nAt receipt, per unit of the part.';

COMMIT;
