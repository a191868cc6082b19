-- Attachments: declared, uploaded by their uploader alone, verified, then
-- downloadable by whoever may read the entity (and logged); deleted by the
-- uploader or a moderator, with their entity or comment, their objects
-- queued for the purge. Tried as a colleague, a lesser role (auditor), a
-- portal customer, another tenant's admin and an anonymous caller.
BEGIN;
SELECT plan(40);

INSERT INTO app_private.object_storage (endpoint, region, bucket, access_key_id, secret_access_key)
VALUES ('http://127.0.0.1:9000', 'us-east-1', 'pulse-files', 'AKID', 'secret');
SELECT tests.remember('a', tests.create_workflow_tenant());
SELECT tests.remember('b', tests.create_workflow_tenant());
SELECT tests.remember('project', tests.create_project(tests.recall('a'), p_customer_id => tests.portal_customer(tests.recall('a'))));
SELECT tests.remember('other_project', tests.create_project(tests.recall('a')));
SELECT tests.remember('sales', tests.member_with_role(tests.recall('a'), 'sales'));

-- Declaring.
SELECT tests.act_as_role(tests.recall('a'), 'sales');
SELECT tests.remember('file', tests.attach('project', tests.recall('project'), 'Kick-off minutes.txt', 'minutes of the kick-off'));
SELECT is((SELECT (upload_state, uploaded_by, size_bytes, sha256)::text FROM app.attachments WHERE id = tests.recall('file')),
  ('pending', tests.recall('sales'), 23, tests.sha256_of('minutes of the kick-off'))::text,
  'an attachment starts pending, uploaded by the caller, with the declared size and sha256');
SELECT is(tests.refusal($$SELECT tests.attach('project', tests.recall('project'), '../etc/passwd')$$), 'PT422 attachment.file_name_invalid',
  'a file name has no /');
SELECT is(tests.refusal($$INSERT INTO app.attachments (entity_type, entity_id, file_name, mime_type, size_bytes, sha256)
                          VALUES ('project', tests.recall('project'), 'a.txt', 'text/plain', 0, repeat('a', 64))$$),
  'PT422 attachment.size_invalid', 'a file has at least one byte');
SELECT is(tests.refusal($$INSERT INTO app.attachments (entity_type, entity_id, file_name, mime_type, size_bytes, sha256)
                          VALUES ('project', tests.recall('project'), 'a.txt', 'text/plain', 1, 'abc')$$),
  'PT422 attachment.sha256_invalid', 'its sha256 is 64 hex digits');
SELECT is(tests.refusal($$INSERT INTO app.attachments (entity_type, entity_id, file_name, mime_type, size_bytes, sha256)
                          VALUES ('project', tests.recall('project'), 'a.txt', 'text', 1, repeat('a', 64))$$),
  'PT422 attachment.mime_type_invalid', 'its media type is type/subtype');
SELECT is(tests.refusal($$SELECT tests.attach('project', gen_random_uuid())$$), 'PT404 entity.not_found', 'it hangs off an entity the caller reads');
INSERT INTO app.comments (entity_type, entity_id, body) VALUES ('project', tests.recall('other_project'), 'On the other project');
SELECT is(tests.refusal($$SELECT tests.attach('project', tests.recall('project'), 'a.txt', 'a', (SELECT id FROM app.comments LIMIT 1))$$),
  'PT422 attachment.comment_invalid', 'a comment''s attachment is on the comment''s entity');

-- Uploading: the uploader's alone.
SELECT ok((app.attachment_upload_url(tests.recall('file'))).url LIKE
            'http://127.0.0.1:9000/pulse-files/tenants/' || tests.recall('a') || '/attachments/' || tests.recall('file') || '/Kick-off%20minutes.txt?%',
  'the uploader gets a PUT URL under the tenant''s prefix');
SELECT tests.act_as_role(tests.recall('a'), 'qa');
SELECT is(tests.refusal($$SELECT app.attachment_upload_url(tests.recall('file'))$$), 'PT404 attachment.not_found',
  'a colleague does not get the uploader''s upload URL');
SELECT is(tests.refusal($$SELECT app.confirm_attachment_upload(tests.recall('file'))$$), 'PT404 attachment.not_found',
  'nor confirms the upload');
