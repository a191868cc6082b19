-- Maintenance calendar bench data (bench/maintenance_calendar.sh), on the
-- demo data of a throw-away database. Acme's PLANT-1 gets a crew of
-- :technicians technicians (Acme's demo technician and :technicians - 1 more)
-- in 4 teams (the demo technician in two), each technician with a shift
-- every weekday from 60 days ago to 300 days ahead and a week's absence
-- every quarter, 4 scheduled work orders a day each and 2 a day per team over
-- the same year, on 500 assets; 300 monthly PM schedules (none generated);
-- 9 more tenants with the same as noise. About 22,600 work orders and 4,800
-- availability rows per tenant at the default 20 (226,000 and 48,000 in
-- all); the demo technician's 30 days hold about 190 events (their own and
-- their teams' work orders, their shifts). Loaded as the owner with the row triggers off
-- (session_replication_role = replica): the bench measures the reads.
\set ON_ERROR_STOP on
SET session_replication_role = replica;
SELECT setseed(0.23);
INSERT INTO app.organizations (id, slug, name)
SELECT public.uuid_generate_v7(), 'cal-noise-' || g, 'Calendar noise tenant ' || g FROM generate_series(1, 9) AS g;
CREATE TABLE public.bench_cal_tenants AS
SELECT o.id AS org, o.slug = 'acme-manufacturing' AS is_acme, public.uuid_generate_v7() AS class_id,
       (SELECT s.id FROM app.sites s WHERE s.organization_id = o.id AND s.code = 'PLANT-1') AS plant
  FROM app.organizations o WHERE o.slug = 'acme-manufacturing' OR o.slug LIKE 'cal-noise-%';
-- The crew: at Acme, number 0 is the demo technician (already a member).
CREATE TABLE public.bench_cal_people AS
SELECT t.org, g AS n, g = 0 AND t.is_acme AS is_demo,
       CASE WHEN g = 0 AND t.is_acme THEN (SELECT u.id FROM app.users u WHERE u.email = 'technician@acme.test')
            ELSE public.uuid_generate_v7() END AS id
  FROM public.bench_cal_tenants t, generate_series(0, :technicians - 1) AS g;
INSERT INTO app.users (id, email, display_name)
SELECT p.id, 'cal-tech-' || p.n || '-' || p.id || '@bench.test', 'Bench technician ' || p.n
  FROM public.bench_cal_people p WHERE NOT p.is_demo;
INSERT INTO app.memberships (organization_id, id, user_id)
SELECT p.org, public.uuid_generate_v7(), p.id FROM public.bench_cal_people p WHERE NOT p.is_demo;
CREATE TABLE public.bench_cal_teams AS
SELECT t.org, g AS n, public.uuid_generate_v7() AS id, t.plant FROM public.bench_cal_tenants t, generate_series(0, 3) AS g;
INSERT INTO app.maintenance_teams (organization_id, id, name, site_id)
SELECT org, id, 'Bench crew ' || n, plant FROM public.bench_cal_teams;
-- Everyone in team n % 4; the demo technician also in team 1.
INSERT INTO app.maintenance_team_members (organization_id, id, team_id, user_id, member_from)
SELECT p.org, public.uuid_generate_v7(), tm.id, p.id, now() - interval '2 years'
  FROM public.bench_cal_people p JOIN public.bench_cal_teams tm ON tm.org = p.org AND (tm.n = p.n % 4 OR (p.n = 0 AND tm.n = 1));
INSERT INTO app.equipment_classes (organization_id, id, code, name, kind)
SELECT org, class_id, 'bench-cal-pump', 'Bench pump', 'machine' FROM public.bench_cal_tenants;
CREATE TABLE public.bench_cal_assets AS
SELECT t.org, g AS n, public.uuid_generate_v7() AS id, t.class_id, t.plant FROM public.bench_cal_tenants t, generate_series(0, 499) AS g;
CREATE INDEX ON public.bench_cal_assets (org, n);
INSERT INTO app.equipment (organization_id, id, equipment_number, name, class_id, site_id)
SELECT a.org, a.id, 'BC-' || lpad(a.n::text, 4, '0'), 'Bench asset ' || a.n, a.class_id, a.plant FROM public.bench_cal_assets a;
INSERT INTO app.assets (organization_id, equipment_id, level)
SELECT a.org, a.id, 'machine' FROM public.bench_cal_assets a WHERE EXISTS (SELECT FROM public.bench_cal_tenants t WHERE t.org = a.org AND t.is_acme);
-- Shifts on weekdays (7:00-15:30 UTC), a week's absence every quarter (shifted per person).
INSERT INTO app.technician_availability (organization_id, id, user_id, period, kind, reason)
SELECT p.org, public.uuid_generate_v7(), p.id, tstzrange(d + interval '7 hours', d + interval '15 hours 30 minutes'), 'available', ''
  FROM public.bench_cal_people p
 CROSS JOIN generate_series(date_trunc('day', now()) - interval '60 days', date_trunc('day', now()) + interval '300 days', interval '1 day') AS d
 WHERE extract(isodow FROM d) < 6 AND (extract(doy FROM d)::integer + 7 * p.n) % 91 >= 7
   AND NOT EXISTS (SELECT FROM app.technician_availability x WHERE x.organization_id = p.org AND x.user_id = p.id
                      AND x.period && tstzrange(d + interval '7 hours', d + interval '15 hours 30 minutes'));
INSERT INTO app.technician_availability (organization_id, id, user_id, period, kind, reason)
SELECT p.org, public.uuid_generate_v7(), p.id, tstzrange(d, d + interval '7 days'), 'absent', 'Leave'
  FROM public.bench_cal_people p
 CROSS JOIN generate_series(date_trunc('day', now()) - interval '60 days', date_trunc('day', now()) + interval '300 days', interval '1 day') AS d
 WHERE (extract(doy FROM d)::integer + 7 * p.n) % 91 = 0
   AND NOT EXISTS (SELECT FROM app.technician_availability x WHERE x.organization_id = p.org AND x.user_id = p.id
                      AND x.period && tstzrange(d, d + interval '7 days'));
-- Four work orders a person a weekday (8:00, 10:00, 12:00, 14:00) and two a team (9:00, 13:00), over the same year.
INSERT INTO app.work_orders (organization_id, id, work_order_number, work_type, priority, title, description, status, equipment_id, site_id,
                             assignee_id, team_id, scheduled, due_date, created_at, updated_at)
SELECT j.org, public.uuid_generate_v7(), 'WC-' || lpad(row_number() OVER (PARTITION BY j.org)::text, 7, '0'),
       (ARRAY['corrective', 'preventive', 'inspection', 'emergency']::app.work_order_type[])[1 + j.k % 4], 1 + j.k % 5,
       'Bench job ' || j.k, 'Check, clean, adjust; see the template.',
       CASE WHEN j.d < now() - interval '1 day' THEN 'completed' ELSE 'scheduled' END,
       a.id, j.plant, j.assignee, j.team,
       tstzrange(j.d + j.at, j.d + j.at + interval '90 minutes'), (j.d + j.at)::date, j.d - interval '7 days', j.d - interval '7 days'
  FROM (SELECT t.org, t.plant, p.id AS assignee, NULL::uuid AS team, d, make_interval(hours => 8 + 2 * h) AS at, (p.n * 7919 + h) AS k
          FROM public.bench_cal_tenants t JOIN public.bench_cal_people p ON p.org = t.org
         CROSS JOIN generate_series(date_trunc('day', now()) - interval '60 days', date_trunc('day', now()) + interval '300 days', interval '1 day') AS d
         CROSS JOIN generate_series(0, 3) AS h
         WHERE extract(isodow FROM d) < 6
        UNION ALL
        SELECT t.org, t.plant, NULL, tm.id, d, make_interval(hours => 9 + 4 * h), (tm.n * 104729 + h)
          FROM public.bench_cal_tenants t JOIN public.bench_cal_teams tm ON tm.org = t.org
         CROSS JOIN generate_series(date_trunc('day', now()) - interval '60 days', date_trunc('day', now()) + interval '300 days', interval '1 day') AS d
         CROSS JOIN generate_series(0, 1) AS h
         WHERE extract(isodow FROM d) < 6) AS j
  JOIN public.bench_cal_assets a ON a.org = j.org AND a.n = j.k % 500;
INSERT INTO app.work_order_assets (organization_id, work_order_id, equipment_id, is_primary, site_id)
SELECT w.organization_id, w.id, w.equipment_id, true, w.site_id FROM app.work_orders w WHERE w.work_order_number LIKE 'WC-%';
-- 300 monthly PM schedules at Acme (the tenant's calendar forecasts them), on the template of the demo.
INSERT INTO app.pm_schedules (organization_id, id, name, equipment_id, template_id, site_id, mode, rrule, rule_freq, rule_interval,
                              rule_bymonthday, anchor_date, lead_days, next_due_date)
SELECT a.org, public.uuid_generate_v7(), 'Bench monthly ' || a.n, a.id, tpl.id, a.plant, 'fixed', 'FREQ=MONTHLY;BYMONTHDAY=' || (1 + a.n % 28),
       'MONTHLY', 1, ARRAY[1 + a.n % 28], current_date - 40, 7,
       (date_trunc('month', current_date + 7) + make_interval(days => a.n % 28))::date
  FROM public.bench_cal_assets a
  JOIN public.bench_cal_tenants t ON t.org = a.org AND t.is_acme
  JOIN app.work_order_templates tpl ON tpl.organization_id = a.org AND tpl.code = 'lathe-monthly'
 WHERE a.n < 300;
SET session_replication_role = origin;
DROP TABLE public.bench_cal_tenants, public.bench_cal_people, public.bench_cal_teams, public.bench_cal_assets;
ANALYZE app.work_orders;
ANALYZE app.work_order_assets;
ANALYZE app.technician_availability;
ANALYZE app.maintenance_team_members;
ANALYZE app.pm_schedules;
