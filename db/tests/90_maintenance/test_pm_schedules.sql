-- Preventive schedules: the RRULE subset parsed and expanded (and refused
-- with its own reasons), schedules kept by planners at their plant and read
-- plant-scoped, generation fixed and floating, by calendar, by meter and
-- whichever comes first, idempotent, never a second work order while one is
-- open (also by the unique index a racing generator meets), a floating
-- schedule restarting at completion, the forecast and the compliance views;
-- as a planner, plant-scoped technicians and another tenant.
BEGIN;
SELECT plan(56);

SELECT tests.remember('t', tests.create_tenant());
SELECT tests.remember('other', tests.create_tenant());
SELECT tests.remember('plant_a', tests.create_site(tests.recall('t')));
SELECT tests.remember('plant_b', tests.create_site(tests.recall('t')));
SELECT tests.remember('class', tests.create_equipment_class(tests.recall('t'), p_requires_calibration => false));
SELECT tests.remember('pump', tests.create_equipment(tests.recall('t'), tests.recall('class'), tests.recall('plant_a'), NULL, 'Pump 1'));
SELECT tests.remember('fan', tests.create_equipment(tests.recall('t'), tests.recall('class'), tests.recall('plant_a'), NULL, 'Fan 2'));
SELECT tests.remember('mill', tests.create_equipment(tests.recall('t'), tests.recall('class'), tests.recall('plant_b'), NULL, 'Mill 3'));
SELECT tests.remember('planner', tests.create_member(tests.recall('t'), 'maintenance_planner'));
SELECT tests.remember('tech', tests.create_member(tests.recall('t'), 'technician', tests.recall('plant_a')));
SELECT tests.remember('tech_b', tests.create_member(tests.recall('t'), 'technician', tests.recall('plant_b')));
SELECT tests.remember('stranger', tests.create_member(tests.recall('other'), 'maintenance_planner'));
CREATE FUNCTION pg_temp.as_(p_user text) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  v_slug text;
BEGIN
  PERFORM tests.act_as_owner();
  SELECT o.slug INTO v_slug FROM app.organizations AS o JOIN app.memberships AS m ON m.organization_id = o.id
   WHERE m.user_id = tests.recall(p_user)::uuid;
  PERFORM tests.act_as(tests.email_of(tests.recall(p_user)), v_slug);
END
$$;
GRANT EXECUTE ON FUNCTION pg_temp.as_(text) TO PUBLIC;
CREATE FUNCTION pg_temp.today() RETURNS date LANGUAGE sql STABLE AS $$ SELECT (now() AT TIME ZONE 'UTC')::date $$;
GRANT EXECUTE ON FUNCTION pg_temp.today() TO PUBLIC;
CREATE FUNCTION pg_temp.occ(p_rule text, p_start date, p_from date, p_to date) RETURNS text LANGUAGE sql AS $$
  SELECT string_agg(o::text, ' ' ORDER BY o) FROM app_private.parse_pm_rrule(p_rule) AS r,
         app_private.pm_occurrences(r.freq, r.rule_interval, r.byday, r.bymonthday, r.rule_count, r.until, p_start, p_from, p_to) AS o
$$;

-- The RRULE subset.
SELECT is(pg_temp.occ('FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,FR', '2026-01-07', '2026-01-01', '2026-02-10'),
  '2026-01-09 2026-01-19 2026-01-23 2026-02-02 2026-02-06', 'WEEKLY: every other week from the anchor''s Monday, none before the anchor');
SELECT is(pg_temp.occ('FREQ=MONTHLY;BYDAY=1MO,-1FR', '2026-01-01', '2026-01-01', '2026-02-28'),
  '2026-01-05 2026-01-30 2026-02-02 2026-02-27', 'MONTHLY with ordinals: the first Monday and the last Friday');
SELECT is(pg_temp.occ('FREQ=MONTHLY;BYMONTHDAY=31', '2026-01-01', '2026-01-01', '2026-06-30'),
  '2026-01-31 2026-03-31 2026-05-31', 'BYMONTHDAY=31 skips the months without a 31st');
SELECT is(pg_temp.occ('FREQ=MONTHLY;BYMONTHDAY=-1;COUNT=3', '2026-01-01', '2026-01-01', '2027-12-31'),
  '2026-01-31 2026-02-28 2026-03-31', 'the last day of the month, COUNT=3 counted from the anchor');
SELECT is(pg_temp.occ('FREQ=MONTHLY;INTERVAL=3', '2025-01-31', '2026-01-01', '2026-12-31'),
  '2026-01-31 2026-07-31 2026-10-31', 'without BYMONTHDAY: the anchor''s day, skipped where a month lacks it (30 April)');
