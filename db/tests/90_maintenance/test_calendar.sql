-- Teams, availability, the maintenance calendar and ICS feeds: a team takes a
-- work order only with a qualified, present member; its members see it as
-- theirs; availability never overlaps per person and an absence refuses a
-- person's scheduling; the calendar shows each caller (planner, plant-scoped
-- technician, another tenant) what they may see; a feed token reads as its
-- owner, anonymously, until revoked; the ICS text is escaped, folded at 75
-- octets and ends lines with CRLF.
BEGIN;
SELECT plan(46);

SELECT tests.remember('t', tests.create_tenant());
SELECT tests.remember('other', tests.create_tenant());
SELECT tests.remember('plant_a', tests.create_site(tests.recall('t')));
SELECT tests.remember('plant_b', tests.create_site(tests.recall('t')));
SELECT tests.remember('class', tests.create_equipment_class(tests.recall('t'), p_requires_calibration => false));
SELECT tests.remember('pump', tests.create_equipment(tests.recall('t'), tests.recall('class'), tests.recall('plant_a'), NULL, 'Pump 1'));
SELECT tests.remember('mill', tests.create_equipment(tests.recall('t'), tests.recall('class'), tests.recall('plant_b'), NULL, 'Mill 3'));
SELECT tests.remember('planner', tests.create_member(tests.recall('t'), 'maintenance_planner'));
SELECT tests.remember('tech', tests.create_member(tests.recall('t'), 'technician', tests.recall('plant_a')));
SELECT tests.remember('tech2', tests.create_member(tests.recall('t'), 'technician', tests.recall('plant_a')));
SELECT tests.remember('tech_b', tests.create_member(tests.recall('t'), 'technician', tests.recall('plant_b')));
SELECT tests.remember('stranger', tests.create_member(tests.recall('other'), 'maintenance_planner'));
SELECT tests.remember('hv', tests.create_qualification(tests.recall('t'), 'hv'));
INSERT INTO app.person_qualifications (organization_id, user_id, qualification_id, valid_from, valid_to)
VALUES (tests.recall('t')::uuid, tests.recall('tech')::uuid, tests.recall('hv')::uuid, now() - interval '1 day', now() + interval '60 days');
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
CREATE TEMP TABLE kept (k text PRIMARY KEY, v text);
GRANT ALL ON kept TO PUBLIC;

-- Teams: team.manage.
SELECT pg_temp.as_('tech');
SELECT is(tests.refusal($$SELECT app.define_maintenance_team('Electrical')$$), 'PT403 permission.missing', 'a technician does not define teams');
SELECT pg_temp.as_('planner');
SELECT is(tests.refusal($$SELECT app.define_maintenance_team('  ')$$), 'PT422 team.name_invalid', 'a team needs a name');
SELECT tests.remember('team', (app.define_maintenance_team('Electrical', tests.recall('plant_a'))).id);
SELECT tests.remember('tpl', (app.define_work_order_template('hv-check', 'HV cabinet check', 'inspection', 'Open, measure; close', NULL, 1.5, 'hv')).id);
SELECT tests.remember('wo', (app.create_work_order(tests.recall('pump'), 'inspection', NULL, '', 2, tests.recall('tpl'))).id);
SELECT tests.remember('wo2', (app.create_work_order(tests.recall('pump'), 'inspection', NULL, '', 2, tests.recall('tpl'))).id);
SELECT tests.remember('wo_b', (app.create_work_order(tests.recall('mill'), 'corrective', 'Mill bearing', '', 3)).id);
SELECT tests.remember('m2', (app.add_team_member(tests.recall('team'), tests.recall('tech2'))).id);
SELECT is(tests.refusal(format($$SELECT app.schedule_work_order_for_team(%L, %L, now() + interval '2 days', now() + interval '2 days 3 hours')$$,
                               tests.recall('wo'), tests.recall('team'))), 'PT409 work_order.team_unqualified',
  'a team without a member holding the required qualification does not take the work order');
SELECT tests.remember('m1', (app.add_team_member(tests.recall('team'), tests.recall('tech'))).id);
SELECT is(tests.refusal(format($$SELECT app.add_team_member(%L, %L, now() + interval '1 day')$$, tests.recall('team'), tests.recall('tech'))),
  'PT409 team_member.overlap', 'a person is not a member of one team twice at once');
