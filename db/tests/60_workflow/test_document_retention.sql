-- Document retention (seed 002 §3, §5): a document is kept for the years its
-- retention tag names after its newest version; nobody deletes it before,
-- and the flag-documents-for-disposal job lists it after, tested with a
-- frozen clock (p_as_of). Tenant B keeps its "other" documents 5 years.
BEGIN;
SELECT plan(15);

SELECT tests.remember('a', tests.create_workflow_tenant());
SELECT tests.remember('b', tests.create_workflow_tenant());
UPDATE app.document_category_settings SET retention_years = 5 WHERE organization_id = tests.recall('b') AND category = 'other';
SELECT tests.remember('a_project', tests.create_project(tests.recall('a')));
SELECT tests.remember('b_project', tests.create_project(tests.recall('b')));

SELECT tests.act_as_role(tests.recall('a'), 'sales');
SELECT tests.remember('a_other', (app.create_document(tests.recall('a_project'), 'Notes', 'other', 'pdf',
  repeat('1', 64), 10, 'application/pdf')).document_id);
SELECT tests.remember('a_qa', (app.create_document(tests.recall('a_project'), 'Inspection', 'qa_report', 'pdf',
  repeat('2', 64), 10, 'application/pdf')).document_id);
SELECT tests.act_as_role(tests.recall('b'), 'sales');
SELECT tests.remember('b_other', (app.create_document(tests.recall('b_project'), 'Notes', 'other', 'pdf',
  repeat('3', 64), 10, 'application/pdf')).document_id);
SELECT tests.act_as_owner();

SELECT is(ARRAY(SELECT retention_tag FROM app.documents WHERE id IN (tests.recall('a_other'), tests.recall('a_qa'), tests.recall('b_other'))
                 ORDER BY id = tests.recall('a_other') DESC, id = tests.recall('a_qa') DESC),
  ARRAY['retain-2y', 'retain-7y', 'retain-5y'], 'each document carries its tenant''s rule for its category');
SELECT is(app_private.document_retention_ends(d), now() + interval '2 years', 'retention runs from the newest version')
  FROM app.documents AS d WHERE d.id = tests.recall('a_other');

-- Nobody deletes a document in retention: not the owner, not an API role.
SELECT is(tests.refusal(format($$DELETE FROM app.documents WHERE id = %L$$, tests.recall('a_other'))),
  'PT409 document.in_retention', 'the owner cannot delete a document in retention');
SELECT tests.act_as_role(tests.recall('a'), 'admin');
SELECT is(tests.refusal(format($$DELETE FROM app.documents WHERE id = %L$$, tests.recall('a_other'))),
  '42501', 'an admin has no delete at all');
SELECT tests.act_as_owner();

-- The job, frozen: just inside the 2 years nothing is due; at the end the
-- 2-year document is, and not B's 5-year one, nor the 7-year QA report.
SELECT is(app_private.flag_documents_for_disposal(now() + interval '2 years' - interval '1 microsecond'), 0,
  'a moment before its retention ends, nothing is flagged');
SELECT is(app_private.flag_documents_for_disposal(now() + interval '2 years'), 1, 'when it ends, the document is flagged');
SELECT is(ARRAY(SELECT document_id FROM app.document_disposals
                 WHERE document_id IN (tests.recall('a_other'), tests.recall('a_qa'), tests.recall('b_other'))),
  ARRAY[tests.recall('a_other')], 'only the document past its retention; B''s longer rule keeps its own');
SELECT is((SELECT retention_ended_at FROM app.document_disposals WHERE document_id = tests.recall('a_other')),
  now() + interval '2 years', 'with when its retention ended');
SELECT is(app_private.flag_documents_for_disposal(now() + interval '5 years'), 1, 'B''s is flagged after its 5 years');
SELECT is(app_private.flag_documents_for_disposal(now() + interval '5 years'), 0, 'each document is flagged once');

-- The disposal list: the document controller's (workflow.manage), in their tenant.
SELECT tests.act_as_role(tests.recall('a'), 'management');
SELECT is(ARRAY(SELECT document_id FROM app.document_disposals), ARRAY[tests.recall('a_other')],
  'management reads its tenant''s disposal list');
SELECT tests.act_as_role(tests.recall('a'), 'sales');
SELECT is_empty($$SELECT 1 FROM app.document_disposals$$, 'a member without workflow.manage reads none of it');
SELECT tests.act_as(tests.create_operator());
SELECT is((SELECT count(*)::int FROM app.document_disposals WHERE document_id IN (tests.recall('a_other'), tests.recall('b_other'))), 2,
  'a platform operator reads every tenant''s');

-- Past its retention, the guard lets a document go (this one has no
-- versions, which are kept by a rule of their own).
SELECT tests.act_as_owner();
INSERT INTO app.documents (organization_id, project_id, title, category, file_extension, retention_tag, created_at)
VALUES (tests.recall('a'), tests.recall('a_project'), 'Old notes', 'other', 'pdf', 'retain-2y', now() - interval '2 years 1 second')
RETURNING tests.remember('old', id);
SELECT lives_ok(format($$DELETE FROM app.documents WHERE id = %L$$, tests.recall('old')),
  'a document past its retention may be deleted');

-- A purged tenant's documents go with it, retention or not.
UPDATE app.organizations SET deleted_at = now() - interval '31 days' WHERE id = tests.recall('a');
SELECT lives_ok(format($$SELECT app_private.purge_organization_data(%L)$$, tests.recall('a')),
  'a tenant''s purge takes its retained documents');

SELECT * FROM finish();
ROLLBACK;
