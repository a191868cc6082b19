-- Work orders: the machine (planned -> scheduled -> in_progress ->
-- completed -> verified -> closed; cancelled with a reason; on_hold returning
-- where it left) and its refusals; a template copied; the assignee's
-- qualification at the scheduled time; the lockout guard; labour costed at
-- a person's or a qualification's rate; contractor charges; the cost
-- roll-up per work order and asset; a stop in the downtime log; as a
-- planner, a plant-scoped technician, a supervisor, a contractor's portal
-- user and another tenant.
BEGIN;
SELECT plan(64);

SELECT tests.remember('t', tests.create_tenant());
SELECT tests.remember('other', tests.create_tenant());
SELECT tests.remember('plant_a', tests.create_site(tests.recall('t')));
SELECT tests.remember('plant_b', tests.create_site(tests.recall('t')));
SELECT tests.remember('class', tests.create_equipment_class(tests.recall('t'), p_requires_calibration => false));
SELECT tests.remember('loto_class', tests.create_equipment_class(tests.recall('t'), p_requires_calibration => false));
UPDATE app.equipment_classes SET requires_lockout = true WHERE id = tests.recall('loto_class')::uuid;
SELECT tests.remember('pump', tests.create_equipment(tests.recall('t'), tests.recall('class'), tests.recall('plant_a'), NULL, 'Pump 1'));
SELECT tests.remember('press', tests.create_equipment(tests.recall('t'), tests.recall('loto_class'), tests.recall('plant_a'), NULL, 'Press 2'));
SELECT tests.remember('mill', tests.create_equipment(tests.recall('t'), tests.recall('class'), tests.recall('plant_b'), NULL, 'Mill 3'));
SELECT tests.remember('planner', tests.create_member(tests.recall('t'), 'maintenance_planner'));
SELECT tests.remember('tech', tests.create_member(tests.recall('t'), 'technician', tests.recall('plant_a')));
SELECT tests.remember('tech_b', tests.create_member(tests.recall('t'), 'technician', tests.recall('plant_b')));
SELECT tests.remember('supervisor', tests.create_member(tests.recall('t'), 'maintenance_supervisor'));
SELECT tests.remember('inspector', tests.create_member(tests.recall('t'), 'maintenance_supervisor'));
SELECT tests.remember('acme', tests.create_partner(tests.recall('t'), 'supplier'));
SELECT tests.remember('rival', tests.create_partner(tests.recall('t'), 'supplier'));
INSERT INTO app.partner_roles (organization_id, partner_id, role) VALUES (tests.recall('t')::uuid, tests.recall('acme')::uuid, 'contractor');
SELECT tests.remember('acme_user', tests.create_member(tests.recall('t'), 'customer_portal', NULL, tests.recall('acme')));
SELECT tests.remember('rival_user', tests.create_member(tests.recall('t'), 'customer_portal', NULL, tests.recall('rival')));
SELECT tests.remember('stranger', tests.create_member(tests.recall('other'), 'maintenance_planner'));
SELECT tests.remember('hv', tests.create_qualification(tests.recall('t'), 'hv'));
-- The technician holds hv from tomorrow for 30 days.
INSERT INTO app.person_qualifications (organization_id, user_id, qualification_id, valid_from, valid_to)
VALUES (tests.recall('t')::uuid, tests.recall('tech')::uuid, tests.recall('hv')::uuid, now() + interval '1 day', now() + interval '31 days');
SELECT tests.remember('reason', tests.create_downtime_reason(tests.recall('t'), 'repair'));
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

-- The planner: a template, the lockout checklist template, a work order from the template.
INSERT INTO app.checklist_templates (organization_id, key, name, entity_type)
VALUES (tests.recall('t')::uuid, 'maintenance-lockout', 'Lockout/tagout', 'work_order');
INSERT INTO app.checklist_template_items (organization_id, template_id, position, label, required)
SELECT tests.recall('t')::uuid, id, p, l, true FROM app.checklist_templates, (VALUES (1, 'Isolate energy'), (2, 'Apply lock and tag')) AS i (p, l)
 WHERE organization_id = tests.recall('t')::uuid AND key = 'maintenance-lockout';
SELECT pg_temp.as_('planner');
SELECT tests.remember('tpl', (app.define_work_order_template('hv-check', 'HV cabinet check', 'inspection', 'Open, measure, close', NULL, 1.5, 'hv')).id);
SELECT tests.remember('wo', (app.create_work_order(tests.recall('pump'), 'inspection', NULL, '', 2, tests.recall('tpl'), current_date + 7)).id);
SELECT is((SELECT (title, description, required_qualification, estimated_hours, status, site_id::text)
             FROM app.work_orders WHERE id = tests.recall('wo')::uuid),
          ('HV cabinet check'::text, 'Open, measure, close'::text, 'hv'::text, 1.5::numeric, 'planned'::text, tests.recall('plant_a')::text),
  'a work order from a template copies its task, qualification and hours, planned at the asset''s plant');
