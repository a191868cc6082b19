-- Production KPIs: OEE of a run checked against a hand-computed example (a
-- planned stop, a setup, breakdowns inside the schedule (one clipped to the
-- run), a small stop, another stop, a stop outside the schedule, startup and
-- production rejects), the small stop threshold setting, performance over
-- 100 % flagged; runs validated (counts, overlap, plant permission);
-- loss categories; availability loss by downtime reason (its shares add up to
-- 100 - availability); OTD, scrap and NCR / CAPA aging buckets; the views show
-- nothing to another plant, another tenant or a portal user.
BEGIN;
SELECT plan(41);

SELECT tests.remember('a', tests.create_tenant());
SELECT tests.remember('b', tests.create_tenant());
SELECT tests.remember('site_a', tests.create_site(tests.recall('a')));
SELECT tests.remember('site_b', tests.create_site(tests.recall('a')));
SELECT tests.remember('admin', tests.create_member(tests.recall('a'), 'admin'));
SELECT tests.remember('prod_a', tests.create_member(tests.recall('a'), 'production', tests.recall('site_a')));
SELECT tests.remember('tech_b', tests.create_member(tests.recall('a'), 'technician', tests.recall('site_b')));
SELECT tests.remember('customer', tests.create_partner(tests.recall('a')));
SELECT tests.remember('portal', tests.create_member(tests.recall('a'), 'customer_portal', NULL, tests.recall('customer')));
SELECT tests.remember('b_admin', tests.create_member(tests.recall('b'), 'admin'));
SELECT tests.remember('class', tests.create_equipment_class(tests.recall('a'), p_requires_calibration => false));
SELECT tests.remember('lathe', tests.create_equipment(tests.recall('a'), tests.recall('class'), tests.recall('site_a'), NULL, 'Lathe'));
SELECT tests.remember('mill', tests.create_equipment(tests.recall('a'), tests.recall('class'), tests.recall('site_a'), NULL, 'Mill'));
SELECT tests.remember('press_b', tests.create_equipment(tests.recall('a'), tests.recall('class'), tests.recall('site_b'), NULL, 'Press'));
SELECT tests.remember('part', tests.create_part(tests.recall('a')));
SELECT tests.remember('planned', tests.create_downtime_reason(tests.recall('a'), 'pm', true, false));
SELECT tests.remember('breakdown', tests.create_downtime_reason(tests.recall('a'), 'breakdown', false, true));
SELECT tests.remember('waiting', tests.create_downtime_reason(tests.recall('a'), 'no-material', false, false));

-- Loss categories: the default follows the breakdown flag; a breakdown is always a breakdown.
SELECT is((SELECT array_agg(loss_category ORDER BY code) FROM app.downtime_reasons WHERE organization_id = tests.recall('a')),
  ARRAY['breakdown', 'other', 'other'], 'a reason''s loss category defaults to breakdown for a breakdown, other otherwise');
SELECT tests.act_as(tests.recall('admin'), tests.recall('a'));
INSERT INTO app.downtime_reasons (organization_id, code, name, is_planned, loss_category)
VALUES (tests.recall('a'), 'changeover', 'Changeover', true, 'setup');
SELECT is(tests.refusal($$INSERT INTO app.downtime_reasons (organization_id, code, name, is_breakdown, loss_category)
                          VALUES (tests.recall('a'), 'x', 'X', true, 'setup')$$), 'PT422 downtime_reason.loss_category',
  'a breakdown reason cannot be in another loss category');

-- The ideal cycle time: 60 s a piece of the part on the lathe and the mill.
INSERT INTO app.ideal_cycle_times (organization_id, equipment_id, part_id, cycle_seconds)
VALUES (tests.recall('a'), tests.recall('lathe'), tests.recall('part'), 60), (tests.recall('a'), tests.recall('mill'), tests.recall('part'), 60);
SELECT is(tests.refusal($$INSERT INTO app.ideal_cycle_times (organization_id, equipment_id, part_id, cycle_seconds)
                          VALUES (tests.recall('a'), tests.recall('lathe'), tests.recall('part'), 0)$$), '23514',
  'an ideal cycle time is more than 0 seconds');
