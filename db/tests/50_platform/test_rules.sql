-- The rules engine: who manages rules, the condition language, the
-- actions and their authority, failures, loops, dry runs, tenants.
BEGIN;
SELECT plan(79);

SELECT tests.remember('a', tests.create_workflow_tenant());
SELECT tests.remember('b', tests.create_workflow_tenant());
SELECT tests.remember('project', tests.create_project(tests.recall('a')));
SELECT tests.remember('qa', tests.member_with_role(tests.recall('a'), 'qa'));
SELECT tests.remember('manager', tests.member_with_role(tests.recall('a'), 'management'));

-- Managing rules needs rule.manage ----------------------------------------------

SELECT tests.act_as_role(tests.recall('a'), 'qa');
SELECT is(tests.refusal($$INSERT INTO app.rules (key, name, event_type, actions)
                          VALUES ('sneaky', 'Sneaky', 'project.*', '[{"kind": "webhook"}]')$$),
  'PT403 permission.missing', 'a member without rule.manage cannot create a rule');

SELECT is(tests.refusal($$INSERT INTO app.rules (key, name, event_type, condition, actions)
                          VALUES ('probe', 'Probe', 'project.*', '{"field": "x", "like": 1}', '[{"kind": "webhook"}]')$$),
  'PT403 permission.missing', 'and is refused before anything about the rule is checked');

SELECT tests.act_as_role(tests.recall('a'), 'management');
INSERT INTO app.rules (key, name, event_type, condition, actions) VALUES
  ('big_quote', 'Big quote reaches quoted', 'project.stage_changed',
   '{"all": [{"field": "new.quote_value", "gt": 10000}, {"field": "stage", "changed_to": "quoted"}]}',
   '[{"kind": "notify", "roles": ["qa"], "title": "{{project_number}} is {{new.stage}}"},
     {"kind": "set_field", "field": "priority", "value": "high"},
     {"kind": "webhook"}]');
SELECT tests.remember('big_quote', (SELECT id FROM app.rules WHERE key = 'big_quote'));
SELECT is((SELECT author_id FROM app.rules WHERE key = 'big_quote'), tests.recall('manager'),
  'whoever saves a rule becomes its author');
SELECT is(tests.refusal($$UPDATE app.rules SET key = 'renamed' WHERE key = 'big_quote'$$), 'PT409 row.fixed_column',
  'a rule keeps its key');

SELECT tests.act_as_role(tests.recall('a'), 'qa');
SELECT is_empty($$SELECT FROM app.rules$$, 'a member without rule.manage does not read the rules');
SELECT is_empty($$UPDATE app.rules SET is_active = false RETURNING id$$, 'nor changes them');
SELECT is_empty($$DELETE FROM app.rules RETURNING id$$, 'nor deletes them');
SELECT is(tests.refusal($$SELECT * FROM app.dry_run_rules('project.stage_changed', '{}')$$), 'PT403 permission.missing',
  'nor dry-runs them');

SELECT tests.act_as_role(tests.recall('b'), 'admin');
SELECT is_empty($$SELECT FROM app.rules$$, 'another tenant''s admin does not read the rules');
SELECT is_empty($$UPDATE app.rules SET is_active = false RETURNING id$$, 'nor changes them');
SELECT is(tests.refusal(format($$INSERT INTO app.rules (organization_id, key, name, event_type, actions)
                                 VALUES (%L, 'planted', 'Planted', 'project.*', '[{"kind": "webhook"}]')$$, tests.recall('a'))),
  '42501 tenant.foreign_row', 'nor plants a rule in it');
SELECT tests.act_as_owner();
SELECT is((SELECT count(*)::int FROM app.rules WHERE organization_id = tests.recall('a')), 1, 'the rule is there and unchanged');

-- The condition language is checked when a rule is saved ---------------------------

SELECT tests.act_as_role(tests.recall('a'), 'management');
SELECT throws_like($$INSERT INTO app.rules (key, name, event_type, condition, actions) VALUES ('c1', 'C', 'project.*',
                     '{"all": [{"field": "new.stage", "eq": "quoted"}, {"field": "new.stage", "like": "q%"}]}', '[{"kind": "webhook"}]')$$,
  'condition.all[1].like: unknown operator%', 'an unknown operator is refused, naming its node');
