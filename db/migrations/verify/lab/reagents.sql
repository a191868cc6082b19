-- Verify pulse:lab/reagents on pg

BEGIN;

SELECT organization_id, id, code, name, kind, unit, low_stock_threshold FROM app.reagent_items WHERE false;
SELECT organization_id, id, item_id, lot_number, supplier_id, expires_on, received_quantity, remaining_quantity, unit, status FROM app.reagent_lots WHERE false;
SELECT organization_id, id, lot_id, quantity, unit, lot_quantity, entity_type, entity_id, used_by, used_at FROM app.reagent_uses WHERE false;
SELECT organization_id, item_id, available, since FROM app_private.reagent_low_stock WHERE false;

ROLLBACK;
