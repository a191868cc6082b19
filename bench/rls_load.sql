-- 100,000 rows for each tenant ranked :first .. :last in
-- app_private.bench_tenants, identical in both tables.
-- psql -v first=1 -v last=10 -f bench/rls_load.sql

-- The owner bypasses RLS (`pulse db migrate` requires it), so the second
-- load goes through even with the policy in place.

INSERT INTO app.bench_items_open (organization_id, name, quantity)
SELECT t.organization_id, 'item ' || n, n % 1000
  FROM app_private.bench_tenants AS t
 CROSS JOIN generate_series(1, 100000) AS n
 WHERE t.rank BETWEEN :first AND :last;

INSERT INTO app.bench_items
SELECT o.*
  FROM app.bench_items_open AS o
  JOIN app_private.bench_tenants AS t ON t.organization_id = o.organization_id
 WHERE t.rank BETWEEN :first AND :last;

VACUUM ANALYZE app.bench_items;
VACUUM ANALYZE app.bench_items_open;
