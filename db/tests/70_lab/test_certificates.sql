-- Certificates of analysis: issued from released results with the frozen
-- content (values, limits, verdicts, releasers), e-signed with the issuer's
-- password, per sample or per lot; certificate.issue at the samples' sites;
-- a result amended or invalidated marks the certificate for reissue and
-- notifies the issuer; a reissue is a new revision with a reason that
-- supersedes the one before and notifies the customer; the PDF job's
-- lifecycle and the download URL; who sees certificates and lab events.
BEGIN;
SELECT plan(44);

INSERT INTO app_private.object_storage (endpoint, region, bucket, access_key_id, secret_access_key)
VALUES ('http://127.0.0.1:9000', 'us-east-1', 'pulse-files', 'AKID', 'secret');
SELECT tests.remember('b', tests.create_tenant());
SELECT tests.remember('b_sample', tests.create_released_sample(tests.recall('b'), tests.create_sample_type(tests.recall('b')),
                                                              tests.create_lab_test(tests.recall('b'), 'ph'), 7.0));
SELECT tests.remember('lab', tests.create_lab_tenant());
SELECT tests.remember('other_site', tests.create_site(tests.recall('lab')));
SELECT tests.remember('other_customer', tests.create_partner(tests.recall('lab')));
SELECT tests.remember('spec', tests.create_ph_specification(tests.recall('lab')));
SELECT tests.remember('manager', tests.create_member(tests.recall('lab'), 'lab_manager'));
SELECT tests.remember('reviewer', tests.create_member(tests.recall('lab'), 'lab_reviewer', tests.recall('lab_site')));
SELECT tests.remember('tech', tests.create_member(tests.recall('lab'), 'lab_tech'));
SELECT tests.remember('releaser', tests.create_member(tests.recall('lab'), 'lab_reviewer'));
SELECT tests.remember('portal', tests.create_member(tests.recall('lab'), 'customer_portal', NULL, tests.recall('customer')));
SELECT tests.remember('other_portal', tests.create_member(tests.recall('lab'), 'customer_portal', NULL, tests.recall('other_customer')));
SELECT tests.remember('sample', tests.create_released_sample(tests.recall('lab'), tests.recall('water'), tests.recall('ph'), 7.2,
                                                            tests.recall('spec'), tests.recall('lab_site'), tests.recall('customer')));
SELECT tests.remember('result', (SELECT id FROM app.results WHERE sample_id = tests.recall('sample')));
UPDATE app.results SET released_by = tests.recall('releaser') WHERE id = tests.recall('result');
SELECT tests.remember('pending', tests.create_sample(tests.recall('lab'), tests.recall('water'), tests.recall('lab_site'), tests.recall('customer')));
SELECT tests.remember('elsewhere', tests.create_released_sample(tests.recall('lab'), tests.recall('water'), tests.recall('ph'), 7.5,
                                                               tests.recall('spec'), tests.recall('other_site'), tests.recall('customer')));

-- Who may issue.
SELECT tests.act_as(tests.recall('tech'), tests.recall('lab'));
SELECT is(tests.refusal(format($$SELECT app.issue_certificate(%L, signature_password => tests.password())$$, tests.recall('sample'))),
  'PT403 permission.missing', 'a technician cannot issue certificates');
SELECT tests.act_as(tests.recall('portal'), tests.recall('lab'));
SELECT is(tests.refusal(format($$SELECT app.issue_certificate(%L, signature_password => tests.password())$$, tests.recall('sample'))),
  'PT403 permission.missing', 'a portal customer cannot issue certificates');
SELECT tests.act_as(tests.recall('reviewer'), tests.recall('lab'));
SELECT is(tests.refusal(format($$SELECT app.issue_certificate(%L, signature_password => tests.password())$$, tests.recall('elsewhere'))),
  'PT403 permission.missing', 'a reviewer of one site cannot certify a sample of another site');
SELECT is(tests.refusal(format($$SELECT app.issue_certificate(%L, signature_password => tests.password())$$, tests.recall('b_sample'))),
  'PT404 certificate.sample_not_found', 'another tenant''s sample is not found');