SELECT is(tests.refusal($$INSERT INTO app.rules (key, name, event_type, condition, actions) VALUES ('c2', 'C', 'project.*',
                          '{"not": {"field": "x", "in": "quoted"}}', '[{"kind": "webhook"}]')$$),
  'PT422 rule.condition_invalid', 'in without an array is refused');
SELECT throws_like($$INSERT INTO app.rules (key, name, event_type, condition, actions) VALUES ('c3', 'C', 'project.*',
                     '{"any": [{"field": "a b", "exists": true}]}', '[{"kind": "webhook"}]')$$,
  'condition.any[0].field:%', 'a field that is not a path is refused');
SELECT throws_like($$INSERT INTO app.rules (key, name, event_type, condition, actions) VALUES ('c4', 'C', 'project.*',
                     '{"field": "x", "eq": 1, "ne": 2}', '[{"kind": "webhook"}]')$$,
  'condition: a field node has exactly one operator', 'two operators in one node are refused');
SELECT throws_like($$INSERT INTO app.rules (key, name, event_type, condition, actions) VALUES ('c5', 'C', 'project.*',
                     '{"some": []}', '[{"kind": "webhook"}]')$$,
  'condition: unknown combinator%', 'an unknown combinator is refused');
SELECT throws_like($$INSERT INTO app.rules (key, name, event_type, condition, actions) VALUES ('c6', 'C', 'project.*',
                     '{"field": "x", "gt": true}', '[{"kind": "webhook"}]')$$,
  'condition.gt: compares with a number, a string or a date', 'gt on a boolean is refused');
SELECT is(tests.refusal($$INSERT INTO app.rules (key, name, event_type, condition, actions) VALUES ('c7', 'C', 'project.*',
                          '{"field": "x", "exists": "yes"}', '[{"kind": "webhook"}]')$$),
  'PT422 rule.condition_invalid', 'exists takes a boolean');

-- ... and evaluated over the payload.
SELECT tests.act_as_owner();
SELECT ok(app_private.rule_condition_holds('{}', '{}'), 'an empty condition always holds');
SELECT ok(app_private.rule_condition_holds('{"field": "n", "eq": 2}', '{"n": 2.0}')
          AND NOT app_private.rule_condition_holds('{"field": "n", "eq": 2}', '{"n": "2"}'), 'eq compares numbers as numbers, not with strings');
SELECT ok(app_private.rule_condition_holds('{"field": "n", "ne": 2}', '{}'), 'ne holds for a missing field');
SELECT ok(app_private.rule_condition_holds('{"field": "v", "gt": 9}', '{"v": 10}')
          AND NOT app_private.rule_condition_holds('{"field": "v", "gt": 10}', '{"v": 10}')
          AND app_private.rule_condition_holds('{"field": "v", "gte": 10}', '{"v": 10}'), 'gt and gte on numbers');
SELECT ok(app_private.rule_condition_holds('{"field": "d", "lt": "2026-12-01"}', '{"d": "2026-11-30T23:00:00Z"}')
          AND NOT app_private.rule_condition_holds('{"field": "d", "lte": "2026-02-01"}', '{"d": "2026-10-01"}'),
  'dates and times compare as times');
SELECT ok(app_private.rule_condition_holds('{"field": "s", "lt": "b"}', '{"s": "a"}')
          AND NOT app_private.rule_condition_holds('{"field": "s", "lt": "b"}', '{}'), 'strings compare as text; a missing field compares false');
SELECT ok(app_private.rule_condition_holds('{"field": "new.stage", "in": ["quoted", "won"]}', '{"new": {"stage": "won"}}')
          AND NOT app_private.rule_condition_holds('{"field": "new.stage", "in": ["quoted"]}', '{"new": {"stage": "won"}}'), 'in');
SELECT ok(app_private.rule_condition_holds('{"field": "a.b", "exists": true}', '{"a": {"b": 0}}')
          AND app_private.rule_condition_holds('{"field": "a.b", "exists": false}', '{"a": {"b": null}}'), 'exists (null counts as missing)');
SELECT ok(app_private.rule_condition_holds('{"field": "flags", "contains": "rush"}', '{"flags": ["rush", "export"]}')
          AND NOT app_private.rule_condition_holds('{"field": "flags", "contains": ["rush", "hazmat"]}', '{"flags": ["rush"]}')
          AND NOT app_private.rule_condition_holds('{"field": "flags", "contains": "rush"}', '{"flags": "rush"}'),
  'contains looks into arrays only');
