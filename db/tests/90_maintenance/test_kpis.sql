-- Maintenance KPIs (95_reporting/60_maintenance_kpis.sql, migration
-- maintenance/kpis) checked against figures computed by hand for March 2026
-- (744 h, UTC) on a pump at plant A (docs/maintenance.md "Dashboards" works
-- the same example): MTBF on operating time, MTTR, unplanned downtime, PM
-- compliance (one definition, shared with app.pm_plant_compliance) with
-- the default and with no grace days, planned work, cost per asset;
-- backlog in crew-weeks and parts below reorder point per plant. Read as a
-- planner (the tenant), a technician of plant A (only plant A), a
-- technician of plant B, a contractor's portal user and another tenant
-- (nothing); refreshed by the job refresh-kpis.
BEGIN;
SELECT plan(29);

SELECT tests.remember('t', tests.create_tenant());
SELECT tests.remember('other', tests.create_tenant());
SELECT tests.remember('plant_a', tests.create_site(tests.recall('t')));
SELECT tests.remember('plant_b', tests.create_site(tests.recall('t')));
SELECT tests.remember('pumps', tests.create_equipment_class(tests.recall('t'), p_requires_calibration => false));
SELECT tests.remember('pump', tests.create_equipment(tests.recall('t'), tests.recall('pumps'), tests.recall('plant_a'), NULL, 'Pump 1'));
SELECT tests.remember('fan', tests.create_equipment(tests.recall('t'), tests.recall('pumps'), tests.recall('plant_b'), NULL, 'Fan 1'));
SELECT tests.remember('admin', tests.create_member(tests.recall('t'), 'admin'));
SELECT tests.remember('planner', tests.create_member(tests.recall('t'), 'maintenance_planner'));
SELECT tests.remember('tech_a', tests.create_member(tests.recall('t'), 'technician', tests.recall('plant_a')));
SELECT tests.remember('tech_b', tests.create_member(tests.recall('t'), 'technician', tests.recall('plant_b')));
SELECT tests.remember('keeper', tests.create_member(tests.recall('t'), 'storekeeper'));
SELECT tests.remember('contractor', tests.create_partner(tests.recall('t'), 'supplier'));
SELECT tests.remember('portal', tests.create_member(tests.recall('t'), 'customer_portal', NULL, tests.recall('contractor')));
SELECT tests.remember('stranger', tests.create_member(tests.recall('other'), 'admin'));
SELECT tests.remember('bd', tests.create_downtime_reason(tests.recall('t'), 'breakdown', false, true));
SELECT tests.remember('pm', tests.create_downtime_reason(tests.recall('t'), 'pm', true, false));
SELECT tests.remember('wait', tests.create_downtime_reason(tests.recall('t'), 'no-material', false, false));

-- Work orders as the owner (their state machine is tested elsewhere).
CREATE FUNCTION pg_temp.wo(p_equipment text, p_site text, p_type app.work_order_type, p_status text, p_due date, p_completed timestamptz,
                           p_hours numeric DEFAULT NULL, p_breakdown boolean DEFAULT false) RETURNS uuid
LANGUAGE sql AS $$
  INSERT INTO app.work_orders (organization_id, id, work_order_number, work_type, title, equipment_id, site_id, status, due_date,
                               completed_at, estimated_hours, is_breakdown, cancel_reason, held_from, hold_reason)
  VALUES (tests.recall('t'), public.uuid_generate_v7(), app_private.take_human_id(tests.recall('t'), 'WO', NULL), p_type, 'Job',
          tests.recall(p_equipment), tests.recall(p_site), p_status, p_due, p_completed, p_hours, p_breakdown,
          CASE WHEN p_status = 'cancelled' THEN 'not needed' END, CASE WHEN p_status = 'on_hold' THEN 'planned' END,
          CASE WHEN p_status = 'on_hold' THEN 'waiting for parts' END)
  RETURNING id