SELECT matches((SELECT work_order_number FROM app.work_orders WHERE id = tests.recall('wo')::uuid), '^WO-[0-9]{6}$', 'numbered WO-000001');
SELECT is(tests.refusal(format($$SELECT app.transition_work_order(%L, 'closed')$$, tests.recall('wo'))), 'PT409 work_order.transition_invalid',
  'a planned work order does not close');

-- Qualification at the scheduled time.
SELECT is(tests.refusal(format($$SELECT app.schedule_work_order(%L, %L, now() + interval '2 hours', now() + interval '4 hours')$$,
                               tests.recall('wo'), tests.recall('tech'))), 'PT409 work_order.assignee_unqualified',
  'an assignee without the qualification at the scheduled time is refused');
SELECT is((app.schedule_work_order(tests.recall('wo'), tests.recall('tech'), now() + interval '2 days', now() + interval '2 days 2 hours')).status,
  'scheduled', 'scheduled once the window falls in the qualification''s validity');

-- On hold returns to where it left.
SELECT pg_temp.as_('tech');
SELECT is(tests.refusal(format($$SELECT app.transition_work_order(%L, 'on_hold')$$, tests.recall('wo'))), 'PT422 work_order.reason_required',
  'a hold needs a reason');
SELECT is((app.transition_work_order(tests.recall('wo'), 'on_hold', 'waiting for the cabinet key')).status, 'on_hold', 'on hold');
SELECT is(tests.refusal(format($$SELECT app.transition_work_order(%L, 'in_progress')$$, tests.recall('wo'))), 'PT409 work_order.transition_invalid',
  'an on-hold work order does not start');
-- Resuming re-runs the entry guards of the state it returns to: an absence recorded while on hold.
SELECT pg_temp.as_('planner');
SELECT tests.remember('absence', (app.set_availability(tests.recall('tech'), now() + interval '2 days', now() + interval '3 days', 'absent', 'training')).id);
SELECT pg_temp.as_('tech');
SELECT is(tests.refusal(format($$SELECT app.transition_work_order(%L, 'resume')$$, tests.recall('wo'))), 'PT409 work_order.assignee_absent',
  'resuming to scheduled checks the assignee again: absent in the window, refused');
SELECT pg_temp.as_('planner');
SELECT ok(app.delete_availability(tests.recall('absence')), 'the absence is withdrawn');
SELECT pg_temp.as_('tech');
SELECT is((app.transition_work_order(tests.recall('wo'), 'resume')).status, 'scheduled', 'resuming returns it to scheduled, where it left');
SELECT is((app.transition_work_order(tests.recall('wo'), 'in_progress')).status, 'in_progress', 'the technician starts it');
SELECT app.transition_work_order(tests.recall('wo'), 'on_hold', 'parts');
SELECT is((app.transition_work_order(tests.recall('wo'), 'resume')).status, 'in_progress', 'a hold in progress returns to in_progress');
SELECT tests.act_as_owner();
SELECT is((SELECT array_agg(event_type || ' ' || (payload -> 'hold')::text ORDER BY id) FROM app_private.events
            WHERE entity_id = tests.recall('wo')::uuid AND event_type IN ('work_order.on_hold', 'work_order.resume')),
  ARRAY['work_order.on_hold {"reason": "waiting for the cabinet key", "returns_to": "scheduled"}',
        'work_order.resume {"reason": "waiting for the cabinet key", "returns_to": "scheduled"}',
        'work_order.on_hold {"reason": "parts", "returns_to": "in_progress"}',
        'work_order.resume {"reason": "parts", "returns_to": "in_progress"}'],
  'the hold and resume events carry the hold''s reason and the state it returns to (the row keeps only the current hold)');
SELECT pg_temp.as_('tech');
SELECT is(tests.refusal(format($$SELECT app.transition_work_order(%L, 'cancelled', 'x')$$, tests.recall('wo'))), 'PT403 permission.missing',
  'a technician does not cancel');

-- Labour: no rate, then a qualification's rate, then the person's.
SELECT is(tests.refusal(format($$SELECT app.log_labour(%L, now() - interval '1 hour', hours => 1)$$, tests.recall('wo'))), 'PT409 labour.rate_missing',
  'labour without a rate is refused');
