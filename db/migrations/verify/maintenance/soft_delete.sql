-- Verify pulse:maintenance/soft_delete on pg

BEGIN;

SELECT deleted_at, deleted_by, deletion_reason FROM app.equipment WHERE false;
SELECT deleted_at, deleted_by, deletion_reason FROM app.meters WHERE false;
SELECT deleted_at, deleted_by, deletion_reason FROM app.failure_codes WHERE false;
SELECT deleted_at, deleted_by, deletion_reason FROM app.storerooms WHERE false;
SELECT deleted_at, deleted_by, deletion_reason FROM app.storeroom_bins WHERE false;

-- API roles never write the trash columns directly, nor delete these rows (app.soft_delete does).
SELECT 1 / (NOT has_column_privilege('app_user', 'app.equipment', 'deleted_at', 'UPDATE'))::int;
SELECT 1 / (NOT has_column_privilege('app_user', 'app.meters', 'deleted_at', 'UPDATE'))::int;
SELECT 1 / (NOT has_column_privilege('app_user', 'app.failure_codes', 'deleted_at', 'UPDATE'))::int;
SELECT 1 / (NOT has_column_privilege('app_user', 'app.storerooms', 'deleted_at', 'UPDATE'))::int;
SELECT 1 / (NOT has_column_privilege('app_user', 'app.storeroom_bins', 'deleted_at', 'UPDATE'))::int;

ROLLBACK;