$$;
-- March 2026 on the pump: PM due 5th done on the 5th, due 12th done on the 14th, due 25th open, due 28th cancelled;
-- a breakdown repair; open work for the backlog at both plants.
SELECT tests.remember('pm1', pg_temp.wo('pump', 'plant_a', 'preventive', 'closed', '2026-03-05', '2026-03-05 15:00Z'));
SELECT tests.remember('pm2', pg_temp.wo('pump', 'plant_a', 'preventive', 'closed', '2026-03-12', '2026-03-14 10:00Z'));
SELECT tests.remember('pm3', pg_temp.wo('pump', 'plant_a', 'preventive', 'planned', '2026-03-25', NULL, 4));
SELECT tests.remember('pm4', pg_temp.wo('pump', 'plant_a', 'preventive', 'cancelled', '2026-03-28', NULL));
SELECT tests.remember('fix', pg_temp.wo('pump', 'plant_a', 'corrective', 'closed', NULL, '2026-03-02 14:00Z', NULL, true));
SELECT tests.remember('open_a', pg_temp.wo('pump', 'plant_a', 'corrective', 'on_hold', (now() - interval '1 day')::date, NULL, 6));
SELECT tests.remember('open_b', pg_temp.wo('fan', 'plant_b', 'inspection', 'planned', NULL, NULL, 8));

-- Stops: breakdowns of 4 h and 1.5 h, a planned stop of 2 h, an unplanned wait of 0.5 h: 8 h down, 6 h unplanned.
INSERT INTO app.downtime_events (organization_id, id, equipment_id, started_at, ended_at, reason_id, is_planned, is_breakdown, work_order_id)
VALUES (tests.recall('t'), public.uuid_generate_v7(), tests.recall('pump'), '2026-03-02 10:00Z', '2026-03-02 14:00Z', tests.recall('bd'), false, true, tests.recall('fix')),
       (tests.recall('t'), public.uuid_generate_v7(), tests.recall('pump'), '2026-03-10 08:00Z', '2026-03-10 09:30Z', tests.recall('bd'), false, true, NULL),
       (tests.recall('t'), public.uuid_generate_v7(), tests.recall('pump'), '2026-03-15 06:00Z', '2026-03-15 08:00Z', tests.recall('pm'), true, false, NULL),
       (tests.recall('t'), public.uuid_generate_v7(), tests.recall('pump'), '2026-03-20 12:00Z', '2026-03-20 12:30Z', tests.recall('wait'), false, false, NULL);
-- Labour: 3 h on the first PM and 1 h on the breakdown at 50 EUR; a contractor's 250 EUR on the breakdown.
INSERT INTO app.labour_entries (organization_id, id, work_order_id, user_id, started_at, hours, hourly_rate, currency, site_id)
VALUES (tests.recall('t'), public.uuid_generate_v7(), tests.recall('pm1'), tests.recall('tech_a'), '2026-03-05 09:00Z', 3, 50, 'EUR', tests.recall('plant_a')),
       (tests.recall('t'), public.uuid_generate_v7(), tests.recall('fix'), tests.recall('tech_a'), '2026-03-02 11:00Z', 1, 50, 'EUR', tests.recall('plant_a'));
INSERT INTO app.contractor_charges (organization_id, id, work_order_id, partner_id, amount, currency, site_id, created_at)
VALUES (tests.recall('t'), public.uuid_generate_v7(), tests.recall('fix'), tests.recall('contractor'), 250, 'EUR', tests.recall('plant_a'), '2026-03-03 09:00Z');