SELECT pg_temp.as_('planner');
SELECT app.set_labour_rate(80, 'EUR', qualification_code => 'hv');
SELECT app.set_labour_rate(50, 'EUR', user_id => tests.recall('supervisor'));
SELECT pg_temp.as_('tech');
SELECT is(tests.refusal(format($$SELECT app.log_labour(%L, now() - interval '1 hour', hours => 1)$$, tests.recall('wo'))), 'PT409 labour.rate_missing',
  'the qualification''s rate needs the qualification when the work started');
-- Labour is logged once worked, never ahead (labour.in_future): the technician's hv validity is brought forward to yesterday.
SELECT tests.act_as_owner();
UPDATE app.person_qualifications SET valid_from = now() - interval '1 day' WHERE user_id = tests.recall('tech')::uuid;
SELECT pg_temp.as_('tech');
SELECT is((app.log_labour(tests.recall('wo'), now() - interval '3 hours', now() - interval '90 minutes')).cost, 120.00,
  '1.5 hours at the hv rate of 80');
SELECT pg_temp.as_('planner');
SELECT is((app.log_labour(tests.recall('wo'), now() - interval '3 hours', hours => 2, user_id => tests.recall('supervisor'))).cost, 100.00,
  'a person''s own rate: 2 hours at 50 (logged in their name by the planner)');
SELECT pg_temp.as_('tech');
SELECT is(tests.refusal(format($$SELECT app.log_labour(%L, now() - interval '30 hours', hours => 25)$$, tests.recall('wo'))), 'PT422 labour.time_invalid',
  'an entry is at most 24 hours');
SELECT is(tests.refusal(format($$UPDATE app.labour_entries SET hours = 9 WHERE work_order_id = %L$$, tests.recall('wo'))), '42501',
  'labour entries are not updated by API roles');

-- Completion, verification by someone else, closing.
SELECT is((app.complete_work_order(tests.recall('wo'), tests.password(), 'Cabinet measured and closed')).status, 'completed', 'the technician completes it');
SELECT is(tests.refusal(format($$SELECT app.transition_work_order(%L, 'verified')$$, tests.recall('wo'))), 'PT403 permission.missing',
  'the technician does not verify');
SELECT pg_temp.as_('planner');
SELECT is(tests.refusal(format($$SELECT app.transition_work_order(%L, 'closed')$$, tests.recall('wo'))), 'PT409 work_order.transition_invalid',
  'a completed work order is verified before it closes');
SELECT pg_temp.as_('supervisor');
SELECT is(tests.refusal(format($$SELECT app.verify_work_order(%L, tests.password(), 'Readings checked')$$, tests.recall('wo'))),
  'PT409 work_order.self_verification', 'the supervisor who logged labour on it does not verify it');
SELECT pg_temp.as_('inspector');
SELECT is((app.verify_work_order(tests.recall('wo'), tests.password(), 'Readings checked')).verified_by, tests.recall('inspector'), 'another supervisor verifies it');
SELECT pg_temp.as_('planner');
SELECT is((app.transition_work_order(tests.recall('wo'), 'closed')).status, 'closed', 'the planner closes it');
SELECT is(tests.refusal(format($$SELECT app.transition_work_order(%L, 'cancelled', 'late')$$, tests.recall('wo'))), 'PT409 work_order.transition_invalid',
  'a closed work order is not cancelled');

-- Lockout guard.
SELECT tests.remember('loto', (app.create_work_order(tests.recall('press'), 'emergency', 'Ram stuck', is_breakdown => true)).id);
SELECT app.schedule_work_order(tests.recall('loto'), tests.recall('tech'), now() - interval '1 hour', now() + interval '1 hour');
SELECT pg_temp.as_('tech');
SELECT is(tests.refusal(format($$SELECT app.transition_work_order(%L, 'in_progress')$$, tests.recall('loto'))), 'PT409 work_order.lockout_incomplete',
  'no start on a lockout asset without the lockout checklist');
SELECT app.start_checklist('maintenance-lockout', 'work_order', tests.recall('loto'));
SELECT app.check_checklist_item(i.id) FROM app.checklist_items AS i JOIN app.checklists AS c ON c.organization_id = i.organization_id AND c.id = i.checklist_id
 WHERE c.entity_id = tests.recall('loto')::uuid AND i.position = 1;
SELECT is(tests.refusal(format($$SELECT app.transition_work_order(%L, 'in_progress')$$, tests.recall('loto'))), 'PT409 work_order.lockout_incomplete',
  'nor with a required item open');