SELECT tests.act_as_role(tests.recall('a'), 'auditor');
SELECT is(tests.refusal($$SELECT app.attachment_upload_url(tests.recall('file'))$$), 'PT403 permission.missing',
  'a lesser role without attachment.upload gets nothing');
SELECT is(tests.refusal($$SELECT tests.attach('project', tests.recall('project'))$$), 'PT403 permission.missing', 'nor attaches');
SELECT is(tests.refusal($$SELECT app.attachment_download_url(tests.recall('file'))$$), 'PT409 attachment_upload.not_stored',
  'a file not yet stored cannot be downloaded');

SELECT tests.act_as_role(tests.recall('a'), 'sales');
SELECT is((app.confirm_attachment_upload(tests.recall('file'))).upload_state, 'verifying', 'confirming hands it to the verify worker');
SELECT is((app.confirm_attachment_upload(tests.recall('file'))).upload_state, 'verifying', 'confirming again changes nothing');
SELECT is(tests.refusal($$SELECT app.attachment_upload_url(tests.recall('file'))$$), 'PT409 attachment_upload.not_pending',
  'a confirmed upload takes no other file');

-- Verifying: the worker's report decides.
SELECT tests.act_as_owner();
SELECT is((SELECT (size_bytes, sha256)::text FROM app_private.attachment_checks_due() WHERE attachment_id = tests.recall('file')),
  (23, tests.sha256_of('minutes of the kick-off'))::text, 'the worker finds it due, with what was declared');
SELECT tests.act_as_role(tests.recall('a'), 'sales');
SELECT tests.remember('wrong', tests.attach('project', tests.recall('project'), 'wrong.txt', 'declared'));
SELECT app.confirm_attachment_upload(tests.recall('wrong'));
SELECT tests.act_as_owner();
SELECT is((app_private.record_attachment_check(tests.recall('wrong'), 8, tests.sha256_of('uploaded'))).upload_rejection,
  'upload.checksum_mismatch', 'an object with other bytes is rejected');
SELECT is((app_private.record_attachment_check(tests.recall('wrong'), 8, tests.sha256_of('declared'))).upload_state::text,
  'rejected', 'and stays rejected whatever a later report says');
SELECT tests.act_as_role(tests.recall('a'), 'sales');
SELECT tests.remember('missing', tests.attach('project', tests.recall('project'), 'missing.txt', 'never sent'));
SELECT app.confirm_attachment_upload(tests.recall('missing'));
SELECT tests.act_as_owner();
SELECT is((app_private.record_attachment_check(tests.recall('missing'), NULL, NULL)).upload_rejection, 'upload.missing_object',
  'no object at the key: rejected');
SELECT is((app_private.record_attachment_check(tests.recall('missing'), 10, tests.sha256_of('never sent'))).upload_rejection,
  'upload.missing_object', 'a second report changes nothing');
SELECT is((app_private.record_attachment_check(tests.recall('file'), 23, upper(tests.sha256_of('minutes of the kick-off')))).upload_state::text,
  'stored', 'the declared size and sha256: stored');
SELECT is((SELECT array_agg(title ORDER BY title) FROM app.notifications WHERE user_id = tests.recall('sales') AND type = 'attachment'),
  ARRAY['Kick-off minutes.txt is stored', 'missing.txt was rejected', 'wrong.txt was rejected'], 'the uploader hears of each');

-- Downloading: whoever reads the entity, logged.
SELECT tests.act_as_role(tests.recall('a'), 'auditor');
SELECT ok((app.attachment_download_url(tests.recall('file'))).url LIKE '%/tenants/' || tests.recall('a') || '/attachments/%',
  'an auditor, who reads the project, gets a download URL');
SELECT is((SELECT user_id FROM app.attachment_downloads WHERE attachment_id = tests.recall('file')),
  tests.member_with_role(tests.recall('a'), 'auditor'), 'and the download is logged');
SELECT is(tests.refusal($$SELECT app.attachment_download_url(tests.recall('wrong'))$$), 'PT409 attachment_upload.not_stored',
  'a rejected file is never downloaded');
SELECT is(tests.refusal($$SELECT auth.sign_attachment_download(gen_random_uuid(), 60)$$), 'PT404 attachment.not_found',
  'the signer signs only for a download logged in the transaction');