SELECT tests.remember('other_part', tests.create_part(tests.recall('a')));
SELECT is(tests.refusal(format($$INSERT INTO app.ideal_cycle_times (organization_id, equipment_id, part_id, part_revision_id, cycle_seconds)
                                 VALUES (%L, %L, %L, (SELECT id FROM app.part_revisions WHERE part_id = %L), 50)$$,
                               tests.recall('a'), tests.recall('lathe'), tests.recall('part'), tests.recall('other_part'))),
  'PT422 part_revision.other_part', 'an ideal cycle time names a revision of its own part');
SELECT tests.remember('planner_a', tests.create_member(tests.recall('a'), 'maintenance_planner', tests.recall('site_a')));
SELECT tests.act_as(tests.recall('planner_a'), tests.recall('a'));
SELECT is(tests.refusal($$INSERT INTO app.ideal_cycle_times (organization_id, equipment_id, part_id, cycle_seconds)
                          VALUES (tests.recall('a'), tests.recall('press_b'), tests.recall('part'), 45)$$),
  'PT404 equipment.not_found', 'a planner of one plant sets no cycle time on another plant''s machine');
SELECT tests.act_as(tests.recall('admin'), tests.recall('a'));

-- A run of 8 h (08:00-16:00, two days ago), recorded by a production member of the plant:
-- 300 made, 270 good, 10 startup rejects (20 production rejects).
SELECT tests.act_as(tests.recall('prod_a'), tests.recall('a'));
INSERT INTO app.production_runs (organization_id, equipment_id, part_id, scheduled_start, scheduled_end, total_count, good_count, startup_rejects)
VALUES (tests.recall('a'), tests.recall('lathe'), tests.recall('part'), date_trunc('day', now()) - interval '2 days' + interval '8 hours',
        date_trunc('day', now()) - interval '2 days' + interval '16 hours', 300, 270, 10);
SELECT is((SELECT (site_id = tests.recall('site_a') AND recorded_by = tests.id_of_user(tests.email_of(tests.recall('prod_a'))))
             FROM app.production_runs WHERE equipment_id = tests.recall('lathe')), true,
  'a run is at its machine''s plant, recorded by the member');
SELECT tests.remember('run', (SELECT id FROM app.production_runs WHERE equipment_id = tests.recall('lathe')));
SELECT is(tests.refusal($$INSERT INTO app.production_runs (organization_id, equipment_id, part_id, scheduled_start, scheduled_end, total_count, good_count)
                          VALUES (tests.recall('a'), tests.recall('lathe'), tests.recall('part'), now() - interval '3 days', now() - interval '2 days', 1, 1)$$),
  'PT409 production_run.overlap', 'runs of one machine never overlap');
SELECT is(tests.refusal($$INSERT INTO app.production_runs (organization_id, equipment_id, part_id, scheduled_start, scheduled_end, total_count, good_count)
                          VALUES (tests.recall('a'), tests.recall('mill'), tests.recall('part'), now() - interval '1 hour', now(), 5, 6)$$),
  'PT422 production_run.counts_invalid', 'good is at most the total');
SELECT is(tests.refusal($$UPDATE app.production_runs SET startup_rejects = 31 WHERE id = tests.recall('run')$$),
  'PT422 production_run.counts_invalid', 'startup rejects are at most the rejects');
SELECT is(tests.refusal($$INSERT INTO app.production_runs (organization_id, equipment_id, part_id, scheduled_start, scheduled_end, total_count, good_count)
                          VALUES (tests.recall('a'), tests.recall('mill'), tests.recall('part'), now() + interval '1 day', now() + interval '2 days', 5, 5)$$),
  'PT422 production_run.counts_before_start', 'a run that has not started has no counts');
