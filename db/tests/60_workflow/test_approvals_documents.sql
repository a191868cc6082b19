-- Approvals (routing by chains, steps, reassignment, delegation, backups,
-- cancellation, e-signatures), documents (regulated approval, identical
-- uploads, access log), messages, notifications and the dashboards. One
-- staffed tenant of its own and a second tenant with an admin.
BEGIN;
SELECT plan(63);

SELECT tests.remember('t', tests.create_workflow_tenant());
SELECT tests.remember('other', tests.create_tenant());
SELECT tests.remember('other_admin', tests.create_member(tests.recall('other'), 'admin'));
SELECT tests.remember('sales', tests.member_with_role(tests.recall('t'), 'sales'));
SELECT tests.remember('finance', tests.member_with_role(tests.recall('t'), 'finance'));
SELECT tests.remember('management', tests.member_with_role(tests.recall('t'), 'management'));
SELECT tests.remember('qa', tests.member_with_role(tests.recall('t'), 'qa'));
SELECT tests.remember('admin', tests.member_with_role(tests.recall('t'), 'admin'));

-- Chain conditions
SELECT ok(app_private.approval_chain_matches('{"quote_value": {"gte": 50000}}', '{"quote_value": 60000}'), 'chains: gte holds');
SELECT ok(NOT app_private.approval_chain_matches('{"quote_value": {"gte": 50000}}', '{"quote_value": 49999.99}'), 'chains: gte fails below');
SELECT ok(NOT app_private.approval_chain_matches('{"po_value": {"gt": 1}}', '{}'), 'chains: a missing fact never holds');
SELECT ok(app_private.approval_chain_matches('{"risk_flags": {"any": ["export_controlled"]}}', '{"risk_flags": ["expedited", "export_controlled"]}'),
  'chains: any matches one of the flags');
SELECT ok(app_private.approval_chain_matches('{}', '{"quote_value": 1}'), 'chains: no conditions is the fallback');
SELECT tests.act_as(tests.recall('management'), tests.recall('t'));
SELECT is(tests.refusal($$INSERT INTO app.approval_chains (chain_name, approval_type, conditions, steps) VALUES ('x', 'po_approval', '{"colour": {"eq": 1}}', '[{"role": "sales"}]')$$),
  'PT422 input.unknown_key', 'chains: only known facts');
SELECT is(tests.refusal($$INSERT INTO app.approval_chains (chain_name, approval_type, conditions, steps) VALUES ('x', 'po_approval', '{}', '[{"role": "wizard"}]')$$),
  'PT422 approval_chain.unknown_role', 'chains: steps name roles of the tenant');

-- A three-step quote approval: a large quote routes sales -> finance -> management
SELECT tests.remember('v', (SELECT id FROM app.clone_workflow_definition((SELECT id FROM app.workflow_definitions WHERE is_default))));
UPDATE app.workflow_definition_sub_stages SET requires_approval_override = true, approval_type_override = 'quote_approval'
 WHERE workflow_definition_id = tests.recall('v') AND workflow_sub_stage_id = tests.id_of_sub_stage(tests.recall('t'), 'rfq-review');
SELECT tests.remember('project', tests.create_project(tests.recall('t'), tests.recall('management'), p_title => 'Big quote',
                                                      p_workflow_definition_id => tests.recall('v'), p_quote_value => 75000));
SELECT is((app.update_progress(tests.recall('project'), tests.id_of_sub_stage(tests.recall('t'), 'rfq-review'), 'complete')).status::text,
  'in_review', 'routing: the gated sub-stage is in review');
SELECT tests.remember('approval', (tests.open_approval_of(tests.recall('project'), tests.id_of_sub_stage(tests.recall('t'), 'rfq-review'))).id);
SELECT results_eq($$SELECT jsonb_array_length(a.steps), c.chain_name FROM app.approvals a JOIN app.approval_chains c ON c.id = a.approval_chain_id WHERE a.id = tests.recall('approval')$$,
  $$VALUES (3, 'Quote approval, large quote')$$, 'routing: quote_value 75000 takes the large-quote chain of three steps');
SELECT is((SELECT current_approver_id FROM app.approvals WHERE id = tests.recall('approval')), tests.recall('sales'),
  'routing: step 1 goes to sales');
SELECT tests.act_as(tests.recall('sales'), tests.recall('t'));
SELECT is((app.decide_approval(tests.recall('approval'), 'approve', 'Price ok')).status::text, 'in_review', 'steps: after step 1 the approval is in review');
SELECT is((SELECT current_approver_id FROM app.approvals WHERE id = tests.recall('approval')), tests.recall('finance'),
  'steps: step 2 goes to finance');
SELECT is(tests.progress_status(tests.recall('project'), 'rfq-review'), 'in_review', 'steps: the sub-stage waits for the last step');

