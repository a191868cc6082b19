-- Separation of duties on verification: the verifier is none of the
-- assignee, a member of the assigned team while the work ran, anyone who
-- logged labour on the work order, the technician who signed its completion
-- (or its lockout). Each is refused on the signed verification and on the
-- plain move; a former team member and an uninvolved supervisor verify.
BEGIN;
SELECT plan(11);

SELECT tests.remember('t', tests.create_tenant());
SELECT tests.remember('other', tests.create_tenant());
SELECT tests.remember('plant', tests.create_site(tests.recall('t')));
SELECT tests.remember('class', tests.create_equipment_class(tests.recall('t'), p_requires_calibration => false));
SELECT tests.remember('pump', tests.create_equipment(tests.recall('t'), tests.recall('class'), tests.recall('plant'), NULL, 'Pump 1'));
SELECT tests.remember('planner', tests.create_member(tests.recall('t'), 'maintenance_planner'));
SELECT tests.remember('tech', tests.create_member(tests.recall('t'), 'technician', tests.recall('plant')));
SELECT tests.remember('sup_team', tests.create_member(tests.recall('t'), 'maintenance_supervisor'));
SELECT tests.remember('sup_former', tests.create_member(tests.recall('t'), 'maintenance_supervisor'));
SELECT tests.remember('sup_labour', tests.create_member(tests.recall('t'), 'maintenance_supervisor'));
SELECT tests.remember('sup_signer', tests.create_member(tests.recall('t'), 'maintenance_supervisor'));
SELECT tests.remember('sup_assignee', tests.create_member(tests.recall('t'), 'maintenance_supervisor'));
SELECT tests.remember('sup_free', tests.create_member(tests.recall('t'), 'maintenance_supervisor'));
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
CREATE FUNCTION pg_temp.verify(p_order text) RETURNS text LANGUAGE sql AS $$
  SELECT tests.refusal(format($f$SELECT app.verify_work_order(%L, tests.password(), 'Checked on site')$f$, tests.recall(p_order)))
$$;
GRANT EXECUTE ON FUNCTION pg_temp.verify(text) TO PUBLIC;

-- Team work: the tech and sup_team are members now, sup_former was one until last week.
SELECT pg_temp.as_('planner');
SELECT tests.remember('team', (app.define_maintenance_team('Mechanics', tests.recall('plant'))).id);
SELECT app.add_team_member(tests.recall('team'), tests.recall('tech'), now() - interval '1 day');
SELECT app.add_team_member(tests.recall('team'), tests.recall('sup_team'), now() - interval '1 day');
SELECT app.add_team_member(tests.recall('team'), tests.recall('sup_former'), now() - interval '30 days', now() - interval '7 days');
SELECT app.set_labour_rate(60, 'EUR', user_id => tests.recall('sup_labour'));
SELECT tests.remember('team_wo', (app.create_work_order(tests.recall('pump'), 'corrective', 'Leak')).id);
SELECT app.schedule_work_order_for_team(tests.recall('team_wo'), tests.recall('team'), now() - interval '1 hour', now() + interval '1 hour');
SELECT tests.remember('person_wo', (app.create_work_order(tests.recall('pump'), 'corrective', 'Noise')).id);
SELECT app.schedule_work_order(tests.recall('person_wo'), tests.recall('sup_assignee'), now() - interval '1 hour', now() + interval '1 hour');
SELECT pg_temp.as_('tech');
SELECT app.transition_work_order(tests.recall('team_wo'), 'in_progress');
SELECT app.transition_work_order(tests.recall('person_wo'), 'in_progress');
SELECT app.complete_work_order(tests.recall('person_wo'), tests.password(), 'Bearing greased');
-- sup_signer completes the team's work order; sup_labour's hour on it is logged.
SELECT pg_temp.as_('sup_signer');
SELECT app.complete_work_order(tests.recall('team_wo'), tests.password(), 'Seal replaced');
SELECT pg_temp.as_('sup_labour');
SELECT is((app.log_labour(tests.recall('team_wo'), now() - interval '1 hour', hours => 1)).user_id, tests.recall('sup_labour')::uuid,
  'a supervisor logs an hour of their own on the work');

SELECT is(pg_temp.verify('team_wo'), 'PT409 work_order.self_verification', 'who logged labour on the work does not verify it');
SELECT pg_temp.as_('sup_team');
SELECT is(pg_temp.verify('team_wo'), 'PT409 work_order.self_verification', 'a member of the assigned team does not verify its work');
SELECT is(tests.refusal(format($$SELECT app.transition_work_order(%L, 'verified')$$, tests.recall('team_wo'))), 'PT409 work_order.self_verification',
  'nor through the plain move');
SELECT pg_temp.as_('sup_signer');
SELECT is(pg_temp.verify('team_wo'), 'PT409 work_order.self_verification', 'who signed the completion does not verify it');
SELECT pg_temp.as_('sup_assignee');
SELECT is(pg_temp.verify('person_wo'), 'PT409 work_order.self_verification', 'the assignee does not verify their work');
SELECT is(tests.refusal(format($$SELECT app.transition_work_order(%L, 'verified')$$, tests.recall('person_wo'))), 'PT409 work_order.self_verification',
  'nor through the plain move');
SELECT pg_temp.as_('stranger');
SELECT is(pg_temp.verify('team_wo'), 'PT404 work_order.not_found', 'another tenant does not verify');

-- Someone who left the team before the work ran, and an uninvolved supervisor, verify.
SELECT pg_temp.as_('sup_former');
SELECT is((app.verify_work_order(tests.recall('team_wo'), tests.password(), 'Checked on site')).verified_by, tests.recall('sup_former')::uuid,
  'a former member of the team (left before the work) verifies it');
SELECT pg_temp.as_('sup_free');
SELECT is((app.verify_work_order(tests.recall('person_wo'), tests.password(), 'Checked on site')).status, 'verified',
  'an uninvolved supervisor verifies');
SELECT is((SELECT count(*)::integer FROM app.work_order_signatures WHERE meaning = 'verified'), 2, 'two verification signatures, none of the refused');

SELECT * FROM finish();
ROLLBACK;
