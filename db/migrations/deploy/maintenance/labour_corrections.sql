-- Deploy pulse:maintenance/labour_corrections to pg
-- requires: maintenance/archived_entities
-- Labour entries stay append-only; a wrong one is corrected by a reversing
-- entry (app.reverse_labour): the same person, start, rate and currency,
-- the hours negated, a reason, on the same work order (the foreign key
-- carries work_order_id), at most one per entry. Costs and KPIs sum hours
-- and cost, so they net it.

BEGIN;

ALTER TABLE app.labour_entries
  ADD COLUMN reverses_id uuid,
  ADD COLUMN reversal_reason text CONSTRAINT labour_entries_reversal_reason_length CHECK (length(reversal_reason) <= 2000),
  ADD CONSTRAINT labour_entries_work_order_entry_key UNIQUE (organization_id, work_order_id, id),
  ADD CONSTRAINT labour_entries_reverses_fkey FOREIGN KEY (organization_id, work_order_id, reverses_id)
    REFERENCES app.labour_entries (organization_id, work_order_id, id);
ALTER TABLE app.labour_entries DROP CONSTRAINT labour_entries_hours_range;
ALTER TABLE app.labour_entries ADD CONSTRAINT labour_entries_hours_range CHECK (
  CASE WHEN reverses_id IS NULL THEN hours > 0 AND hours <= 24 AND reversal_reason IS NULL
       ELSE hours < 0 AND hours >= -24 AND length(btrim(coalesce(reversal_reason, ''))) > 0 END);
CREATE UNIQUE INDEX labour_entries_one_reversal ON app.labour_entries (organization_id, reverses_id) WHERE reverses_id IS NOT NULL;
COMMENT ON COLUMN app.labour_entries.hours IS E'Hours\nNegative on a reversal (the reversed entry''s hours).';
COMMENT ON COLUMN app.labour_entries.reverses_id IS E'Reverses\nThe entry this one reverses (app.reverse_labour), on the same work order; empty on an ordinary entry.';
COMMENT ON COLUMN app.labour_entries.reversal_reason IS E'Reversal reason\nWhy the reversed entry was wrong; only on a reversal.';

COMMIT;
