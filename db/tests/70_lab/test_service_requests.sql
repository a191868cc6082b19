-- Service requests: customers' portal users submit and read only their own
-- partner's; the requested tests are published codes; lab staff accept and
-- cancel with status rules; the due date follows the turnaround SLA from the
-- first receipt; the request completes (released_at, event) when its last
-- sample is released or rejected; another tenant sees and changes nothing.
BEGIN;
SELECT plan(27);

SELECT tests.remember('lab', tests.create_lab_tenant());
SELECT tests.remember('b', tests.create_tenant());
SELECT tests.remember('other_site', tests.create_site(tests.recall('lab')));
SELECT tests.remember('other_customer', tests.create_partner(tests.recall('lab')));
SELECT tests.remember('tds', tests.create_lab_test(tests.recall('lab'), 'tds', p_turnaround_days => 9));
SELECT tests.remember('draft_test', tests.create_lab_test(tests.recall('lab'), 'cod', p_publish => false));
SELECT tests.remember('manager', tests.create_member(tests.recall('lab'), 'lab_manager'));
SELECT tests.remember('site_manager', tests.create_member(tests.recall('lab'), 'lab_manager', tests.recall('other_site')));
SELECT tests.remember('tech', tests.create_member(tests.recall('lab'), 'lab_tech', tests.recall('lab_site')));
SELECT tests.remember('portal', tests.create_member(tests.recall('lab'), 'customer_portal', NULL, tests.recall('customer')));
SELECT tests.remember('other_portal', tests.create_member(tests.recall('lab'), 'customer_portal', NULL, tests.recall('other_customer')));
SELECT tests.remember('b_admin', tests.create_member(tests.recall('b'), 'admin'));

-- A portal user submits for their own partner only, published tests only.
SELECT tests.act_as(tests.recall('portal'), tests.recall('lab'));
SELECT tests.remember('sr', (SELECT id FROM app.submit_service_request('Quarterly well water', ARRAY['ph', 'TDS'])));
SELECT is((SELECT jsonb_build_object('partner', partner_id, 'status', status, 'tests', requested_tests, 'by', requested_by,
                                      'submitted', submitted_at IS NOT NULL, 'due', due_at)
             FROM app.service_requests WHERE id = tests.recall('sr')),
  jsonb_build_object('partner', tests.recall('customer'), 'status', 'submitted', 'tests', ARRAY['ph', 'tds'], 'by', tests.recall('portal'),
                     'submitted', true, 'due', NULL),
  'a portal user''s request is their partner''s, submitted, with the tests (lowercased), no due date before receipt');
SELECT is(tests.refusal(format($$SELECT app.submit_service_request('Theirs', ARRAY['ph'], %L)$$, tests.recall('other_customer'))),
  'PT403 service_request.foreign_partner', 'a portal user cannot submit for another customer');
SELECT is(tests.refusal($$SELECT app.submit_service_request('Odd', ARRAY['ph', 'cod', 'nope'])$$), 'PT422 service_request.unknown_test',
  'requested tests must be published codes (a draft or unknown code is refused)');
SELECT is(tests.refusal($$SELECT app.submit_service_request('Nothing', ARRAY[]::text[])$$), 'PT422 service_request.no_tests',
  'a request asks for a test');
SELECT is(tests.refusal($$INSERT INTO app.service_requests (title, partner_id, requested_tests) VALUES ('Direct', NULL, ARRAY['ph'])$$),
  'PT403 permission.missing', 'a portal user does not insert requests directly');
SELECT is(tests.refusal(format($$SELECT app.accept_service_request(%L)$$, tests.recall('sr'))), 'PT404 service_request.not_found',
  'a portal user does not accept requests');
SELECT is((SELECT count(*)::int FROM app.service_requests), 1, 'a portal user reads their own partner''s requests');
SELECT tests.act_as(tests.recall('other_portal'), tests.recall('lab'));
SELECT is_empty($$SELECT 1 FROM app.service_requests$$, 'another customer''s portal user does not see it');

-- Staff: service_request.manage at the request's site; status rules.
SELECT tests.act_as(tests.recall('tech'), tests.recall('lab'));
SELECT is(tests.refusal($$SELECT app.submit_service_request('Internal', ARRAY['ph'])$$), 'PT403 permission.missing',
  'a technician cannot submit requests');
SELECT is(tests.refusal(format($$SELECT app.accept_service_request(%L)$$, tests.recall('sr'))), 'PT403 permission.missing',
  'a technician cannot accept requests');
SELECT is(tests.refusal($$UPDATE app.service_requests SET status = 'accepted'$$), '42501', 'the status is not written directly');
SELECT tests.act_as(tests.recall('site_manager'), tests.recall('lab'));
SELECT is(tests.refusal(format($$SELECT app.submit_service_request('Here', ARRAY['ph'], site_id => %L)$$, tests.recall('lab_site'))),
  'PT403 permission.missing', 'a site-scoped manager cannot submit for another site');
SELECT tests.remember('sr_site', (SELECT id FROM app.submit_service_request('At my site', ARRAY['ph'], site_id => tests.recall('other_site'))));
SELECT is(tests.refusal(format($$UPDATE app.service_requests SET site_id = %L WHERE id = %L$$, tests.recall('lab_site'), tests.recall('sr_site'))),
  'PT403 permission.missing', 'a site-scoped manager cannot move a request directly to a site where they lack service_request.manage');
