-- Review, release and amendment: four eyes (unless the tenant allows
-- self-review, never with results_review second_person), the results_review
-- flag, e-signatures (password re-checked, printed name, time, meaning;
-- required under GLP), the analysis following, events, amendment keeping
-- the original; lesser roles, portal users and another tenant cannot.
BEGIN;
SELECT plan(24);

SELECT tests.remember('lab', tests.create_lab_tenant());
SELECT tests.remember('b', tests.create_tenant());
SELECT tests.remember('tech', tests.create_member(tests.recall('lab'), 'lab_tech'));
SELECT tests.remember('manager', tests.create_member(tests.recall('lab'), 'lab_manager'));
SELECT tests.remember('reviewer', tests.create_member(tests.recall('lab'), 'lab_reviewer'));
SELECT tests.remember('qa', tests.create_member(tests.recall('lab'), 'qa'));
SELECT tests.remember('portal', tests.create_member(tests.recall('lab'), 'customer_portal', NULL, tests.recall('customer')));
SELECT tests.remember('b_admin', tests.create_member(tests.recall('b'), 'admin'));
SELECT tests.remember('s1', tests.create_sample(tests.recall('lab'), tests.recall('water'), p_partner_id => tests.recall('customer')));
SELECT tests.set_sample_status(tests.recall('lab'), tests.recall('s1'), 'received');
SELECT tests.remember('a1', tests.create_analysis(tests.recall('lab'), tests.recall('s1'), tests.recall('ph')));
SELECT tests.remember('a2', tests.create_analysis(tests.recall('lab'), tests.recall('s1'), tests.recall('ph')));
SELECT tests.remember('a3', tests.create_analysis(tests.recall('lab'), tests.recall('s1'), tests.recall('ph')));

SELECT tests.act_as(tests.recall('tech'), tests.recall('lab'));
SELECT tests.remember('r1', (app.record_result(tests.recall('a1'), '{"value": 7.1}', 'pH')).id);

-- Four eyes on review.
SELECT is(tests.refusal(format($$SELECT app.review_result(%L)$$, tests.recall('r1'))), 'PT403 permission.missing',
  'a technician does not review');
SELECT tests.act_as(tests.recall('portal'), tests.recall('lab'));
SELECT is(tests.refusal(format($$SELECT app.review_result(%L)$$, tests.recall('r1'))), 'PT404 result.not_found', 'a portal user cannot review');
SELECT tests.act_as(tests.recall('b_admin'), tests.recall('b'));
SELECT is(tests.refusal(format($$SELECT app.review_result(%L)$$, tests.recall('r1'))), 'PT404 result.not_found', 'another tenant cannot review');

-- The signature: a wrong password changes nothing; the right one is kept with printed name, time and meaning.
SELECT tests.act_as(tests.recall('reviewer'), tests.recall('lab'));
SELECT is((app.review_result(tests.recall('r1'), '{"password": "wrong", "reason": "checked"}')).status::text, 'entered',
  'a wrong signature password reviews nothing');
SELECT is(current_setting('response.status', true), '403', 'and answers 403');
SELECT is(tests.refusal(format($$SELECT app.release_result(%L)$$, tests.recall('r1'))), 'PT409 result.not_reviewed',
  'with results_review single, a result is reviewed before release');
SELECT is(tests.refusal(format($$SELECT app.review_result(%L, '{"password": %s}')$$, tests.recall('r1'), to_jsonb(tests.password()))),
  'PT422 signature.reason_required', 'a signature needs a reason');
SELECT tests.remember('ignored', (app.review_result(tests.recall('r1'),
  jsonb_build_object('password', tests.password(), 'reason', 'checked against the raw data'))).id);
SELECT is((SELECT jsonb_build_object('status', status, 'by', reviewed_by, 'meaning', review_signature ->> 'meaning',
                                     'name', review_signature ->> 'printed_name', 'signed', review_signature ? 'signed_at',
                                     'sha', length(review_signature ->> 'payload_sha256'))
             FROM app.results WHERE id = tests.recall('r1')),
  jsonb_build_object('status', 'reviewed', 'by', tests.recall('reviewer'), 'meaning', 'reviewed',
                     'name', (SELECT display_name FROM app.users WHERE id = tests.recall('reviewer')), 'signed', true, 'sha', 64),
  'the review is signed: printed name, date and time, meaning, the payload''s sha256');
SELECT is((SELECT status::text FROM app.analyses WHERE id = tests.recall('a1')), 'reviewed', 'the analysis is reviewed');
SELECT tests.act_as(tests.recall('portal'), tests.recall('lab'));
SELECT is((SELECT count(*)::int FROM app.results WHERE id = tests.recall('r1')), 0, 'a portal user does not see a result before release');

-- Release: GLP requires the signature; the reviewer may release under single.
SELECT tests.act_as_owner();
SELECT tests.set_lab_flag(tests.recall('lab'), 'glp_esignatures_required', 'true');
SELECT tests.act_as(tests.recall('tech'), tests.recall('lab'));
SELECT is(tests.refusal(format($$SELECT app.release_result(%L)$$, tests.recall('r1'))), 'PT403 permission.missing', 'a technician does not release');
SELECT tests.act_as(tests.recall('reviewer'), tests.recall('lab'));
SELECT is(tests.refusal(format($$SELECT app.release_result(%L)$$, tests.recall('r1'))), 'PT422 signature.required',
  'under GLP a release must be signed');
