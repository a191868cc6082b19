-- Lockout/tagout e-signatures: on an asset whose class requires lockout the
-- technician signs "lockout applied" (after the lockout checklist) before
-- the work starts and "lockout removed" before it completes, re-entering
-- their password with a reason (app.sign_work_order_lockout). As a
-- technician at the plant and one at another plant, a planner, a
-- supervisor and another tenant.
BEGIN;
SELECT plan(30);

SELECT tests.remember('t', tests.create_tenant());
SELECT tests.remember('other', tests.create_tenant());
SELECT tests.remember('plant_a', tests.create_site(tests.recall('t')));
SELECT tests.remember('plant_b', tests.create_site(tests.recall('t')));
SELECT tests.remember('class', tests.create_equipment_class(tests.recall('t'), p_requires_calibration => false));
SELECT tests.remember('loto_class', tests.create_equipment_class(tests.recall('t'), p_requires_calibration => false));
UPDATE app.equipment_classes SET requires_lockout = true WHERE id = tests.recall('loto_class')::uuid;
SELECT tests.remember('press', tests.create_equipment(tests.recall('t'), tests.recall('loto_class'), tests.recall('plant_a'), NULL, 'Press 2'));
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
CREATE FUNCTION pg_temp.sign(p_order text, p_action text, p_password text DEFAULT NULL, p_reason text DEFAULT 'Isolated at MCC-4, tag 17')
RETURNS text LANGUAGE sql AS $$
  SELECT tests.refusal(format($f$SELECT app.sign_work_order_lockout(%L, %L, %L, %L)$f$, tests.recall(p_order), p_action,
                              coalesce(p_password, tests.password()), p_reason))
$$;
GRANT EXECUTE ON FUNCTION pg_temp.sign(text, text, text, text) TO PUBLIC;

SELECT pg_temp.as_('manager');
SELECT app.define_checklist_template('work_order', 'maintenance-lockout', 'Lockout/tagout',
                                     '[{"label": "Energy sources isolated"}, {"label": "Padlock and tag fitted"}]');
SELECT pg_temp.as_('planner');
SELECT tests.remember('wo', (app.create_work_order(tests.recall('press'), 'corrective', 'Ram stuck')).id);
SELECT tests.remember('plain', (app.create_work_order(tests.recall('pump'), 'corrective', 'Belt')).id);
SELECT app.schedule_work_order(tests.recall('wo'), tests.recall('tech'), now() - interval '1 hour', now() + interval '1 hour');
SELECT app.schedule_work_order(tests.recall('plain'), tests.recall('tech'), now() - interval '1 hour', now() + interval '1 hour');

-- Before the checklist: nothing to sign.
SELECT pg_temp.as_('tech');
SELECT is(pg_temp.sign('wo', 'applied'), 'PT409 work_order.lockout_incomplete', 'lockout is not signed applied before its checklist is complete');
SELECT app.start_checklist('maintenance-lockout', 'work_order', tests.recall('wo'));
SELECT app.check_checklist_item(i.id) FROM app.checklist_items AS i JOIN app.checklists AS c ON c.organization_id = i.organization_id AND c.id = i.checklist_id
 WHERE c.entity_id = tests.recall('wo')::uuid;

-- Who may sign: the technician at the plant only.
SELECT pg_temp.as_('planner');
SELECT is(pg_temp.sign('wo', 'applied'), 'PT403 permission.missing', 'a planner does not sign lockout (work_order.execute)');
SELECT pg_temp.as_('tech_b');
SELECT is(pg_temp.sign('wo', 'applied'), 'PT404 work_order.not_found', 'a technician at another plant does not see the work order');
SELECT pg_temp.as_('stranger');
SELECT is(pg_temp.sign('wo', 'applied'), 'PT404 work_order.not_found', 'another tenant does not see it');

SELECT pg_temp.as_('tech');
SELECT is(pg_temp.sign('plain', 'applied'), 'PT409 work_order.lockout_not_required', 'no lockout signature on an asset that needs none');
SELECT is(pg_temp.sign('wo', 'engaged'), 'PT422 work_order.lockout_action_invalid', 'the action is applied or removed');
SELECT is(pg_temp.sign('wo', 'removed'), 'PT409 work_order.lockout_not_applied', 'nothing is removed that was not applied');
SELECT is(pg_temp.sign('wo', 'applied', p_reason => ' '), 'PT422 signature.reason_required', 'a lockout signature needs a reason');
SELECT is((SELECT id FROM app.sign_work_order_lockout(tests.recall('wo'), 'applied', 'wrong', 'isolated')), NULL,
  'a wrong password signs nothing');
SELECT is(tests.refusal(format($$SELECT app.transition_work_order(%L, 'in_progress')$$, tests.recall('wo'))), 'PT409 work_order.lockout_unsigned',
  'the work does not start before lockout is signed applied');
SELECT is((SELECT (meaning, to_status, signed_by, payload ->> 'to_status', jsonb_array_length(payload -> 'checklist'))
             FROM app.sign_work_order_lockout(tests.recall('wo'), 'applied', tests.password(), 'Isolated at MCC-4, tag 17')),
  ('lockout_applied'::text, 'in_progress'::text, tests.recall('tech')::uuid, 'in_progress'::text, 2),
  'the technician signs lockout applied, over the lockout checklist');
