-- Receipt and the lifecycle RPCs: a batch is accessioned all or nothing with
-- its condition on arrival; rejection takes a reason from the tenant's type
-- list, is terminal and tells the submitter; invalidation needs a reason;
-- every status change is in the append-only history and published; site
-- scope, portal users and another tenant are refused.
BEGIN;
SELECT plan(29);

SELECT tests.remember('lab', tests.create_lab_tenant());
SELECT tests.remember('b', tests.create_tenant());
SELECT tests.remember('reasons', tests.create_rejection_reasons(tests.recall('lab')));
SELECT tests.remember('other_site', tests.create_site(tests.recall('lab')));
SELECT tests.remember('manager', tests.create_member(tests.recall('lab'), 'lab_manager'));
SELECT tests.remember('tech', tests.create_member(tests.recall('lab'), 'lab_tech', tests.recall('lab_site')));
SELECT tests.remember('reviewer', tests.create_member(tests.recall('lab'), 'lab_reviewer'));
SELECT tests.remember('portal', tests.create_member(tests.recall('lab'), 'customer_portal', NULL, tests.recall('customer')));
SELECT tests.remember('b_admin', tests.create_member(tests.recall('b'), 'admin'));

-- A service request by the manager; the batch arrives with it.
SELECT tests.act_as(tests.recall('manager'), tests.recall('lab'));
INSERT INTO app.service_requests (title, partner_id, site_id, requested_tests) VALUES ('Wells', tests.recall('customer'), tests.recall('lab_site'), ARRAY['ph']);
SELECT tests.remember('request', (SELECT id FROM app.service_requests WHERE title = 'Wells'));

SELECT tests.act_as(tests.recall('tech'), tests.recall('lab'));
CREATE TEMP TABLE batch AS
SELECT * FROM app.receive_samples(jsonb_build_array(
  jsonb_build_object('sample_type_id', tests.recall('water'), 'site_id', tests.recall('lab_site'), 'partner_id', tests.recall('customer'),
                     'service_request_id', tests.recall('request'), 'quantity', 500, 'description', 'Well 1',
                     'temperature_celsius', 4.1, 'container_intact', true, 'seal_intact', true),
  jsonb_build_object('sample_type_id', tests.recall('water'), 'site_id', tests.recall('lab_site'), 'partner_id', tests.recall('customer'),
                     'service_request_id', tests.recall('request'), 'quantity', 500, 'description', 'Well 2', 'barcode', 'CUST-0002',
                     'temperature_celsius', 19.5, 'container_intact', false, 'seal_intact', true, 'notes', 'Cap cracked',
                     'rejection_reason', 'leaking')));
SELECT is((SELECT array_agg(sample_number || ' ' || barcode || ' ' || status ORDER BY sample_number) FROM batch),
  ARRAY['S-000001 S-000001 received', 'S-000002 CUST-0002 rejected'],
  'a batch is accessioned at once: human ids and barcodes, received or rejected per sample');
SELECT tests.remember('s1', (SELECT id FROM batch WHERE description = 'Well 1'));
SELECT tests.remember('s2', (SELECT id FROM batch WHERE description = 'Well 2'));
SELECT ok((SELECT received_at BETWEEN now() - interval '1 minute' AND now() FROM app.samples WHERE id = tests.recall('s1')),
  'receipt stamps received_at with the server''s time');
SELECT is((SELECT jsonb_agg(jsonb_build_object('outcome', outcome, 't', temperature_celsius, 'container', container_intact, 'seal', seal_intact,
                                              'reason', rejection_reason, 'by', received_by) ORDER BY outcome)
             FROM app.sample_receipts),
  jsonb_build_array(jsonb_build_object('outcome', 'received', 't', 4.1, 'container', true, 'seal', true, 'reason', null, 'by', tests.recall('tech')),
                    jsonb_build_object('outcome', 'rejected', 't', 19.5, 'container', false, 'seal', true, 'reason', 'leaking', 'by', tests.recall('tech'))),
  'the condition on arrival is recorded per sample, with the rejection reason');
SELECT is((SELECT count(DISTINCT batch_id)::int FROM app.sample_receipts), 1, 'the samples of one call share a batch id');

-- All or nothing: one bad element and nothing of the batch is kept.
SELECT is(tests.refusal(format($$SELECT * FROM app.receive_samples(jsonb_build_array(
    jsonb_build_object('sample_type_id', %L::uuid, 'site_id', %L::uuid, 'description', 'Well 3'),
    jsonb_build_object('sample_type_id', %L::uuid, 'site_id', %L::uuid, 'rejection_reason', 'no-such-reason')))$$,
    tests.recall('water'), tests.recall('lab_site'), tests.recall('water'), tests.recall('lab_site'))),
  'PT422 sample.rejection_reason_unknown', 'a rejection reason must be an active value of the tenant''s list');
SELECT is((SELECT count(*)::int FROM app.samples WHERE description = 'Well 3'), 0, 'a refused batch keeps none of its samples');
SELECT is(tests.refusal(format($$SELECT * FROM app.receive_samples(jsonb_build_array(jsonb_build_object('sample_id', %L::uuid, 'rejection_reason', 'retired')))$$,
    tests.recall('s1'))), 'PT409 sample.already_received', 'a sample is received once');
SELECT is(tests.refusal($$SELECT * FROM app.receive_samples('[{"colour": "blue"}]')$$), 'PT422 sample_receipt.invalid', 'unknown keys are refused');
SELECT is(tests.refusal(format($$SELECT * FROM app.receive_samples(jsonb_build_array(jsonb_build_object('sample_type_id', %L::uuid, 'site_id', %L::uuid)))$$,
    tests.recall('water'), tests.recall('other_site'))), 'PT403 permission.missing', 'a technician cannot receive samples at another site');