-- The part's first revision is replaced; a draft waits.
SELECT tests.act_as_owner();
SELECT tests.remember('rev_a', (SELECT id FROM app.part_revisions WHERE part_id = tests.recall('part')::uuid AND status = 'released'));
INSERT INTO app.part_revisions (organization_id, part_id, revision) VALUES (tests.recall('a')::uuid, tests.recall('part')::uuid, 'B'), (tests.recall('a')::uuid, tests.recall('part')::uuid, 'C');
UPDATE app.part_revisions SET status = 'obsolete', obsoleted_at = now() - interval '1 day' WHERE id = tests.recall('rev_a')::uuid;
UPDATE app.part_revisions SET status = 'released', released_at = now() - interval '1 day' WHERE part_id = tests.recall('part')::uuid AND revision = 'B';
SELECT tests.remember('rev_c', (SELECT id FROM app.part_revisions WHERE part_id = tests.recall('part')::uuid AND revision = 'C'));
SELECT tests.act_as(tests.recall('prod_a'), tests.recall('a'));
SELECT is(tests.refusal($$INSERT INTO app.production_runs (organization_id, equipment_id, part_id, part_revision_id, scheduled_start, scheduled_end)
                          VALUES (tests.recall('a'), tests.recall('mill'), tests.recall('part'), tests.recall('rev_a'), now() + interval '1 day', now() + interval '2 days')$$),
  'PT409 part_revision.not_released', 'a run does not make a revision replaced before it starts');
SELECT is(tests.refusal($$INSERT INTO app.production_runs (organization_id, equipment_id, part_id, part_revision_id, scheduled_start, scheduled_end)
                          VALUES (tests.recall('a'), tests.recall('mill'), tests.recall('part'), tests.recall('rev_c'), now() + interval '1 day', now() + interval '2 days')$$),
  'PT409 part_revision.not_released', 'nor a draft');
SELECT is(tests.refusal($$INSERT INTO app.production_runs (organization_id, equipment_id, part_id, part_revision_id, scheduled_start, scheduled_end, total_count, good_count)
                          VALUES (tests.recall('a'), tests.recall('mill'), tests.recall('part'), tests.recall('rev_a'), now() - interval '3 days', now() - interval '2 days' - interval '20 hours', 10, 10)$$),
  'no error', 'a run that started while the revision was released records it');
SELECT is(tests.refusal($$INSERT INTO app.production_runs (organization_id, equipment_id, part_id, scheduled_start, scheduled_end)
                          VALUES (tests.recall('a'), tests.recall('press_b'), tests.recall('part'), now() - interval '1 hour', now())$$),
  'PT404 equipment.not_found', 'a member of one plant records no run on another plant''s machine');

-- The stops (as the owner): planned maintenance 10:00-10:30; a changeover (setup, planned) 08:00-08:20;
-- breakdowns 11:00-11:45 and 15:50-16:10 (10 min in the run); waiting 13:00-13:03 (a small stop) and
-- 14:00-14:12 (another stop); waiting 15:00-15:30 outside the production schedule.
SELECT tests.act_as_owner();
INSERT INTO app.downtime_events (organization_id, equipment_id, started_at, ended_at, reason_id, in_production_schedule)
SELECT tests.recall('a'), tests.recall('lathe'), date_trunc('day', now()) - interval '2 days' + s.from_t, date_trunc('day', now()) - interval '2 days' + s.to_t,
       r.id, s.in_schedule
  FROM (VALUES (interval '10:00', interval '10:30', 'pm', true), (interval '08:00', interval '08:20', 'changeover', true),
               (interval '11:00', interval '11:45', 'breakdown', true), (interval '15:50', interval '16:10', 'breakdown', true),
               (interval '13:00', interval '13:03', 'no-material', true), (interval '14:00', interval '14:12', 'no-material', true),
               (interval '15:00', interval '15:30', 'no-material', false)) AS s (from_t, to_t, code, in_schedule)
  JOIN app.downtime_reasons AS r ON r.organization_id = tests.recall('a') AND r.code = s.code;

-- By hand: window 480 min; planned production = 480 - 30 (maintenance) - 30 (outside the schedule) = 420;
-- run = 420 - 55 (breakdowns) - 20 (setup) - 3 (small) - 12 (other) = 330; net = 300 x 1 min = 300;
-- A = 330/420 = 78.57 %, P = 300/330 = 90.91 %, Q = 270/300 = 90 %, OEE = 270/420 = 64.29 %;
-- reduced speed = 330 - 300 = 30 min; startup rejects 10 min, production rejects 20 min.
SELECT tests.act_as(tests.recall('prod_a'), tests.recall('a'));
SELECT is((SELECT (planned_stop_hours, planned_production_hours, run_hours, net_run_hours, fully_productive_hours)::text
             FROM app.production_run_oee(tests.recall('run'))), '(1.0000,7.0000,5.5000,5.0000,4.5000)',
  'planned production time leaves out planned stops and stops outside the schedule; run time leaves out the unplanned stops');