SELECT tests.act_as(tests.recall('manager'), tests.recall('lab'));
SELECT is(tests.refusal(format($$UPDATE app.service_requests SET requested_tests = ARRAY['cod'] WHERE id = %L$$, tests.recall('sr'))),
  'PT422 service_request.unknown_test', 'a direct change of the tests is checked too');
SELECT is((SELECT status::text || ' ' || (accepted_by = tests.recall('manager'))::text FROM app.accept_service_request(tests.recall('sr'))),
  'accepted true', 'a manager accepts a submitted request, recorded');
SELECT is(tests.refusal(format($$SELECT app.accept_service_request(%L)$$, tests.recall('sr'))), 'PT409 service_request.status_transition',
  'an accepted request is not accepted again');
SELECT tests.remember('sr2', (SELECT id FROM app.submit_service_request('Internal', ARRAY['ph'], tests.recall('other_customer'))));
SELECT is(tests.refusal(format($$SELECT app.cancel_service_request(%L, ' ')$$, tests.recall('sr2'))), 'PT422 service_request.reason_required',
  'cancelling needs a reason');
SELECT is((SELECT status::text || ' ' || cancel_reason FROM app.cancel_service_request(tests.recall('sr2'), 'Duplicate')), 'cancelled Duplicate',
  'a manager cancels with a reason');
SELECT is(tests.refusal(format($$SELECT app.cancel_service_request(%L, 'again')$$, tests.recall('sr2'))), 'PT409 service_request.status_transition',
  'a cancelled request stays cancelled');

-- The SLA: receipt of the first sample starts the clock; due = receipt + the longest turnaround (tds: 9 days).
SELECT tests.act_as_owner();
SELECT is((SELECT count(*)::int FROM app_private.events WHERE event_type = 'service_request.submitted' AND entity_id = tests.recall('sr')), 1,
  'submitting publishes service_request.submitted');
SELECT tests.remember('s1', tests.create_sample(tests.recall('lab'), tests.recall('water'), p_partner_id => tests.recall('customer'),
                                                p_service_request_id => tests.recall('sr')));
SELECT tests.remember('s2', tests.create_sample(tests.recall('lab'), tests.recall('water'), p_partner_id => tests.recall('customer'),
                                                p_service_request_id => tests.recall('sr')));
UPDATE app.samples SET status = 'received', received_at = now() - interval '2 days' WHERE id = tests.recall('s1');
SELECT is((SELECT jsonb_build_object('status', status, 'received', received_at = now() - interval '2 days',
                                      'due', due_at = now() - interval '2 days' + interval '9 days')
             FROM app.service_requests WHERE id = tests.recall('sr')),
  '{"status": "in_progress", "received": true, "due": true}',
  'receipt starts the turnaround: the request is in progress, due at receipt plus the longest turnaround of its tests');
INSERT INTO app.tenant_feature_flags (organization_id, flag_key, value) VALUES (tests.recall('lab'), 'lab_turnaround_days', '3');
UPDATE app.lab_tests SET turnaround_days = NULL WHERE organization_id = tests.recall('lab') AND status = 'draft';
-- Without any turnaround on its tests, the tenant's lab_turnaround_days applies.
UPDATE app.lab_tests SET status = 'published' WHERE id = tests.recall('draft_test');
INSERT INTO app.service_requests (organization_id, title, requested_tests) VALUES (tests.recall('lab'), 'COD only', ARRAY['cod']);
SELECT tests.remember('sr3', (SELECT id FROM app.service_requests WHERE title = 'COD only'));
SELECT tests.remember('s3', tests.create_sample(tests.recall('lab'), tests.recall('water'), p_service_request_id => tests.recall('sr3')));
SELECT tests.set_sample_status(tests.recall('lab'), tests.recall('s3'), 'received');
SELECT is((SELECT due_at - received_at FROM app.service_requests WHERE id = tests.recall('sr3')), interval '3 days',
  'with no turnaround on its tests, the tenant''s lab_turnaround_days applies');

-- Completion: every sample released or rejected.
SELECT tests.set_sample_status(tests.recall('lab'), tests.recall('s2'), 'rejected');
SELECT tests.set_sample_status(tests.recall('lab'), tests.recall('s1'), 'completed');
SELECT is((SELECT status::text FROM app.service_requests WHERE id = tests.recall('sr')), 'in_progress',
  'a request with a sample not yet released stays in progress');
SELECT tests.set_sample_status(tests.recall('lab'), tests.recall('s1'), 'released');
SELECT is((SELECT status::text || ' ' || (released_at IS NOT NULL)::text FROM app.service_requests WHERE id = tests.recall('sr')), 'completed true',
  'when every sample is released or rejected the request is completed and its release time recorded');
SELECT is((SELECT payload ->> 'samples' FROM app_private.events WHERE event_type = 'service_request.completed' AND entity_id = tests.recall('sr')),
  '2', 'completion publishes service_request.completed once, with the request');

-- Another tenant.
SELECT tests.act_as(tests.recall('b_admin'), tests.recall('b'));
SELECT is(tests.refusal(format($$SELECT app.cancel_service_request(%L, 'x')$$, tests.recall('sr3'))), 'PT404 service_request.not_found',
  'another tenant''s admin cannot cancel the request');
SELECT is_empty($$SELECT 1 FROM app.service_requests$$, 'another tenant sees no requests');

SELECT * FROM finish();
ROLLBACK;
