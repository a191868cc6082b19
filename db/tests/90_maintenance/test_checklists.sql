-- Work order checklists and signatures: typed items validated on the
-- template (kind, ordered limits, a known unit), typed answers, out-of-limit
-- flags; completion refused while a required item is unanswered or a
-- measurement is out of limits without a follow-up (a corrective work
-- order raised from the item); completion and verification signed through
-- sign_payload (wrong password: nothing applied); as a manager, a planner,
-- a technician at the plant and one at another plant, a supervisor and
-- another tenant.
BEGIN;
SELECT plan(41);

SELECT tests.remember('t', tests.create_tenant());
SELECT tests.remember('other', tests.create_tenant());
SELECT tests.remember('plant_a', tests.create_site(tests.recall('t')));
SELECT tests.remember('plant_b', tests.create_site(tests.recall('t')));
SELECT tests.remember('class', tests.create_equipment_class(tests.recall('t'), p_requires_calibration => false));
SELECT tests.remember('pump', tests.create_equipment(tests.recall('t'), tests.recall('class'), tests.recall('plant_a'), NULL, 'Pump 1'));
SELECT tests.remember('manager', tests.create_member(tests.recall('t'), 'management'));
SELECT tests.remember('planner', tests.create_member(tests.recall('t'), 'maintenance_planner'));
SELECT tests.remember('tech', tests.create_member(tests.recall('t'), 'technician', tests.recall('plant_a')));
SELECT tests.remember('tech_b', tests.create_member(tests.recall('t'), 'technician', tests.recall('plant_b')));
SELECT tests.remember('supervisor', tests.create_member(tests.recall('t'), 'maintenance_supervisor'));
SELECT tests.remember('stranger', tests.create_member(tests.recall('other'), 'maintenance_supervisor'));
CREATE FUNCTION pg_temp.as_(p_user text) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  v_slug text;
BEGIN
  PERFORM tests.act_as_owner();
  SELECT o.slug INTO v_slug FROM app.organizations AS o JOIN app.memberships AS m ON m.organization_id = o.id
   WHERE m.user_id = tests.recall(p_user)::uuid;
  PERFORM tests.act_as(tests.email_of(tests.recall(p_user)), v_slug);
END
$$;
GRANT EXECUTE ON FUNCTION pg_temp.as_(text) TO PUBLIC;
CREATE FUNCTION pg_temp.item(p_order text, p_position integer) RETURNS uuid LANGUAGE sql AS $$
  SELECT i.id FROM app.checklist_items AS i JOIN app.checklists AS c ON c.organization_id = i.organization_id AND c.id = i.checklist_id
   WHERE c.entity_type = 'work_order' AND c.entity_id = tests.recall(p_order)::uuid AND i.position = p_position
$$;
GRANT EXECUTE ON FUNCTION pg_temp.item(text, integer) TO PUBLIC;

-- Templates: kinds, limits and units are validated.
SELECT pg_temp.as_('manager');
SELECT is(tests.refusal($$SELECT app.define_checklist_template('work_order', 'bad', 'Bad', '[{"label": "Sniff", "kind": "smell"}]')$$),
  'PT422 checklist_template.kind_unknown', 'an unknown kind is refused');
SELECT is(tests.refusal($$SELECT app.define_checklist_template('work_order', 'bad', 'Bad',
            '[{"label": "Pressure", "kind": "measurement", "lower_limit": 6, "upper_limit": 1, "unit": "bar"}]')$$),
  'PT422 checklist_template.limits_unordered', 'a lower limit above the upper one is refused');
SELECT is(tests.refusal($$SELECT app.define_checklist_template('work_order', 'bad', 'Bad',
            '[{"label": "Pressure", "kind": "measurement", "lower_limit": 1, "upper_limit": 6, "unit": "furlong"}]')$$),
  'PT422 checklist_template.unit_unknown', 'a unit outside the units register is refused');
