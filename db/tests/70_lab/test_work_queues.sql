-- Work queues and SLA views: each caller sees the open work that is theirs
-- or their roles' (analyses, results to review and release, SOP tasks,
-- requests to accept), with where it stands against its due date, as their
-- row-level security sees it; portal users and another tenant see nothing.
BEGIN;
SELECT plan(12);

SELECT tests.remember('lab', tests.create_lab_tenant());
SELECT tests.remember('b', tests.create_tenant());
SELECT tests.remember('other_site', tests.create_site(tests.recall('lab')));
SELECT tests.remember('manager', tests.create_member(tests.recall('lab'), 'lab_manager'));
SELECT tests.remember('tech', tests.create_member(tests.recall('lab'), 'lab_tech', tests.recall('lab_site')));
SELECT tests.remember('tech_elsewhere', tests.create_member(tests.recall('lab'), 'lab_tech', tests.recall('other_site')));
SELECT tests.remember('reviewer', tests.create_member(tests.recall('lab'), 'lab_reviewer'));
SELECT tests.remember('portal', tests.create_member(tests.recall('lab'), 'customer_portal', NULL, tests.recall('customer')));
SELECT tests.remember('b_admin', tests.create_member(tests.recall('b'), 'admin'));
SELECT tests.remember('sample', tests.create_sample(tests.recall('lab'), tests.recall('water'), tests.recall('lab_site'), tests.recall('customer')));
SELECT tests.set_sample_status(tests.recall('lab'), tests.recall('sample'), 'received');
-- An unassigned analysis due in 3 days, one of the technician's overdue, one of the technician's resulted by them.
INSERT INTO app.analyses (organization_id, sample_id, lab_test_id, due_at)
VALUES (tests.recall('lab'), tests.recall('sample'), tests.recall('ph'), now() + interval '3 days');
INSERT INTO app.analyses (organization_id, sample_id, lab_test_id, assigned_to, due_at)
VALUES (tests.recall('lab'), tests.recall('sample'), tests.recall('ph'), tests.recall('tech'), now() - interval '1 day');
-- The third is resulted the way every path does it: a result inserted on the
-- pending analysis (the result rules refuse one on a resulted analysis).
WITH a AS (
  INSERT INTO app.analyses (organization_id, sample_id, lab_test_id, assigned_to, due_at)
  VALUES (tests.recall('lab'), tests.recall('sample'), tests.recall('ph'), tests.recall('tech'), now() + interval '1 day')
  RETURNING id)
SELECT tests.remember('resulted', (SELECT id FROM a));
INSERT INTO app.results (organization_id, analysis_id, value)
VALUES (tests.recall('lab'), tests.recall('resulted'), '{"value": 7}');
UPDATE app.results SET entered_by = tests.recall('tech');
-- An SOP task of the technician's due in 12 hours; a submitted request at the lab site.
SELECT tests.remember('task', tests.create_sop_task(tests.recall('lab'), tests.create_sop_template(tests.recall('lab')), 'sample',
                                                    tests.recall('sample'), tests.recall('tech'), now() + interval '12 hours'));
INSERT INTO app.service_requests (organization_id, title, site_id, requested_tests) VALUES (tests.recall('lab'), 'Well survey', tests.recall('lab_site'), ARRAY['ph']);

SELECT tests.act_as(tests.recall('tech'), tests.recall('lab'));
SELECT is((SELECT array_agg(kind || ':' || sla_state || ':' || is_mine ORDER BY kind, due_at) FROM app.lab_work_queue),
  ARRAY['analysis:overdue:true', 'analysis:on_track:false', 'sop_task:due_soon:true'],
  'a technician''s queue: their analyses and tasks, and unassigned analyses they may enter, with the SLA state (not their own result to review)');
SELECT is((SELECT count(*)::int FROM app.lab_work_queue WHERE kind = 'result_review'), 0, 'nobody reviews their own result (four eyes)');
SELECT tests.act_as(tests.recall('reviewer'), tests.recall('lab'));
SELECT is((SELECT array_agg(kind ORDER BY kind) FROM app.lab_work_queue), ARRAY['result_review'],
  'a reviewer''s queue: results others entered, to review');
SELECT tests.act_as(tests.recall('manager'), tests.recall('lab'));
SELECT is((SELECT array_agg(DISTINCT kind ORDER BY kind) FROM app.lab_work_queue), ARRAY['analysis', 'result_review', 'service_request'],
  'a lab manager''s queue: unassigned analyses, reviews, requests to accept (others'' tasks are theirs)');
SELECT is((SELECT array_agg(kind || ':' || sla_state ORDER BY kind, due_at) FROM app.lab_sla),
  ARRAY['analysis:overdue', 'analysis:due_soon', 'analysis:on_track', 'service_request:no_due_date', 'sop_task:due_soon'],
  'the SLA view lists every open request, analysis and task with its state');
SELECT ok((SELECT hours_left < 0 FROM app.lab_sla WHERE sla_state = 'overdue'), 'an overdue item has negative hours left');
SELECT is((SELECT jsonb_build_object('open', open_items, 'overdue', overdue, 'due_soon', due_soon)
             FROM app.lab_sla_by_assignee WHERE assigned_to = tests.recall('tech')),
  '{"open": 3, "overdue": 1, "due_soon": 2}', 'the SLA by assignee counts each person''s open, overdue and due-soon work');
SELECT is((SELECT open_items::int FROM app.lab_sla_by_assignee WHERE assigned_to IS NULL), 1, 'unassigned work is counted apart');

SELECT tests.act_as(tests.recall('tech_elsewhere'), tests.recall('lab'));
SELECT is_empty($$SELECT 1 FROM app.lab_work_queue UNION ALL SELECT 1 FROM app.lab_sla$$,
  'a technician of another site sees none of this site''s work');
SELECT tests.act_as(tests.recall('portal'), tests.recall('lab'));
SELECT is_empty($$SELECT 1 FROM app.lab_work_queue UNION ALL SELECT 1 FROM app.lab_sla$$, 'portal users have no work queue');
SELECT tests.act_as(tests.recall('b_admin'), tests.recall('b'));
SELECT is_empty($$SELECT 1 FROM app.lab_work_queue UNION ALL SELECT 1 FROM app.lab_sla UNION ALL SELECT 1 FROM app.lab_sla_by_assignee$$,
  'another tenant sees none of it');
SELECT tests.act_as_owner();
SELECT is((SELECT array_agg(auth.lab_sla_state(d, '2026-01-01 00:00Z') ORDER BY d NULLS LAST)
             FROM unnest(ARRAY['2025-12-31 23:00Z', '2026-01-02 00:00Z', '2026-01-04 00:00Z', NULL]::timestamptz[]) AS d),
  ARRAY['overdue', 'due_soon', 'on_track', 'no_due_date'], 'the SLA states: overdue, due within 48 hours, on track, no due date');

SELECT * FROM finish();
ROLLBACK;
