-- State machines on documents (the document control lifecycle of
-- db/tests/fixtures/state_machines.sql): definitions, versions, the entity's
-- version, guards, side effects, the history, and who may do what.
BEGIN;
SELECT plan(56);

SELECT tests.remember('a', tests.create_workflow_tenant());
SELECT tests.remember('b', tests.create_workflow_tenant());
SELECT tests.remember('v1', tests.define_document_control(tests.recall('a')));
SELECT tests.remember('doc', tests.controlled_document(tests.recall('a')));

-- Definitions --------------------------------------------------------------
SELECT tests.act_as_role(tests.recall('a'), 'engineering');
SELECT is(tests.refusal($$SELECT app.define_state_machine('document', 'Mine', tests.document_control_states(), '[]')$$),
  'PT403 permission.missing', 'defining a state machine needs state_machine.manage');
SELECT is(tests.refusal($$SELECT app.publish_state_machine(tests.recall('v1'))$$), 'PT403 permission.missing',
  'and so does publishing one');

SELECT tests.act_as_role(tests.recall('a'), 'management');
SELECT is(tests.refusal($$SELECT app.define_state_machine('document', 'Bad', tests.document_control_states(),
  '[{"from": "draft", "to": "in_review", "label": "Go", "guards": [{"kind": "horoscope"}]}]')$$),
  'PT422 state_machine.guard_unknown', 'a guard kind without an app_private.transition_guard_<kind> function is refused');
SELECT is(tests.refusal($$SELECT app.define_state_machine('document', 'Bad', tests.document_control_states(),
  '[{"from": "draft", "to": "in_review", "label": "Go", "guards": [{"kind": "permission", "permission": "space.travel"}]}]')$$),
  'PT422 state_machine.guard_invalid', 'a guard its kind''s check finds malformed is refused');
SELECT is(tests.refusal($$SELECT app.define_state_machine('document', 'Bad', tests.document_control_states(),
  '[{"from": "draft", "to": "in_review", "label": "Go", "guards": [{"kind": "fields", "fields": ["colour"]}]}]')$$),
  'PT422 state_machine.guard_invalid', 'a fields guard naming no column of the entity''s table is refused');
SELECT is(tests.refusal($$SELECT app.define_state_machine('document', 'Bad', tests.document_control_states(),
  '[{"from": "draft", "to": "in_review", "label": "Go", "effects": [{"kind": "notify", "roles": ["astronaut"]}]}]')$$),
  'PT422 state_machine.effect_invalid', 'an effect naming an unknown role is refused');
SELECT is(tests.refusal($$SELECT app.define_state_machine('document', 'Bad', tests.document_control_states(),
  '[{"from": "obsolete", "to": "draft", "label": "Revive"}]')$$),
  'PT422 state_machine.terminal_exit', 'no transition leaves a terminal state');
SELECT is(tests.refusal($$SELECT app.define_state_machine('document', 'Bad', '[{"key": "a", "label": "A"}]', '[]')$$),
  'PT422 state_machine.initial_state', 'a machine has exactly one initial state');

SELECT tests.act_as_owner();
SELECT is(tests.refusal($$UPDATE app.state_machine_states SET label = 'Rough draft' WHERE state_machine_id = tests.recall('v1') AND key = 'draft'$$),
  'PT409 state_machine.frozen', 'a published version cannot change, even for the owner');
SELECT is(tests.refusal($$DELETE FROM app.state_machine_transitions WHERE state_machine_id = tests.recall('v1')$$),
  'PT409 state_machine.frozen', 'nor lose its transitions');
SELECT is(tests.refusal($$UPDATE app.state_machines SET name = 'Renamed' WHERE id = tests.recall('v1')$$),
  'PT409 state_machine.frozen', 'nor be renamed');

-- Start, and where an entity stands -------------------------------------------
SELECT is((SELECT state FROM app.entity_states WHERE entity_id = tests.recall('doc')), 'draft', 'a started document is in the initial state');
SELECT is((SELECT count(*)::int FROM app.entity_state_history WHERE entity_id = tests.recall('doc') AND from_state IS NULL AND to_state = 'draft'),
  1, 'the start is in the history');
SELECT tests.act_as_role(tests.recall('a'), 'engineering');
SELECT is(tests.refusal($$SELECT app.start_state_machine('document', tests.recall('doc'))$$), 'PT409 state_machine.already_started',
  'an entity is started once');

SELECT is((SELECT state FROM app.entity_states WHERE entity_id = tests.recall('doc')), 'draft', 'a member who may read the document reads where it stands');
SELECT is((SELECT count(*)::int FROM app.entity_state_history WHERE entity_id = tests.recall('doc')), 1, 'and its history');
SELECT is((SELECT count(*)::int FROM app.state_machine_transitions WHERE state_machine_id = tests.recall('v1')), 4,
  'staff read the definitions');
SELECT is((SELECT count(*)::int FROM app.state_machines WHERE id = tests.recall('v1'))
          + (SELECT count(*)::int FROM app.state_machine_states WHERE state_machine_id = tests.recall('v1')), 5,
  'the versions and their states too');
