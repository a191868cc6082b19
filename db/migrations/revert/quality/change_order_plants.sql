-- Revert pulse:quality/change_order_plants from pg

BEGIN;

ALTER TABLE app.change_orders DROP COLUMN site_ids;

COMMIT;
