-- The downtime log: who records stops (downtime.record at the equipment's
-- site), reason defaults, never two overlapping stops of one piece of
-- equipment, and the reliability arithmetic (availability loss, MTBF, MTTR).
BEGIN;
SELECT plan(23);

SELECT tests.remember('a', tests.create_workflow_tenant());
SELECT tests.remember('b', tests.create_workflow_tenant());
SELECT tests.remember('s1', tests.create_site(tests.recall('a')));
SELECT tests.remember('s2', tests.create_site(tests.recall('a')));
SELECT tests.remember('tech_s1', tests.create_member(tests.recall('a'), 'technician', tests.recall('s1')));
SELECT tests.remember('tech_s2', tests.create_member(tests.recall('a'), 'technician', tests.recall('s2')));
SELECT tests.remember('class', tests.create_equipment_class(tests.recall('a'), 'press', false, NULL));
SELECT tests.remember('m1', tests.create_equipment(tests.recall('a'), tests.recall('class'), tests.recall('s1'), NULL, 'Press 1'));
SELECT tests.remember('m2', tests.create_equipment(tests.recall('a'), tests.recall('class'), NULL, NULL, 'Press 2'));
SELECT tests.remember('breakdown', tests.create_downtime_reason(tests.recall('a'), 'breakdown', false, true));
SELECT tests.remember('changeover', tests.create_downtime_reason(tests.recall('a'), 'changeover', true, false));
SELECT tests.remember('material', tests.create_downtime_reason(tests.recall('a'), 'no-material', false, false));
CREATE TEMP TABLE t0 AS SELECT date_trunc('hour', now()) - interval '200 hours' AS t0;
GRANT SELECT ON t0 TO PUBLIC;

-- Recording: downtime.record, tenant-wide or at the equipment's site.
SELECT tests.act_as_role(tests.recall('a'), 'production');
INSERT INTO app.downtime_events (equipment_id, started_at, ended_at, reason_id)
VALUES (tests.recall('m1'), now() - interval '30 hours', now() - interval '29 hours', tests.recall('breakdown'));
SELECT is((SELECT is_breakdown::text || is_planned::text || (recorded_by = tests.member_with_role(tests.recall('a'), 'production'))::text
             FROM app.downtime_events WHERE equipment_id = tests.recall('m1')), 'truefalsetrue',
  'a stop takes its flags from the reason and records who recorded it');
SELECT is(tests.refusal($$INSERT INTO app.downtime_events (equipment_id, started_at, reason_id, is_planned, is_breakdown) VALUES (tests.recall('m1'), now() - interval '5 hours', tests.recall('breakdown'), true, true)$$),
  'PT422 downtime.breakdown_planned', 'a breakdown is never planned');
SELECT is(tests.refusal($$INSERT INTO app.downtime_events (equipment_id, started_at, ended_at, reason_id) VALUES (tests.recall('m1'), now() - interval '5 hours', now() - interval '6 hours', tests.recall('material'))$$),
  'PT422 downtime.period_invalid', 'a stop ends after it starts');
SELECT is(tests.refusal($$INSERT INTO app.downtime_events (equipment_id, started_at, reason_id) VALUES (tests.recall('m1'), now() + interval '1 hour', tests.recall('material'))$$),
  'PT422 downtime.in_future', 'nor starts in the future');

SELECT tests.act_as(tests.recall('tech_s1'), tests.recall('a'));
SELECT lives_ok($$INSERT INTO app.downtime_events (equipment_id, started_at, ended_at, reason_id) VALUES (tests.recall('m1'), now() - interval '29 hours', now() - interval '28 hours', tests.recall('changeover'))$$,
  'a technician of the site records a stop of its equipment (starting when the last one ended)');
SELECT is(tests.refusal($$INSERT INTO app.downtime_events (equipment_id, started_at, reason_id) VALUES (tests.recall('m2'), now() - interval '1 hour', tests.recall('material'))$$),
  'PT404 equipment.not_found', 'but not of equipment outside their site');
SELECT tests.act_as(tests.recall('tech_s2'), tests.recall('a'));
SELECT is_empty($$SELECT FROM app.downtime_events$$, 'a technician of another site sees none of site 1''s stops');
SELECT is(tests.refusal($$INSERT INTO app.downtime_events (equipment_id, started_at, reason_id) VALUES (tests.recall('m1'), now() - interval '1 hour', tests.recall('material'))$$),
  'PT404 equipment.not_found', 'nor records one');
SELECT tests.act_as_role(tests.recall('a'), 'qa');
SELECT is(tests.refusal($$INSERT INTO app.downtime_events (equipment_id, started_at, reason_id) VALUES (tests.recall('m1'), now() - interval '1 hour', tests.recall('material'))$$),
  'PT403 permission.missing', 'a reader without downtime.record cannot record stops');
SELECT tests.act_as_role(tests.recall('b'), 'admin');
SELECT is_empty($$SELECT FROM app.downtime_events WHERE organization_id = tests.recall('a')$$, 'another tenant''s admin sees none');
SELECT is(tests.refusal($$SELECT * FROM app.equipment_reliability(tests.recall('m1'), now() - interval '1 day', now())$$),
  'PT404 equipment.not_found', 'nor its reliability');

