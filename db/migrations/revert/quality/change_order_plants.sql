-- Revert pulse:quality/change_order_plants from pg

BEGIN;

-- The read policy (db/policies/80_quality.sql) names the column: back to its
-- form before plants, then the column goes.
DROP POLICY IF EXISTS change_orders_select_reader ON app.change_orders;
ALTER TABLE app.change_orders DROP COLUMN site_ids;
CREATE POLICY change_orders_select_reader ON app.change_orders FOR SELECT TO app_user
  USING (organization_id = (SELECT auth.org_id()) AND (SELECT auth.partner_id()) IS NULL
         AND ((SELECT auth.has_permission('change_order.read')) OR (SELECT auth.has_permission('change_order.manage'))));

COMMIT;
