-- Deploy pulse:quality/workflows to pg
-- requires: quality/ncr
-- requires: quality/drawings
-- requires: quality/change_orders
-- requires: platform/state_machines

BEGIN;

-- NCRs, drawing revisions and change orders move on per-tenant platform
-- state machines (db/functions/80_quality/68_workflows.sql); RDA and ECO
-- approvals are routed by the platform approval engine under two new types.
-- (Added here, used only by later transactions: the repeatables.)
ALTER TYPE app.approval_type ADD VALUE IF NOT EXISTS 'change_order';
ALTER TYPE app.approval_type ADD VALUE IF NOT EXISTS 'drawing_release';

-- ECO effectivity applied: the implementing change order and, for lot or
-- serial effectivity, the first lot or serial number the revision applies
-- to. Date effectivity is released_at itself (a release may be dated in
-- the future: the revision becomes current then).
ALTER TABLE app.part_revisions
  ADD COLUMN change_order_id uuid,
  ADD COLUMN effective_from_lot_number text
    CONSTRAINT part_revisions_effective_lot_format CHECK (effective_from_lot_number ~ '^[A-Za-z0-9][A-Za-z0-9._/-]{0,63}$'),
  ADD COLUMN effective_from_serial_number text
    CONSTRAINT part_revisions_effective_serial_format CHECK (effective_from_serial_number ~ '^[A-Za-z0-9][A-Za-z0-9._/-]{0,63}$'),
  ADD CONSTRAINT part_revisions_change_order_fk FOREIGN KEY (organization_id, change_order_id)
    REFERENCES app.change_orders (organization_id, id) ON DELETE SET NULL (change_order_id);
CREATE INDEX part_revisions_change_order_idx ON app.part_revisions (organization_id, change_order_id);
COMMENT ON COLUMN app.part_revisions.change_order_id IS E'Change order\nThe change order whose implementation released this revision (its effectivity).';
COMMENT ON COLUMN app.part_revisions.effective_from_lot_number IS
  E'Effective from lot\nLot effectivity of the releasing change order: lots numbered from this one on are made to this revision; earlier lots keep the revision before (app.effective_part_revision).';
COMMENT ON COLUMN app.part_revisions.effective_from_serial_number IS
  E'Effective from serial\nSerial effectivity of the releasing change order: serials numbered from this one on are made to this revision (app.effective_part_revision).';

COMMIT;
