-- Revert pulse:maintenance/checklists from pg

BEGIN;

-- CASCADE: repeatables hang off these (functions over the row type, the
-- answer trigger on checklist_items); the next `pulse db migrate` re-applies them.
DROP TABLE app.work_order_signatures CASCADE;
ALTER TABLE app.work_orders DROP COLUMN follow_up_of_item_id CASCADE;
ALTER TABLE app.checklist_items DROP COLUMN out_of_limits CASCADE;
ALTER TABLE app.checklist_items
  DROP COLUMN kind CASCADE, DROP COLUMN lower_limit CASCADE, DROP COLUMN upper_limit CASCADE, DROP COLUMN unit CASCADE,
  DROP COLUMN measured_value CASCADE, DROP COLUMN passed CASCADE, DROP COLUMN text_value CASCADE;
ALTER TABLE app.checklist_template_items
  DROP COLUMN kind CASCADE, DROP COLUMN lower_limit CASCADE, DROP COLUMN upper_limit CASCADE, DROP COLUMN unit CASCADE;

COMMIT;
