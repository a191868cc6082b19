-- Verify pulse:platform/equipment on pg

BEGIN;

SELECT organization_id, id, code, name, labels, kind, requires_calibration, calibration_interval_days, due_soon_days,
       is_active, created_at, updated_at FROM app.equipment_classes WHERE false;
SELECT organization_id, id, equipment_number, name, class_id, site_id, status, parent_id, manufacturer, model, serial_number,
       location, notes, created_by, created_at, updated_at FROM app.equipment WHERE false;
SELECT organization_id, id, equipment_id, performed_at, valid_from, valid_to, result, as_found, as_left, certificate_number,
       certificate_key, certificate_document_id, performed_by_user_id, performed_by_partner_id, notes, recorded_by, recorded_at
  FROM app.calibrations WHERE false;
SELECT organization_id, id, equipment_id, entity_type, entity_id, used_at, used_by, recorded_at FROM app.equipment_uses WHERE false;
SELECT organization_id, equipment_id, kind, valid_to, notified_at FROM app_private.calibration_notices WHERE false;

-- Internal: API roles never read the notices.
SELECT 1 / (NOT has_table_privilege('app_user', 'app_private.calibration_notices', 'SELECT'))::int;

ROLLBACK;