SELECT is(tests.refusal(format($$SELECT app.add_team_member(%L, %L)$$, tests.recall('team'), tests.recall('stranger'))),
  'PT404 user.not_member', 'members are staff of the tenant');
SELECT is((SELECT (status, team_id::text, assignee_id) FROM app.schedule_work_order_for_team(tests.recall('wo'), tests.recall('team'),
                   now() + interval '2 days', now() + interval '2 days 3 hours')),
          ('scheduled'::text, tests.recall('team')::text, NULL::uuid), 'with a qualified member the team takes it: scheduled, no person');
SELECT is(tests.refusal(format($$SELECT app.schedule_work_order_for_team(%L, %L, now() + interval '2 days', now() + interval '2 days 3 hours')$$,
                               tests.recall('wo_b'), tests.recall('team'))), 'PT404 team.not_found',
  'a plant''s team does not take another plant''s work');

-- A technician sees their team's work orders as theirs.
SELECT pg_temp.as_('tech2');
SELECT is((SELECT array_agg(id::text) FROM app.my_work_orders()), ARRAY[tests.recall('wo')::text], 'a team member''s work orders include the team''s');
SELECT pg_temp.as_('tech_b');
SELECT is((SELECT count(*)::int FROM app.my_work_orders()), 0, 'someone outside the team has none');

-- Availability: no overlap per person; own, or anyone's with work_order.manage.
SELECT pg_temp.as_('tech');
SELECT tests.remember('absence', (app.set_availability(tests.recall('tech'), now() + interval '10 days', now() + interval '12 days', 'absent', 'Training; HV, part 2')).id);
SELECT is(tests.refusal(format($$SELECT app.set_availability(%L, now() + interval '11 days', now() + interval '13 days', 'available')$$, tests.recall('tech'))),
  'PT409 availability.overlap', 'a person''s periods do not overlap');
SELECT is(tests.refusal(format($$SELECT app.set_availability(%L, now() + interval '20 days', now() + interval '21 days')$$, tests.recall('tech2'))),
  'PT403 permission.missing', 'a technician records only their own availability');
SELECT is(tests.refusal(format($$SELECT app.set_availability(%L, now() + interval '22 days', now() + interval '21 days')$$, tests.recall('tech'))),
  'PT422 availability.period_invalid', 'a period starts before it ends');
SELECT is(tests.refusal(format($$SELECT app.set_availability(%L, now() + interval '20 days', now() + interval '21 days', 'holiday')$$, tests.recall('tech'))),
  'PT422 availability.kind_invalid', 'kind is available or absent');
SELECT pg_temp.as_('planner');
SELECT lives_ok(format($$SELECT app.set_availability(%L, now() + interval '1 day', now() + interval '1 day 8 hours', 'available', 'Early shift')$$, tests.recall('tech2')),
  'a planner records someone''s shift');
SELECT is(tests.refusal(format($$SELECT app.set_availability(%L, now() + interval '20 days', now() + interval '21 days')$$, tests.recall('stranger'))),
  'PT404 user.not_member', 'availability is of the tenant''s staff');

-- An absence refuses scheduling the person, and a team whose only qualified member is absent.
SELECT is(tests.refusal(format($$SELECT app.schedule_work_order(%L, %L, now() + interval '11 days', now() + interval '11 days 2 hours')$$,
                               tests.recall('wo2'), tests.recall('tech'))), 'PT409 work_order.assignee_absent',
  'a person is not scheduled during their absence');
SELECT is(tests.refusal(format($$SELECT app.schedule_work_order_for_team(%L, %L, now() + interval '11 days 23 hours', now() + interval '12 days 2 hours')$$,
                               tests.recall('wo2'), tests.recall('team'))), 'PT409 work_order.team_unqualified',
  'a team whose only qualified member is absent part of the window does not take it');
SELECT is((app.schedule_work_order(tests.recall('wo2'), tests.recall('tech'), now() + interval '12 days', now() + interval '12 days 2 hours')).status,
  'scheduled', 'right after the absence the person is scheduled');
SELECT is((app.schedule_work_order(tests.recall('wo_b'), tests.recall('tech_b'), now() + interval '3 days', now() + interval '3 days 2 hours')).status,
  'scheduled', 'plant B''s work scheduled');

