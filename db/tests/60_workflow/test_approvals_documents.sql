-- Approvals (routing by chains, steps, reassignment, delegation, backups,
-- cancellation, e-signatures), documents (regulated approval, identical
-- uploads, access log), messages, notifications and the dashboards.
BEGIN;
SELECT plan(50);

-- Chain conditions
SELECT ok(app_private.approval_chain_matches('{"quote_value": {"gte": 50000}}', '{"quote_value": 60000}'), 'chains: gte holds');
SELECT ok(NOT app_private.approval_chain_matches('{"quote_value": {"gte": 50000}}', '{"quote_value": 49999.99}'), 'chains: gte fails below');
SELECT ok(NOT app_private.approval_chain_matches('{"po_value": {"gt": 1}}', '{}'), 'chains: a missing fact never holds');
SELECT ok(app_private.approval_chain_matches('{"risk_flags": {"any": ["export_controlled"]}}', '{"risk_flags": ["expedited", "export_controlled"]}'),
  'chains: any matches one of the flags');
SELECT ok(app_private.approval_chain_matches('{}', '{"quote_value": 1}'), 'chains: no conditions is the fallback');
SELECT tests.act_as('management@acme.test', 'acme-manufacturing');
SELECT throws_ok($$INSERT INTO app.approval_chains (chain_name, approval_type, conditions, steps) VALUES ('x', 'po_approval', '{"colour": {"eq": 1}}', '[{"role": "sales"}]')$$,
  'PT422', 'conditions has unknown key(s): colour', 'chains: only known facts');
SELECT throws_ok($$INSERT INTO app.approval_chains (chain_name, approval_type, conditions, steps) VALUES ('x', 'po_approval', '{}', '[{"role": "wizard"}]')$$,
  'PT422', NULL, 'chains: steps name roles of the tenant');

-- A three-step quote approval: a large quote routes sales -> finance -> management
SELECT tests.remember('v', (SELECT id FROM app.clone_workflow_definition((SELECT id FROM app.workflow_definitions WHERE is_default))));
UPDATE app.workflow_definition_sub_stages SET requires_approval_override = true, approval_type_override = 'quote_approval'
 WHERE workflow_definition_id = tests.recall('v') AND workflow_sub_stage_id = tests.id_of_sub_stage('acme-manufacturing', 'rfq-review');
WITH p AS (INSERT INTO app.projects (title, workflow_definition_id, quote_value) VALUES ('Big quote', tests.recall('v'), 75000) RETURNING id)
SELECT tests.remember('project', id) FROM p;
SELECT is((app.update_progress(tests.recall('project'), tests.id_of_sub_stage('acme-manufacturing', 'rfq-review'), 'complete')).status::text,
  'in_review', 'routing: the gated sub-stage is in review');
SELECT tests.remember('approval', (tests.open_approval_of(tests.recall('project'), tests.id_of_sub_stage('acme-manufacturing', 'rfq-review'))).id);
SELECT results_eq($$SELECT jsonb_array_length(a.steps), c.chain_name FROM app.approvals a JOIN app.approval_chains c ON c.id = a.approval_chain_id WHERE a.id = tests.recall('approval')$$,
  $$VALUES (3, 'Quote approval, large quote')$$, 'routing: quote_value 75000 takes the large-quote chain of three steps');
SELECT is(tests.email_of((SELECT current_approver_id FROM app.approvals WHERE id = tests.recall('approval'))), 'sales@acme.test',
  'routing: step 1 goes to sales');
SELECT tests.act_as('sales@acme.test', 'acme-manufacturing');
SELECT is((app.decide_approval(tests.recall('approval'), 'approve', 'Price ok')).status::text, 'in_review', 'steps: after step 1 the approval is in review');
SELECT is(tests.email_of((SELECT current_approver_id FROM app.approvals WHERE id = tests.recall('approval'))), 'finance@acme.test',
  'steps: step 2 goes to finance');
SELECT is(tests.progress_status(tests.recall('project'), 'rfq-review'), 'in_review', 'steps: the sub-stage waits for the last step');

-- Reassign, delegate, backups, cancel
SELECT throws_ok($$SELECT app.reassign_approval(tests.recall('approval'), tests.id_of_user('qa@acme.test'))$$, 'PT403', NULL,
  'reassign: not by someone who is neither approver nor manager');
SELECT tests.act_as('finance@acme.test', 'acme-manufacturing');
SELECT throws_ok($$SELECT app.delegate_approval(tests.recall('approval'))$$, 'PT409', 'the approver has no backup', 'delegate: needs a backup');
INSERT INTO app.approver_backups (user_id, backup_user_id) VALUES (tests.id_of_user('finance@acme.test'), tests.id_of_user('ada@acme.test'));
SELECT is(tests.email_of((app.delegate_approval(tests.recall('approval'), 'On leave')).current_approver_id), 'ada@acme.test',
  'delegate: the approver''s backup takes over');
