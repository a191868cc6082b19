-- Honest dashboards: early and late deliveries reported apart (never one
-- signed average), cancelled projects left out of delivery and workflow
-- health figures, rates empty when there is nothing to divide by, and
-- approval cycle times measured from request to decision.
BEGIN;
SELECT plan(11);

SELECT tests.remember('tenant', tests.create_workflow_tenant());

-- Deliveries in one month against a promise on the 15th: 4 and 2 days
-- early, on the date, 6 days late, one without a promise, and a cancelled
-- late one that must not count.
CREATE FUNCTION pg_temp.delivered(p_title text, p_promised date, p_delivered date, p_cancel boolean DEFAULT false) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
  v_id uuid := tests.create_project(tests.recall('tenant'), p_title => p_title, p_promised_due_date => p_promised);
BEGIN
  UPDATE app.projects SET delivered_at = p_delivered + time '12:00' WHERE id = v_id;
  IF p_cancel THEN
    UPDATE app.projects SET status = 'cancelled' WHERE id = v_id;
  END IF;
END
$$;
SELECT pg_temp.delivered('Early by 4', date '2026-03-15', date '2026-03-11');
SELECT pg_temp.delivered('Early by 2', date '2026-03-15', date '2026-03-13');
SELECT pg_temp.delivered('On the date', date '2026-03-15', date '2026-03-15');
SELECT pg_temp.delivered('Late by 6', date '2026-03-15', date '2026-03-21');
SELECT pg_temp.delivered('No promise', NULL, date '2026-03-20');
SELECT pg_temp.delivered('Cancelled, late', date '2026-03-01', date '2026-03-25', true);

SELECT tests.act_as_role(tests.recall('tenant'), 'management');
SELECT results_eq(
  $$SELECT delivered_count, promised_count, delivered_early_count, delivered_on_time_count, delivered_late_count
      FROM app.on_time_delivery WHERE month = date '2026-03-01'$$,
  $$VALUES (5, 4, 2, 1, 1)$$,
  'on-time delivery counts early, on-the-date and late deliveries apart, cancelled projects left out');
SELECT is((SELECT on_time_rate FROM app.on_time_delivery WHERE month = date '2026-03-01'), 0.750,
          'the on-time rate is early or on the date over deliveries with a promise');
SELECT is((SELECT average_days_early FROM app.on_time_delivery WHERE month = date '2026-03-01'), 3.0,
          'the early ones were 3 days early on average');
SELECT is((SELECT average_days_late FROM app.on_time_delivery WHERE month = date '2026-03-01'), 6.0,
          'the late one was 6 days late: early deliveries do not net it away');
SELECT tests.act_as_owner();

-- A month with only an unpromised delivery: no rate and no averages, not zero.
SELECT pg_temp.delivered('No promise in April', NULL, date '2026-04-10');
SELECT tests.act_as_role(tests.recall('tenant'), 'management');
SELECT results_eq(
  $$SELECT delivered_count, on_time_rate, average_days_early, average_days_late FROM app.on_time_delivery WHERE month = date '2026-04-01'$$,
  $$VALUES (1, NULL::numeric, NULL::numeric, NULL::numeric)$$,
  'a month without promises has no rate and no averages');
SELECT tests.act_as_owner();

-- Workflow health leaves cancelled projects out.
SELECT tests.remember('stalled', tests.create_project(tests.recall('tenant'), p_title => 'Stalled'));
SELECT tests.act_as_role(tests.recall('tenant'), 'sales');
SELECT tests.remember('blocked', (app.update_progress(tests.recall('stalled'), tests.id_of_sub_stage(tests.recall('tenant'), 'rfq-review'),
                                                     'block', 'Waiting for the customer')).id);
SELECT tests.act_as_owner();
UPDATE app.project_sub_stage_progress SET due_at = now() - interval '2 days' WHERE project_id = tests.recall('stalled');
SELECT tests.act_as_role(tests.recall('tenant'), 'management');
SELECT is((SELECT sum(blocked_count)::int FROM app.blocked_reasons), 1, 'a running project''s blocked sub-stage counts');
SELECT ok((SELECT overdue_sub_stages > 0 FROM app.project_overview WHERE project_id = tests.recall('stalled')),
          'and its overdue sub-stages show');
UPDATE app.projects SET status = 'cancelled' WHERE id = tests.recall('stalled');
SELECT is((SELECT coalesce(sum(blocked_count), 0)::int FROM app.blocked_reasons), 0, 'once cancelled, it is no longer counted as blocked');
SELECT results_eq($$SELECT open_sub_stages, overdue_sub_stages, blocked_sub_stages FROM app.project_overview
                     WHERE project_id = tests.recall('stalled')$$,
                  $$VALUES (0, 0, 0)$$, 'nor as open, overdue or blocked in the overview');
SELECT tests.act_as_owner();

-- Cycle times: request to decision.
SELECT tests.remember('reviewed', tests.create_project(tests.recall('tenant'), p_title => 'Reviewed'));
SELECT tests.drive_project(tests.recall('reviewed'), 'supplier-rfq');
UPDATE app.approvals SET created_at = decided_at - interval '10 hours'
 WHERE project_id = tests.recall('reviewed') AND approval_type = 'technical_review';
SELECT tests.act_as_role(tests.recall('tenant'), 'management');
SELECT results_eq($$SELECT decided_count, approved_count, average_hours FROM app.approval_cycle_times
                     WHERE approval_type = 'technical_review'$$,
                  $$VALUES (1, 1, 10.00)$$, 'cycle time is the span from request to decision');
SELECT is((SELECT count(*)::int FROM app.approval_cycle_times WHERE approval_type = 'quote_approval'), 0,
          'a type with no decision has no row (no average of nothing)');
SELECT * FROM finish();
ROLLBACK;