SELECT ok(app_private.rule_condition_holds('{"field": "stage", "changed_to": "quoted"}', '{"old": {"stage": "inquiry"}, "new": {"stage": "quoted"}}')
          AND NOT app_private.rule_condition_holds('{"field": "stage", "changed_to": "quoted"}', '{"old": {"stage": "quoted"}, "new": {"stage": "quoted"}}')
          AND app_private.rule_condition_holds('{"field": "stage", "changed_to": "quoted"}', '{"new": {"stage": "quoted"}}'),
  'changed_to: new is the value and old was not');
SELECT ok(app_private.rule_condition_holds('{"field": "v", "changed": true}', '{"old": {"v": 1}, "new": {"v": 2}}')
          AND app_private.rule_condition_holds('{"field": "v", "changed": false}', '{"old": {"v": 1}, "new": {"v": 1}}'), 'changed');
SELECT ok(app_private.rule_condition_holds('{"any": [{"field": "x", "eq": 1}, {"not": {"field": "y", "eq": 1}}]}', '{"x": 2, "y": 2}')
          AND NOT app_private.rule_condition_holds('{"all": [{"field": "x", "eq": 1}, {}]}', '{"x": 2}')
          AND NOT app_private.rule_condition_holds('{"any": []}', '{}'), 'all, any and not');

-- Actions are checked when saved, with the author's authority -----------------------

SELECT tests.act_as_role(tests.recall('a'), 'management');
SELECT throws_like($$INSERT INTO app.rules (key, name, event_type, actions) VALUES ('a1', 'A', 'project.*', '[{"kind": "fax"}]')$$,
  'actions[0]: an action is an object whose kind is one of%', 'an unknown action kind is refused');
SELECT throws_like($$INSERT INTO app.rules (key, name, event_type, actions)
                     VALUES ('a2', 'A', 'project.*', '[{"kind": "webhook"}, {"kind": "notify", "roles": ["qa", "wizard"], "title": "T"}]')$$,
  'actions[1].roles[1]: not a role of the organization', 'notify names roles of the tenant');
SELECT is(tests.refusal(format($$INSERT INTO app.rules (key, name, event_type, actions)
                                 VALUES ('a3', 'A', 'project.*', '[{"kind": "notify", "users": [%s], "title": "T"}]')$$,
                               to_jsonb(tests.member_with_role(tests.recall('b'), 'qa')))),
  'PT422 rule.action_invalid', 'notify names members of the tenant, not another tenant''s');
SELECT throws_like($$INSERT INTO app.rules (key, name, event_type, actions)
                     VALUES ('a4', 'A', 'project.*', '[{"kind": "set_field", "field": "project_number", "value": "PRJ-999999"}]')$$,
  'actions[0].field: not a field people may change on project%', 'set_field only sets columns people may update');
SELECT is(tests.refusal($$INSERT INTO app.rules (key, name, event_type, actions)
                          VALUES ('a5', 'A', '*', '[{"kind": "set_field", "field": "priority", "value": "high"}]')$$),
  'PT422 rule.action_invalid', 'set_field needs a rule on one entity type''s events');
SELECT throws_like($$INSERT INTO app.rules (key, name, event_type, actions)
                     VALUES ('a6', 'A', 'project.*', '[{"kind": "webhook", "event_type": "project.stage_changed"}]')$$,
  'actions[0].event_type: rules publish event types rule.<name>%', 'a webhook action cannot publish a domain''s events');

-- A rule manager who may not update projects cannot make a rule do it.
SELECT tests.act_as_owner();
SELECT tests.remember('rule_admin', tests.create_member(tests.recall('a')));
INSERT INTO app.roles (organization_id, key, name) VALUES (tests.recall('a'), 'rule_admin', 'Rule admin');
INSERT INTO app.role_permissions (organization_id, role_id, permission)
SELECT organization_id, id, 'rule.manage' FROM app.roles WHERE organization_id = tests.recall('a') AND key = 'rule_admin';
SELECT tests.grant_role(tests.recall('a'), tests.recall('rule_admin'), 'rule_admin');
SELECT tests.act_as(tests.recall('rule_admin'), tests.recall('a'));
SELECT is(tests.refusal($$INSERT INTO app.rules (key, name, event_type, actions)
                          VALUES ('a7', 'A', 'project.*', '[{"kind": "set_field", "field": "priority", "value": "urgent"}]')$$),
  'PT403 permission.missing', 'set_field needs the author to hold the target''s update permission');
