-- Instrument scheduling: recurrence expansion (RRULE subset, wall-clock
-- across daylight saving); blocks written with instrument.schedule; booking
-- refused on overlap (PT409 naming the window, the purpose only to those who
-- may see it), maintenance, blocks, outside availability, calibration that
-- expires, unqualified operators, missing permission, another site or
-- tenant; the exclusion constraint behind it; cancelling; free slots and the
-- calendar as each caller may see them.
BEGIN;
SELECT plan(62);

SELECT tests.remember('lab', tests.create_lab_tenant());
SELECT tests.remember('b', tests.create_tenant());
UPDATE app.sites SET timezone = 'Europe/Berlin' WHERE id = tests.recall('lab_site');
SELECT tests.remember('other_site', tests.create_site(tests.recall('lab')));
SELECT tests.remember('manager', tests.create_member(tests.recall('lab'), 'lab_manager'));
SELECT tests.remember('tech', tests.create_member(tests.recall('lab'), 'lab_tech', tests.recall('lab_site')));
SELECT tests.remember('tech2', tests.create_member(tests.recall('lab'), 'lab_tech', tests.recall('lab_site')));
SELECT tests.remember('novice', tests.create_member(tests.recall('lab'), 'lab_tech', tests.recall('lab_site')));
SELECT tests.remember('leaving', tests.create_member(tests.recall('lab'), 'lab_tech', tests.recall('lab_site')));
SELECT tests.remember('tech_elsewhere', tests.create_member(tests.recall('lab'), 'lab_tech', tests.recall('other_site')));
SELECT tests.remember('auditor', tests.create_member(tests.recall('lab'), 'auditor'));
SELECT tests.remember('portal', tests.create_member(tests.recall('lab'), 'customer_portal', NULL, tests.recall('customer')));
SELECT tests.remember('b_admin', tests.create_member(tests.recall('b'), 'admin'));
SELECT tests.remember('hplc_class', tests.create_instrument_class(tests.recall('lab')));
SELECT tests.remember('hplc_op', tests.require_qualification(tests.recall('hplc_class'), 'hplc-operator'));
SELECT tests.remember('hplc', tests.create_instrument(tests.recall('lab'), tests.recall('hplc_class'), tests.recall('lab_site')));
SELECT tests.remember('q1', tests.qualify(tests.recall('lab'), tests.recall('tech'), 'hplc-operator'));
SELECT tests.remember('q2', tests.qualify(tests.recall('lab'), tests.recall('tech2'), 'hplc-operator'));
SELECT tests.remember('q3', tests.qualify(tests.recall('lab'), tests.recall('manager'), 'hplc-operator'));
SELECT tests.remember('q4', tests.qualify(tests.recall('lab'), tests.recall('tech_elsewhere'), 'hplc-operator'));
SELECT tests.remember('q5', tests.qualify(tests.recall('lab'), tests.recall('leaving'), 'hplc-operator',
                                          tests.next_week_at(2, '10:00', 'Europe/Berlin')));

-- Recurrence expansion ---------------------------------------------------
SELECT is((SELECT array_agg(to_char(lower(r) AT TIME ZONE 'UTC', 'MM-DD HH24:MI')) FROM app_private.recurrence_occurrences(
             '2026-01-05 09:00', '1 hour', 'UTC', 'FREQ=WEEKLY;BYDAY=MO,WE;COUNT=3', '2025-01-01', '2027-01-01') AS r),
          ARRAY['01-05 09:00', '01-07 09:00', '01-12 09:00'], 'WEEKLY with BYDAY and COUNT');
SELECT is((SELECT array_agg(to_char(lower(r) AT TIME ZONE 'UTC', 'MM-DD')) FROM app_private.recurrence_occurrences(
             '2026-01-05 09:00', '1 hour', 'UTC', 'FREQ=WEEKLY;INTERVAL=2', '2026-01-01', '2026-02-01') AS r),
          ARRAY['01-05', '01-19'], 'WEEKLY with INTERVAL=2 skips every other week');
SELECT is((SELECT array_agg(to_char(lower(r) AT TIME ZONE 'UTC', 'MM-DD')) FROM app_private.recurrence_occurrences(
             '2026-01-05 09:00', '1 hour', 'UTC', 'FREQ=DAILY;UNTIL=20260107', '2026-01-01', '2026-02-01') AS r),
          ARRAY['01-05', '01-06', '01-07'], 'DAILY until a date (inclusive)');