SELECT is((SELECT (availability_percent, performance_percent, quality_percent, oee_percent)::text
             FROM app.production_run_oee(tests.recall('run'))), '(78.57,90.91,90.00,64.29)',
  'availability, performance, quality and OEE as computed by hand');
SELECT is((SELECT (breakdown_hours, setup_hours, small_stop_hours, other_stop_hours, reduced_speed_hours, startup_reject_hours, production_reject_hours)::text
             FROM app.production_run_oee(tests.recall('run'))), '(0.9167,0.3333,0.0500,0.2000,0.5000,0.1667,0.3333)',
  'the six big losses in hours: breakdowns (one clipped to the run), setup, small stops, reduced speed, startup and production rejects');
SELECT is((SELECT performance_over_100 FROM app.production_run_oee(tests.recall('run'))), false, 'a plausible run is not flagged');

-- Availability loss by downtime reason: the same stops, each under its reason and its big loss
-- (55 + 20 + 12 + 3 = 90 min of 420 = 21.43 % = 100 - 78.57); planned maintenance and the stop
-- outside the schedule are no loss.
SELECT results_eq(
  format($$SELECT reason_code, loss, stops, loss_hours, availability_loss_percent
             FROM app.equipment_availability_losses(%L, now() - interval '7 days', now())$$, tests.recall('lathe')),
  $$VALUES ('breakdown', 'breakdown', 2, 0.9167, 13.10), ('changeover', 'setup', 1, 0.3333, 4.76),
           ('no-material', 'other_stop', 1, 0.2000, 2.86), ('no-material', 'small_stop', 1, 0.0500, 0.71)$$,
  'availability loss by downtime reason, largest first, keeping the six-big-loss category (one reason in two categories)');
SELECT is((SELECT sum(availability_loss_percent) FROM app.equipment_availability_losses(tests.recall('lathe'), now() - interval '7 days', now())),
          100 - (SELECT availability_percent FROM app.production_run_oee(tests.recall('run'))),
  'the reasons'' shares add up to the availability loss');
SELECT is(tests.refusal(format($$SELECT * FROM app.equipment_availability_losses(%L, now(), now() - interval '1 day')$$, tests.recall('lathe'))),
  'PT422 oee.period_invalid', 'the period ends after it starts');

-- The threshold is a tenant setting: at 2 minutes the 3-minute stop is another stop.
SELECT tests.act_as_owner();
INSERT INTO app.tenant_settings (organization_id, setting_key, value) VALUES (tests.recall('a'), 'oee_small_stop_minutes', '2');
SELECT tests.act_as(tests.recall('prod_a'), tests.recall('a'));
SELECT is((SELECT (small_stop_hours, other_stop_hours, oee_percent)::text FROM app.production_run_oee(tests.recall('run'))), '(0.0000,0.2500,64.29)',
  'stops shorter than oee_small_stop_minutes are small stops');
SELECT tests.act_as_owner();
DELETE FROM app.tenant_settings WHERE organization_id = tests.recall('a') AND setting_key = 'oee_small_stop_minutes';

-- A run faster than its ideal cycle time: performance is not capped, it is flagged.
SELECT tests.act_as(tests.recall('prod_a'), tests.recall('a'));
INSERT INTO app.production_runs (organization_id, equipment_id, part_id, scheduled_start, scheduled_end, total_count, good_count)
VALUES (tests.recall('a'), tests.recall('mill'), tests.recall('part'), date_trunc('day', now()) - interval '2 days' + interval '17 hours',
        date_trunc('day', now()) - interval '2 days' + interval '18 hours', 100, 100);
SELECT is((SELECT (o.performance_percent, o.performance_over_100)::text FROM app.production_runs AS r, app.production_run_oee(r.id) AS o
            WHERE r.equipment_id = tests.recall('mill')), '(166.67,t)', 'performance over 100 % is shown and flagged');