-- A registered sample (e.g. pre-registered) is received by id.
SELECT tests.remember('s3', tests.create_sample(tests.recall('lab'), tests.recall('water'), tests.recall('lab_site')));
SELECT is((SELECT status::text FROM app.receive_samples(jsonb_build_array(jsonb_build_object('sample_id', tests.recall('s3'), 'temperature_celsius', 5)))),
  'received', 'a registered sample is received by its id');

-- Events and the submitter's notice.
SELECT tests.act_as_owner();
SELECT is((SELECT array_agg(event_type ORDER BY event_type) FROM app_private.events WHERE organization_id = tests.recall('lab') AND entity_id = tests.recall('s2')),
  ARRAY['sample.rejected', 'sample.status_changed'], 'a rejection publishes sample.rejected and sample.status_changed');
SELECT is((SELECT payload - 'batch_id' - 'sample_id' - 'rejected_by' - 'service_request_id' FROM app_private.events WHERE event_type = 'sample.rejected' AND entity_id = tests.recall('s2')),
  '{"sample_number": "S-000002", "barcode": "CUST-0002", "reason": "leaking", "reason_label": "Container leaking", "notes": "Cap cracked"}'::jsonb,
  'sample.rejected carries the reason and its label');
SELECT is((SELECT count(*)::int FROM app_private.events WHERE event_type = 'sample.received' AND organization_id = tests.recall('lab')), 2,
  'each received sample publishes sample.received');
SELECT is((SELECT array_agg(user_id) FROM app.notifications WHERE entity_id = tests.recall('s2')), ARRAY[tests.recall('manager')],
  'the submitter (the service request''s requester) is notified of the rejection');
SELECT is((SELECT count(*)::int FROM app.sample_status_changes WHERE sample_id = tests.recall('s2') AND to_status = 'rejected'
           AND reason = 'Container leaking: Cap cracked' AND changed_by = tests.recall('tech')), 1, 'the history records the rejection with its reason');

-- reject_sample after receipt; rejected is terminal.
SELECT tests.act_as(tests.recall('tech'), tests.recall('lab'));
SELECT is((SELECT status::text FROM app.reject_sample(tests.recall('s3'), 'warm', 'Logger shows 14 °C')), 'rejected', 'a received sample can still be rejected');
SELECT is(tests.refusal(format($$SELECT app.reject_sample(%L, 'warm')$$, tests.recall('s3'))), 'PT409 sample.status_transition',
  'a rejected sample stays rejected');
SELECT is(tests.refusal(format($$SELECT app.retest_sample(%L)$$, tests.recall('s3'))), 'PT409 sample.status_transition', 'rejected is terminal');

-- invalidate -> retest.
SELECT tests.act_as_owner();
SELECT tests.set_sample_status(tests.recall('lab'), tests.recall('s1'), 'in_progress');
SELECT tests.act_as(tests.recall('tech'), tests.recall('lab'));
SELECT is(tests.refusal(format($$SELECT app.invalidate_sample(%L, ' ')$$, tests.recall('s1'))), 'PT422 sample.reason_required', 'invalidation needs a reason');
SELECT is((SELECT status::text FROM app.invalidate_sample(tests.recall('s1'), 'Bottle contaminated during analysis')), 'invalidated', 'a sample in progress is invalidated');
SELECT is((SELECT status::text FROM app.retest_sample(tests.recall('s1'), 'Second bottle')), 'retest', 'an invalidated sample goes for retest');
SELECT is((SELECT array_agg(from_status || '>' || to_status ORDER BY changed_at, id) FROM app.sample_status_changes WHERE sample_id = tests.recall('s1')
            AND changed_by = tests.recall('tech')),
  ARRAY['registered>received', 'in_progress>invalidated', 'invalidated>retest'], 'the history keeps each change of the RPCs');
SELECT is(tests.refusal($$UPDATE app.sample_status_changes SET reason = 'x'$$), '42501', 'members cannot change the history');
SELECT tests.act_as_owner();
SELECT is(tests.refusal($$DELETE FROM app.sample_status_changes$$), 'PT409 row.append_only', 'the history is append-only');
SELECT is(tests.refusal($$UPDATE app.sample_receipts SET notes = 'x'$$), 'PT409 row.append_only', 'receipts are append-only');

-- Who may: a reviewer (read only), a portal user, another tenant.
SELECT tests.act_as(tests.recall('reviewer'), tests.recall('lab'));
SELECT is(tests.refusal(format($$SELECT app.invalidate_sample(%L, 'x')$$, tests.recall('s1'))), 'PT403 permission.missing', 'a reviewer cannot change samples');
SELECT tests.act_as(tests.recall('portal'), tests.recall('lab'));
SELECT is(tests.refusal(format($$SELECT * FROM app.receive_samples(jsonb_build_array(jsonb_build_object('sample_id', %L::uuid)))$$, tests.recall('s1'))),
  'PT403 permission.missing', 'a portal customer cannot receive samples');
SELECT tests.act_as(tests.recall('b_admin'), tests.recall('b'));
SELECT is(tests.refusal(format($$SELECT app.reject_sample(%L, 'leaking')$$, tests.recall('s1'))), 'PT404 sample.not_found', 'another tenant cannot find the sample');
SELECT is((SELECT count(*)::int FROM app.sample_receipts) + (SELECT count(*)::int FROM app.sample_status_changes), 0,
  'another tenant reads none of the receipts or the history');

SELECT * FROM finish();
ROLLBACK;