SELECT is(tests.refusal($$SELECT app.define_checklist_template('work_order', 'bad', 'Bad',
            '[{"label": "Pressure", "kind": "measurement", "lower_limit": 1}]')$$),
  'PT422 checklist_template.unit_unknown', 'a measurement needs a unit');
SELECT is(tests.refusal($$SELECT app.define_checklist_template('work_order', 'bad', 'Bad', '[{"label": "Guard", "upper_limit": 3}]')$$),
  'PT422 checklist_template.limits_need_measurement', 'only a measurement has limits');
SELECT is(tests.refusal($$SELECT app.define_checklist_template('work_order', 'bad', 'Bad', '[{"label": "Guard", "kind": 3}]')$$),
  'PT422 checklist_template.items_invalid', 'a kind is a text');
SELECT app.define_checklist_template('work_order', 'pump-service', 'Pump service', '[
  {"label": "Guard fitted"},
  {"label": "Discharge pressure", "kind": "measurement", "lower_limit": 1, "upper_limit": 6, "unit": "bar"},
  {"label": "Bearing temperature", "kind": "measurement", "upper_limit": 45, "unit": "degC"},
  {"label": "Seal dry", "kind": "pass_fail"},
  {"label": "Remarks", "kind": "text", "required": false}]');
SELECT is((SELECT array_agg(kind || ':' || coalesce(lower_limit::text, '-') || ':' || coalesce(upper_limit::text, '-') || ':' || coalesce(unit, '-')
                            ORDER BY position)
             FROM app.checklist_template_items AS i JOIN app.checklist_templates AS t ON t.organization_id = i.organization_id AND t.id = i.template_id
            WHERE t.key = 'pump-service'),
  ARRAY['check:-:-:-', 'measurement:1:6:bar', 'measurement:-:45:degC', 'pass_fail:-:-:-', 'text:-:-:-'], 'the template keeps kinds, limits and units');

-- A work order from a template with the checklist; the technician at the plant works it.
SELECT pg_temp.as_('planner');
SELECT app.define_work_order_template('pump-svc', 'Pump service', 'preventive', 'Service the pump', 'pump-service', 1);
SELECT tests.remember('wo', (app.create_work_order(tests.recall('pump'), 'preventive', NULL, '', 3,
                                                   (SELECT id FROM app.work_order_templates WHERE code = 'pump-svc'))).id);
SELECT app.schedule_work_order(tests.recall('wo'), tests.recall('tech'), now() - interval '1 hour', now() + interval '1 hour');
SELECT is(tests.refusal(format($$SELECT app.answer_checklist_item(%L, checked => true)$$, pg_temp.item('wo', 1))), 'PT403 permission.missing',
  'a planner who reads the work order does not answer its checklist (work_order.execute at the plant)');
SELECT is(tests.refusal(format($$SELECT app.check_checklist_item(%L)$$, pg_temp.item('wo', 1))), 'PT403 permission.missing',
  'nor through the platform''s check');
SELECT pg_temp.as_('tech');
SELECT app.transition_work_order(tests.recall('wo'), 'in_progress');
SELECT tests.remember('item' || p, pg_temp.item('wo', p)) FROM generate_series(1, 5) AS p;
SELECT is((SELECT count(*)::integer FROM app.checklist_items AS i JOIN app.checklists AS c ON c.organization_id = i.organization_id AND c.id = i.checklist_id
            WHERE c.entity_id = tests.recall('wo')::uuid AND i.kind = 'measurement' AND i.unit IS NOT NULL), 2,
  'the work order''s checklist copies the template''s measurements with their units');
SELECT is(tests.refusal(format($$SELECT app.answer_checklist_item(%L, measured_value => 3)$$, tests.recall('item1'))),
  'PT422 checklist_item.answer_invalid', 'a check takes no number');
SELECT is(tests.refusal(format($$SELECT app.answer_checklist_item(%L, passed => true)$$, tests.recall('item2'))),
  'PT422 checklist_item.answer_invalid', 'a measurement takes a number, not pass/fail');