SELECT tests.act_as_role(tests.recall('a'), 'customer_portal');
SELECT is_empty($$SELECT FROM app.attachments$$, 'a portal customer reads no attachments of projects (projects are staff-only)');
SELECT is(tests.refusal($$SELECT app.attachment_download_url(tests.recall('file'))$$), 'PT404 attachment.not_found',
  'nor downloads one of their customer''s project');

SELECT tests.remember('download', (SELECT id FROM app.attachment_downloads WHERE organization_id = tests.recall('a') LIMIT 1));
SELECT tests.act_as_role(tests.recall('b'), 'admin');
SELECT is_empty($$SELECT FROM app.attachments WHERE organization_id = tests.recall('a')$$, 'another tenant''s admin reads none of A''s attachments');
SELECT is(tests.refusal($$SELECT app.attachment_download_url(tests.recall('file'))$$), 'PT404 attachment.not_found', 'nor downloads them');
SELECT is(tests.refusal($$INSERT INTO app.attachment_downloads (attachment_id) VALUES (tests.recall('file'))$$), '42501',
  'nor writes a download of them (the proof the signer asks for)');
SELECT is(tests.refusal($$SELECT tests.attach('project', tests.recall('project'))$$), 'PT404 entity.not_found', 'nor attaches to A''s project');
SELECT tests.act_as_anon();
SELECT is(tests.refusal($$SELECT FROM app.attachments$$), '42501', 'an anonymous caller reads nothing');

-- Deleting: the uploader or a moderator; the object is queued for the purge.
SELECT tests.act_as_role(tests.recall('a'), 'qa');
DELETE FROM app.attachments WHERE id = tests.recall('file');
SELECT tests.act_as_owner();
SELECT is((SELECT count(*)::int FROM app.attachments WHERE id = tests.recall('file')), 1, 'a colleague does not delete your attachment');
SELECT tests.act_as_role(tests.recall('a'), 'sales');
DELETE FROM app.attachments WHERE id = tests.recall('file');
SELECT tests.act_as_owner();
SELECT is((SELECT count(*)::int FROM app_private.object_purges
            WHERE object_key = 'tenants/' || tests.recall('a') || '/attachments/' || tests.recall('file') || '/Kick-off minutes.txt'), 1,
  'the uploader does, and its object is queued for the purge');
SELECT ok((SELECT url FROM app_private.object_purges_due() WHERE object_key LIKE '%' || tests.recall('file') || '%')
            LIKE 'http://127.0.0.1:9000/pulse-files/tenants/%?%', 'the purge gets a DELETE URL for it');

-- A comment's attachments go with the comment, an entity's with the entity.
SELECT tests.act_as_role(tests.recall('a'), 'sales');
INSERT INTO app.comments (entity_type, entity_id, body) VALUES ('project', tests.recall('project'), 'See the photo');
SELECT tests.remember('photo', tests.attach('project', tests.recall('project'), 'photo.txt', 'a photo',
                                            (SELECT id FROM app.comments WHERE body = 'See the photo')));
SELECT tests.act_as_role(tests.recall('a'), 'management');
DELETE FROM app.comments WHERE body = 'See the photo';
SELECT tests.act_as_owner();
SELECT is((SELECT count(*)::int FROM app.attachments WHERE id = tests.recall('photo')), 0, 'deleting a comment deletes its attachments');
CREATE TABLE tests.gadgets (organization_id uuid NOT NULL, id uuid NOT NULL DEFAULT gen_random_uuid(), name text NOT NULL,
                            PRIMARY KEY (organization_id, id));
SELECT app_private.register_entity_type('gadget', 'tests.gadgets', 'name', 'Gadget');
INSERT INTO tests.gadgets (organization_id, name) VALUES (tests.recall('a'), 'Wrench');
INSERT INTO app.attachments (organization_id, entity_type, entity_id, file_name, mime_type, size_bytes, sha256, uploaded_by)
SELECT organization_id, 'gadget', id, 'manual.pdf', 'application/pdf', 10, repeat('b', 64), tests.recall('sales') FROM tests.gadgets;
DELETE FROM tests.gadgets;
SELECT is((SELECT count(*)::int FROM app.attachments WHERE entity_type = 'gadget'), 0, 'deleting an entity deletes its attachments');
SELECT is((SELECT count(*)::int FROM app_private.object_purges WHERE object_key LIKE '%/manual.pdf'), 1, 'and queues their objects');

SELECT * FROM finish();
ROLLBACK;
