-- Verify pulse:maintenance/joins on pg

BEGIN;

SELECT problem_code_id, problem_kind, cause_code_id, cause_kind, remedy_code_id, remedy_kind FROM app.work_orders WHERE false;

ROLLBACK;
