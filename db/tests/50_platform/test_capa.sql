-- CAPA / 8D: a CAPA moves one discipline at a time, and only when the one it
-- leaves is complete; its readers and managers are who the roles say.
BEGIN;
SELECT plan(38);

SELECT tests.remember('a', tests.create_workflow_tenant());
SELECT tests.remember('b', tests.create_workflow_tenant());
SELECT tests.remember('project', tests.create_project(tests.recall('a')));
SELECT tests.remember('b_project', tests.create_project(tests.recall('b')));
SELECT tests.remember('qa', tests.member_with_role(tests.recall('a'), 'qa'));
SELECT tests.remember('production', tests.member_with_role(tests.recall('a'), 'production'));
SELECT tests.remember('b_qa', tests.member_with_role(tests.recall('b'), 'qa'));

-- Opening
SELECT tests.act_as_role(tests.recall('a'), 'sales');
SELECT is(tests.refusal($$SELECT app.open_capa('Cracked housings', 'Three housings cracked at final test')$$),
  'PT403 permission.missing', 'sales may not open a CAPA');

SELECT tests.act_as_role(tests.recall('a'), 'qa');
SELECT is(tests.refusal($$SELECT app.open_capa('x', 'y', owner_id => tests.recall('b_qa'))$$), 'PT422 capa.team_not_member',
  'the owner must be a member of the tenant');
SELECT is(tests.refusal($$SELECT app.open_capa('x', 'y', source_entity_type => 'project', source_entity_id => tests.recall('b_project'))$$),
  'PT404 entity.not_found', 'another tenant''s project cannot be its source');
SELECT is(tests.refusal($$SELECT app.open_capa('x', 'y', source_entity_type => 'project')$$), 'PT422 capa.source_incomplete',
  'half a source is refused');
SELECT tests.remember('capa', (app.open_capa('Cracked housings', 'Three housings cracked at final test', 'corrective',
  'nonconformance', 'project', tests.recall('project'))).id);
SELECT ok((SELECT capa_number ~ '^CAPA-[0-9]{6}$' AND status = 'open' AND opened_by = tests.recall('qa')
             FROM app.capas WHERE id = tests.recall('capa')), 'it gets a human id, starts open, opened by the caller');
SELECT is((SELECT relation FROM app.capa_links WHERE capa_id = tests.recall('capa') AND entity_id = tests.recall('project')),
  'source', 'its source project is linked');

-- Visibility
SELECT tests.act_as_role(tests.recall('a'), 'sales');
SELECT is((SELECT count(*)::int FROM app.capas), 0, 'sales (no capa.read) sees no CAPA');
SELECT tests.act_as_role(tests.recall('a'), 'production');
SELECT is((SELECT count(*)::int FROM app.capas WHERE id = tests.recall('capa')), 1, 'production reads CAPAs');
SELECT is(tests.refusal($$SELECT app.advance_capa(tests.recall('capa'), 'containment')$$), 'PT403 permission.missing',
  'but does not move them');
SELECT tests.act_as_role(tests.recall('b'), 'qa');
SELECT is((SELECT count(*)::int FROM app.capas WHERE id = tests.recall('capa')), 0, 'another tenant''s QA does not see it');
SELECT is(tests.refusal($$SELECT app.advance_capa(tests.recall('capa'), 'containment')$$), 'PT404 capa.not_found',
  'nor moves it');
SELECT is((SELECT count(*)::int FROM app.capa_links WHERE capa_id = tests.recall('capa')), 0, 'nor sees its links');

-- Steps in order, each complete before it ends
SELECT tests.act_as_role(tests.recall('a'), 'qa');
SELECT is(tests.refusal($$SELECT app.advance_capa(tests.recall('capa'), 'root_cause')$$), 'PT409 capa.transition_invalid',
  'a corrective CAPA contains before it looks for the cause');
SELECT is(tests.refusal($$SELECT app.advance_capa(tests.recall('capa'), 'containment')$$), 'PT422 capa.step_incomplete',
  'D1: no owner, no containment');
UPDATE app.capas SET owner_id = tests.recall('qa') WHERE id = tests.recall('capa');
SELECT is((app.advance_capa(tests.recall('capa'), 'containment')).status, 'containment', 'with an owner it moves to containment');

INSERT INTO app.capa_actions (capa_id, discipline, description, owner_id, due_date)
VALUES (tests.recall('capa'), 'containment', 'Quarantine lot 42', tests.recall('production'), current_date + 2);
UPDATE app.capas SET containment_summary = 'Lot 42 quarantined, customer stock sorted' WHERE id = tests.recall('capa');
SELECT is(tests.refusal($$SELECT app.advance_capa(tests.recall('capa'), 'root_cause')$$), 'PT422 capa.step_incomplete',
  'D3: an open containment action keeps it in containment');
SELECT tests.act_as_role(tests.recall('a'), 'production');
SELECT is((SELECT count(*)::int FROM app.notifications WHERE type = 'quality'), 1, 'the action''s owner was told');

SELECT tests.act_as_role(tests.recall('a'), 'sales');
SELECT is(tests.refusal($$SELECT app.complete_capa_action((SELECT id FROM app.capa_actions WHERE capa_id = tests.recall('capa')), 'done')$$),
  'PT404 capa_action.not_found', 'someone else without capa.read cannot find the action');
