-- Revert pulse:quality/change_orders from pg

BEGIN;

DROP TABLE app.change_order_items, app.change_orders CASCADE;
DROP TYPE app.change_order_item_kind, app.change_order_effectivity, app.change_order_reason, app.change_order_status CASCADE;

COMMIT;