SELECT is(tests.refusal($$UPDATE app.rules SET is_active = true WHERE key = 'big_quote'$$), 'PT403 permission.missing',
  'so re-saving someone else''s set_field rule does too');

-- Running: the actions, in the publishing transaction -----------------------------

SELECT tests.act_as_role(tests.recall('a'), 'sales');
SELECT tests.remember('event', tests.publish(tests.recall('a'), 'project.stage_changed',
  '{"project_number": "PRJ-7", "old": {"stage": "inquiry"}, "new": {"stage": "quoted", "quote_value": 25000}}',
  'project', tests.recall('project')));
SELECT tests.act_as_owner();
SELECT is(tests.rule_statuses(tests.recall('big_quote')), '{done@0}', 'a matching rule runs and is logged');
SELECT is((SELECT title FROM app.notifications WHERE user_id = tests.recall('qa') AND organization_id = tests.recall('a')),
  'PRJ-7 is quoted', 'notify reaches the role''s holders, the title filled from the payload');
SELECT is((SELECT priority::text FROM app.projects WHERE id = tests.recall('project')), 'high', 'set_field changes the event''s entity');
SELECT is((SELECT actor_user_id FROM audit.activity_log WHERE entity_id = tests.recall('project')::text AND action = 'update'
            ORDER BY occurred_at DESC LIMIT 1), tests.recall('manager'), 'in the name of the rule''s author');
SELECT is((SELECT depth FROM app_private.events WHERE event_type = 'rule.big_quote' AND payload -> 'source_event' ->> 'id' = tests.recall('event')::text),
  1, 'the webhook action publishes rule.<key>, one level deeper');

SELECT tests.remember('published', tests.publish(tests.recall('a'), 'project.stage_changed', '{"old": {"stage": "inquiry"}, "new": {"stage": "quoted", "quote_value": 50}}',
                     'project', tests.recall('project')));
SELECT is(tests.rule_statuses(tests.recall('big_quote')), '{done@0,not_matched@0}', 'a condition that does not hold runs nothing, and is logged');

-- Another tenant's rules never fire on these events.
SELECT tests.remember('b_rule', tests.create_rule(tests.recall('b'), 'b_watch', 'project.*', '[{"kind": "webhook"}]'));
SELECT tests.remember('published', tests.publish(tests.recall('a'), 'project.stage_changed', '{}', 'project', tests.recall('project')));
SELECT is(tests.rule_statuses(tests.recall('b_rule')), '{}', 'another tenant''s rule never fires on our events');
SELECT tests.remember('published', tests.publish(tests.recall('b'), 'project.stage_changed', '{}'));
SELECT is(tests.rule_statuses(tests.recall('b_rule')), '{done@0}', 'but on its own tenant''s');

-- Event types: wildcards.
SELECT tests.remember('wild', tests.create_rule(tests.recall('a'), 'wild', 'lab.*', '[{"kind": "webhook"}]'));
SELECT tests.remember('published', tests.publish(tests.recall('a'), 'lab.sample_received', '{}'));
SELECT tests.remember('published', tests.publish(tests.recall('a'), 'labs.sample_received', '{}'));
SELECT is(tests.rule_statuses(tests.recall('wild')), '{done@0}', 'lab.* covers lab.sample_received, not labs.*');
UPDATE app.rules SET is_active = false WHERE id = tests.recall('wild');
SELECT tests.remember('published', tests.publish(tests.recall('a'), 'lab.sample_received', '{}'));
SELECT is(tests.rule_statuses(tests.recall('wild')), '{done@0}', 'an inactive rule does not fire');

-- A failing action: the rule's actions are undone and logged, the change goes on.
SELECT tests.remember('failing', tests.create_rule(tests.recall('a'), 'close_it', 'project.closing',
  jsonb_build_array(jsonb_build_object('kind', 'notify', 'users', jsonb_build_array(tests.recall('qa')), 'title', 'Closing'),
                    '{"kind": "set_field", "field": "status", "value": "completed"}'::jsonb)));