SELECT is(pg_temp.sign('wo', 'applied'), 'PT409 work_order.lockout_already_applied', 'an applied lockout is not applied again');

-- A checklist answer later than the signature: the signature no longer covers it.
SELECT tests.act_as_owner();
UPDATE app.checklist_items AS i SET checked_at = now() + interval '1 minute'
  FROM app.checklists AS c WHERE c.organization_id = i.organization_id AND c.id = i.checklist_id AND c.entity_id = tests.recall('wo')::uuid
   AND i.position = 2;
SELECT pg_temp.as_('tech');
SELECT is(tests.refusal(format($$SELECT app.transition_work_order(%L, 'in_progress')$$, tests.recall('wo'))), 'PT409 work_order.lockout_unsigned',
  'a lockout answered after its signature is signed again before the work starts');
SELECT tests.act_as_owner();
UPDATE app.checklist_items AS i SET checked_at = now()
  FROM app.checklists AS c WHERE c.organization_id = i.organization_id AND c.id = i.checklist_id AND c.entity_id = tests.recall('wo')::uuid;
SELECT pg_temp.as_('tech');
SELECT is((app.transition_work_order(tests.recall('wo'), 'in_progress')).status, 'in_progress', 'signed applied, the work starts');

-- A hold does not skip the start's guards: lockout removed while on hold, the work does not resume until applied again.
SELECT is((app.transition_work_order(tests.recall('wo'), 'on_hold', 'waiting for the hydraulic seal')).status, 'on_hold', 'held while in progress');
SELECT is((SELECT meaning FROM app.sign_work_order_lockout(tests.recall('wo'), 'removed', tests.password(), 'Line needed meanwhile')),
  'lockout_removed', 'lockout removed while on hold');
SELECT is(tests.refusal(format($$SELECT app.transition_work_order(%L, 'resume')$$, tests.recall('wo'))), 'PT409 work_order.lockout_unsigned',
  'resuming to in_progress re-runs the start''s guards: refused while lockout is removed');
SELECT is((SELECT status FROM app.work_orders WHERE id = tests.recall('wo')::uuid), 'on_hold', 'and the work order stays on hold');
SELECT is((SELECT meaning FROM app.sign_work_order_lockout(tests.recall('wo'), 'applied', tests.password(), 'Isolated again at MCC-4')),
  'lockout_applied', 'lockout applied again');
SELECT is((app.transition_work_order(tests.recall('wo'), 'resume')).status, 'in_progress', 'then the work resumes');

-- Completion waits for "lockout removed".
SELECT is(tests.refusal(format($$SELECT app.complete_work_order(%L, tests.password(), 'Ram freed')$$, tests.recall('wo'))),
  'PT409 work_order.lockout_not_removed', 'no completion while lockout is applied');
SELECT is((SELECT count(*)::integer FROM app.work_order_signatures WHERE work_order_id = tests.recall('wo')::uuid AND meaning = 'performed'), 0,
  'and no completion signature was asked for');
SELECT pg_temp.as_('planner');
SELECT is(pg_temp.sign('wo', 'removed'), 'PT403 permission.missing', 'a planner does not sign lockout removed');
SELECT pg_temp.as_('tech');
SELECT is((SELECT (meaning, to_status) FROM app.sign_work_order_lockout(tests.recall('wo'), 'removed', tests.password(),
                                                                          'Energy restored, guards back')),
  ('lockout_removed'::text, 'completed'::text), 'the technician signs lockout removed');
SELECT is(pg_temp.sign('wo', 'removed'), 'PT409 work_order.lockout_not_applied', 'a removed lockout is not removed again');
SELECT is(tests.refusal(format($$SELECT app.transition_work_order(%L, 'completed')$$, tests.recall('wo'))), 'PT409 work_order.signature_required',
  'a lockout signature is not a completion signature');
SELECT is((app.complete_work_order(tests.recall('wo'), tests.password(), 'Ram freed')).status, 'completed', 'then the work completes, signed');
SELECT is(pg_temp.sign('wo', 'applied'), 'PT409 work_order.lockout_state_invalid', 'no lockout is signed on completed work');

-- The trail: read by staff who read the work order, not by another tenant.
SELECT pg_temp.as_('supervisor');
SELECT is((SELECT array_agg(meaning || ':' || signed_by ORDER BY signed_at, id) FROM app.work_order_signatures
            WHERE work_order_id = tests.recall('wo')::uuid),
  ARRAY['lockout_applied:' || tests.recall('tech'), 'lockout_removed:' || tests.recall('tech'), 'lockout_applied:' || tests.recall('tech'),
        'lockout_removed:' || tests.recall('tech'), 'performed:' || tests.recall('tech')],
  'the supervisor reads the trail: applied, removed (on hold), applied again, removed, performed');
SELECT pg_temp.as_('stranger');
SELECT is((SELECT count(*)::integer FROM app.work_order_signatures), 0, 'another tenant reads no signatures');

SELECT * FROM finish();
ROLLBACK;
