-- SOP templates and tasks: sop.manage writes versioned templates whose steps
-- carry checks, dependencies (a DAG) and qualifications, frozen once
-- published; task.manage creates tasks from a published version (steps
-- copied) assigned to a qualified person; only the assignee performs steps,
-- each gated on the steps it depends on having passed, recording check
-- values; with glp_training_checks an untrained person cannot start or sign
-- a step; another tenant and portal users see nothing.
BEGIN;
SELECT plan(56);

SELECT tests.remember('lab', tests.create_lab_tenant());
SELECT tests.remember('b', tests.create_tenant());
SELECT tests.remember('other_site', tests.create_site(tests.recall('lab')));
SELECT tests.remember('manager', tests.create_member(tests.recall('lab'), 'lab_manager'));
SELECT tests.remember('qa', tests.create_member(tests.recall('lab'), 'qa'));
SELECT tests.remember('tech', tests.create_member(tests.recall('lab'), 'lab_tech', tests.recall('lab_site')));
SELECT tests.remember('tech2', tests.create_member(tests.recall('lab'), 'lab_tech'));
SELECT tests.remember('tech_elsewhere', tests.create_member(tests.recall('lab'), 'lab_tech', tests.recall('other_site')));
SELECT tests.remember('portal', tests.create_member(tests.recall('lab'), 'customer_portal', NULL, tests.recall('customer')));
SELECT tests.remember('b_admin', tests.create_member(tests.recall('b'), 'admin'));
SELECT tests.remember('pipette', tests.create_qualification(tests.recall('lab'), 'pipette-use'));
SELECT tests.remember('ph_meter', tests.create_qualification(tests.recall('lab'), 'ph-meter'));
-- tech holds both qualifications, tech2 only pipette-use.
INSERT INTO app.person_qualifications (organization_id, user_id, qualification_id, evidence)
VALUES (tests.recall('lab'), tests.recall('tech'), tests.recall('pipette'), 'Assessed'),
       (tests.recall('lab'), tests.recall('tech'), tests.recall('ph_meter'), 'Assessed'),
       (tests.recall('lab'), tests.recall('tech2'), tests.recall('pipette'), 'Assessed');
SELECT tests.remember('sample', tests.create_sample(tests.recall('lab'), tests.recall('water'), tests.recall('lab_site'), tests.recall('customer')));

-- Templates: sop.manage writes them, staff read them.
SELECT tests.act_as(tests.recall('tech'), tests.recall('lab'));
SELECT is(tests.refusal($$INSERT INTO app.sop_templates (code, title) VALUES ('SOP-PH', 'pH')$$), 'PT403 permission.missing',
  'a technician cannot write SOP templates');
SELECT tests.act_as(tests.recall('qa'), tests.recall('lab'));
INSERT INTO app.sop_templates (code, title, qualification_id) VALUES ('SOP-PH', 'pH measurement', tests.recall('pipette'));
SELECT tests.remember('v1', (SELECT id FROM app.sop_templates WHERE code = 'SOP-PH'));
SELECT is((SELECT version || ' ' || status || ' ' || (created_by = tests.recall('qa'))::text FROM app.sop_templates WHERE id = tests.recall('v1')),
  '1 draft true', 'QA writes a template: version 1, a draft, its author');
SELECT is(tests.refusal($$INSERT INTO app.sop_templates (code, title, status) VALUES ('SOP-X', 'x', 'published')$$), '42501',
  'a template starts as a draft (status is not sent)');
SELECT is(tests.refusal(format($$UPDATE app.sop_templates SET status = 'published' WHERE id = %L$$, tests.recall('v1'))),
  'PT422 sop_template.no_steps', 'a template without steps is not published');
SELECT is(tests.refusal(format($$INSERT INTO app.sop_steps (template_id, position, title, checks) VALUES (%L, 1, 'x', '[{"key": "a"}]')$$,
                               tests.recall('v1'))), 'PT422 json_schema.invalid', 'a step''s checks follow their schema');
