-- Labour entries (issue #17 review): a technician logs their own time only
-- (someone else's is work_order.manage's: it makes that person a party to
-- the work), never time that has not passed; each work-order state refuses
-- with its own reason; a wrong entry is reversed (a negative entry naming
-- it, with a reason, once) by its author while the work is open or by a
-- planner until the work order closes; costs net it and a reversed entry no
-- longer bars its person from verifying. Rates and costs are read only by
-- planners and by each person for their own entries (column privileges and
-- app.labour_entry_costs). As a planner, technicians, a supervisor.
BEGIN;
SELECT plan(30);

SELECT tests.remember('t', tests.create_tenant());
SELECT tests.remember('plant', tests.create_site(tests.recall('t')));
SELECT tests.remember('class', tests.create_equipment_class(tests.recall('t'), p_requires_calibration => false));
SELECT tests.remember('pump', tests.create_equipment(tests.recall('t'), tests.recall('class'), tests.recall('plant'), NULL, 'Pump 1'));
SELECT tests.remember('planner', tests.create_member(tests.recall('t'), 'maintenance_planner'));
SELECT tests.remember('tech', tests.create_member(tests.recall('t'), 'technician', tests.recall('plant')));
SELECT tests.remember('tech2', tests.create_member(tests.recall('t'), 'technician', tests.recall('plant')));
SELECT tests.remember('sup', tests.create_member(tests.recall('t'), 'maintenance_supervisor'));

SELECT tests.act_as(tests.recall('planner'), tests.recall('t'));
SELECT app.set_labour_rate(40, 'EUR', user_id => tests.recall('tech'));
SELECT app.set_labour_rate(55, 'EUR', user_id => tests.recall('tech2'));
SELECT app.set_labour_rate(70, 'EUR', user_id => tests.recall('sup'));
SELECT tests.remember('wo', (app.create_work_order(tests.recall('pump'), 'corrective', 'Leak')).id);
SELECT tests.remember('dropped', (app.create_work_order(tests.recall('pump'), 'corrective', 'Noise')).id);
SELECT app.transition_work_order(tests.recall('dropped'), 'cancelled', 'duplicate');

-- The state of the work order.
SELECT tests.act_as(tests.recall('tech'), tests.recall('t'));
SELECT is(tests.refusal(format($$SELECT app.log_labour(%L, now() - interval '1 hour', hours => 1)$$, tests.recall('wo'))),
  'PT409 labour.work_order_not_started', 'a planned work order takes no labour yet: start it first');
SELECT is(tests.refusal(format($$SELECT app.log_labour(%L, now() - interval '1 hour', hours => 1)$$, tests.recall('dropped'))),
  'PT409 labour.work_order_cancelled', 'a cancelled one says so');
SELECT tests.act_as(tests.recall('planner'), tests.recall('t'));
SELECT app.schedule_work_order(tests.recall('wo'), tests.recall('tech'), now() - interval '3 hours', now() + interval '1 hour');
SELECT tests.act_as(tests.recall('tech'), tests.recall('t'));
SELECT app.transition_work_order(tests.recall('wo'), 'in_progress');

-- Whose time, and when.
SELECT is(tests.refusal(format($$SELECT app.log_labour(%L, now() - interval '1 hour', hours => 1, user_id => %L)$$, tests.recall('wo'), tests.recall('sup'))),
  'PT403 permission.missing', 'a technician does not log time in a colleague''s name');
SELECT is(tests.refusal(format($$SELECT app.log_labour(%L, '2030-01-01 08:00+00', hours => 8)$$, tests.recall('wo'))),
  'PT422 labour.in_future', 'nor time in the future (2030, 8 h)');
SELECT is(tests.refusal(format($$SELECT app.log_labour(%L, now() - interval '1 hour', ended_at => now() + interval '1 hour')$$, tests.recall('wo'))),
  'PT422 labour.in_future', 'nor time ending in the future');
SELECT is(tests.refusal(format($$SELECT app.log_labour(%L, now() - interval '1 hour', hours => 3)$$, tests.recall('wo'))),
  'PT422 labour.in_future', 'nor hours that run past now');
SELECT tests.remember('own', (app.log_labour(tests.recall('wo'), now() - interval '2 hours', hours => 1)).id);
SELECT tests.remember('own2', (app.log_labour(tests.recall('wo'), now() - interval '1 hour', ended_at => now() - interval '30 minutes')).id);
SELECT is((SELECT count(*)::integer FROM app.labour_entries WHERE work_order_id = tests.recall('wo')), 2, 'the technician logs their own time');
SELECT tests.act_as(tests.recall('planner'), tests.recall('t'));
SELECT tests.remember('for_sup', (app.log_labour(tests.recall('wo'), now() - interval '2 hours', hours => 1.5, user_id => tests.recall('sup'))).id);
SELECT is((SELECT user_id FROM app.labour_entries WHERE id = tests.recall('for_sup')), tests.recall('sup')::uuid,
  'a planner logs time in someone else''s name');

-- Rates and costs: the planner's, and each person's own.
SELECT tests.act_as(tests.recall('tech2'), tests.recall('t'));
SELECT is((SELECT count(*)::integer FROM app.labour_entries WHERE work_order_id = tests.recall('wo')), 3,
  'a technician of the plant reads every entry of the work order');
SELECT is(tests.refusal($$SELECT hourly_rate FROM app.labour_entries$$), '42501', 'but not their rates');
SELECT is(tests.refusal($$SELECT cost FROM app.labour_entries$$), '42501', 'nor their costs');
SELECT is((SELECT count(*)::integer FROM app.labour_entry_costs) + (SELECT coalesce(sum(labour_cost), 0)::integer FROM app.work_order_costs), 0,
  'nor a colleague''s cost through the cost views');
SELECT tests.act_as(tests.recall('tech'), tests.recall('t'));
SELECT is((SELECT array_agg(hourly_rate ORDER BY id) FROM app.labour_entry_costs), ARRAY[40, 40]::numeric[], 'the technician reads their own rate');
SELECT is((SELECT labour_cost FROM app.work_order_costs WHERE work_order_id = tests.recall('wo')), 60.00,
  'and their own labour cost in the roll-up (1.5 h x 40)');
SELECT tests.act_as(tests.recall('planner'), tests.recall('t'));
SELECT is((SELECT labour_cost FROM app.work_order_costs WHERE work_order_id = tests.recall('wo')), 165.00,
  'the planner reads the whole labour cost (1.5 h x 40 + 1.5 h x 70)');

-- Reversals.
SELECT tests.act_as(tests.recall('tech'), tests.recall('t'));
SELECT is(tests.refusal(format($$SELECT app.reverse_labour(%L, 'wrong')$$, tests.recall('for_sup'))), 'PT403 permission.missing',
  'a technician does not reverse an entry someone else recorded');
SELECT is(tests.refusal(format($$SELECT app.reverse_labour(%L, '  ')$$, tests.recall('own'))), 'PT422 labour.reason_required',
  'a reversal has a reason');
SELECT is(tests.refusal(format($$SELECT app.reverse_labour(%L, 'x')$$, gen_random_uuid())), 'PT404 labour.not_found', 'of an entry that exists');
SELECT tests.remember('reversal', (app.reverse_labour(tests.recall('own'), 'logged twice')).id);
SELECT is((SELECT row(reverses_id, hours, user_id, reversal_reason)::text FROM app.labour_entries WHERE id = tests.recall('reversal')),
  row(tests.recall('own')::uuid, -1::numeric, tests.recall('tech')::uuid, 'logged twice')::text,
  'the author reverses their entry: the same person, the hours negated, the reason');
SELECT is(tests.refusal(format($$SELECT app.reverse_labour(%L, 'again')$$, tests.recall('own'))), 'PT409 labour.already_reversed', 'once');
SELECT tests.act_as(tests.recall('planner'), tests.recall('t'));
SELECT is(tests.refusal(format($$SELECT app.reverse_labour(%L, 'undo')$$, tests.recall('reversal'))), 'PT409 labour.reversal_of_reversal',
  'a reversal is not reversed');
SELECT app.reverse_labour(tests.recall('for_sup'), 'logged in the wrong name');
SELECT is((SELECT labour_cost FROM app.work_order_costs WHERE work_order_id = tests.recall('wo')), 20.00,
  'costs net the reversals (only the half hour left: 0.5 h x 40)');
SELECT is((SELECT sum(hours) FROM app.labour_entries WHERE work_order_id = tests.recall('wo')), 0.50, 'and so do the hours');

-- The reversed entry no longer makes the supervisor a party to the work: they verify it.
SELECT tests.act_as(tests.recall('tech'), tests.recall('t'));
SELECT app.complete_work_order(tests.recall('wo'), tests.password(), 'Seal replaced');
SELECT tests.act_as(tests.recall('sup'), tests.recall('t'));
SELECT is((app.verify_work_order(tests.recall('wo'), tests.password(), 'Checked on site')).status, 'verified',
  'the supervisor whose wrongly logged time was reversed verifies the work order');

-- After verification: labour is final for its author; a planner still corrects it until the work order closes.
SELECT tests.act_as(tests.recall('tech'), tests.recall('t'));
SELECT is(tests.refusal(format($$SELECT app.log_labour(%L, now() - interval '1 hour', hours => 1)$$, tests.recall('wo'))),
  'PT409 labour.work_order_closed', 'a verified work order takes no more labour (not "start it first")');
SELECT is(tests.refusal(format($$SELECT app.reverse_labour(%L, 'late')$$, tests.recall('own2'))), 'PT403 permission.missing',
  'its author no longer reverses an entry');
SELECT tests.act_as(tests.recall('planner'), tests.recall('t'));
SELECT is((app.reverse_labour(tests.recall('own2'), 'the job was a warranty repair')).hours, -0.50, 'a planner still does');
SELECT app.transition_work_order(tests.recall('wo'), 'closed');
SELECT tests.act_as(tests.recall('tech'), tests.recall('t'));
SELECT is(tests.refusal(format($$SELECT app.log_labour(%L, now() - interval '1 hour', hours => 1)$$, tests.recall('wo'))),
  'PT409 labour.work_order_closed', 'a closed one neither');
SELECT tests.act_as(tests.recall('planner'), tests.recall('t'));
SELECT is(tests.refusal(format($$SELECT app.reverse_labour(%L, 'too late')$$, tests.recall('own'))), 'PT409 labour.work_order_closed',
  'and once closed nobody reverses its labour');
SELECT is((SELECT count(*)::integer FROM app.labour_entries WHERE work_order_id = tests.recall('wo')), 6,
  'every entry and reversal stays (append-only)');

SELECT * FROM finish();
ROLLBACK;