-- No overlapping stops of one piece of equipment.
SELECT tests.act_as_role(tests.recall('a'), 'production');
SELECT is(tests.refusal($$INSERT INTO app.downtime_events (equipment_id, started_at, ended_at, reason_id) VALUES (tests.recall('m1'), now() - interval '29 hours 30 minutes', now() - interval '20 hours', tests.recall('material'))$$),
  'PT409 downtime.overlap', 'a stop overlapping another of the same equipment is refused');
INSERT INTO app.downtime_events (equipment_id, started_at, reason_id) VALUES (tests.recall('m1'), now() - interval '2 hours', tests.recall('breakdown'));
SELECT is(tests.refusal($$INSERT INTO app.downtime_events (equipment_id, started_at, reason_id) VALUES (tests.recall('m1'), now() - interval '1 hour', tests.recall('material'))$$),
  'PT409 downtime.overlap', 'an open stop lasts until it is ended');
SELECT lives_ok($$INSERT INTO app.downtime_events (equipment_id, started_at, reason_id) VALUES (tests.recall('m2'), now() - interval '1 hour', tests.recall('material'))$$,
  'other equipment may stop at the same time');
SELECT ok((SELECT downtime_hours BETWEEN 1.99 AND 2.01 FROM app.equipment_reliability(tests.recall('m1'), now() - interval '10 hours', now() + interval '1 hour')),
  'an open stop counts until now');
SELECT tests.act_as_owner();
ALTER TABLE app.downtime_events DISABLE TRIGGER _200_prepare;
SELECT is(left(tests.refusal($$INSERT INTO app.downtime_events (organization_id, equipment_id, started_at, reason_id, is_planned, is_breakdown) VALUES (tests.recall('a'), tests.recall('m1'), now() - interval '90 minutes', tests.recall('material'), false, false)$$), 5),
  '23P01', 'the exclusion constraint refuses an overlap by itself (two writers at once)');
ALTER TABLE app.downtime_events ENABLE TRIGGER _200_prepare;

-- The arithmetic, over 100 hours of a press (T0 = 200 hours ago, on the hour).
DELETE FROM app.downtime_events WHERE equipment_id = tests.recall('m2');
INSERT INTO app.downtime_events (organization_id, equipment_id, started_at, ended_at, reason_id, in_production_schedule)
SELECT tests.recall('a'), tests.recall('m2'), t0 + s * interval '1 hour', t0 + e * interval '1 hour', tests.recall(r), inside
  FROM t0, (VALUES (-1, 1, 'breakdown', true),       -- 2 h, 1 h of it inside the period
                   (10, 12, 'breakdown', true),      -- 2 h
                   (20, 21, 'changeover', true),     -- 1 h planned
                   (50, 54, 'breakdown', true),      -- 4 h
                   (70, 73, 'material', false),      -- 3 h outside the production schedule
                   (120, 130, 'breakdown', true)     -- after the period
           ) AS v (s, e, r, inside);
SELECT tests.act_as_role(tests.recall('a'), 'production');
SELECT is((SELECT period_hours FROM t0, app.equipment_reliability(tests.recall('m2'), t0, t0 + interval '100 hours')), 100.0000, 'the period is 100 hours');
SELECT is((SELECT stops || '/' || breakdowns FROM t0, app.equipment_reliability(tests.recall('m2'), t0, t0 + interval '100 hours')), '5/3', 'five stops overlap it, three of them breakdowns');
SELECT is((SELECT downtime_hours FROM t0, app.equipment_reliability(tests.recall('m2'), t0, t0 + interval '100 hours')), 11.0000, 'downtime is cut to the period: 1 + 2 + 1 + 4 + 3 hours');
SELECT is((SELECT scheduled_downtime_hours || '/' || unplanned_downtime_hours || '/' || breakdown_downtime_hours FROM t0, app.equipment_reliability(tests.recall('m2'), t0, t0 + interval '100 hours')),
  '8.0000/10.0000/7.0000', 'availability loss counts stops inside the schedule; unplanned and breakdown downtime');
SELECT is((SELECT uptime_hours || '/' || mtbf_hours || '/' || mttr_hours FROM t0, app.equipment_reliability(tests.recall('m2'), t0, t0 + interval '100 hours')), '89.0000/29.6667/2.3333',
  'uptime = 100 - 11, MTBF = 89 / 3, MTTR = 7 / 3');
SELECT is((SELECT mtbf_hours FROM t0, app.equipment_reliability(tests.recall('m2'), t0 + interval '15 hours', t0 + interval '45 hours')), NULL,
  'without breakdowns there is no MTBF');
SELECT is(tests.refusal($$SELECT * FROM app.equipment_reliability(tests.recall('m2'), now(), now() - interval '1 day')$$),
  'PT422 downtime.period_invalid', 'a period ends after it starts');

SELECT * FROM finish();
ROLLBACK;