SELECT app.check_checklist_item(i.id) FROM app.checklist_items AS i JOIN app.checklists AS c ON c.organization_id = i.organization_id AND c.id = i.checklist_id
 WHERE c.entity_id = tests.recall('loto')::uuid AND i.position = 2;
SELECT is(tests.refusal(format($$SELECT app.transition_work_order(%L, 'in_progress')$$, tests.recall('loto'))), 'PT409 work_order.lockout_unsigned',
  'nor before the technician signs lockout applied');
SELECT is((app.sign_work_order_lockout(tests.recall('loto'), 'applied', tests.password(), 'Isolated at MCC-4, tag 17')).meaning, 'lockout_applied',
  'the technician signs lockout applied');
SELECT is((app.transition_work_order(tests.recall('loto'), 'in_progress')).status, 'in_progress', 'starts once locked out');

-- A stop from the work order goes to the downtime log as a breakdown.
SELECT is((app.record_work_order_stop(tests.recall('loto'), 'repair', now() - interval '30 minutes', now())).is_breakdown, true,
  'a stop of an emergency breakdown is a breakdown in the downtime log');
SELECT is((SELECT work_order_id FROM app.downtime_events WHERE equipment_id = tests.recall('press')::uuid), tests.recall('loto'),
  'linked to the work order');
SELECT tests.act_as_owner();
SELECT is(tests.refusal(format($$UPDATE app.downtime_events SET work_order_id = %L WHERE equipment_id = %L$$, gen_random_uuid(), tests.recall('press'))),
  'PT404 work_order.not_found', 'a stop names only a live work order of its tenant (the check stands in for a foreign key)');

-- Contractor, charges and costs.
SELECT pg_temp.as_('planner');
SELECT is(tests.refusal(format($$SELECT app.assign_work_order_contractor(%L, %L)$$, tests.recall('loto'), tests.recall('rival'))),
  'PT422 partner.not_contractor', 'only a partner with the contractor role is given work');
SELECT app.assign_work_order_contractor(tests.recall('loto'), tests.recall('acme'));
SELECT is(tests.refusal(format($$SELECT app.add_contractor_charge(%L, %L, 10, 'EUR')$$, tests.recall('loto'), tests.recall('rival'))),
  'PT422 partner.not_contractor', 'nor charges for it');
SELECT is(tests.refusal(format($$SELECT app.add_contractor_charge(%L, %L, 10, 'USD')$$, tests.recall('loto'), tests.recall('acme'))),
  'PT422 money.currency_not_tenant', 'a charge is in the tenant''s currency (EUR when unset)');
SELECT is(tests.refusal($$SELECT app.set_labour_rate(70, 'USD', qualification_code => 'hv')$$),
  'PT422 money.currency_not_tenant', 'so is a labour rate');
SELECT app.add_contractor_charge(tests.recall('loto'), tests.recall('acme'), 480, 'EUR', 'Hydraulics specialist');
SELECT is(tests.refusal(format($$SELECT app.add_contractor_charge(%L, %L, -1, 'EUR')$$, tests.recall('loto'), tests.recall('acme'))),
  'PT422 contractor_charge.invalid', 'a charge is positive');
SELECT app.add_work_order_asset(tests.recall('loto'), tests.recall('pump'));
SELECT is((SELECT (labour_cost, contractor_cost, total_cost) FROM app.work_order_costs WHERE work_order_id = tests.recall('wo')::uuid),
  (220.00::numeric, 0::numeric, 220.00::numeric), 'the work order''s cost: labour');
SELECT is((SELECT (contractor_cost, total_cost) FROM app.work_order_costs WHERE work_order_id = tests.recall('loto')::uuid),
  (480::numeric, 480::numeric), 'and a contractor charge');
SELECT is((SELECT total_cost FROM app.asset_maintenance_costs WHERE equipment_id = tests.recall('pump')::uuid), 220.00::numeric,
  'the asset''s cost sums its work orders');

-- Plant scope.
SELECT pg_temp.as_('tech_b');
SELECT is((SELECT count(*)::int FROM app.work_orders), 0, 'a plant B technician sees no plant A work orders');
SELECT is(tests.refusal(format($$SELECT app.transition_work_order(%L, 'completed')$$, tests.recall('loto'))), 'PT404 work_order.not_found',
  'nor acts on one');
SELECT is(tests.refusal(format($$SELECT app.create_work_order(%L, 'corrective', 'x')$$, tests.recall('mill'))), 'PT403 permission.missing',
  'a technician creates no work orders');

