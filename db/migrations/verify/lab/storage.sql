-- Verify pulse:lab/storage on pg

BEGIN;

SELECT organization_id, id, parent_id, site_id, kind, is_position, code, capacity, min_celsius, max_celsius FROM app.storage_locations WHERE false;
SELECT storage_location_id, storage_is_position, custodian_id, custody_external FROM app.samples WHERE false;
SELECT organization_id, id, sample_id, previous_event_id, from_key, to_key, condition, reason, signature FROM app.custody_events WHERE false;
SELECT 1 / (count(*) = 1)::integer FROM pg_indexes WHERE schemaname = 'app' AND indexname = 'samples_one_per_position_idx';
SELECT 1 / (NOT has_table_privilege('app_user', 'app.custody_events', 'INSERT'))::integer;
SELECT 1 / (NOT has_column_privilege('app_user', 'app.samples', 'storage_location_id', 'UPDATE'))::integer;

ROLLBACK;