SELECT is((SELECT count(*)::int FROM app.checklist_template_items i JOIN app.checklist_templates t ON t.id = i.template_id
            WHERE t.organization_id = tests.recall('a') AND t.key = 'release-check'), 3, 'and the checklist templates with their items');
SELECT tests.act_as_role(tests.recall('a'), 'customer_portal');
SELECT is((SELECT count(*)::int FROM app.state_machines WHERE organization_id = tests.recall('a')), 0, 'portal users do not');
-- A platform operator (app_admin) reads every tenant's, for support.
SELECT tests.act_as(tests.create_operator());
SELECT is((SELECT count(*)::int FROM app.state_machines WHERE id = tests.recall('v1'))
          + (SELECT count(*)::int FROM app.state_machine_states WHERE state_machine_id = tests.recall('v1'))
          + (SELECT count(*)::int FROM app.state_machine_transitions WHERE state_machine_id = tests.recall('v1'))
          + (SELECT count(*)::int FROM app.entity_states WHERE entity_id = tests.recall('doc'))
          + (SELECT count(*)::int FROM app.entity_state_history WHERE entity_id = tests.recall('doc')), 11,
  'a platform operator reads the definitions, states and history');
SELECT is((SELECT count(*)::int FROM app.checklist_templates WHERE organization_id = tests.recall('a'))
          + (SELECT count(*)::int FROM app.checklist_template_items WHERE organization_id = tests.recall('a')), 4,
  'and the checklist templates');

-- Who may not touch it: another tenant, an outsider, a portal user.
SELECT tests.act_as_role(tests.recall('b'), 'admin');
SELECT is(tests.refusal($$SELECT app.transition('document', tests.recall('doc'), 'in_review', 'mine now')$$), 'PT404 entity.not_found',
  'another tenant''s admin cannot transition the document');
SELECT is(tests.refusal($$SELECT * FROM app.available_transitions('document', tests.recall('doc'))$$), 'PT404 entity.not_found',
  'nor list its transitions');
SELECT is((SELECT count(*)::int FROM app.entity_states WHERE entity_id = tests.recall('doc')), 0, 'nor read where it stands');
SELECT is(tests.refusal($$SELECT * FROM auth.state_machine_transition('document', tests.recall('doc'), 'in_review', NULL, NULL)$$),
  'PT404 entity.not_found', 'the body behind app.transition refuses another tenant''s entity too');
SELECT tests.act_as(tests.create_user(), NULL);
SELECT is(tests.refusal($$SELECT app.transition('document', tests.recall('doc'), 'in_review', 'x')$$), 'PT404 entity.not_found',
  'a signed-in outsider cannot either');
SELECT tests.act_as_role(tests.recall('a'), 'customer_portal');
SELECT is(tests.refusal($$SELECT app.transition('document', tests.recall('doc'), 'in_review', 'x')$$), 'PT404 entity.not_found',
  'nor can a portal user of the tenant');

-- Guards -----------------------------------------------------------------------
SELECT tests.act_as_role(tests.recall('a'), 'engineering');
SELECT is(tests.refusal($$SELECT app.transition('document', tests.recall('doc'), 'released', 'skip review')$$),
  'PT422 state_machine.unknown_transition', 'there is no way from draft straight to released');
SELECT results_eq($$SELECT to_state, label, allowed FROM app.available_transitions('document', tests.recall('doc'))$$,
  $$VALUES ('in_review', 'Submit for review', true)$$, 'engineering may submit a draft');
SELECT is((app.transition('document', tests.recall('doc'), 'in_review', 'Ready for review')).state, 'in_review', 'and does');
SELECT is((SELECT count(*)::int FROM app.checklists WHERE entity_id = tests.recall('doc')), 1, 'the transition started the release checklist');
SELECT tests.act_as(tests.create_operator());
SELECT is((SELECT count(*)::int FROM app.checklist_items i JOIN app.checklists c ON c.id = i.checklist_id WHERE c.entity_id = tests.recall('doc')),
  3, 'a platform operator reads checklists and their items');
SELECT tests.act_as_owner();
SELECT is((SELECT status::text || ' ' || approval_type::text FROM app.approvals WHERE id = tests.document_approval(tests.recall('doc'))),
  'pending quality_review', 'and opened a quality review through the approval engine');
SELECT ok((SELECT count(*) FROM app.notifications n WHERE n.organization_id = tests.recall('a') AND n.entity_id = tests.recall('doc')
            AND n.user_id = tests.member_with_role(tests.recall('a'), 'qa') AND n.title LIKE '%Submit for review') >= 1,
  'and notified the qa role');
SELECT is((SELECT payload ->> 'to' FROM app_private.events WHERE entity_id = tests.recall('doc') AND event_type = 'document.state_changed'
            ORDER BY occurred_at DESC, id DESC LIMIT 1), 'in_review', 'and published document.state_changed');

