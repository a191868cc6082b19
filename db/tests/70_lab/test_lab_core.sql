-- The lab's core records: configuration read by staff and written with
-- lab.configure; test versions frozen once published; samples and service
-- requests site-scoped, with human ids, barcodes, default units and the
-- lifecycle; analyses on published tests only; portal customers see their
-- own partner's requests and samples; another tenant sees nothing.
BEGIN;
SELECT plan(28);

SELECT tests.remember('lab', tests.create_lab_tenant());
SELECT tests.remember('b', tests.create_tenant());
SELECT tests.remember('other_site', tests.create_site(tests.recall('lab')));
SELECT tests.remember('other_customer', tests.create_partner(tests.recall('lab')));
SELECT tests.remember('manager', tests.create_member(tests.recall('lab'), 'lab_manager'));
SELECT tests.remember('tech', tests.create_member(tests.recall('lab'), 'lab_tech', tests.recall('lab_site')));
SELECT tests.remember('tech_elsewhere', tests.create_member(tests.recall('lab'), 'lab_tech', tests.recall('other_site')));
SELECT tests.remember('reviewer', tests.create_member(tests.recall('lab'), 'lab_reviewer'));
SELECT tests.remember('portal', tests.create_member(tests.recall('lab'), 'customer_portal', NULL, tests.recall('customer')));
SELECT tests.remember('b_admin', tests.create_member(tests.recall('b'), 'admin'));

-- Configuration: lab.configure writes, staff read, portal users do not.
SELECT tests.act_as(tests.recall('tech'), tests.recall('lab'));
SELECT is(tests.refusal($$INSERT INTO app.sample_types (code, name) VALUES ('soil', 'Soil')$$), 'PT403 permission.missing',
  'a technician cannot define sample types');
SELECT is((SELECT count(*)::int FROM app.lab_tests WHERE code = 'ph'), 1, 'staff read the test definitions');
SELECT tests.act_as(tests.recall('manager'), tests.recall('lab'));
INSERT INTO app.lab_tests (code, name, turnaround_days) VALUES ('ph', 'pH, revised', 5);
SELECT is((SELECT version FROM app.lab_tests WHERE code = 'ph' AND status = 'draft'), 2, 'a new version of a code is numbered after the last');
SELECT is(tests.refusal($$INSERT INTO app.lab_tests (code, name, status) VALUES ('tds', 'TDS', 'published')$$), '42501',
  'a test version starts as a draft (status is not sent)');
SELECT is(tests.refusal(format($$UPDATE app.lab_tests SET name = 'renamed' WHERE id = %L$$, tests.recall('ph'))), 'PT409 lab_test.frozen',
  'a published version is frozen');
UPDATE app.lab_tests SET status = 'published' WHERE code = 'ph' AND version = 2;
SELECT is((SELECT array_agg(status::text ORDER BY version) FROM app.lab_tests WHERE code = 'ph'), ARRAY['retired', 'published'],
  'publishing a version retires the one published before');
SELECT is(tests.refusal(format($$UPDATE app.lab_tests SET status = 'published' WHERE id = %L$$, tests.recall('ph'))), 'PT409 lab_test.frozen',
  'a retired version stays retired');
SELECT tests.act_as(tests.recall('portal'), tests.recall('lab'));
SELECT is((SELECT count(*)::int FROM app.lab_tests) + (SELECT count(*)::int FROM app.sample_types), 0,
  'portal users do not read the lab''s configuration');

-- Samples: human id, barcode, unit from the type, remaining quantity, the creator.
SELECT tests.act_as(tests.recall('tech'), tests.recall('lab'));
INSERT INTO app.samples (sample_type_id, site_id, partner_id, quantity, description)
VALUES (tests.recall('water'), tests.recall('lab_site'), tests.recall('customer'), 250, 'Well 4');
SELECT tests.remember('s1', (SELECT id FROM app.samples WHERE description = 'Well 4'));
SELECT is((SELECT jsonb_build_object('number', sample_number, 'barcode', barcode, 'unit', unit, 'remaining', remaining_quantity,
                                      'by', created_by, 'status', status) FROM app.samples WHERE id = tests.recall('s1')),
  jsonb_build_object('number', 'S-000001', 'barcode', 'S-000001', 'unit', 'mL', 'remaining', 250, 'by', tests.recall('tech'), 'status', 'registered'),
  'a sample gets the next human id, it as barcode, the type''s unit, its full quantity remaining and its registrant');
SELECT is(tests.refusal(format($$INSERT INTO app.samples (sample_type_id, site_id, barcode) VALUES (%L, %L, 'S-000001')$$,
                               tests.recall('water'), tests.recall('lab_site'))), '23505',
  'a barcode is unique in the tenant');
SELECT is(tests.refusal(format($$INSERT INTO app.samples (sample_type_id, site_id) VALUES (%L, %L)$$, tests.recall('water'), tests.recall('other_site'))),
  'PT403 permission.missing', 'a technician cannot register samples at another site');
SELECT is(tests.refusal(format($$UPDATE app.samples SET status = 'released' WHERE id = %L$$, tests.recall('s1'))), '42501',
  'the status is not written directly');

-- The lifecycle (as the owner: the RPCs that move it come with their own rules).
SELECT tests.act_as_owner();
SELECT is(tests.refusal(format($$UPDATE app.samples SET status = 'released' WHERE id = %L$$, tests.recall('s1'))), 'PT409 sample.status_transition',
  'a registered sample cannot jump to released');