-- The calendar as each caller.
SELECT is((SELECT array_agg(kind || ':' || coalesce(work_order_id::text, user_id::text) ORDER BY starts_at)
             FROM app.maintenance_calendar(now(), now() + interval '30 days')),
          ARRAY['available:' || tests.recall('tech2'), 'work_order:' || tests.recall('wo'), 'work_order:' || tests.recall('wo_b'),
                'absent:' || tests.recall('tech'), 'work_order:' || tests.recall('wo2')],
  'the planner''s calendar: both plants'' work orders, everyone''s shifts and absences, in time order');
SELECT is((SELECT array_agg(work_order_id::text ORDER BY starts_at) FROM app.maintenance_calendar(now(), now() + interval '30 days', for_team => tests.recall('team')::uuid)
            WHERE kind = 'work_order'), ARRAY[tests.recall('wo')::text], 'narrowed to a team: its work orders');
SELECT is((SELECT array_agg(kind ORDER BY starts_at) FROM app.maintenance_calendar(now(), now() + interval '30 days', for_team => tests.recall('team')::uuid)),
  ARRAY['available', 'work_order', 'absent'], 'and its members'' availability');
SELECT is((SELECT array_agg(work_order_id::text ORDER BY starts_at) FROM app.maintenance_calendar(now(), now() + interval '30 days', for_asset => tests.recall('mill')::uuid)),
  ARRAY[tests.recall('wo_b')::text], 'narrowed to an asset: the work orders covering it');
SELECT is((SELECT title FROM app.maintenance_calendar(now(), now() + interval '30 days') WHERE kind = 'absent'),
  (SELECT display_name FROM app.users WHERE id = tests.recall('tech')::uuid) || ' absent: Training; HV, part 2', 'an absence names the person and the reason');
SELECT is(tests.refusal($$SELECT * FROM app.maintenance_calendar(now(), now() - interval '1 day')$$), 'PT422 calendar.range_invalid',
  'the calendar needs from before to');
SELECT is(tests.refusal($$SELECT * FROM app.maintenance_calendar(now(), now() + interval '2 years')$$), 'PT422 calendar.range_invalid',
  'at most 400 days');
SELECT pg_temp.as_('tech');
SELECT is((SELECT array_agg(kind || ':' || coalesce(work_order_id::text, user_id::text) ORDER BY starts_at)
             FROM app.maintenance_calendar(now(), now() + interval '30 days')),
          ARRAY['work_order:' || tests.recall('wo'), 'absent:' || tests.recall('tech'), 'work_order:' || tests.recall('wo2')],
  'a plant A technician: plant A''s work orders and their own absence, not plant B''s work nor others'' shifts');
SELECT is((SELECT count(*)::int FROM app.technician_availability), 1, 'and reads only their own availability');
SELECT pg_temp.as_('tech_b');
SELECT is((SELECT array_agg(work_order_id::text) FROM app.maintenance_calendar(now(), now() + interval '30 days')),
  ARRAY[tests.recall('wo_b')::text], 'a plant B technician: plant B''s work only');
SELECT is((SELECT count(*)::int FROM app.maintenance_teams), 0, 'and does not see plant A''s team');
SELECT pg_temp.as_('stranger');
SELECT is((SELECT count(*)::int FROM app.maintenance_calendar(now() - interval '30 days', now() + interval '300 days')), 0,
  'another tenant''s calendar is empty of ours');
SELECT is((SELECT count(*)::int FROM app.maintenance_team_members), 0, 'nor does it read our team members');

-- Feeds: a token, read anonymously as its owner, until revoked.
SELECT pg_temp.as_('tech_b');
SELECT is(tests.refusal(format($$SELECT app.issue_calendar_feed('team', %L)$$, tests.recall('team'))), 'PT404 team.not_found',
  'no feed of a team one may not see');
SELECT is(tests.refusal($$SELECT app.issue_calendar_feed('team')$$), 'PT422 calendar_feed.scope_invalid', 'a team feed names its team');
SELECT pg_temp.as_('tech');
INSERT INTO pg_temp.kept VALUES ('feed', app.issue_calendar_feed()::text);
INSERT INTO pg_temp.kept VALUES ('team_feed', app.issue_calendar_feed('team', tests.recall('team'))::text);
SELECT tests.act_as_owner();
SELECT is((SELECT count(*)::int FROM app_private.calendar_feeds
            WHERE token_hash = public.digest((SELECT v FROM pg_temp.kept WHERE k = 'feed')::jsonb ->> 'token', 'sha256')), 1, 'only the token''s SHA-256 is stored');