SELECT is(tests.refusal(format($$INSERT INTO app.sop_steps (template_id, position, title, checks)
                                 VALUES (%L, 1, 'x', '[{"key": "a", "label": "A", "kind": "confirm"}, {"key": "a", "label": "B", "kind": "text"}]')$$,
                               tests.recall('v1'))), 'PT422 sop_step.check_key_duplicate', 'check keys are distinct in a step');
SELECT is(tests.refusal(format($$INSERT INTO app.sop_steps (template_id, position, title, checks)
                                 VALUES (%L, 1, 'x', '[{"key": "t", "label": "T", "kind": "number", "min": 5, "max": 1}]')$$,
                               tests.recall('v1'))), 'PT422 sop_step.check_limits_invalid', 'min is not above max');
INSERT INTO app.sop_steps (template_id, position, title, checks)
VALUES (tests.recall('v1'), 1, 'Calibrate', '[{"key": "slope", "label": "Slope", "kind": "number", "min": 95, "max": 105, "unit": "%"}]'),
       (tests.recall('v1'), 2, 'Measure', '[{"key": "done", "label": "Measured in triplicate", "kind": "confirm"}]'),
       (tests.recall('v1'), 3, 'Report', '[]');
SELECT tests.remember('st1', (SELECT id FROM app.sop_steps WHERE template_id = tests.recall('v1') AND position = 1));
SELECT tests.remember('st2', (SELECT id FROM app.sop_steps WHERE template_id = tests.recall('v1') AND position = 2));
SELECT tests.remember('st3', (SELECT id FROM app.sop_steps WHERE template_id = tests.recall('v1') AND position = 3));
UPDATE app.sop_steps SET qualification_id = tests.recall('ph_meter') WHERE id = tests.recall('st2');
INSERT INTO app.sop_step_dependencies (step_id, depends_on_step_id)
VALUES (tests.recall('st2'), tests.recall('st1')), (tests.recall('st3'), tests.recall('st2'));
SELECT is((SELECT template_id FROM app.sop_step_dependencies WHERE step_id = tests.recall('st2')), tests.recall('v1'),
  'a dependency takes its template from the step');
SELECT is(tests.refusal(format($$INSERT INTO app.sop_step_dependencies (step_id, depends_on_step_id) VALUES (%L, %L)$$,
                               tests.recall('st1'), tests.recall('st3'))), 'PT422 sop_step.dependency_cycle',
  'a dependency that closes a cycle is refused');
SELECT tests.remember('other_template', tests.create_sop_template(tests.recall('lab'), p_publish => false));
SELECT ok(tests.refusal(format($$INSERT INTO app.sop_step_dependencies (template_id, step_id, depends_on_step_id) VALUES (%L, %L, %L)$$,
                               tests.recall('v1'), tests.recall('st1'),
                               (SELECT id FROM app.sop_steps WHERE template_id = tests.recall('other_template') AND position = 1))) LIKE '23503%',
  'both steps of a dependency belong to one template');
UPDATE app.sop_templates SET status = 'published' WHERE id = tests.recall('v1');
SELECT is(tests.refusal(format($$UPDATE app.sop_templates SET title = 'changed' WHERE id = %L$$, tests.recall('v1'))), 'PT409 sop_template.frozen',
  'a published template is frozen');
SELECT is(tests.refusal(format($$UPDATE app.sop_steps SET title = 'changed' WHERE id = %L$$, tests.recall('st1'))), 'PT409 sop_template.frozen',
  'so are its steps');
SELECT is(tests.refusal(format($$DELETE FROM app.sop_step_dependencies WHERE step_id = %L$$, tests.recall('st2'))), 'PT409 sop_template.frozen',
  'and its dependencies');
INSERT INTO app.sop_templates (code, title) VALUES ('SOP-PH', 'pH measurement, revised');
SELECT tests.remember('v2', (SELECT id FROM app.sop_templates WHERE code = 'SOP-PH' AND version = 2));
INSERT INTO app.sop_steps (template_id, position, title) VALUES (tests.recall('v2'), 1, 'Measure');
UPDATE app.sop_templates SET status = 'published' WHERE id = tests.recall('v2');
SELECT is((SELECT array_agg(status::text ORDER BY version) FROM app.sop_templates WHERE code = 'SOP-PH'), ARRAY['retired', 'published'],
  'publishing version 2 retires version 1');
