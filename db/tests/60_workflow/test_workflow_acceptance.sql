-- The project workflow specification's acceptance criteria (§10), one
-- block each, named after the criterion. Acts as the real roles of a
-- staffed tenant of its own (tests.create_workflow_tenant) and as the admin
-- of a second tenant.
BEGIN;
SELECT plan(78);

SELECT tests.remember('t', tests.create_workflow_tenant());
SELECT tests.remember('other', tests.create_tenant());
SELECT tests.remember('other_admin', tests.create_member(tests.recall('other'), 'admin'));
SELECT tests.remember('engineering', tests.member_with_role(tests.recall('t'), 'engineering'));
SELECT tests.remember('admin', tests.member_with_role(tests.recall('t'), 'admin'));
SELECT tests.remember('existing', tests.create_project(tests.recall('t')));
SELECT tests.remember('second', tests.create_project(tests.recall('t')));
SELECT tests.remember('elsewhere', tests.create_project(tests.recall('other')));

-- Data model: tables, enums, FKs, indexes created; RLS enabled and validated per role
SELECT has_table('app', t, 'data model: table app.' || t || ' exists')
  FROM unnest(ARRAY['projects', 'workflow_stages', 'workflow_sub_stages', 'workflow_definitions',
                    'workflow_definition_stages', 'workflow_definition_sub_stages', 'project_sub_stage_progress',
                    'approvals', 'approval_history', 'approval_attachments', 'approval_chains', 'approval_notifications',
                    'documents', 'document_versions', 'document_access_log', 'messages', 'notifications']) AS t;
SELECT enum_has_labels('app', 'sub_stage_status', ARRAY['pending', 'in_progress', 'in_review', 'blocked', 'skipped', 'completed'],
  'data model: sub_stage_status has the six states');
SELECT enum_has_labels('app', 'approval_status', ARRAY['pending', 'in_review', 'approved', 'rejected', 'cancelled', 'expired'],
  'data model: approval_status has the six states');
SELECT fk_ok('app', 'project_sub_stage_progress', ARRAY['organization_id', 'project_id'], 'app', 'projects', ARRAY['organization_id', 'id'],
  'data model: progress rows reference their project within the tenant');
SELECT has_index('app', 'project_sub_stage_progress', 'project_sub_stage_progress_open_due_idx', 'data model: open sub-stages are indexed by due date');
SELECT is((SELECT count(*)::int FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = 'app' AND c.relkind IN ('r', 'p') AND NOT c.relispartition AND (NOT c.relrowsecurity OR NOT c.relforcerowsecurity)), 0,
  'data model: RLS is enabled and forced on every app table');

SELECT tests.act_as_role(tests.recall('t'), 'sales');
SELECT is((SELECT count(*)::int FROM app.projects), 2, 'RLS per role: sales reads the tenant''s two projects');
SELECT is_empty($$SELECT 1 FROM app.projects WHERE id = tests.recall('elsewhere')$$, 'RLS per role: and not the other tenant''s');
SELECT tests.act_as(tests.recall('other_admin'), tests.recall('other'));
SELECT is_empty($$SELECT 1 FROM app.projects WHERE organization_id = tests.recall('t')$$,
  'RLS per role: the other tenant''s admin reads none of the tenant''s projects');
SELECT tests.act_as_role(tests.recall('t'), 'lab_tech');
SELECT is_empty('SELECT 1 FROM app.projects', 'RLS per role: a member without project.read reads no project');
SELECT tests.act_as_anon();
SELECT is(tests.refusal('SELECT 1 FROM app.project_sub_stage_progress'), '42501', 'RLS per role: anonymous callers read no progress');

-- Unique constraints enforce integrity (no duplicate sub-stage per project)
SELECT tests.act_as_owner();
SELECT throws_ok($$INSERT INTO app.project_sub_stage_progress
                     (organization_id, project_id, workflow_stage_id, sub_stage_id, sub_stage_order, is_required,
                      requires_approval, approval_type, can_skip, auto_advance, responsible_roles)
                   SELECT organization_id, project_id, workflow_stage_id, sub_stage_id, 9, true, false, NULL, false, false, '{}'
                     FROM app.project_sub_stage_progress WHERE project_id = tests.recall('existing') LIMIT 1$$,
  '23505', NULL, 'unique constraints: a sub-stage appears once per project');

-- Changing current_stage_id seeds only included sub-stages from the selected
-- workflow_definition; first included sub-stage auto-starts (in_progress)
SELECT tests.act_as_role(tests.recall('t'), 'management');
SELECT tests.remember('v2', (SELECT id FROM app.clone_workflow_definition(
  (SELECT id FROM app.workflow_definitions WHERE is_default), NULL, 'Inquiry without clarification, feasibility first')));