SELECT is((SELECT array_agg(to_char(lower(r) AT TIME ZONE 'UTC', 'MM-DD')) FROM app_private.recurrence_occurrences(
             '2026-01-05 09:00', '1 hour', 'UTC', 'FREQ=DAILY;UNTIL=20260106T090000Z', '2026-01-01', '2026-02-01') AS r),
          ARRAY['01-05', '01-06'], 'DAILY until a UTC instant (inclusive)');
SELECT is((SELECT array_agg(to_char(lower(r) AT TIME ZONE 'UTC', 'MM-DD')) FROM app_private.recurrence_occurrences(
             '2026-01-05 09:00', '1 hour', 'UTC', 'FREQ=DAILY;BYDAY=SA,SU', '2026-01-01', '2026-01-12') AS r),
          ARRAY['01-10', '01-11'], 'DAILY with BYDAY keeps those days only');
SELECT is((SELECT array_agg(to_char(lower(r) AT TIME ZONE 'UTC', 'MM-DD HH24:MI')) FROM app_private.recurrence_occurrences(
             '2026-03-28 07:00', '1 hour', 'Europe/Berlin', 'FREQ=DAILY', '2026-03-28', '2026-03-30') AS r),
          ARRAY['03-28 06:00', '03-29 05:00'], '07:00 stays 07:00 wall-clock across the daylight-saving change');
SELECT is((SELECT count(*)::int FROM app_private.recurrence_occurrences(
             '2020-01-01 07:00', '1 hour', 'UTC', 'FREQ=DAILY', '2026-12-01', '2026-12-08') AS r),
          7, 'a rule started years ago yields only the occurrences in the window');
SELECT is((SELECT count(*)::int FROM app_private.recurrence_occurrences(
             '2026-01-05 23:00', '3 hours', 'UTC', NULL, '2026-01-06 01:00', '2026-01-06 02:00') AS r),
          1, 'a one-off block overlapping the window from the day before');
SELECT is(app_private.parse_recurrence('BYDAY=MO') ->> 'error', 'FREQ is required (DAILY or WEEKLY)', 'FREQ is required');
SELECT is(app_private.parse_recurrence('FREQ=DAILY;COUNT=3;UNTIL=20270101') ->> 'error', 'UNTIL and COUNT cannot both be given',
  'UNTIL and COUNT exclude each other');

-- Blocks -----------------------------------------------------------------
SELECT tests.act_as(tests.recall('tech'), tests.recall('lab'));
SELECT is(tests.refusal(format($$INSERT INTO app.instrument_blocks (equipment_id, kind, title, first_start, duration)
                                 VALUES (%L, 'maintenance', 'PM', '2027-01-01 07:00', '1 hour')$$, tests.recall('hplc'))),
  'PT403 permission.missing', 'a technician does not write blocks');
SELECT tests.act_as(tests.recall('manager'), tests.recall('lab'));
INSERT INTO app.instrument_blocks (equipment_id, kind, title, first_start, duration, recurrence)
VALUES (tests.recall('hplc'), 'availability', 'Opening hours', date_trunc('week', now() AT TIME ZONE 'Europe/Berlin') + time '07:00', '12 hours',
        'FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR'),
       (tests.recall('hplc'), 'maintenance', 'Weekly PM', date_trunc('week', now() AT TIME ZONE 'Europe/Berlin') + interval '2 days 7 hours', '2 hours',
        'freq=weekly'),
       (tests.recall('hplc'), 'calibration', 'Quarterly calibration', tests.next_week_at(5, '07:00', 'Europe/Berlin') AT TIME ZONE 'Europe/Berlin',
        '12 hours', NULL);
SELECT is((SELECT array_agg(DISTINCT time_zone) FROM app.instrument_blocks WHERE equipment_id = tests.recall('hplc')), ARRAY['Europe/Berlin'],
  'a block''s time zone defaults to its instrument''s site''s');
SELECT is((SELECT recurrence FROM app.instrument_blocks WHERE title = 'Weekly PM'), 'FREQ=WEEKLY', 'the rule is kept in upper case');
SELECT is(tests.refusal(format($$INSERT INTO app.instrument_blocks (equipment_id, kind, title, first_start, duration, recurrence)
                                 VALUES (%L, 'maintenance', 'PM', '2027-01-01 07:00', '1 hour', 'FREQ=MONTHLY')$$, tests.recall('hplc'))),
  'PT422 instrument_block.recurrence_invalid', 'an unsupported rule is refused');
