-- Revert pulse:maintenance/kits from pg

BEGIN;

DROP TABLE app.work_order_parts CASCADE;
DROP TABLE app.work_order_template_parts CASCADE;

COMMIT;
