-- Verify pulse:maintenance/assets on pg

BEGIN;

SELECT organization_id, equipment_id, level, criticality, commissioned_on, warranty_starts_on, warranty_ends_on, warranty_provider_id,
       longitude, latitude, location, boundary_geojson, boundary, created_at, updated_at FROM app.assets WHERE false;
SELECT organization_id, id, equipment_id, name, unit, is_active, last_value, last_read_at, usage_total, created_at, updated_at
  FROM app.meters WHERE false;
SELECT organization_id, id, meter_id, read_at, value, is_reset, reset_reason, usage, usage_total, recorded_by, recorded_at
  FROM app.meter_readings WHERE false;
SELECT organization_id, id, kind, code, name, labels, is_active, created_at, updated_at FROM app.failure_codes WHERE false;
SELECT organization_id, id, class_id, problem_id, cause_id, remedy_id, created_at FROM app.failure_code_combinations WHERE false;
SELECT 1 / count(*)::int FROM pg_catalog.pg_extension WHERE extname = 'postgis';

ROLLBACK;
