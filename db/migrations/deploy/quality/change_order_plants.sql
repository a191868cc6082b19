-- Deploy pulse:quality/change_order_plants to pg
-- requires: quality/workflows

BEGIN;

-- The plants (sites) a change order affects: set by its engineer while it is
-- a draft, or, left empty, derived at submission from where its parts are in
-- use (app.submit_change_order). Its approval is decided by holders of each
-- step's role tenant-wide or at every one of these plants; plant-scoped staff
-- read the change orders of their plants. Each element is a site of the
-- tenant (checked by app_private.tg_change_orders__prepare: an array cannot
-- carry a foreign key; sites are deactivated, never deleted while used).
ALTER TABLE app.change_orders ADD COLUMN site_ids uuid[] NOT NULL DEFAULT '{}',
  ADD CONSTRAINT change_orders_site_ids_valid CHECK (array_position(site_ids, NULL) IS NULL AND cardinality(site_ids) <= 100);
CREATE INDEX change_orders_site_ids_idx ON app.change_orders USING gin (site_ids);
COMMENT ON COLUMN app.change_orders.site_ids IS
  E'Affected plants\nThe sites (plants) the change order affects: set while it is a draft, or derived at submission from the plants where its parts are in use (open lots, control plans). Its approval steps are decided by holders of the step''s role tenant-wide or at every one of these plants; empty: tenant-wide holders only.';

COMMIT;
