-- Exit criteria as data: the action that would complete a stage is refused
-- (PT409 exit_criterion.*) while a checked criterion is unmet and not
-- waived; text criteria are informative; waivers need a permission and a
-- reason and are audited; criteria freeze with their definition and a
-- clone copies them; a new tenant starts with the platform defaults.
BEGIN;
SELECT plan(31);

SELECT tests.remember('tenant', tests.create_workflow_tenant());
SELECT tests.remember('default', (SELECT id FROM app.workflow_definitions WHERE organization_id = tests.recall('tenant') AND is_default));

-- Provisioning and templates.
SELECT is((SELECT count(*)::int FROM app.workflow_exit_criteria WHERE workflow_definition_id = tests.recall('default')),
          (SELECT count(*)::int FROM app_private.default_exit_criteria),
          'templates: a new tenant''s default definition carries the platform''s exit criteria');
SELECT tests.remember('p0', tests.create_project(tests.recall('tenant')));  -- the default definition is in use
SELECT tests.act_as_role(tests.recall('tenant'), 'management');
SELECT tests.remember('clone', (SELECT id FROM app.clone_workflow_definition(tests.recall('default'), 'With criteria')));
SELECT is((SELECT count(*)::int FROM app.workflow_exit_criteria WHERE workflow_definition_id = tests.recall('clone')),
          (SELECT count(*)::int FROM app.workflow_exit_criteria WHERE workflow_definition_id = tests.recall('default')),
          'templates: a clone copies the exit criteria');
-- The clone asks, before leaving the inquiry, for a quote value and an approved PO approval (waivable).
INSERT INTO app.workflow_exit_criteria (workflow_definition_id, workflow_stage_id, key, position, kind, description, project_field)
VALUES (tests.recall('clone'), tests.id_of_stage(tests.recall('tenant'), 'inquiry'), 'quote-value', 10, 'project_value',
        'Quote value estimated', 'quote_value');
INSERT INTO app.workflow_exit_criteria (workflow_definition_id, workflow_stage_id, key, position, kind, description, approval_type, waivable)
VALUES (tests.recall('clone'), tests.id_of_stage(tests.recall('tenant'), 'inquiry'), 'budget-approved', 11, 'approval',
        'Budget approved', 'po_approval', true);
SELECT is(tests.refusal(format($$INSERT INTO app.workflow_exit_criteria (workflow_definition_id, workflow_stage_id, key, kind, description)
                                  VALUES (%L, %L, 'wish', 'text', 'A wish')$$,
                               tests.recall('default'), tests.id_of_stage(tests.recall('tenant'), 'inquiry'))),
          'PT409 workflow_definition.locked', 'templates: the criteria of a definition in use are frozen');
SELECT is(tests.refusal(format($$INSERT INTO app.workflow_exit_criteria (workflow_definition_id, workflow_stage_id, key, kind, description)
                                  VALUES (%L, %L, 'odd', 'documents', 'No category')$$,
                               tests.recall('clone'), tests.id_of_stage(tests.recall('tenant'), 'inquiry'))),
          '23514', 'templates: a criterion has what its kind checks (documents need a category and a count)');
SELECT tests.act_as_role(tests.recall('tenant'), 'sales');
SELECT is(tests.refusal(format($$INSERT INTO app.workflow_exit_criteria (workflow_definition_id, workflow_stage_id, key, kind, description)
                                  VALUES (%L, %L, 'wish', 'text', 'A wish')$$,
                               tests.recall('clone'), tests.id_of_stage(tests.recall('tenant'), 'inquiry'))),
          'PT403 permission.missing', 'templates: adding a criterion needs workflow.manage');
SELECT lives_ok(format($$UPDATE app.workflow_exit_criteria SET min_count = 1 WHERE workflow_definition_id = %L AND kind = 'documents'$$,
                               tests.recall('clone')),
          'templates: without workflow.manage an update reaches nothing');
SELECT tests.act_as_owner();
SELECT is((SELECT min(min_count) FROM app.workflow_exit_criteria WHERE workflow_definition_id = tests.recall('clone') AND key = 'qualified-quotes'),
          2, 'templates: and changes nothing');