SELECT is(pg_temp.occ('FREQ=YEARLY;UNTIL=20300101', '2024-02-29', '2024-01-01', '2035-12-31'),
  '2024-02-29 2028-02-29', 'YEARLY on 29 February falls in leap years, up to UNTIL');
SELECT is(pg_temp.occ('FREQ=DAILY;INTERVAL=3', '2026-01-01', '2026-03-01', '2026-03-08'),
  '2026-03-02 2026-03-05 2026-03-08', 'DAILY every 3 days from the anchor, expanded only near the window');
SELECT is(pg_temp.occ('RRULE:freq=daily;byday=SA,SU', '2026-01-01', '2026-01-01', '2026-01-11'),
  '2026-01-03 2026-01-04 2026-01-10 2026-01-11', 'DAILY with BYDAY filters the days; RRULE: prefix and lower case accepted');
SELECT is(tests.refusal($$SELECT app_private.parse_pm_rrule('FREQ=HOURLY')$$), 'PT422 pm_schedule.rrule_freq_unsupported', 'FREQ=HOURLY is refused');
SELECT is(tests.refusal($$SELECT app_private.parse_pm_rrule('FREQ=MONTHLY;BYSETPOS=1')$$), 'PT422 pm_schedule.rrule_part_unsupported', 'BYSETPOS is not in the subset');
SELECT is(tests.refusal($$SELECT app_private.parse_pm_rrule('FREQ=DAILY;INTERVAL=0')$$), 'PT422 pm_schedule.rrule_invalid', 'INTERVAL=0 is refused');
SELECT is(tests.refusal($$SELECT app_private.parse_pm_rrule('FREQ=DAILY;COUNT=3;UNTIL=20270101')$$), 'PT422 pm_schedule.rrule_invalid', 'COUNT with UNTIL is refused');
SELECT is(tests.refusal($$SELECT app_private.parse_pm_rrule('FREQ=WEEKLY;BYDAY=1MO')$$), 'PT422 pm_schedule.rrule_invalid', 'an ordinal BYDAY outside MONTHLY is refused');
SELECT is(tests.refusal($$SELECT app_private.parse_pm_rrule('FREQ=MONTHLY;BYMONTHDAY=32')$$), 'PT422 pm_schedule.rrule_invalid', 'BYMONTHDAY=32 is refused');
SELECT is(tests.refusal($$SELECT app_private.parse_pm_rrule('INTERVAL=2')$$), 'PT422 pm_schedule.rrule_invalid', 'FREQ is required');

-- Schedules: planners at the asset's plant; technicians do not.
SELECT pg_temp.as_('planner');
SELECT tests.remember('tpl', (app.define_work_order_template('lube', 'Lubricate', 'preventive', 'Grease the bearings', NULL, 1.5)).id);
SELECT tests.remember('insp', (app.define_work_order_template('look', 'Look at it', 'inspection')).id);
INSERT INTO app.meters (equipment_id, name, unit) VALUES (tests.recall('pump')::uuid, 'Run hours', 'h'), (tests.recall('fan')::uuid, 'Run hours', 'h');
SELECT tests.remember('pump_h', (SELECT id FROM app.meters WHERE equipment_id = tests.recall('pump')::uuid));
SELECT tests.remember('fan_h', (SELECT id FROM app.meters WHERE equipment_id = tests.recall('fan')::uuid));
INSERT INTO app.meter_readings (meter_id, read_at, value) VALUES (tests.recall('pump_h')::uuid, now() - interval '3 days', 100),
                                                                 (tests.recall('fan_h')::uuid, now() - interval '3 days', 0);
SELECT is(tests.refusal(format($$SELECT app.define_pm_schedule(%L, %L, 'x', 'FREQ=DAILY')$$, tests.recall('pump'), tests.recall('insp'))),
  'PT404 work_order_template.not_found', 'a schedule needs a preventive template');
SELECT is(tests.refusal(format($$SELECT app.define_pm_schedule(%L, %L, 'x')$$, tests.recall('pump'), tests.recall('tpl'))),
  'PT422 pm_schedule.trigger_missing', 'a schedule needs a calendar rule or a meter');
SELECT is(tests.refusal(format($$SELECT app.define_pm_schedule(%L, %L, 'x', meter_id => %L, meter_interval => 10)$$, tests.recall('pump'), tests.recall('tpl'), tests.recall('fan_h'))),
  'PT404 meter.not_found', 'the meter is one of the asset''s');
