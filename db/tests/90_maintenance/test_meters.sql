-- Meters and readings: who records (plant scope, other tenant), monotonic
-- unless a reset with a reason, in time order, append-only, the current
-- value and the usage since a reading (what usage-based PM counts).
BEGIN;
SELECT plan(22);

SELECT tests.remember('a', tests.create_tenant());
SELECT tests.remember('b', tests.create_tenant());
SELECT tests.remember('s1', tests.create_site(tests.recall('a')));
SELECT tests.remember('s2', tests.create_site(tests.recall('a')));
SELECT tests.remember('planner', tests.create_member(tests.recall('a'), 'maintenance_planner'));
SELECT tests.remember('tech_s1', tests.create_member(tests.recall('a'), 'technician', tests.recall('s1')));
SELECT tests.remember('tech_s2', tests.create_member(tests.recall('a'), 'technician', tests.recall('s2')));
SELECT tests.remember('other', tests.create_member(tests.recall('b'), 'maintenance_planner'));
SELECT tests.remember('cls', tests.create_equipment_class(tests.recall('a'), 'compressor', false, NULL));
SELECT tests.remember('comp', tests.create_equipment(tests.recall('a'), tests.recall('cls'), tests.recall('s1'), NULL, 'Compressor'));

SELECT tests.act_as(tests.recall('planner'), tests.recall('a'));
SELECT is(tests.refusal($$INSERT INTO app.meters (equipment_id, name, unit, last_value) VALUES (tests.recall('comp'), 'Operating hours', 'h', 999)$$),
  '42501', 'a member cannot set a meter''s value: the readings keep it');
INSERT INTO app.meters (equipment_id, name, unit) VALUES (tests.recall('comp'), 'Operating hours', 'h');
SELECT tests.remember('m', (SELECT id FROM app.meters WHERE name = 'Operating hours'));
SELECT is((SELECT (last_value, usage_total)::text FROM app.meters WHERE id = tests.recall('m')), '(,0)',
  'a new meter has no value yet');
SELECT matches(tests.refusal($$INSERT INTO app.meters (equipment_id, name, unit) VALUES (tests.recall('comp'), 'Bogus', 'no-such-unit')$$),
  '^23503 ', 'a meter''s unit is one of the units register');

UPDATE app.meters SET name = 'Run hours' WHERE id = tests.recall('m');
WITH m AS (INSERT INTO app.meters (equipment_id, name, unit) VALUES (tests.recall('comp'), 'Spare', '1') RETURNING id)
SELECT tests.remember('spare', id) FROM m;
SELECT app.soft_delete('meter', tests.recall('spare'), 'added by mistake');
SELECT is((SELECT array_agg(name) FROM app.meters), ARRAY['Run hours'], 'a planner renames meters and moves them to the trash');
SELECT tests.act_as(tests.recall('tech_s1'), tests.recall('a'));
SELECT is(tests.refusal($$INSERT INTO app.meters (equipment_id, name, unit) VALUES (tests.recall('comp'), 'Cycles', '1')$$),
  'PT403 permission.missing', 'a technician does not add meters');
INSERT INTO app.meter_readings (meter_id, read_at, value) VALUES (tests.recall('m'), now() - interval '3 days', 100);
INSERT INTO app.meter_readings (meter_id, read_at, value) VALUES (tests.recall('m'), now() - interval '2 days', 150);
SELECT tests.remember('r150', (SELECT id FROM app.meter_readings WHERE value = 150));
SELECT is((SELECT (value, usage, usage_total, recorded_by = tests.recall('tech_s1'))::text FROM app.meter_readings WHERE id = tests.recall('r150')),
  '(150,50,50,t)', 'a reading records its usage since the one before, and who recorded it');
SELECT is(tests.refusal($$INSERT INTO app.meter_readings (meter_id, value) VALUES (tests.recall('m'), 149)$$),
  'PT409 meter_reading.decreasing', 'a reading below the latest is refused');
SELECT is(tests.refusal($$INSERT INTO app.meter_readings (meter_id, read_at, value) VALUES (tests.recall('m'), now() - interval '4 days', 200)$$),
  'PT409 meter_reading.out_of_order', 'a reading before the latest is refused');
SELECT is(tests.refusal($$INSERT INTO app.meter_readings (meter_id, value, is_reset) VALUES (tests.recall('m'), 0, true)$$),
  'PT422 meter_reading.reset_reason_required', 'a reset needs a reason');
SELECT is(tests.refusal($$INSERT INTO app.meter_readings (meter_id, read_at, value) VALUES (tests.recall('m'), now() + interval '1 day', 200)$$),
  'PT422 meter_reading.in_future', 'a reading is not in the future');
INSERT INTO app.meter_readings (meter_id, read_at, value, is_reset, reset_reason)
VALUES (tests.recall('m'), now() - interval '1 day', 5, true, 'hour meter replaced');
INSERT INTO app.meter_readings (meter_id, value) VALUES (tests.recall('m'), 25);
SELECT is((SELECT (last_value, usage_total)::text FROM app.meters WHERE id = tests.recall('m')), '(25,70)',
  'the meter shows the latest value and the usage over the reset (50 before, 20 after)');
SELECT is(app.meter_usage_since(tests.recall('r150')), 20::numeric, 'usage since a reading counts across a reset');
SELECT is(tests.refusal($$UPDATE app.meter_readings SET value = 1 WHERE id = tests.recall('r150')$$), '42501',
  'readings cannot be changed by a member');
SELECT is(tests.refusal($$UPDATE app.meters SET last_value = 1 WHERE id = tests.recall('m')$$), '42501',
  'nor the meter''s value');

SELECT tests.act_as_owner();
SELECT is(tests.refusal($$DELETE FROM app.meter_readings WHERE id = tests.recall('r150')$$), 'PT409 row.append_only',
  'not even the owner deletes a reading');
SELECT is(tests.refusal($$UPDATE app.meters SET unit = 'km' WHERE id = tests.recall('m')$$), 'PT409 meter.unit_fixed',
  'a meter with readings keeps its unit');
UPDATE app.meters SET is_active = false WHERE id = tests.recall('m');
SELECT tests.act_as(tests.recall('tech_s1'), tests.recall('a'));
SELECT is(tests.refusal($$INSERT INTO app.meter_readings (meter_id, value) VALUES (tests.recall('m'), 30)$$),
  'PT409 meter.inactive', 'an inactive meter takes no readings');

-- Plant scope and tenants.
SELECT tests.act_as(tests.recall('tech_s2'), tests.recall('a'));
SELECT is_empty($$SELECT FROM app.meter_readings$$, 'a technician of another plant sees no readings');
SELECT is(tests.refusal($$INSERT INTO app.meter_readings (meter_id, value) VALUES (tests.recall('m'), 30)$$),
  'PT404 equipment.not_found', 'nor records one');
SELECT is(tests.refusal($$SELECT app.meter_usage_since(tests.recall('r150'))$$), 'PT404 meter_reading.not_found',
  'nor reads the usage');
SELECT tests.act_as(tests.recall('other'), tests.recall('b'));
SELECT is_empty($$SELECT FROM app.meters$$, 'another tenant sees no meters');
SELECT is(tests.refusal($$INSERT INTO app.meter_readings (organization_id, meter_id, value) VALUES (tests.recall('a'), tests.recall('m'), 30)$$),
  '42501 tenant.foreign_row', 'nor records readings in it');

SELECT * FROM finish();
ROLLBACK;