SELECT tests.act_as(tests.recall('portal'), tests.recall('lab'));
SELECT is_empty($$SELECT 1 FROM app.sop_templates UNION ALL SELECT 1 FROM app.sop_steps$$, 'portal users do not read SOPs');

-- Tasks: from a published version, by task.manage, to a qualified assignee.
SELECT tests.act_as(tests.recall('tech'), tests.recall('lab'));
SELECT is(tests.refusal(format($$INSERT INTO app.sop_tasks (template_id, entity_type, entity_id) VALUES (%L, 'sample', %L)$$,
                               tests.recall('v2'), tests.recall('sample'))), 'PT403 permission.missing', 'a technician does not create tasks');
SELECT tests.act_as(tests.recall('manager'), tests.recall('lab'));
SELECT is(tests.refusal(format($$INSERT INTO app.sop_tasks (template_id, entity_type, entity_id) VALUES (%L, 'sample', %L)$$,
                               tests.recall('v1'), tests.recall('sample'))), 'PT422 sop_template.not_published',
  'a task follows a published version, not a retired one');
-- A version with the step qualification (v1 is retired): publish a copy as SOP-PHQ.
SELECT tests.act_as_owner();
SELECT tests.remember('t', tests.create_sop_template(tests.recall('lab'), 'SOP-PHQ', p_qualification_id => tests.recall('pipette'),
                                                     p_step_qualification_id => tests.recall('ph_meter')));
SELECT tests.act_as(tests.recall('manager'), tests.recall('lab'));
SELECT throws_like(format($$INSERT INTO app.sop_tasks (template_id, entity_type, entity_id, assigned_to) VALUES (%L, 'sample', %L, %L)$$,
                          tests.recall('t'), tests.recall('sample'), tests.recall('tech2')),
  '%ph-meter%', 'assigning someone without a step''s qualification is refused, naming it');
SELECT is(tests.refusal(format($$INSERT INTO app.sop_tasks (template_id, entity_type, entity_id, assigned_to) VALUES (%L, 'sample', %L, %L)$$,
                               tests.recall('t'), tests.recall('sample'), tests.recall('tech2'))), 'PT422 sop_task.assignee_unqualified',
  '(PT422 sop_task.assignee_unqualified)');
INSERT INTO app.sop_tasks (template_id, entity_type, entity_id, assigned_to, due_at)
VALUES (tests.recall('t'), 'sample', tests.recall('sample'), tests.recall('tech'), now() + interval '1 day');
SELECT tests.remember('task', (SELECT id FROM app.sop_tasks WHERE template_id = tests.recall('t')));
SELECT is((SELECT jsonb_build_object('number', task_number ~ '^TSK-[0-9]{6}$', 'site', site_id, 'status', status, 'steps',
                                      (SELECT array_agg(s.status::text || ':' || s.title ORDER BY s.position) FROM app.sop_task_steps AS s WHERE s.task_id = t.id))
             FROM app.sop_tasks AS t WHERE id = tests.recall('task')),
  jsonb_build_object('number', true, 'site', tests.recall('lab_site'), 'status', 'open', 'steps', ARRAY['pending:Prepare', 'pending:Measure']),
  'a task gets a human id, its sample''s site, and a copy of the version''s steps, pending');
SELECT is(tests.refusal(format($$UPDATE app.sop_tasks SET assigned_to = %L WHERE id = %L$$, tests.recall('tech2'), tests.recall('task'))),
  'PT422 sop_task.assignee_unqualified', 'reassigning checks the qualifications too');

-- Performing: only the assignee, gated on dependencies, checks recorded.
SELECT tests.act_as(tests.recall('tech2'), tests.recall('lab'));
SELECT is(tests.refusal(format($$SELECT app.start_sop_step(%L)$$, tests.sop_task_step(tests.recall('task'), 1))), 'PT403 sop_task.not_assignee',
  'someone else cannot perform the assignee''s step');