-- Reassign, delegate, backups, cancel
SELECT is(tests.refusal($$SELECT app.reassign_approval(tests.recall('approval'), tests.recall('qa'))$$), 'PT403 approval.not_approver_or_manager',
  'reassign: not by someone who is neither approver nor manager');
SELECT is(tests.refusal($$SELECT app.cancel_approval(tests.recall('approval'), 'no')$$), 'PT403 approval.not_requester_or_manager',
  'cancel: not by someone who is neither requester nor manager');
SELECT tests.act_as(tests.recall('finance'), tests.recall('t'));
SELECT is(tests.refusal($$SELECT app.delegate_approval(tests.recall('approval'))$$), 'PT409 approval.no_backup', 'delegate: needs a backup');
SELECT is(tests.refusal($$SELECT app.reassign_approval(tests.recall('approval'), tests.recall('finance'))$$), 'PT422 approval.already_assigned',
  'reassign: not to the current approver');
SELECT is(tests.refusal(format($$SELECT app.reassign_approval(tests.recall('approval'), %L)$$, tests.recall('other_admin'))),
  'PT422 approval.assignee_not_member', 'reassign: only to a member of the tenant');
INSERT INTO app.approver_backups (user_id, backup_user_id) VALUES (tests.recall('finance'), tests.recall('admin'));
SELECT is((app.delegate_approval(tests.recall('approval'), 'On leave')).current_approver_id, tests.recall('admin'),
  'delegate: the approver''s backup takes over');
SELECT is(tests.refusal(format($$INSERT INTO app.approver_backups (user_id, backup_user_id) VALUES (%L, %L)$$,
                               tests.recall('qa'), tests.recall('sales'))),
  '42501', 'backups: one names only their own backup');
SELECT tests.act_as(tests.recall('management'), tests.recall('t'));
SELECT is((app.reassign_approval(tests.recall('approval'), tests.recall('finance'), 'Back from leave')).current_approver_id,
  tests.recall('finance'), 'reassign: management hands it back');
SELECT results_eq($$SELECT action_type::text FROM app.approval_history WHERE approval_id = tests.recall('approval') ORDER BY action_at$$,
  ARRAY['request', 'assign', 'approve', 'assign', 'delegate', 'reassign'], 'history: every step of the trail is recorded');
SELECT is(tests.refusal($$SELECT app.cancel_approval(tests.recall('approval'), ' ')$$), 'PT422 approval.reason_required',
  'cancel: needs a reason');
SELECT is((app.cancel_approval(tests.recall('approval'), 'Customer withdrew the RFQ')).status::text, 'cancelled', 'cancel: management withdraws it');
SELECT is(tests.progress_status(tests.recall('project'), 'rfq-review'), 'in_progress', 'cancel: the sub-stage goes back to in_progress');
SELECT is(tests.refusal($$SELECT app.cancel_approval(tests.recall('approval'), 'again')$$), 'PT409 approval.closed',
  'cancel: a closed approval stays closed');
SELECT is(tests.refusal($$SELECT app.comment_on_approval(tests.recall('approval'), '')$$), 'PT422 approval.comment_required',
  'comment: not empty');
SELECT is(tests.refusal($$SELECT app.comment_on_approval(gen_random_uuid(), 'hello')$$), 'PT404 approval.not_found',
  'comment: an unknown approval is 404');

-- Electronic signatures: quality reviews are signed
SELECT is(tests.refusal($$UPDATE app.workflow_definition_sub_stages SET approval_type_override = 'quality_review' WHERE workflow_definition_id = tests.recall('v')$$),
  'PT409 workflow_definition.locked', 'templates: the version a project uses is locked');
SELECT lives_ok($$SELECT app.update_progress(tests.recall('project'), tests.id_of_sub_stage(tests.recall('t'), 'rfq-review'), 'complete')$$,
  'signature: a new approval is requested');
SELECT tests.remember('approval', (tests.open_approval_of(tests.recall('project'), tests.id_of_sub_stage(tests.recall('t'), 'rfq-review'))).id);
-- The sub-stage's type has no signature policy; require one for this approval.
SELECT tests.act_as_owner();
UPDATE app.approvals SET requires_signature = true WHERE id = tests.recall('approval');
SELECT tests.act_as(tests.recall('sales'), tests.recall('t'));
SELECT is(tests.refusal($$SELECT app.decide_approval(tests.recall('approval'), 'approve', 'ok')$$), 'PT422 signature.required',
  'signature: a decision that must be signed is refused unsigned');
SELECT is(tests.refusal($$SELECT app.decide_approval(tests.recall('approval'), 'approve', 'ok', NULL, ' ', tests.password())$$),
  'PT422 signature.reason_required', 'signature: and needs a reason');
