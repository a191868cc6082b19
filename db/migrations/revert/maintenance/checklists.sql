-- Revert pulse:maintenance/checklists from pg

BEGIN;

DROP TABLE app.work_order_signatures;
ALTER TABLE app.work_orders DROP COLUMN follow_up_of_item_id;
ALTER TABLE app.checklist_items
  DROP COLUMN out_of_limits, DROP COLUMN kind, DROP COLUMN lower_limit, DROP COLUMN upper_limit, DROP COLUMN unit,
  DROP COLUMN measured_value, DROP COLUMN passed, DROP COLUMN text_value;
ALTER TABLE app.checklist_template_items
  DROP COLUMN kind, DROP COLUMN lower_limit, DROP COLUMN upper_limit, DROP COLUMN unit;

COMMIT;