SELECT tests.act_as(tests.recall('tech_elsewhere'), tests.recall('lab'));
SELECT is_empty(format($$SELECT 1 FROM app.sop_tasks WHERE id = %L$$, tests.recall('task')), 'a technician of another site does not see the task');
SELECT tests.act_as(tests.recall('tech'), tests.recall('lab'));
SELECT throws_like(format($$SELECT app.start_sop_step(%L)$$, tests.sop_task_step(tests.recall('task'), 2)), '%1. Prepare (pending)%',
  'a step waits for the steps it depends on, named');
SELECT is(tests.refusal(format($$SELECT app.start_sop_step(%L)$$, tests.sop_task_step(tests.recall('task'), 2))), 'PT409 sop_step.blocked',
  '(PT409 sop_step.blocked)');
SELECT is((SELECT status::text || ' ' || (started_by = tests.recall('tech'))::text FROM app.start_sop_step(tests.sop_task_step(tests.recall('task'), 1))),
  'in_progress true', 'the assignee starts the first step, recorded');
SELECT is((SELECT status::text FROM app.sop_tasks WHERE id = tests.recall('task')), 'in_progress', 'the task is in progress');
SELECT is(tests.refusal(format($$SELECT app.complete_sop_step(%L, '{"clean": true}')$$, tests.sop_task_step(tests.recall('task'), 1))),
  'PT422 sop_step.check_missing', 'a required check needs a value');
SELECT is(tests.refusal(format($$SELECT app.complete_sop_step(%L, '{"clean": true, "temp": 20, "extra": 1}')$$, tests.sop_task_step(tests.recall('task'), 1))),
  'PT422 sop_step.check_unknown', 'a value for no check is refused');
SELECT is(tests.refusal(format($$SELECT app.complete_sop_step(%L, '{"clean": "yes", "temp": 20}')$$, tests.sop_task_step(tests.recall('task'), 1))),
  'PT422 sop_step.check_value_invalid', 'a value of the wrong kind is refused');
SELECT is((SELECT status::text || ' ' || failed_checks::text FROM app.complete_sop_step(tests.sop_task_step(tests.recall('task'), 1), '{"clean": true, "temp": 25}')),
  'failed {temp}', 'a value outside its limits fails the step, naming the check');
SELECT throws_like(format($$SELECT app.start_sop_step(%L)$$, tests.sop_task_step(tests.recall('task'), 2)), '%1. Prepare (failed)%',
  'a failed step blocks the steps that depend on it');
SELECT lives_ok(format($$SELECT app.start_sop_step(%L)$$, tests.sop_task_step(tests.recall('task'), 1)), 'a failed step is started again');
SELECT is((SELECT jsonb_build_object('status', status, 'passed', checks_passed, 'values', check_values, 'by', completed_by = tests.recall('tech'))
             FROM app.complete_sop_step(tests.sop_task_step(tests.recall('task'), 1), '{"clean": true, "temp": 20.5}', 'ok')),
  '{"status": "passed", "passed": true, "values": {"clean": true, "temp": 20.5}, "by": true}',
  'within its limits the step passes, with who, when and the values recorded');
SELECT is(tests.refusal(format($$SELECT app.complete_sop_step(%L, '{}')$$, tests.sop_task_step(tests.recall('task'), 1))),
  'PT409 sop_step.status_transition', 'a passed step is not completed again');
SELECT is(tests.refusal(format($$UPDATE app.sop_task_steps SET status = 'passed' WHERE id = %L$$, tests.sop_task_step(tests.recall('task'), 2))),
  '42501', 'steps are written only by the RPCs');

-- A qualification that lapses after assignment stops the performer.
SELECT tests.act_as_owner();
UPDATE app.person_qualifications SET revoked_at = now(), revoke_reason = 'Failed proficiency test'
 WHERE user_id = tests.recall('tech') AND qualification_id = tests.recall('ph_meter');
SELECT tests.act_as(tests.recall('tech'), tests.recall('lab'));
SELECT is(tests.refusal(format($$SELECT app.start_sop_step(%L)$$, tests.sop_task_step(tests.recall('task'), 2))), 'PT403 sop_step.qualification_missing',
  'a performer whose qualification lapsed cannot start a step');