SELECT tests.act_as_role(tests.recall('a'), 'engineering');
SELECT is((SELECT reasons -> 0 ->> 'reason' FROM app.available_transitions('document', tests.recall('doc')) WHERE to_state = 'released'),
  'permission.missing', 'engineering is told it lacks document.release');
SELECT is(tests.refusal($$SELECT app.transition('document', tests.recall('doc'), 'released', 'go', '{"password": "x", "reason": "y"}')$$),
  'PT403 permission.missing', 'and is refused the release (a lesser role)');

SELECT tests.act_as_role(tests.recall('a'), 'qa');
SELECT is((SELECT jsonb_agg(r ->> 'reason' ORDER BY r ->> 'reason') FROM app.available_transitions('document', tests.recall('doc')) AS t,
                  jsonb_array_elements(t.reasons) AS r WHERE t.to_state = 'released'),
  '["approval.pending", "checklist.incomplete"]', 'qa sees the release closed by the open checklist and the pending approval');
SELECT is((SELECT needs_signature FROM app.available_transitions('document', tests.recall('doc')) WHERE to_state = 'released'), true,
  'and that it must be signed');
SELECT is(tests.refusal($$SELECT app.transition('document', tests.recall('doc'), 'released', 'go', '{"password": "x", "reason": "y"}')$$),
  'PT422 checklist.incomplete', 'the release is refused while the checklist is open');
SELECT tests.check_all_items(tests.recall('a'), tests.recall('doc'));
SELECT is(tests.refusal($$SELECT app.transition('document', tests.recall('doc'), 'released', 'go', '{"password": "x", "reason": "y"}')$$),
  'PT422 approval.pending', 'then while the approval is pending');
SELECT tests.approve(tests.document_approval(tests.recall('doc')));
SELECT is(tests.refusal($$SELECT app.transition('document', tests.recall('doc'), 'released', 'go')$$),
  'PT422 signature.required', 'then unsigned');
SELECT is(app.transition('document', tests.recall('doc'), 'released', 'go', '{"password": "not my password", "reason": "Released for production"}'),
  NULL, 'a wrong signature password applies nothing and answers null (HTTP 403)');
SELECT is(current_setting('response.status', true), '403', 'with status 403');
SELECT is((SELECT state FROM app.entity_states WHERE entity_id = tests.recall('doc')), 'in_review', 'the document did not move');
SELECT is((app.transition('document', tests.recall('doc'), 'released', 'Approved drawing',
                          jsonb_build_object('password', tests.password(), 'reason', 'Released for production'))).state,
  'released', 'signed with the right password, qa releases it');
SELECT is((SELECT signature ->> 'payload_sha256' FROM app.entity_state_history WHERE entity_id = tests.recall('doc') AND to_state = 'released'),
  (SELECT encode(sha256(convert_to((signature -> 'payload')::text, 'UTF8')), 'hex') FROM app.entity_state_history
    WHERE entity_id = tests.recall('doc') AND to_state = 'released'), 'the history keeps the signed payload and its sha256');
SELECT is((SELECT signature ->> 'meaning' || ' / ' || (signature -> 'payload' ->> 'signer_email') FROM app.entity_state_history
            WHERE entity_id = tests.recall('doc') AND to_state = 'released'),
  'released / ' || tests.email_of(tests.member_with_role(tests.recall('a'), 'qa')), 'with the guard''s meaning and the signer');
SELECT is(tests.refusal($$UPDATE app.entity_state_history SET reason = 'edited' WHERE entity_id = tests.recall('doc')$$),
  '42501', 'nobody signed in may edit the history');
SELECT tests.act_as_owner();
SELECT is(tests.refusal($$UPDATE app.entity_state_history SET reason = 'edited' WHERE entity_id = tests.recall('doc')$$),
  'PT409 row.append_only', 'the history is append-only, for the owner''s functions too');

-- Versions: an entity keeps the version it started on ---------------------------
SELECT tests.act_as_role(tests.recall('a'), 'management');
SELECT tests.remember('v2', (app.define_state_machine('document', 'Document control', tests.document_control_states(),
  tests.document_control_transitions() || '[{"from": "released", "to": "in_review", "label": "Revise"}]')).id);
SELECT is((app.publish_state_machine(tests.recall('v2'))).version, 2, 'a second version is published');
SELECT is((SELECT state_machine_id FROM app.entity_states WHERE entity_id = tests.recall('doc')), tests.recall('v1'),
  'the released document stays on version 1');
SELECT is((SELECT count(*)::int FROM app.available_transitions('document', tests.recall('doc'))), 1,
  'and sees only version 1''s way out of released');
SELECT is((app.migrate_entity_state('document', tests.recall('doc'), tests.recall('v2'), 'released', 'Adopt revisions')).state_machine_id,
  tests.recall('v2'), 'an admin moves it to version 2 explicitly');
SELECT is((SELECT count(*)::int FROM app.available_transitions('document', tests.recall('doc'))), 2,
  'where it has version 2''s ways out');

SELECT * FROM finish();
ROLLBACK;