SELECT is((SELECT (runs, total_count, good_count, planned_production_hours, oee_percent)::text
             FROM app.equipment_oee(tests.recall('lathe'), now() - interval '7 days', now())), '(1,300,270,7.0000,64.29)',
  'OEE of a machine over a period sums its runs');

-- OTD: one shipment on its promised date, one a day late; scrap: 20 pieces of the run's month scrapped;
-- aging: an NCR raised today, one 40 days ago, a CAPA 100 days ago.
SELECT tests.act_as_owner();
INSERT INTO app.shipments (organization_id, id, shipment_number, customer_id, site_id, status, promised_date, shipped_at)
VALUES (tests.recall('a'), public.uuid_generate_v7(), 'SHP-T-1', tests.recall('customer'), tests.recall('site_a'), 'shipped', (now() - interval '2 days')::date, now() - interval '2 days'),
       (tests.recall('a'), public.uuid_generate_v7(), 'SHP-T-2', tests.recall('customer'), tests.recall('site_a'), 'shipped', (now() - interval '3 days')::date, now() - interval '2 days'),
       -- Overdue and not shipped: late. Promised tomorrow and not shipped: not yet due. Cancelled: left out.
       (tests.recall('a'), public.uuid_generate_v7(), 'SHP-T-3', tests.recall('customer'), tests.recall('site_a'), 'packed', (now() - interval '2 days')::date, NULL),
       (tests.recall('a'), public.uuid_generate_v7(), 'SHP-T-4', tests.recall('customer'), tests.recall('site_a'), 'draft', (now() + interval '1 day')::date, NULL),
       (tests.recall('a'), public.uuid_generate_v7(), 'SHP-T-5', tests.recall('customer'), tests.recall('site_a'), 'cancelled', (now() - interval '5 days')::date, NULL);
INSERT INTO app.ncrs (organization_id, id, ncr_number, title, description, site_id, part_id, nonconforming_quantity, unit, status, created_at)
VALUES (tests.recall('a'), public.uuid_generate_v7(), 'NCR-2026-900001', 'Chatter', 'Chatter marks', tests.recall('site_a'), tests.recall('part'), 20, 'pcs', 'disposition', now()),
       (tests.recall('a'), public.uuid_generate_v7(), 'NCR-2026-900002', 'Burr', 'Burr on edge', tests.recall('site_a'), tests.recall('part'), 5, 'pcs', 'open', now() - interval '40 days');
INSERT INTO app.ncr_dispositions (organization_id, id, ncr_id, disposition, quantity, unit, approved_at)
SELECT tests.recall('a'), public.uuid_generate_v7(), n.id, 'scrap', 20, 'pcs', date_trunc('day', now()) - interval '2 days' FROM app.ncrs AS n WHERE n.ncr_number = 'NCR-2026-900001';
INSERT INTO app.capas (organization_id, title, problem_statement, site_id, created_at)
VALUES (tests.recall('a'), '8D chatter', 'Chatter marks', tests.recall('site_a'), now() - interval '100 days');
-- A run on a machine without an ideal cycle time.
INSERT INTO app.production_runs (organization_id, id, equipment_id, part_id, scheduled_start, scheduled_end, total_count, good_count)
SELECT tests.recall('a'), public.uuid_generate_v7(), tests.create_equipment(tests.recall('a'), tests.recall('class'), tests.recall('site_a'), NULL, 'Drill'),
       tests.recall('part'), date_trunc('day', now()) - interval '2 days' + interval '20 hours',
       date_trunc('day', now()) - interval '2 days' + interval '21 hours', 10, 10;
-- Scrap in other units (migration reporting/scrap_units), in a tenant of its own: a part counted in
-- dozens (a count unit a platform operator added), 2 dozen scrapped of 120 pieces made; a part kept in kg,
-- 5 kg and (an NCR raised while it was kept in g) 500 g scrapped of 100 pieces made.
INSERT INTO app.units (code, dimension, name, symbol, factor) VALUES ('test-dozen', 'count', 'dozen', 'dz', 12);
SELECT tests.remember('c', tests.create_tenant());
SELECT tests.remember('site_c', tests.create_site(tests.recall('c')));
SELECT tests.remember('c_admin', tests.create_member(tests.recall('c'), 'admin'));
SELECT tests.remember('saw', tests.create_equipment(tests.recall('c'), tests.create_equipment_class(tests.recall('c'), p_requires_calibration => false),
                                                    tests.recall('site_c'), NULL, 'Saw'));
