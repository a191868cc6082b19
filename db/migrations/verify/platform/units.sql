-- Verify pulse:platform/units on pg

BEGIN;

SELECT code, dimension, name, labels, symbol, factor, base_offset, created_at, updated_at FROM app.units WHERE false;
SELECT 1 / (NOT has_table_privilege('anon', 'app.units', 'INSERT'))::int;
SELECT 1 / (NOT has_table_privilege('app_user', 'app.units', 'INSERT'))::int;
SELECT 1 / (NOT has_table_privilege('app_user', 'app.units', 'TRUNCATE'))::int;

ROLLBACK;