UPDATE app.workflow_definition_sub_stages SET is_included = false
 WHERE workflow_definition_id = tests.recall('v2') AND workflow_sub_stage_id = tests.id_of_sub_stage(tests.recall('t'), 'customer-clarification');
UPDATE app.workflow_definition_sub_stages SET sub_stage_order_override = CASE workflow_sub_stage_id
         WHEN tests.id_of_sub_stage(tests.recall('t'), 'feasibility-check') THEN 1 ELSE 2 END
 WHERE workflow_definition_id = tests.recall('v2')
   AND workflow_sub_stage_id IN (tests.id_of_sub_stage(tests.recall('t'), 'feasibility-check'), tests.id_of_sub_stage(tests.recall('t'), 'rfq-review'));
UPDATE app.workflow_definition_sub_stages SET requires_approval_override = true
 WHERE workflow_definition_id = tests.recall('v2') AND workflow_sub_stage_id = tests.id_of_sub_stage(tests.recall('t'), 'qa-review');

SELECT tests.act_as_role(tests.recall('t'), 'sales');
WITH p AS (
  INSERT INTO app.projects (title, customer_organization_id, workflow_definition_id, requested_due_date, promised_due_date)
  VALUES ('Acceptance widget', tests.portal_customer(tests.recall('t')), tests.recall('v2'), current_date + 60, current_date + 60)
  RETURNING id)
SELECT tests.remember('project', id) FROM p;
SELECT results_eq(
  $$SELECT s.slug, p.status::text FROM app.project_sub_stage_progress p JOIN app.workflow_sub_stages s ON s.id = p.sub_stage_id
     WHERE p.project_id = tests.recall('project') ORDER BY p.sub_stage_order$$,
  $$VALUES ('feasibility-check', 'in_progress'), ('rfq-review', 'pending')$$,
  'seeding: only the included sub-stages, in the definition''s order, the first one in_progress');
SELECT is((SELECT count(*)::int FROM app.project_sub_stage_progress WHERE project_id = tests.recall('project') AND due_at IS NULL), 0,
  'seeding: every seeded sub-stage has a due date from the estimates');
SELECT is((SELECT workflow_definition_id FROM app.projects WHERE id = tests.recall('project')), tests.recall('v2'),
  'seeding: the project is pinned to the definition it was created with');

-- Stage auto-advance when all required sub-stages complete; manual override restricted to management
SELECT tests.act_as_role(tests.recall('t'), 'engineering');
SELECT is((app.update_progress(tests.recall('project'), tests.id_of_sub_stage(tests.recall('t'), 'feasibility-check'), 'complete')).status::text,
  'completed', 'auto-advance: engineering completes the feasibility check');
SELECT tests.act_as_role(tests.recall('t'), 'sales');
SELECT lives_ok($$SELECT app.update_progress(tests.recall('project'), tests.id_of_sub_stage(tests.recall('t'), 'rfq-review'), 'start')$$,
  'auto-advance: sales starts the RFQ review');
SELECT lives_ok($$SELECT app.update_progress(tests.recall('project'), tests.id_of_sub_stage(tests.recall('t'), 'rfq-review'), 'complete')$$,
  'auto-advance: and completes it');
SELECT is((SELECT current_stage_id FROM app.projects WHERE id = tests.recall('project')), tests.id_of_stage(tests.recall('t'), 'inquiry'),
  'mandatory documents: with the RFQ and inquiry documents missing the stage does not advance');
SELECT ok(EXISTS (SELECT FROM app.notifications WHERE project_id = tests.recall('project') AND title LIKE '%waits for documents'),
  'mandatory documents: the project''s creator is told which documents are missing');
SELECT lives_ok($$SELECT tests.upload_document(tests.recall('project'), 'Customer RFQ', 'rfq', 'pdf', repeat('a', 64), 1024, 'application/pdf')$$,
  'mandatory documents: sales uploads the RFQ');
SELECT lives_ok($$SELECT tests.upload_document(tests.recall('project'), 'Inquiry form', 'inquiry', 'pdf', repeat('b', 64), 2048, 'application/pdf')$$,
  'mandatory documents: and the inquiry form');
SELECT is((SELECT current_stage_id FROM app.projects WHERE id = tests.recall('project')), tests.id_of_stage(tests.recall('t'), 'technical-review'),
  'auto-advance: with every required sub-stage done and the documents there, the project is in Technical Review');
