-- Revert pulse:maintenance/labour_corrections from pg

BEGIN;

-- The repeatable views that read the new columns (re-created by the repeatables of the changes left).
DROP VIEW IF EXISTS app.asset_maintenance_costs, app.work_order_costs, app.work_order_cost_lines, app.labour_entry_costs CASCADE;
DROP FUNCTION IF EXISTS app.reverse_labour(uuid, text);
DROP INDEX app.labour_entries_one_reversal;
ALTER TABLE app.labour_entries DROP CONSTRAINT labour_entries_hours_range;
-- Reversals already written keep their negative hours: the old rule holds for new rows only.
ALTER TABLE app.labour_entries ADD CONSTRAINT labour_entries_hours_range CHECK (hours > 0 AND hours <= 24) NOT VALID;
ALTER TABLE app.labour_entries DROP CONSTRAINT labour_entries_reverses_fkey, DROP CONSTRAINT labour_entries_work_order_entry_key,
  DROP COLUMN reversal_reason, DROP COLUMN reverses_id;
COMMENT ON COLUMN app.labour_entries.hours IS E'Hours';

COMMIT;
