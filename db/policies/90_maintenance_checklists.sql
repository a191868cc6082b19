-- Work order checklists and signatures (db/functions/90_maintenance/86_checklists.sql,
-- 88_signatures.sql). The checklist items themselves are the platform's
-- (read by whoever may read the work order, 50_platform.sql). Signatures are
-- read by the staff who may read the work order (not by a contractor's
-- portal user: the payload names people); nobody writes them but the
-- signing RPCs.

ALTER TABLE app.work_order_signatures ENABLE ROW LEVEL SECURITY;
ALTER TABLE app.work_order_signatures FORCE ROW LEVEL SECURITY;
GRANT SELECT ON app.work_order_signatures TO app_user;
GRANT SELECT ON app.work_order_signatures TO app_admin;
CREATE POLICY work_order_signatures_select_staff ON app.work_order_signatures FOR SELECT TO app_user
  USING (organization_id = (SELECT auth.org_id()) AND (SELECT auth.partner_id()) IS NULL
         AND EXISTS (SELECT FROM app.work_orders AS w WHERE w.organization_id = work_order_signatures.organization_id
                                                        AND w.id = work_order_signatures.work_order_id));
CREATE POLICY work_order_signatures_select_operator ON app.work_order_signatures FOR SELECT TO app_admin
  USING ((SELECT auth.is_platform_operator()));

GRANT EXECUTE ON FUNCTION
  app.raise_checklist_follow_up(uuid, text, text, integer, date), app.complete_work_order(uuid, text, text),
  app.verify_work_order(uuid, text, text), app.sign_work_order_lockout(uuid, text, text, text)
  TO app_user;