SELECT tests.act_as_owner();
INSERT INTO app.person_qualifications (organization_id, user_id, qualification_id, evidence)
VALUES (tests.recall('lab'), tests.recall('tech'), tests.recall('ph_meter'), 'Reassessed');

-- Training checks: with glp_training_checks on, training on the SOP's document version must be current.
SELECT tests.remember('project', tests.create_project(tests.recall('lab')));
SELECT tests.act_as(tests.create_member(tests.recall('lab'), 'admin'), tests.recall('lab'));
SELECT tests.remember('doc_version', (tests.upload_document(tests.recall('project'), 'SOP pH meter', 'other', 'pdf', repeat('c', 64), 100,
                                                            'application/pdf')).id);
SELECT tests.act_as_owner();
SELECT tests.remember('trained_sop', tests.create_sop_template(tests.recall('lab'), 'SOP-TRN',
  p_document_id => (SELECT document_id FROM app.document_versions WHERE id = tests.recall('doc_version'))));
SELECT is((SELECT document_version_id FROM app.sop_templates WHERE id = tests.recall('trained_sop')), tests.recall('doc_version'),
  'publishing pins the document''s current version');
SELECT tests.remember('task2', tests.create_sop_task(tests.recall('lab'), tests.recall('trained_sop'), 'sample', tests.recall('sample'), tests.recall('tech')));
INSERT INTO app.tenant_feature_flags (organization_id, flag_key, value) VALUES (tests.recall('lab'), 'glp_training_checks', 'true');
SELECT tests.act_as(tests.recall('tech'), tests.recall('lab'));
SELECT throws_like(format($$SELECT app.start_sop_step(%L)$$, tests.sop_task_step(tests.recall('task2'), 1)), '%SOP pH meter version 1%',
  'with training checks on, an untrained person cannot start a step: the training is named');
SELECT is(tests.refusal(format($$SELECT app.start_sop_step(%L)$$, tests.sop_task_step(tests.recall('task2'), 1))), 'PT403 training.not_current',
  '(PT403 training.not_current)');
SELECT tests.act_as_owner();
INSERT INTO app.training_records (organization_id, user_id, document_version_id, completed_at)
VALUES (tests.recall('lab'), tests.recall('tech'), tests.recall('doc_version'), now() - interval '1 hour');
SELECT tests.act_as(tests.recall('tech'), tests.recall('lab'));
SELECT lives_ok(format($$SELECT app.start_sop_step(%L)$$, tests.sop_task_step(tests.recall('task2'), 1)), 'once trained, they start it');
SELECT tests.act_as_owner();
-- Expired training stops signing: a second record cannot be edited (append-only), so a person trained long ago is used.
SELECT tests.remember('tech3', tests.create_member(tests.recall('lab'), 'lab_tech'));
INSERT INTO app.training_records (organization_id, user_id, document_version_id, completed_at, expires_at)
VALUES (tests.recall('lab'), tests.recall('tech3'), tests.recall('doc_version'), now() - interval '400 days', now() - interval '35 days');
UPDATE app.sop_tasks SET assigned_to = tests.recall('tech3') WHERE id = tests.recall('task2');
SELECT tests.act_as(tests.recall('tech3'), tests.recall('lab'));
SELECT is(tests.refusal(format($$SELECT app.complete_sop_step(%L, '{"clean": true, "temp": 20}')$$, tests.sop_task_step(tests.recall('task2'), 1))),
  'PT403 training.not_current', 'expired training: the person cannot sign the step off');

-- Cancelling.
SELECT is(tests.refusal(format($$SELECT app.cancel_sop_task(%L, 'x')$$, tests.recall('task2'))), 'PT403 permission.missing',
  'a technician does not cancel tasks');
SELECT tests.act_as(tests.recall('manager'), tests.recall('lab'));
SELECT is(tests.refusal(format($$SELECT app.cancel_sop_task(%L, '')$$, tests.recall('task2'))), 'PT422 sop_task.reason_required',
  'cancelling needs a reason');