SELECT tests.remember('closing', tests.publish(tests.recall('a'), 'project.closing', '{}', 'project', tests.recall('project')));
SELECT is((SELECT error - 'message' FROM app.rule_runs WHERE rule_id = tests.recall('failing')),
  '{"action": 1, "kind": "set_field", "sqlstate": "PT409", "reason": "project.status_follows_stage"}'::jsonb,
  'the table''s own rules apply to set_field; the failure is logged with the action and reason');
SELECT is((SELECT count(*)::int FROM app.notifications WHERE user_id = tests.recall('qa') AND title = 'Closing'), 0,
  'the rule''s earlier actions are undone with it');
SELECT ok(EXISTS (SELECT FROM app_private.events WHERE id = tests.recall('closing')), 'and the publishing change goes on');
SELECT is((SELECT status::text FROM app.projects WHERE id = tests.recall('project')), 'inquiry', 'the entity is unchanged');

-- The author's authority is asked again on every run.
SELECT tests.act_as_owner();
DELETE FROM app.role_assignments ra USING app.memberships m, app.roles r
 WHERE m.organization_id = ra.organization_id AND m.id = ra.membership_id AND r.organization_id = ra.organization_id AND r.id = ra.role_id
   AND m.organization_id = tests.recall('a') AND m.user_id = tests.recall('manager') AND r.key = 'management';
SELECT tests.remember('published', tests.publish(tests.recall('a'), 'project.stage_changed', '{"old": {"stage": "inquiry"}, "new": {"stage": "quoted", "quote_value": 99999}}',
                     'project', tests.recall('project')));
SELECT is((SELECT error ->> 'reason' FROM app.rule_runs WHERE rule_id = tests.recall('big_quote') AND status = 'failed'),
  'rule.author_not_allowed', 'an author who lost the permission no longer changes entities through their rules');

-- Loops: events past the depth limit fire no rules and are recorded -----------------

SELECT tests.remember('ping', tests.create_rule(tests.recall('a'), 'ping', 'rule.ping', '[{"kind": "webhook", "event_type": "rule.ping"}]', '{}', 'admin'));
SELECT tests.remember('published', tests.publish(tests.recall('a'), 'rule.ping', '{}'));
SELECT is(tests.rule_statuses(tests.recall('ping')), '{done@0,done@1,done@2,done@3,done@4,depth_limit@5}',
  'a rule re-publishing its own event type stops at the depth limit, which is logged');
SELECT is((SELECT max(depth) FROM app_private.events WHERE organization_id = tests.recall('a') AND event_type = 'rule.ping'), 5,
  'no event goes deeper than the limit');

SELECT tests.remember('tic', tests.create_rule(tests.recall('a'), 'tic', 'rule.tic', '[{"kind": "webhook", "event_type": "rule.tac"}]', '{}', 'admin'));
SELECT tests.remember('tac', tests.create_rule(tests.recall('a'), 'tac', 'rule.tac', '[{"kind": "webhook", "event_type": "rule.tic"}]', '{}', 'admin'));
UPDATE app_private.rule_settings SET max_depth = 3;
SELECT tests.remember('published', tests.publish(tests.recall('a'), 'rule.tic', '{}'));
SELECT is(tests.rule_statuses(tests.recall('tic')) || tests.rule_statuses(tests.recall('tac')),
  '{done@0,done@2,done@1,depth_limit@3}'::text[], 'two rules ping-ponging stop at the platform''s depth limit');

-- Events a set_field action causes (a domain reacting to the change) are one level deeper too.
CREATE TABLE tests.gauges (organization_id uuid NOT NULL, id uuid NOT NULL DEFAULT gen_random_uuid(), name text NOT NULL,
                           custom_fields jsonb NOT NULL DEFAULT '{}' CHECK (coalesce(jsonb_typeof(custom_fields -> 'interval_days'), 'number') = 'number'),
                           PRIMARY KEY (organization_id, id));
GRANT UPDATE (name, custom_fields) ON tests.gauges TO app_user;
CREATE FUNCTION tests.tg_gauges__publish() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM app_private.publish_event(NEW.organization_id, 'gauge.changed', jsonb_build_object('old', to_jsonb(OLD), 'new', to_jsonb(NEW)),
                                    'gauge', NEW.id);
  RETURN NULL;