-- A part with a reorder point of 5 in a store at plant A, none in stock.
SELECT tests.remember('seal', tests.create_part(tests.recall('t')));
SELECT tests.act_as(tests.recall('keeper'), tests.recall('t'));
WITH s AS (INSERT INTO app.storerooms (site_id, code, name) VALUES (tests.recall('plant_a'), 'S1', 'Main store') RETURNING id)
SELECT tests.remember('s1', id) FROM s;
INSERT INTO app.part_storeroom_settings (part_id, storeroom_id, reorder_point, reorder_quantity) VALUES (tests.recall('seal'), tests.recall('s1'), 5, 10);
-- One crew of 40 hours a week.
SELECT tests.act_as(tests.recall('admin'), tests.recall('t'));
INSERT INTO app.tenant_settings (setting_key, value) VALUES ('maintenance_weekly_crew_hours', '40');
SELECT tests.act_as_owner();

SELECT is(app_private.refresh_kpis() >= 4, true, 'the job refresh-kpis refreshes the maintenance KPI views with the others');

SELECT tests.act_as(tests.recall('planner'), tests.recall('t'));
SELECT is((SELECT row(calendar_hours, downtime_hours, unplanned_downtime_hours, operating_hours)::text FROM app.maintenance_kpi_asset_month
            WHERE equipment_id = tests.recall('pump') AND month = '2026-03-01'),
  '(744.0000,8.0000,6.0000,736.0000)', 'March: 744 calendar hours, 8 h down (6 h unplanned), 736 operating hours');
SELECT is((SELECT row(breakdowns, breakdowns_repaired, repair_hours, mtbf_hours, mttr_hours)::text FROM app.maintenance_kpi_asset_month
            WHERE equipment_id = tests.recall('pump') AND month = '2026-03-01'),
  '(2,2,5.5000,368.0000,2.7500)', 'MTBF = 736 h / 2 breakdowns = 368 h; MTTR = 5.5 h / 2 = 2.75 h');
SELECT is((SELECT row(pm_due, pm_on_time, pm_compliance_percent)::text FROM app.maintenance_kpi_asset_month
            WHERE equipment_id = tests.recall('pump') AND month = '2026-03-01'),
  '(4,2,50.00)', 'PM compliance: 4 due (the cancelled one and the open one missed), 2 done within the default 7-day grace (on the day, 2 days late): 50 %');
SELECT is((SELECT row(maintenance_hours, planned_hours, planned_work_percent)::text FROM app.maintenance_kpi_asset_month
            WHERE equipment_id = tests.recall('pump') AND month = '2026-03-01'),
  '(4,3,75.00)', 'planned work: 3 of 4 labour hours were not breakdown or emergency work: 75 %');
SELECT is((SELECT row(currency, work_orders, labour_cost, contractor_cost, parts_cost, total_cost)::text FROM app.maintenance_kpi_asset_costs
            WHERE equipment_id = tests.recall('pump') AND month = '2026-03-01'),
  '(EUR,2,200.00,250,0,450.00)', 'cost per asset in March: labour 4 h x 50 + contractor 250 = 450 EUR over 2 work orders');
SELECT is((SELECT row(assets, breakdowns, mtbf_hours, mttr_hours, pm_compliance_percent)::text FROM app.maintenance_kpi_plant_month
            WHERE site_id = tests.recall('plant_a') AND month = '2026-03-01'),
  '(1,2,368.0000,2.7500,50.00)', 'per plant and month: the assets'' figures summed and the ratios recomputed');
SELECT is((SELECT array_agg(row(site_id = tests.recall('plant_a'), open_work_orders, overdue, estimated_hours, weekly_crew_hours, backlog_crew_weeks)::text
                            ORDER BY site_id = tests.recall('plant_a'))
             FROM app.maintenance_kpi_backlog),
  ARRAY['(f,1,0,8,40,0.20)', '(t,2,2,10,40,0.25)'],
  'backlog: open work (on hold and planned, both overdue) 10 h at plant A / 40 crew hours = 0.25 crew-weeks; 8 h at plant B = 0.2');
SELECT is((SELECT row(parts_below_reorder_point, critical_spares_below)::text FROM app.maintenance_kpi_stock WHERE site_id = tests.recall('plant_a')),
  '(1,0)', 'one part below its reorder point at plant A');