SELECT is(tests.refusal(format($$INSERT INTO app.instrument_blocks (equipment_id, kind, title, first_start, duration, time_zone)
                                 VALUES (%L, 'maintenance', 'PM', '2027-01-01 07:00', '1 hour', 'Mars/Olympus')$$, tests.recall('hplc'))),
  'PT422 instrument_block.time_zone_unknown', 'an unknown time zone is refused');
SELECT tests.remember('gauge', tests.create_equipment(tests.recall('lab'), tests.create_equipment_class(tests.recall('lab')), tests.recall('lab_site')));
SELECT is(tests.refusal(format($$INSERT INTO app.instrument_blocks (equipment_id, kind, title, first_start, duration)
                                 VALUES (%L, 'maintenance', 'PM', '2027-01-01 07:00', '1 hour')$$, tests.recall('gauge'))),
  'PT422 instrument.not_instrument', 'only instruments are scheduled');

-- Booking ----------------------------------------------------------------
SELECT tests.act_as(tests.recall('tech'), tests.recall('lab'));
SELECT tests.remember('booking', (app.book_instrument(tests.recall('hplc'), tests.next_week_at(1, '09:00', 'Europe/Berlin'),
                                                      tests.next_week_at(1, '11:00', 'Europe/Berlin'), 'Stability batch 7 assay')).id);
SELECT is((SELECT (status, user_id, booked_by)::text FROM app.instrument_reservations WHERE id = tests.recall('booking')),
          (SELECT ('active', tests.recall('tech'), tests.recall('tech'))::text), 'a qualified technician books a free window for themselves');
SELECT tests.act_as(tests.recall('tech2'), tests.recall('lab'));
SELECT is(tests.refusal(format($$SELECT app.book_instrument(%L, %L, %L, 'Other work')$$, tests.recall('hplc'),
                               tests.next_week_at(1, '10:00', 'Europe/Berlin'), tests.next_week_at(1, '12:00', 'Europe/Berlin'))),
  'PT409 reservation.conflict', 'an overlapping booking is refused');