SELECT is((app.release_result(tests.recall('r1'), jsonb_build_object('password', tests.password(), 'reason', 'release to customer'))).status::text,
  'released', 'a signed release releases the result');
SELECT is((SELECT status::text FROM app.analyses WHERE id = tests.recall('a1')), 'released', 'the analysis is released');
SELECT is((SELECT e -> 0 ->> 'result_id' FROM tests.lab_event_payloads(tests.recall('lab'), 'result.released') AS e), tests.recall('r1')::text,
  'result.released is published');
SELECT tests.act_as(tests.recall('portal'), tests.recall('lab'));
SELECT is((SELECT count(*)::int FROM app.results WHERE id = tests.recall('r1')), 1, 'the customer''s portal user sees the released result');

-- Amendment: a new released result with the reason; the original kept, superseded.
SELECT tests.act_as(tests.recall('reviewer'), tests.recall('lab'));
SELECT is(tests.refusal(format($$SELECT app.amend_result(%L, '{"value": 7.4}', ' ', '{"password": %s, "reason": "typo"}')$$,
                               tests.recall('r1'), to_jsonb(tests.password()))),
  'PT422 result.amendment_reason_required', 'an amendment needs a reason');
SELECT tests.remember('r1b', (app.amend_result(tests.recall('r1'), '{"value": 7.4}', 'transcription error corrected',
                                               jsonb_build_object('password', tests.password(), 'reason', 'amended report'))).id);
SELECT is((SELECT jsonb_build_object('old', (SELECT status FROM app.results WHERE id = tests.recall('r1')), 'new', status, 'amends', amends_id,
                                     'reason', amendment_reason, 'value', numeric_value, 'meaning', release_signature ->> 'meaning')
             FROM app.results WHERE id = tests.recall('r1b')),
  jsonb_build_object('old', 'superseded', 'new', 'released', 'amends', tests.recall('r1'), 'reason', 'transcription error corrected',
                     'value', 7.4, 'meaning', 'amended'),
  'the amendment is a new released result with the reason; the original is kept, superseded');
SELECT is((SELECT e -> 0 ->> 'amends_id' FROM tests.lab_event_payloads(tests.recall('lab'), 'result.amended') AS e), tests.recall('r1')::text,
  'result.amended is published');
SELECT is(tests.refusal(format($$SELECT app.amend_result(%L, '{"value": 7.5}', 'again', '{"password": %s, "reason": "x"}')$$,
                               tests.recall('r1'), to_jsonb(tests.password()))),
  'PT409 result.not_released', 'a superseded result is not amended again');

-- Four eyes: a manager who entered a result cannot review it, unless the tenant allows self-review, never under second_person.
SELECT tests.act_as_owner();
SELECT tests.set_lab_flag(tests.recall('lab'), 'glp_esignatures_required', 'false');
SELECT tests.act_as(tests.recall('manager'), tests.recall('lab'));
SELECT tests.remember('r2', (app.record_result(tests.recall('a2'), '{"value": 7.0}', 'pH')).id);
SELECT is(tests.refusal(format($$SELECT app.review_result(%L)$$, tests.recall('r2'))), 'PT403 result.four_eyes',
  'whoever entered a result cannot review it');
SELECT tests.act_as_owner();
SELECT tests.set_lab_flag(tests.recall('lab'), 'results_self_review_allowed', 'true');
SELECT tests.set_lab_flag(tests.recall('lab'), 'results_review', '"second_person"');
SELECT tests.act_as(tests.recall('manager'), tests.recall('lab'));
SELECT is(tests.refusal(format($$SELECT app.review_result(%L)$$, tests.recall('r2'))), 'PT403 result.four_eyes',
  'results_review second_person overrides the self-review setting');
SELECT tests.act_as_owner();
SELECT tests.set_lab_flag(tests.recall('lab'), 'results_review', '"single"');
SELECT tests.act_as(tests.recall('manager'), tests.recall('lab'));
SELECT is((app.review_result(tests.recall('r2'))).status::text, 'reviewed', 'a tenant that allows self-review lets the enterer review');

-- results_review none: release straight from entry (by another person).
SELECT tests.act_as_owner();
SELECT tests.set_lab_flag(tests.recall('lab'), 'results_review', '"none"');
SELECT tests.set_lab_flag(tests.recall('lab'), 'results_self_review_allowed', 'false');
SELECT tests.act_as(tests.recall('tech'), tests.recall('lab'));
SELECT tests.remember('r3', (app.record_result(tests.recall('a3'), '{"value": 6.9}', 'pH')).id);
SELECT tests.act_as(tests.recall('reviewer'), tests.recall('lab'));
SELECT is((app.release_result(tests.recall('r3'))).status::text, 'released', 'with results_review none an entered result is released directly');

SELECT * FROM finish();
ROLLBACK;
