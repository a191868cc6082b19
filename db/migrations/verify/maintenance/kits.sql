-- Verify pulse:maintenance/kits on pg

BEGIN;

SELECT organization_id, id, template_id, part_id, quantity, unit, storeroom_id FROM app.work_order_template_parts WHERE false;
SELECT organization_id, id, work_order_id, site_id, part_id, quantity, unit, storeroom_id, used_quantity, template_part_id
  FROM app.work_order_parts WHERE false;

ROLLBACK;
