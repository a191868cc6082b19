-- The competence register: qualifications granted by others, held between
-- valid_from and valid_to until revoked; the state-machine guard; one's own
-- records or everybody's with competence.read; training on the current
-- version of a controlled document.
BEGIN;
SELECT plan(38);

SELECT tests.remember('a', tests.create_workflow_tenant());
SELECT tests.remember('b', tests.create_workflow_tenant());
SELECT tests.remember('qa', tests.member_with_role(tests.recall('a'), 'qa'));
SELECT tests.remember('sales', tests.member_with_role(tests.recall('a'), 'sales'));
SELECT tests.remember('manager', tests.member_with_role(tests.recall('a'), 'management'));
SELECT tests.remember('project', tests.create_project(tests.recall('a')));

-- Qualifications are tenant data, defined with competence.manage.
SELECT tests.act_as_role(tests.recall('a'), 'qa');
SELECT is(tests.refusal($$INSERT INTO app.qualifications (code, name) VALUES ('hplc', 'HPLC operator')$$),
  'PT403 permission.missing', 'a lesser role cannot define qualifications');
SELECT tests.act_as(tests.recall('manager'), tests.recall('a'));
INSERT INTO app.qualifications (code, name, labels, validity_days) VALUES ('hplc', 'HPLC operator', '{"de": "HPLC-Bediener"}', 365);
INSERT INTO app.qualifications (code, name, kind) VALUES ('forklift', 'Forklift', 'authorization');
INSERT INTO app.qualifications (code, name, is_active) VALUES ('retired', 'Old method', false);
SELECT tests.remember('hplc', (SELECT id FROM app.qualifications WHERE code = 'hplc'));
SELECT tests.remember('forklift', (SELECT id FROM app.qualifications WHERE code = 'forklift'));

-- Granting: by someone else, to active staff, of an active qualification.
INSERT INTO app.person_qualifications (user_id, qualification_id, evidence) VALUES (tests.recall('qa'), tests.recall('hplc'), 'Exam 92%');
SELECT tests.remember('grant', (SELECT id FROM app.person_qualifications WHERE user_id = tests.recall('qa')));
SELECT is((SELECT valid_to - valid_from FROM app.person_qualifications WHERE id = tests.recall('grant')), interval '365 days',
  'valid_to defaults to the qualification''s validity');
SELECT is((SELECT granted_by FROM app.person_qualifications WHERE id = tests.recall('grant')), tests.recall('manager'), 'the grantor is recorded');
SELECT is(tests.refusal($$INSERT INTO app.person_qualifications (user_id, qualification_id) VALUES (tests.recall('manager'), tests.recall('forklift'))$$),
  'PT403 qualification.self_grant', 'nobody grants themselves a qualification');
SELECT is(tests.refusal($$INSERT INTO app.person_qualifications (user_id, qualification_id) VALUES (tests.member_with_role(tests.recall('b'), 'qa'), tests.recall('forklift'))$$),
  'PT404 user.not_member', 'nor to someone outside the organization');
SELECT is(tests.refusal($$INSERT INTO app.person_qualifications (user_id, qualification_id) VALUES (tests.recall('qa'), (SELECT id FROM app.qualifications WHERE code = 'retired'))$$),
  'PT422 qualification.inactive', 'nor an inactive qualification');
SELECT is(tests.refusal($$INSERT INTO app.person_qualifications (user_id, qualification_id, valid_from, valid_to) VALUES (tests.recall('qa'), tests.recall('forklift'), now(), now() - interval '1 day')$$),
  'PT422 qualification.validity_order', 'valid_to comes after valid_from');
INSERT INTO app.person_qualifications (user_id, qualification_id, valid_from, valid_to)
VALUES (tests.recall('sales'), tests.recall('forklift'), now() - interval '2 years', now() - interval '1 year');
SELECT tests.act_as_role(tests.recall('a'), 'admin');
INSERT INTO app.person_qualifications (user_id, qualification_id) VALUES (tests.recall('manager'), tests.recall('hplc'));
SELECT tests.act_as(tests.recall('manager'), tests.recall('a'));
SELECT is(tests.refusal($$UPDATE app.person_qualifications SET valid_to = now() + interval '10 years' WHERE user_id = tests.recall('manager')$$),
  'PT403 qualification.self_grant', 'nobody extends their own qualification either');