SELECT tests.remember('dozen_part', tests.create_part(tests.recall('c'), 'test-dozen'));
SELECT tests.remember('kg_part', tests.create_part(tests.recall('c'), 'kg'));
INSERT INTO app.production_runs (organization_id, id, equipment_id, part_id, scheduled_start, scheduled_end, total_count, good_count)
VALUES (tests.recall('c'), public.uuid_generate_v7(), tests.recall('saw'), tests.recall('dozen_part'),
        date_trunc('day', now()) - interval '2 days' + interval '8 hours', date_trunc('day', now()) - interval '2 days' + interval '9 hours', 120, 120),
       (tests.recall('c'), public.uuid_generate_v7(), tests.recall('saw'), tests.recall('kg_part'),
        date_trunc('day', now()) - interval '2 days' + interval '10 hours', date_trunc('day', now()) - interval '2 days' + interval '11 hours', 100, 100);
INSERT INTO app.ncrs (organization_id, id, ncr_number, title, description, site_id, part_id, nonconforming_quantity, unit, status, created_at)
VALUES (tests.recall('c'), public.uuid_generate_v7(), 'NCR-2026-900101', 'Short', 'Cut short', tests.recall('site_c'), tests.recall('dozen_part'), 2, 'test-dozen', 'disposition', now()),
       (tests.recall('c'), public.uuid_generate_v7(), 'NCR-2026-900102', 'Rust', 'Rusty stock', tests.recall('site_c'), tests.recall('kg_part'), 5, 'kg', 'disposition', now()),
       (tests.recall('c'), public.uuid_generate_v7(), 'NCR-2026-900103', 'Rust', 'Rusty stock', tests.recall('site_c'), tests.recall('kg_part'), 500, 'g', 'disposition', now());
INSERT INTO app.ncr_dispositions (organization_id, id, ncr_id, disposition, quantity, unit, approved_at)
SELECT n.organization_id, public.uuid_generate_v7(), n.id, 'scrap', n.nonconforming_quantity, n.unit, date_trunc('day', now()) - interval '2 days'
  FROM app.ncrs AS n WHERE n.organization_id = tests.recall('c');
SELECT is(app_private.refresh_kpis() >= 5, true, 'the KPI job refreshes the production KPI views with the others');

SELECT tests.act_as(tests.recall('admin'), tests.recall('a'));
SELECT is((SELECT (runs, availability_percent, performance_percent, quality_percent, oee_percent, breakdown_hours, reduced_speed_hours)::text
             FROM app.production_kpi_oee WHERE equipment_id = tests.recall('lathe')), '(1,78.57,90.91,90.00,64.29,0.9167,0.5000)',
  'the OEE view holds the run''s figures for its machine, part and day');
SELECT is((SELECT array_agg((reason_code, loss, stops, loss_hours, availability_loss_percent)::text ORDER BY loss_hours DESC, loss)
             FROM app.production_kpi_availability_losses WHERE equipment_id = tests.recall('lathe')),
  ARRAY['(breakdown,breakdown,2,0.9167,13.10)', '(changeover,setup,1,0.3333,4.76)', '(no-material,other_stop,1,0.2000,2.86)',
        '(no-material,small_stop,1,0.0500,0.71)'],
  'the availability loss view holds the same split per machine, part, day and reason');
SELECT is((SELECT performance_over_100 FROM app.production_kpi_oee WHERE equipment_id = tests.recall('mill')), true,
  'the OEE view flags the machine and day with performance over 100 %');
SELECT is((SELECT (quality_percent, performance_percent, oee_percent, ideal_cycle_time_missing)::text FROM app.production_kpi_oee
            WHERE equipment_id NOT IN (tests.recall('lathe'), tests.recall('mill'))), '(100.00,,,t)',
  'without an ideal cycle time there is no performance or OEE, and the view says why');
SELECT is((SELECT (sum(shipments), sum(on_time), sum(late_unshipped), round(100.0 * sum(on_time) / sum(shipments), 2))::text
             FROM app.production_kpi_otd WHERE customer_id = tests.recall('customer')), '(3,1,1,33.33)',
  'OTD: shipped on or before the promised date over shipments due, an overdue one not shipped counted late');
