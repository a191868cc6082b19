-- Guards on any registered entity type, read generically: a throw-away
-- table with a site and custom fields, a guard kind a domain adds without
-- touching the engine, checklists, and approvals on any entity type.
BEGIN;
SELECT plan(26);

SELECT tests.remember('a', tests.create_workflow_tenant());
SELECT tests.remember('b', tests.create_workflow_tenant());
SELECT tests.remember('north', tests.create_site(tests.recall('a')));
SELECT tests.remember('south', tests.create_site(tests.recall('a')));

-- A domain's table, registered with one line; staff of the tenant read it.
CREATE TABLE tests.work_orders (organization_id uuid NOT NULL, id uuid NOT NULL DEFAULT gen_random_uuid(), title text NOT NULL,
  site_id uuid, assignee text, custom_fields jsonb NOT NULL DEFAULT '{}', PRIMARY KEY (organization_id, id));
ALTER TABLE tests.work_orders ENABLE ROW LEVEL SECURITY;
CREATE POLICY work_orders_staff ON tests.work_orders FOR SELECT TO app_user USING (organization_id = auth.org_id());
GRANT USAGE ON SCHEMA tests TO app_user;
GRANT SELECT ON tests.work_orders TO app_user;
SELECT app_private.register_entity_type('work_order', 'tests.work_orders', 'title', 'Work order');
INSERT INTO tests.work_orders (organization_id, title, site_id) VALUES (tests.recall('a'), 'Replace bearing', tests.recall('north'));
SELECT tests.remember('wo', (SELECT id FROM tests.work_orders WHERE title = 'Replace bearing'));

-- A guard kind another domain adds: one function, no change to the engine.
CREATE FUNCTION app_private.transition_guard_moon_phase(p_organization_id uuid, p_entity_type text, p_entity_id uuid, p_guard jsonb)
RETURNS jsonb LANGUAGE sql STABLE AS $$
  SELECT CASE WHEN p_guard ->> 'phase' = 'full' THEN NULL
              ELSE jsonb_build_object('reason', 'moon.not_full', 'message', 'wait for the full moon') END $$;

SELECT tests.act_as_role(tests.recall('a'), 'management');
SELECT lives_ok($$SELECT app.define_checklist_template('work_order', 'lockout', 'Lockout', '[{"label": "Isolated"}, {"label": "Tagged"}]')$$,
  'management defines a checklist template for the new type');
SELECT tests.remember('m', (app.define_state_machine('work_order', 'Work order',
  '[{"key": "open", "label": "Open", "initial": true}, {"key": "started", "label": "Started"}, {"key": "done", "label": "Done", "terminal": true},
    {"key": "waiting", "label": "Waiting"}]',
  '[{"from": "open", "to": "started", "label": "Start",
     "guards": [{"kind": "site"}, {"kind": "fields", "fields": ["assignee", "custom_fields.permit_no"]}, {"kind": "checklist", "template": "lockout"}]},
    {"from": "open", "to": "waiting", "label": "Wait", "guards": [{"kind": "moon_phase", "phase": "new"}]},
    {"from": "started", "to": "done", "label": "Finish", "guards": [{"kind": "moon_phase", "phase": "full"}]}]')).id);
SELECT ok((app.publish_state_machine(tests.recall('m'))).status = 'published', 'a machine with a domain''s guard kind is accepted and published');
SELECT is((app.start_state_machine('work_order', tests.recall('wo'))).state, 'open', 'the work order starts open');

-- Site scope: a technician whose role covers only the south site.
SELECT tests.remember('south_tech', tests.create_member(tests.recall('a'), 'technician', tests.recall('south')));
SELECT tests.act_as(tests.recall('south_tech'), tests.recall('a'));
SELECT is(tests.refusal($$SELECT app.transition('work_order', tests.recall('wo'), 'started', 'go')$$), 'PT403 site.out_of_scope',
  'a member whose roles cover another site is refused (PT403)');
SELECT tests.act_as_owner();
SELECT tests.grant_role(tests.recall('a'), tests.recall('south_tech'), 'technician', tests.recall('north'));
SELECT tests.act_as(tests.recall('south_tech'), tests.recall('a'));
SELECT is((SELECT reasons -> 0 ->> 'reason' FROM app.available_transitions('work_order', tests.recall('wo')) WHERE to_state = 'started'),
  'fields.missing', 'with a role at the entity''s site the site guard holds; the required fields do not yet');
SELECT is((SELECT reasons -> 0 -> 'fields' FROM app.available_transitions('work_order', tests.recall('wo')) WHERE to_state = 'started'),
  '["assignee", "custom_fields.permit_no"]', 'it names the empty column and the missing custom field');
SELECT tests.act_as_owner();
UPDATE tests.work_orders SET assignee = 'Kim', custom_fields = '{"permit_no": "  "}' WHERE id = tests.recall('wo');
SELECT tests.act_as(tests.recall('south_tech'), tests.recall('a'));
SELECT is((SELECT reasons -> 0 -> 'fields' FROM app.available_transitions('work_order', tests.recall('wo')) WHERE to_state = 'started'),
  '["custom_fields.permit_no"]', 'a blank custom field is still missing');
SELECT tests.act_as_owner();
UPDATE tests.work_orders SET custom_fields = '{"permit_no": "P-17"}' WHERE id = tests.recall('wo');
SELECT tests.act_as(tests.recall('south_tech'), tests.recall('a'));
SELECT is(tests.refusal($$SELECT app.transition('work_order', tests.recall('wo'), 'started', 'go')$$), 'PT422 checklist.not_started',
  'the checklist guard fails until the checklist is started');