SELECT results_eq(
  $$SELECT s.slug, p.status::text FROM app.project_sub_stage_progress p JOIN app.workflow_sub_stages s ON s.id = p.sub_stage_id
     WHERE p.project_id = tests.recall('project') AND p.workflow_stage_id = tests.id_of_stage(tests.recall('t'), 'technical-review')
     ORDER BY p.sub_stage_order$$,
  $$VALUES ('engineering-review', 'in_progress'), ('qa-review', 'pending'), ('production-review', 'pending')$$,
  'changing current_stage_id seeds the new stage: engineering review in_progress, the others pending');
SELECT is((SELECT kind::text FROM app.project_stage_transitions WHERE project_id = tests.recall('project') ORDER BY changed_at DESC, id DESC LIMIT 1),
  'automatic', 'auto-advance: the transition is recorded as automatic');

SELECT is(tests.refusal(format($$SELECT app.override_project_stage(%L, %L, 'faster')$$,
                               tests.recall('project'), tests.id_of_stage(tests.recall('t'), 'quoted'))),
  'PT403 permission.missing', 'manual override restricted to management: sales cannot move the stage by hand');
SELECT tests.act_as_role(tests.recall('t'), 'management');
SELECT is(tests.refusal(format($$SELECT app.override_project_stage(%L, %L, NULL)$$,
                               tests.recall('project'), tests.id_of_stage(tests.recall('t'), 'quoted'))),
  'PT422 stage.reason_required', 'manual override: management must give a reason');

-- Sub-stages flagged for approval cannot complete without an approved decision
SELECT is((app.update_progress(tests.recall('project'), tests.id_of_sub_stage(tests.recall('t'), 'engineering-review'), 'complete',
                               'Drawings reviewed')).status::text,
  'in_review', 'approval gate: completing the engineering review puts it in review');
SELECT is((tests.open_approval_of(tests.recall('project'), tests.id_of_sub_stage(tests.recall('t'), 'engineering-review'))).current_approver_id,
  tests.recall('engineering'), 'approval gate: the technical review is routed to engineering');
SELECT is(tests.refusal($$SELECT app.update_progress(tests.recall('project'), tests.id_of_sub_stage(tests.recall('t'), 'engineering-review'), 'complete')$$),
  'PT409 progress.invalid_transition', 'approval gate: completing again is refused while it is in review');
SELECT tests.act_as_role(tests.recall('t'), 'qa');
SELECT is(tests.refusal(format($$SELECT app.decide_approval(%L, 'approve')$$,
                               (tests.open_approval_of(tests.recall('project'), tests.id_of_sub_stage(tests.recall('t'), 'engineering-review'))).id)),
  'PT403 approval.not_current_approver', 'approval gate: only the current approver decides');
SELECT tests.act_as_role(tests.recall('t'), 'engineering');
SELECT tests.remember('approval', (tests.open_approval_of(tests.recall('project'), tests.id_of_sub_stage(tests.recall('t'), 'engineering-review'))).id);
SELECT is(tests.refusal($$SELECT app.decide_approval(tests.recall('approval'), 'reject')$$), 'PT422 approval.comment_required',
  'approval gate: a rejection needs a comment');
SELECT is((app.decide_approval(tests.recall('approval'), 'reject', 'Tolerance on bore B too tight')).status::text, 'rejected',
  'approval gate: engineering rejects');
SELECT is((SELECT status::text || ': ' || blocked_reason FROM app.project_sub_stage_progress
            WHERE project_id = tests.recall('project') AND sub_stage_id = tests.id_of_sub_stage(tests.recall('t'), 'engineering-review')),
  'blocked: Rejected by ' || tests.email_of(tests.recall('engineering')) || ': Tolerance on bore B too tight',
  'approval gate: a rejection blocks the sub-stage with the reason');
SELECT is(tests.refusal($$SELECT app.decide_approval(tests.recall('approval'), 'approve')$$), 'PT409 approval.closed',
  'approval gate: a decided approval cannot be decided again');
SELECT tests.act_as_role(tests.recall('t'), 'management');
SELECT lives_ok($$SELECT app.update_progress(tests.recall('project'), tests.id_of_sub_stage(tests.recall('t'), 'engineering-review'), 'start', 'Tolerance relaxed with the customer')$$,
  'approval gate: the blocked sub-stage is started again');
SELECT lives_ok($$SELECT app.update_progress(tests.recall('project'), tests.id_of_sub_stage(tests.recall('t'), 'engineering-review'), 'complete')$$,
  'approval gate: and completed, which opens a new approval');