-- The contractor's portal users.
SELECT pg_temp.as_('acme_user');
SELECT is((SELECT array_agg(id) FROM app.work_orders), ARRAY[tests.recall('loto')], 'a contractor''s portal user sees the work orders given to their company');
SELECT is((SELECT count(*)::int FROM app.contractor_charges), 1, 'and their charges');
SELECT is((SELECT count(*)::int FROM app.work_order_assets), 2, 'and their assets');
SELECT is(tests.refusal(format($$SELECT app.transition_work_order(%L, 'completed')$$, tests.recall('loto'))), 'PT403 permission.missing',
  'but does not move them');
SELECT is(tests.refusal(format($$SELECT app.add_contractor_charge(%L, %L, 10, 'EUR')$$, tests.recall('loto'), tests.recall('acme'))),
  'PT403 permission.missing', 'the contractor portal is read-only: its users record no charges (the planner does)');
SELECT pg_temp.as_('rival_user');
SELECT is((SELECT count(*)::int FROM app.work_orders) + (SELECT count(*)::int FROM app.labour_entries), 0, 'another contractor sees nothing');

-- Cancelling.
SELECT pg_temp.as_('planner');
SELECT tests.remember('pm', (app.create_work_order(tests.recall('mill'), 'preventive', 'Grease')).id);
SELECT is(tests.refusal(format($$SELECT app.transition_work_order(%L, 'cancelled')$$, tests.recall('pm'))), 'PT422 work_order.reason_required',
  'cancelling needs a reason');
SELECT is((app.transition_work_order(tests.recall('pm'), 'cancelled', 'asset scrapped')).cancel_reason, 'asset scrapped', 'cancelled with its reason');
SELECT app.assign_work_order_contractor(tests.recall('pm'), tests.recall('acme'));
SELECT is(tests.refusal(format($$SELECT app.add_contractor_charge(%L, %L, 10, 'EUR')$$, tests.recall('pm'), tests.recall('acme'))),
  'PT409 contractor_charge.work_order_closed', 'no charge on a cancelled work order');
SELECT tests.act_as_owner();
UPDATE app.work_orders SET status = 'closed' WHERE id = tests.recall('pm')::uuid;
SELECT pg_temp.as_('planner');
SELECT is(tests.refusal(format($$SELECT app.add_contractor_charge(%L, %L, 10, 'EUR')$$, tests.recall('pm'), tests.recall('acme'))),
  'PT409 contractor_charge.work_order_closed', 'nor on a closed one');

-- Nobody verifies their own work.
SELECT pg_temp.as_('planner');
SELECT tests.remember('own', (app.create_work_order(tests.recall('pump'), 'corrective', 'Loose belt')).id);
SELECT app.schedule_work_order(tests.recall('own'), tests.recall('supervisor'), now() - interval '1 hour', now());
SELECT pg_temp.as_('supervisor');
SELECT app.transition_work_order(tests.recall('own'), 'in_progress');
SELECT app.complete_work_order(tests.recall('own'), tests.password(), 'Belt tightened');
SELECT is(tests.refusal(format($$SELECT app.verify_work_order(%L, tests.password(), 'fine')$$, tests.recall('own'))), 'PT409 work_order.self_verification',
  'the assignee does not verify their own work');

-- Search over title, description and comments.
SELECT tests.act_as_owner();
INSERT INTO app.comments (organization_id, entity_type, entity_id, author_id, body)
VALUES (tests.recall('t')::uuid, 'work_order', tests.recall('loto')::uuid, tests.recall('tech')::uuid, 'Hydraulic seal replaced, ram free');
SELECT pg_temp.as_('planner');
SELECT is((SELECT array_agg(id) FROM app.search_work_orders('hydraulic seal')), ARRAY[tests.recall('loto')], 'a work order is found by its comments');
SELECT is((SELECT array_agg(id) FROM app.search_work_orders('grease')), ARRAY[tests.recall('pm')], 'and by its title');
SELECT is(tests.refusal($$SELECT app.search_work_orders('  ')$$), 'PT422 work_order.query_empty', 'a search needs a word');
SELECT pg_temp.as_('tech_b');
SELECT is((SELECT count(*)::int FROM app.search_work_orders('hydraulic')), 0, 'a plant B technician finds no plant A work order');

-- Another tenant.
SELECT pg_temp.as_('stranger');
SELECT is((SELECT count(*)::int FROM app.work_orders) + (SELECT count(*)::int FROM app.labour_entries)
          + (SELECT count(*)::int FROM app.work_order_costs), 0, 'another tenant sees nothing');
SELECT is(tests.refusal(format($$SELECT app.transition_work_order(%L, 'closed')$$, tests.recall('loto'))), 'PT404 work_order.not_found',
  'nor acts on it');

SELECT * FROM finish();
ROLLBACK;