SELECT tests.act_as_anon();
INSERT INTO pg_temp.kept SELECT 'ics', app.calendar_feed(v::jsonb ->> 'token') FROM pg_temp.kept WHERE k = 'feed';
SELECT tests.act_as_owner();
SELECT ok((SELECT v FROM pg_temp.kept WHERE k = 'ics') LIKE E'BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:%' AND (SELECT v FROM pg_temp.kept WHERE k = 'ics') LIKE E'%END:VCALENDAR\r\n',
  'an anonymous caller with the token gets a VCALENDAR with VERSION and PRODID, CRLF lines');
SELECT is((SELECT count(*)::int FROM regexp_split_to_table((SELECT v FROM pg_temp.kept WHERE k = 'ics'), E'\r\n') AS l WHERE l = 'BEGIN:VEVENT'), 3,
  'the owner''s feed: their team''s work order, their own, their absence');
SELECT ok(position((SELECT work_order_number FROM app.work_orders WHERE id = tests.recall('wo_b')::uuid) IN (SELECT v FROM pg_temp.kept WHERE k = 'ics')) = 0,
  'nothing of plant B in a plant A technician''s feed');
SELECT ok(position('absent: Training\; HV\, part 2' IN (SELECT v FROM pg_temp.kept WHERE k = 'ics')) > 0, 'text values escaped (; and ,)');
SELECT ok(NOT EXISTS (SELECT FROM regexp_split_to_table((SELECT v FROM pg_temp.kept WHERE k = 'ics'), E'\r\n') AS l WHERE octet_length(l) > 75)
          AND position(E'\n' IN replace((SELECT v FROM pg_temp.kept WHERE k = 'ics'), E'\r\n', '')) = 0, 'every line at most 75 octets, no bare LF');
SELECT is(replace(app_private.ics_line('SUMMARY:' || repeat('Überprüfung ', 20)), E'\r\n ', ''), 'SUMMARY:' || repeat('Überprüfung ', 20) || E'\r\n',
  'a long line folds at 75 octets and unfolds back, never inside a UTF-8 character');
-- A work order put on hold keeps its window in the calendar but says so: titled (on hold), the reason first, TENTATIVE in ICS.
SELECT tests.act_as_owner();
UPDATE app.work_orders SET held_from = status, status = 'on_hold', hold_reason = 'Waiting for the crane'
 WHERE id = (SELECT id FROM app.work_orders WHERE assignee_id = tests.recall('tech')::uuid AND status = 'scheduled' ORDER BY id LIMIT 1);
SELECT tests.act_as_anon();
INSERT INTO pg_temp.kept SELECT 'ics_held', app.calendar_feed(v::jsonb ->> 'token') FROM pg_temp.kept WHERE k = 'feed';
SELECT tests.act_as_owner();
SELECT ok(position(E'(on hold)\r\n' IN (SELECT v FROM pg_temp.kept WHERE k = 'ics_held')) > 0
          AND position('DESCRIPTION:On hold: Waiting for the crane' IN (SELECT v FROM pg_temp.kept WHERE k = 'ics_held')) > 0
          AND (SELECT count(*) FROM regexp_split_to_table((SELECT v FROM pg_temp.kept WHERE k = 'ics_held'), E'\r\n') AS l WHERE l = 'STATUS:TENTATIVE') = 1,
  'a work order on hold stays in the feed: titled (on hold), its reason in the description, STATUS:TENTATIVE');
SELECT pg_temp.as_('tech');
SELECT ok(app.revoke_calendar_feed(((SELECT v FROM pg_temp.kept WHERE k = 'feed')::jsonb ->> 'feed_id')::uuid), 'the owner revokes the feed');
SELECT tests.act_as_anon();
SELECT is(tests.refusal(format($$SELECT app.calendar_feed(%L)$$, (SELECT v FROM pg_temp.kept WHERE k = 'feed')::jsonb ->> 'token')), 'PT404 calendar_feed.token_unknown',
  'a revoked feed gives nothing');
SELECT is(tests.refusal($$SELECT app.calendar_feed('not-a-token')$$), 'PT404 calendar_feed.token_unknown', 'an unknown token gives nothing');
SELECT ok(app.calendar_feed((SELECT v FROM pg_temp.kept WHERE k = 'team_feed')::jsonb ->> 'token') LIKE '%X-WR-CALNAME:Electrical%', 'the team feed still works');

SELECT * FROM finish();
ROLLBACK;
