-- Work-order bench data (bench/work_order_list.sh), on the demo data of a
-- throw-away database: 20 tenants (Acme and 19 more) with :per_tenant work
-- orders each (1M at the default 50,000) on 500 assets each, one primary
-- asset row per work order; 1 in 10 open (planned; at Acme half of them
-- scheduled, with an assignee and a window), the rest closed, due dates spread over two years.
-- At Acme every 25th work order is the PLANT-1 technician's (2,000, 1,000
-- open), the others are assigned to its planner. Loaded as the owner with
-- the row triggers off (session_replication_role = replica): the bench
-- measures the list, not the writes.
\set ON_ERROR_STOP on
SET session_replication_role = replica;
SELECT setseed(0.17);
INSERT INTO app.organizations (id, slug, name)
SELECT public.uuid_generate_v7(), 'wo-noise-' || g, 'Work order noise tenant ' || g FROM generate_series(1, 19) AS g;
CREATE TABLE public.bench_wo_tenants AS
SELECT o.id AS org, public.uuid_generate_v7() AS class_id, o.slug = 'acme-manufacturing' AS is_acme,
       (SELECT s.id FROM app.sites s WHERE s.organization_id = o.id AND s.code = 'PLANT-1') AS plant,
       (SELECT u.id FROM app.users u WHERE u.email = 'technician@acme.test') AS technician,
       (SELECT u.id FROM app.users u WHERE u.email = 'maintenance_planner@acme.test') AS planner
  FROM app.organizations o WHERE o.slug = 'acme-manufacturing' OR o.slug LIKE 'wo-noise-%';
INSERT INTO app.equipment_classes (organization_id, id, code, name, kind)
SELECT org, class_id, 'bench-wo-pump', 'Bench pump', 'machine' FROM public.bench_wo_tenants;
CREATE TABLE public.bench_wo_assets AS
SELECT t.org, g AS n, public.uuid_generate_v7() AS id, t.class_id, t.plant FROM public.bench_wo_tenants t, generate_series(0, 499) AS g;
INSERT INTO app.equipment (organization_id, id, equipment_number, name, class_id, site_id)
SELECT a.org, a.id, 'BW-' || lpad(a.n::text, 4, '0'), 'Bench asset ' || a.n, a.class_id, a.plant FROM public.bench_wo_assets a;
INSERT INTO app.work_orders (organization_id, id, work_order_number, work_type, priority, title, status, equipment_id, site_id,
                             assignee_id, scheduled, due_date, completed_at, closed_at, created_at, updated_at)
SELECT t.org, public.uuid_generate_v7(), 'WB-' || lpad(g::text, 7, '0'),
       (ARRAY['corrective', 'preventive', 'inspection', 'emergency']::app.work_order_type[])[1 + g % 4], 1 + g % 5,
       'Bench job ' || g,
       CASE WHEN g % 10 <> 0 THEN 'closed' WHEN g % 20 = 0 AND t.is_acme THEN 'scheduled' ELSE 'planned' END,
       a.id, t.plant,
       CASE WHEN t.is_acme AND g % 25 = 0 THEN t.technician WHEN t.is_acme THEN t.planner END,
       CASE WHEN g % 20 = 0 AND t.is_acme THEN tstzrange(now() + make_interval(days => g % 30), now() + make_interval(days => g % 30, hours => 4)) END,
       (now() - interval '1 year')::date + (g * 7919) % 730,
       CASE WHEN g % 10 <> 0 THEN now() - interval '1 day' END, CASE WHEN g % 10 <> 0 THEN now() - interval '1 day' END,
       now() - interval '2 years', now() - interval '1 day'
  FROM public.bench_wo_tenants t
 CROSS JOIN generate_series(1, :per_tenant) AS g
  JOIN public.bench_wo_assets a ON a.org = t.org AND a.n = g % 500;
INSERT INTO app.work_order_assets (organization_id, work_order_id, equipment_id, is_primary, site_id)
SELECT w.organization_id, w.id, w.equipment_id, true, w.site_id
  FROM app.work_orders w WHERE w.work_order_number LIKE 'WB-%';
SET session_replication_role = origin;
ANALYZE app.equipment;
ANALYZE app.work_orders;
ANALYZE app.work_order_assets;