SELECT is(app.decide_approval(tests.recall('approval'), 'approve', 'ok', NULL, 'Checked', 'wrong-password'), NULL,
  'signature: a wrong password applies nothing');
SELECT is(current_setting('response.status', true), '403', 'signature: and answers 403, without rolling back its count');
SELECT is((SELECT decided_by FROM app.approvals WHERE id = tests.recall('approval')), NULL, 'signature: the approval stays open');
SELECT is((SELECT count(*)::int FROM (SELECT app.decide_approval(tests.recall('approval'), 'approve', 'ok', NULL, 'Checked', 'wrong')
                                        AS refused FROM generate_series(1, 4)) AS attempts WHERE refused IS NULL), 4,
  'signature: four more wrong passwords');
SELECT is(split_part(tests.refusal($$SELECT app.decide_approval(tests.recall('approval'), 'approve', 'ok', 'reviewed', 'Checked the quote', tests.password())$$), ' ', 1),
  'PT429', 'signature: count with sign-in failures, and a locked account cannot sign');
SELECT tests.act_as_owner();
DELETE FROM app_private.sign_in_throttle WHERE email = tests.email_of(tests.recall('sales'));
SELECT tests.act_as(tests.recall('sales'), tests.recall('t'));
SELECT lives_ok($$SELECT app.decide_approval(tests.recall('approval'), 'approve', 'ok', 'reviewed', 'Checked the quote', tests.password())$$,
  'signature: a signed decision is accepted');
SELECT results_eq($$SELECT signature_meaning, signature_reason, signed_payload_sha256 = encode(sha256(convert_to(signed_payload::text, 'UTF8')), 'hex'),
                           signed_payload ->> 'signer_email'
                      FROM app.approval_history WHERE approval_id = tests.recall('approval') AND action_type = 'approve'$$,
  format($$VALUES ('reviewed', 'Checked the quote', true, %L)$$, tests.email_of(tests.recall('sales'))),
  'signature: meaning, reason, signer and the sha256 of exactly what was signed are kept');

-- Documents: regulated categories need an approved version
SELECT tests.act_as_role(tests.recall('t'), 'engineering');
SELECT is((tests.upload_document(tests.recall('project'), 'Main drawing', 'drawing', 'dwg', encode(sha256('d1'), 'hex'), 900000, 'application/acad')).approval_state::text,
  'pending', 'regulated: a drawing version waits for approval');
SELECT tests.remember('document', (SELECT id FROM app.documents WHERE title = 'Main drawing'));
SELECT is(tests.refusal($$SELECT app.add_document_version(tests.recall('document'), encode(sha256('d1'), 'hex'), 900000, 'application/acad')$$),
  'PT409 document.identical_version', 'documents: an upload identical to the current version is refused');
SELECT tests.act_as_owner();
SELECT tests.remember('approval', (SELECT a.id FROM app.approvals a JOIN app.document_versions v ON v.id = a.entity_id WHERE v.document_id = tests.recall('document')));
SELECT is((SELECT current_approver_id FROM app.approvals WHERE id = tests.recall('approval')), tests.recall('qa'),
  'regulated: the version''s approval goes to qa');
SELECT tests.act_as(tests.recall('qa'), tests.recall('t'));
SELECT lives_ok($$SELECT app.decide_approval(tests.recall('approval'), 'approve', 'Released', NULL, 'Drawing released', tests.password())$$,
  'regulated: qa approves (signed, as quality reviews require)');
SELECT results_eq($$SELECT approval_state::text, approved_by FROM app.documents WHERE id = tests.recall('document')$$,
  $$VALUES ('approved', tests.recall('qa'))$$, 'regulated: the document is approved');
SELECT is((app.log_document_access(tests.recall('document'), NULL, 'download')).version_number, 1, 'access log: opening returns the current version');
SELECT results_eq($$SELECT action::text, user_id FROM app.document_access_log WHERE document_id = tests.recall('document')$$,
  $$VALUES ('download', tests.recall('qa'))$$, 'access log: the download is logged');
SELECT is(tests.refusal($$SELECT app.add_approval_attachment(tests.recall('approval'), gen_random_uuid(), 1)$$),
  'PT422 approval.attachment_not_in_project', 'attachments: only versions of the approval''s project');
SELECT is(tests.refusal($$SELECT app.add_document_version(gen_random_uuid(), repeat('e', 64), 1, 'application/pdf')$$),
  'PT404 document.not_found', 'documents: a new version of an unknown document is 404');
SELECT is(tests.refusal($$SELECT app.create_document(gen_random_uuid(), 'x', 'other', 'txt', repeat('e', 64), 1, 'text/plain')$$),
  'PT404 project.not_found', 'documents: so is an upload to an unknown project');