SELECT is(tests.refusal(format($$SELECT app.issue_certificate(%L, signature_password => tests.password())$$, tests.recall('pending'))),
  'PT409 certificate.sample_not_released', 'a sample that is not released is not certified');
SELECT is(tests.refusal(format($$SELECT app.issue_certificate(%L, 'LOT-1', tests.password())$$, tests.recall('sample'))),
  'PT422 certificate.scope_invalid', 'a certificate is for a sample or a lot, not both');
SELECT is(tests.refusal(format($$SELECT app.issue_certificate(%L)$$, tests.recall('sample'))),
  'PT422 signature.required', 'a certificate must be signed');

-- A wrong password issues nothing and counts as a sign-in failure.
SELECT is((SELECT id FROM app.issue_certificate(tests.recall('sample'), signature_password => 'wrong')), NULL,
  'a wrong signature password issues nothing');
SELECT is((SELECT current_setting('response.status', true)), '403', '... and answers 403');
SELECT tests.act_as_owner();
SELECT is((SELECT count(*)::int FROM app.certificates WHERE organization_id = tests.recall('lab')), 0, '... no certificate was made');
SELECT is((SELECT failed_count FROM app_private.sign_in_failures
            WHERE email = (SELECT email FROM app.users WHERE id = tests.recall('reviewer'))), 1, '... and the failure is counted');

-- Issued: revision 1 of CoA-000001 with the frozen content, signed.
SELECT tests.act_as(tests.recall('reviewer'), tests.recall('lab'));
SELECT tests.remember('v1', (SELECT id FROM app.issue_certificate(tests.recall('sample'), signature_password => tests.password())));
SELECT tests.remember('coa', (SELECT certificate_id FROM app.certificate_versions WHERE id = tests.recall('v1')));
SELECT is((SELECT (certificate_number, status, current_revision)::text FROM app.certificates WHERE id = tests.recall('coa')),
  '(CoA-000001,issued,1)', 'the certificate gets the tenant''s next number, issued at revision 1');