-- One definition (app_private.pm_compliance_lines): with no grace the fixture holds one PM of each outcome, and
-- the dashboard (maintenance_kpi_plant_month) and the compliance report (pm_plant_compliance) both equal the hand count:
-- due 4 (on time, late, missed, cancelled), on time 1: 25 %.
SELECT tests.act_as(tests.recall('admin'), tests.recall('t'));
INSERT INTO app.tenant_settings (setting_key, value) VALUES ('pm_compliance_grace_days', '0');
SELECT tests.act_as_owner();
SELECT app_private.refresh_kpis()::text AS refreshed;
SELECT is((SELECT array_agg(outcome ORDER BY due_on) FROM app_private.pm_compliance_lines WHERE organization_id = tests.recall('t')::uuid),
  ARRAY['on_time', 'late', 'missed', 'cancelled'], 'the PMs due 5, 12, 25 and 28 March: on time, late, missed (open past its window), cancelled');
SELECT tests.act_as(tests.recall('planner'), tests.recall('t'));
SELECT is((SELECT row(pm_due, pm_on_time, pm_compliance_percent)::text FROM app.maintenance_kpi_asset_month
            WHERE equipment_id = tests.recall('pump') AND month = '2026-03-01'),
  '(4,1,25.00)', 'with pm_compliance_grace_days = 0 the PM done two days late is late: 1 of 4, 25 %');
SELECT is((SELECT row(due, completed_on_time, compliance_percent)::text FROM app.pm_plant_compliance
            WHERE site_id = tests.recall('plant_a') AND month = '2026-03-01'),
  (SELECT row(pm_due, pm_on_time, pm_compliance_percent)::text FROM app.maintenance_kpi_plant_month
    WHERE site_id = tests.recall('plant_a') AND month = '2026-03-01'),
  'the compliance report and the dashboard agree for plant A in March');
SELECT is((SELECT row(due, completed_on_time, compliance_percent)::text FROM app.pm_plant_compliance
            WHERE site_id = tests.recall('plant_a') AND month = '2026-03-01'),
  '(4,1,25.00)', 'and equal the hand count');
SELECT is((SELECT count(*)::integer FROM app.maintenance_kpi_asset_month), 1,
  'one row: the pump in March (the fan has only open work: no stop, PM due or labour)');

-- Plant scope.
SELECT tests.act_as(tests.recall('tech_a'), tests.recall('t'));
SELECT is((SELECT array_agg(DISTINCT site_id) FROM app.maintenance_kpi_asset_month), ARRAY[tests.recall('plant_a')],
  'a technician of plant A reads plant A''s asset KPIs');
SELECT is((SELECT array_agg(site_id) FROM app.maintenance_kpi_backlog), ARRAY[tests.recall('plant_a')], 'and only plant A''s backlog');
SELECT is((SELECT count(*)::integer FROM app.maintenance_kpi_stock), 1, 'and plant A''s stock figure');
SELECT tests.act_as(tests.recall('tech_b'), tests.recall('t'));
SELECT is((SELECT count(*)::integer FROM app.maintenance_kpi_asset_month), 0, 'a technician of plant B reads none of plant A''s asset KPIs');
SELECT is((SELECT count(*)::integer FROM app.maintenance_kpi_plant_month), 0, 'nor its plant figures');
SELECT is((SELECT count(*)::integer FROM app.maintenance_kpi_asset_costs), 0, 'nor its costs');
SELECT is((SELECT array_agg(site_id) FROM app.maintenance_kpi_backlog), ARRAY[tests.recall('plant_b')], 'but plant B''s backlog');
-- A contractor's portal user and another tenant: nothing.
SELECT tests.act_as(tests.recall('portal'), tests.recall('t'));
SELECT is((SELECT count(*)::integer FROM app.maintenance_kpi_asset_month) + (SELECT count(*)::integer FROM app.maintenance_kpi_backlog)
          + (SELECT count(*)::integer FROM app.maintenance_kpi_asset_costs), 0, 'a portal user reads no maintenance KPIs');
