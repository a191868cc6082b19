-- The lab's KPIs: turnaround from receipt to release, backlog by status with
-- overdue analyses, OOS rate; refreshed concurrently by refresh-kpis; read
-- only in the caller's tenant and sites, never by portal users.
BEGIN;
SELECT plan(13);

SELECT tests.remember('lab', tests.create_lab_tenant());
SELECT tests.remember('b', tests.create_tenant());
SELECT tests.remember('other_site', tests.create_site(tests.recall('lab')));
SELECT tests.remember('manager', tests.create_member(tests.recall('lab'), 'lab_manager'));
SELECT tests.remember('tech_elsewhere', tests.create_member(tests.recall('lab'), 'lab_tech', tests.recall('other_site')));
SELECT tests.remember('portal', tests.create_member(tests.recall('lab'), 'customer_portal', NULL, tests.recall('customer')));
SELECT tests.remember('b_admin', tests.create_member(tests.recall('b'), 'admin'));

-- A sample received 48 hours before its result was released, one still in progress with an overdue analysis,
-- and an out-of-specification result (as the owner: the RPCs that get there have their own tests).
SELECT tests.act_as_owner();
SELECT tests.remember('done', tests.create_sample(tests.recall('lab'), tests.recall('water'), tests.recall('lab_site'), tests.recall('customer')));
SELECT tests.remember('open', tests.create_sample(tests.recall('lab'), tests.recall('water'), tests.recall('lab_site')));
SELECT tests.set_sample_status(tests.recall('lab'), s, 'received') FROM unnest(ARRAY[tests.recall('done'), tests.recall('open')]) AS s;
UPDATE app.samples SET received_at = now() - interval '50 hours' WHERE id = tests.recall('done');
INSERT INTO app.analyses (organization_id, sample_id, lab_test_id, due_at)
VALUES (tests.recall('lab'), tests.recall('done'), tests.recall('ph'), now() + interval '1 day'),
       (tests.recall('lab'), tests.recall('open'), tests.recall('ph'), now() - interval '1 hour');
INSERT INTO app.results (organization_id, analysis_id, value)
SELECT tests.recall('lab'), a.id, '{"value": 12}' FROM app.analyses AS a WHERE a.sample_id = tests.recall('done');
UPDATE app.results SET status = 'released', released_at = now() - interval '2 hours', spec_verdict = 'out_of_specification'
 WHERE sample_id = tests.recall('done');
UPDATE app.analyses SET status = 'released' WHERE sample_id = tests.recall('done');
SELECT tests.set_sample_status(tests.recall('lab'), tests.recall('done'), s::app.sample_status) FROM unnest(ARRAY['in_progress', 'completed', 'released']) AS s;

SELECT is(app_private.refresh_kpis() >= 3, true, 'the job refreshes every KPI view it finds');
SELECT lives_ok('SELECT app_private.refresh_kpis()', 'and refreshes them concurrently once populated (each has a unique index)');

SELECT tests.act_as(tests.recall('manager'), tests.recall('lab'));
SELECT is((SELECT (samples_released, median_hours) FROM app.lab_kpi_turnaround WHERE site_id = tests.recall('lab_site')),
  (1, 48.00::numeric), 'turnaround runs from receipt to the last release, in hours');
SELECT is((SELECT (open_count, overdue_count) FROM app.lab_kpi_backlog WHERE kind = 'analysis' AND status = 'pending'),
  (1, 1), 'the backlog counts open analyses and the overdue ones');
SELECT is((SELECT open_count FROM app.lab_kpi_backlog WHERE kind = 'sample' AND status = 'received'), 1,
  'and open samples by status (released ones are not backlog)');
SELECT is((SELECT (results_judged, out_of_specification, oos_percent) FROM app.lab_kpi_oos_rate WHERE test_code = 'ph'),
  (1, 1, 100.00::numeric), 'the OOS rate counts results judged against a specification');

-- The operational figures, from a tenant with a row in every lab table (a run, a booking tomorrow 09:00-11:00, an
-- open OOS investigation, a failed run).
SELECT tests.act_as_owner();
SELECT tests.remember('filled', tests.create_tenant());
SELECT tests.remember('filled_admin', tests.create_member(tests.recall('filled'), 'lab_manager'));
SELECT tests.remember('filled_site', tests.create_site(tests.recall('filled')));
SELECT tests.remember('filled_customer', tests.create_partner(tests.recall('filled')));
SELECT tests.fill_lab(tests.recall('filled'));
SELECT app_private.refresh_kpis()::text AS refreshed;
SELECT tests.act_as(tests.recall('filled_admin'), tests.recall('filled'));
SELECT is((SELECT (sum(runs_decided), sum(runs_failed), max(run_failure_percent))::text FROM app.lab_kpi_run_failures),
  '(1,1,100.00)', 'the run failure rate counts decided runs and the failed ones');
SELECT is((SELECT sum(booked_hours) FROM app.lab_kpi_instrument_utilization), 2.00::numeric,
  'utilization sums the hours booked per instrument and week');
SELECT is((SELECT (sum(open_count), sum(up_to_7_days))::text FROM app.lab_kpi_investigation_aging), '(1,1)',
  'investigation aging counts open OOS investigations by age');
SELECT tests.act_as(tests.recall('manager'), tests.recall('lab'));
SELECT is((SELECT count(*)::int FROM app.lab_kpi_run_failures) + (SELECT count(*)::int FROM app.lab_kpi_investigation_aging)
          + (SELECT count(*)::int FROM app.lab_kpi_instrument_utilization WHERE booked_hours > 0), 0,
  'another tenant''s operational figures stay with it');

SELECT tests.act_as(tests.recall('tech_elsewhere'), tests.recall('lab'));
SELECT is((SELECT count(*)::int FROM app.lab_kpi_turnaround) + (SELECT count(*)::int FROM app.lab_kpi_backlog)
          + (SELECT count(*)::int FROM app.lab_kpi_oos_rate), 0, 'a member scoped to another site sees none of this site''s figures');
SELECT tests.act_as(tests.recall('portal'), tests.recall('lab'));
SELECT is((SELECT count(*)::int FROM app.lab_kpi_turnaround) + (SELECT count(*)::int FROM app.lab_kpi_backlog), 0,
  'portal users see no KPIs');
SELECT tests.act_as(tests.recall('b_admin'), tests.recall('b'));
SELECT is((SELECT count(*)::int FROM app.lab_kpi_turnaround) + (SELECT count(*)::int FROM app.lab_kpi_backlog)
          + (SELECT count(*)::int FROM app.lab_kpi_oos_rate), 0, 'another tenant sees none of them');

SELECT * FROM finish();
ROLLBACK;