-- A project of the clone: completing the inquiry's last required sub-stage.
SELECT tests.remember('p1', tests.create_project(tests.recall('tenant'), p_workflow_definition_id => tests.recall('clone')));
SELECT tests.act_as_role(tests.recall('tenant'), 'sales');
SELECT tests.remember('x', (app.update_progress(tests.recall('p1'), tests.id_of_sub_stage(tests.recall('tenant'), 'rfq-review'), 'complete')).id);
SELECT tests.act_as_role(tests.recall('tenant'), 'engineering');
SELECT results_eq(format($$SELECT key, is_met FROM app.project_exit_criteria WHERE project_id = %L ORDER BY position$$, tests.recall('p1')),
                  $$VALUES ('rfq-complete', NULL::boolean), ('feasibility-documented', NULL), ('open-questions-closed', NULL),
                           ('quote-value', false), ('budget-approved', false)$$,
                  'the progress screen lists the current stage''s criteria: text ones unchecked, the others unmet');
SELECT is(tests.refusal(format($$SELECT app.update_progress(%L, %L, 'complete')$$, tests.recall('p1'),
                               tests.id_of_sub_stage(tests.recall('tenant'), 'feasibility-check'))),
          'PT409 exit_criterion.value_missing', 'completing the stage without the quote value is refused');
SELECT is((SELECT status::text FROM app.project_sub_stage_progress WHERE project_id = tests.recall('p1')
            AND sub_stage_id = tests.id_of_sub_stage(tests.recall('tenant'), 'feasibility-check')),
          'in_progress', 'and the sub-stage stays in progress');
SELECT tests.act_as_role(tests.recall('tenant'), 'sales');
UPDATE app.projects SET quote_value = 12000 WHERE id = tests.recall('p1');
SELECT tests.act_as_role(tests.recall('tenant'), 'engineering');
SELECT is(tests.refusal(format($$SELECT app.update_progress(%L, %L, 'complete')$$, tests.recall('p1'),
                               tests.id_of_sub_stage(tests.recall('tenant'), 'feasibility-check'))),
          'PT409 exit_criterion.approval_missing', 'with the value set, the missing approval refuses it');
SELECT tests.act_as_role(tests.recall('tenant'), 'sales');
SELECT lives_ok(format($$SELECT app.update_progress(%L, %L, 'start')$$, tests.recall('p1'),
                               tests.id_of_sub_stage(tests.recall('tenant'), 'customer-clarification')),
          'an action that does not complete the stage is not refused');
SELECT tests.act_as_role(tests.recall('tenant'), 'engineering');

-- Waivers.
SELECT tests.remember('budget', (SELECT id FROM app.workflow_exit_criteria WHERE workflow_definition_id = tests.recall('clone') AND key = 'budget-approved'));
SELECT is(tests.refusal(format($$SELECT app.waive_exit_criterion(%L, %L, 'Internal budget')$$, tests.recall('p1'), tests.recall('budget'))),
          'PT403 permission.missing', 'waivers: engineering may not waive');
SELECT tests.act_as_role(tests.recall('tenant'), 'management');
SELECT is(tests.refusal(format($$SELECT app.waive_exit_criterion(%L, %L, '  ')$$, tests.recall('p1'), tests.recall('budget'))),
          'PT422 exit_criterion.reason_required', 'waivers: a waiver needs a reason');
SELECT is(tests.refusal(format($$SELECT app.waive_exit_criterion(%L, (SELECT id FROM app.workflow_exit_criteria
                                   WHERE workflow_definition_id = %L AND key = 'quote-value'), 'No need')$$,
                               tests.recall('p1'), tests.recall('clone'))),
          'PT409 exit_criterion.not_waivable', 'waivers: a criterion that is not waivable stays');