SELECT throws_ok(format($$INSERT INTO app.approver_backups (user_id, backup_user_id) VALUES (%L, %L)$$,
                        tests.id_of_user('qa@acme.test'), tests.id_of_user('sales@acme.test')),
  '42501', NULL, 'backups: one names only their own backup');
SELECT tests.act_as('management@acme.test', 'acme-manufacturing');
SELECT is(tests.email_of((app.reassign_approval(tests.recall('approval'), tests.id_of_user('finance@acme.test'), 'Back from leave')).current_approver_id),
  'finance@acme.test', 'reassign: management hands it back');
SELECT results_eq($$SELECT action_type::text FROM app.approval_history WHERE approval_id = tests.recall('approval') ORDER BY action_at$$,
  ARRAY['request', 'assign', 'approve', 'assign', 'delegate', 'reassign'], 'history: every step of the trail is recorded');
SELECT is((app.cancel_approval(tests.recall('approval'), 'Customer withdrew the RFQ')).status::text, 'cancelled', 'cancel: management withdraws it');
SELECT is(tests.progress_status(tests.recall('project'), 'rfq-review'), 'in_progress', 'cancel: the sub-stage goes back to in_progress');

-- Electronic signatures: quality reviews are signed
SELECT tests.act_as('management@acme.test', 'acme-manufacturing');
SELECT throws_ok($$UPDATE app.workflow_definition_sub_stages SET approval_type_override = 'quality_review' WHERE workflow_definition_id = tests.recall('v')$$,
  'PT409', NULL, 'templates: the version a project uses is locked');
SELECT tests.act_as('management@acme.test', 'acme-manufacturing');
SELECT lives_ok($$SELECT app.update_progress(tests.recall('project'), tests.id_of_sub_stage('acme-manufacturing', 'rfq-review'), 'complete')$$,
  'signature: a new approval is requested');
SELECT tests.remember('approval', (tests.open_approval_of(tests.recall('project'), tests.id_of_sub_stage('acme-manufacturing', 'rfq-review'))).id);
-- The sub-stage's type has no signature policy; require one for this approval.
SELECT tests.act_as_owner();
UPDATE app.approvals SET requires_signature = true WHERE id = tests.recall('approval');
SELECT tests.act_as('sales@acme.test', 'acme-manufacturing');
SELECT throws_ok($$SELECT app.decide_approval(tests.recall('approval'), 'approve', 'ok')$$, 'PT422', NULL,
  'signature: a decision that must be signed is refused unsigned');
SELECT is(app.decide_approval(tests.recall('approval'), 'approve', 'ok', NULL, 'Checked', 'wrong-password'), NULL,
  'signature: a wrong password applies nothing');
SELECT is(current_setting('response.status', true), '403', 'signature: and answers 403, without rolling back its count');
SELECT is((SELECT decided_by FROM app.approvals WHERE id = tests.recall('approval')), NULL, 'signature: the approval stays open');
SELECT is((SELECT count(*)::int FROM (SELECT app.decide_approval(tests.recall('approval'), 'approve', 'ok', NULL, 'Checked', 'wrong')
                                        AS refused FROM generate_series(1, 4)) AS attempts WHERE refused IS NULL), 4,
  'signature: four more wrong passwords');
SELECT throws_ok($$SELECT app.decide_approval(tests.recall('approval'), 'approve', 'ok', 'reviewed', 'Checked the quote', 'pulse-demo-password')$$,
  'PT429', NULL, 'signature: count with sign-in failures, and a locked account cannot sign');
SELECT tests.act_as_owner();
DELETE FROM app_private.sign_in_throttle WHERE email = 'sales@acme.test';
SELECT tests.act_as('sales@acme.test', 'acme-manufacturing');
SELECT lives_ok($$SELECT app.decide_approval(tests.recall('approval'), 'approve', 'ok', 'reviewed', 'Checked the quote', 'pulse-demo-password')$$,
  'signature: a signed decision is accepted');
SELECT results_eq($$SELECT signature_meaning, signature_reason, signed_payload_sha256 = encode(sha256(convert_to(signed_payload::text, 'UTF8')), 'hex'),
                           signed_payload ->> 'signer_email'
                      FROM app.approval_history WHERE approval_id = tests.recall('approval') AND action_type = 'approve'$$,
  $$VALUES ('reviewed', 'Checked the quote', true, 'sales@acme.test')$$,
  'signature: meaning, reason, signer and the sha256 of exactly what was signed are kept');

-- Documents: regulated categories need an approved version
SELECT tests.act_as('engineering@acme.test', 'acme-manufacturing');
SELECT is((app.create_document(tests.recall('project'), 'Main drawing', 'drawing', 'dwg', encode(sha256('d1'), 'hex'), 900000, 'application/acad')).approval_state::text,
  'pending', 'regulated: a drawing version waits for approval');