SELECT tests.remember('approval', (tests.open_approval_of(tests.recall('project'), tests.id_of_sub_stage(tests.recall('t'), 'engineering-review'))).id);
SELECT tests.act_as_role(tests.recall('t'), 'engineering');
SELECT is((app.decide_approval(tests.recall('approval'), 'approve', 'Fine now')).status::text, 'approved', 'approval gate: engineering approves');
SELECT is(tests.progress_status(tests.recall('project'), 'engineering-review'), 'completed',
  'approval gate: the approved decision completes the sub-stage');
SELECT is(tests.progress_status(tests.recall('project'), 'qa-review'), 'in_progress',
  'approval gate: and the next sub-stage, which auto-advances, starts');

-- SLA timestamps populated; escalation notifications fired on breach
SELECT tests.act_as_role(tests.recall('t'), 'qa');
SELECT lives_ok($$SELECT app.update_progress(tests.recall('project'), tests.id_of_sub_stage(tests.recall('t'), 'qa-review'), 'complete')$$,
  'SLA: qa completes the QA review, which v2 gates with an approval');
SELECT tests.remember('approval', (tests.open_approval_of(tests.recall('project'), tests.id_of_sub_stage(tests.recall('t'), 'qa-review'))).id);
SELECT is((SELECT round(extract(epoch FROM sla_due_at - created_at) / 3600) FROM app.approvals WHERE id = tests.recall('approval')),
  48::numeric, 'SLA: a normal approval is due 48 hours after it was requested');
SELECT tests.act_as_owner();
UPDATE app.users SET direct_manager_id = tests.recall('admin')
 WHERE id = (SELECT current_approver_id FROM app.approvals WHERE id = tests.recall('approval'));
UPDATE app.approvals SET sla_due_at = now() - interval '1 hour', created_at = now() - interval '49 hours' WHERE id = tests.recall('approval');
SELECT tests.act_as_role(tests.recall('t'), 'management');
SELECT is(app.escalate_overdue_approvals(), 1, 'escalation: the breached approval is escalated');
SELECT tests.act_as(tests.recall('admin'), tests.recall('t'));
SELECT ok(EXISTS (SELECT FROM app.notifications WHERE entity_id = tests.recall('approval') AND title LIKE 'Overdue approval%'),
  'escalation: the approver''s manager is notified');
SELECT tests.act_as_role(tests.recall('t'), 'management');
SELECT is((SELECT escalation_level FROM app.approvals WHERE id = tests.recall('approval')), 1, 'escalation: the level is recorded');
SELECT is(app.escalate_overdue_approvals(), 0, 'escalation: once per SLA period, not on every run');

-- approval_history shows full decision trail; attachments can be added
SELECT tests.remember('first_approval', (SELECT a.id FROM app.approvals a WHERE a.project_id = tests.recall('project') AND a.status = 'rejected'));
SELECT results_eq($$SELECT action_type::text, new_status::text FROM app.approval_history WHERE approval_id = tests.recall('first_approval') ORDER BY action_at$$,
  $$VALUES ('request', 'pending'), ('assign', 'pending'), ('reject', 'rejected')$$,
  'approval history: request, assignment and the decision, with the status each left');
SELECT is((SELECT comments FROM app.approval_history WHERE approval_id = tests.recall('first_approval') AND action_type = 'reject'),
  'Tolerance on bore B too tight', 'approval history: the decision''s comment is kept');
SELECT is((app.add_approval_attachment(tests.recall('approval'), (SELECT id FROM app.documents WHERE project_id = tests.recall('project') AND category = 'rfq'), 1)).file_url,
  (SELECT file_path FROM app.documents WHERE project_id = tests.recall('project') AND category = 'rfq'),
  'attachments: a document version is attached to the approval with its storage path');
SELECT is(tests.refusal('UPDATE app.approval_history SET comments = ''edited'''), '42501', 'approval history: nobody edits the trail');

-- Upload creates document_versions; is_current toggles; checksum recorded
SELECT tests.act_as_role(tests.recall('t'), 'qa');
SELECT tests.remember('document', (tests.upload_document(tests.recall('project'), 'Test report', 'qa_report', 'PDF',
  encode(sha256('v1'), 'hex'), 5000, 'application/pdf')).document_id);
SELECT is((tests.upload_version(tests.recall('document'), encode(sha256('v2'), 'hex'), 6000, 'application/pdf', 'Retest')).version_number,
  2, 'documents: a new upload is version 2');
SELECT results_eq($$SELECT version_number, is_current, checksum FROM app.document_versions WHERE document_id = tests.recall('document') ORDER BY 1$$,
  format($$VALUES (1, false, %L), (2, true, %L)$$, encode(sha256('v1'), 'hex'), encode(sha256('v2'), 'hex')),
  'documents: only the new version is current; each keeps its checksum');
