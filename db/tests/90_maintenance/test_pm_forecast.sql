-- The forecast of meter-only PM schedules: the next due points projected to
-- dates from the meter's average daily usage over the 90 days before its
-- latest reading, marked estimated; no dates with too few readings; a point
-- the estimate has passed is due today; calendar occurrences are not
-- estimated; the calendar titles the estimated days; another tenant sees
-- none. Known readings, so the dates are exact.
BEGIN;
SELECT plan(10);

SELECT tests.remember('t', tests.create_tenant());
SELECT tests.remember('other', tests.create_tenant());
SELECT tests.remember('plant', tests.create_site(tests.recall('t')));
SELECT tests.remember('class', tests.create_equipment_class(tests.recall('t'), p_requires_calibration => false));
SELECT tests.remember('pump', tests.create_equipment(tests.recall('t'), tests.recall('class'), tests.recall('plant'), NULL, 'Pump 1'));
SELECT tests.remember('fan', tests.create_equipment(tests.recall('t'), tests.recall('class'), tests.recall('plant'), NULL, 'Fan 2'));
SELECT tests.remember('press', tests.create_equipment(tests.recall('t'), tests.recall('class'), tests.recall('plant'), NULL, 'Press 3'));
SELECT tests.remember('saw', tests.create_equipment(tests.recall('t'), tests.recall('class'), tests.recall('plant'), NULL, 'Saw 4'));
SELECT tests.remember('planner', tests.create_member(tests.recall('t'), 'maintenance_planner'));
SELECT tests.remember('stranger', tests.create_member(tests.recall('other'), 'maintenance_planner'));
INSERT INTO app.meters (organization_id, id, equipment_id, name, unit)
SELECT tests.recall('t'), public.uuid_generate_v7(), e, 'Run hours', 'h'
  FROM unnest(ARRAY[tests.recall('pump'), tests.recall('fan'), tests.recall('press'), tests.recall('saw')]) e;
CREATE FUNCTION pg_temp.meter(p_equipment text) RETURNS uuid LANGUAGE sql STABLE AS $$
  SELECT id FROM app.meters WHERE equipment_id = tests.recall(p_equipment)::uuid
$$;
GRANT EXECUTE ON FUNCTION pg_temp.meter(text) TO PUBLIC;
-- The plant's today, as the forecast reads it.
SELECT set_config('tests.today', app_private.pm_local_date(tests.recall('t'), tests.recall('plant'), now())::text, true);
CREATE FUNCTION pg_temp.today() RETURNS date LANGUAGE sql STABLE AS $$ SELECT current_setting('tests.today')::date $$;
GRANT EXECUTE ON FUNCTION pg_temp.today() TO PUBLIC;

-- The pump: a heavy period 150 days ago (outside the window), then 10 h a day
-- from 60 days ago to the latest reading 10 days ago (6,000 -> 6,500 h).
-- The fan: one reading. The press: two readings 3 days apart. The saw: 90 h a
-- day until 90 days ago, never read since.
INSERT INTO app.meter_readings (organization_id, meter_id, read_at, value)
VALUES (tests.recall('t'), pg_temp.meter('pump'), now() - interval '200 days', 0),
       (tests.recall('t'), pg_temp.meter('pump'), now() - interval '150 days', 5000),
       (tests.recall('t'), pg_temp.meter('pump'), now() - interval '60 days', 6000),
       (tests.recall('t'), pg_temp.meter('pump'), now() - interval '30 days', 6300),
       (tests.recall('t'), pg_temp.meter('pump'), now() - interval '10 days', 6500),
       (tests.recall('t'), pg_temp.meter('fan'), now() - interval '10 days', 40),
       (tests.recall('t'), pg_temp.meter('press'), now() - interval '13 days', 100),
       (tests.recall('t'), pg_temp.meter('press'), now() - interval '10 days', 400),
       (tests.recall('t'), pg_temp.meter('saw'), now() - interval '100 days', 0),
       (tests.recall('t'), pg_temp.meter('saw'), now() - interval '90 days', 900);

SELECT tests.act_as(tests.recall('planner'), tests.recall('t'));
SELECT tests.remember('tpl', (app.define_work_order_template('service', 'Service', 'preventive', 'Service it', NULL, 2)).id);
-- Every 400 h, 50 h ahead: the pump's first point is 6,900 h.
SELECT tests.remember('pump_pm', (app.define_pm_schedule(tests.recall('pump'), tests.recall('tpl'), 'Overhaul', meter_id => pg_temp.meter('pump'),
                                                         meter_interval => 400, meter_lead => 50)).id);