-- Checklists.
SELECT is(tests.refusal($$SELECT app.define_checklist_template('work_order', 'mine', 'Mine', '[{"label": "x"}]')$$), 'PT403 permission.missing',
  'a technician cannot define checklist templates');
SELECT is(tests.refusal($$SELECT app.start_checklist('lockout', 'document', gen_random_uuid())$$), 'PT404 entity.not_found',
  'nor start a checklist on something they cannot see');
SELECT tests.remember('checklist', (app.start_checklist('lockout', 'work_order', tests.recall('wo'))).id);
SELECT is((SELECT count(*)::int FROM app.checklist_items WHERE checklist_id = tests.recall('checklist')),
  2, 'starting the checklist copies the template''s items');
SELECT is((app.start_checklist('lockout', 'work_order', tests.recall('wo'))).id, tests.recall('checklist'),
  'starting it again returns the same checklist');
SELECT tests.remember('item', (SELECT id FROM app.checklist_items WHERE position = 1 AND checklist_id = (SELECT id FROM app.checklists WHERE entity_id = tests.recall('wo'))));
SELECT is((app.check_checklist_item(tests.recall('item'))).checked_by, tests.recall('south_tech'), 'checking an item records who');
SELECT is(tests.refusal($$SELECT app.transition('work_order', tests.recall('wo'), 'started', 'go')$$), 'PT422 checklist.incomplete',
  'one required item is still open');

SELECT tests.act_as_role(tests.recall('b'), 'admin');
SELECT is(tests.refusal($$SELECT app.check_checklist_item(tests.recall('item'), false)$$), 'PT404 checklist_item.not_found',
  'another tenant''s admin cannot uncheck it');
SELECT is((SELECT count(*)::int FROM app.checklists WHERE entity_id = tests.recall('wo')), 0, 'nor see the checklist');
SELECT is(tests.refusal($$SELECT * FROM auth.checklist_check(tests.recall('item'), false, NULL)$$), 'PT404 checklist_item.not_found',
  'nor through the body behind the RPC');

SELECT tests.act_as(tests.recall('south_tech'), tests.recall('a'));
SELECT app.check_checklist_item(id) FROM app.checklist_items WHERE checklist_id = (SELECT id FROM app.checklists WHERE entity_id = tests.recall('wo'));
SELECT is((app.transition('work_order', tests.recall('wo'), 'started', 'Isolated and tagged')).state, 'started',
  'with site, fields and checklist satisfied the transition is taken');

-- The domain's guard kind is dispatched by name.
SELECT is((SELECT reasons -> 0 ->> 'reason' FROM app.available_transitions('work_order', tests.recall('wo'))), NULL,
  'a domain guard that holds leaves the transition open');
SELECT is((app.transition('work_order', tests.recall('wo'), 'done', 'Finished')).state, 'done', 'and is taken');
SELECT is(tests.refusal($$SELECT app.transition('work_order', tests.recall('wo'), 'started', 'again')$$), 'PT409 state_machine.terminal_state',
  'nothing leaves a terminal state');
SELECT is((SELECT count(*)::int FROM app.available_transitions('work_order', tests.recall('wo'))), 0, 'and it offers no transitions');

-- Changes stamp updated_at (the server's time).
SELECT tests.act_as_owner();
SET LOCAL session_replication_role = replica;  -- backdate without the triggers
UPDATE app.checklist_templates SET updated_at = '2000-01-01' WHERE organization_id = tests.recall('a') AND key = 'lockout';
SET LOCAL session_replication_role = origin;
SELECT tests.act_as_role(tests.recall('a'), 'management');
SELECT app.define_checklist_template('work_order', 'lockout', 'Lockout and tagout', '[{"label": "Isolated"}, {"label": "Tagged"}]');
SELECT app.define_state_machine('work_order', 'Work order v2', '[{"key": "open", "label": "Open", "initial": true}]', '[]');
SELECT tests.act_as_owner();
SET LOCAL session_replication_role = replica;  -- backdate without the triggers
UPDATE app.state_machines SET updated_at = '2000-01-01' WHERE organization_id = tests.recall('a') AND entity_type = 'work_order' AND status = 'draft';
SET LOCAL session_replication_role = origin;
SELECT tests.act_as_role(tests.recall('a'), 'management');
SELECT app.define_state_machine('work_order', 'Work order v2, renamed', '[{"key": "open", "label": "Open", "initial": true}]', '[]');
SELECT tests.act_as_owner();
SELECT is((SELECT updated_at FROM app.checklist_templates WHERE organization_id = tests.recall('a') AND key = 'lockout'), now(),
  'redefining a checklist template stamps updated_at');
SELECT is((SELECT updated_at FROM app.state_machines WHERE organization_id = tests.recall('a') AND entity_type = 'work_order' AND status = 'draft'),
  now(), 'rewriting a draft stamps updated_at');

-- Approvals gate any registered entity, never a made-up one.
SELECT tests.act_as_owner();
SELECT is(tests.refusal($$INSERT INTO app.approvals (organization_id, approval_type, entity_type, entity_id, steps, sla_due_at)
  VALUES (tests.recall('a'), 'quality_review', 'spaceship', gen_random_uuid(), '[{"role": "qa"}]', now())$$),
  'PT422 approval.entity_unknown', 'an approval on an unregistered entity type is refused');
SELECT is(tests.refusal($$INSERT INTO app.approvals (organization_id, approval_type, entity_type, entity_id, steps, sla_due_at)
  VALUES (tests.recall('b'), 'quality_review', 'work_order', tests.recall('wo'), '[{"role": "qa"}]', now())$$),
  'PT422 approval.entity_unknown', 'as is one on another tenant''s entity');

SELECT * FROM finish();
ROLLBACK;