SELECT is((SELECT (produced, scrapped, run_rejects, scrap_percent)::text FROM app.production_kpi_scrap WHERE part_id = tests.recall('part')), '(410,20,30,12.20)',
  'scrap rate: MRB scrap (20) and the runs'' rejects (300 - 270) over pieces made (410)');
SELECT tests.act_as(tests.recall('c_admin'), tests.recall('c'));
SELECT is((SELECT (produced, scrapped, scrap_percent, scrap_unconverted, scrap_unconverted_quantity, unit)::text
             FROM app.production_kpi_scrap WHERE part_id = tests.recall('dozen_part')), '(120,24,20.00,0,,test-dozen)',
  'scrap rate: MRB scrap in dozens is converted to pieces (2 dozen = 24 of 120 made), not added as 2');
SELECT is((SELECT (produced, scrapped, scrap_percent, scrap_unconverted, scrap_unconverted_quantity, unit)::text
             FROM app.production_kpi_scrap WHERE part_id = tests.recall('kg_part')), '(100,0,0.00,2,5.5,kg)',
  'scrap rate: MRB scrap in kg and g has no conversion to pieces: left out of the rate, counted apart (2 dispositions, 5.5 kg)');
SELECT tests.act_as(tests.recall('admin'), tests.recall('a'));
SELECT is((SELECT array_agg((kind, open_count, days_0_to_7, days_8_to_30, days_31_to_90, over_90_days)::text ORDER BY kind)
             FROM app.production_kpi_aging WHERE site_id = tests.recall('site_a')), ARRAY['(capa,1,0,0,0,1)', '(ncr,2,1,0,1,0)'],
  'NCR and 8D aging in buckets of days open');
SELECT is((SELECT coalesce(sum(inspections), 0)::int FROM app.production_kpi_fpy),
          (SELECT coalesce(sum(inspections), 0)::int FROM app.inspection_fpy WHERE kind <> 'receiving'),
  'FPY counts what inspection_fpy counts');

-- Isolation: another plant, a portal user, another tenant.
SELECT tests.act_as(tests.recall('tech_b'), tests.recall('a'));
SELECT is((SELECT count(*)::int FROM app.production_kpi_oee) + (SELECT count(*)::int FROM app.production_kpi_aging)
          + (SELECT count(*)::int FROM app.production_runs) + (SELECT count(*)::int FROM app.ideal_cycle_times), 0,
  'a technician scoped to another plant sees none of this plant''s runs, OEE or aging');
SELECT is((SELECT count(*)::int FROM app.production_kpi_availability_losses), 0, 'nor its availability losses');
SELECT is(tests.refusal($$SELECT * FROM app.production_run_oee(tests.recall('run'))$$), 'PT404 production_run.not_found',
  'nor the OEE of its runs');
SELECT is(tests.refusal($$SELECT * FROM app.equipment_availability_losses(tests.recall('lathe'), now() - interval '7 days', now())$$),
  'PT404 equipment.not_found', 'nor the losses of its machines');
SELECT tests.act_as(tests.recall('portal'), tests.recall('a'));
SELECT is((SELECT count(*)::int FROM app.production_kpi_oee) + (SELECT count(*)::int FROM app.production_kpi_otd)
          + (SELECT count(*)::int FROM app.production_kpi_scrap) + (SELECT count(*)::int FROM app.production_kpi_aging)
          + (SELECT count(*)::int FROM app.production_kpi_availability_losses), 0,
  'portal users see no production KPIs');
SELECT tests.act_as(tests.recall('b_admin'), tests.recall('b'));
SELECT is((SELECT count(*)::int FROM app.production_kpi_oee) + (SELECT count(*)::int FROM app.production_kpi_otd)
          + (SELECT count(*)::int FROM app.production_kpi_scrap) + (SELECT count(*)::int FROM app.production_kpi_aging)
          + (SELECT count(*)::int FROM app.production_runs) + (SELECT count(*)::int FROM app.production_kpi_availability_losses), 0,
  'another tenant sees none of them');

SELECT * FROM finish();
ROLLBACK;