SELECT is(tests.refusal(format($$SELECT app.define_pm_schedule(%L, %L, 'x', meter_id => %L, meter_interval => 10, meter_lead => 10)$$, tests.recall('pump'), tests.recall('tpl'), tests.recall('pump_h'))),
  'PT422 pm_schedule.meter_interval_invalid', 'the meter lead stays below the interval');
SELECT is(tests.refusal(format($$SELECT app.define_pm_schedule(%L, %L, 'x', 'FREQ=DAILY;COUNT=3', mode => 'floating')$$, tests.recall('pump'), tests.recall('tpl'))),
  'PT422 pm_schedule.count_floating', 'COUNT does not go with a floating schedule');
SELECT is(tests.refusal(format($$SELECT app.define_pm_schedule(%L, %L, 'x', 'FREQ=DAILY', every => 2, unit => 'week')$$, tests.recall('pump'), tests.recall('tpl'))),
  'PT422 pm_schedule.calendar_ambiguous', 'rrule or every, not both');

-- Fixed monthly, 14 lead days, first due in 9 days.
SELECT tests.remember('fixed', (app.define_pm_schedule(tests.recall('pump'), tests.recall('tpl'), 'Monthly lube', every => 1, unit => 'month',
                                                       anchor_date => pg_temp.today() + 9, lead_days => 14)).id);
SELECT is((SELECT (rrule, next_due_date, site_id::text) FROM app.pm_schedules WHERE id = tests.recall('fixed')::uuid),
  ('FREQ=MONTHLY;INTERVAL=1'::text, pg_temp.today() + 9, tests.recall('plant_a')::text), 'every 1 month is FREQ=MONTHLY;INTERVAL=1, due at the anchor, at the asset''s plant');
-- Floating every 10 days, first due 10 days ago.
SELECT tests.remember('floating', (app.define_pm_schedule(tests.recall('pump'), tests.recall('tpl'), 'Filter check', 'FREQ=DAILY;INTERVAL=10', mode => 'floating',
                                                          anchor_date => pg_temp.today() - 10)).id);
-- Fixed by meter: every 500 h, 50 h early.
SELECT tests.remember('meter', (app.define_pm_schedule(tests.recall('pump'), tests.recall('tpl'), 'Overhaul', meter_id => tests.recall('pump_h'),
                                                       meter_interval => 500, meter_lead => 50)).id);
SELECT is((SELECT next_due_usage FROM app.pm_schedules WHERE id = tests.recall('meter')::uuid), 500::numeric, 'the first meter point is the usage now plus the interval');
-- Whichever first: yearly from next month, or every 100 h.
SELECT tests.remember('either', (app.define_pm_schedule(tests.recall('fan'), tests.recall('tpl'), 'Belt', 'FREQ=YEARLY', meter_id => tests.recall('fan_h'),
                                                        meter_interval => 100, anchor_date => pg_temp.today() + 40)).id);
SELECT tests.remember('mill_pm', (app.define_pm_schedule(tests.recall('mill'), tests.recall('tpl'), 'Weekly look', 'FREQ=WEEKLY', anchor_date => pg_temp.today() + 2)).id);

SELECT pg_temp.as_('tech');
SELECT is(tests.refusal(format($$SELECT app.define_pm_schedule(%L, %L, 'x', 'FREQ=DAILY')$$, tests.recall('pump'), tests.recall('tpl'))),
  'PT403 permission.missing', 'a technician does not keep schedules');
SELECT is((SELECT count(*)::integer FROM app.pm_schedules), 4, 'a plant-A technician reads plant A''s schedules only');
SELECT is(tests.refusal('SELECT app.generate_pm_work_orders()'), 'PT403 permission.missing', 'a technician does not generate');
SELECT is(tests.refusal(format($$UPDATE app.pm_schedules SET is_active = false WHERE id = %L$$, tests.recall('fixed'))), '42501', 'schedules are written by RPCs only');
SELECT pg_temp.as_('tech_b');
SELECT is((SELECT array_agg(name) FROM app.pm_schedules), ARRAY['Weekly look'], 'a plant-B technician reads plant B''s');
SELECT pg_temp.as_('stranger');
SELECT is((SELECT count(*)::integer FROM app.pm_schedules), 0, 'another tenant reads none');
SELECT is((SELECT count(*)::integer FROM app.pm_forecast(current_date, current_date + 60)), 0, 'nor forecasts them');