SELECT tests.act_as_role(tests.recall('a'), 'production');
SELECT tests.remember('containment_action', (SELECT id FROM app.capa_actions WHERE capa_id = tests.recall('capa')));
SELECT is(tests.refusal($$SELECT app.complete_capa_action(tests.recall('containment_action'), ' ')$$), 'PT422 capa_action.note_required',
  'done needs a note');
SELECT is((app.complete_capa_action(tests.recall('containment_action'), 'Lot 42 on hold in the MRB cage')).completed_by,
  tests.recall('production'), 'the owner records their action done, without capa.manage');
SELECT is(tests.refusal($$SELECT app.complete_capa_action(tests.recall('containment_action'), 'again')$$), 'PT409 capa_action.not_open',
  'once');

SELECT tests.act_as_role(tests.recall('a'), 'qa');
SELECT is((app.advance_capa(tests.recall('capa'), 'root_cause')).status, 'root_cause', 'containment done: on to the root cause');
UPDATE app.capas SET root_cause = 'Mould temperature drifted', root_cause_method = 'five_whys',
                     corrective_action_plan = 'Closed-loop mould temperature control' WHERE id = tests.recall('capa');
SELECT is(tests.refusal($$SELECT app.advance_capa(tests.recall('capa'), 'corrective_action')$$), 'PT422 capa.step_incomplete',
  'D5: a plan without a corrective action is not enough');
INSERT INTO app.capa_actions (capa_id, discipline, description, owner_id, due_date)
VALUES (tests.recall('capa'), 'corrective', 'Install the controller', tests.recall('qa'), current_date - 1);
SELECT is((app.advance_capa(tests.recall('capa'), 'corrective_action')).status, 'corrective_action', 'with one it moves on');

SELECT is(tests.refusal($$UPDATE app.capas SET effectiveness_result = 'effective' WHERE id = tests.recall('capa')$$),
  'PT409 capa.not_in_verification', 'effectiveness is recorded during verification only');
SELECT is(tests.refusal($$SELECT app.advance_capa(tests.recall('capa'), 'verification')$$), 'PT422 capa.step_incomplete',
  'D6/D7: open actions and no prevention keep it here');

-- The reminder job tells an overdue owner once.
SELECT tests.act_as_owner();
SELECT is(app_private.remind_overdue_capa_actions(), 1, 'the overdue action''s owner is reminded');
SELECT is(app_private.remind_overdue_capa_actions(), 0, 'once');

SELECT tests.act_as_role(tests.recall('a'), 'qa');
SELECT app.complete_capa_action(id, 'Controller installed and validated') FROM app.capa_actions
 WHERE capa_id = tests.recall('capa') AND discipline = 'corrective';
UPDATE app.capas SET prevention_summary = 'Same controller on the sister moulds; PFMEA updated' WHERE id = tests.recall('capa');
SELECT is((app.advance_capa(tests.recall('capa'), 'verification')).status, 'verification', 'D6 and D7 done: verification');

UPDATE app.capas SET effectiveness_result = 'not_effective', effectiveness_note = 'Two more cracks in week 12' WHERE id = tests.recall('capa');
SELECT is((SELECT effectiveness_checked_by FROM app.capas WHERE id = tests.recall('capa')), tests.recall('qa'),
  'the effectiveness check is stamped with who recorded it');
SELECT is(tests.refusal($$SELECT app.advance_capa(tests.recall('capa'), 'closed')$$), 'PT422 capa.step_incomplete',
  'a CAPA that was not effective does not close');
SELECT is((app.advance_capa(tests.recall('capa'), 'root_cause')).effectiveness_result, NULL,
  'it goes back to the root cause, and the next verification starts afresh');

-- Cancelling needs a reason; a cancelled CAPA is a record.
SELECT is(tests.refusal($$SELECT app.advance_capa(tests.recall('capa'), 'cancelled')$$), 'PT422 capa.cancel_reason_required',
  'cancelling needs a reason');
SELECT is((app.advance_capa(tests.recall('capa'), 'cancelled', 'Product discontinued')).cancel_reason, 'Product discontinued',
  'with one it is cancelled');
SELECT is(tests.refusal($$UPDATE app.capas SET title = 'Renamed' WHERE id = tests.recall('capa')$$), 'PT409 capa.closed',
  'a cancelled CAPA is not edited');
SELECT is(tests.refusal($$INSERT INTO app.capa_actions (capa_id, discipline, description, owner_id, due_date)
                          VALUES (tests.recall('capa'), 'corrective', 'x', tests.recall('qa'), current_date)$$),
  'PT409 capa.closed', 'nor given actions');

-- A preventive CAPA has nothing to contain; each step change is an event.
SELECT tests.remember('preventive', (app.open_capa('Similar moulds', 'Sister moulds share the design', 'preventive',
  owner_id => tests.recall('qa'))).id);
SELECT is((app.advance_capa(tests.recall('preventive'), 'root_cause')).status, 'root_cause', 'a preventive CAPA goes straight to the cause');
SELECT tests.act_as_owner();
SELECT is((SELECT count(*)::int FROM app_private.events WHERE entity_type = 'capa' AND event_type = 'capa.status_changed'
            AND organization_id = tests.recall('a')), 7, 'every step change was published');

SELECT * FROM finish();
ROLLBACK;