SELECT tests.set_sample_status(tests.recall('lab'), tests.recall('s1'), 'received');
SELECT is((SELECT status::text FROM app.samples WHERE id = tests.recall('s1')), 'received', 'registered -> received is allowed');
SELECT tests.set_sample_status(tests.recall('lab'), tests.recall('s1'), 'rejected');
SELECT is((SELECT status::text FROM app.samples WHERE id = tests.recall('s1')), 'rejected', 'received -> rejected is allowed');
SELECT is(tests.refusal(format($$UPDATE app.samples SET status = 'received' WHERE id = %L$$, tests.recall('s1'))), 'PT409 sample.status_transition',
  'rejected is final (but for disposal)');

-- Analyses: published tests only, not on closed samples, due at receipt plus turnaround.
SELECT tests.remember('s2', tests.create_sample(tests.recall('lab'), tests.recall('water'), tests.recall('lab_site'), tests.recall('other_customer')));
SELECT tests.set_sample_status(tests.recall('lab'), tests.recall('s2'), 'received');
SELECT tests.act_as(tests.recall('tech'), tests.recall('lab'));
SELECT is(tests.refusal(format($$INSERT INTO app.analyses (sample_id, lab_test_id) VALUES (%L, %L)$$, tests.recall('s2'), tests.recall('ph'))),
  'PT422 lab_test.not_published', 'a retired test version takes no new analyses');
INSERT INTO app.analyses (sample_id, lab_test_id)
SELECT tests.recall('s2'), id FROM app.lab_tests WHERE code = 'ph' AND status = 'published';
SELECT is((SELECT a.due_at - s.received_at FROM app.analyses AS a JOIN app.samples AS s ON s.id = a.sample_id WHERE a.sample_id = tests.recall('s2')),
  interval '5 days', 'an analysis is due at receipt plus the test''s turnaround');
SELECT is(tests.refusal(format($$INSERT INTO app.analyses (sample_id, lab_test_id) SELECT %L, id FROM app.lab_tests WHERE code = 'ph' AND status = 'published'$$,
                               tests.recall('s1'))), 'PT409 sample.closed', 'a rejected sample takes no new analyses');

-- Site scope: a technician of another site sees neither the samples nor their analyses.
SELECT tests.act_as(tests.recall('tech_elsewhere'), tests.recall('lab'));
SELECT is((SELECT count(*)::int FROM app.samples) + (SELECT count(*)::int FROM app.analyses), 0,
  'a technician scoped to another site sees none of this site''s samples or analyses');
SELECT tests.act_as(tests.recall('reviewer'), tests.recall('lab'));
SELECT is((SELECT count(*)::int FROM app.samples), 2, 'a tenant-wide reviewer sees every sample');

-- Service requests: managers create them; portal customers see their own partner's.
SELECT tests.act_as(tests.recall('tech'), tests.recall('lab'));
SELECT is(tests.refusal(format($$INSERT INTO app.service_requests (title, site_id) VALUES ('x', %L)$$, tests.recall('lab_site'))),
  'PT403 permission.missing', 'a technician cannot create service requests');
SELECT tests.act_as(tests.recall('manager'), tests.recall('lab'));
INSERT INTO app.service_requests (title, partner_id, site_id, requested_tests) VALUES ('Quarterly wells', tests.recall('customer'), tests.recall('lab_site'), ARRAY['ph']);
INSERT INTO app.service_requests (title, partner_id, site_id) VALUES ('Someone else''s', tests.recall('other_customer'), tests.recall('lab_site'));
SELECT is((SELECT array_agg(request_number ORDER BY request_number) FROM app.service_requests), ARRAY['SR-000001', 'SR-000002'],
  'service requests get the tenant''s human ids');
SELECT tests.act_as(tests.recall('portal'), tests.recall('lab'));
SELECT is((SELECT array_agg(title) FROM app.service_requests), ARRAY['Quarterly wells'], 'a portal customer sees only their partner''s requests');
SELECT is((SELECT array_agg(description) FROM app.samples), ARRAY['Well 4'], 'a portal customer sees only their partner''s samples');
SELECT is(tests.refusal(format($$INSERT INTO app.samples (sample_type_id) VALUES (%L)$$, tests.recall('water'))), 'PT403 permission.missing',
  'a portal customer cannot register samples');

-- Another tenant sees nothing.
SELECT tests.act_as(tests.recall('b_admin'), tests.recall('b'));
SELECT is((SELECT count(*)::int FROM app.samples) + (SELECT count(*)::int FROM app.service_requests) + (SELECT count(*)::int FROM app.lab_tests)
          + (SELECT count(*)::int FROM app.analyses) + (SELECT count(*)::int FROM app.sample_types), 0,
  'another tenant''s admin sees none of the lab''s records');

-- Writing an analysis directly needs sample.manage at its sample's site: refused as a missing permission
-- (an analysis's sample_id is fixed once written, so an update cannot carry it elsewhere).
SELECT tests.act_as_owner();
SELECT tests.remember('s_far', tests.create_sample(tests.recall('lab'), tests.recall('water'), tests.recall('other_site')));
SELECT tests.act_as(tests.recall('tech'), tests.recall('lab'));
SELECT is(tests.refusal(format($$INSERT INTO app.analyses (sample_id, lab_test_id) SELECT %L, id FROM app.lab_tests WHERE code = 'ph' AND status = 'published'$$,
                               tests.recall('s_far'))),
  'PT403 permission.missing', 'a technician cannot add an analysis to a sample at another site (PT403 permission.missing)');

SELECT * FROM finish();
ROLLBACK;