-- Readings: the pump's meter 460 h past its start (due at 450), the fan's 150 h.
SELECT pg_temp.as_('planner');
INSERT INTO app.meter_readings (meter_id, read_at, value) VALUES (tests.recall('pump_h')::uuid, now() - interval '2 days', 400),
  (tests.recall('pump_h')::uuid, now() - interval '1 day', 560), (tests.recall('fan_h')::uuid, now() - interval '1 day', 150);
SELECT is((SELECT count(*)::integer FROM app.pm_forecast(pg_temp.today(), pg_temp.today() + 30) WHERE pm_schedule_id = tests.recall('fixed')::uuid),
  1, 'the forecast lists the fixed schedule''s coming occurrence');
SELECT is(tests.refusal('SELECT app.pm_forecast(current_date, current_date - 1)'), 'PT422 pm_forecast.range_invalid', 'a forecast range runs forward');
-- The maintenance calendar shows the forecast days: the tenant's and an asset's calendar, not a person's.
SELECT is((SELECT count(*)::integer FROM app.maintenance_calendar(now(), now() + interval '30 days')
            WHERE kind = 'pm' AND uid LIKE 'pm-' || tests.recall('fixed') || '-%' AND status = 'forecast' AND ends_at - starts_at = interval '1 day'),
  1, 'the calendar shows the fixed schedule''s coming day');
SELECT is((SELECT count(*)::integer FROM app.maintenance_calendar(now(), now() + interval '30 days', for_user => tests.recall('planner')::uuid)
            WHERE kind = 'pm'), 0, 'a person''s calendar leaves unassigned PM days out');
SELECT is((SELECT array_agg(DISTINCT equipment_id::text) FROM app.maintenance_calendar(now(), now() + interval '30 days', for_asset => tests.recall('mill')::uuid)
            WHERE kind = 'pm'), ARRAY[tests.recall('mill')::text], 'an asset''s calendar shows its own PM days');
SELECT pg_temp.as_('tech_b');
SELECT is((SELECT array_agg(DISTINCT equipment_id::text) FROM app.maintenance_calendar(now(), now() + interval '30 days') WHERE kind = 'pm'),
  ARRAY[tests.recall('mill')::text], 'a plant-B technician''s calendar shows plant B''s PM days only');
SELECT pg_temp.as_('planner');

-- The job's pass: the calendar within its lead, the overdue floating one, the meters within their lead; not the mill (due in 2 days, no lead).
SELECT tests.act_as_owner();
SELECT is(app_private.generate_pm_work_orders(now(), tests.recall('t')::uuid), 4, 'four schedules are due: fixed, floating, meter, whichever first');
SELECT is((SELECT string_agg(s.name || '=' || (w.pm_due_date - pg_temp.today()), ',' ORDER BY s.name)
             FROM app.work_orders AS w JOIN app.pm_schedules AS s ON s.id = w.pm_schedule_id),
  'Belt=0,Filter check=-10,Monthly lube=9,Overhaul=0', 'due: the calendar occurrence, else the day a meter triggered');
SELECT is((SELECT (work_type, status, title, description, estimated_hours, site_id::text)
             FROM app.work_orders WHERE pm_schedule_id = tests.recall('fixed')::uuid),
  ('preventive'::app.work_order_type, 'planned'::text, 'Monthly lube'::text, 'Grease the bearings'::text, 1.5::numeric, tests.recall('plant_a')::text),
  'a planned preventive work order from the template, at the asset''s plant');
SELECT is((SELECT upper(scheduled) - lower(scheduled) FROM app.work_orders WHERE pm_schedule_id = tests.recall('fixed')::uuid), interval '90 minutes',
  'the suggested window is as long as the estimate');
SELECT is((SELECT count(*)::integer FROM app.work_order_assets AS a JOIN app.work_orders AS w ON w.id = a.work_order_id WHERE w.pm_schedule_id IS NOT NULL AND a.is_primary),
  4, 'each has its primary asset');
SELECT is((SELECT (next_due_date - pg_temp.today(), next_due_usage) FROM app.pm_schedules WHERE id = tests.recall('either')::uuid),
  (365 + 40, 200::numeric), 'whichever first: the meter triggered, the pending yearly occurrence and meter point are both consumed');
SELECT is((SELECT next_due_usage FROM app.pm_schedules WHERE id = tests.recall('meter')::uuid), 1000::numeric, 'the fixed meter point moves by the interval');
SELECT is(app_private.generate_pm_work_orders(now(), tests.recall('t')::uuid), 0, 'a second run creates nothing');

