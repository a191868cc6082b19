-- Revert pulse:maintenance/parts from pg

BEGIN;

DROP TABLE app.purchase_requests CASCADE;
DROP TABLE app.vendor_parts CASCADE;
DROP TABLE app.partner_roles CASCADE;
DROP TABLE app.equipment_spare_parts CASCADE;
DROP TABLE app.part_storeroom_settings CASCADE;
DROP TABLE app.stock_movements CASCADE;
DROP TABLE app.stock_reservations CASCADE;
DROP TABLE app.part_stock CASCADE;
DROP TABLE app.storeroom_bins CASCADE;
DROP TABLE app.storerooms CASCADE;
DROP TYPE app.partner_role_kind CASCADE;
DROP TYPE app.purchase_request_status CASCADE;
DROP TYPE app.stock_reservation_status CASCADE;
DROP TYPE app.stock_movement_kind CASCADE;

COMMIT;