END $$;
CREATE TRIGGER _900_publish AFTER UPDATE ON tests.gauges FOR EACH ROW EXECUTE FUNCTION tests.tg_gauges__publish();
SELECT app_private.register_entity_type('gauge', 'tests.gauges', 'name', 'Gauge');
SELECT app_private.register_rule_target('gauge', 'project.update');
INSERT INTO tests.gauges (organization_id, name) VALUES (tests.recall('a'), 'G-1');
SELECT tests.remember('gauge', (SELECT id FROM tests.gauges WHERE name = 'G-1'));
SELECT tests.remember('rename', tests.create_rule(tests.recall('a'), 'rename', 'gauge.changed',
  '[{"kind": "set_field", "field": "name", "value": "G-1 (checked)"}]', '{"field": "name", "changed": true}', 'admin'));
SELECT tests.remember('published', tests.publish(tests.recall('a'), 'gauge.changed', '{"old": {"name": "a"}, "new": {"name": "b"}}', 'gauge', tests.recall('gauge')));
SELECT is(tests.rule_statuses(tests.recall('rename')), '{done@0,done@1,not_matched@2}'::text[],
  'the event the entity''s own trigger publishes during set_field is one level deeper');
SELECT tests.remember('interval', tests.create_rule(tests.recall('a'), 'interval', 'gauge.checked',
  '[{"kind": "set_field", "field": "custom_fields.interval_days", "value": 30}]', '{}', 'admin'));
SELECT tests.remember('published', tests.publish(tests.recall('a'), 'gauge.checked', '{}', 'gauge', tests.recall('gauge')));
SELECT is((SELECT custom_fields FROM tests.gauges WHERE id = tests.recall('gauge')), '{"interval_days": 30}'::jsonb,
  'set_field sets one custom field key');
SELECT tests.act_as_role(tests.recall('a'), 'admin');
UPDATE app.rules SET actions = '[{"kind": "set_field", "field": "custom_fields.interval_days", "value": "monthly"}]' WHERE id = tests.recall('interval');
SELECT tests.act_as_owner();
SELECT tests.remember('published', tests.publish(tests.recall('a'), 'gauge.checked', '{}', 'gauge', tests.recall('gauge')));
SELECT is((SELECT error ->> 'sqlstate' FROM app.rule_runs WHERE rule_id = tests.recall('interval') AND status = 'failed'), '23514',
  'and the table''s validation of custom fields applies');

-- The extension point: a domain registers an action kind of its own.
SELECT is(tests.refusal($$SELECT app_private.register_rule_action('create_task', 'Create a task')$$), 'PT422 rule_action.function_missing',
  'an action kind needs its function');
CREATE FUNCTION app_private.rule_action_create_task(p_mode text, p_rule app.rules, p_action jsonb, p_event app_private.events, p_path text)
  RETURNS jsonb LANGUAGE sql AS $$ SELECT CASE WHEN p_mode <> 'check' THEN jsonb_build_object('kind', 'create_task', 'mode', p_mode) END $$;
SELECT app_private.register_rule_action('create_task', 'Create a task');
SELECT tests.remember('task', tests.create_rule(tests.recall('a'), 'task', 'task.due', '[{"kind": "create_task"}]', '{}', 'admin'));
SELECT tests.remember('published', tests.publish(tests.recall('a'), 'task.due', '{}'));
SELECT is((SELECT actions FROM app.rule_runs WHERE rule_id = tests.recall('task')), '[{"kind": "create_task", "mode": "run"}]'::jsonb,
  'a registered kind is dispatched to app_private.rule_action_<kind>');

-- Dry runs: what would fire, doing nothing -------------------------------------------

SELECT tests.act_as_role(tests.recall('a'), 'admin');
UPDATE app.rules SET is_active = true WHERE key = 'big_quote';
SELECT is((SELECT jsonb_agg(jsonb_build_object('key', rule_key, 'matched', matched, 'fire', would_fire,
                                               'kinds', jsonb_path_query_array(actions, '$[*].kind')) ORDER BY rule_key)
             FROM app.dry_run_rules('project.stage_changed', '{"old": {"stage": "inquiry"}, "new": {"stage": "quoted", "quote_value": 20000}}',
                                    'project', tests.recall('project'))),
  '[{"key": "big_quote", "matched": true, "fire": true, "kinds": ["notify", "set_field", "webhook"]}]'::jsonb,
  'a dry run names the rules that would fire and their actions');
