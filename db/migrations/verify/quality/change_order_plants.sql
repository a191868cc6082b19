-- Verify pulse:quality/change_order_plants on pg

BEGIN;

SELECT site_ids FROM app.change_orders WHERE false;

ROLLBACK;