SELECT is(tests.refusal(format($$SELECT app.answer_checklist_item(%L, text_value => '  ')$$, tests.recall('item5'))),
  'PT422 checklist_item.answer_invalid', 'a text item takes a text');
SELECT is(tests.refusal(format($$SELECT app.check_checklist_item(%L)$$, tests.recall('item2'))),
  'PT422 checklist_item.answer_invalid', 'a measurement is not just checked');
SELECT is(tests.refusal(format($$SELECT app.check_checklist_item(%L, true, repeat('x', 2001))$$, tests.recall('item1'))),
  'PT422 checklist_item.note_too_long', 'a technician''s overlong note is refused as such, not as a permission error');
SELECT is(tests.refusal(format($$SELECT app.complete_work_order(%L, tests.password(), 'done')$$, tests.recall('wo'))),
  'PT409 checklist.required_unanswered', 'no completion while a required item is unanswered');
SELECT app.answer_checklist_item(tests.recall('item1'), checked => true);
SELECT is((app.answer_checklist_item(tests.recall('item2'), measured_value => 3.2)).out_of_limits, false, 'a pressure within limits is not flagged');
SELECT is((app.answer_checklist_item(tests.recall('item3'), measured_value => 61, note => 'hot to the touch')).out_of_limits, true,
  'a temperature above the upper limit is flagged');
SELECT is(tests.refusal(format($$SELECT app.transition_work_order(%L, 'completed')$$, tests.recall('wo'))),
  'PT409 checklist.required_unanswered', 'the plain move checks the checklist too');
SELECT is((app.answer_checklist_item(tests.recall('item4'), passed => false)).passed, false, 'a pass/fail item takes false');
SELECT is(tests.refusal(format($$SELECT app.complete_work_order(%L, tests.password(), 'done')$$, tests.recall('wo'))),
  'PT409 checklist.out_of_limits', 'no completion while a measurement is out of limits without a follow-up');

-- The technician at another plant neither sees nor answers nor follows up.
SELECT pg_temp.as_('tech_b');
SELECT is(tests.refusal(format($$SELECT app.answer_checklist_item(%L, measured_value => 30)$$, tests.recall('item3'))),
  'PT404 checklist_item.not_found', 'a technician at another plant does not answer');
SELECT is(tests.refusal(format($$SELECT app.raise_checklist_follow_up(%L)$$, tests.recall('item3'))),
  'PT404 checklist_item.not_found', 'nor raises follow-ups');

-- The follow-up: a corrective work order on the same asset, linked to the item.
SELECT pg_temp.as_('tech');
SELECT tests.remember('follow_up', (app.raise_checklist_follow_up(tests.recall('item3'))).id);
SELECT is((SELECT (work_type::text, status, equipment_id, follow_up_of_item_id, site_id) FROM app.work_orders WHERE id = tests.recall('follow_up')::uuid),
  ('corrective'::text, 'planned'::text, tests.recall('pump'), tests.recall('item3')::uuid, tests.recall('plant_a')),
  'the follow-up is a planned corrective work order on the pump, linked to the item');

-- Signatures: the plain move is refused, a wrong password applies nothing.
SELECT is(tests.refusal(format($$SELECT app.transition_work_order(%L, 'completed')$$, tests.recall('wo'))),
  'PT409 work_order.signature_required', 'completing without a signature is refused');
SELECT is(tests.refusal(format($$SELECT app.complete_work_order(%L, tests.password(), ' ')$$, tests.recall('wo'))),
  'PT422 signature.reason_required', 'a signature needs a reason');
SELECT is(tests.refusal(format($$SELECT app.complete_work_order(%L, NULL, 'done')$$, tests.recall('wo'))),
  'PT422 signature.required', 'and a password');