SELECT is((SELECT actions -> 1 ->> 'value' FROM app.dry_run_rules('project.stage_changed',
             '{"old": {"stage": "inquiry"}, "new": {"stage": "quoted", "quote_value": 20000}}', 'project', tests.recall('project'))),
  'high', 'with what they would do');
SELECT is(tests.rule_statuses(tests.recall('big_quote')), '{done@0,not_matched@0,not_matched@0,failed@0}', 'without running them');
SELECT is((SELECT count(*)::int FROM app.dry_run_rules('lab.sample_received', '{}') WHERE NOT would_fire), 1,
  'an inactive rule is shown, not firing');
SELECT is(tests.refusal($$SELECT * FROM app.dry_run_rules('project.*', '{}')$$), 'PT422 rule.event_type_invalid',
  'a dry run names one event type');
SELECT is(tests.refusal(format($$SELECT * FROM app.dry_run_rules('project.stage_changed', '{}', 'project', %L)$$,
                               tests.create_project(tests.recall('b')))), 'PT404 entity.not_found',
  'another tenant''s entity is not found');
SELECT tests.act_as_role(tests.recall('b'), 'admin');
SELECT is((SELECT array_agg(rule_key) FROM app.dry_run_rules('project.stage_changed', '{}')), '{b_watch}',
  'another tenant''s dry run shows only its own rules');

-- Changes are stamped by the server; managers delete rules; platform operators read every tenant's.
SELECT tests.act_as_owner();
INSERT INTO app.rules (organization_id, key, name, event_type, actions, author_id, created_at, updated_at)
VALUES (tests.recall('a'), 'old_rule', 'Old', 'legacy.*', '[{"kind": "webhook"}]', tests.recall('qa'),
        now() - interval '1 day', now() - interval '1 day');
SELECT tests.act_as_role(tests.recall('a'), 'admin');
UPDATE app.rules SET description = 'Still needed?' WHERE key = 'old_rule';
SELECT is((SELECT updated_at FROM app.rules WHERE key = 'old_rule'), now(), 'a change stamps updated_at');
SELECT isnt_empty($$DELETE FROM app.rules WHERE key = 'old_rule' RETURNING id$$, 'a rule manager deletes a rule');
SELECT tests.act_as(tests.create_operator());
SELECT ok((SELECT count(*) FROM app.rules WHERE organization_id = tests.recall('a')) > 0
          AND (SELECT count(*) FROM app.rule_runs WHERE organization_id = tests.recall('a')) > 0,
  'a platform operator reads every tenant''s rules and runs');

-- The run log: rule managers read it, nobody writes it.
SELECT tests.act_as_role(tests.recall('b'), 'admin');
SELECT is_empty(format($$SELECT FROM app.rule_runs WHERE organization_id = %L$$, tests.recall('a')),
  'another tenant''s admin does not read the runs');
SELECT tests.act_as_role(tests.recall('a'), 'qa');
SELECT is_empty($$SELECT FROM app.rule_runs$$, 'a member without rule.manage does not read the runs');
SELECT tests.act_as_role(tests.recall('a'), 'admin');
SELECT ok((SELECT count(*) FROM app.rule_runs) > 0, 'a rule manager does');
SELECT tests.act_as_owner();
SELECT is(app_private.run_job('purge-rule-runs'), '0', 'the purge keeps runs younger than the retention');
SELECT ok(app_private.purge_rule_runs(now() + interval '91 days') > 0, 'and deletes those older (90 days by default)');
SELECT is_empty($$SELECT FROM app.rule_runs$$, 'every one of them');
SELECT tests.act_as_role(tests.recall('a'), 'admin');
SELECT is(tests.refusal(format($$INSERT INTO app.rule_runs (organization_id, id, rule_id, event_id, event_type, event_depth, matched, status)
                                 VALUES (%L, gen_random_uuid(), %L, %L, 'x.y', 0, false, 'not_matched')$$,
                               tests.recall('a'), tests.recall('big_quote'), tests.recall('event'))),
  '42501', 'nobody writes the run log through the API');

SELECT * FROM finish();
ROLLBACK;
