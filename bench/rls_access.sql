-- Access to the bench tables, shaped like db/policies: RLS enabled and
-- forced, one policy calling the claims helper once per statement.
-- Re-runnable: `pulse db migrate` (and so `pulse up`) runs
-- db/policies/00_reset.sql, which drops every policy and grant in app.

ALTER TABLE app.bench_items ENABLE ROW LEVEL SECURITY;
ALTER TABLE app.bench_items FORCE ROW LEVEL SECURITY;

DROP POLICY IF EXISTS bench_items_select_own ON app.bench_items;
CREATE POLICY bench_items_select_own ON app.bench_items
  FOR SELECT TO app_user
  USING (organization_id = (SELECT auth.org_id()));

GRANT SELECT ON app.bench_items TO app_user;
-- app_user too, so the same token can read the open table: that run tells
-- the cost of verifying the token apart from the cost of the policy.
GRANT SELECT ON app.bench_items_open TO anon, app_user;