-- Holding a qualification.
SELECT tests.act_as_owner();
SELECT ok(app_private.holds_qualification(tests.recall('a'), tests.recall('qa'), 'hplc', now()), 'the holder holds it now');
SELECT ok(NOT app_private.holds_qualification(tests.recall('a'), tests.recall('qa'), 'hplc', now() - interval '1 day'), 'not before valid_from');
SELECT ok(NOT app_private.holds_qualification(tests.recall('a'), tests.recall('qa'), 'hplc', now() + interval '366 days'), 'not after valid_to');
SELECT ok(NOT app_private.holds_qualification(tests.recall('a'), tests.recall('sales'), 'forklift', now()), 'an expired grant does not count');
SELECT ok(NOT app_private.holds_qualification(tests.recall('b'), tests.recall('qa'), 'hplc', now()), 'nor in another tenant');
SELECT tests.act_as(tests.recall('qa'), tests.recall('a'));
SELECT ok(auth.holds_qualification('hplc'), 'auth.holds_qualification: the caller holds it');
SELECT tests.act_as_owner();

-- The state-machine guard, as the caller (auth.user_id()).
CREATE FUNCTION pg_temp.guard_as(p_user uuid, p_code text) RETURNS jsonb LANGUAGE plpgsql AS $$
DECLARE v jsonb;
BEGIN
  PERFORM set_config('request.jwt.claims', jsonb_build_object('sub', p_user, 'role', 'app_user', 'org_id', tests.recall('a'))::text, true);
  v := app_private.transition_guard_qualification(tests.recall('a'), 'project', tests.recall('project'),
                                                   jsonb_build_object('kind', 'qualification', 'qualification', p_code));
  PERFORM set_config('request.jwt.claims', '', true);
  RETURN v;
END $$;
SELECT is(pg_temp.guard_as(tests.recall('qa'), 'hplc'), NULL, 'the guard holds for a holder (NULL)');
SELECT is(pg_temp.guard_as(tests.recall('sales'), 'hplc') ->> 'reason', 'qualification.missing', 'and refuses anyone else, with the reason');
SELECT is(pg_temp.guard_as(tests.recall('qa'), 'nope') ->> 'reason', 'qualification.unknown', 'a guard naming an unknown qualification refuses');

-- Reading: one's own, everybody's with competence.read, nothing of another tenant.
SELECT tests.act_as(tests.recall('sales'), tests.recall('a'));
SELECT is((SELECT array_agg(DISTINCT user_id) FROM app.person_qualifications), ARRAY[tests.recall('sales')],
  'a member without competence.read reads only their own grants');
SELECT is_empty($$SELECT FROM app.current_qualifications$$, 'and holds nothing now (theirs expired)');
SELECT ok(NOT auth.holds_qualification('forklift'), 'auth.holds_qualification: an expired grant is not held');
SELECT tests.act_as_role(tests.recall('a'), 'auditor');
SELECT is((SELECT count(*)::int FROM app.person_qualifications), 3, 'an auditor (competence.read) reads everybody''s');
SELECT is((SELECT array_agg(code) FROM app.current_qualifications WHERE user_id = tests.recall('qa')), ARRAY['hplc'],
  'current qualifications lists what is held now');
SELECT tests.act_as_role(tests.recall('b'), 'admin');
SELECT is_empty($$SELECT FROM app.person_qualifications WHERE organization_id = tests.recall('a')$$, 'another tenant''s admin reads none');
SELECT is(tests.refusal($$SELECT app.revoke_qualification(tests.recall('grant'), 'x')$$), 'PT404 qualification.not_found',
  'nor revokes them');