SELECT tests.remember('document', (SELECT id FROM app.documents WHERE title = 'Main drawing'));
SELECT throws_ok($$SELECT app.add_document_version(tests.recall('document'), encode(sha256('d1'), 'hex'), 900000, 'application/acad')$$,
  'PT409', NULL, 'documents: an upload identical to the current version is refused');
SELECT tests.act_as_owner();
SELECT tests.remember('approval', (SELECT a.id FROM app.approvals a JOIN app.document_versions v ON v.id = a.entity_id WHERE v.document_id = tests.recall('document')));
SELECT is(tests.email_of((SELECT current_approver_id FROM app.approvals WHERE id = tests.recall('approval'))), 'qa@acme.test',
  'regulated: the version''s approval goes to qa');
SELECT tests.act_as('qa@acme.test', 'acme-manufacturing');
SELECT lives_ok($$SELECT app.decide_approval(tests.recall('approval'), 'approve', 'Released', NULL, 'Drawing released', 'pulse-demo-password')$$,
  'regulated: qa approves (signed, as quality reviews require)');
SELECT results_eq($$SELECT approval_state::text, tests.email_of(approved_by) FROM app.documents WHERE id = tests.recall('document')$$,
  $$VALUES ('approved', 'qa@acme.test')$$, 'regulated: the document is approved');
SELECT is((app.log_document_access(tests.recall('document'), NULL, 'download')).version_number, 1, 'access log: opening returns the current version');
SELECT results_eq($$SELECT action::text, tests.email_of(user_id) FROM app.document_access_log WHERE document_id = tests.recall('document')$$,
  $$VALUES ('download', 'qa@acme.test')$$, 'access log: the download is logged');
SELECT tests.act_as('lab_tech@acme.test', 'acme-manufacturing');
SELECT throws_ok($$SELECT app.create_document(tests.recall('project'), 'x', 'other', 'txt', repeat('c', 64), 1, 'text/plain')$$,
  'PT403', NULL, 'documents: uploading needs document.upload');
SELECT tests.act_as('grace@northwind.test', 'northwind-labs');
SELECT throws_ok($$SELECT app.log_document_access(tests.recall('document'))$$, 'PT404', NULL, 'access log: another tenant finds nothing');

-- Messages and notifications
SELECT tests.act_as('sales@acme.test', 'acme-manufacturing');
SELECT throws_like(format($$INSERT INTO app.messages (project_id, recipient_id, content) VALUES (%L, %L, 'hi')$$,
                          tests.recall('project'), tests.id_of_user('grace@northwind.test')),
  '%is not an active member of the organization%', 'messages: only to colleagues');
INSERT INTO app.messages (project_id, recipient_id, subject, content) VALUES (tests.recall('project'), tests.id_of_user('finance@acme.test'), 'Margin', 'Can we go to 18%?');
SELECT throws_ok(format($$INSERT INTO app.messages (project_id, sender_id, content) VALUES (%L, %L, 'spoof')$$,
                        tests.recall('project'), tests.id_of_user('finance@acme.test')),
  '42501', NULL, 'messages: nobody sends in someone else''s name');
SELECT tests.act_as('finance@acme.test', 'acme-manufacturing');
SELECT is((SELECT title FROM app.notifications WHERE type = 'message' AND read_at IS NULL ORDER BY created_at DESC LIMIT 1),
  (SELECT project_number FROM app.projects WHERE id = tests.recall('project')) || ': Margin', 'notifications: the recipient is notified of the message');
SELECT is_empty($$SELECT 1 FROM app.notifications WHERE user_id <> tests.id_of_user('finance@acme.test')$$, 'notifications: each person sees only their own');
UPDATE app.notifications SET read_at = '2000-01-01' WHERE type = 'message';
SELECT ok((SELECT bool_and(read_at > now() - interval '1 minute') FROM app.notifications WHERE type = 'message'),
  'notifications: PATCH read_at records the server''s time');
SELECT ok(app.mark_all_notifications_read() > 0, 'notifications: mark all read');
SELECT is((SELECT count(*)::int FROM app.notifications WHERE read_at IS NULL), 0, 'notifications: none left unread');

-- Dashboards
SELECT tests.act_as('management@acme.test', 'acme-manufacturing');
SELECT is((SELECT sum(project_count)::int FROM app.project_portfolio), (SELECT count(*)::int FROM app.projects),
  'dashboards: the portfolio counts every project once');
SELECT ok((SELECT count(*) FROM app.approval_sla_breaches) >= 1, 'dashboards: the demo''s overdue approvals are SLA breaches');
SELECT is((SELECT on_time_count::int FROM app.on_time_delivery), 1, 'dashboards: the delivered demo project was on time');

SELECT * FROM finish();
ROLLBACK;