SELECT is(tests.refusal_message(format($$SELECT app.book_instrument(%L, %L, %L, 'Other work')$$, tests.recall('hplc'),
                               tests.next_week_at(1, '10:00', 'Europe/Berlin'), tests.next_week_at(1, '12:00', 'Europe/Berlin'))),
  format('%s is already booked from %s to %s | The window [%s, %s) is taken: pick a free slot (instrument_availability).',
         (SELECT equipment_number FROM app.equipment WHERE id = tests.recall('hplc')),
         to_char(tests.next_week_at(1, '09:00', 'Europe/Berlin') AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'),
         to_char(tests.next_week_at(1, '11:00', 'Europe/Berlin') AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'),
         to_char(tests.next_week_at(1, '09:00', 'Europe/Berlin') AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'),
         to_char(tests.next_week_at(1, '11:00', 'Europe/Berlin') AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')),
  'the conflict names the taken window, not what or who it is for, to a colleague');
SELECT is(tests.refusal(format($$INSERT INTO app.instrument_reservations (equipment_id, purpose, during) VALUES (%L, 'Direct', tstzrange(%L, %L))$$,
                               tests.recall('hplc'), tests.next_week_at(1, '08:00', 'Europe/Berlin'), tests.next_week_at(1, '09:30', 'Europe/Berlin'))),
  'PT409 reservation.conflict', 'a direct insert is refused the same way');
SELECT isnt((SELECT app.book_instrument(tests.recall('hplc'), tests.next_week_at(1, '11:00', 'Europe/Berlin'),
                                        tests.next_week_at(1, '13:00', 'Europe/Berlin'), 'Adjacent run')), NULL,
  'a window that starts where another ends is free ([start, end) windows)');
SELECT is((SELECT count(*)::int FROM app.instrument_reservations WHERE id = tests.recall('booking')), 0,
  'a colleague does not read another''s booking');
SELECT tests.act_as(tests.recall('manager'), tests.recall('lab'));
SELECT ok(tests.refusal_message(format($$SELECT app.book_instrument(%L, %L, %L, 'x')$$, tests.recall('hplc'),
                               tests.next_week_at(1, '10:00', 'Europe/Berlin'), tests.next_week_at(1, '10:30', 'Europe/Berlin')))
          LIKE '%for Stability batch 7 assay)%', 'a scheduler is told what the taken window is booked for');
SELECT is((SELECT count(*)::int FROM app.instrument_reservations WHERE equipment_id = tests.recall('hplc')), 2, 'a scheduler reads every booking');

SELECT tests.act_as(tests.recall('tech'), tests.recall('lab'));
SELECT is(tests.refusal(format($$SELECT app.book_instrument(%L, %L, %L, 'x')$$, tests.recall('hplc'),
                               tests.next_week_at(3, '08:00', 'Europe/Berlin'), tests.next_week_at(3, '10:00', 'Europe/Berlin'))),
  'PT409 reservation.in_maintenance', 'a window overlapping a maintenance block is refused');
SELECT ok(tests.refusal_message(format($$SELECT app.book_instrument(%L, %L, %L, 'x')$$, tests.recall('hplc'),
                               tests.next_week_at(3, '08:00', 'Europe/Berlin'), tests.next_week_at(3, '10:00', 'Europe/Berlin')))
          LIKE '%blocked for Weekly PM (maintenance) from ' || to_char(tests.next_week_at(3, '07:00', 'Europe/Berlin') AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') || '%',
  'the refusal names the block and its window');
SELECT is(tests.refusal(format($$SELECT app.book_instrument(%L, %L, %L, 'x')$$, tests.recall('hplc'),
                               tests.next_week_at(5, '12:00', 'Europe/Berlin'), tests.next_week_at(5, '13:00', 'Europe/Berlin'))),
  'PT409 reservation.blocked', 'a window overlapping a calibration block is refused');
SELECT is(tests.refusal(format($$SELECT app.book_instrument(%L, %L, %L, 'x')$$, tests.recall('hplc'),
                               tests.next_week_at(2, '18:00', 'Europe/Berlin'), tests.next_week_at(2, '20:00', 'Europe/Berlin'))),
  'PT409 reservation.outside_availability', 'a window running past the availability window is refused');
SELECT is(tests.refusal(format($$SELECT app.book_instrument(%L, %L, %L, 'x')$$, tests.recall('hplc'),
                               tests.next_week_at(6, '09:00', 'Europe/Berlin'), tests.next_week_at(6, '10:00', 'Europe/Berlin'))),
  'PT409 reservation.outside_availability', 'a Saturday is outside Mon-Fri availability');
SELECT is(tests.refusal(format($$SELECT app.book_instrument(%L, %L, %L, 'x')$$, tests.recall('hplc'),
                               now() - interval '3 hours', now() - interval '2 hours')),
  'PT422 reservation.in_past', 'a window in the past is refused');
SELECT is(tests.refusal(format($$SELECT app.book_instrument(%L, %L, %L, 'x', %L)$$, tests.recall('hplc'),
                               tests.next_week_at(4, '09:00', 'Europe/Berlin'), tests.next_week_at(4, '10:00', 'Europe/Berlin'), tests.recall('tech2'))),
  'PT403 permission.missing', 'a technician does not book for someone else');
SELECT is(tests.refusal(format($$UPDATE app.instrument_reservations SET status = 'cancelled' WHERE id = %L$$, tests.recall('booking'))),
  '42501', 'the status is not written directly');
SELECT is(tests.refusal(format($$UPDATE app.instrument_reservations SET during = tstzrange(%L, %L) WHERE id = %L$$,
                               tests.next_week_at(1, '10:00', 'Europe/Berlin'), tests.next_week_at(1, '12:00', 'Europe/Berlin'), tests.recall('booking'))),
  'PT409 reservation.conflict', 'moving a booking onto another is refused');

SELECT tests.act_as(tests.recall('novice'), tests.recall('lab'));
SELECT is(tests.refusal(format($$SELECT app.book_instrument(%L, %L, %L, 'x')$$, tests.recall('hplc'),
                               tests.next_week_at(4, '09:00', 'Europe/Berlin'), tests.next_week_at(4, '10:00', 'Europe/Berlin'))),
  'PT403 reservation.not_qualified', 'someone without the class''s qualification is refused');
SELECT tests.act_as(tests.recall('leaving'), tests.recall('lab'));
SELECT is(tests.refusal(format($$SELECT app.book_instrument(%L, %L, %L, 'x')$$, tests.recall('hplc'),
                               tests.next_week_at(2, '09:00', 'Europe/Berlin'), tests.next_week_at(2, '11:00', 'Europe/Berlin'))),
  'PT403 reservation.not_qualified', 'a qualification that lapses during the window is not enough');
SELECT isnt((SELECT app.book_instrument(tests.recall('hplc'), tests.next_week_at(2, '08:00', 'Europe/Berlin'),
                                        tests.next_week_at(2, '10:00', 'Europe/Berlin'), 'Before it lapses')), NULL,
  'a window inside the qualification''s validity is booked');
SELECT tests.act_as(tests.recall('auditor'), tests.recall('lab'));
SELECT is(tests.refusal(format($$SELECT app.book_instrument(%L, %L, %L, 'x')$$, tests.recall('hplc'),
                               tests.next_week_at(4, '09:00', 'Europe/Berlin'), tests.next_week_at(4, '10:00', 'Europe/Berlin'))),
  'PT403 permission.missing', 'without instrument.book nobody books');
SELECT tests.act_as(tests.recall('tech_elsewhere'), tests.recall('lab'));
SELECT is(tests.refusal(format($$SELECT app.book_instrument(%L, %L, %L, 'x')$$, tests.recall('hplc'),
                               tests.next_week_at(4, '09:00', 'Europe/Berlin'), tests.next_week_at(4, '10:00', 'Europe/Berlin'))),
  'PT404 equipment.not_found', 'a technician of another site does not see the instrument');
SELECT tests.act_as(tests.recall('b_admin'), tests.recall('b'));
SELECT is(tests.refusal(format($$SELECT app.book_instrument(%L, %L, %L, 'x')$$, tests.recall('hplc'),
                               tests.next_week_at(4, '09:00', 'Europe/Berlin'), tests.next_week_at(4, '10:00', 'Europe/Berlin'))),
  'PT404 equipment.not_found', 'another tenant cannot book it');
SELECT tests.act_as(tests.recall('manager'), tests.recall('lab'));
SELECT is((SELECT user_id FROM app.book_instrument(tests.recall('hplc'), tests.next_week_at(4, '09:00', 'Europe/Berlin'),
                                                   tests.next_week_at(4, '10:00', 'Europe/Berlin'), 'For the new hire', tests.recall('tech2'))),
  tests.recall('tech2'), 'a scheduler books for a qualified colleague');
SELECT is(tests.refusal(format($$SELECT app.book_instrument(%L, %L, %L, 'x', %L)$$, tests.recall('hplc'),
                               tests.next_week_at(4, '11:00', 'Europe/Berlin'), tests.next_week_at(4, '12:00', 'Europe/Berlin'), tests.recall('novice'))),
  'PT403 reservation.not_qualified', 'not for an unqualified one');

-- Calibration and status of the instrument.
SELECT tests.act_as_owner();
SELECT tests.remember('short', tests.create_instrument(tests.recall('lab'), tests.recall('hplc_class'), tests.recall('lab_site'), false));
SELECT tests.remember('short_calibration', tests.calibrate(tests.recall('short'), now() - interval '300 days', 'pass', tests.next_week_at(2, '12:00', 'Europe/Berlin')));
SELECT tests.remember('uncalibrated', tests.create_instrument(tests.recall('lab'), tests.recall('hplc_class'), tests.recall('lab_site'), false));
SELECT tests.remember('serviced', tests.create_instrument(tests.recall('lab'), tests.recall('hplc_class'), tests.recall('lab_site')));
UPDATE app.equipment SET status = 'under_maintenance' WHERE id = tests.recall('serviced');
SELECT tests.act_as(tests.recall('tech'), tests.recall('lab'));
SELECT is(tests.refusal(format($$SELECT app.book_instrument(%L, %L, %L, 'x')$$, tests.recall('short'),
                               tests.next_week_at(2, '11:00', 'Europe/Berlin'), tests.next_week_at(2, '13:00', 'Europe/Berlin'))),
  'PT409 reservation.calibration_expires', 'a window that outlasts the calibration is refused');
SELECT isnt((SELECT app.book_instrument(tests.recall('short'), tests.next_week_at(2, '10:00', 'Europe/Berlin'),
                                        tests.next_week_at(2, '12:00', 'Europe/Berlin'), 'Last run before calibration')), NULL,
  'a window that ends when the calibration does is booked');
SELECT is(tests.refusal(format($$SELECT app.book_instrument(%L, %L, %L, 'x')$$, tests.recall('uncalibrated'),
                               tests.next_week_at(2, '11:00', 'Europe/Berlin'), tests.next_week_at(2, '13:00', 'Europe/Berlin'))),
  'PT409 reservation.not_calibrated', 'an instrument never calibrated is refused');
SELECT is(tests.refusal(format($$SELECT app.book_instrument(%L, %L, %L, 'x')$$, tests.recall('serviced'),
                               tests.next_week_at(2, '11:00', 'Europe/Berlin'), tests.next_week_at(2, '13:00', 'Europe/Berlin'))),
  'PT409 reservation.in_maintenance', 'an instrument under maintenance is refused');

-- Cancelling.
SELECT tests.act_as(tests.recall('tech2'), tests.recall('lab'));
SELECT is(tests.refusal(format($$SELECT app.cancel_instrument_reservation(%L, 'mine now')$$, tests.recall('booking'))),
  'PT404 reservation.not_found', 'a colleague cannot cancel another''s booking');
SELECT tests.act_as(tests.recall('tech'), tests.recall('lab'));
SELECT is((SELECT (status, cancel_reason)::text FROM app.cancel_instrument_reservation(tests.recall('booking'), 'Batch postponed')),
  '(cancelled,"Batch postponed")', 'the operator cancels their booking, with a reason');
SELECT is(tests.refusal(format($$SELECT app.cancel_instrument_reservation(%L)$$, tests.recall('booking'))),
  'PT409 reservation.cancelled', 'a booking is cancelled once');
SELECT tests.act_as(tests.recall('tech2'), tests.recall('lab'));
SELECT isnt((SELECT app.book_instrument(tests.recall('hplc'), tests.next_week_at(1, '09:00', 'Europe/Berlin'),
                                        tests.next_week_at(1, '11:00', 'Europe/Berlin'), 'Freed slot')), NULL,
  'a cancelled booking frees its window');

-- The exclusion constraint stands behind the trigger.
SELECT tests.act_as_owner();
ALTER TABLE app.instrument_reservations DISABLE TRIGGER _200_prepare;
SELECT is(left(tests.refusal(format($$INSERT INTO app.instrument_reservations (organization_id, equipment_id, user_id, purpose, during)
                                 VALUES (%L, %L, %L, 'Racing', tstzrange(%L, %L))$$, tests.recall('lab'), tests.recall('hplc'), tests.recall('tech'),
                               tests.next_week_at(1, '10:00', 'Europe/Berlin'), tests.next_week_at(1, '10:30', 'Europe/Berlin'))), 5),
  '23P01', 'two active bookings of an instrument never overlap, whatever path writes them');
ALTER TABLE app.instrument_reservations ENABLE TRIGGER _200_prepare;

-- Free slots -------------------------------------------------------------
-- hplc, Monday to Wednesday of next week (Berlin): open 07:00-19:00 on
-- weekdays; Monday 09:00-13:00 booked (tech2, twice); Tuesday
-- 08:00-10:00 booked (leaving); Wednesday 07:00-09:00 maintenance.
SELECT tests.act_as(tests.recall('tech'), tests.recall('lab'));
SELECT is((SELECT array_agg(to_char(slot_start AT TIME ZONE 'Europe/Berlin', 'ID HH24:MI') || '-' || to_char(slot_end AT TIME ZONE 'Europe/Berlin', 'HH24:MI')
                            ORDER BY slot_start)
             FROM app.instrument_availability(ARRAY[tests.recall('hplc')], tests.next_week_at(1, '00:00', 'Europe/Berlin'),
                                              tests.next_week_at(4, '00:00', 'Europe/Berlin'), '1 hour')),
          ARRAY['1 07:00-09:00', '1 13:00-19:00', '2 07:00-08:00', '2 10:00-19:00', '3 09:00-19:00'],
          'free slots: availability windows minus bookings (whoever made them) and blocks');
SELECT is((SELECT count(*)::int FROM app.instrument_availability(ARRAY[tests.recall('hplc')], tests.next_week_at(1, '00:00', 'Europe/Berlin'),
                                              tests.next_week_at(4, '00:00', 'Europe/Berlin'), '2 hours 30 minutes')),
          3, 'slots shorter than min_duration are left out');
SELECT is((SELECT max(slot_end) FROM app.instrument_availability(ARRAY[tests.recall('short')], tests.next_week_at(1, '00:00', 'Europe/Berlin'),
                                              tests.next_week_at(4, '00:00', 'Europe/Berlin'))),
          tests.next_week_at(2, '10:00', 'Europe/Berlin'), 'no free time after the calibration expires (nor in the booking before it)');
SELECT is((SELECT count(*)::int FROM app.instrument_availability(ARRAY[tests.recall('serviced'), tests.recall('uncalibrated')],
                                              tests.next_week_at(1, '00:00', 'Europe/Berlin'), tests.next_week_at(4, '00:00', 'Europe/Berlin'))),
          0, 'no free time on an instrument under maintenance or never calibrated');
SELECT is(tests.refusal(format($$SELECT * FROM app.instrument_availability(ARRAY[%L]::uuid[], %L, %L)$$, tests.recall('hplc'),
                               tests.next_week_at(2, '00:00'), tests.next_week_at(1, '00:00'))),
  'PT422 availability.range_invalid', 'from must come before to');

-- The calendar shows a colleague's booking without its purpose.
SELECT tests.act_as(tests.recall('tech2'), tests.recall('lab'));
SELECT is((SELECT array_agg(coalesce(title, '(taken)') ORDER BY starts_at)
             FROM app.instrument_calendar(ARRAY[tests.recall('hplc')], tests.next_week_at(1, '00:00', 'Europe/Berlin'),
                                          tests.next_week_at(5, '00:00', 'Europe/Berlin'))
            WHERE entry_kind = 'reservation'),
          ARRAY['Freed slot', 'Adjacent run', '(taken)', 'For the new hire'], 'the calendar names one''s own bookings and only the window of others''');
SELECT is((SELECT count(*)::int FROM app.instrument_calendar(ARRAY[tests.recall('hplc')], tests.next_week_at(1, '00:00', 'Europe/Berlin'),
                                          tests.next_week_at(5, '00:00', 'Europe/Berlin'))
            WHERE entry_kind = 'reservation' AND reservation_id IS NULL AND operator_id IS NULL), 1,
          'nor who booked it');

-- Another site, another tenant, a portal user: nothing.
SELECT tests.act_as(tests.recall('tech_elsewhere'), tests.recall('lab'));
SELECT is((SELECT count(*)::int FROM app.instrument_availability(ARRAY[tests.recall('hplc')], tests.next_week_at(1, '00:00'), tests.next_week_at(2, '00:00')))
          + (SELECT count(*)::int FROM app.instrument_calendar(ARRAY[tests.recall('hplc')], tests.next_week_at(1, '00:00'), tests.next_week_at(2, '00:00')))
          + (SELECT count(*)::int FROM app.instrument_blocks), 0, 'a technician of another site sees nothing of the instrument');
SELECT tests.act_as(tests.recall('portal'), tests.recall('lab'));
SELECT is((SELECT count(*)::int FROM app.instrument_availability(ARRAY[tests.recall('hplc')], tests.next_week_at(1, '00:00'), tests.next_week_at(2, '00:00')))
          + (SELECT count(*)::int FROM app.instrument_reservations), 0, 'a portal user sees nothing');
SELECT tests.act_as(tests.recall('b_admin'), tests.recall('b'));
SELECT is((SELECT count(*)::int FROM app.instrument_availability(ARRAY[tests.recall('hplc')], tests.next_week_at(1, '00:00'), tests.next_week_at(2, '00:00')))
          + (SELECT count(*)::int FROM app.instrument_calendar(ARRAY[tests.recall('hplc')], tests.next_week_at(1, '00:00'), tests.next_week_at(2, '00:00')))
          + (SELECT count(*)::int FROM app.instrument_reservations) + (SELECT count(*)::int FROM app.instrument_blocks)
          + (SELECT count(*)::int FROM app.equipment_class_qualifications), 0, 'another tenant sees nothing');
SELECT is(tests.refusal(format($$SELECT app.cancel_instrument_reservation(%L)$$, tests.recall('booking'))),
  'PT404 reservation.not_found', 'nor cancels');

-- Class qualifications: equipment.manage writes them.
SELECT tests.act_as(tests.recall('tech'), tests.recall('lab'));
SELECT is(tests.refusal(format($$INSERT INTO app.equipment_class_qualifications (class_id, qualification_id) VALUES (%L, %L)$$,
                               tests.recall('hplc_class'), tests.create_qualification(tests.recall('lab')))),
  'PT403 permission.missing', 'a technician does not change who may operate a class');

SELECT * FROM finish();
ROLLBACK;