-- A month on: every schedule still has its work order open.
SELECT is(app_private.generate_pm_work_orders(now() + interval '30 days', tests.recall('t')::uuid), 1, 'a month on only the mill''s weekly one is made: the others are open');
SELECT matches(tests.refusal(format($$INSERT INTO app.work_orders (organization_id, work_order_number, work_type, title, equipment_id, pm_schedule_id, pm_due_date)
                                 VALUES (%L, 'WO-999999', 'preventive', 'dup', %L, %L, current_date + 100)$$, tests.recall('t'), tests.recall('pump'), tests.recall('fixed'))),
  '^23505 Key \(organization_id, pm_schedule_id\)', 'a racing generator meets the unique index: one open work order per schedule');

-- Cancelled, the fixed schedule makes its next occurrence; completed, the floating one restarts from today.
SELECT pg_temp.as_('planner');
SELECT app.transition_work_order((SELECT id FROM app.work_orders WHERE pm_schedule_id = tests.recall('fixed')::uuid), 'cancelled', 'pump replaced');
SELECT app.schedule_work_order(id, tests.recall('tech'), now() - interval '2 hours', now() - interval '1 hour')
  FROM app.work_orders WHERE pm_schedule_id IN (tests.recall('floating')::uuid, tests.recall('meter')::uuid);
SELECT pg_temp.as_('tech');
SELECT app.transition_work_order(id, 'in_progress') FROM app.work_orders WHERE pm_schedule_id IN (tests.recall('floating')::uuid, tests.recall('meter')::uuid);
SELECT app.complete_work_order(id, tests.password(), 'done') FROM app.work_orders WHERE pm_schedule_id IN (tests.recall('floating')::uuid, tests.recall('meter')::uuid);
SELECT pg_temp.as_('planner');
SELECT is((SELECT (anchor_date - pg_temp.today(), next_due_date - pg_temp.today(), last_completed_at IS NOT NULL)
             FROM app.pm_schedules WHERE id = tests.recall('floating')::uuid),
  (0, 10, true), 'a completed floating schedule restarts: next due 10 days after the completion');
SELECT is((SELECT next_due_usage FROM app.pm_schedules WHERE id = tests.recall('meter')::uuid), 1000::numeric, 'a fixed one keeps its plan');
SELECT is((SELECT (due, completed, completed_on_time) FROM app.pm_schedule_compliance WHERE pm_schedule_id = tests.recall('floating')::uuid),
  (1, 1, 0), 'completed 10 days after the due date is late (window: 10 % of 10 days = 1 day)');
SELECT is((SELECT (due, completed, completed_on_time) FROM app.pm_schedule_compliance WHERE pm_schedule_id = tests.recall('meter')::uuid),
  (1, 1, 1), 'completed on the due day is on time');
SELECT is(app.generate_pm_work_orders(), 0, 'the planner''s run now makes nothing: completed work orders are still open until closed');
SELECT tests.act_as_owner();
SELECT is(app_private.generate_pm_work_orders(now() + interval '30 days', tests.recall('t')::uuid), 1, 'after the cancellation the fixed schedule''s next occurrence is made');
SELECT is((SELECT max(pm_due_date) - pg_temp.today() FROM app.work_orders WHERE pm_schedule_id = tests.recall('fixed')::uuid AND status = 'planned'),
  (pg_temp.today() + 9 + interval '1 month')::date - pg_temp.today(), 'its due date is the next monthly occurrence');
SELECT pg_temp.as_('planner');
SELECT app.set_pm_schedule_active(tests.recall('mill_pm'), false);
SELECT tests.act_as_owner();
SELECT is(app_private.generate_pm_work_orders(now() + interval '90 days', tests.recall('t')::uuid), 0, 'a paused schedule generates nothing');
-- Resuming a paused schedule checks it as defining it does: its template retired meanwhile, refused.
SELECT pg_temp.as_('planner');
SELECT app.define_work_order_template('lube', 'Lubricate', 'preventive', 'Grease the bearings', NULL, 1.5, is_active => false);
SELECT is(tests.refusal(format($$SELECT app.set_pm_schedule_active(%L, true)$$, tests.recall('mill_pm'))), 'PT404 work_order_template.not_found',
  'a paused schedule whose template was retired is not resumed');
SELECT app.define_work_order_template('lube', 'Lubricate', 'preventive', 'Grease the bearings', NULL, 1.5);
SELECT is((app.set_pm_schedule_active(tests.recall('mill_pm'), true)).is_active, true, 'with the template active again it resumes');

SELECT * FROM finish();
ROLLBACK;
