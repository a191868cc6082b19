-- Revert pulse:maintenance/assets from pg

BEGIN;

-- CASCADE: functions of the repeatables hang off these. PostGIS goes with
-- the tables (nothing else uses it).
DROP TABLE app.failure_code_combinations CASCADE;
DROP TABLE app.failure_codes CASCADE;
DROP TABLE app.meter_readings CASCADE;
DROP TABLE app.meters CASCADE;
DROP TABLE app.assets CASCADE;
DROP TYPE app.failure_code_kind CASCADE;
DROP TYPE app.asset_level CASCADE;
DROP EXTENSION IF EXISTS postgis CASCADE;

COMMIT;
