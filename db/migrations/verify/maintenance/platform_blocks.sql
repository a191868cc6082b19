-- Verify pulse:maintenance/platform_blocks on pg

BEGIN;

SELECT custom_fields, search_vector FROM app.equipment WHERE false;
SELECT custom_fields FROM app.work_orders WHERE false;
SELECT custom_fields FROM app.lots WHERE false;
SELECT custom_fields, search_vector FROM app.shipments WHERE false;
SELECT search_vector FROM app.serials WHERE false;
SELECT search_vector FROM app.work_requests WHERE false;
SELECT search_vector FROM app.change_orders WHERE false;

ROLLBACK;