SELECT tests.act_as(tests.recall('stranger'), tests.recall('other'));
SELECT is((SELECT count(*)::integer FROM app.maintenance_kpi_asset_month) + (SELECT count(*)::integer FROM app.maintenance_kpi_plant_month)
          + (SELECT count(*)::integer FROM app.maintenance_kpi_asset_costs) + (SELECT count(*)::integer FROM app.maintenance_kpi_backlog)
          + (SELECT count(*)::integer FROM app.maintenance_kpi_stock), 0, 'another tenant''s admin reads nothing');

-- Report sources: each view is one, with the permission the view filters by.
SELECT tests.act_as_owner();
SELECT is((SELECT array_agg(key || ':' || permission ORDER BY key) FROM app.report_sources WHERE key LIKE 'maintenance\_kpi\_%'),
  ARRAY['maintenance_kpi_asset_costs:work_order.read', 'maintenance_kpi_asset_month:work_order.read', 'maintenance_kpi_backlog:work_order.read',
        'maintenance_kpi_plant_month:work_order.read', 'maintenance_kpi_stock:stock.read'], 'the KPI views are report sources');
SELECT tests.act_as(tests.recall('planner'), tests.recall('t'));
SELECT is((SELECT count(*)::integer FROM app.report_sources WHERE key LIKE 'maintenance\_kpi\_%'), 5, 'a planner may report on them');

-- The current month counts calendar time up to now only; a stop still open counts until now.
SELECT tests.act_as_owner();
INSERT INTO app.downtime_events (organization_id, id, equipment_id, started_at, ended_at, reason_id, is_planned, is_breakdown)
VALUES (tests.recall('t'), public.uuid_generate_v7(), tests.recall('fan'), greatest(date_trunc('month', now()), now() - interval '1 hour'), NULL, tests.recall('bd'), false, true);
SELECT app_private.refresh_kpis()::text AS refreshed;
SELECT is((SELECT row(breakdowns, breakdowns_repaired, mttr_hours IS NULL, operating_hours <= calendar_hours,
                      calendar_hours <= extract(epoch FROM now() - date_trunc('month', now())) / 3600 + 0.01)::text
             FROM app_private.maintenance_kpi_asset_month WHERE equipment_id = tests.recall('fan')),
  '(1,0,t,t,t)', 'an open breakdown counts as a breakdown but not in MTTR; this month''s calendar time runs to now');
SELECT is((SELECT mtbf_hours IS NOT NULL FROM app_private.maintenance_kpi_asset_month WHERE equipment_id = tests.recall('fan')), true,
  'MTBF is defined once there is a breakdown');

-- An asset in the trash has no KPI rows; its plant's totals keep its history.
-- (The pump still has open work, which app.soft_delete refuses: the trash
-- column is set with the triggers off, as a fixture.)
SET LOCAL session_replication_role = replica;
UPDATE app.equipment SET deleted_at = now(), deletion_reason = 'scrapped' WHERE id = tests.recall('pump')::uuid;
SET LOCAL session_replication_role = origin;
SELECT tests.act_as(tests.recall('admin'), tests.recall('t'));
SELECT is((SELECT count(*)::int FROM app.maintenance_kpi_asset_month WHERE equipment_id = tests.recall('pump')::uuid)
          + (SELECT count(*)::int FROM app.maintenance_kpi_asset_costs WHERE equipment_id = tests.recall('pump')::uuid), 0,
  'the KPIs per asset leave out an asset in the trash, even for trash.manage');
SELECT is((SELECT count(*)::int FROM app.maintenance_kpi_plant_month WHERE site_id = tests.recall('plant_a')::uuid AND month = '2026-03-01'), 1,
  'its plant''s month keeps its history');

SELECT * FROM finish();
ROLLBACK;
