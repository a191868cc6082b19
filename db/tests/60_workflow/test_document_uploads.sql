-- Document uploads: a version is pending until its file is confirmed and
-- checked; only the check (app_private.record_upload_check, the verify
-- worker's report) makes it current, and only with the declared size and
-- sha256. Who may ask for upload and download URLs.
BEGIN;
SELECT plan(45);

SELECT tests.remember('t', tests.create_workflow_tenant());
SELECT tests.remember('other', tests.create_tenant());
SELECT tests.remember('other_admin', tests.create_member(tests.recall('other'), 'admin'));
SELECT tests.remember('engineering', tests.member_with_role(tests.recall('t'), 'engineering'));
SELECT tests.remember('auditor', tests.member_with_role(tests.recall('t'), 'auditor'));
SELECT tests.remember('qa', tests.member_with_role(tests.recall('t'), 'qa'));
SELECT tests.remember('project', tests.create_project(tests.recall('t')));
INSERT INTO app_private.object_storage (endpoint, region, bucket, access_key_id, secret_access_key)
VALUES ('http://127.0.0.1:9000', 'us-east-1', 'pulse-files', 'AKID', 'secret');

-- A new document's first version waits for its file.
SELECT tests.act_as(tests.recall('engineering'), tests.recall('t'));
SELECT tests.remember('v1', (app.create_document(tests.recall('project'), 'Bracket drawing', 'drawing', 'pdf',
                                                 encode(sha256('bracket v1'), 'hex'), 10, 'application/pdf')).id);
SELECT tests.remember('document', (SELECT document_id FROM app.document_versions WHERE id = tests.recall('v1')));
SELECT results_eq($$SELECT upload_state::text, is_current FROM app.document_versions WHERE id = tests.recall('v1')$$,
  $$VALUES ('pending', false)$$, 'pending: a new version is pending and not current');
SELECT results_eq($$SELECT version, file_path FROM app.documents WHERE id = tests.recall('document')$$,
  $$VALUES (0, NULL::text)$$, 'pending: the document has no current version yet');
SELECT tests.act_as_owner();
SELECT ok('drawing' = ANY (app_private.missing_documents((SELECT p FROM app.projects p WHERE id = tests.recall('project')),
                                                         tests.id_of_stage(tests.recall('t'), 'technical-review'))),
  'pending: a version without its file does not count as a mandatory document');
SELECT is_empty($$SELECT 1 FROM app.approvals WHERE entity_id = tests.recall('v1')$$,
  'pending: a regulated category opens no approval before the file is stored');

-- Who may ask for URLs.
SELECT tests.act_as(tests.recall('engineering'), tests.recall('t'));
SELECT ok((app.document_upload_url(tests.recall('v1'))).url LIKE
            'http://127.0.0.1:9000/pulse-files/tenants/' || tests.recall('t') || '/documents/' || tests.recall('document')
            || '/v1/%-drawing-%-v01.pdf?X-Amz-%',
  'upload URL: signed for the version''s key under the tenant''s prefix');
SELECT tests.remember('second', (app.create_document(tests.recall('project'), 'Second drawing', 'drawing', 'pdf',
                                                     encode(sha256('second'), 'hex'), 10, 'application/pdf')).id);
SELECT isnt(split_part((app.document_upload_url(tests.recall('v1'))).url, '?', 1),
            split_part((app.document_upload_url(tests.recall('second'))).url, '?', 1),
  'upload URL: two documents of one category in a project never share a key (their file_path is the same)');
SELECT is((app.document_upload_url(tests.recall('v1'))).method, 'PUT', 'upload URL: for a PUT');
SELECT ok((app.document_upload_url(tests.recall('v1'), 60)).expires_at <= now() + interval '60 seconds',
  'upload URL: expires when asked');
SELECT is(tests.refusal($$SELECT app.document_upload_url(tests.recall('v1'), 604801)$$), 'PT422 object_url.expiry_invalid',
  'upload URL: at most 7 days');
SELECT is(tests.refusal($$SELECT app.document_download_url(tests.recall('v1'))$$), 'PT409 document_upload.not_stored',
  'download URL: none for a file not stored');
SELECT is(tests.refusal($$SELECT app.log_document_access(tests.recall('document'), 1)$$), 'PT404 document.not_found',
  'access log: a version without its file cannot be opened');
SELECT tests.act_as(tests.recall('auditor'), tests.recall('t'));
SELECT is(tests.refusal($$SELECT app.document_upload_url(tests.recall('v1'))$$), 'PT403 permission.missing',
  'upload URL: readers without document.upload get none');
SELECT is(tests.refusal($$SELECT app.confirm_document_upload(tests.recall('v1'))$$), 'PT403 permission.missing',
  'confirm: needs document.upload');
SELECT tests.act_as_role(tests.recall('t'), 'customer_portal');
SELECT is(tests.refusal($$SELECT app.document_upload_url(tests.recall('v1'))$$), 'PT404 document.not_found',
  'upload URL: a portal user finds no version');
SELECT tests.act_as(tests.recall('other_admin'), tests.recall('other'));
SELECT is(tests.refusal($$SELECT app.document_upload_url(tests.recall('v1'))$$), 'PT404 document.not_found',
  'upload URL: another tenant finds no version');
SELECT is(tests.refusal($$SELECT app.confirm_document_upload(tests.recall('v1'))$$), 'PT404 document.not_found',
  'confirm: another tenant finds no version');

-- Confirm, then only the check decides.
SELECT tests.act_as(tests.recall('engineering'), tests.recall('t'));
SELECT is((app.confirm_document_upload(tests.recall('v1'))).upload_state::text, 'verifying', 'confirm: the version is verifying');
SELECT is((app.confirm_document_upload(tests.recall('v1'))).upload_state::text, 'verifying', 'confirm: again, nothing changes');
SELECT is(tests.refusal($$SELECT app.document_upload_url(tests.recall('v1'))$$), 'PT409 document_upload.not_pending',
  'upload URL: none once confirmed');
SELECT tests.act_as_owner();
SELECT is(tests.refusal($$UPDATE app.document_versions SET upload_state = 'pending' WHERE id = tests.recall('v1')$$),
  'PT409 document_upload.invalid_transition', 'states: an upload never goes back (the owner neither)');
SELECT matches(tests.refusal($$UPDATE app.document_versions SET is_current = true WHERE id = tests.recall('v1')$$),
  '^23514 ', 'states: a version whose file is not stored is never current (the owner neither)');

SELECT results_eq($$SELECT upload_state::text, upload_rejection, is_current
                      FROM app_private.record_upload_check(tests.recall('v1'), 11, encode(sha256('bracket v1'), 'hex'))$$,
  $$VALUES ('rejected', 'upload.size_mismatch', false)$$, 'check: another size is rejected');
SELECT is((SELECT version FROM app.documents WHERE id = tests.recall('document')), 0, 'check: a rejected version never becomes current');
SELECT results_eq($$SELECT upload_state::text, upload_rejection FROM app_private.record_upload_check(tests.recall('v1'), 10, encode(sha256('bracket v1'), 'hex'))$$,
  $$VALUES ('rejected', 'upload.size_mismatch')$$, 'check: a decided version stays decided');
SELECT is(tests.refusal($$UPDATE app.document_versions SET upload_state = 'stored' WHERE id = tests.recall('v1')$$),
  'PT409 document_upload.invalid_transition', 'states: rejected is final');
SELECT is((SELECT message FROM app.notifications WHERE user_id = tests.recall('engineering') AND title LIKE 'Bracket drawing v1 was rejected'),
  'The uploaded file has 11 bytes, not the 10 declared.', 'check: the uploader is told why');

SELECT tests.act_as(tests.recall('engineering'), tests.recall('t'));
SELECT tests.remember('v2', (app.add_document_version(tests.recall('document'), encode(sha256('bracket v2'), 'hex'), 10, 'application/pdf')).id);
SELECT is((SELECT version_number FROM app.document_versions WHERE id = tests.recall('v2')), 2, 'numbers: a rejected version keeps its number');
SELECT tests.remember('v3', (app.add_document_version(tests.recall('document'), encode(sha256('bracket v3'), 'hex'), 10, 'application/pdf')).id);
SELECT tests.remember('v4', (app.add_document_version(tests.recall('document'), encode(sha256('bracket v3'), 'hex'), 10, 'application/pdf')).id);
SELECT tests.remember('v5', (app.add_document_version(tests.recall('document'), encode(sha256('bracket v5'), 'hex'), 10, 'application/pdf')).id);
SELECT app.confirm_document_upload(id) FROM unnest(ARRAY[tests.recall('v2'), tests.recall('v3'), tests.recall('v4'), tests.recall('v5')]) AS id;
SELECT tests.act_as_owner();
SELECT is((app_private.record_upload_check(tests.recall('v2'), NULL, NULL)).upload_rejection, 'upload.missing_object',
  'check: no object is rejected');
SELECT is((app_private.record_upload_check(tests.recall('v5'), 10, encode(sha256('other bytes'), 'hex'))).upload_rejection,
  'upload.checksum_mismatch', 'check: other bytes of the same size are rejected');
SELECT results_eq($$SELECT upload_state::text, is_current, upload_checked_at IS NOT NULL
                      FROM app_private.record_upload_check(tests.recall('v3'), 10, upper(encode(sha256('bracket v3'), 'hex')))$$,
  $$VALUES ('stored', true, true)$$, 'check: the declared size and sha256 store the version and make it current');
SELECT results_eq($$SELECT version, checksum, approval_state::text FROM app.documents WHERE id = tests.recall('document')$$,
  $$VALUES (3, encode(sha256('bracket v3'), 'hex'), 'pending')$$, 'current: the document mirrors the stored version');
SELECT results_eq($$SELECT requested_by, current_approver_id, status::text FROM app.approvals WHERE entity_id = tests.recall('v3')$$,
  $$VALUES (tests.recall('engineering'), tests.recall('qa'), 'pending')$$,
  'current: the regulated version''s approval opens now, requested by the uploader, routed to qa');
SELECT is((app_private.record_upload_check(tests.recall('v4'), 10, encode(sha256('bracket v3'), 'hex'))).upload_rejection,
  'upload.identical_to_current', 'check: a file identical to the current version is rejected');
SELECT is(auth.claims(), '{}'::jsonb, 'check: the worker''s session keeps no claims of the uploader');

SELECT tests.act_as(tests.recall('engineering'), tests.recall('t'));
SELECT tests.remember('v6', (app.add_document_version(tests.recall('document'), encode(sha256('bracket v6'), 'hex'), 10, 'application/pdf')).id);
SELECT tests.remember('v7', (app.add_document_version(tests.recall('document'), encode(sha256('bracket v7'), 'hex'), 10, 'application/pdf')).id);
SELECT app.confirm_document_upload(id) FROM unnest(ARRAY[tests.recall('v6'), tests.recall('v7')]) AS id;
SELECT tests.act_as_owner();
SELECT is((app_private.record_upload_check(tests.recall('v7'), 10, encode(sha256('bracket v7'), 'hex'))).upload_state::text, 'stored',
  'order: the later version checked first becomes current');
SELECT is((app_private.record_upload_check(tests.recall('v6'), 10, encode(sha256('bracket v6'), 'hex'))).upload_rejection,
  'upload.superseded', 'order: an earlier version checked after it never replaces it');
SELECT is((SELECT array_agg(version_number) FROM app.document_versions WHERE document_id = tests.recall('document') AND is_current),
  ARRAY[7], 'order: one current version, the latest stored');

-- Downloads: readers of the tenant's documents, logged.
SELECT tests.act_as(tests.recall('auditor'), tests.recall('t'));
SELECT ok((app.document_download_url(tests.recall('v3'))).url LIKE
            'http://127.0.0.1:9000/pulse-files/tenants/' || tests.recall('t') || '/documents/' || tests.recall('document')
            || '/v3/%-v03.pdf?X-Amz-%',
  'download URL: a reader gets a GET URL for a stored version, current or not');
SELECT results_eq($$SELECT action::text, version_number, user_id FROM app.document_access_log WHERE document_id = tests.recall('document')$$,
  $$VALUES ('download', 3, tests.recall('auditor'))$$, 'download URL: the download is logged');
SELECT tests.act_as_role(tests.recall('t'), 'customer_portal');
SELECT is(tests.refusal($$SELECT app.document_download_url(tests.recall('v3'))$$), 'PT404 document.not_found',
  'download URL: a portal user finds no version');
SELECT tests.act_as_role(tests.recall('t'), 'lab_tech');
SELECT is(tests.refusal($$SELECT app.document_download_url(tests.recall('v3'))$$), 'PT404 document.not_found',
  'download URL: nor does a member who may not read projects');
SELECT tests.act_as(tests.recall('other_admin'), tests.recall('other'));
SELECT is(tests.refusal($$SELECT app.document_download_url(tests.recall('v3'))$$), 'PT404 document.not_found',
  'download URL: nor another tenant');

-- Evidence and records are stored versions only.
SELECT tests.act_as(tests.recall('engineering'), tests.recall('t'));
SELECT is(tests.refusal($$SELECT app.add_approval_attachment((SELECT id FROM app.approvals WHERE entity_id = tests.recall('v3')),
                                                             tests.recall('document'), 1)$$),
  'PT422 approval.attachment_not_in_project', 'attachments: a rejected version is no evidence for an approval');
SELECT tests.act_as_role(tests.recall('t'), 'sales');
SELECT is(tests.refusal(format($$SELECT app.update_progress(%L, %L, 'complete', 'done', %L)$$, tests.recall('project'),
                               tests.id_of_sub_stage(tests.recall('t'), 'rfq-review'),
                               jsonb_build_array(jsonb_build_object('document_id', tests.recall('document'), 'version_number', 2)))),
  'PT422 progress.attachment_not_in_project', 'attachments: nor for a sub-stage');
SELECT is((SELECT array_agg(version_number ORDER BY version_number) FROM app.quality_records WHERE title = 'Bracket drawing'),
  ARRAY[3, 7], 'records: the compliance export lists the stored versions only');

SELECT * FROM finish();
ROLLBACK;
