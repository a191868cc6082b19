-- Verify pulse:maintenance/parts on pg

BEGIN;

SELECT organization_id, id, site_id, code, name, responsible_user_id, is_active FROM app.storerooms WHERE false;
SELECT organization_id, id, storeroom_id, site_id, code FROM app.storeroom_bins WHERE false;
SELECT organization_id, part_id, bin_id, storeroom_id, site_id, on_hand, reserved, available FROM app.part_stock WHERE false;
SELECT organization_id, id, part_id, bin_id, quantity, issued_quantity, needed_by, entity_type, entity_id, status FROM app.stock_reservations WHERE false;
SELECT organization_id, id, part_id, bin_id, kind, quantity, reserved_delta, reason, entity_type, entity_id, reservation_id FROM app.stock_movements WHERE false;
SELECT organization_id, part_id, storeroom_id, reorder_point, reorder_quantity FROM app.part_storeroom_settings WHERE false;
SELECT organization_id, equipment_id, part_id, quantity, is_critical, storeroom_id, minimum_stock FROM app.equipment_spare_parts WHERE false;
SELECT organization_id, partner_id, role FROM app.partner_roles WHERE false;
SELECT organization_id, partner_id, part_id, vendor_part_number, unit_price, lead_time_days, is_preferred FROM app.vendor_parts WHERE false;
SELECT organization_id, id, part_id, storeroom_id, quantity, vendor_id, lead_time_days, status FROM app.purchase_requests WHERE false;

ROLLBACK;