SELECT tests.act_as_owner();
-- Factory slugs are tenant-<suffix>: the code is the initials of both parts.
SELECT is((SELECT file_name FROM app.documents WHERE id = tests.recall('document')),
  (SELECT upper(left(o.slug, 1) || left(split_part(o.slug, '-', 2), 1)) || '-' || p.project_number || '-qa_report-'
          || to_char(current_date, 'YYYYMMDD') || '-v02.pdf'
     FROM app.organizations AS o, app.projects AS p WHERE o.id = tests.recall('t') AND p.id = tests.recall('project')),
  'documents: the name follows <ORG>-<PROJECTID>-<CATEGORY>-<YYYYMMDD>-v<NN>.<ext>');
SELECT is((SELECT file_path FROM app.documents WHERE id = tests.recall('document')),
  (SELECT '/org/' || o.slug || '/projects/' || p.project_number || '/qa_report/v2/' || d.file_name
     FROM app.organizations AS o, app.projects AS p, app.documents AS d
    WHERE o.id = tests.recall('t') AND p.id = tests.recall('project') AND d.id = tests.recall('document')),
  'documents: the storage path is /org/<slug>/projects/<id>/<category>/v<n>/<name>');
SELECT is(tests.refusal(format($$UPDATE app.document_versions SET checksum = repeat('0', 64) WHERE document_id = %L AND version_number = 1$$, tests.recall('document'))),
  'PT409 document_version.immutable', 'documents: prior versions are immutable, for the owner too');
SELECT is(tests.refusal(format($$DELETE FROM app.document_versions WHERE document_id = %L AND version_number = 1$$, tests.recall('document'))),
  'PT409 document_version.kept', 'documents: and kept, for the owner too');

-- Mandatory documents per stage enforced by server validation (configurable)
SELECT tests.act_as_role(tests.recall('t'), 'management');
UPDATE app.workflow_settings SET enforce_mandatory_documents = false;
SELECT tests.act_as_role(tests.recall('t'), 'sales');
WITH p AS (INSERT INTO app.projects (title) VALUES ('No paperwork') RETURNING id) SELECT tests.remember('plain', id) FROM p;
SELECT tests.act_as_role(tests.recall('t'), 'management');
DO $$
BEGIN
  PERFORM app.update_progress(tests.recall('plain'), tests.id_of_sub_stage(tests.recall('t'), 'rfq-review'), 'complete');
  PERFORM app.update_progress(tests.recall('plain'), tests.id_of_sub_stage(tests.recall('t'), 'feasibility-check'), 'complete');
  PERFORM app.update_progress(tests.recall('plain'), tests.id_of_sub_stage(tests.recall('t'), 'customer-clarification'), 'skip');
END
$$;
SELECT is((SELECT current_stage_id FROM app.projects WHERE id = tests.recall('plain')), tests.id_of_stage(tests.recall('t'), 'technical-review'),
  'mandatory documents are configurable: with enforcement off the stage advances without them');

-- All key state transitions write to activity_log with old/new values
SELECT tests.act_as_role(tests.recall('t'), 'auditor');
SELECT ok(EXISTS (SELECT FROM app.activity_log
                   WHERE entity_type = 'project_sub_stage_progress' AND project_id = tests.recall('project') AND action = 'update'
                     AND old_values ->> 'status' = 'in_review' AND new_values ->> 'status' = 'completed'),
  'activity log: the approved completion is logged with the old and new status');
SELECT ok(EXISTS (SELECT FROM app.activity_log
                   WHERE entity_type = 'projects' AND entity_id = tests.recall('project')::text AND action = 'update'
                     AND new_values ->> 'current_stage_id' = tests.id_of_stage(tests.recall('t'), 'technical-review')::text),
  'activity log: the stage change is logged');
SELECT ok(EXISTS (SELECT FROM app.activity_log WHERE entity_type = 'approvals' AND entity_id = tests.recall('first_approval')::text
                     AND new_values ->> 'status' = 'rejected'),
  'activity log: the approval decision is logged');

-- Readable audit timeline at project and entity level
SELECT set_eq($$SELECT DISTINCT entity_type FROM app.project_timeline(tests.recall('project'))$$,
  ARRAY['projects', 'project_sub_stage_progress', 'approvals', 'documents'],
  'timeline: the project''s feed holds the project, its progress, approvals and documents');
SELECT is((SELECT action FROM app.entity_timeline('approvals', tests.recall('first_approval')::text) LIMIT 1), 'insert',
  'timeline: an entity''s timeline starts with its creation');

SELECT * FROM finish();
ROLLBACK;