SELECT tests.remember('fan_pm', (app.define_pm_schedule(tests.recall('fan'), tests.recall('tpl'), 'Belt', meter_id => pg_temp.meter('fan'),
                                                        meter_interval => 400)).id);
SELECT tests.remember('press_pm', (app.define_pm_schedule(tests.recall('press'), tests.recall('tpl'), 'Die check', meter_id => pg_temp.meter('press'),
                                                          meter_interval => 400)).id);
SELECT tests.remember('saw_pm', (app.define_pm_schedule(tests.recall('saw'), tests.recall('tpl'), 'Blade', meter_id => pg_temp.meter('saw'),
                                                        meter_interval => 100)).id);
SELECT tests.remember('weekly', (app.define_pm_schedule(tests.recall('fan'), tests.recall('tpl'), 'Look', 'FREQ=WEEKLY',
                                                        anchor_date => pg_temp.today() + 3)).id);

SELECT is((SELECT array_agg((due_date - pg_temp.today()) || '/' || (generate_on - pg_temp.today()) ORDER BY due_date)
             FROM app.pm_forecast(pg_temp.today(), pg_temp.today() + 100) WHERE pm_schedule_id = tests.recall('pump_pm')::uuid),
          ARRAY['30/25', '70/65'],
  'the pump at 10 h a day: 6,900 h forty days after its latest reading (in 30 days, generated 5 days earlier at 6,850 h), then every 40 days');
SELECT ok((SELECT bool_and(estimated) FROM app.pm_forecast(pg_temp.today(), pg_temp.today() + 100) WHERE pm_schedule_id = tests.recall('pump_pm')::uuid),
  'meter projections are marked estimated');
SELECT is((SELECT count(*)::int FROM app.pm_forecast(pg_temp.today(), pg_temp.today() + 700) WHERE pm_schedule_id = tests.recall('fan_pm')::uuid), 0,
  'one reading gives no estimate');
SELECT is((SELECT count(*)::int FROM app.pm_forecast(pg_temp.today(), pg_temp.today() + 700) WHERE pm_schedule_id = tests.recall('press_pm')::uuid), 0,
  'readings less than 7 days apart give no estimate');
SELECT is((SELECT min(due_date) - pg_temp.today() FROM app.pm_forecast(pg_temp.today(), pg_temp.today() + 10) WHERE pm_schedule_id = tests.recall('saw_pm')::uuid), 0,
  'a point the estimate has already passed (the saw, not read for 90 days) is due today');
SELECT is((SELECT array_agg(DISTINCT estimated) FROM app.pm_forecast(pg_temp.today(), pg_temp.today() + 30) WHERE pm_schedule_id = tests.recall('weekly')::uuid),
  ARRAY[false], 'calendar occurrences are not estimated');
SELECT is((SELECT count(*)::int FROM app.pm_forecast(pg_temp.today() + 31, pg_temp.today() + 69) WHERE pm_schedule_id = tests.recall('pump_pm')::uuid), 0,
  'the range bounds the estimated days');
SELECT is((SELECT title FROM app.maintenance_calendar(now(), now() + interval '60 days', for_asset => tests.recall('pump')::uuid) WHERE kind = 'pm'),
  'PM due: Overhaul (Pump 1) (estimated)', 'the calendar shows the estimated day, titled so');

SELECT tests.act_as_owner();
INSERT INTO app.meter_readings (organization_id, meter_id, read_at, value) VALUES (tests.recall('t'), pg_temp.meter('pump'), now(), 7000);
SELECT tests.act_as(tests.recall('planner'), tests.recall('t'));
-- 6,000 h 60 days ago to 7,000 h now: 16.67 h a day; 6,900 h already passed: due today.
SELECT is((SELECT min(due_date) - pg_temp.today() FROM app.pm_forecast(pg_temp.today(), pg_temp.today() + 100) WHERE pm_schedule_id = tests.recall('pump_pm')::uuid),
  0, 'a reading past the point makes it due today (the generator makes its work order on its next pass)');

SELECT tests.act_as(tests.recall('stranger'), tests.recall('other'));
SELECT is((SELECT count(*)::int FROM app.pm_forecast(current_date, current_date + 700)), 0, 'another tenant forecasts nothing');

SELECT * FROM finish();
ROLLBACK;