SELECT is(tests.refusal(format($$SELECT app.waive_exit_criterion(%L, %L, 'Wrong workflow')$$, tests.recall('p1'),
                               (SELECT id FROM app.workflow_exit_criteria WHERE workflow_definition_id = tests.recall('default') LIMIT 1))),
          'PT404 exit_criterion.not_found', 'waivers: only criteria of the project''s own definition');
SELECT tests.remember('waiver', (app.waive_exit_criterion(tests.recall('p1'), tests.recall('budget'), 'Internal project, no PO')).id);
SELECT is(tests.refusal(format($$SELECT app.waive_exit_criterion(%L, %L, 'Again')$$, tests.recall('p1'), tests.recall('budget'))),
          'PT409 exit_criterion.already_waived', 'waivers: once per project and criterion');
SELECT results_eq(format($$SELECT is_met, is_waived, waiver_reason FROM app.project_exit_criteria WHERE project_id = %L AND key = 'budget-approved'$$,
                         tests.recall('p1')),
                  $$VALUES (true, true, 'Internal project, no PO')$$, 'waivers: a waived criterion counts as met, with its reason');
SELECT tests.act_as_owner();
SELECT is((SELECT count(*)::int FROM audit.activity_log WHERE entity_type = 'exit_criterion_waivers' AND entity_id = tests.recall('waiver')::text),
          1, 'waivers: recorded in the activity log');
SELECT tests.act_as_role(tests.recall('tenant'), 'engineering');
SELECT lives_ok(format($$SELECT app.update_progress(%L, %L, 'complete')$$, tests.recall('p1'),
                               tests.id_of_sub_stage(tests.recall('tenant'), 'feasibility-check')),
          'with every criterion met or waived, the stage''s last sub-stage completes');
SELECT tests.act_as(tests.create_operator());
SELECT ok((SELECT count(*) FROM app.exit_criterion_waivers WHERE project_id = tests.recall('p1')) = 1
          AND (SELECT count(*) FROM app.workflow_exit_criteria WHERE workflow_definition_id = tests.recall('clone')) > 0,
          'platform operators read the criteria and waivers of every tenant');
SELECT tests.act_as_role(tests.recall('tenant'), 'customer_portal');
SELECT is_empty(format($$SELECT * FROM app.project_exit_criteria WHERE project_id = %L$$, tests.recall('p1')),
                'portal users read no exit criteria');
SELECT tests.act_as_owner();

-- The default definition: at least 2 qualified supplier quotes, or a waiver.
SELECT tests.remember('p2', tests.create_project(tests.recall('tenant')));
SELECT tests.drive_project(tests.recall('p2'), 'supplier-rfq');
SELECT tests.act_as_role(tests.recall('tenant'), 'procurement');
SELECT tests.remember('x', (app.update_progress(tests.recall('p2'), tests.id_of_sub_stage(tests.recall('tenant'), 'supplier-identification'), 'complete')).id);
SELECT tests.remember('x', (app.update_progress(tests.recall('p2'), tests.id_of_sub_stage(tests.recall('tenant'), 'rfq-preparation'), 'complete')).id);
SELECT is(tests.refusal(format($$SELECT app.update_progress(%L, %L, 'complete')$$, tests.recall('p2'),
                               tests.id_of_sub_stage(tests.recall('tenant'), 'response-collection'))),
          'PT409 exit_criterion.documents_missing', 'supplier RFQ: no quotes, no completion (not even a request for approval)');
SELECT is((SELECT count(*)::int FROM app.approvals WHERE project_id = tests.recall('p2') AND approval_type = 'supplier_selection'), 0,
          'supplier RFQ: no approval was opened');
SELECT tests.remember('x', (tests.upload_document(tests.recall('p2'), 'Quote A', 'supplier_quote', 'pdf', encode(sha256('quote-a'), 'hex'),
                                                1000, 'application/pdf')).id);
SELECT is(tests.refusal(format($$SELECT app.update_progress(%L, %L, 'complete')$$, tests.recall('p2'),
                               tests.id_of_sub_stage(tests.recall('tenant'), 'response-collection'))),
          'PT409 exit_criterion.documents_missing', 'supplier RFQ: one quote is not two');