SELECT is((SELECT (content #> '{samples,0,results,0}') - 'measured_at' - 'released_at' - 'result_id' - 'specification' - 'amends_id' - 'amendment_reason'
             FROM app.certificate_versions WHERE id = tests.recall('v1')),
  jsonb_build_object('test_code', 'ph', 'test_name', 'Test assay', 'test_version', 1, 'method', NULL, 'value', jsonb_build_object('value', 7.2),
                     'numeric_value', 7.2, 'unit', NULL, 'verdict', 'within',
                     'limits', jsonb_build_object('unit', 'pH', 'action_low', 6.5, 'warning_low', 6.8, 'warning_high', 8.2, 'action_high', 8.5, 'expected_text', NULL),
                     'released_by', jsonb_build_object('id', tests.recall('releaser'), 'name', (SELECT display_name FROM app.users WHERE id = tests.recall('releaser')))),
  'the content freezes the released result: test, value, unit, limits, verdict and who released it');
SELECT is((SELECT content #>> '{samples,0,results,0,specification,id}' FROM app.certificate_versions WHERE id = tests.recall('v1')),
  tests.recall('spec')::text, '... and the specification it was judged against');
SELECT is((SELECT content_sha256 = encode(sha256(convert_to(content::text, 'UTF8')), 'hex') FROM app.certificate_versions WHERE id = tests.recall('v1')),
  true, 'the content''s checksum is stored');
SELECT is((SELECT (signature ->> 'meaning', signature #>> '{payload,content_sha256}' = content_sha256,
                   signature #>> '{payload,signer_id}', signature ->> 'payload_sha256' = encode(sha256(convert_to((signature -> 'payload')::text, 'UTF8')), 'hex'))::text
             FROM app.certificate_versions WHERE id = tests.recall('v1')),
  format('(certified,t,%s,t)', tests.recall('reviewer')), 'the signature covers the content''s checksum, names the signer and the meaning');
SELECT is(tests.refusal(format($$SELECT app.issue_certificate(%L, signature_password => tests.password())$$, tests.recall('sample'))),
  'PT409 certificate.exists', 'a sample has one certificate: a second issue is refused');
SELECT is(tests.refusal(format($$UPDATE app.certificate_versions SET content = '{}' WHERE id = %L$$, tests.recall('v1'))),
  '42501', 'the frozen content cannot be changed');
SELECT tests.act_as_owner();
SELECT is((SELECT count(*)::int FROM graphile_worker.jobs WHERE task_identifier = 'coa_render' AND key = 'coa_render:' || tests.recall('v1')),
  1, 'the PDF is queued for the worker');
SELECT is((SELECT payload ->> 'certificate_number' FROM app_private.events WHERE event_type = 'coa.issued' AND entity_id = tests.recall('coa')),
  'CoA-000001', 'coa.issued is published');
SELECT is((SELECT count(*)::int FROM app.notifications WHERE user_id = tests.recall('portal') AND entity_id = tests.recall('coa')),
  1, 'the customer''s portal users are notified');

-- Who reads it.
SELECT tests.act_as(tests.recall('portal'), tests.recall('lab'));
SELECT is((SELECT count(*)::int FROM app.certificate_versions WHERE certificate_id = tests.recall('coa')), 1, 'the customer reads its certificate');
SELECT tests.act_as(tests.recall('other_portal'), tests.recall('lab'));
SELECT is((SELECT count(*)::int FROM app.certificates), 0, 'another customer does not');
SELECT is((SELECT auth.can_see_lab_event(jsonb_build_object('entity_type', 'certificate', 'entity_id', tests.recall('coa')))), false,
  '... nor its events');
SELECT tests.act_as(tests.recall('portal'), tests.recall('lab'));
SELECT is((SELECT auth.can_see_lab_event(jsonb_build_object('entity_type', 'certificate', 'entity_id', tests.recall('coa')))), true,
  'the customer sees the certificate''s events');

-- The PDF: the worker's begin and finish, then the download.
SELECT is(tests.refusal(format($$SELECT app.certificate_pdf_url(%L)$$, tests.recall('v1'))), 'PT409 certificate.not_rendered',
  'no download before the PDF is rendered');
SELECT tests.act_as_owner();
SELECT is((SELECT (app_private.certificate_render_begin(tests.recall('lab'), tests.recall('v1')) ->> 'put_url') ~
                  ('^http://127\.0\.0\.1:9000/pulse-files/tenants/' || tests.recall('lab') || '/certificates/')), true,
  'the worker gets a signed PUT URL inside the tenant''s storage');
SELECT is(app_private.certificate_render_finish(tests.recall('lab'), tests.recall('v1'), NULL, NULL, 'socket hang up', false), 'pending',
  'a failed attempt stays pending while retries remain');
SELECT is(app_private.certificate_render_finish(tests.recall('lab'), tests.recall('v1'), NULL, NULL, 'socket hang up', true), 'failed',
  'the last failed attempt marks it failed');
SELECT tests.act_as(tests.recall('reviewer'), tests.recall('lab'));
SELECT is((SELECT render_status::text FROM app.retry_certificate_render(tests.recall('v1'))), 'pending', 'a failed PDF is queued again');
SELECT tests.act_as_owner();
SELECT is(app_private.certificate_render_finish(tests.recall('lab'), tests.recall('v1'), repeat('a', 64), 2048, NULL, false), 'rendered',
  'the stored PDF is recorded with its checksum and size');
SELECT tests.act_as(tests.recall('portal'), tests.recall('lab'));
SELECT is((SELECT url ~ ('/tenants/' || tests.recall('lab') || '/certificates/' || tests.recall('coa') || '/rev-1-') FROM app.certificate_pdf_url(tests.recall('v1'))),
  true, 'the customer gets a signed download URL');
SELECT tests.act_as(tests.recall('other_portal'), tests.recall('lab'));
SELECT is(tests.refusal(format($$SELECT app.certificate_pdf_url(%L)$$, tests.recall('v1'))), 'PT404 certificate.not_found',
  'another customer does not');

-- An amended result: reissue required, the issuer notified.
SELECT tests.act_as_owner();
SELECT tests.remember('amended', tests.release_result(tests.recall('lab'), tests.recall('sample'), tests.recall('ph'), 6.7, tests.recall('spec'),
                                                     tests.recall('result')));
SELECT is((SELECT status::text FROM app.certificates WHERE id = tests.recall('coa')), 'reissue_required',
  'amending a result of the certificate requires a reissue');
SELECT is((SELECT count(*)::int FROM app.notifications WHERE user_id = tests.recall('reviewer') AND entity_id = tests.recall('coa') AND priority = 'high'),
  1, 'the issuer is notified');
SELECT tests.act_as(tests.recall('reviewer'), tests.recall('lab'));
SELECT is(tests.refusal(format($$SELECT app.reissue_certificate(%L, ' ', tests.password())$$, tests.recall('coa'))),
  'PT422 certificate.reason_required', 'a reissue needs a reason');
SELECT tests.remember('v2', (SELECT id FROM app.reissue_certificate(tests.recall('coa'), 'pH amended: transcription error', tests.password())));
SELECT is((SELECT (revision, reason, content #>> '{samples,0,results,0,result_id}', content #>> '{samples,0,results,0,verdict}')::text
             FROM app.certificate_versions WHERE id = tests.recall('v2')),
  format('(2,"pH amended: transcription error",%s,warning)', tests.recall('amended')), 'the reissue is revision 2 with the amended result and the reason');
SELECT is((SELECT (is_current, superseded_at IS NOT NULL)::text FROM app.certificate_versions WHERE id = tests.recall('v1')), '(f,t)',
  'revision 1 is superseded');
SELECT is((SELECT (status, current_revision, reissue_reason)::text FROM app.certificates WHERE id = tests.recall('coa')), '(issued,2,)',
  'the certificate is issued again');
SELECT tests.act_as_owner();
SELECT is((SELECT payload ->> 'previous_version_id' FROM app_private.events WHERE event_type = 'coa.reissued' AND entity_id = tests.recall('coa')),
  tests.recall('v1')::text, 'coa.reissued names the revision it replaces');
SELECT is((SELECT count(*)::int FROM app.notifications WHERE user_id = tests.recall('portal') AND entity_id = tests.recall('coa')), 2,
  'the customer is notified of the reissue');

-- An invalidated result also requires a reissue.
UPDATE app.results SET status = 'invalidated' WHERE id = tests.recall('amended');
SELECT is((SELECT reissue_reason ~ 'invalidated' FROM app.certificates WHERE id = tests.recall('coa')), true,
  'invalidating a result of the certificate requires a reissue, with the reason');

-- A lot: every sample of it, one customer.
SELECT tests.remember('lot_a', tests.create_released_sample(tests.recall('lab'), tests.recall('water'), tests.recall('ph'), 7.1,
                                                           tests.recall('spec'), tests.recall('lab_site'), tests.recall('customer'), 'LOT-7'));
SELECT tests.remember('lot_b', tests.create_released_sample(tests.recall('lab'), tests.recall('water'), tests.recall('ph'), 7.3,
                                                           tests.recall('spec'), tests.recall('lab_site'), tests.recall('customer'), 'LOT-7'));
SELECT tests.remember('lot8_a', tests.create_released_sample(tests.recall('lab'), tests.recall('water'), tests.recall('ph'), 7.3,
                                                            tests.recall('spec'), tests.recall('lab_site'), tests.recall('other_customer'), 'LOT-8'));
SELECT tests.remember('lot8_b', tests.create_released_sample(tests.recall('lab'), tests.recall('water'), tests.recall('ph'), 7.3,
                                                            tests.recall('spec'), tests.recall('lab_site'), tests.recall('customer'), 'LOT-8'));
SELECT tests.act_as(tests.recall('manager'), tests.recall('lab'));
SELECT is((SELECT jsonb_array_length(content -> 'samples') FROM app.issue_certificate(lot_number => 'LOT-7', signature_password => tests.password())),
  2, 'a lot certificate covers every sample of the lot');
SELECT is(tests.refusal($$SELECT app.issue_certificate(lot_number => 'LOT-8', signature_password => tests.password())$$),
  'PT422 certificate.mixed_customers', 'a lot of several customers gets no single certificate');

SELECT * FROM finish();
ROLLBACK;