SELECT is((SELECT id FROM app.complete_work_order(tests.recall('wo'), 'wrong', 'done')), NULL, 'a wrong password completes nothing');
SELECT is((SELECT (status, (SELECT count(*) FROM app.work_order_signatures WHERE work_order_id = tests.recall('wo')::uuid)::integer)
             FROM app.work_orders WHERE id = tests.recall('wo')::uuid), ('in_progress'::text, 0),
  'still in progress, no signature stored');
SELECT is((app.complete_work_order(tests.recall('wo'), tests.password(), 'Serviced; bearing hot, follow-up raised')).status, 'completed',
  'signed, it completes');
SELECT is((SELECT (meaning, signed_by, payload_sha256 = encode(sha256(convert_to(payload::text, 'UTF8')), 'hex'),
                   jsonb_array_length(payload -> 'checklist'), payload ->> 'to_status')
             FROM app.work_order_signatures WHERE work_order_id = tests.recall('wo')::uuid),
  ('performed'::text, tests.recall('tech'), true, 5, 'completed'::text),
  'the technician''s signature: meaning performed, the payload''s hash, the checklist answers in it');
SELECT is(tests.refusal(format($$SELECT app.answer_checklist_item(%L, text_value => 'late')$$, tests.recall('item5'))),
  'PT409 checklist.closed', 'a completed work order''s checklist is closed');
SELECT is(tests.refusal(format($$SELECT app.verify_work_order(%L, tests.password(), 'ok')$$, tests.recall('wo'))),
  'PT403 permission.missing', 'the technician does not verify');

-- The supervisor verifies, signed.
SELECT pg_temp.as_('supervisor');
SELECT is(tests.refusal(format($$SELECT app.transition_work_order(%L, 'verified')$$, tests.recall('wo'))),
  'PT409 work_order.signature_required', 'verifying without a signature is refused');
SELECT is((SELECT id FROM app.verify_work_order(tests.recall('wo'), 'wrong', 'ok')), NULL, 'a wrong password verifies nothing');
SELECT is((app.verify_work_order(tests.recall('wo'), tests.password(), 'Readings reviewed')).verified_by, tests.recall('supervisor'),
  'signed, the supervisor verifies');
SELECT is((SELECT array_agg(meaning || ':' || signed_by ORDER BY to_status) FROM app.work_order_signatures WHERE work_order_id = tests.recall('wo')::uuid),
  ARRAY['performed:' || tests.recall('tech'), 'verified:' || tests.recall('supervisor')], 'the work order''s signatures: performed, verified');

-- Who signed the completion does not verify it.
SELECT pg_temp.as_('planner');
SELECT tests.remember('belt', (app.create_work_order(tests.recall('pump'), 'corrective', 'Loose belt')).id);
SELECT app.schedule_work_order(tests.recall('belt'), tests.recall('tech'), now() - interval '1 hour', now());
SELECT pg_temp.as_('tech');
SELECT app.transition_work_order(tests.recall('belt'), 'in_progress');
SELECT pg_temp.as_('supervisor');
SELECT app.complete_work_order(tests.recall('belt'), tests.password(), 'Belt tightened');
SELECT is(tests.refusal(format($$SELECT app.verify_work_order(%L, tests.password(), 'fine')$$, tests.recall('belt'))),
  'PT409 work_order.self_verification', 'the supervisor who signed the completion does not verify it');

-- Another tenant sees nothing.
SELECT pg_temp.as_('stranger');
SELECT is((SELECT count(*)::integer FROM app.work_order_signatures) + (SELECT count(*)::integer FROM app.checklist_items), 0,
  'another tenant sees no signatures and no checklist items');
SELECT is(tests.refusal(format($$SELECT app.answer_checklist_item(%L, checked => true)$$, tests.recall('item1'))),
  'PT404 checklist_item.not_found', 'nor answers');
SELECT is(tests.refusal(format($$SELECT app.verify_work_order(%L, tests.password(), 'ok')$$, tests.recall('belt'))),
  'PT404 work_order.not_found', 'nor verifies');

SELECT * FROM finish();
ROLLBACK;