SELECT is((SELECT status::text FROM app.cancel_sop_task(tests.recall('task2'), 'Sample consumed')), 'cancelled', 'a manager cancels a task');
SELECT tests.act_as(tests.recall('tech3'), tests.recall('lab'));
SELECT is(tests.refusal(format($$SELECT app.start_sop_step(%L)$$, tests.sop_task_step(tests.recall('task2'), 2))), 'PT409 sop_task.closed',
  'a cancelled task takes no more work');

-- Completing every step completes the task.
SELECT tests.act_as(tests.recall('tech'), tests.recall('lab'));
SELECT (app.start_sop_step(tests.sop_task_step(tests.recall('task'), 2))).status::text;
SELECT (app.complete_sop_step(tests.sop_task_step(tests.recall('task'), 2), '{}')).status::text;
SELECT is((SELECT status::text || ' ' || (completed_at IS NOT NULL)::text FROM app.sop_tasks WHERE id = tests.recall('task')), 'completed true',
  'the task completes when its last step passes (an optional check may stay empty)');

-- Deleting: only drafts (and their steps); a published version's steps stay.
SELECT tests.act_as(tests.recall('manager'), tests.recall('lab'));
SELECT is(tests.refusal(format($$DELETE FROM app.sop_steps WHERE id = %L$$, tests.recall('st1'))), 'PT409 sop_template.frozen',
  'a step of a retired or published version is not deleted');
SELECT is(tests.refusal(format($$DELETE FROM app.sop_steps WHERE template_id = %L$$, tests.recall('v2'))), 'PT409 sop_template.frozen',
  'nor a step without dependencies or tasks');
INSERT INTO app.sop_templates (code, title) VALUES ('SOP-TMP', 'Scratch');
INSERT INTO app.sop_steps (template_id, position, title) SELECT id, 1, 'Only' FROM app.sop_templates WHERE code = 'SOP-TMP';
DELETE FROM app.sop_steps WHERE template_id = (SELECT id FROM app.sop_templates WHERE code = 'SOP-TMP');
DELETE FROM app.sop_templates WHERE code IN ('SOP-TMP', 'SOP-PH');
SELECT is((SELECT array_agg(code || ' ' || version ORDER BY code, version) FROM app.sop_templates WHERE code IN ('SOP-TMP', 'SOP-PH')),
  ARRAY['SOP-PH 1', 'SOP-PH 2'], 'a draft and its steps are deleted, published and retired versions are kept');
SELECT tests.act_as(tests.recall('tech'), tests.recall('lab'));
SELECT is((SELECT count(*)::int FROM app.sop_task_steps WHERE task_id = tests.recall('task')), 2, 'the assignee reads the task''s steps');
SELECT tests.act_as(tests.recall('tech_elsewhere'), tests.recall('lab'));
SELECT is_empty(format($$SELECT 1 FROM app.sop_task_steps WHERE task_id = %L$$, tests.recall('task')),
  'a technician of another site does not read them');

-- Another tenant and portal users.
SELECT tests.act_as(tests.recall('b_admin'), tests.recall('b'));
SELECT is(tests.refusal(format($$SELECT app.start_sop_step(%L)$$, tests.sop_task_step(tests.recall('task'), 1))), 'PT404 sop_step.not_found',
  'another tenant''s admin cannot perform the step');
SELECT is(tests.refusal(format($$SELECT app.cancel_sop_task(%L, 'x')$$, tests.recall('task'))), 'PT404 sop_task.not_found',
  'nor cancel the task');
SELECT is_empty($$SELECT 1 FROM app.sop_tasks UNION ALL SELECT 1 FROM app.sop_task_steps UNION ALL SELECT 1 FROM app.sop_templates$$,
  'another tenant sees no SOPs or tasks');
SELECT tests.act_as(tests.recall('portal'), tests.recall('lab'));
SELECT is_empty($$SELECT 1 FROM app.sop_tasks UNION ALL SELECT 1 FROM app.sop_task_steps$$, 'portal users see no tasks');

SELECT * FROM finish();
ROLLBACK;
