-- A state machine guard from another block: "requires qualification X"
-- (app_private.transition_guard_qualification, 82_competence.sql) closes a
-- transition to whoever lacks the qualification and opens it once granted.
BEGIN;
SELECT plan(5);

SELECT tests.remember('a', tests.create_workflow_tenant());
SELECT tests.remember('reviewer', tests.member_with_role(tests.recall('a'), 'engineering'));
SELECT tests.remember('qualification', tests.create_qualification(tests.recall('a'), 'drawing-review'));

SELECT tests.act_as_role(tests.recall('a'), 'management');
SELECT is(tests.refusal($$SELECT app.define_state_machine('document', 'Reviewed drawings',
  '[{"key": "draft", "label": "Draft", "initial": true}, {"key": "reviewed", "label": "Reviewed", "terminal": true}]',
  '[{"from": "draft", "to": "reviewed", "label": "Review", "guards": [{"kind": "qualification", "qualification": "no-such-thing"}]}]')$$),
  'PT422 state_machine.guard_invalid', 'a guard naming an unknown qualification is refused when the machine is defined');
SELECT app.publish_state_machine((app.define_state_machine('document', 'Reviewed drawings',
  '[{"key": "draft", "label": "Draft", "initial": true}, {"key": "reviewed", "label": "Reviewed", "terminal": true}]',
  '[{"from": "draft", "to": "reviewed", "label": "Review", "guards": [{"kind": "qualification", "qualification": "drawing-review"}]}]')).id);
SELECT tests.remember('document', tests.controlled_document(tests.recall('a')));

SELECT tests.act_as(tests.recall('reviewer'), tests.recall('a'));
SELECT is((SELECT reasons -> 0 ->> 'reason' FROM app.available_transitions('document', tests.recall('document'))),
  'qualification.missing', 'the button is closed, and says why, to someone without the qualification');
SELECT ok(tests.refusal($$SELECT app.transition('document', tests.recall('document'), 'reviewed', 'Looks right')$$)
  LIKE '% qualification.missing', 'and the transition is refused');

SELECT tests.act_as_role(tests.recall('a'), 'management');
INSERT INTO app.person_qualifications (user_id, qualification_id, evidence)
VALUES (tests.recall('reviewer'), tests.recall('qualification'), 'Trained 2026-11-30');
SELECT tests.act_as(tests.recall('reviewer'), tests.recall('a'));
SELECT ok((SELECT allowed FROM app.available_transitions('document', tests.recall('document'))), 'once qualified, it opens');
SELECT is((app.transition('document', tests.recall('document'), 'reviewed', 'Looks right')).state, 'reviewed', 'and the reviewer moves it');

SELECT * FROM finish();
ROLLBACK;
