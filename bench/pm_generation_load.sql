-- PM generation bench data (bench/pm_generation.sh), on the demo data of a
-- throw-away database: 20 tenants (Acme and 19 more) x :per_tenant assets,
-- each with a run-hours meter and one PM schedule from a preventive
-- template: 40 % fixed monthly, 20 % floating weekly on MO,TH, 20 % by meter
-- (every 250 h, 25 h lead), 20 % whichever first (quarterly or 500 h). Every
-- schedule is due at the first run (anchors in the past, meters past their
-- point). Equipment and meters are bulk-loaded with the row triggers off;
-- the schedules go through their prepare trigger (rule parsed, next due
-- computed), as app.define_pm_schedule would.
\set ON_ERROR_STOP on
SET session_replication_role = replica;
INSERT INTO app.organizations (id, slug, name)
SELECT public.uuid_generate_v7(), 'pm-noise-' || g, 'PM noise tenant ' || g FROM generate_series(1, 19) AS g;
CREATE TABLE public.bench_pm_tenants AS
SELECT o.id AS org, public.uuid_generate_v7() AS class_id, public.uuid_generate_v7() AS template_id,
       (SELECT array_agg(s.id ORDER BY s.code) FROM app.sites s WHERE s.organization_id = o.id AND s.code IN ('PLANT-1', 'PLANT-2')) AS sites
  FROM app.organizations o WHERE o.slug = 'acme-manufacturing' OR o.slug LIKE 'pm-noise-%';
INSERT INTO app.equipment_classes (organization_id, id, code, name, kind)
SELECT org, class_id, 'bench-pm', 'Bench PM machine', 'machine' FROM public.bench_pm_tenants;
INSERT INTO app.equipment (organization_id, id, equipment_number, name, class_id, site_id)
SELECT t.org, public.uuid_generate_v7(), 'PM-' || lpad(g::text, 7, '0'), 'PM asset ' || g, t.class_id, t.sites[1 + g % 2]
  FROM public.bench_pm_tenants t, generate_series(1, :per_tenant) AS g;
INSERT INTO app.meters (organization_id, id, equipment_id, name, unit, last_value, last_read_at, usage_total)
SELECT e.organization_id, public.uuid_generate_v7(), e.id, 'Run hours', 'h', 1000, now() - interval '1 day', 1000
  FROM app.equipment e JOIN public.bench_pm_tenants t ON t.org = e.organization_id AND t.class_id = e.class_id;
INSERT INTO app.work_order_templates (organization_id, id, code, name, work_type, task_text, estimated_hours)
SELECT org, template_id, 'bench-pm', 'Bench PM', 'preventive', 'Inspect, lubricate, record', 1.5 FROM public.bench_pm_tenants;
SET session_replication_role = origin;
INSERT INTO app.pm_schedules (organization_id, id, name, equipment_id, template_id, mode, rrule, anchor_date, lead_days, meter_id, meter_interval, meter_lead)
SELECT e.organization_id, public.uuid_generate_v7(), 'PM ' || e.equipment_number, e.id, t.template_id,
       CASE WHEN n % 5 = 2 THEN 'floating' ELSE 'fixed' END,
       CASE n % 5 WHEN 0 THEN 'FREQ=MONTHLY' WHEN 1 THEN 'FREQ=MONTHLY;BYMONTHDAY=-1' WHEN 2 THEN 'FREQ=WEEKLY;BYDAY=MO,TH'
                  WHEN 3 THEN NULL ELSE 'FREQ=MONTHLY;INTERVAL=3' END,
       current_date - 20 - (n % 7)::integer, 7,
       CASE WHEN n % 5 IN (3, 4) THEN m.id END, CASE n % 5 WHEN 3 THEN 250 WHEN 4 THEN 500 END, CASE n % 5 WHEN 3 THEN 25 ELSE 0 END
  FROM (SELECT e.*, row_number() OVER (PARTITION BY e.organization_id ORDER BY e.id) AS n FROM app.equipment e) AS e
  JOIN public.bench_pm_tenants t ON t.org = e.organization_id AND t.class_id = e.class_id
  JOIN app.meters m ON m.organization_id = e.organization_id AND m.equipment_id = e.id;
-- The meters ran past their points.
SET session_replication_role = replica;
UPDATE app.meters m SET usage_total = usage_total + 600, last_value = last_value + 600
  FROM public.bench_pm_tenants t WHERE m.organization_id = t.org;
SET session_replication_role = origin;
ANALYZE app.pm_schedules;
ANALYZE app.meters;
ANALYZE app.work_orders;