SELECT is((SELECT document_count FROM app.project_exit_criteria WHERE project_id = tests.recall('p2') AND key = 'qualified-quotes'), 1,
          'supplier RFQ: the progress screen counts the one quote');
SELECT tests.remember('x', (tests.upload_document(tests.recall('p2'), 'Quote B', 'supplier_quote', 'pdf', encode(sha256('quote-b'), 'hex'),
                                                1000, 'application/pdf')).id);
SELECT lives_ok(format($$SELECT app.update_progress(%L, %L, 'complete')$$, tests.recall('p2'),
                               tests.id_of_sub_stage(tests.recall('tenant'), 'response-collection')),
          'supplier RFQ: with two quotes the last sub-stage goes to its approval');
SELECT tests.act_as_owner();
SELECT tests.approve((SELECT id FROM app.approvals WHERE project_id = tests.recall('p2') AND approval_type = 'supplier_selection'));
SELECT tests.act_as_role(tests.recall('tenant'), 'procurement');
SELECT tests.remember('x', (tests.upload_document(tests.recall('p2'), 'RFQ', 'supplier_rfq', 'pdf', encode(sha256('rfq'), 'hex'),
                                                1000, 'application/pdf')).id);
SELECT is((SELECT s.slug FROM app.projects AS p JOIN app.workflow_stages AS s ON s.id = p.current_stage_id WHERE p.id = tests.recall('p2')),
          'quoted', 'supplier RFQ: approved, documents in, the project moves on');

-- The automatic advance waits for the criteria too: a stage whose
-- sub-stages are done waits for its documents; meanwhile its quote value
-- is cleared; the upload that retries finds the value missing, tells the
-- manager and waits; setting the value moves the project on.
SELECT tests.remember('p3', tests.create_project(tests.recall('tenant'), p_workflow_definition_id => tests.recall('clone'),
                                                 p_quote_value => 5000, p_assigned_to => tests.member_with_role(tests.recall('tenant'), 'sales')));
SELECT tests.act_as_role(tests.recall('tenant'), 'management');
SELECT tests.remember('x', (app.waive_exit_criterion(tests.recall('p3'), tests.recall('budget'), 'Internal')).id);
SELECT tests.remember('x', (app.update_progress(tests.recall('p3'), tests.id_of_sub_stage(tests.recall('tenant'), 'rfq-review'), 'complete')).id);
SELECT tests.remember('x', (app.update_progress(tests.recall('p3'), tests.id_of_sub_stage(tests.recall('tenant'), 'feasibility-check'), 'complete')).id);
UPDATE app.projects SET quote_value = NULL WHERE id = tests.recall('p3');
SELECT tests.remember('x', (tests.upload_document(tests.recall('p3'), 'RFQ', 'rfq', 'pdf', encode(sha256('p3-rfq'), 'hex'), 1000, 'application/pdf')).id);
SELECT tests.remember('x', (tests.upload_document(tests.recall('p3'), 'Inquiry', 'inquiry', 'pdf', encode(sha256('p3-inquiry'), 'hex'), 1000, 'application/pdf')).id);
SELECT is((SELECT s.slug FROM app.projects AS p JOIN app.workflow_stages AS s ON s.id = p.current_stage_id WHERE p.id = tests.recall('p3')),
          'inquiry', 'the automatic advance waits while a criterion is unmet');
SELECT tests.act_as_owner();
SELECT ok(EXISTS (SELECT FROM app.notifications WHERE project_id = tests.recall('p3') AND title LIKE '%waits for exit criteria'),
          'and tells the manager what it waits for');
SELECT tests.act_as_role(tests.recall('tenant'), 'management');
UPDATE app.projects SET quote_value = 6000 WHERE id = tests.recall('p3');
SELECT is((SELECT s.slug FROM app.projects AS p JOIN app.workflow_stages AS s ON s.id = p.current_stage_id WHERE p.id = tests.recall('p3')),
          'technical-review', 'setting the value moves it on');

SELECT * FROM finish();
ROLLBACK;