-- Revoking: with competence.manage and a reason, once; the grant is kept.
SELECT tests.act_as_role(tests.recall('a'), 'qa');
SELECT is(tests.refusal($$SELECT app.revoke_qualification(tests.recall('grant'), 'x')$$), 'PT403 permission.missing',
  'a lesser role cannot revoke');
SELECT tests.act_as(tests.recall('manager'), tests.recall('a'));
SELECT is(tests.refusal($$SELECT app.revoke_qualification(tests.recall('grant'), ' ')$$), 'PT422 qualification.reason_required',
  'revoking needs a reason');
SELECT is((app.revoke_qualification(tests.recall('grant'), 'Failed re-assessment')).revoked_by, tests.recall('manager'), 'the revoker is recorded');
SELECT is(tests.refusal($$SELECT app.revoke_qualification(tests.recall('grant'), 'again')$$), 'PT409 qualification.revoked', 'once');
SELECT tests.act_as_owner();
SELECT ok(NOT app_private.holds_qualification(tests.recall('a'), tests.recall('qa'), 'hplc', now()), 'a revoked qualification is not held');

-- Training on the current version of a controlled document, for the roles that need it.
SELECT tests.act_as(tests.recall('manager'), tests.recall('a'));
SELECT tests.remember('sop', (tests.upload_document(tests.recall('project'), 'SOP-001 Balance use', 'work_instruction', 'pdf',
                                                   repeat('a', 64), 100, 'application/pdf')).document_id);
INSERT INTO app.training_requirements (document_id, role_id, retrain_days)
SELECT tests.recall('sop'), id, 365 FROM app.roles WHERE key = 'qa';
SELECT is((SELECT status FROM app.training_due WHERE user_id = tests.recall('qa')), 'never_trained', 'an untrained holder of the role is due');
INSERT INTO app.training_records (user_id, document_version_id, completed_at)
SELECT tests.recall('qa'), id, now() - interval '1 hour' FROM app.document_versions WHERE document_id = tests.recall('sop') AND is_current;
SELECT is((SELECT expires_at - completed_at FROM app.training_records WHERE user_id = tests.recall('qa')), interval '365 days',
  'expires_at defaults to the requirement''s retraining interval');
SELECT is_empty($$SELECT FROM app.training_due WHERE user_id = tests.recall('qa')$$, 'trained on the current version: not due');
SELECT tests.remember('v2', (tests.upload_version(tests.recall('sop'), repeat('b', 64), 100, 'application/pdf')).id);
SELECT is((SELECT status || ' v' || trained_version_number FROM app.training_due WHERE user_id = tests.recall('qa')), 'new_version v1',
  'a new version of the document makes the training due again');
SELECT is(tests.refusal($$INSERT INTO app.training_records (user_id, document_version_id, completed_at) VALUES (tests.recall('qa'), tests.recall('v2'), now() + interval '1 day')$$),
  'PT422 training.in_future', 'training cannot be completed in the future');
INSERT INTO app.training_records (user_id, document_version_id, completed_at) VALUES (tests.recall('qa'), tests.recall('v2'), now() - interval '350 days');
SELECT is((SELECT status FROM app.training_due WHERE user_id = tests.recall('qa')), 'due_soon', 'training that expires within the window is due soon');
SELECT tests.act_as_owner();
SELECT is(tests.refusal($$DELETE FROM app.training_records WHERE user_id = tests.recall('qa')$$), 'PT409 row.append_only',
  'training records are append-only, for the owner too');
SELECT tests.act_as(tests.recall('sales'), tests.recall('a'));
SELECT is_empty($$SELECT FROM app.training_due$$, 'a member without competence.read sees only their own training due');
SELECT is(tests.refusal($$INSERT INTO app.training_records (user_id, document_version_id, completed_at) VALUES (tests.recall('sales'), tests.recall('v2'), now())$$),
  'PT403 permission.missing', 'and cannot record training');

SELECT * FROM finish();
ROLLBACK;