SELECT tests.act_as_owner();
SELECT tests.grant_role(tests.recall('t'), tests.member_with_role(tests.recall('t'), 'customer_portal'), 'qa');
SELECT tests.act_as_role(tests.recall('t'), 'customer_portal');
SELECT is(tests.refusal($$SELECT app.create_document(tests.recall('project'), 'x', 'other', 'txt', repeat('e', 64), 1, 'text/plain')$$),
  'PT403 project.staff_only', 'documents: a portal user never uploads, whatever role they hold');
SELECT tests.act_as_role(tests.recall('t'), 'lab_tech');
SELECT is(tests.refusal($$SELECT app.create_document(tests.recall('project'), 'x', 'other', 'txt', repeat('c', 64), 1, 'text/plain')$$),
  'PT403 permission.missing', 'documents: uploading needs document.upload');
SELECT tests.act_as(tests.recall('other_admin'), tests.recall('other'));
SELECT is(tests.refusal($$SELECT app.log_document_access(tests.recall('document'))$$), 'PT404 document.not_found',
  'access log: another tenant finds nothing');

-- Messages and notifications
SELECT tests.act_as(tests.recall('sales'), tests.recall('t'));
SELECT is(tests.refusal(format($$INSERT INTO app.messages (project_id, recipient_id, content) VALUES (%L, %L, 'hi')$$,
                               tests.recall('project'), tests.recall('other_admin'))),
  'PT422 message.recipient_not_staff', 'messages: only to colleagues');
INSERT INTO app.messages (project_id, recipient_id, subject, content) VALUES (tests.recall('project'), tests.recall('finance'), 'Margin', 'Can we go to 18%?');
SELECT is(tests.refusal(format($$INSERT INTO app.messages (project_id, sender_id, content) VALUES (%L, %L, 'spoof')$$,
                               tests.recall('project'), tests.recall('finance'))),
  '42501', 'messages: nobody sends in someone else''s name');
SELECT tests.act_as(tests.recall('finance'), tests.recall('t'));
SELECT is((SELECT title FROM app.notifications WHERE type = 'message' AND read_at IS NULL ORDER BY created_at DESC LIMIT 1),
  (SELECT project_number FROM app.projects WHERE id = tests.recall('project')) || ': Margin', 'notifications: the recipient is notified of the message');
SELECT is_empty($$SELECT 1 FROM app.notifications WHERE user_id <> tests.recall('finance')$$, 'notifications: each person sees only their own');
SELECT ok(tests.rows_of('app.notifications', tests.recall('t')) > (SELECT count(*) FROM app.notifications),
  'notifications: though others have theirs');
UPDATE app.notifications SET read_at = '2000-01-01' WHERE type = 'message';
SELECT ok((SELECT bool_and(read_at > now() - interval '1 minute') FROM app.notifications WHERE type = 'message'),
  'notifications: PATCH read_at records the server''s time');
SELECT ok(app.mark_all_notifications_read() > 0, 'notifications: mark all read');
SELECT is((SELECT count(*)::int FROM app.notifications WHERE read_at IS NULL), 0, 'notifications: none left unread');

-- Dashboards: an overdue approval, one project delivered on time and one late.
SELECT tests.act_as_role(tests.recall('t'), 'engineering');
SELECT tests.remember('late_version', (tests.upload_document(tests.recall('project'), 'Second drawing', 'drawing', 'dwg',
                                                           encode(sha256('d2'), 'hex'), 1000, 'application/acad')).id);
SELECT tests.act_as_owner();
SELECT tests.remember('late_review', (SELECT id FROM app.approvals WHERE entity_id = tests.recall('late_version')));
UPDATE app.approvals SET sla_due_at = now() - interval '1 hour' WHERE id = tests.recall('late_review');
SELECT tests.drive_project(tests.create_project(tests.recall('t'), p_title => 'On time', p_promised_due_date => current_date + 365));
SELECT tests.drive_project(tests.create_project(tests.recall('t'), p_title => 'Late', p_promised_due_date => current_date - 1));
SELECT tests.act_as(tests.recall('management'), tests.recall('t'));
SELECT is((SELECT sum(project_count)::int FROM app.project_portfolio), 3, 'dashboards: the portfolio counts every project once');
SELECT is((SELECT array_agg(approval_id) FROM app.approval_sla_breaches), ARRAY[tests.recall('late_review')],
  'dashboards: the overdue approval is the one SLA breach');
SELECT results_eq($$SELECT delivered_count, delivered_early_count, delivered_late_count FROM app.on_time_delivery$$,
  $$VALUES (2, 1, 1)$$, 'dashboards: two projects delivered, one before the promise and one after it');

SELECT * FROM finish();
ROLLBACK;
